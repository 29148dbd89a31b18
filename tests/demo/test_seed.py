"""``flask --app matchsvc seed-demo``: what it writes, that the API accepts every profile it makes,
the demo logins it prints, and when it refuses."""

from __future__ import annotations

import hashlib
import random
import re
from collections import Counter
from datetime import datetime, timedelta, timezone

import numpy as np
import sqlalchemy as sa

from matchsvc import signals
from matchsvc.demo import data as seed_data
from matchsvc.accounts.models import Account, Role, RoleGrant
from matchsvc.core.clock import age_on, today, utcnow
from matchsvc.extensions import db
from matchsvc.orgs.models import OrgUnit
from matchsvc.profiles import service as profiles_service
from matchsvc.profiles.models import ConsentAction, ConsentRecord, Profile, ProfileStatus
from matchsvc.profiles.schemas import ProfileUpdateSchema
from matchsvc.reviews.models import AuditEntry
from matchsvc.demo.seed import DEMO_LOGINS, PENDING, PeopleMaker, Unit

N = 60
LOGIN_LINE = re.compile(r"^(member|reviewer|organizer|admin): username=(\S+) password=(\S+)$")
PHONE = re.compile(r"^1[3-9][0-9]{9}$")


def _seed(runner, *args: str, profiles: int = N):
    return runner.invoke(args=["seed-demo", "--profiles", str(profiles), "--no-progress", "--no-journeys", *args])


def _count(model, *where) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def _logins(stdout: str) -> dict[str, tuple[str, str]]:
    lines = stdout.splitlines()
    assert len(lines) == 4, stdout
    matches = [LOGIN_LINE.match(line) for line in lines]
    assert all(matches), stdout
    return {m.group(1): (m.group(2), m.group(3)) for m in matches}


COLUMNS = ("status", "display_name", "gender", "birth_date", "height_cm", "education", "occupation", "city",
           "hometown", "interests", "intro", "goal", "contact", "seeking_gender", "seeking_age_min",
           "seeking_age_max", "seeking_height_min", "seeking_height_max", "seeking_education_min",
           "seeking_cities", "consent_version", "social_frequency", "partner_values", "friends_say")
MATCHING_INPUTS = ("social_frequency", "partner_values", "friends_say")


def _fields(p: Profile | dict) -> dict:
    """A stored profile or a generated row as plain values (enums by value)."""
    raw = p if isinstance(p, dict) else {name: getattr(p, name) for name in COLUMNS}
    return {name: getattr(raw[name], "value", raw[name]) for name in COLUMNS}


def _api_body(f: dict) -> dict:
    """The PUT /me/profile body that would have produced this profile."""
    body = {name: f[name] for name in ("display_name", "gender", "height_cm", "education", "occupation", "city",
                                       "hometown", "interests", "intro", "goal", "contact")}
    body["birth_date"] = f["birth_date"].isoformat()
    body["seeking"] = {key: f[f"seeking_{key}"] for key in ("gender", "age_min", "age_max", "height_min",
                                                            "height_max", "education_min", "cities")}
    body["consent"] = {"version": f["consent_version"], "accepted": True}
    for name, key in zip(MATCHING_INPUTS, ("social_frequency", "values", "friends_say")):
        if f[name] is not None:  # optional: sent only when answered
            body[key] = f[name]
    return body


def _assert_plausible(p: Profile | dict, *, version: str, schema: bool = True) -> None:
    """Every rule of API.md's profile fields (the API's own validator), plus the demo's promises."""
    f = _fields(p)
    if schema:
        assert ProfileUpdateSchema().validate(_api_body(f)) == {}, f
    assert 22 <= age_on(f["birth_date"], today()) <= 38
    assert f["gender"] in {"male", "female"} and f["seeking_gender"] not in {None, f["gender"]}
    assert 18 <= f["seeking_age_min"] <= f["seeking_age_max"] <= 99
    if f["seeking_height_min"] is not None and f["seeking_height_max"] is not None:
        assert f["seeking_height_min"] <= f["seeking_height_max"]
    assert 120 <= f["height_cm"] <= 230
    assert 2 <= len(f["display_name"]) <= 4
    assert 40 <= len(f["intro"]) <= 200 and f["intro"].endswith("。"), f["intro"]
    tags = [i["tag"] for i in f["interests"]]
    assert 2 <= len(tags) <= 8 and len(set(tags)) == len(tags)
    assert all(1 <= len(i["tag"]) <= 20 and 1 <= i["weight"] <= 5 for i in f["interests"])
    assert PHONE.match(f["contact"]["phone"])
    assert f["consent_version"] == version


# --------------------------------------------------------------------------------------------
# The command
# --------------------------------------------------------------------------------------------

def test_seed_fills_an_empty_database(app, runner):
    result = _seed(runner)
    assert result.exit_code == 0, result.output
    assert _logins(result.stdout) == DEMO_LOGINS

    assert _count(Profile, Profile.status == ProfileStatus.approved) == N
    assert _count(Profile, Profile.status == ProfileStatus.pending) == PENDING
    assert _count(Profile) == N + PENDING
    assert _count(Account) == N + PENDING + 3  # + reviewer, organizer, admin (the member owns a profile)
    assert _count(ConsentRecord, ConsentRecord.action == ConsentAction.given,
                  ConsentRecord.version == app.config["CONSENT_VERSION"]) == N + PENDING
    assert _count(AuditEntry, AuditEntry.action == "approve") == N
    assert _count(AuditEntry, AuditEntry.action == "consent_given") == N + PENDING

    genders = Counter(db.session.scalars(sa.select(Profile.gender)))
    assert abs(genders["male"] - genders["female"]) <= (N + PENDING) * 0.3, genders

    # most members answered the optional matching questions; the demo member did
    answered = db.session.execute(sa.select(Profile.social_frequency, Profile.partner_values, Profile.friends_say)).all()
    assert 0.5 * len(answered) < sum(all(v is not None for v in row) for row in answered) < len(answered)
    member = db.session.scalar(sa.select(Profile).join(Account).where(Account.username == DEMO_LOGINS["member"][0]))
    assert all(getattr(member, name) is not None for name in MATCHING_INPUTS)


def test_demo_profiles_carry_what_the_real_flow_leaves_behind(runner):
    """Written by the real flow's own functions (issue 9 point 6): an approved demo profile has the
    approved snapshot a reviewer's approval sets (so a demo member's later edit shows the
    reviewer exactly what changed), and its consent and approval audit entries are the real ones."""
    assert _seed(runner).exit_code == 0
    approved = db.session.scalars(sa.select(Profile).where(Profile.status == ProfileStatus.approved)).all()
    assert len(approved) == N
    for profile in approved:
        assert profile.approved_snapshot == profiles_service.public_snapshot(profile)
        assert profiles_service.changes_since_approval(profile) == {}
    pending = db.session.scalars(sa.select(Profile).where(Profile.status == ProfileStatus.pending)).all()
    assert pending and all(p.approved_snapshot is None for p in pending)

    profile = approved[1]
    entries = {e.action: e for e in db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.target == f"profile:{profile.id}"))}
    assert set(entries) == {"consent_given", "approve"}
    assert entries["consent_given"].actor_id == profile.account_id
    assert entries["consent_given"].detail == {"version": profile.consent_version}
    assert entries["consent_given"].at == profile.consented_at
    assert entries["approve"].detail == {
        "review_seconds": (profile.approved_at - profile.submitted_at).total_seconds(), "via": "seed-demo"}
    assert entries["approve"].at == profile.approved_at

    profile.intro = "周末喜欢去西湖边跑步。"
    assert profiles_service.changes_since_approval(profile) == {
        "intro": {"before": profile.approved_snapshot["intro"], "after": "周末喜欢去西湖边跑步。"}}


def test_org_tree_has_agency_unions_and_the_womens_federation(runner):
    assert _seed(runner).exit_code == 0
    units = db.session.scalars(sa.select(OrgUnit)).all()
    roots = [u for u in units if u.parent_id is None]
    assert [r.name for r in roots] == [seed_data.CITY_UNION]
    root = roots[0]
    by_name = {u.name: u for u in units}
    for agency in ("市财政局工会", "市教育局工会", "市卫健委工会", "市公安局工会", "市税务局工会", "市人社局工会", "市妇联"):
        assert by_name[agency].parent_id == root.id
    assert by_name["西湖分局"].parent_id == by_name["市公安局工会"].id
    assert {u.name for u in units if u.parent_id == by_name["市妇联"].id} >= {"市妇联机关", "市直机关妇工委"}
    assert all(u.path.startswith(root.path) and u.path == f"{_parent_path(units, u)}{u.id}/" for u in units)
    # members live in the units below the root, never the root itself
    member_units = set(db.session.scalars(sa.select(Account.org_unit_id).join(Profile, Profile.account_id == Account.id)))
    assert root.id not in member_units and len(member_units) > 10


def _parent_path(units: list[OrgUnit], unit: OrgUnit) -> str:
    return next((u.path for u in units if u.id == unit.parent_id), "/")


def test_every_seeded_profile_is_valid_per_the_api(app, runner):
    assert _seed(runner).exit_code == 0
    now = utcnow()
    for p in db.session.scalars(sa.select(Profile)):
        _assert_plausible(p, version=app.config["CONSENT_VERSION"])
        assert profiles_service.missing_for_submit(p) == {}
        assert p.account.created_at <= p.created_at <= p.consented_at <= p.submitted_at <= now
        if p.status is ProfileStatus.approved:
            assert p.submitted_at <= p.approved_at == p.reviewed_at <= now
        else:
            assert p.status is ProfileStatus.pending and p.approved_at is None and p.reviewed_at is None


def test_demo_logins_work_and_each_sees_its_role(client, runner):
    logins = _logins(_seed(runner).stdout)
    root = db.session.scalar(sa.select(OrgUnit).where(OrgUnit.parent_id.is_(None)))
    tokens = {}
    for role, (username, password) in logins.items():
        r = client.post("/api/v1/auth/token", json={"username": username, "password": password})
        assert r.status_code == 200, (role, r.json)
        tokens[role] = {"Authorization": f"Bearer {r.json['access_token']}"}
        me = client.get("/api/v1/me", headers=tokens[role]).json
        assert role in me["roles"]
        if role != "member":
            assert me["org_unit_id"] == root.id and me["profile_id"] is None

    own = client.get("/api/v1/me/profile", headers=tokens["member"])
    assert own.status_code == 200 and own.json["status"] == "approved"
    other = db.session.scalar(sa.select(Profile.id).where(Profile.status == ProfileStatus.approved,
                                                          Profile.id != own.json["id"]))
    assert client.get(f"/api/v1/profiles/{other}", headers=tokens["member"]).status_code == 200

    queue = client.get("/api/v1/reviews/queue", headers=tokens["reviewer"])
    assert queue.status_code == 200 and queue.json["total"] == PENDING
    submitted = [item["submitted_at"] for item in queue.json["items"]]
    assert submitted == sorted(submitted)

    # a bulk account shares the unusable hash: its username with any guess is refused
    r = client.post("/api/v1/auth/token", json={"username": "demo_member_000001", "password": "demo-member-2026"})
    assert r.status_code == 401


def test_if_empty_skips_quietly_when_data_is_there(runner):
    first = _seed(runner, "--if-empty")
    assert first.exit_code == 0 and len(first.stdout.splitlines()) == 4
    before = (_count(Account), _count(Profile), _count(OrgUnit), _count(AuditEntry))
    again = _seed(runner, "--if-empty", profiles=5)
    assert again.exit_code == 0 and again.stdout == ""
    assert (_count(Account), _count(Profile), _count(OrgUnit), _count(AuditEntry)) == before


def test_refuses_a_database_with_profiles(runner, make):
    make.member()
    result = _seed(runner)
    assert result.exit_code == 1
    assert "empty database" in result.output and "1 profile" in result.output
    assert _count(Account) == 1 and _count(Profile) == 1


def test_refuses_when_a_demo_login_exists(runner, make):
    make.account(username="demo_admin")
    result = _seed(runner)
    assert result.exit_code == 1 and "demo_admin" in result.output
    assert _count(Profile) == 0 and _count(OrgUnit) == 1


def test_second_run_refuses_and_writes_nothing(runner):
    assert _seed(runner).exit_code == 0
    before = (_count(Account), _count(Profile))
    result = _seed(runner)
    assert result.exit_code == 1 and "--if-empty" in result.output
    assert (_count(Account), _count(Profile)) == before


def test_after_create_admin_the_root_is_reused_and_the_demo_admin_still_made(runner):
    r = runner.invoke(args=["create-admin", "--username", "chief", "--password", "chief-password-1"])
    assert r.exit_code == 0, r.output
    result = _seed(runner)
    assert result.exit_code == 0, result.output
    roots = db.session.scalars(sa.select(OrgUnit).where(OrgUnit.parent_id.is_(None))).all()
    assert len(roots) == 1
    admins = db.session.scalars(sa.select(Account.username).join(RoleGrant).where(RoleGrant.role == Role.admin)).all()
    assert sorted(admins) == ["chief", "demo_admin"]


def test_ids_stay_consistent_for_later_inserts(client, runner, make):
    """Bulk rows carry explicit ids: the ORM and the API must carry on after them (PostgreSQL sequences)."""
    assert _seed(runner).exit_code == 0
    top_account = db.session.scalar(sa.select(sa.func.max(Account.id)))
    top_profile = db.session.scalar(sa.select(sa.func.max(Profile.id)))
    unit = db.session.scalar(sa.select(OrgUnit.id).where(OrgUnit.parent_id.is_not(None)))
    r = client.post("/api/v1/auth/register", json={"username": "newcomer", "password": "x" * 12, "org_unit_id": unit})
    assert r.status_code == 201 and r.json["id"] > top_account
    _, profile = make.member()
    assert profile.id > top_profile


def test_zero_profiles_still_makes_the_logins_and_the_queue(client, runner):
    result = _seed(runner, profiles=0)
    assert result.exit_code == 0, result.output
    logins = _logins(result.stdout)
    assert _count(Profile, Profile.status == ProfileStatus.approved) == 0
    assert _count(Profile, Profile.status == ProfileStatus.pending) == PENDING
    username, password = logins["member"]
    assert client.post("/api/v1/auth/token", json={"username": username, "password": password}).status_code == 200


def test_tells_the_matching_index_the_pool_changed(runner):
    senders = []

    def receiver(sender, **_):
        senders.append(sender)

    with signals.pool_changed.connected_to(receiver):
        assert _seed(runner, profiles=3).exit_code == 0
    assert senders == [None]


def test_missing_schema_is_a_clear_error(runner, monkeypatch):
    from matchsvc.demo import seed

    def broken():
        raise sa.exc.OperationalError("SELECT", {}, Exception("no such table: profiles"))

    monkeypatch.setattr(seed, "existing_data", broken)
    result = _seed(runner)
    assert result.exit_code == 1 and "db upgrade" in result.output


# --------------------------------------------------------------------------------------------
# The generator, on more people than the database tests write
# --------------------------------------------------------------------------------------------

UNITS = [Unit(i, pool, f"单位{i}", 1) for i, pool in enumerate(seed_data.OCCUPATION_POOLS, start=2)]
ANCHOR = datetime.combine(today(), datetime.min.time(), tzinfo=timezone.utc)


def _people(seed_value: int, n: int) -> list[dict]:
    maker = PeopleMaker(random.Random(seed_value), UNITS, ANCHOR, "2026-11")
    return [maker.person().profile for _ in range(n)]


def test_generated_people_are_plausible_and_varied():
    people = _people(42, 3000)
    for i, p in enumerate(people):
        _assert_plausible(p, version="2026-11", schema=i % 10 == 0)  # marshmallow is the slow part

    share = lambda key, value: sum(p[key] == value for p in people) / len(people)  # noqa: E731
    assert 0.46 <= share("gender", "male") <= 0.54
    assert share("goal", "marriage") > 0.6
    assert share("education", "bachelor") + share("education", "master") > 0.8
    assert share("city", seed_data.CITY) > 0.8
    heights = {g: [p["height_cm"] for p in people if p["gender"] == g] for g in ("male", "female")}
    assert sum(heights["male"]) / len(heights["male"]) > sum(heights["female"]) / len(heights["female"]) + 8
    assert 0.3 < sum("wechat" in p["contact"] for p in people) / len(people) < 0.6
    assert any(p["seeking_height_min"] for p in people) and any(p["seeking_education_min"] for p in people)
    assert any(p["seeking_cities"] for p in people)
    assert len({p["intro"] for p in people}) > 0.97 * len(people)
    assert len({p["display_name"] for p in people}) > 0.5 * len(people)
    assert len({p["occupation"] for p in people}) >= 15 and len({p["hometown"] for p in people}) >= 25
    # intros speak of the person: their first-listed interest's activity is in the text
    activity = {tag: act for tag, _, _, act, _ in seed_data.INTERESTS}
    assert all(activity[p["interests"][0]["tag"]] in p["intro"] for p in people)


def test_most_people_answer_the_matching_questions_with_survey_like_spreads():
    people = _people(42, 3000)
    answered = {name: [p[name] for p in people if p[name] is not None] for name in MATCHING_INPUTS}
    for name, values in answered.items():
        assert 0.72 <= len(values) / len(people) <= 0.86, name
    assert 0.70 <= sum(all(p[name] is not None for name in MATCHING_INPUTS) for p in people) / len(people) <= 0.85
    assert sum(p[name] is None for p in people for name in MATCHING_INPUTS) > 0.15 * 3 * len(people)

    going = Counter(answered["social_frequency"])
    assert len(going) == 7 and going.most_common(1)[0][0] == "weekly"
    assert going["several_per_week"] + going["twice_a_week"] > going["monthly"] + going["several_per_year"] + going["almost_never"]

    values = answered["partner_values"]
    assert all(8 <= sum(v.values()) <= 12 for v in values)  # shares of ten points, rounded
    assert len({tuple(v.values()) for v in values}) > 200  # people differ
    looks = {g: np.mean([p["partner_values"]["looks"] for p in people if p["gender"] == g and p["partner_values"]])
             for g in ("male", "female")}
    assert looks["male"] > looks["female"] + 0.3  # as in the survey: men put looks higher
    ranked = max(values[0], key=values[0].get)
    assert any(max(v, key=v.get) != ranked for v in values)  # not everyone puts the same quality first

    friends = np.array([list(f.values()) for f in answered["friends_say"]])
    assert friends.min() >= 1 and friends.max() == 10
    assert 7.3 < friends.mean() < 8.6 and 1.0 < friends.std() < 2.0
    assert 0.05 < np.corrcoef(friends.T)[0, 1:].mean() < 0.45  # one's ratings go somewhat together


def test_same_seed_same_people_other_seed_other_people():
    assert _people(7, 200) == _people(7, 200)
    assert _people(7, 200) != _people(8, 200)


def test_pending_people_wait_for_review():
    maker = PeopleMaker(random.Random(1), UNITS, ANCHOR, "2026-11")
    p = maker.person(pending=True).profile
    assert p["status"] == "pending" and p["approved_at"] is None and p["reviewed_at"] is None
    assert ANCHOR - timedelta(days=10) <= p["submitted_at"] < ANCHOR


# --------------------------------------------------------------------------------------------
# Drawn avatars
# --------------------------------------------------------------------------------------------

def test_first_profiles_get_their_own_drawn_avatar_as_an_approved_photo(runner, monkeypatch):
    import io

    from PIL import Image

    from matchsvc.demo import avatars, seed as seed_module
    from matchsvc.photos import imaging
    from matchsvc.photos.models import Photo, PhotoBlob, PhotoStatus

    monkeypatch.setattr(seed_module, "AVATARS", 25)
    result = _seed(runner)
    assert result.exit_code == 0, result.output
    assert "25 with a drawn avatar" in result.stderr
    member = db.session.scalar(sa.select(Profile).join(Account, Account.id == Profile.account_id)
                               .where(Account.username == DEMO_LOGINS["member"][0]))
    approved = db.session.scalars(sa.select(Profile).where(Profile.status == ProfileStatus.approved)
                                  .order_by(Profile.id)).all()
    assert approved[0].id == member.id
    photos = db.session.scalars(sa.select(Photo).order_by(Photo.profile_id)).all()
    # the first 25 approved profiles, one photo each, approved, first in their order
    assert [p.profile_id for p in photos] == [p.id for p in approved[:25]]
    assert all(p.status is PhotoStatus.approved and p.position == 0 and p.reviewed_at is not None for p in photos)
    assert len({p.digest for p in photos}) == 25 and len({p.key for p in photos}) == 25
    assert member.main_photo_key == photos[0].key
    # the very rows and bytes the photos service stores for the same drawing
    for i in (0, 24):
        photo, profile = photos[i], approved[i]
        cleaned = imaging.render(avatars.draw(f"42:{i}", profile.gender.value))
        assert (photo.digest, photo.width, photo.height, photo.media_type) == (
            hashlib.sha256(cleaned.full).hexdigest(), cleaned.width, cleaned.height, cleaned.media_type)
        assert photo.dhash % (1 << 64) == cleaned.dhash
        assert (photo.hash_band0, photo.hash_band1, photo.hash_band2, photo.hash_band3) == imaging.hash_bands(
            cleaned.dhash)
        full = db.session.get(PhotoBlob, f"{photo.key}/full").data
        thumb = db.session.get(PhotoBlob, f"{photo.key}/thumb").data
        assert full == cleaned.full and thumb == cleaned.thumb
        assert Image.open(io.BytesIO(thumb)).size == (avatars.SIZE, avatars.SIZE)


def test_seeded_avatars_are_served_to_members_who_may_see_them(client, runner, as_):
    from matchsvc.photos.models import Photo

    assert _seed(runner).exit_code == 0
    member = db.session.scalars(sa.select(Account).where(Account.username == DEMO_LOGINS["member"][0])).one()
    recs = as_(member).get("/me/recommendations?limit=20").get_json()["items"]
    with_thumbs = [r["profile"]["thumb_url"] for r in recs if r["profile"].get("thumb_url")]
    assert recs and len(with_thumbs) == len(recs)  # N < AVATARS: everyone has one
    r = as_(member).get(with_thumbs[0])
    assert r.status_code == 200 and r.mimetype == "image/jpeg"
    assert _count(Photo) == N
