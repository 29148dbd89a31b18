"""Rows in the states tests need, built with factory_boy (states as traits), and a client that
acts as a given account."""

from __future__ import annotations

import itertools
from datetime import date
from typing import Any, Callable

import factory
from factory.alchemy import SQLAlchemyModelFactory
from flask.testing import FlaskClient
from flask_jwt_extended import create_access_token

from matchsvc.accounts.models import Account, Role, RoleGrant
from matchsvc.core.clock import utcnow
from matchsvc.events.models import Event, EventStatus, EventUnit
from matchsvc.extensions import db
from matchsvc.orgs import service as orgs
from matchsvc.orgs.models import OrgUnit
from matchsvc.profiles.models import Profile, ProfileStatus

PASSWORD = "correct horse battery"
#: Callables run after every test to drop per-process state (caches, in-memory senders).
RESETS: list[Callable[[], None]] = []
_hash_cache: dict[str, str] = {}


def password_hash() -> str:
    if "h" not in _hash_cache:
        from matchsvc.accounts.service import hash_password

        _hash_cache["h"] = hash_password(PASSWORD)
    return _hash_cache["h"]


class _Base(SQLAlchemyModelFactory):
    class Meta:
        abstract = True
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731
        sqlalchemy_session_persistence = "commit"


class AccountFactory(_Base):
    class Meta:
        model = Account

    username = factory.Sequence(lambda n: f"user{n}")
    password_hash = factory.LazyFunction(password_hash)
    org_unit_id = factory.LazyFunction(lambda: Maker().root().id)

    @factory.post_generation
    def roles(obj: Account, create: bool, extracted: Any, **_: Any) -> None:  # noqa: N805
        for role in extracted or ():
            obj.grants.append(RoleGrant(role=Role(role)))
        if create and extracted:
            db.session.commit()


class ProfileFactory(_Base):
    class Meta:
        model = Profile

    account_id = factory.LazyFunction(lambda: AccountFactory().id)
    status = ProfileStatus.draft
    display_name = factory.Sequence(lambda n: f"成员{n}")
    gender = "female"
    birth_date = date(1996, 6, 1)
    height_cm = 165
    education = "bachelor"
    occupation = "公务员"
    city = "杭州"
    hometown = "宁波"
    interests = factory.LazyFunction(lambda: [{"tag": "爬山", "weight": 3}, {"tag": "阅读", "weight": 4}])
    intro = "喜欢周末去爬山，也喜欢安静地看书。"
    goal = "marriage"
    contact = factory.LazyFunction(lambda: {"phone": "13800138000"})
    seeking_gender = "male"
    seeking_age_min = 22
    seeking_age_max = 40
    seeking_cities = factory.LazyFunction(list)

    class Params:
        consented = factory.Trait(consent_version="2026-11", consented_at=factory.LazyFunction(utcnow))
        pending = factory.Trait(status=ProfileStatus.pending, consent_version="2026-11",
                                consented_at=factory.LazyFunction(utcnow), submitted_at=factory.LazyFunction(utcnow))
        approved = factory.Trait(status=ProfileStatus.approved, consent_version="2026-11",
                                 consented_at=factory.LazyFunction(utcnow), submitted_at=factory.LazyFunction(utcnow),
                                 reviewed_at=factory.LazyFunction(utcnow), approved_at=factory.LazyFunction(utcnow))


_units = itertools.count(1)


class Maker:
    """Short names for the states tests build most."""

    def root(self) -> OrgUnit:
        unit = db.session.scalar(db.select(OrgUnit).where(OrgUnit.parent_id.is_(None)).order_by(OrgUnit.id))
        if unit is None:
            unit = orgs.create_unit(name="市总工会", parent_id=None)
            db.session.commit()
        return unit

    def unit(self, name: str | None = None, parent: OrgUnit | None = None) -> OrgUnit:
        parent = parent or self.root()
        unit = orgs.create_unit(name=name or f"单位{next(_units)}", parent_id=parent.id)
        db.session.commit()
        return unit

    def account(self, *roles: str, unit: OrgUnit | None = None, **kw: Any) -> Account:
        if unit is not None:
            kw["org_unit_id"] = unit.id
        return AccountFactory(roles=list(roles), **kw)

    def profile(self, account: Account | None = None, **kw: Any) -> Profile:
        if account is not None:
            kw["account_id"] = account.id
        return ProfileFactory(**kw)

    def member(self, unit: OrgUnit | None = None, **kw: Any) -> tuple[Account, Profile]:
        """An account with an approved profile (pass profile fields as keywords)."""
        kw.setdefault("approved", True)
        account = self.account(unit=unit)
        return account, self.profile(account, **kw)


class ActingClient:
    """The Flask test client, sending an account's bearer token (or none)."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client

    def __call__(self, account: Account | None, **headers: str) -> "_As":
        return _As(self.client, account, headers)


class _As:
    def __init__(self, client: FlaskClient, account: Account | None, headers: dict[str, str]) -> None:
        self.client = client
        self.headers = dict(headers)
        if account is not None:
            self.headers["Authorization"] = f"Bearer {create_access_token(identity=str(account.id))}"

    def open(self, method: str, url: str, **kw: Any) -> Any:
        headers = {**self.headers, **kw.pop("headers", {})}
        if not url.startswith("/api/") and not url.startswith("/healthz") and not url.startswith("/readyz"):
            url = "/api/v1" + url
        return self.client.open(url, method=method, headers=headers, **kw)

    def get(self, url: str, **kw: Any) -> Any:
        return self.open("GET", url, **kw)

    def post(self, url: str, **kw: Any) -> Any:
        return self.open("POST", url, **kw)

    def put(self, url: str, **kw: Any) -> Any:
        return self.open("PUT", url, **kw)

    def patch(self, url: str, **kw: Any) -> Any:
        return self.open("PATCH", url, **kw)

    def delete(self, url: str, **kw: Any) -> Any:
        return self.open("DELETE", url, **kw)


def _in(**delta: float) -> Any:
    from datetime import timedelta

    return factory.LazyFunction(lambda: utcnow() + timedelta(**delta))


class EventFactory(_Base):
    """A published event a week ahead, open to the root unit (``org_units=[...]`` for others).

    Traits move it in time: ``closed`` (past the deadline), ``soon`` (check-in open), ``ongoing``,
    ``over`` (ended an hour ago: picks open), ``cancelled``.
    """

    class Meta:
        model = Event

    title = factory.Sequence(lambda n: f"周末爬山联谊 {n}")
    description = "一起爬山，认识新朋友。"
    tags = factory.LazyFunction(lambda: ["爬山", "户外"])
    location = "杭州 西湖"
    signup_deadline = _in(days=5)
    starts_at = _in(days=7)
    ends_at = _in(days=7, hours=3)
    capacity = 10
    quota_male = 5
    quota_female = 5
    status = EventStatus.published

    class Params:
        closed = factory.Trait(signup_deadline=_in(hours=-1), starts_at=_in(days=1), ends_at=_in(days=1, hours=3))
        soon = factory.Trait(signup_deadline=_in(days=-1), starts_at=_in(minutes=30), ends_at=_in(hours=3))
        ongoing = factory.Trait(signup_deadline=_in(days=-1), starts_at=_in(minutes=-30), ends_at=_in(hours=2))
        over = factory.Trait(signup_deadline=_in(days=-2), starts_at=_in(hours=-4), ends_at=_in(hours=-1))
        cancelled = factory.Trait(status=EventStatus.cancelled, cancelled_at=factory.LazyFunction(utcnow))

    @factory.post_generation
    def org_units(obj: Event, create: bool, extracted: Any, **_: Any) -> None:  # noqa: N805
        units = extracted or [Maker().root()]
        obj.units = [EventUnit(org_unit_id=getattr(u, "id", u)) for u in units]
        if create:
            db.session.commit()
