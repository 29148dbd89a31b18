"""Each speed-up of `matching.fast` equals the plain ORM / marshmallow version it replaces."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from matchsvc.accounts.models import Account
from matchsvc.core.clock import utcnow
from matchsvc.extensions import db
from matchsvc.interactions.models import Like, Pass
from matchsvc.matching import fast, index, service
from matchsvc.matching.models import PoolChange
from matchsvc.matching.schemas import SuggestionListSchema
from matchsvc.profiles.models import Profile, ProfileStatus


@pytest.fixture
def pool(make):
    """Matchable men and women, with and without optional fields, plus profiles that are not."""
    people = [
        make.member(gender="male", seeking_gender="female", interests=[{"tag": "爬山", "weight": 5}],
                    seeking_cities=["杭州", "宁波"], seeking_height_min=150, seeking_education_min="bachelor")[1],
        make.member(gender="female", seeking_gender="male", birth_date=date(1990, 2, 28), height_cm=None,
                    education=None, occupation=None, city=None, hometown=None, goal=None, intro=None)[1],
        make.member(gender="female", seeking_gender="male", interests=[], social_frequency="weekly",
                    partner_values={"looks": 2, "sincerity": 2, "intelligence": 2, "humour": 2, "ambition": 1,
                                    "shared_interests": 1},
                    friends_say={"sincere": 8, "intelligent": 7, "humorous": 9, "ambitious": 6})[1],
    ]
    make.profile(status=ProfileStatus.pending, consent_version="2026-11", submitted_at=utcnow())
    make.member(status=ProfileStatus.paused)
    account, _ = make.member()
    account.disabled_at = utcnow()
    db.session.commit()
    return people


def _plain_records(ids=None) -> list[tuple]:
    query = (sa.select(Profile).join(Account, Account.id == Profile.account_id)
             .where(Profile.is_matchable, Account.disabled_at.is_(None)).order_by(Profile.gender, Profile.id))
    if ids is not None:
        query = query.where(Profile.id.in_(ids))
    out = []
    for p in db.session.scalars(query):
        values = {name: getattr(p, name) for name in fast.PoolRecord.__slots__}
        for name in ("gender", "education", "goal", "seeking_gender", "seeking_education_min", "social_frequency"):
            values[name] = getattr(values[name], "value", values[name])
        out.append(tuple(values[name] for name in fast.PoolRecord.__slots__))
    return out


def _as_tuples(records) -> list[tuple]:
    return [tuple(getattr(r, name) for name in fast.PoolRecord.__slots__) for r in records]


def test_load_pool_records_equals_the_orm(pool):
    assert _as_tuples(fast.load_pool_records()) == _plain_records()
    some = [pool[0].id, pool[2].id, 10**6]
    assert _as_tuples(fast.load_pool_records(some)) == _plain_records(some)
    assert fast.load_pool_records([]) == []


def test_max_ids_equals_the_orm(pool):
    a, b = pool[0], pool[1]
    db.session.add_all([Like(actor_id=a.id, target_id=b.id), Pass(actor_id=b.id, target_id=a.id),
                        PoolChange(profile_id=a.id)])
    db.session.commit()
    plain = tuple(db.session.scalar(sa.select(sa.func.coalesce(sa.func.max(m.id), 0))) for m in (PoolChange, Like, Pass))
    assert fast.max_ids() == plain and all(plain)


def test_load_visible_equals_the_orm(pool, make):
    hidden = make.profile(status=ProfileStatus.pending, consent_version="2026-11", submitted_at=utcnow())
    ids = [p.id for p in pool] + [hidden.id, 10**6]
    got = fast.load_visible(ids)
    plain = {p.id: p for p in db.session.scalars(sa.select(Profile).join(Account, Account.id == Profile.account_id)
                                                 .where(Profile.id.in_(ids), Profile.is_matchable,
                                                        Account.disabled_at.is_(None)))}
    assert set(got) == set(plain) == {p.id for p in pool}
    for pid, row in got.items():
        for name in fast.PUBLIC_COLUMNS:
            assert getattr(row, name) == getattr(plain[pid], name), name
    assert fast.load_visible([]) == {}


def test_shared_returns_an_equal_value_once_per_distinct_value():
    a, b = "".join(["杭", "州"]), "".join(["杭", "州"])
    assert a is not b
    assert fast.shared(a) == a and fast.shared(b) is fast.shared(a)
    assert fast.shared(None) is None
    pair = ("爬山", 3)
    assert fast.shared(pair) == pair


def test_index_rows_with_interning_equal_rows_without(pool):
    records = fast.load_pool_records()
    rows = [index.row_from(r) for r in records]
    plain = [index.row_from(r) for r in records]  # interned values compare equal to fresh ones
    assert rows == plain
    assert [r.id for r in rows] == [r.id for r in records]


def test_give_back_memory_changes_nothing(pool):
    before = index.build()
    fast.give_back_memory()
    after = index.build()
    assert before.rows == after.rows and (before.X == after.X).all()


def test_dump_suggestions_equals_the_schema(pool, make):
    me = db.session.get(Account, pool[2].account_id)
    items = service.recommend(actor=me, limit=10)
    assert items
    extra = {"date": "2026-12-04"}
    plain = SuggestionListSchema().dump({"items": items})
    assert fast.dump_suggestions(items) == plain
    assert fast.dump_suggestions(items, **extra) == {**plain, **extra}
