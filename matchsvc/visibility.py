"""Who may see whom: the one home of the rule the brand lives on.

Nothing unapproved, unconsented, paused, suspended, withdrawn (erased) or blocked is ever shown to
another member. Every edge, list, index and job asks this module rather than spelling the rule
again; each question has a Python form (one object in hand) and, where lists need it, a SQL form.

Profiles in the pool
    :func:`is_shown` / :func:`shown_clause` / :func:`is_shown_row`: approved, consented, and the
    account not disabled. Every caller asks these; the rule itself is the model's hybrid
    ``Profile.is_matchable`` (Python and SQL) and, for plain rows, :func:`is_shown_row` over
    :data:`SHOWN_COLUMNS`. A further rule that takes a profile out of every view is added there
    (the hybrid, and the row form beside it here) and nowhere else: the matching index renders
    :func:`shown_clause` into its load, and the recommendation post-check reads rows.

The caller's own standing
    :func:`standing_profile`, :func:`require_standing`, :func:`require_standing_id`: members
    take part only with a shown profile of their own; "needs an approved profile" is raised here
    and only here, with one message.

Member and member
    :func:`may_see` (a profile page), :func:`may_act_on` (like, pass), :func:`visible_ids` /
    :func:`visible_clause` ("which of these may the viewer see"); blocks count both ways
    (:func:`is_blocked`, :func:`blocked_ids`, :func:`blocked_pairs_clause`). The contact shows
    only to oneself and a standing match (:func:`may_see_contact`). Blocking and reporting reach
    any profile that was ever shown (:func:`ever_shown`), because a member may have seen it.

Reviewers
    see shown profiles of their own unit and every unit below it (:func:`in_scope`,
    :func:`require_in_scope`, :func:`scope_clause`).

Organizers of an event
    run it when they created it or its every unit lies in their scope (:func:`manages_event`,
    :func:`managed_events_clause`); they see the shown members its units admit
    (:func:`organizer_may_see`).

This module imports models and the org tree only, so any domain can use it without a cycle.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa

from matchsvc.accounts.models import Account, Role
from matchsvc.errors import Forbidden, NotFound
from matchsvc.extensions import db
from matchsvc.interactions.models import Block, Match
from matchsvc.orgs import service as orgs
from matchsvc.profiles.models import Profile, ProfileStatus

# -- profiles in the pool ------------------------------------------------------------------------


def is_shown(profile: Profile | None) -> bool:
    """True if ``profile`` stands in the pool others may see: approved, consented, and its
    account not disabled (``Profile.is_matchable``, the model's hybrid of the same rule)."""
    return profile is not None and bool(profile.is_matchable)


def shown_clause() -> sa.ColumnElement[bool]:
    """SQL on ``Profile``: :func:`is_shown`."""
    return Profile.is_matchable


_PROFILES = Profile.__table__
_ACCOUNTS = Account.__table__
#: The columns :func:`is_shown_row` reads, selected from :data:`SHOWN_FROM` (profiles joined to
#: their accounts by primary key): a hot path that loads plain rows by id checks them in Python,
#: since a condition on status in SQL tempts SQLite into scanning the status index of the whole
#: pool instead of looking the ids up.
SHOWN_FROM = _PROFILES.join(_ACCOUNTS, _ACCOUNTS.c.id == _PROFILES.c.account_id)
SHOWN_COLUMNS = (_PROFILES.c.status, _PROFILES.c.consent_version, _ACCOUNTS.c.disabled_at)


def is_shown_row(row: Any) -> bool:
    """:func:`is_shown` on a plain row that holds :data:`SHOWN_COLUMNS`."""
    return row.status == ProfileStatus.approved and row.consent_version is not None and row.disabled_at is None


def ever_shown(profile_id: int) -> Profile | None:
    """The profile if it was ever approved, so that a member may have seen it (it may be paused,
    suspended or back in review since, and can still be blocked or reported); None for one that
    never was (a draft, a first application): its existence must not leak."""
    target = db.session.get(Profile, profile_id)
    return target if target is not None and target.approved_at is not None else None


# -- the caller's own standing --------------------------------------------------------------------


def standing_profile(actor: Account) -> Profile | None:
    """The caller's own profile if it is shown, else None."""
    own = db.session.scalar(sa.select(Profile).where(Profile.account_id == actor.id))
    return own if is_shown(own) else None


def _not_standing() -> Forbidden:
    return Forbidden("This needs an approved profile of your own.", code="profile_not_approved")


def require_standing(actor: Account) -> Profile:
    """The caller's shown profile; Forbidden (403, ``profile_not_approved``) otherwise: only the
    pool takes part in matching, search, likes and events."""
    own = standing_profile(actor)
    if own is None:
        raise _not_standing()
    return own


_STANDING_ID: sa.Select[Any] | None = None


def require_standing_id(actor: Account) -> int:
    """:func:`require_standing`, giving only the profile's id: one plain value on the session's
    connection, for the per-request read paths (recommendations, daily picks, search)."""
    global _STANDING_ID
    if _STANDING_ID is None:  # built once: building it cost more than running it
        _STANDING_ID = sa.select(Profile.id).where(Profile.account_id == sa.bindparam("a"), shown_clause())
    own_id = db.session.connection().execute(_STANDING_ID, {"a": actor.id}).scalar()
    if own_id is None:
        raise _not_standing()
    return int(own_id)


# -- blocks, both ways ----------------------------------------------------------------------------


def is_blocked(a: int, b: int) -> bool:
    """True if either profile blocked the other."""
    return db.session.scalar(sa.select(Block.id).where(
        sa.or_(sa.and_(Block.actor_id == a, Block.target_id == b),
               sa.and_(Block.actor_id == b, Block.target_id == a))).limit(1)) is not None


def blocked_ids(profile_id: int) -> set[int]:
    """Everyone this profile blocked or was blocked by."""
    rows = db.session.execute(sa.select(Block.actor_id, Block.target_id).where(
        sa.or_(Block.actor_id == profile_id, Block.target_id == profile_id))).all()
    return {b if a == profile_id else a for a, b in rows}


def blocked_pairs(ids: Iterable[int] | None) -> list[tuple[int, int]]:
    """The blocks among ``ids`` (None: all of them), as (blocker, blocked) pairs: a block keeps
    both apart."""
    stmt = sa.select(Block.actor_id, Block.target_id)
    if ids is not None:
        wanted = list(ids)
        stmt = stmt.where(Block.actor_id.in_(wanted), Block.target_id.in_(wanted))
    return [(a, b) for a, b in db.session.execute(stmt)]


def blocked_pairs_clause(viewer: Any, column: Any) -> sa.ColumnElement[bool]:
    """SQL: a block stands between ``viewer`` (an id or a bound parameter) and ``column``."""
    return sa.exists().where(sa.or_(sa.and_(Block.actor_id == viewer, Block.target_id == column),
                                    sa.and_(Block.actor_id == column, Block.target_id == viewer)))


def blocked_either_way(viewer: Any) -> list[sa.Select[Any]]:
    """SELECTs of the ids blocked by or blocking ``viewer`` (an id or a bound parameter), to union
    with other exclusions in one statement."""
    return [sa.select(Block.target_id).where(Block.actor_id == viewer),
            sa.select(Block.actor_id).where(Block.target_id == viewer)]


# -- member and member ----------------------------------------------------------------------------


def may_see(viewer: Profile, target: Profile | None) -> bool:
    """May the member whose shown profile is ``viewer`` see ``target``? Oneself, or a shown
    profile with no block either way."""
    if target is None or not is_shown(target):
        return False
    return target.id == viewer.id or not is_blocked(viewer.id, target.id)


def may_act_on(viewer: Profile, target: Profile | None) -> bool:
    """May ``viewer`` like or pass ``target``? One they may see, other than themselves."""
    return target is not None and target.id != viewer.id and may_see(viewer, target)


def require_actionable(viewer: Profile, profile_id: int) -> Profile:
    """The profile ``viewer`` may act on (:func:`may_act_on`); NotFound otherwise (its existence
    does not leak)."""
    target = db.session.get(Profile, profile_id)
    if not may_act_on(viewer, target):
        raise NotFound("No such profile.")
    assert target is not None
    return target


def may_see_contact(viewer_id: int, target_id: int) -> bool:
    """The contact shows to its owner and to a standing match, never to anyone else."""
    if viewer_id == target_id:
        return True
    low, high = min(viewer_id, target_id), max(viewer_id, target_id)
    return db.session.scalar(sa.select(Match.id).where(Match.low_id == low, Match.high_id == high,
                                                       Match.ended_at.is_(None))) is not None


def visible_clause(viewer_id: Any) -> sa.ColumnElement[bool]:
    """SQL on ``Profile``: shown, not the viewer, no block either way (``viewer_id``: an id or a
    bound parameter)."""
    return sa.and_(shown_clause(), Profile.id != viewer_id, ~blocked_pairs_clause(viewer_id, Profile.id))


def visible_ids(viewer_id: int, ids: Iterable[int]) -> set[int]:
    """Which of ``ids`` the member ``viewer_id`` may see now (:func:`visible_clause`)."""
    wanted = list(dict.fromkeys(ids))
    if not wanted:
        return set()
    return set(db.session.scalars(sa.select(Profile.id).where(Profile.id.in_(wanted), visible_clause(viewer_id))))


# -- reviewers --------------------------------------------------------------------------------------


def in_scope(actor: Account, unit_id: int | None) -> bool:
    """True if ``unit_id`` lies in the subtree of the actor's unit (a reviewer's or organizer's reach)."""
    return orgs.in_scope(actor.org_unit_id, unit_id)


def require_in_scope(actor: Account, unit_id: int | None) -> None:
    """Forbidden (403, ``out_of_scope``) unless ``unit_id`` lies in the actor's subtree."""
    if not in_scope(actor, unit_id):
        raise Forbidden("This profile belongs to a unit outside your scope.", code="out_of_scope")


def scope_clause(actor: Account, column: sa.ColumnElement[int]) -> sa.ColumnElement[bool]:
    """SQL: the org unit in ``column`` lies in the actor's subtree."""
    return orgs.subtree_clause(actor.org_unit_id, column)


# -- who sees a profile page ------------------------------------------------------------------------


def viewable_profile(actor: Account, profile_id: int) -> tuple[Profile, bool]:
    """The profile ``actor`` may open, and whether its contact shows.

    A member with a shown profile sees shown profiles with no block either way (the contact only
    for a standing match or their own); a reviewer sees shown profiles in their scope (Forbidden,
    ``out_of_scope``, outside it); anyone else is Forbidden (``profile_not_approved``). A profile
    the caller may not see is NotFound: its existence does not leak.
    """
    own = standing_profile(actor)
    target = db.session.get(Profile, profile_id)
    if own is not None:
        if not may_see(own, target):
            raise NotFound("No such profile.")
        assert target is not None
        return target, may_see_contact(own.id, target.id)
    if actor.has_role(Role.reviewer):
        if target is None or not is_shown(target):
            raise NotFound("No such profile.")
        require_in_scope(actor, target.account.org_unit_id)
        return target, False
    raise _not_standing()


# -- organizers of an event -------------------------------------------------------------------------


def manages_event(actor: Account, event: Any) -> bool:
    """Organizers run an event they created, or one whose every unit lies in their scope."""
    if not actor.has_role(Role.organizer):
        return False
    return event.created_by == actor.id or all(in_scope(actor, u) for u in event.org_unit_ids)


def managed_events_clause(actor: Account) -> sa.ColumnElement[bool]:
    """SQL on ``Event``: the events ``actor`` runs (:func:`manages_event` without the role check)."""
    from matchsvc.events.models import Event, EventUnit

    outside = sa.exists().where(EventUnit.event_id == Event.id, sa.not_(scope_clause(actor, EventUnit.org_unit_id)))
    return sa.or_(Event.created_by == actor.id, sa.not_(outside))


def event_admits_clause(event: Any, column: sa.ColumnElement[int]) -> sa.ColumnElement[bool]:
    """SQL: the org unit in ``column`` may join ``event`` (lies below one of its units)."""
    return sa.or_(*(orgs.subtree_clause(uid, column) for uid in event.org_unit_ids))


def organizer_may_see(actor: Account, event: Any, profile: Profile | None) -> bool:
    """May ``actor``, as an organizer of ``event``, see ``profile`` (to invite, group, check in)?
    They run the event, and the profile is shown and of a unit the event admits."""
    if profile is None or not is_shown(profile) or not manages_event(actor, event):
        return False
    unit = profile.account.org_unit_id
    return any(orgs.in_scope(uid, unit) for uid in event.org_unit_ids)
