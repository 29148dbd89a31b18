"""Recommendations, search and the daily push over a real (small) pool, without HTTP."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from matchsvc.core.clock import utcnow
from matchsvc.errors import Forbidden, ValidationFailed
from matchsvc.extensions import db
from matchsvc.interactions import service as interactions
from matchsvc.matching import push, service
from matchsvc.matching.models import DailyPick
from matchsvc.notifications.models import Notification
from matchsvc.profiles import service as profiles
from matchsvc.reviews import service as reviews


def _woman(make, **kw):
    kw.setdefault("gender", "female")
    kw.setdefault("seeking_gender", "male")
    return make.member(**kw)


def _man(make, **kw):
    kw.setdefault("gender", "male")
    kw.setdefault("seeking_gender", "female")
    return make.member(**kw)


def _ids(items):
    return [s.profile.id for s in items]


def test_recommendations_respect_hard_filters_both_ways(make):
    me, _ = _woman(make, birth_date=date(1995, 1, 1), seeking_age_min=25, seeking_age_max=35)
    _, fits = _man(make, birth_date=date(1993, 1, 1))
    _, too_old = _man(make, birth_date=date(1980, 1, 1))
    _, wants_men = make.member(gender="male", seeking_gender="male")
    _, wants_younger = _man(make, birth_date=date(1992, 1, 1), seeking_age_min=20, seeking_age_max=25)
    _, same_gender = _woman(make)
    got = _ids(service.recommend(actor=me))
    assert got == [fits.id]
    assert not {too_old.id, wants_men.id, wants_younger.id, same_gender.id} & set(got)


def test_recommendations_leave_out_liked_passed_and_blocked(make):
    me, mine = _woman(make)
    liked, passed, blocked_by = (_man(make) for _ in range(3))
    _, fresh = _man(make)
    interactions.like(actor=me, profile_id=liked[1].id)
    interactions.pass_(actor=me, profile_id=passed[1].id)
    interactions.block(actor=blocked_by[0], profile_id=mine.id)
    db.session.commit()
    assert _ids(service.recommend(actor=me)) == [fresh.id]


def test_recommendations_need_an_approved_profile(make):
    acc, _ = make.member(approved=False, pending=True)
    with pytest.raises(Forbidden):
        service.recommend(actor=acc)


def test_new_approval_is_recommendable_at_once_and_withdrawal_vanishes(make):
    me, _ = _woman(make)
    _, first = _man(make)
    assert _ids(service.recommend(actor=me)) == [first.id]  # builds the index
    newcomer_acc, newcomer = _man(make, approved=False, pending=True)
    reviewer = make.account("reviewer")
    reviews.decide(actor=reviewer, profile_id=newcomer.id, decision="approve", note=None)
    db.session.commit()
    assert set(_ids(service.recommend(actor=me))) == {first.id, newcomer.id}
    profiles.withdraw(actor=newcomer_acc)
    db.session.commit()
    assert _ids(service.recommend(actor=me)) == [first.id]


@pytest.mark.parametrize("change", ["pause", "suspend"])
def test_paused_or_suspended_profiles_vanish(make, change):
    me, _ = _woman(make)
    other_acc, other = _man(make)
    assert _ids(service.recommend(actor=me)) == [other.id]
    if change == "pause":
        profiles.pause(actor=other_acc)
    else:
        reviews.suspend(actor=make.account("reviewer"), profile_id=other.id, reason="被举报")
    db.session.commit()
    assert service.recommend(actor=me) == []


def _index_by_increments(monkeypatch):
    """Changes are applied to the index in place (rows marked dead, newcomers appended), as in a
    large pool, instead of the rebuild a tiny test pool gets on every change."""
    monkeypatch.setattr(service.pool_index, "SMALL_POOL", 0)
    monkeypatch.setattr(service.pool_index, "REBUILD_DRIFT", 100.0)


@pytest.mark.parametrize("change", ["pause", "suspend", "edit", "withdraw"])
def test_a_caller_who_left_the_pool_is_refused_though_the_index_knew_them(make, change, monkeypatch):
    _index_by_increments(monkeypatch)
    me, mine = _woman(make)
    _man(make)
    assert service.recommend(actor=me)  # the index holds my row
    generation = service.pool_index.get().generation
    if change == "pause":
        profiles.pause(actor=me)
    elif change == "suspend":
        reviews.suspend(actor=make.account("reviewer"), profile_id=mine.id, reason="被举报")
    elif change == "edit":
        profiles.update_own(actor=me, changes={"intro": "换了新的自我介绍"})  # back to review
    else:
        profiles.withdraw(actor=me)
    db.session.commit()
    for call in (service.recommend, service.search, push.latest_picks):
        with pytest.raises(Forbidden):
            call(actor=me)
    idx = service.pool_index.get()
    assert idx.generation == generation and mine.id in idx.pool.index  # my row is there, dead


def test_a_profile_erased_and_approved_again_is_found_by_its_account(make, monkeypatch):
    _index_by_increments(monkeypatch)
    me, first = _woman(make)
    _, other = _man(make)
    assert _ids(service.recommend(actor=me)) == [other.id]
    generation = service.pool_index.get().generation
    profiles.withdraw(actor=me)
    db.session.commit()
    second = make.profile(me, approved=True, gender="female", seeking_gender="male")
    service.pool_index.note_change(second.id)
    db.session.commit()
    idx = service.pool_index.get()
    assert idx.generation == generation and {first.id, second.id} <= set(idx.pool.index)  # both rows
    assert second.id != first.id and idx.profile_of_account(me.id) == second.id
    assert _ids(service.recommend(actor=me)) == [other.id]


def test_an_index_that_missed_a_change_is_still_checked_against_the_database(make):
    me, _ = _woman(make)
    _, other = _man(make)
    service.recommend(actor=me)
    # a change written behind the index's back (no pool-change row)
    db.session.execute(sa.text("UPDATE profiles SET status='suspended' WHERE id=:i"), {"i": other.id})
    db.session.commit()
    assert service.recommend(actor=me) == []


def test_non_personalised_list_is_newest_first(make):
    me, _ = _woman(make)
    _, old = _man(make, approved_at=utcnow() - timedelta(days=30))
    _, new = _man(make, approved_at=utcnow())
    items = service.recommend(actor=me, personalized=False)
    assert _ids(items) == [new.id, old.id]
    # the score is the freshness alone (nothing about the viewer): 1.0 now, a half after 30 days
    assert [s.score for s in items] == [pytest.approx(1.0, abs=1e-3), pytest.approx(0.5, abs=1e-3)]


def test_scores_are_best_first_with_reasons(make):
    me, _ = _woman(make, interests=[{"tag": "爬山", "weight": 5}, {"tag": "摄影", "weight": 4}], hometown="宁波")
    for i in range(6):
        _man(make, interests=[{"tag": "爬山", "weight": 5}] if i % 2 else [{"tag": "电竞", "weight": 5}])
    items = service.recommend(actor=me, limit=10)
    scores = [s.score for s in items]
    assert scores == sorted(scores, reverse=True) and len(items) == 6
    assert all(s.reasons for s in items)


def test_search_filters_and_422(make):
    me, _ = _woman(make, seeking_age_min=20, seeking_age_max=45)
    _, a = _man(make, city="杭州", education="master", goal="marriage", birth_date=date(1994, 3, 1),
                interests=[{"tag": "羽毛球", "weight": 4}], intro="喜欢打羽毛球和做饭")
    _, b = _man(make, city="宁波", education="bachelor", goal="dating", birth_date=date(1990, 3, 1))
    assert {p.id for p in service.search(actor=me)} == {a.id, b.id}
    assert [p.id for p in service.search(actor=me, city="杭州")] == [a.id]
    assert [p.id for p in service.search(actor=me, education="bachelor")] == [b.id]
    assert [p.id for p in service.search(actor=me, goal="marriage")] == [a.id]
    assert [p.id for p in service.search(actor=me, interest="羽毛球")] == [a.id]
    assert [p.id for p in service.search(actor=me, q="做饭")] == [a.id]
    assert [p.id for p in service.search(actor=me, age_min=33)] == [b.id]
    with pytest.raises(ValidationFailed):
        service.search(actor=me, age_min=40, age_max=30)


def test_daily_push_is_idempotent_and_caps_exposure(app, make):
    app.config.update(DAILY_PICKS=2, DAILY_EXPOSURE_CAP=3)
    try:
        women = [_woman(make) for _ in range(6)]
        men = [_man(make) for _ in range(2)]
        day = date(2026, 11, 20)
        first = push.push_daily(on=day)
        again = push.push_daily(on=day)
        assert first["members"] == 8 and again["picks"] == 0
        picks = db.session.scalars(sa.select(DailyPick).where(DailyPick.push_date == day)).all()
        per_target: dict[int, int] = {}
        for p in picks:
            per_target[p.target_id] = per_target.get(p.target_id, 0) + 1
        assert max(per_target.values()) <= 3
        notes = db.session.scalars(sa.select(Notification).where(Notification.kind == "daily_picks")).all()
        assert len(notes) == len({p.viewer_id for p in picks})
        assert {m[1].id for m in men} >= {p.target_id for p in picks if p.viewer_id == women[0][1].id}
    finally:
        app.config.update(DAILY_PICKS=5, DAILY_EXPOSURE_CAP=20)


def test_daily_picks_read_back_and_respect_blocks(make):
    me, mine = _woman(make)
    _, a = _man(make)
    other_acc, b = _man(make)
    push.push_daily(on=date.today())
    got = push.latest_picks(actor=me)
    assert {s.profile.id for s in got["items"]} == {a.id, b.id}
    interactions.block(actor=other_acc, profile_id=mine.id)
    db.session.commit()
    assert [s.profile.id for s in push.latest_picks(actor=me)["items"]] == [a.id]


def test_pair_compatibility_is_symmetric_and_zero_across_filters(make):
    _, w = _woman(make)
    _, m1 = _man(make)
    _, m2 = _man(make)
    _, w2 = _woman(make)
    mat = service.pair_compatibility(profile_ids=[w.id, m1.id, m2.id, w2.id])
    assert (mat == mat.T).all()
    assert mat[0, 3] == 0 and mat[1, 2] == 0 and mat[0, 0] == 0
    assert mat[0, 1] > 0 and mat[3, 2] > 0


def test_a_private_yes_we_met_feeds_the_signals(make):
    from matchsvc.core.clock import utcnow
    from matchsvc.events.models import MatchFollowup
    from matchsvc.interactions.models import MatchSource
    from matchsvc.matching import index as pool_index

    a_acc, a = _woman(make)
    _, b = _man(make)
    match = interactions.create_match(a=a.id, b=b.id, source=MatchSource.event)
    db.session.add(MatchFollowup(match_id=match.id, profile_id=a.id, met=True, answered_at=utcnow()))
    db.session.commit()
    pool_index.reset()
    idx = pool_index.get()
    assert len(idx.signals) == 1


def test_after_event_selections_feed_the_signals_once(make):
    from matchsvc.events.models import Selection
    from matchsvc.matching import index as pool_index
    from tests.factories import EventFactory

    a_acc, a = _woman(make)
    _, b = _man(make)
    _, c = _man(make)
    event = EventFactory()
    db.session.add_all([Selection(event_id=event.id, chooser_id=a.id, chosen_id=b.id),
                        Selection(event_id=event.id, chooser_id=b.id, chosen_id=a.id),
                        Selection(event_id=event.id, chooser_id=a.id, chosen_id=c.id)])
    db.session.commit()
    interactions.like(actor=a_acc, profile_id=c.id)  # already a yes: the pick adds nothing
    db.session.commit()
    pool_index.reset()
    idx = pool_index.get()
    assert len(idx.signals) == 3
    pos = idx.pool.index
    assert idx.signals.recv_yes[pos[b.id]] == 1 and idx.signals.given_yes[pos[a.id]] == 2


def test_daily_push_split_over_processes_keeps_the_cap(app, make, monkeypatch):
    app.config.update(DAILY_PICKS=2, DAILY_EXPOSURE_CAP=2, PUSH_PARALLEL_FROM=0)
    try:
        for _ in range(6):
            _woman(make)
        men = [_man(make)[1].id for _ in range(3)]
        stats = push.push_daily(on=date(2026, 11, 21))
        assert stats["members"] == 9
        picks = db.session.scalars(sa.select(DailyPick)).all()
        per_target: dict[int, int] = {}
        for p in picks:
            per_target[p.target_id] = per_target.get(p.target_id, 0) + 1
        assert per_target and max(per_target.values()) <= 2
        assert {p.target_id for p in picks if p.target_id in men}
    finally:
        app.config.update(DAILY_PICKS=5, DAILY_EXPOSURE_CAP=20, PUSH_PARALLEL_FROM=20000)


def test_kept_rankings_are_reused_bounded_and_expire(make, monkeypatch):
    women = [_woman(make)[0] for _ in range(3)]
    for _ in range(4):
        _man(make)
    clock = [1000.0]
    monkeypatch.setattr(service.time, "monotonic", lambda: clock[0])
    monkeypatch.setattr(service, "RANKING_CACHE_SIZE", 2)
    first = service.recommend(actor=women[0])
    kept = next(iter(service._rankings.values()))
    assert service.recommend(actor=women[0]) == first and next(iter(service._rankings.values())) is kept
    service.recommend(actor=women[1])
    service.recommend(actor=women[2])  # the least recently used goes
    owners = {profiles.find_own(w).id for w in women}
    assert len(service._rankings) == 2 and set(service._rankings) == owners - {profiles.find_own(women[0]).id}
    clock[0] += service.RANKING_TTL_SECONDS + 1  # all expired: storing one more drops them
    again = service.recommend(actor=women[0])
    assert list(service._rankings) == [profiles.find_own(women[0]).id]
    assert _ids(again) == _ids(first)


def test_daily_push_deletes_picks_past_the_retention(app, make, monkeypatch):
    from matchsvc.core.clock import today

    _woman(make)
    _man(make)
    now = today()
    for age in (40, 20, 10):  # a push for a past date purges relative to that date
        push.push_daily(on=now - timedelta(days=age))

    def dates():
        return sorted((now - d).days for d in db.session.scalars(sa.select(DailyPick.push_date).distinct()))

    assert dates() == [10, 20, 40]
    assert push.push_daily(on=now)["purged"] == 2  # the picks of both members 40 days ago
    assert dates() == [0, 10, 20]
    monkeypatch.setitem(app.config, "DAILY_PICKS_KEEP_DAYS", 1)  # never below the push's 14 days
    assert push.purge_old_picks() == 2 and dates() == [0, 10]


def test_event_vectors_are_kept_for_the_current_index_build_only(make):
    """Vectors of earlier builds went on filling the cache (5,000 entries of tens of KB each): a
    fifth more memory per worker over a 10-minute soak."""
    from types import SimpleNamespace

    from matchsvc.matching import index as pool_index

    _woman(make)
    _man(make)
    event = SimpleNamespace(id=7, tags=["爬山"], title="周末爬山", description="北高峰")
    first = service._event_vector(pool_index.get(), event)
    assert service._event_vector(pool_index.get(), event) is first and len(service._event_vectors) == 1
    pool_index.reset()
    _woman(make)
    again = service._event_vector(pool_index.get(), event)
    assert again is not first and len(service._event_vectors) == 1
    changed = SimpleNamespace(id=7, tags=["爬山"], title="周末爬山", description="南高峰")
    service._event_vector(pool_index.get(), changed)
    assert len(service._event_vectors) == 2
