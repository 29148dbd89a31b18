"""Likes, passes, matches, blocks and reports: what members do to each other.

A like is a private wish; only when both like each other does a match reveal both contacts. A block
works both ways and everywhere; a report lands with the reported profile's reviewers.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta, timezone
from typing import Any

import sqlalchemy as sa
from flask import current_app

from matchsvc import signals, visibility
from matchsvc.accounts.models import Account
from matchsvc.core.clock import utcnow
from matchsvc.core.i18n import _
from matchsvc.errors import Forbidden, InvalidTransition, LimitExceeded, NotFound
from matchsvc.extensions import db
from matchsvc.interactions.models import (Block, Like, Match, MatchSource, Pass, Report, ReportOutcome,
                                          ReportStatus)
from matchsvc.photos.models import with_main_photo
from matchsvc.profiles import service as profiles
from matchsvc.profiles.models import Profile, ProfileStatus
from matchsvc.reviews import audit
from matchsvc.reviews import service as reviews


def active_match(a: int, b: int) -> Match | None:
    """The standing match between two profiles, if any."""
    low, high = min(a, b), max(a, b)
    return db.session.scalar(sa.select(Match).where(Match.low_id == low, Match.high_id == high,
                                                    Match.ended_at.is_(None)))


_p = sa.bindparam("p")
#: Built once (see `seen_ids`).
_SEEN = sa.union_all(
    sa.select(Like.target_id).where(Like.actor_id == _p),
    sa.select(Pass.target_id).where(Pass.actor_id == _p),
    *visibility.blocked_either_way(_p),
    sa.select(Match.high_id).where(Match.low_id == _p, Match.ended_at.is_not(None)),
    sa.select(Match.low_id).where(Match.high_id == _p, Match.ended_at.is_not(None)),
)


def seen_ids(profile_id: int) -> set[int]:
    """Everyone this profile must not be shown again: liked, passed, blocked either way, or a
    match that was ended (the pair never meets again). One round trip, with a statement built
    once: this runs per request, and building it cost more than running it."""
    return set(db.session.scalars(_SEEN, {"p": profile_id}))


def _start_of_day(now: datetime) -> datetime:
    return datetime.combine(now.date(), time.min, tzinfo=timezone.utc)


def _check_like_limit(own: Profile) -> None:
    """The daily like limit (``DAILY_LIKE_LIMIT``; 0 = none) is a rule of the product, so
    ``RATELIMIT_ENABLED`` (Flask-Limiter's HTTP limits) does not lift it."""
    limit = int(current_app.config["DAILY_LIKE_LIMIT"])
    if limit <= 0:
        return
    now = utcnow()
    start = _start_of_day(now)
    used = db.session.scalar(sa.select(sa.func.count(Like.id)).where(Like.actor_id == own.id,
                                                                      Like.created_at >= start)) or 0
    if used >= limit:
        retry = int((start + timedelta(days=1) - now).total_seconds()) + 1
        raise LimitExceeded(_("You can like %(limit)d people a day; more tomorrow. Spreading attention "
                              "gives everyone a chance.", limit=limit), code="daily_like_limit",
                            headers={"Retry-After": str(retry)})


def like(*, actor: Account, profile_id: int) -> tuple[bool, Match | None]:
    """Like a visible profile; a like back makes a match, revealing both contacts and notifying both.

    Idempotent: liking again changes nothing and says whether the pair is matched. Forbidden without
    an approved profile; NotFound for a profile the caller cannot see; LimitExceeded (429) past the
    daily like limit (``DAILY_LIKE_LIMIT``; 0 = none).
    """
    own = visibility.require_standing(actor)
    target = visibility.require_actionable(own, profile_id)
    _lock_pair(own.id, target.id)
    existing = db.session.scalar(sa.select(Like).where(Like.actor_id == own.id, Like.target_id == target.id))
    if existing is None:
        # the write first: on SQLite it waits for any other like to commit, so the count is true
        db.session.execute(sa.delete(Pass).where(Pass.actor_id == own.id, Pass.target_id == target.id))
        _check_like_limit(own)
        try:
            # added inside the savepoint, so that losing the race takes the row out of the session
            with db.session.begin_nested():
                db.session.add(Like(actor_id=own.id, target_id=target.id, created_at=utcnow()))
        except sa.exc.IntegrityError:
            pass  # a concurrent identical like won; the outcome is the same
    match = active_match(own.id, target.id)
    if match is None and existing is None:
        liked_back = db.session.scalar(sa.select(Like.id).where(Like.actor_id == target.id,
                                                                Like.target_id == own.id))
        if liked_back is not None and not _ended_match(own.id, target.id):
            match = create_match(a=own.id, b=target.id, source=MatchSource.like)
    return match is not None, match


def _lock_pair(a: int, b: int) -> None:
    """Serialise, until this transaction ends, the likes between two people (so that two likes
    sent at the same moment cannot each miss the other and leave a mutual pair unmatched) and
    the likes a person sends (so that likes sent at once cannot overrun the daily limit).

    PostgreSQL: row locks on both profiles, taken in id order (no deadlock between likes); what
    is read after them includes whatever the other like committed. SQLite takes no row locks
    (FOR UPDATE is left out) but admits one writer at a time, and a like's first write waits for
    the other's commit.
    """
    db.session.execute(sa.select(Profile.id).where(Profile.id.in_((a, b))).order_by(Profile.id).with_for_update())


def _ended_match(a: int, b: int) -> bool:
    low, high = min(a, b), max(a, b)
    return db.session.scalar(sa.select(Match.id).where(Match.low_id == low, Match.high_id == high,
                                                       Match.ended_at.is_not(None))) is not None


def create_match(*, a: int, b: int, source: MatchSource, event_id: int | None = None) -> Match:
    """Record a mutual choice between profiles ``a`` and ``b`` and notify both (signal
    ``match_created``). Returns the standing match if there already is one."""
    existing = active_match(a, b)
    if existing is not None:
        return existing
    low, high = min(a, b), max(a, b)
    match = Match(low_id=low, high_id=high, source=source, event_id=event_id, created_at=utcnow())
    try:
        with db.session.begin_nested():
            db.session.add(match)
            db.session.flush()
    except sa.exc.IntegrityError:
        found = db.session.scalar(sa.select(Match).where(Match.low_id == low, Match.high_id == high))
        assert found is not None
        return found
    signals.match_created.send(match)
    return match


def pass_(*, actor: Account, profile_id: int) -> None:
    """Pass on a profile: it is not suggested again. Idempotent; NotFound for an invisible one."""
    own = visibility.require_standing(actor)
    target = visibility.require_actionable(own, profile_id)
    exists = db.session.scalar(sa.select(Pass.id).where(Pass.actor_id == own.id, Pass.target_id == target.id))
    if exists is None:
        try:
            with db.session.begin_nested():  # see `like`
                db.session.add(Pass(actor_id=own.id, target_id=target.id, created_at=utcnow()))
        except sa.exc.IntegrityError:
            pass


def my_matches(*, actor: Account) -> list[tuple[Match, Profile]]:
    """The caller's standing matches, newest first, each with the other profile; a match whose
    partner is not shown now (paused, suspended, account disabled) is left out until they are,
    since nothing unshown reaches another member (``visibility``)."""
    own = profiles.find_own(actor)
    if own is None:
        return []
    matches = db.session.scalars(sa.select(Match).where(
        sa.or_(Match.low_id == own.id, Match.high_id == own.id), Match.ended_at.is_(None))
        .order_by(Match.created_at.desc(), Match.id.desc())).all()
    others = {p.id: p for p in db.session.scalars(
        sa.select(Profile).where(Profile.id.in_([m.other(own.id) for m in matches]), visibility.shown_clause())
        .options(with_main_photo()))}
    return [(m, others[m.other(own.id)]) for m in matches if m.other(own.id) in others]


def unmatch(*, actor: Account, match_id: int) -> None:
    """End a match the caller is in: contacts are hidden again for both and the pair is never
    suggested to each other again. NotFound for anyone else's match or one already ended."""
    own = profiles.find_own(actor)
    match = db.session.get(Match, match_id)
    if own is None or match is None or own.id not in (match.low_id, match.high_id) or match.ended_at is not None:
        raise NotFound("No such match.")
    match.ended_at = utcnow()
    match.ended_by = own.id
    db.session.flush()


def block(*, actor: Account, profile_id: int) -> Block:
    """Block a profile: both vanish from each other's recommendations, search, picks, events and
    views, and a standing match between them ends. Idempotent. Forbidden without a profile of one's
    own; NotFound for an unknown profile or oneself."""
    own = profiles.find_own(actor)
    if own is None:
        raise Forbidden("Blocking needs a profile of your own.", code="no_profile")
    target = visibility.ever_shown(profile_id)
    if target is None or target.id == own.id:
        raise NotFound("No such profile.")
    existing = db.session.scalar(sa.select(Block).where(Block.actor_id == own.id, Block.target_id == target.id))
    if existing is not None:
        return existing
    blk = Block(actor_id=own.id, target_id=target.id, created_at=utcnow())
    try:
        with db.session.begin_nested():  # see `like`
            db.session.add(blk)
    except sa.exc.IntegrityError:  # the same block sent twice at once: the other one did it all
        found = db.session.scalar(sa.select(Block).where(Block.actor_id == own.id, Block.target_id == target.id))
        assert found is not None
        return found
    match = active_match(own.id, target.id)
    if match is not None:
        match.ended_at = utcnow()
        match.ended_by = own.id
    db.session.flush()
    signals.pool_changed.send(own)
    return blk


def report(*, actor: Account, profile_id: int, reason: str) -> Report:
    """Report a profile to its unit's reviewers. NotFound for an unknown profile or oneself."""
    own = profiles.find_own(actor)
    target = visibility.ever_shown(profile_id)
    if target is None or (own is not None and target.id == own.id):
        raise NotFound("No such profile.")
    rep = Report(reporter_id=own.id if own else None, profile_id=target.id, reason=reason, created_at=utcnow())
    db.session.add(rep)
    db.session.flush()
    return rep


def open_reports(*, actor: Account) -> sa.Select[Any]:
    """Open reports against profiles in the reviewer's scope, oldest first."""
    return reports(actor=actor, status=ReportStatus.open)


def reports(*, actor: Account, status: ReportStatus = ReportStatus.open) -> sa.Select[Any]:
    """Reports against profiles in the reviewer's scope: the open ones oldest first, or the
    resolved ones (the history) most recently resolved first."""
    stmt = (sa.select(Report).join(Profile, Profile.id == Report.profile_id)
            .join(Account, Account.id == Profile.account_id)
            .where(Report.status == status, visibility.scope_clause(actor, Account.org_unit_id)))
    if status is ReportStatus.resolved:
        return stmt.order_by(Report.resolved_at.desc(), Report.id.desc())
    return stmt.order_by(Report.created_at, Report.id)


def resolve_report(*, actor: Account, report_id: int, outcome: ReportOutcome = ReportOutcome.dismissed,
                   note: str | None = None) -> Report:
    """Close a report in scope with an outcome: ``dismissed`` (nothing wrong), ``warned`` (the
    member is told) or ``suspended`` (the profile is suspended, unless it is already). Audited.

    NotFound for an unknown report; Forbidden out of scope; InvalidTransition (409) for a report
    already resolved.
    """
    rep = db.session.get(Report, report_id)
    if rep is None:
        raise NotFound(_("No such report."))
    target = db.session.get(Profile, rep.profile_id)
    unit = target.account.org_unit_id if target else None
    visibility.require_in_scope(actor, unit)
    if rep.status is not ReportStatus.open:
        raise InvalidTransition(_("This report was resolved already."))
    rep.status = ReportStatus.resolved
    rep.resolved_at = utcnow()
    rep.outcome = outcome
    rep.resolution_note = note or None
    rep.resolved_by = actor.id
    detail: dict[str, Any] = {"profile_id": rep.profile_id, "outcome": outcome.value}
    if note:
        detail["note"] = note
    audit.record(actor=actor, action="report_resolved", target=f"report:{rep.id}", org_unit_id=unit,
                 detail=detail)
    db.session.flush()
    if outcome is ReportOutcome.suspended and target.status is not ProfileStatus.suspended:
        reviews.suspend(actor=actor, profile_id=target.id, reason=note or rep.reason)
    elif outcome is ReportOutcome.warned:
        signals.profile_warned.send(target, report=rep)
    return rep


def _register_decisions_exporter(name: str, model: Any) -> None:
    """Export the likes, passes or blocks (``model``) the member made: whom, and when."""

    @profiles.register_exporter(name)
    def export(*, actor: Account, profile: Profile | None) -> list[dict[str, Any]]:
        if profile is None:
            return []
        rows = db.session.scalars(sa.select(model).where(model.actor_id == profile.id).order_by(model.id))
        return [{"profile_id": r.target_id, "at": r.created_at.isoformat()} for r in rows]


for _name, _model in (("likes", Like), ("passes", Pass), ("blocks", Block)):
    _register_decisions_exporter(_name, _model)


@profiles.register_exporter("reports")
def _export_reports(*, actor: Account, profile: Profile | None) -> list[dict[str, Any]]:
    if profile is None:
        return []
    rows = db.session.scalars(sa.select(Report).where(Report.reporter_id == profile.id).order_by(Report.id))
    return [{"id": r.id, "profile_id": r.profile_id, "reason": r.reason, "status": r.status.value,
             "at": r.created_at.isoformat()} for r in rows]


@profiles.register_exporter("matches")
def _export_matches(*, actor: Account, profile: Profile | None) -> list[dict[str, Any]]:
    if profile is None:
        return []
    rows = db.session.scalars(sa.select(Match).where(
        sa.or_(Match.low_id == profile.id, Match.high_id == profile.id)).order_by(Match.id))
    return [{"id": m.id, "profile_id": m.other(profile.id), "source": m.source.value,
             "event_id": m.event_id, "created_at": m.created_at.isoformat(),
             "ended_at": m.ended_at.isoformat() if m.ended_at else None} for m in rows]
