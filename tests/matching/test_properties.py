"""Invariants over random pools (hypothesis): no recommendation, search result or daily pick ever
breaks a hard filter in either direction, and blocked pairs never see each other."""

from __future__ import annotations

from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matchsvc import visibility
from matchsvc.core.clock import age_on, today
from matchsvc.extensions import db
from matchsvc.interactions import service as interactions
from matchsvc.matching import index as pool_index
from matchsvc.matching import push, service
from matchsvc.profiles.models import Education
from tests.conftest import _empty_tables

EDU = [e.value for e in Education]
CITIES = ["杭州", "宁波", "温州"]

person = st.fixed_dictionaries({
    "gender": st.sampled_from(["male", "female"]),
    "seeking_gender": st.sampled_from(["male", "female"]),
    "birth_year": st.integers(1980, 2004),
    "height_cm": st.one_of(st.none(), st.integers(150, 195)),
    "education": st.one_of(st.none(), st.sampled_from(EDU)),
    "city": st.one_of(st.none(), st.sampled_from(CITIES)),
    "age_lo": st.integers(18, 40),
    "age_span": st.integers(0, 20),
    "height_min": st.one_of(st.none(), st.integers(150, 185)),
    "education_min": st.one_of(st.none(), st.sampled_from(EDU)),
    "cities": st.one_of(st.just([]), st.lists(st.sampled_from(CITIES), min_size=1, max_size=2, unique=True)),
})


def _fits(a, b) -> bool:
    """Does b satisfy a's stated wishes? (an independent oracle, not the model's code)"""
    if b.gender.value != a.seeking_gender.value:
        return False
    age = age_on(b.birth_date, today())
    if not a.seeking_age_min <= age <= a.seeking_age_max:
        return False
    if a.seeking_height_min is not None and (b.height_cm is None or b.height_cm < a.seeking_height_min):
        return False
    if a.seeking_education_min is not None and (
            b.education is None or EDU.index(b.education.value) < EDU.index(a.seeking_education_min.value)):
        return False
    if a.seeking_cities and b.city not in a.seeking_cities:
        return False
    return True


def _build(make, people):
    out = []
    for p in people:
        acc, prof = make.member(
            gender=p["gender"], seeking_gender=p["seeking_gender"], birth_date=date(p["birth_year"], 6, 1),
            height_cm=p["height_cm"], education=p["education"], city=p["city"],
            seeking_age_min=p["age_lo"], seeking_age_max=min(p["age_lo"] + p["age_span"], 99),
            seeking_height_min=p["height_min"], seeking_education_min=p["education_min"], seeking_cities=p["cities"])
        out.append((acc, prof))
    return out


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(people=st.lists(person, min_size=2, max_size=12), blocks=st.lists(st.tuples(st.integers(0, 11), st.integers(0, 11)), max_size=4))
def test_no_list_ever_breaks_a_hard_filter_or_a_block(make, people, blocks):
    db.session.rollback()  # the previous example's reads must not hold locks TRUNCATE waits on
    _empty_tables()
    pool_index.reset()
    members = _build(make, people)
    for i, j in blocks:
        if i < len(members) and j < len(members) and i != j:
            interactions.block(actor=members[i][0], profile_id=members[j][1].id)
    db.session.commit()
    push.push_daily(on=today())
    by_id = {p.id: p for _, p in members}
    for acc, me in members:
        blocked = visibility.blocked_ids(me.id)
        lists = {
            "recommendations": [s.profile.id for s in service.recommend(actor=acc, limit=200)],
            "newest": [s.profile.id for s in service.recommend(actor=acc, limit=200, personalized=False)],
            "search": [p.id for p in service.search(actor=acc)],
            "daily": [s.profile.id for s in push.latest_picks(actor=acc)["items"]],
        }
        for name, ids in lists.items():
            for other_id in ids:
                other = by_id[other_id]
                assert other_id != me.id, name
                assert other_id not in blocked, name
                assert _fits(me, other) and _fits(other, me), (name, me.id, other_id)
        expected = {o.id for _, o in members if o.id != me.id and o.id not in blocked and _fits(me, o) and _fits(o, me)}
        assert set(lists["search"]) == expected
        assert set(lists["recommendations"]) == expected


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(people=st.lists(person, min_size=2, max_size=8))
def test_pair_compatibility_is_symmetric(make, people):
    db.session.rollback()  # the previous example's reads must not hold locks TRUNCATE waits on
    _empty_tables()
    pool_index.reset()
    members = _build(make, people)
    ids = [p.id for _, p in members]
    mat = service.pair_compatibility(profile_ids=ids)
    assert (mat == mat.T).all() and (mat >= 0).all() and (mat <= 1).all()
    for i, (_, a) in enumerate(members):
        for j, (_, b) in enumerate(members):
            if mat[i, j] > 0:
                assert _fits(a, b) and _fits(b, a)
