"""Matched groups: the algorithm on plain arrays, and its quality against random eligible groups."""

from __future__ import annotations

import numpy as np
import pytest

from matchsvc.events import service
from matchsvc.events.service import groups
from matchsvc.matching import service as matching
from matchsvc.events.service.groups import group_score, member_scores, select_group
from matchsvc.matching import index as pool_index

SEEDS = range(8)


def _world(seed: int, n: int = 120, k: int = 4) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """People with a latent taste (one of ``k`` clusters plus noise): compat is high within a
    cluster and across genders only; fit is the closeness of the taste to the event's; a few
    pairs blocked each other."""
    rng = np.random.default_rng(seed)
    male = np.arange(n) % 2 == 0
    centres = rng.normal(size=(k, 8))
    taste = centres[rng.integers(0, k, n)] + 0.6 * rng.normal(size=(n, 8))
    taste /= np.linalg.norm(taste, axis=1, keepdims=True)
    compat = np.clip((taste @ taste.T + 1) / 2, 0, 1)
    compat[male[:, None] == male[None, :]] = 0.0
    np.fill_diagonal(compat, 0.0)
    event = centres[0] / np.linalg.norm(centres[0])
    fit = np.clip((taste @ event + 1) / 2, 0, 1)
    blocked = np.zeros((n, n), dtype=bool)
    for a, b in rng.integers(0, n, size=(n // 4, 2)):
        if a != b:
            blocked[a, b] = blocked[b, a] = True
    return fit, compat, male, blocked


def _random_group(rng: np.random.Generator, male: np.ndarray, blocked: np.ndarray, men: int, women: int) -> list[int]:
    """A random eligible group of the same make-up (redrawn until no blocked pair is inside)."""
    while True:
        group = list(rng.choice(np.flatnonzero(male), men, replace=False)) + \
            list(rng.choice(np.flatnonzero(~male), women, replace=False))
        if not blocked[np.ix_(group, group)].any():
            return [int(i) for i in group]


@pytest.mark.parametrize("men, women", [(5, 5), (3, 7)])
def test_proposed_groups_beat_random_groups(men, women):
    proposed, random_, greedy = [], [], []
    for seed in SEEDS:
        fit, compat, male, blocked = _world(seed)
        chosen = select_group(fit, compat, male, blocked, {True: men, False: women})
        assert sum(male[chosen]) == men and len(chosen) == men + women
        assert not blocked[np.ix_(chosen, chosen)].any()
        proposed.append(group_score(chosen, fit, compat, male))
        greedy.append(group_score(select_group(fit, compat, male, blocked, {True: men, False: women}, max_swaps=0),
                                  fit, compat, male))
        rng = np.random.default_rng(1000 + seed)
        random_.append(np.mean([group_score(_random_group(rng, male, blocked, men, women), fit, compat, male)
                                for _ in range(50)]))
    print(f"\ngroup score {men}+{women} over {len(SEEDS)} seeds: proposed {np.mean(proposed):.3f}, "
          f"greedy only {np.mean(greedy):.3f}, random {np.mean(random_):.3f}")
    assert np.mean(proposed) > np.mean(random_) + 0.1
    assert all(p > r for p, r in zip(proposed, random_))
    assert all(p >= g - 1e-12 for p, g in zip(proposed, greedy))


def test_swaps_reach_a_local_optimum():
    fit, compat, male, blocked = _world(3, n=40)
    chosen = select_group(fit, compat, male, blocked, {True: 4, False: 4})
    best = group_score(chosen, fit, compat, male)
    for k, m in enumerate(chosen):
        for c in np.flatnonzero((male == male[m]) & ~np.isin(np.arange(fit.size), chosen)):
            other = chosen[:k] + [int(c)] + chosen[k + 1:]
            if not blocked[np.ix_(other, other)].any():
                assert group_score(other, fit, compat, male) <= best + 1e-9


def test_fixed_members_stay_and_count_towards_the_group():
    fit, compat, male, blocked = _world(5, n=30)
    fixed = [int(np.flatnonzero(male)[0]), int(np.flatnonzero(~male)[0])]
    chosen = select_group(fit, compat, male, blocked, {True: 1, False: 2}, fixed=fixed)
    assert not set(chosen) & set(fixed) and len(chosen) == 3
    assert not blocked[np.ix_(fixed + chosen, fixed + chosen)].any()


def test_a_pool_too_small_gives_a_smaller_group():
    fit = np.array([0.5, 0.4, 0.9])
    male = np.array([True, False, False])
    compat = np.array([[0, 0.5, 0.2], [0.5, 0, 0], [0.2, 0, 0]])
    blocked = np.zeros((3, 3), dtype=bool)
    blocked[0, 2] = blocked[2, 0] = True
    assert sorted(select_group(fit, compat, male, blocked, {True: 3, False: 3})) == [0, 1]


def test_scores_of_a_group():
    fit = np.array([1.0, 0.0, 0.5])
    male = np.array([True, False, False])
    compat = np.array([[0, 1.0, 0.0], [1.0, 0, 0], [0.0, 0, 0]])
    assert group_score([0, 1, 2], fit, compat, male) == pytest.approx(0.5 * 0.5 + 0.5 * 0.5)
    assert list(member_scores([0, 1, 2], fit, compat, male)) == pytest.approx([0.75, 0.5, 0.25])
    assert group_score([], fit, compat, male) == 0.0
    assert group_score([1, 2], fit, compat, male) == pytest.approx(0.5 * 0.25)


def test_seats_split_by_the_quota(ev):
    from matchsvc.events.service.common import Seats
    from matchsvc.profiles.models import Gender

    event = ev.event(quota_male=2, quota_female=6, capacity=10)
    seats = Seats(event, {Gender.male: 0, Gender.female: 0})
    assert groups.split_seats(8, seats) == {Gender.male: 2, Gender.female: 6}
    assert groups.split_seats(20, seats) == {Gender.male: 2, Gender.female: 6}
    seats = Seats(event, {Gender.male: 1, Gender.female: 6})
    assert groups.split_seats(4, seats) == {Gender.male: 1, Gender.female: 0}
    open_event = ev.event(quota_male=None, quota_female=None, capacity=6)
    assert groups.split_seats(10, Seats(open_event, {Gender.male: 0, Gender.female: 0})) == \
        {Gender.male: 3, Gender.female: 3}
    women_only = ev.event(quota_male=0, quota_female=6, capacity=6)
    assert groups.split_seats(4, Seats(women_only, {Gender.male: 0, Gender.female: 0})) == \
        {Gender.male: 0, Gender.female: 4}


# -- the same, end to end through the matching domain's scores ---------------------------------

_TASTES = [
    (["爬山", "露营", "摄影"], "喜欢周末去爬山露营，拍拍风景。"),
    (["阅读", "书法", "茶艺"], "安静的人，喜欢读书、写字、喝茶。"),
    (["篮球", "健身", "跑步"], "每天运动，周末打篮球。"),
    (["烘焙", "电影", "旅行"], "喜欢做甜点，看电影，到处旅行。"),
]


def _population(ev, rng: np.random.Generator, n: int, unit) -> None:
    for i in range(n):
        tags, intro = _TASTES[int(rng.integers(0, len(_TASTES)))]
        interests = [{"tag": t, "weight": int(rng.integers(2, 6))} for t in tags if rng.random() < 0.85]
        person = ev.man if i % 2 else ev.woman
        person(unit=unit, interests=interests, intro=intro, city=["杭州", "宁波"][int(rng.integers(0, 2))])


def test_proposals_beat_random_eligible_groups_end_to_end(ev):
    """Three populations (each in its own unit, with an event open to it alone); each proposal
    against 30 random eligible groups of its make-up, all scored with the same event fit and
    pairwise compatibility."""
    org = ev.organizer()
    proposed, random_ = [], []
    for seed in range(3):
        rng = np.random.default_rng(seed)
        unit = ev.make.unit()
        _population(ev, rng, 32, unit)
        pool_index.reset()  # factories bypass the pool change log the index follows
        event = ev.event(created_by=org.id, tags=["爬山", "摄影"], description="山上拍照的一天",
                         quota_male=4, quota_female=4, capacity=8, org_units=[unit])
        proposal = service.propose_group(actor=org, event_id=event.id, size=8)
        pool = groups.candidates(event, [g for g in groups.GENDERS])
        ids = [p.id for p in pool]
        fit = np.array([matching.event_scores(profile=p, events=[event])[0][0] for p in pool])
        compat = matching.pair_compatibility(profile_ids=ids)
        male = np.array([p.gender.value == "male" for p in pool])
        chosen = [ids.index(m.profile.id) for m in proposal.members]
        assert sum(male[chosen]) == 4 and len(chosen) == 8
        proposed.append(group_score(chosen, fit, compat, male))
        assert proposed[-1] == pytest.approx(proposal.score, abs=1e-3)
        none_blocked = np.zeros((len(ids), len(ids)), dtype=bool)
        random_.append(np.mean([group_score(_random_group(rng, male, none_blocked, 4, 4), fit, compat, male)
                                for _ in range(30)]))
    print(f"\nend to end group score over 3 populations: proposed {np.mean(proposed):.3f}, "
          f"random {np.mean(random_):.3f}")
    assert np.mean(proposed) > np.mean(random_)
    assert all(p > r for p, r in zip(proposed, random_))
