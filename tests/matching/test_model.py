"""Hard filters, reciprocal scoring and interaction signals on tiny in-memory pools."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matchsvc.matching import model
from matchsvc.matching.model import scoring
from matchsvc.matching.features import (
    EDUCATION_LEVELS,
    EDUCATION_RANK,
    GOALS,
    FeaturePipeline,
    ProfileRow,
)
from matchsvc.matching.model import (
    InteractionSignals,
    PoolArrays,
    eligible_candidates,
    exclude_mask,
    hard_filter_mask,
    score_candidates,
)


@pytest.fixture(autouse=True)
def _ctx() -> Iterator[None]:
    """Pure numpy tests: no app context or database (overrides the suite-wide fixture)."""
    yield


def person(pid: int, gender: str = "male", age: int | None = 30, **kw) -> ProfileRow:
    base = dict(
        gender=gender, age=age, height_cm=175 if gender == "male" else 162, education="bachelor",
        occupation=None, city="杭州", hometown=None, goal="marriage", interests=(), intro=None,
        seeking_gender="female" if gender == "male" else "male", age_min=None, age_max=None,
    )
    base.update(kw)
    return ProfileRow(id=pid, **base)


def mask_for(viewer: ProfileRow, cand: ProfileRow) -> bool:
    pool = PoolArrays.from_rows([viewer, cand])
    return bool(hard_filter_mask(0, pool, np.array([1]))[0])


# -- hard filters ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("viewer", "cand", "admitted"),
    [
        (person(1), person(2, "female"), True),
        (person(1), person(2, "male"), False),  # not the gender sought
        (person(1), person(2, "female", seeking_gender="female"), False),  # viewer not sought back
        (person(1, age_min=25, age_max=32), person(2, "female", age=24), False),
        (person(1, age_min=25, age_max=32), person(2, "female", age=32), True),
        (person(1, age_min=25), person(2, "female", age=None), False),  # unknown fails a limit
        (person(1), person(2, "female", age_max=29), False),  # viewer too old for her
        (person(1, age=None), person(2, "female", age_min=20), False),
        (person(1, height_min=160), person(2, "female", height_cm=None), False),
        (person(1, height_max=165), person(2, "female", height_cm=166), False),
        (person(1), person(2, "female", height_min=176), False),
        (person(1, education_min="master"), person(2, "female", education="bachelor"), False),
        (person(1, education_min="master"), person(2, "female", education="doctorate"), True),
        (person(1, education_min="master"), person(2, "female", education=None), False),
        (person(1, education=None), person(2, "female", education_min="high_school"), False),
        (person(1, cities=("北京", "上海")), person(2, "female", city="杭州"), False),
        (person(1, cities=("北京", " 杭州 ")), person(2, "female", city="杭州"), True),
        (person(1), person(2, "female", cities=("北京",)), False),
        (person(1, city=None), person(2, "female", cities=("杭州",)), False),
        (person(1, seeking_gender=None), person(2, "male", seeking_gender=None), True),
        (person(1, gender=None), person(2, "female"), False),
    ],
)
def test_hard_filter_both_directions(viewer: ProfileRow, cand: ProfileRow, admitted: bool) -> None:
    assert mask_for(viewer, cand) is admitted


def _fits(a: ProfileRow, b: ProfileRow) -> bool:
    """Reference: does b satisfy a's hard wishes? (plain Python over rows)"""

    def limit(value, lo, hi) -> bool:
        if lo is None and hi is None:
            return True
        return value is not None and (lo is None or value >= lo) and (hi is None or value <= hi)

    if a.seeking_gender and b.gender != a.seeking_gender:
        return False
    if not limit(b.age, a.age_min, a.age_max) or not limit(b.height_cm, a.height_min, a.height_max):
        return False
    if a.education_min and EDUCATION_RANK.get(b.education or "", 0) < EDUCATION_RANK[a.education_min]:
        return False
    wanted = {c.strip().lower() for c in a.cities if c.strip()}
    return not wanted or (b.city or "").strip().lower() in wanted


opt = st.one_of
random_person = st.builds(
    ProfileRow,
    id=st.integers(1, 10**6),
    gender=opt(st.none(), st.sampled_from(["male", "female"])),
    age=opt(st.none(), st.integers(18, 60)),
    height_cm=opt(st.none(), st.integers(150, 195)),
    education=opt(st.none(), st.sampled_from(EDUCATION_LEVELS)),
    occupation=st.none(),
    city=opt(st.none(), st.sampled_from(["杭州", "北京", "上海"])),
    hometown=st.none(),
    goal=opt(st.none(), st.sampled_from(GOALS)),
    interests=st.lists(st.tuples(st.sampled_from(["阅读", "徒步", "电影", "游戏"]), st.integers(1, 5)), max_size=3).map(tuple),
    intro=st.none(),
    seeking_gender=opt(st.none(), st.sampled_from(["male", "female"])),
    age_min=opt(st.none(), st.integers(18, 40)),
    age_max=opt(st.none(), st.integers(25, 60)),
    height_min=opt(st.none(), st.integers(150, 175)),
    height_max=opt(st.none(), st.integers(165, 195)),
    education_min=opt(st.none(), st.sampled_from(EDUCATION_LEVELS)),
    cities=st.lists(st.sampled_from(["杭州", "北京", "上海", "深圳"]), max_size=2).map(tuple),
    going_out=opt(st.none(), st.integers(0, 6)),
    values=opt(st.none(), st.tuples(*[st.integers(0, 10)] * 6)),
    friends_say=opt(st.none(), st.tuples(*[st.integers(1, 10)] * 4)),
)
random_pool = st.lists(random_person, min_size=1, max_size=10, unique_by=lambda r: r.id)


@settings(max_examples=150, deadline=None)
@given(rows=random_pool)
def test_hard_filter_admits_exactly_the_mutual_fits(rows: list[ProfileRow]) -> None:
    pool = PoolArrays.from_rows(rows)
    for v, viewer in enumerate(rows):
        mask = hard_filter_mask(v, pool)
        expected = [_fits(viewer, c) and _fits(c, viewer) for c in rows]
        assert mask.tolist() == expected
        for k in eligible_candidates(v, pool):
            assert k != v and _fits(viewer, rows[k]) and _fits(rows[k], viewer)


@settings(max_examples=150, deadline=None)
@given(first=st.lists(random_person, min_size=1, max_size=25, unique_by=lambda r: r.id), second=random_pool)
def test_age_windows_leave_out_nobody_who_fits(first: list[ProfileRow], second: list[ProfileRow]) -> None:
    """Laid out as the index builds them (each gender in age order), then grown by appended rows:
    the age window of a partition cuts only people outside the viewer's age wishes."""
    rows = [first[i] for i in model.age_order(first)] + [replace(r, id=r.id + 10**7) for r in second]
    pool = PoolArrays.from_rows(rows[:len(first)]).extend(rows[len(first):])
    for v, viewer in enumerate(rows):
        got = eligible_candidates(v, pool)
        assert got.tolist() == [k for k, c in enumerate(rows) if k != v and _fits(viewer, c) and _fits(c, viewer)]
        window = pool.age_window(int(pool.seek_gender[v]), pool.age_min[v], pool.age_max[v])
        assert np.all(np.diff(window) > 0)


@settings(max_examples=60, deadline=None)
@given(first=random_pool, second=random_pool)
def test_extended_pool_filters_like_a_pool_built_at_once(first: list[ProfileRow], second: list[ProfileRow]) -> None:
    second = [replace(r, id=r.id + 10**7) for r in second]
    grown = PoolArrays.from_rows(first).extend(second)
    whole = PoolArrays.from_rows(first + second)
    assert grown.index == whole.index
    for v in range(len(whole)):
        np.testing.assert_array_equal(hard_filter_mask(v, grown), hard_filter_mask(v, whole))


@settings(max_examples=100, deadline=None)
@given(rows=random_pool, data=st.data())
def test_block_filter_equals_the_filter_of_each_viewer(rows: list[ProfileRow], data: st.DataObject) -> None:
    pool = PoolArrays.from_rows(rows)
    n = len(rows)
    viewers = np.array(data.draw(st.lists(st.integers(0, n - 1), min_size=1, max_size=6)), dtype=np.int64)
    cand = np.array(data.draw(st.lists(st.integers(0, n - 1), max_size=12)), dtype=np.int64)
    block = model.hard_filter_block(viewers, pool, cand)
    assert block.shape == (viewers.size, cand.size)
    for i, v in enumerate(viewers):
        assert block[i].tolist() == hard_filter_mask(int(v), pool, cand).tolist()


def test_exclusions_drop_self_and_given_ids() -> None:
    rows = [person(1), person(2, "female"), person(3, "female"), person(4, "female")]
    pool = PoolArrays.from_rows(rows)
    cand = np.arange(4)
    assert exclude_mask(0, pool, cand, exclude_ids=[3, 99]).tolist() == [False, True, False, True]
    assert eligible_candidates(0, pool, exclude_ids={4}).tolist() == [1, 2]
    assert pool.positions([4, 99, 1]).tolist() == [3, 0]


# -- scoring ---------------------------------------------------------------------------------


def pool_and_X(rows: list[ProfileRow]) -> tuple[PoolArrays, np.ndarray]:
    return PoolArrays.from_rows(rows), FeaturePipeline(random_state=0).fit_transform(rows)


def scores_of(rows: list[ProfileRow], viewer: int = 0, signals: InteractionSignals | None = None) -> np.ndarray:
    pool, X = pool_and_X(rows)
    return score_candidates(viewer, np.arange(1, len(rows)), X, pool, signals)


@settings(max_examples=60, deadline=None)
@given(rows=st.lists(random_person, min_size=2, max_size=8, unique_by=lambda r: r.id))
def test_cold_scores_are_finite_and_reciprocal(rows: list[ProfileRow]) -> None:
    pool, X = pool_and_X(rows)
    n = len(rows)
    S = np.array([score_candidates(v, np.arange(n), X, pool) for v in range(n)])
    assert np.isfinite(S).all() and (S > 0).all() and (S < 1).all()
    # the pair's score is the same whichever of the two is looking
    np.testing.assert_allclose(S, S.T, rtol=1e-6)


@settings(max_examples=40, deadline=None)
@given(rows=st.lists(random_person, min_size=2, max_size=8, unique_by=lambda r: r.id),
       events=st.lists(st.tuples(st.integers(0, 7), st.integers(0, 7), st.booleans()), max_size=25))
def test_block_scores_equal_the_scores_of_each_viewer(rows: list[ProfileRow], events: list) -> None:
    pool, X = pool_and_X(rows)
    n = len(rows)
    ids = pool.ids
    signals = InteractionSignals.from_events(ids, [(ids[a % n], ids[t % n], y) for a, t, y in events])
    viewers, cand = np.arange(n), np.arange(n)[::-1].copy()
    for sig in (None, signals):
        block = model.score_block(viewers, cand, X, pool, sig)
        expected = np.array([score_candidates(v, cand, X, pool, sig) for v in viewers])
        np.testing.assert_allclose(block, expected, rtol=1e-5, atol=1e-7)


def test_no_candidates_gives_an_empty_score() -> None:
    pool, X = pool_and_X([person(1)])
    assert score_candidates(0, np.zeros(0, dtype=np.int64), X, pool).shape == (0,)


def test_closer_age_scores_higher() -> None:
    s = scores_of([person(1, age=30), person(2, "female", age=29), person(3, "female", age=41)])
    assert s[0] > s[1]


def test_shared_interests_score_higher() -> None:
    mine = (("阅读", 5), ("徒步", 4))
    s = scores_of([
        person(1, interests=mine),
        person(2, "female", interests=(("阅读", 4), ("徒步", 5))),
        person(3, "female", interests=(("游戏", 4), ("蹦迪", 5))),
    ])
    assert s[0] > s[1]


def test_incompatible_goal_scores_lower() -> None:
    s = scores_of([person(1, goal="marriage"), person(2, "female", goal="marriage"), person(3, "female", goal="friendship")])
    assert s[0] > s[1]


def test_preferred_age_is_own_age_pulled_into_the_range() -> None:
    pool = PoolArrays.from_rows([
        person(1, age=30, age_min=33, age_max=40),
        person(2, age=None, age_min=20, age_max=30),
        person(3, age=None),
        person(4, age=28),
    ])
    ref = pool.preferred_age
    assert ref[:2].tolist() == [33.0, 25.0] and np.isnan(ref[2]) and ref[3] == 28.0
    assert scoring._age_fit(np.array([np.nan, 30.0]), np.array([30.0, 30.0])).tolist() == [-2.0, -0.0]


def test_span_dot_equals_gathered_dot() -> None:
    rng = np.random.default_rng(0)
    X = rng.standard_normal((50, 4)).astype(np.float32)
    for cand in (np.array([3, 7, 8, 20]), np.array([1, 49]), np.arange(10, 40)):
        np.testing.assert_allclose(scoring._span_dot(X, cand, X[0]), X[cand] @ X[0], rtol=1e-6)


# -- interaction signals ---------------------------------------------------------------------


def test_signals_count_and_keep_the_latest_decision() -> None:
    sig = InteractionSignals.from_events(np.array([10, 20, 30]), [(10, 20, True), (10, 20, False), (30, 20, True), (10, 99, True), (10, 10, True)])
    assert len(sig) == 2
    assert sig.given_n.tolist() == [1, 0, 1] and sig.given_yes.tolist() == [0, 0, 1]
    assert sig.recv_n.tolist() == [0, 2, 0] and sig.recv_yes.tolist() == [0, 1, 0]


def test_rate_logits_are_zero_without_events_and_follow_the_rates() -> None:
    ids = np.arange(1, 5)
    empty = InteractionSignals(ids)
    recv, given = empty.rate_logits(np.arange(4), prior=2.0)
    assert np.all(recv == 0) and np.all(given == 0)
    sig = InteractionSignals.from_events(ids, [(1, 3, True), (2, 3, True), (1, 4, False), (2, 4, False)])
    recv, given = sig.rate_logits(np.arange(4), prior=2.0)
    assert recv[2] > 0 > recv[3] and given[0] == given[1] == pytest.approx(0.0)


def brute_collaborative(D: np.ndarray, v: int, cand: np.ndarray, shrink: float) -> tuple[np.ndarray, np.ndarray]:
    """Dense reference of InteractionSignals.collaborative."""
    R = np.abs(D)
    given_n, recv_n = np.maximum(R.sum(1), 1), np.maximum(R.sum(0), 1)
    ab = np.zeros(len(cand))
    ba = np.zeros(len(cand))
    if R[v].sum():
        agree = (D @ D[v]) / np.sqrt(given_n * R[v].sum())
        agree[v] = 0
        ab = (agree @ D)[cand] / ((np.abs(agree) @ R)[cand] + shrink)
    if R[:, v].sum():
        alike = (D.T @ D[:, v]) / np.sqrt(recv_n * R[:, v].sum())
        alike[v] = 0
        ba = (D @ alike)[cand] / ((R @ np.abs(alike))[cand] + shrink)
    return ab, ba


events_strategy = st.lists(st.tuples(st.integers(0, 6), st.integers(0, 6), st.booleans()), max_size=40)


@settings(max_examples=100, deadline=None)
@given(events=events_strategy, viewer=st.integers(0, 6))
def test_collaborative_terms_match_the_dense_reference(events: list, viewer: int) -> None:
    ids = np.arange(100, 107)
    D = np.zeros((7, 7))
    for a, t, liked in events:
        if a != t:
            D[a, t] = 1.0 if liked else -1.0
    sig = InteractionSignals.from_events(ids, [(100 + a, 100 + t, y) for a, t, y in events])
    cand = np.array([k for k in range(7) if k != viewer])
    got = sig.collaborative(viewer, cand, shrink=1.0)
    want = brute_collaborative(D, viewer, cand, 1.0)
    np.testing.assert_allclose(got[0], want[0], atol=1e-9)
    np.testing.assert_allclose(got[1], want[1], atol=1e-9)
    assert np.all(np.abs(got[0]) <= 1) and np.all(np.abs(got[1]) <= 1)


@settings(max_examples=60, deadline=None)
@given(first=events_strategy, later=events_strategy, viewer=st.integers(0, 6))
def test_adding_events_one_by_one_equals_building_at_once(first: list, later: list, viewer: int) -> None:
    ids = np.arange(100, 107)
    as_events = [(100 + a, 100 + t, y) for a, t, y in first + later]
    whole = InteractionSignals.from_events(ids, as_events)
    grown = InteractionSignals.from_events(ids, as_events[: len(first)])
    for e in as_events[len(first):]:
        grown.add(*e)
    assert len(grown) == len(whole)
    for name in ("given_yes", "given_n", "recv_yes", "recv_n"):
        np.testing.assert_array_equal(getattr(grown, name), getattr(whole, name))
    grown.MERGE_RATIO = 10**9  # merge at the next request: the matrices then agree too
    cand = np.arange(7)
    np.testing.assert_allclose(grown.collaborative(viewer, cand, 1.0), whole.collaborative(viewer, cand, 1.0))


def test_viewer_sees_own_pending_decisions_before_a_merge() -> None:
    ids = np.arange(1, 41)
    base = [(a, t, (a + t) % 3 == 0) for a in range(1, 21) for t in range(21, 41)]
    sig = InteractionSignals.from_events(ids, [e for e in base if e[0] != 1])
    before = sig.collaborative(0, np.arange(20, 40), 1.0)[0]
    for a, t, liked in [e for e in base if e[0] == 1][:5]:
        sig.add(a, t, liked)
    assert sig._pending  # not merged yet: 5 × 32 < 380 stored decisions
    after = sig.collaborative(0, np.arange(20, 40), 1.0)[0]
    assert np.any(before != after)


def test_signals_ignore_unknown_ids_and_self_decisions() -> None:
    sig = InteractionSignals(np.array([1, 2]))
    sig.add(1, 3, True)
    sig.add(2, 2, True)
    assert len(sig) == 0 and sig.given_n.sum() == 0


def test_without_events_the_score_is_the_cold_score() -> None:
    rows = [person(1), person(2, "female", age=27), person(3, "female", age=35)]
    cold = scores_of(rows)
    warm = scores_of(rows, signals=InteractionSignals(np.array([r.id for r in rows])))
    np.testing.assert_array_equal(cold, warm)


def test_a_candidate_liked_by_others_and_liking_back_rises() -> None:
    men = [person(i, age=30) for i in range(1, 6)]
    women = [person(10 + i, "female", age=29) for i in range(1, 4)]
    rows = men + women
    events = [(m.id, 11, True) for m in men[1:]] + [(m.id, 12, False) for m in men[1:]]
    events += [(11, m.id, True) for m in men[1:]] + [(12, m.id, False) for m in men[1:]]
    sig = InteractionSignals.from_events(np.array([r.id for r in rows]), events)
    pool, X = pool_and_X(rows)
    s = score_candidates(0, np.array([5, 6, 7]), X, pool, sig)
    assert s[0] > s[2] > s[1]


def test_extended_signals_stay_aligned_with_an_extended_pool() -> None:
    events = [(1, 11, True), (2, 11, True), (11, 1, False)]
    grown = InteractionSignals.from_events(np.array([1, 2, 11]), events)
    grown.extend([12, 3])
    grown.add(12, 1, True)
    whole = InteractionSignals.from_events(np.array([1, 2, 11, 12, 3]), events + [(12, 1, True)])
    assert grown.index == whole.index and len(grown) == len(whole) == 4
    for name in ("given_yes", "given_n", "recv_yes", "recv_n"):
        np.testing.assert_array_equal(getattr(grown, name), getattr(whole, name))
    for v in range(5):
        np.testing.assert_allclose(grown.collaborative(v, np.arange(5), 1.0), whole.collaborative(v, np.arange(5), 1.0))


def test_out_of_range_interest_weights_are_clipped() -> None:
    pool = PoolArrays.from_rows([person(1, interests=(("阅读", 0), ("徒步", 9)))])
    assert sorted(pool.interests.data.tolist()) == [1.0, 5.0]


WITHOUT_INPUTS = replace(model.DEFAULT_WEIGHTS, going_out_gives=0.0, going_out_receives=0.0, going_out_gap=0.0,
                         fit_sincere=0.0, fit_intelligent=0.0, fit_humorous=0.0, fit_ambitious=0.0)


@settings(max_examples=60, deadline=None)
@given(rows=st.lists(random_person, min_size=2, max_size=8, unique_by=lambda r: r.id))
def test_a_viewer_without_the_inputs_ranks_as_without_the_terms(rows: list[ProfileRow]) -> None:
    """Terms of the matching inputs are zero unless both people answered: a viewer who did not
    answer sees exactly today's scores, whatever the candidates answered."""
    rows = [replace(rows[0], going_out=None, values=None, friends_say=None)] + rows[1:]
    pool, X = pool_and_X(rows)
    cand = np.arange(1, len(rows))
    np.testing.assert_array_equal(score_candidates(0, cand, X, pool), score_candidates(0, cand, X, pool, weights=WITHOUT_INPUTS))


def test_nobody_answered_scores_equal_today() -> None:
    rows = [person(1), person(2, "female", age=27, interests=(("阅读", 3),)), person(3, "female", age=35)]
    pool, X = pool_and_X(rows)
    cand = np.arange(1, 3)
    np.testing.assert_array_equal(score_candidates(0, cand, X, pool), score_candidates(0, cand, X, pool, weights=WITHOUT_INPUTS))


def test_fitting_what_one_values_and_going_out_alike_score_higher() -> None:
    humour = (1, 1, 1, 6, 1, 0)  # values humour above all
    me = person(1, going_out=1, values=humour, friends_say=(7, 7, 7, 7))
    funny = person(2, "female", going_out=1, values=humour, friends_say=(7, 7, 10, 7))
    dull = person(3, "female", going_out=1, values=humour, friends_say=(7, 7, 3, 7))
    homebody = person(4, "female", going_out=6, values=humour, friends_say=(7, 7, 10, 7))
    s = scores_of([me, funny, dull, homebody])
    assert s[0] > s[1] and s[0] > s[2]
