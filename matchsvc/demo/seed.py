"""``flask --app matchsvc seed-demo``: a realistic demo org tree and approved profiles.

What one run writes, in one transaction (a failure leaves the database as it was):

* **The org tree** of :data:`matchsvc.demo.data.ORG_TREE`: agency unions (财政、教育、卫健、公安、
  税务、人社 …) with their sub-units, and the women's federation with its own, all under the city
  union. The root is the existing root unit if there is one (``create-admin`` makes one),
  otherwise a new ``杭州市总工会``; a unit that already exists under the same parent is reused.
  The women's federation sits under the root too, so the root's reviewer and organizer reach it.
* **Four demo logins with known passwords**, printed at the end, one line each, as
  ``ROLE: username=NAME password=PASSWORD``: ``demo_member`` (owns the first approved profile),
  ``demo_reviewer`` and ``demo_organizer`` (those roles at the root) and ``demo_admin`` (created
  even when ``create-admin`` already made another admin).
* **N approved profiles** (``demo_member`` and ``demo_member_000001`` …), each with its account in
  a leaf or mid unit, consent to the current version, and what the real flow leaves behind, made
  by the real flow's own functions in bulk (``profiles.service.consent_given`` /
  ``record_consents``: the ``given`` consent record and the ``consent_given`` audit entry;
  ``reviews.service.approve_in_bulk``: the approved snapshot and the demo reviewer's ``approve``
  entry), dated over the past eight months.
* **Drawn avatars** (:mod:`matchsvc.demo.avatars`, Pillow, nothing downloaded) as approved photos
  of the first :data:`AVATARS` approved profiles, demo_member's among them, each its own picture,
  stored as ``photos.service.store_many`` stores them (the rows and files an upload makes).
* **Twenty pending profiles** (``demo_applicant_01`` …) spread over the units, submitted over the
  past ten days, so the reviewer's queue has work in it.

Passwords: every bulk account (all but the four logins) shares ONE argon2 hash of a random
password that is generated during the run and thrown away, so nobody can log in as them.
Hashing 100,000 passwords at the service's argon2 cost would take hours; one hash takes a
fraction of a second.

Speed: rows go in with SQLAlchemy Core ``insert()`` executemany over lists of dicts, chunks of
:data:`CHUNK`, never the ORM unit of work per object; a worker thread generates the next chunk
meanwhile. Account and profile ids are given explicitly (see :class:`IdBlock`: reserved from the
sequence on PostgreSQL, so later ORM inserts just work). ``bench/seed_demo.py`` times 100,000
profiles.

Empty databases only: the command refuses (exit 1) when any profile or one of the demo logins
already exists; with ``--if-empty`` it exits 0 instead, printing nothing on stdout, so a setup
script may run ``db upgrade`` and ``seed-demo --if-empty`` every time.

One transaction: on SQLite, other writers wait for it (up to their busy timeout), so seed before
serving rather than under load.

Deterministic: ``--seed`` fixes every draw; dates count back from today's midnight (UTC), so the
same seed on the same day gives the same data.
"""

from __future__ import annotations

import bisect
import itertools
import random
import secrets
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime, time as dtime, timedelta, timezone
from typing import Any, Generic, Iterable, NamedTuple, Sequence, TypeVar

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import with_appcontext
from tqdm import tqdm

from matchsvc.demo import avatars, data
from matchsvc import signals
from matchsvc.accounts.models import Account, Role, RoleGrant
from matchsvc.accounts.service import hash_password
from matchsvc.core.clock import utcnow, years_before
from matchsvc.extensions import db
from matchsvc.orgs import service as orgs
from matchsvc.orgs.models import OrgUnit
from matchsvc.photos import imaging
from matchsvc.photos import service as photos
from matchsvc.photos.models import PhotoStatus
from matchsvc.profiles import service as profiles
from matchsvc.profiles.models import FRIENDS_SAY_KEYS, VALUE_KEYS, Education, Profile, ProfileStatus
from matchsvc.reviews import audit
from matchsvc.reviews import service as reviews

#: Rows per executemany.
CHUNK = 5000
#: Pending applications for the reviewer's queue.
PENDING = 20
#: Approved profiles (the first ones, the demo member first) given a drawn avatar, each its own:
#: about 9 ms of drawing and encoding and 12 KB of stored JPEG apiece, so 1,000 cost some 9 s of
#: CPU (in the generating thread) and 12 MB however many profiles are seeded (the default seed of
#: 1,000 profiles: all of them). The demo member's
#: nearest suggestions get one too (journeys), so a large seed still shows photos where one looks.
AVATARS = 1000
#: role → (username, password) of the demo logins.
DEMO_LOGINS: dict[str, tuple[str, str]] = {
    "member": ("demo_member", "demo-member-2026"),
    "reviewer": ("demo_reviewer", "demo-reviewer-2026"),
    "organizer": ("demo_organizer", "demo-organizer-2026"),
    "admin": ("demo_admin", "demo-admin-2026"),
}

T = TypeVar("T")
#: An interest as the generator knows it: (tag, the activity in words, sentences about it).
Interest = tuple[str, str, tuple[str, ...]]


class Weighted(Generic[T]):
    """A weighted choice with its cumulative weights computed once."""

    def __init__(self, pairs: Iterable[tuple[T, float]]) -> None:
        pairs = list(pairs)
        self.values = [v for v, _ in pairs]
        self.cum = list(itertools.accumulate(w for _, w in pairs))
        self.total, self.last = self.cum[-1], len(self.cum) - 1

    def pick(self, rng: random.Random) -> T:
        # What random.choices does for k=1, without its per-call overhead (called ~20 times a person).
        return self.values[bisect.bisect(self.cum, rng.random() * self.total, 0, self.last)]

    def sample(self, rng: random.Random, k: int) -> list[T]:
        """``k`` distinct values (fewer if there are not that many)."""
        k = min(k, len(self.values))
        chosen: dict[T, None] = {}
        while len(chosen) < k:
            chosen.setdefault(self.pick(rng), None)
        return list(chosen)


@dataclass(frozen=True)
class Unit:
    """A unit members belong to, with what the generator needs to know about it."""

    id: int
    pool: str
    workplace: str
    weight: int


class Timeline(NamedTuple):
    account_created: datetime
    profile_created: datetime
    consented: datetime
    submitted: datetime
    approved: datetime | None


@dataclass
class Person:
    """One generated member: the account's unit and times, and the profile row (without ids)."""

    unit: Unit
    account_created_at: datetime
    profile: dict[str, Any]
    #: A drawn avatar, cleaned like an upload (the first AVATARS people only).
    avatar: imaging.Cleaned | None = None


# ------------------------------------------------------------------------------------------
# Generating people
# ------------------------------------------------------------------------------------------

_AGES = Weighted([(22, 2), (23, 4), (24, 6), (25, 8), (26, 9), (27, 10), (28, 10), (29, 9), (30, 8),
                  (31, 7), (32, 6), (33, 5), (34, 4), (35, 3), (36, 2), (37, 2), (38, 1)])
_GOALS = Weighted([("marriage", 70), ("dating", 22), ("friendship", 8)])
_TAG_WEIGHTS = Weighted([(1, 1), (2, 2), (3, 4), (4, 3), (5, 2)])
_CITIES = Weighted(data.CITIES)
_SOCIAL_FREQUENCY = Weighted(data.SOCIAL_FREQUENCY)
_HOMETOWNS = Weighted(((city, prov), w) for city, prov, w in data.HOMETOWNS)
_SURNAMES = Weighted(data.SURNAMES)
_EDUCATION_BASE = Weighted(data.EDUCATION_BASE)
_EDUCATION = {occ: Weighted(pairs) for occ, pairs in data.EDUCATION_BY_OCCUPATION.items()}
_EDUCATION_ORDER = tuple(e.value for e in Education)
_INTERESTS = {
    gender: Weighted(((tag, activity, phrases), m if gender == "male" else f)
                     for tag, m, f, activity, phrases in data.INTERESTS)
    for gender in ("male", "female")
}
_OCCUPATIONS = {
    (pool, gender): Weighted((occ, w * data.OCCUPATION_GENDER.get(occ, {}).get(gender, 1.0)) for occ, w in pairs)
    for pool, pairs in data.OCCUPATION_POOLS.items() for gender in ("male", "female")
}


def _one(rng: random.Random, items: Sequence[T]) -> T:
    """``rng.choice`` without its overhead (the generator calls it a dozen times a person)."""
    return items[int(rng.random() * len(items))]


def _between(rng: random.Random, low: int, high: int) -> int:
    """``rng.randint(low, high)``, cheaper."""
    return low + int(rng.random() * (high - low + 1))


class PeopleMaker:
    """Draws plausible members from one seeded generator; ``anchor`` is "now" for every date."""

    def __init__(self, rng: random.Random, units: Sequence[Unit], anchor: datetime, consent_version: str) -> None:
        self.rng = rng
        #: the optional matching answers come from a generator of their own, seeded from this
        #: one's state without drawing from it: everything else stays as it was before they existed
        self.answers_rng = random.Random(f"matching-inputs:{rng.getstate()[1][:8]}")
        self.units = Weighted((u, u.weight) for u in units)
        self.anchor = anchor
        self.consent_version = consent_version
        #: age → (earliest birth date for that age on the anchor's day, how many days the range spans)
        today = anchor.date()
        self.births: dict[int, tuple[date, int]] = {}
        for age in range(_AGES.values[0], _AGES.values[-1] + 1):
            earliest = years_before(today, age + 1) + timedelta(days=1)
            self.births[age] = (earliest, (years_before(today, age) - earliest).days + 1)

    def person(self, *, pending: bool = False, unit: Unit | None = None) -> Person:
        rng = self.rng
        gender = "male" if rng.random() < 0.5 else "female"
        unit = unit or self.units.pick(rng)
        age = _AGES.pick(rng)
        surname = _SURNAMES.pick(rng)
        occupation = _OCCUPATIONS[(unit.pool, gender)].pick(rng)
        education = _EDUCATION.get(occupation, _EDUCATION_BASE).pick(rng)
        city = _CITIES.pick(rng)
        home_city, home_province = _HOMETOWNS.pick(rng)
        interests = self._interests(gender)
        goal = _GOALS.pick(rng)
        seeking = self._seeking(gender, age, education, city)
        times = self._timeline(pending)
        answers = self._matching_inputs(gender)
        profile = {
            "status": (ProfileStatus.pending if pending else ProfileStatus.approved).value,
            "display_name": surname + self._given_name(gender),
            "gender": gender,
            "birth_date": self._birth_date(age),
            "height_cm": self._height(gender),
            "education": education,
            "occupation": occupation,
            "city": city,
            "hometown": home_city,
            "interests": [{"tag": tag, "weight": weight} for (tag, _, _), weight in interests],
            "intro": self._intro(age=age, surname=surname, occupation=occupation, unit=unit, city=city,
                                 home=(home_city, home_province), interests=interests, goal=goal,
                                 seeking_gender=seeking["seeking_gender"]),
            "goal": goal,
            "contact": self._contact(),
            **seeking,
            **answers,
            "consent_version": self.consent_version,
            "consented_at": times.consented,
            "review_note": None,
            "submitted_at": times.submitted,
            "reviewed_at": times.approved,
            "approved_at": times.approved,
            "updated_at": times.approved or times.submitted,
            "created_at": times.profile_created,
        }
        return Person(unit=unit, account_created_at=times.account_created, profile=profile)

    # -- the parts -------------------------------------------------------------------------

    def _given_name(self, gender: str) -> str:
        rng = self.rng
        pool = data.GIVEN_MALE if gender == "male" else data.GIVEN_FEMALE
        if rng.random() < 0.25:
            return _one(rng, pool)
        first = _one(rng, pool + data.GIVEN_EITHER)
        second = _one(rng, pool)
        while second == first:
            second = _one(rng, pool)
        return first + second

    def _birth_date(self, age: int) -> date:
        """A birth date that makes the person exactly ``age`` on the anchor's day."""
        earliest, span = self.births[age]
        return earliest + timedelta(days=int(self.rng.random() * span))

    def _height(self, gender: str) -> int:
        if gender == "male":
            return int(min(195, max(158, round(self.rng.gauss(173, 6)))))
        return int(min(180, max(148, round(self.rng.gauss(161, 5)))))

    def _interests(self, gender: str) -> list[tuple[Interest, int]]:
        """2–8 distinct tags with weights 1–5, favourites first."""
        rng = self.rng
        tags = _INTERESTS[gender].sample(rng, _between(rng, 2, 8))
        weighted = [(tag, _TAG_WEIGHTS.pick(rng)) for tag in tags]
        weighted.sort(key=lambda item: -item[1])
        return weighted

    def _seeking(self, gender: str, age: int, education: str, city: str) -> dict[str, Any]:
        rng = self.rng
        if gender == "male":
            low, high = age - _between(rng, 2, 6), age + _between(rng, 0, 3)
        else:
            low, high = age - _between(rng, 0, 3), age + _between(rng, 2, 7)
        low = max(20, low)
        high = min(45, max(high, low))
        height_min = height_max = None
        if gender == "female" and rng.random() < 0.35:
            height_min = _one(rng, (165, 168, 170, 172, 175))
        elif gender == "male":
            if rng.random() < 0.05:
                height_min = _one(rng, (150, 155))
            if rng.random() < 0.08:
                height_max = _one(rng, (170, 172, 175))
        education_min = None
        if rng.random() < 0.25:
            rank = _EDUCATION_ORDER.index(education)
            education_min = "master" if rank >= 3 and rng.random() < 0.2 else ("bachelor" if rank >= 2 else "associate")
        cities: list[str] = []
        if rng.random() < 0.2:
            cities = [data.CITY] if city == data.CITY else [city, data.CITY]
        return {
            "seeking_gender": "female" if gender == "male" else "male",
            "seeking_age_min": low,
            "seeking_age_max": high,
            "seeking_height_min": height_min,
            "seeking_height_max": height_max,
            "seeking_education_min": education_min,
            "seeking_cities": cities,
        }

    def _matching_inputs(self, gender: str, *, answered: bool | None = None) -> dict[str, Any]:
        """The three optional matching questions (``social_frequency``, ``partner_values``,
        ``friends_say``): most members answered them, with spreads like the speed-dating survey's
        (:data:`matchsvc.demo.data.SOCIAL_FREQUENCY` and below); None where not answered."""
        rng = self.answers_rng
        out: dict[str, Any] = {"social_frequency": None, "partner_values": None, "friends_say": None}
        if not (rng.random() < data.MATCHING_ANSWERED if answered is None else answered):
            return out
        asked = [name for name in out if answered or rng.random() >= data.QUESTION_SKIPPED]
        if "social_frequency" in asked:
            out["social_frequency"] = _SOCIAL_FREQUENCY.pick(rng)
        if "partner_values" in asked:
            shares = [rng.gammavariate(data.VALUES_CONCENTRATION * m, 1.0) for m in data.VALUES_SHARES[gender]]
            total = sum(shares)
            out["partner_values"] = {key: min(10, int(10 * share / total + 0.5))
                                     for key, share in zip(VALUE_KEYS, shares)}
        if "friends_say" in asked:
            shared = rng.gauss(0.0, 1.0)
            own = (1.0 - data.FRIENDS_SAY_SHARED) ** 0.5
            out["friends_say"] = {
                key: min(10, max(1, int(mean + sd * (data.FRIENDS_SAY_SHARED ** 0.5 * shared + own * rng.gauss(0.0, 1.0))
                                        + 0.5)))
                for key, mean, sd in zip(FRIENDS_SAY_KEYS, data.FRIENDS_SAY_MEAN[gender], data.FRIENDS_SAY_SD[gender])
            }
        return out

    def _contact(self) -> dict[str, str]:
        rng = self.rng
        contact = {"phone": f"{_one(rng, data.PHONE_PREFIXES)}{int(rng.random() * 10 ** 8):08d}"}
        if rng.random() < 0.45:
            handle = _one(rng, data.WECHAT_SYLLABLES) + _one(rng, data.WECHAT_SYLLABLES)
            contact["wechat"] = f"{handle}{_one(rng, ('', '_'))}{_between(rng, 10, 9999)}"
        if rng.random() < 0.1:
            contact["email"] = f"{_between(rng, 10 ** 7, 10 ** 10)}@{_one(rng, ('qq.com', '163.com', '126.com'))}"
        return contact

    def _timeline(self, pending: bool) -> Timeline:
        """Account created, profile started, consent, submission, approval — in that order."""
        rng = self.rng

        def back(moment: datetime, low: float, high: float) -> datetime:
            return moment - timedelta(seconds=low + (high - low) * rng.random())

        if pending:
            approved = None
            submitted = back(self.anchor, 3600, 10 * 86400)
        else:  # more members joined lately than long ago
            approved = self.anchor - timedelta(days=240 * rng.random() ** 1.6 + 0.05)
            submitted = back(approved, 1800, 3 * 86400)
        consented = back(submitted, 60, 86400)
        profile_created = back(consented, 60, 3 * 86400)
        return Timeline(back(profile_created, 30, 7 * 86400), profile_created, consented, submitted, approved)

    def _intro(self, *, age: int, surname: str, occupation: str, unit: Unit, city: str, home: tuple[str, str],
               interests: list[tuple[Interest, int]], goal: str, seeking_gender: str) -> str:
        """A self-introduction of 40–200 characters from templates and the person's own facts."""
        rng = self.rng
        years = _between(rng, 1, max(1, min(10, age - 21)))
        traits = data.OCCUPATION_TRAITS.get(occupation, ("工作认真负责",))
        opening = _one(rng, data.OPENINGS).format(workplace=unit.workplace, occupation=occupation,
                                                  trait=_one(rng, traits), years=years, surname=surname)
        home_city, province = home
        if home_city in (city, data.CITY):
            templates = data.HOMETOWN_SAME_CITY
        elif province == data.PROVINCE:
            templates = data.HOMETOWN_SAME_PROVINCE
        else:
            templates = data.HOMETOWN_ELSEWHERE
        hometown = _one(rng, templates).format(home=home_city, province=province, city=data.CITY, years=years)
        activities = [activity for (_, activity, _), _ in interests[:3]]
        listed = "、".join(activities[:-1]) + "和" + activities[-1] if len(activities) > 1 else activities[0]
        liking = _one(rng, data.INTEREST_LISTS).format(items=listed)
        (_, _, phrases), _ = interests[0]
        detail = _one(rng, phrases)
        personality = f"性格{_one(rng, data.PERSONALITY_TRAITS)}，{_one(rng, data.PERSONALITY_TAILS)}"
        wish = _one(rng, data.GOAL_SENTENCES[goal]).format(quality=_one(rng, data.QUALITIES),
                                                          ta="他" if seeking_gender == "male" else "她")
        optional = {"hometown": hometown, "detail": detail, "personality": personality}
        keep = {name for name in optional if rng.random() < 0.75}

        def render() -> str:  # the slots named after an optional sentence are left out unless kept
            slots = [opening, "hometown", liking, "detail", "personality", wish]
            return "".join(optional.get(slot, slot) + "。" for slot in slots if slot not in optional or slot in keep)

        text = render()
        for name in ("hometown", "detail", "personality"):  # too short: put sentences back
            if len(text) >= 40:
                break
            keep.add(name)
            text = render()
        for name in ("personality", "detail", "hometown"):  # too long: leave sentences out
            if len(text) <= 200:
                break
            keep.discard(name)
            text = render()
        return text[:200]


# ------------------------------------------------------------------------------------------
# Writing
# ------------------------------------------------------------------------------------------

def _get_or_create_unit(name: str, parent: OrgUnit | None) -> OrgUnit:
    parent_id = parent.id if parent else None
    where = OrgUnit.parent_id.is_(None) if parent is None else OrgUnit.parent_id == parent_id
    unit = db.session.scalar(sa.select(OrgUnit).where(where, OrgUnit.name == name))
    return unit or orgs.create_unit(name=name, parent_id=parent_id)


def build_org_tree() -> tuple[OrgUnit, list[Unit]]:
    """The root and the units members are placed in (every unit but the root)."""
    root = db.session.scalar(sa.select(OrgUnit).where(OrgUnit.parent_id.is_(None)).order_by(OrgUnit.id))
    if root is None:
        root = orgs.create_unit(name=data.CITY_UNION, parent_id=None)
    units: list[Unit] = []
    for name, weight, pool, workplace, children in data.ORG_TREE:
        agency = _get_or_create_unit(name, root)
        units.append(Unit(agency.id, pool, workplace, weight))
        for sub_name, sub_weight, sub_pool, sub_workplace in children:
            sub = _get_or_create_unit(sub_name, agency)
            units.append(Unit(sub.id, sub_pool or pool, sub_workplace or workplace + sub_name, sub_weight))
    return root, units


def existing_data() -> str | None:
    """Why the database does not count as empty, or None."""
    profiles = db.session.scalar(sa.select(sa.func.count()).select_from(Profile))
    if profiles:
        return f"the database already holds {profiles} profile(s)"
    names = [name for name, _ in DEMO_LOGINS.values()]
    taken = db.session.scalars(sa.select(Account.username).where(Account.username.in_(names))).all()
    if taken:
        return f"demo account(s) already exist: {', '.join(sorted(taken))}"
    return None


def _insert(table: sa.Table, rows: list[dict[str, Any]]) -> None:
    """One executemany of ``rows`` into ``table`` (Core, no ORM unit of work)."""
    if rows:
        db.session.execute(sa.insert(table), rows)


class IdBlock:
    """Primary keys for bulk rows of one table, handed out so that later inserts continue after them.

    PostgreSQL: reserved from the table's own sequence (``nextval`` over ``generate_series``), so
    the sequence is already past them and concurrent inserts never collide; no ``setval`` needed.
    SQLite: ``max(id) + 1`` onwards, read once the transaction holds the write lock (the caller
    has written before asking); SQLite's rowid and AUTOINCREMENT counters follow explicit ids.
    (``INSERT … RETURNING`` with ``sort_by_parameter_order`` would do too, but SQLAlchemy runs it
    one row per statement on SQLite: ten times slower.)
    """

    def __init__(self, table: sa.Table) -> None:
        self.table = table
        self.next: int | None = None

    def take(self, n: int) -> list[int]:
        if n == 0:
            return []
        if db.session.get_bind().dialect.name == "postgresql":
            sql = sa.text("SELECT nextval(pg_get_serial_sequence(:t, 'id')) FROM generate_series(1, :n)")
            return list(db.session.scalars(sql, {"t": self.table.name, "n": n}))
        if self.next is None:
            self.next = (db.session.scalar(sa.select(sa.func.max(self.table.c.id))) or 0) + 1
        start, self.next = self.next, self.next + n
        return list(range(start, start + n))


def _grant_login(role: Role, *, unit: OrgUnit) -> Account:
    username, password = DEMO_LOGINS[role.value]
    account = Account(username=username, password_hash=hash_password(password), org_unit_id=unit.id)
    account.grants.append(RoleGrant(role=role))
    db.session.add(account)
    db.session.flush()
    audit.record(actor=None, action="role_granted", target=f"account:{account.id}", org_unit_id=unit.id,
                 detail={"role": role.value, "via": "seed-demo"})
    return account


@dataclass
class _Writer:
    """Writes people chunk by chunk: accounts, profiles, consent records, audit entries."""

    reviewer_id: int
    bulk_hash: str
    member_hash: str
    account_ids: IdBlock = field(default_factory=lambda: IdBlock(Account.__table__))
    profile_ids: IdBlock = field(default_factory=lambda: IdBlock(Profile.__table__))

    def accounts(self, people: list[Person], usernames: list[str]) -> list[int]:
        ids = self.account_ids.take(len(people))
        member = DEMO_LOGINS["member"][0]
        _insert(Account.__table__, [
            {"id": account_id, "username": name, "password_hash": self.member_hash if name == member else self.bulk_hash,
             "org_unit_id": p.unit.id, "created_at": p.account_created_at}
            for p, name, account_id in zip(people, usernames, ids)
        ])
        return ids

    def write(self, people: list[Person], usernames: list[str]) -> None:
        """Accounts and profiles in bulk, then what the real flow leaves behind, made by the real
        flow's own functions: consent records and their audit entries, approvals (snapshot and
        audit entry)."""
        accounts = self.accounts(people, usernames)
        profile_ids = self.profile_ids.take(len(people))
        rows = [dict(p.profile, id=profile_id, account_id=account_id)
                for p, account_id, profile_id in zip(people, accounts, profile_ids)]
        approvals = reviews.approve_in_bulk(
            reviewer_id=self.reviewer_id, via="seed-demo",
            items=[(row["id"], p.unit.id, row) for p, row in zip(people, rows) if row["approved_at"] is not None])
        _insert(Profile.__table__, rows)
        profiles.record_consents([
            profiles.consent_given(account_id=row["account_id"], profile_id=row["id"], org_unit_id=p.unit.id,
                                   version=row["consent_version"], at=row["consented_at"])
            for p, row in zip(people, rows)])
        audit.record_many(approvals)
        photos.store_many([(profile_id, p.avatar) for p, profile_id in zip(people, profile_ids) if p.avatar],
                          status=PhotoStatus.approved)


def _username(i: int, count: int) -> str:
    return DEMO_LOGINS["member"][0] if i == 0 else f"demo_member_{i:0{max(6, len(str(count)))}d}"


def seed(count: int, *, seed_value: int = 42, progress: bool = True) -> dict[str, int]:
    """Write the demo data into the current session (the caller commits). Returns counts."""
    anchor = datetime.combine(utcnow().date(), dtime.min, tzinfo=timezone.utc)
    consent_version = str(current_app.config["CONSENT_VERSION"])
    root, units = build_org_tree()
    reviewer = _grant_login(Role.reviewer, unit=root)
    _grant_login(Role.organizer, unit=root)
    _grant_login(Role.admin, unit=root)
    writer = _Writer(reviewer_id=reviewer.id, bulk_hash=hash_password(secrets.token_urlsafe(32)),
                     member_hash=hash_password(DEMO_LOGINS["member"][1]))

    maker = PeopleMaker(random.Random(seed_value), units, anchor, consent_version)

    def generate(start: int) -> list[Person]:
        people = [maker.person() for _ in range(start, min(count, start + CHUNK))]
        for i, person in enumerate(people[:max(0, AVATARS - start)], start):
            person.avatar = imaging.render(avatars.draw(f"{seed_value}:{i}", person.profile["gender"]))
        if start == 0:  # the demo member: no hard limits beyond gender and age, so there is a lot to see,
            # and the optional questions answered, so that reasons speak of them
            member = people[0].profile
            member.update(goal="marriage", seeking_height_min=None, seeking_height_max=None,
                          seeking_education_min=None, seeking_cities=[])
            if any(member[name] is None for name in ("social_frequency", "partner_values", "friends_say")):
                member.update(maker._matching_inputs(member["gender"], answered=True))
        return people

    # One worker thread generates the next chunk while this one is written: it runs whenever the
    # writer lets go of the GIL (SQLite's C code, PostgreSQL round trips). One worker, chunks in
    # order: the generator is drawn from in the same order as without it, so output is the same.
    with tqdm(total=count, desc="seed-demo", unit=" profiles", file=sys.stderr, disable=not progress,
              dynamic_ncols=True) as bar, ThreadPoolExecutor(max_workers=1, thread_name_prefix="seed-demo") as ahead:
        upcoming = ahead.submit(generate, 0) if count else None
        for start in range(0, count, CHUNK):
            assert upcoming is not None
            people = upcoming.result()
            if start + CHUNK < count:
                upcoming = ahead.submit(generate, start + CHUNK)
            writer.write(people, [_username(i, count) for i in range(start, start + len(people))])
            bar.update(len(people))
    if count == 0:  # the member login exists even without profiles
        writer.accounts([Person(unit=units[0], account_created_at=anchor, profile={})], [DEMO_LOGINS["member"][0]])

    applicants = PeopleMaker(random.Random(f"{seed_value}:pending"), units, anchor, consent_version)
    spread = list(units)
    applicants.rng.shuffle(spread)
    pending = [applicants.person(pending=True, unit=spread[i % len(spread)]) for i in range(PENDING)]
    writer.write(pending, [f"demo_applicant_{i + 1:02d}" for i in range(PENDING)])
    return {"approved": count, "pending": PENDING, "units": len(units) + 1, "avatars": min(count, AVATARS)}


@click.command("seed-demo")
@click.option("--profiles", "count", type=click.IntRange(0, 1_000_000), default=1000, show_default=True,
              help="How many approved demo profiles to create.")
@click.option("--seed", "seed_value", type=int, default=42, show_default=True,
              help="Random seed: the same seed gives the same people (on the same day).")
@click.option("--if-empty", is_flag=True, help="Exit 0 without doing anything when data is already there.")
@click.option("--progress/--no-progress", default=True, show_default=True, help="Progress bar on stderr.")
@click.option("--journeys/--no-journeys", "journeys_too", default=True, show_default=True,
              help="Stage every role's journey for the demo logins (likes, a match, events, picks, a report).")
@with_appcontext
def seed_demo(count: int, seed_value: int, if_empty: bool, progress: bool, journeys_too: bool) -> None:
    """Fill an empty database with a demo org tree, N approved profiles and a login per role.

    Prints one line per role at the end: ``ROLE: username=NAME password=PASSWORD``.
    """
    try:
        reason = existing_data()
    except sa.exc.DBAPIError as exc:
        db.session.rollback()
        raise click.ClickException(f"cannot read the database ({exc.orig}); "
                                   "run `flask --app matchsvc db upgrade` first") from None
    if reason is not None:
        db.session.rollback()
        if if_empty:
            click.echo(f"seed-demo: {reason}; nothing to do (--if-empty).", err=True)
            return
        raise click.ClickException(f"seed-demo fills an empty database only: {reason}. "
                                   "Use --if-empty to skip quietly instead.")
    started = time.perf_counter()
    try:
        counts = seed(count, seed_value=seed_value, progress=progress)
        db.session.commit()
    except sa.exc.IntegrityError as exc:
        db.session.rollback()
        raise click.ClickException(f"seeding failed and nothing was written: {exc.orig}") from None
    # The matching index rebuilds from the pool; a receiver may write (a change-log row), so commit again.
    signals.pool_changed.send(None)
    db.session.commit()
    if journeys_too and count > 0:
        from matchsvc.demo import journeys

        logins = {role: db.session.scalars(sa.select(Account).where(Account.username == name)).one()
                  for role, (name, _) in DEMO_LOGINS.items()}
        staged = journeys.stage(member=logins["member"], reviewer=logins["reviewer"],
                                organizer=logins["organizer"], root_unit_id=logins["reviewer"].org_unit_id)
        db.session.commit()
        click.echo(f"seed-demo: journeys staged: {len(staged.admirers)} admirers, a match, 3 events, "
                   f"{staged.picks} daily picks", err=True)
    click.echo(f"seed-demo: {counts['approved']} approved and {counts['pending']} pending profiles in "
               f"{counts['units']} org units, {counts['avatars']} with a drawn avatar, "
               f"{time.perf_counter() - started:.1f} s", err=True)
    for role, (username, password) in DEMO_LOGINS.items():
        click.echo(f"{role}: username={username} password={password}")
