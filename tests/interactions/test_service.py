"""Likes, passes, matches, blocks and reports: the rules, without HTTP."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from matchsvc import visibility
from matchsvc.errors import Forbidden, LimitExceeded, NotFound
from matchsvc.extensions import db
from matchsvc.interactions import service
from matchsvc.interactions.models import Like, Match, MatchSource, Pass, Report
from matchsvc.notifications.models import Notification


def _pair(make):
    a_acc, a = make.member(gender="female", seeking_gender="male")
    b_acc, b = make.member(gender="male", seeking_gender="female")
    return a_acc, a, b_acc, b


def test_like_is_private_until_mutual(make):
    a_acc, a, b_acc, b = _pair(make)
    mutual, match = service.like(actor=a_acc, profile_id=b.id)
    assert (mutual, match) == (False, None)
    mutual, match = service.like(actor=b_acc, profile_id=a.id)
    assert mutual and match is not None and match.source is MatchSource.like
    kinds = db.session.scalars(sa.select(Notification.kind)).all()
    assert sorted(kinds) == ["match", "match"]


def test_like_is_idempotent(make):
    a_acc, a, b_acc, b = _pair(make)
    service.like(actor=a_acc, profile_id=b.id)
    service.like(actor=a_acc, profile_id=b.id)
    assert db.session.scalar(sa.select(sa.func.count(Like.id))) == 1


def test_like_needs_an_approved_profile(make):
    acc, _ = make.member(approved=False, pending=True)
    _, b = make.member(gender="male", seeking_gender="female")
    with pytest.raises(Forbidden):
        service.like(actor=acc, profile_id=b.id)


@pytest.mark.parametrize("state", ["pending", "consented"])
def test_like_of_a_profile_not_approved_is_not_found(make, state):
    acc, _ = make.member()
    other = make.profile(**{state: True})
    with pytest.raises(NotFound):
        service.like(actor=acc, profile_id=other.id)


def test_like_of_oneself_is_not_found(make):
    acc, me = make.member()
    with pytest.raises(NotFound):
        service.like(actor=acc, profile_id=me.id)


def test_daily_like_limit(make, monkeypatch, app):
    monkeypatch.setitem(app.config, "DAILY_LIKE_LIMIT", 2)
    acc, _ = make.member()
    targets = [make.member(gender="male", seeking_gender="female")[1] for _ in range(3)]
    service.like(actor=acc, profile_id=targets[0].id)
    service.like(actor=acc, profile_id=targets[1].id)
    with pytest.raises(LimitExceeded) as exc:
        service.like(actor=acc, profile_id=targets[2].id)
    assert exc.value.status == 429 and "Retry-After" in exc.value.headers
    # liking someone already liked costs nothing
    service.like(actor=acc, profile_id=targets[0].id)


def test_daily_like_limit_holds_by_default_even_with_http_rate_limits_off(make, app):
    # the tests' app sets no DAILY_LIKE_LIMIT (so it has the default) and turns HTTP limits off
    assert app.config["RATELIMIT_ENABLED"] is False
    limit = app.config["DAILY_LIKE_LIMIT"]
    assert limit > 0
    acc, _ = make.member()
    targets = [make.member(gender="male", seeking_gender="female")[1] for _ in range(limit + 1)]
    for target in targets[:limit]:
        service.like(actor=acc, profile_id=target.id)
    with pytest.raises(LimitExceeded):
        service.like(actor=acc, profile_id=targets[limit].id)


def test_daily_like_limit_of_zero_is_no_limit(make, monkeypatch, app):
    monkeypatch.setitem(app.config, "DAILY_LIKE_LIMIT", 0)
    acc, _ = make.member()
    for _ in range(3):
        target = make.member(gender="male", seeking_gender="female")[1]
        assert service.like(actor=acc, profile_id=target.id) == (False, None)
    assert db.session.scalar(sa.select(sa.func.count(Like.id))) == 3


def test_like_after_pass_replaces_the_pass(make):
    a_acc, a, _, b = _pair(make)
    service.pass_(actor=a_acc, profile_id=b.id)
    service.like(actor=a_acc, profile_id=b.id)
    assert db.session.scalar(sa.select(sa.func.count(Pass.id))) == 0


def test_pass_is_idempotent(make):
    a_acc, _, _, b = _pair(make)
    service.pass_(actor=a_acc, profile_id=b.id)
    service.pass_(actor=a_acc, profile_id=b.id)
    assert db.session.scalar(sa.select(sa.func.count(Pass.id))) == 1


def test_unmatch_hides_contacts_and_the_pair_never_meets_again(make):
    a_acc, a, b_acc, b = _pair(make)
    service.like(actor=a_acc, profile_id=b.id)
    _, match = service.like(actor=b_acc, profile_id=a.id)
    service.unmatch(actor=a_acc, match_id=match.id)
    assert service.active_match(a.id, b.id) is None
    assert service.my_matches(actor=b_acc) == []
    assert b.id in service.seen_ids(a.id) and a.id in service.seen_ids(b.id)
    with pytest.raises(NotFound):
        service.unmatch(actor=b_acc, match_id=match.id)


def test_unmatch_of_someone_elses_match_is_not_found(make):
    a_acc, a, b_acc, b = _pair(make)
    stranger, _ = make.member()
    service.like(actor=a_acc, profile_id=b.id)
    _, match = service.like(actor=b_acc, profile_id=a.id)
    with pytest.raises(NotFound):
        service.unmatch(actor=stranger, match_id=match.id)


def test_block_works_both_ways_and_ends_a_match(make):
    a_acc, a, b_acc, b = _pair(make)
    service.like(actor=a_acc, profile_id=b.id)
    service.like(actor=b_acc, profile_id=a.id)
    service.block(actor=b_acc, profile_id=a.id)
    assert visibility.is_blocked(a.id, b.id) and visibility.is_blocked(b.id, a.id)
    assert service.active_match(a.id, b.id) is None
    with pytest.raises(NotFound):
        service.like(actor=a_acc, profile_id=b.id)
    assert a.id in service.seen_ids(b.id) and b.id in service.seen_ids(a.id)


def test_block_is_idempotent_and_needs_a_profile(make):
    a_acc, a, b_acc, b = _pair(make)
    first = service.block(actor=a_acc, profile_id=b.id)
    assert service.block(actor=a_acc, profile_id=b.id).id == first.id
    nobody = make.account()
    with pytest.raises(Forbidden):
        service.block(actor=nobody, profile_id=b.id)
    with pytest.raises(NotFound):
        service.block(actor=a_acc, profile_id=a.id)


def test_reports_land_with_reviewers_in_scope_only(make):
    city = make.root()
    agency = make.unit("财政局工会", city)
    other = make.unit("教育局工会", city)
    reporter, _ = make.member(unit=other)
    _, target = make.member(unit=agency, gender="male", seeking_gender="female")
    rep = service.report(actor=reporter, profile_id=target.id, reason="照片不是本人")
    inside = make.account("reviewer", unit=agency)
    sideways = make.account("reviewer", unit=other)
    above = make.account("reviewer", unit=city)
    assert [r.id for r in db.session.scalars(service.open_reports(actor=inside))] == [rep.id]
    assert [r.id for r in db.session.scalars(service.open_reports(actor=above))] == [rep.id]
    assert list(db.session.scalars(service.open_reports(actor=sideways))) == []
    with pytest.raises(Forbidden):
        service.resolve_report(actor=sideways, report_id=rep.id)
    service.resolve_report(actor=inside, report_id=rep.id)
    assert list(db.session.scalars(service.open_reports(actor=inside))) == []


def test_withdrawal_erases_interactions_but_keeps_reports_anonymous(make):
    from matchsvc.profiles import service as profiles

    a_acc, a, b_acc, b = _pair(make)
    service.like(actor=a_acc, profile_id=b.id)
    service.like(actor=b_acc, profile_id=a.id)
    service.report(actor=a_acc, profile_id=b.id, reason="骚扰")
    profiles.withdraw(actor=a_acc)
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count(Like.id))) == 0
    assert db.session.scalar(sa.select(sa.func.count(Match.id))) == 0
    report = db.session.scalar(sa.select(Report))
    assert report is not None and report.reporter_id is None
