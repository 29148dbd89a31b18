"""Likes, passes, matches, blocks and reports: every rule and every error of the service, one by one."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from matchsvc import visibility
from matchsvc.core.clock import utcnow
from matchsvc.errors import Forbidden, InvalidTransition, NotFound
from matchsvc.extensions import db
from matchsvc.interactions import service
from matchsvc.interactions.models import Block, Like, Match, MatchSource, Pass, Report, ReportStatus
from matchsvc.profiles import service as profiles
from matchsvc.profiles.models import ProfileStatus
from matchsvc.reviews.models import AuditEntry


def _pair(make, **kw):
    a_acc, a = make.member(gender="female", seeking_gender="male", **kw)
    b_acc, b = make.member(gender="male", seeking_gender="female")
    return a_acc, a, b_acc, b


def _set(profile, **values):
    for name, value in values.items():
        setattr(profile, name, value)
    db.session.commit()


# -- likes and passes: who may act on whom ---------------------------------------------------------

@pytest.mark.parametrize("action", [service.like, service.pass_])
@pytest.mark.parametrize("status", [ProfileStatus.paused, ProfileStatus.suspended, ProfileStatus.pending,
                                    ProfileStatus.draft])
def test_like_or_pass_needs_the_callers_profile_shown(make, action, status):
    a_acc, a, _, b = _pair(make)
    _set(a, status=status)
    with pytest.raises(Forbidden) as err:
        action(actor=a_acc, profile_id=b.id)
    assert err.value.code == "profile_not_approved"


@pytest.mark.parametrize("action", [service.like, service.pass_])
def test_like_or_pass_without_any_profile_is_forbidden(make, action):
    _, b = make.member()
    with pytest.raises(Forbidden) as err:
        action(actor=make.account(), profile_id=b.id)
    assert err.value.code == "profile_not_approved"


@pytest.mark.parametrize("action", [service.like, service.pass_])
@pytest.mark.parametrize("status", [ProfileStatus.paused, ProfileStatus.suspended, ProfileStatus.rejected,
                                    ProfileStatus.changes_requested])
def test_like_or_pass_of_a_profile_not_shown_is_not_found(make, action, status):
    a_acc, _, _, b = _pair(make)
    _set(b, status=status)
    with pytest.raises(NotFound):
        action(actor=a_acc, profile_id=b.id)


@pytest.mark.parametrize("action", [service.like, service.pass_])
def test_like_or_pass_of_a_disabled_account_is_not_found(make, action):
    a_acc, _, b_acc, b = _pair(make)
    b_acc.disabled_at = utcnow()
    db.session.commit()
    with pytest.raises(NotFound):
        action(actor=a_acc, profile_id=b.id)


@pytest.mark.parametrize("action", [service.like, service.pass_])
@pytest.mark.parametrize("blocker", ["caller", "target"])
def test_like_or_pass_across_a_block_either_way_is_not_found(make, action, blocker):
    a_acc, a, b_acc, b = _pair(make)
    if blocker == "caller":
        service.block(actor=a_acc, profile_id=b.id)
    else:
        service.block(actor=b_acc, profile_id=a.id)
    db.session.commit()
    with pytest.raises(NotFound):
        action(actor=a_acc, profile_id=b.id)


@pytest.mark.parametrize("action", [service.like, service.pass_])
def test_like_or_pass_of_an_unknown_or_own_profile_is_not_found(make, action):
    a_acc, a, _, _ = _pair(make)
    for target in (a.id, 999_999):
        with pytest.raises(NotFound):
            action(actor=a_acc, profile_id=target)


def test_a_pass_is_recorded_once_and_hides_nothing_else(make):
    a_acc, a, _, b = _pair(make)
    service.pass_(actor=a_acc, profile_id=b.id)
    service.pass_(actor=a_acc, profile_id=b.id)
    assert db.session.scalars(sa.select(Pass.target_id).where(Pass.actor_id == a.id)).all() == [b.id]
    assert service.seen_ids(a.id) == {b.id} and service.seen_ids(b.id) == set()


def test_a_like_back_after_an_ended_match_makes_no_new_match(make):
    a_acc, a, b_acc, b = _pair(make)
    service.like(actor=a_acc, profile_id=b.id)
    _, match = service.like(actor=b_acc, profile_id=a.id)
    service.unmatch(actor=a_acc, match_id=match.id)
    db.session.execute(sa.delete(Like))
    assert service.like(actor=a_acc, profile_id=b.id) == (False, None)
    assert service.like(actor=b_acc, profile_id=a.id) == (False, None)
    assert db.session.scalar(sa.select(sa.func.count(Match.id))) == 1


def test_liking_a_match_again_reports_the_standing_match(make):
    a_acc, a, b_acc, b = _pair(make)
    service.like(actor=a_acc, profile_id=b.id)
    _, match = service.like(actor=b_acc, profile_id=a.id)
    assert service.like(actor=a_acc, profile_id=b.id) == (True, match)


def test_create_match_returns_the_standing_one_and_keeps_its_source(make):
    _, a, _, b = _pair(make)
    first = service.create_match(a=a.id, b=b.id, source=MatchSource.event)
    again = service.create_match(a=b.id, b=a.id, source=MatchSource.like)
    assert again.id == first.id and again.source is MatchSource.event
    assert (first.low_id, first.high_id) == (min(a.id, b.id), max(a.id, b.id))
    assert service.active_match(b.id, a.id).id == first.id


# -- what a member must not be shown again ---------------------------------------------------------

def test_seen_ids_are_likes_passes_blocks_both_ways_and_ended_matches(make):
    me_acc, me = make.member(gender="female", seeking_gender="male")
    others = [make.member(gender="male", seeking_gender="female") for _ in range(6)]
    (_, liked), (_, passed), (_, blocked), (blocker_acc, blocker), (m1_acc, ended), (m2_acc, standing) = others
    service.like(actor=me_acc, profile_id=liked.id)
    service.pass_(actor=me_acc, profile_id=passed.id)
    service.block(actor=me_acc, profile_id=blocked.id)
    service.block(actor=blocker_acc, profile_id=me.id)
    gone = service.create_match(a=me.id, b=ended.id, source=MatchSource.like)
    service.unmatch(actor=m1_acc, match_id=gone.id)
    service.create_match(a=me.id, b=standing.id, source=MatchSource.like)
    assert service.seen_ids(me.id) == {liked.id, passed.id, blocked.id, blocker.id, ended.id}


# -- matches ------------------------------------------------------------------------------------------

def test_my_matches_newest_first_without_ended_ones(make):
    me_acc, me = make.member(gender="female", seeking_gender="male")
    (_, first), (_, second), (other_acc, third) = (make.member(gender="male", seeking_gender="female")
                                                    for _ in range(3))
    service.create_match(a=me.id, b=first.id, source=MatchSource.like)
    service.create_match(a=me.id, b=second.id, source=MatchSource.event)
    gone = service.create_match(a=me.id, b=third.id, source=MatchSource.like)
    service.unmatch(actor=other_acc, match_id=gone.id)
    rows = service.my_matches(actor=me_acc)
    assert [p.id for _, p in rows] == [second.id, first.id]
    assert service.my_matches(actor=make.account()) == []


def test_unmatch_records_who_ended_it(make):
    a_acc, a, _, b = _pair(make)
    match = service.create_match(a=a.id, b=b.id, source=MatchSource.like)
    service.unmatch(actor=a_acc, match_id=match.id)
    assert match.ended_at is not None and match.ended_by == a.id
    assert service.active_match(a.id, b.id) is None


@pytest.mark.parametrize("case", ["unknown", "ended", "no_profile", "outsider"])
def test_unmatch_is_not_found_unless_a_standing_match_of_ones_own(make, case):
    a_acc, a, b_acc, b = _pair(make)
    match = service.create_match(a=a.id, b=b.id, source=MatchSource.like)
    actor, match_id = a_acc, match.id
    if case == "unknown":
        match_id = 999_999
    elif case == "ended":
        service.unmatch(actor=b_acc, match_id=match.id)
    elif case == "no_profile":
        actor = make.account()
    else:
        actor = make.member()[0]
    with pytest.raises(NotFound):
        service.unmatch(actor=actor, match_id=match_id)


# -- blocks -------------------------------------------------------------------------------------------

def test_block_needs_some_profile_of_ones_own_even_one_not_approved(make):
    _, target = make.member()
    with pytest.raises(Forbidden) as err:
        service.block(actor=make.account(), profile_id=target.id)
    assert err.value.code == "no_profile"
    drafter = make.account()
    make.profile(drafter)
    assert service.block(actor=drafter, profile_id=target.id).target_id == target.id


def test_block_of_oneself_is_not_found(make):
    acc, me = make.member()
    with pytest.raises(NotFound):
        service.block(actor=acc, profile_id=me.id)


def test_block_ends_a_standing_match_and_hides_both_ways(make):
    a_acc, a, _, b = _pair(make)
    match = service.create_match(a=a.id, b=b.id, source=MatchSource.like)
    blk = service.block(actor=a_acc, profile_id=b.id)
    assert (blk.actor_id, blk.target_id) == (a.id, b.id)
    assert match.ended_at is not None and match.ended_by == a.id
    assert visibility.visible_ids(a.id, [b.id]) == set() == visibility.visible_ids(b.id, [a.id])
    assert db.session.scalar(sa.select(sa.func.count(Block.id))) == 1


# -- reports ------------------------------------------------------------------------------------------

def test_a_report_needs_no_profile_of_ones_own(make):
    _, target = make.member()
    rep = service.report(actor=make.account(), profile_id=target.id, reason="fake photos")
    assert (rep.reporter_id, rep.profile_id, rep.status) == (None, target.id, ReportStatus.open)


def test_a_report_of_oneself_or_of_a_profile_never_shown_is_not_found(make):
    acc, me = make.member()
    draft = make.profile(make.account())
    for target in (me.id, draft.id, 999_999):
        with pytest.raises(NotFound):
            service.report(actor=acc, profile_id=target, reason="x")


def test_open_reports_are_the_open_ones_in_scope_oldest_first(make):
    here, there = make.unit(), make.unit()
    reporter, _ = make.member()
    _, first = make.member(unit=here)
    _, second = make.member(unit=here)
    _, elsewhere = make.member(unit=there)
    r1 = service.report(actor=reporter, profile_id=first.id, reason="a")
    r2 = service.report(actor=reporter, profile_id=second.id, reason="b")
    service.report(actor=reporter, profile_id=elsewhere.id, reason="c")
    reviewer = make.account("reviewer", unit=here)
    assert db.session.scalars(service.open_reports(actor=reviewer)).all() == [r1, r2]
    service.resolve_report(actor=reviewer, report_id=r1.id)
    assert db.session.scalars(service.open_reports(actor=reviewer)).all() == [r2]


def test_resolving_a_report_is_audited_once_and_a_second_resolve_conflicts(make):
    reporter, _ = make.member()
    _, target = make.member()
    rep = service.report(actor=reporter, profile_id=target.id, reason="spam")
    reviewer = make.account("reviewer")
    assert service.resolve_report(actor=reviewer, report_id=rep.id).status is ReportStatus.resolved
    first_at = rep.resolved_at
    with pytest.raises(InvalidTransition):
        service.resolve_report(actor=reviewer, report_id=rep.id)
    assert rep.resolved_at == first_at
    actions = db.session.scalars(sa.select(AuditEntry.action).where(AuditEntry.target == f"report:{rep.id}")).all()
    assert actions == ["report_resolved"]


def test_resolving_a_report_out_of_scope_or_unknown_fails(make):
    here, there = make.unit(), make.unit()
    reporter, _ = make.member()
    _, target = make.member(unit=here)
    rep = service.report(actor=reporter, profile_id=target.id, reason="x")
    with pytest.raises(Forbidden) as err:
        service.resolve_report(actor=make.account("reviewer", unit=there), report_id=rep.id)
    assert err.value.code == "out_of_scope"
    with pytest.raises(NotFound):
        service.resolve_report(actor=make.account("reviewer", unit=here), report_id=999_999)
    assert db.session.get(Report, rep.id).status is ReportStatus.open


# -- the member's export ------------------------------------------------------------------------------

def test_export_lists_what_the_member_did(make):
    a_acc, a, b_acc, b = _pair(make)
    _, c = make.member(gender="male", seeking_gender="female")
    _, d = make.member(gender="male", seeking_gender="female")
    service.like(actor=a_acc, profile_id=b.id)
    service.like(actor=b_acc, profile_id=a.id)
    service.pass_(actor=a_acc, profile_id=c.id)
    service.block(actor=a_acc, profile_id=d.id)
    service.report(actor=a_acc, profile_id=c.id, reason="rude")
    data = profiles.export(actor=a_acc)
    assert [row["profile_id"] for row in data["likes"]] == [b.id]
    assert [row["profile_id"] for row in data["passes"]] == [c.id]
    assert [row["profile_id"] for row in data["blocks"]] == [d.id]
    assert [(row["profile_id"], row["reason"], row["status"]) for row in data["reports"]] == [(c.id, "rude", "open")]
    assert [(row["profile_id"], row["source"], row["ended_at"]) for row in data["matches"]] == [(b.id, "like", None)]


def test_export_without_a_profile_has_no_interactions(make):
    data = profiles.export(actor=make.account())
    assert all(data[key] == [] for key in ("likes", "passes", "blocks", "reports", "matches"))
