"""Matched groups: N eligible members, gender-balanced, who fit the event and each other.

The group score of a set G of members is

    S(G) = w · mean_{i ∈ G} fit_i  +  (1 − w) · mean_{i ∈ G♂, j ∈ G♀} compat_ij

where ``fit`` is the member's fit to the event (``event_scores``) and ``compat`` the pairwise
reciprocal compatibility (``pair_compatibility``): the group should suit the event, and the men
and women in it should suit each other. Two people who blocked each other are never in one group.

How a group is chosen (:func:`select_group`):

1. **Pool.** Every eligible member (approved, of age, in the event's units, of a gender with seats,
   not signed up, never invited to it) gets a cheap proxy of their fit (the weight of the event's
   tags among their interests, and how many of the tags their intro mentions); the best
   ``max(POOL_PER_GENDER, 3 × seats)`` of each gender by proxy are then scored exactly
   (``event_scores``, one call per member) and form the pool, so the exact scoring stays bounded
   and the pairwise matrix small.
2. **Greedy.** Seats are split between the genders in proportion to the quota (half each without
   one). Starting from the members already fixed (the group a back-fill completes), or else from
   the best fit, the gender furthest from its share gets the next seat, and it goes to the
   candidate with the largest gain w·fit + (1 − w)·mean compat with the other gender already in.
3. **Local swaps.** Then, while some swap of a member for an outsider of the same gender raises
   S(G) (computed exactly and for all pairs at once), the best such swap is made, up to
   ``MAX_SWAPS`` times. The greedy start avoids the worst local optima; the swaps repair what an
   early greedy choice got wrong once the rest of the group was known.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Sequence

import numpy as np
import sqlalchemy as sa

from matchsvc import visibility
from matchsvc.accounts.models import Account
from matchsvc.core.i18n import _
from matchsvc.events.models import Event, Invitation, InvitationStatus, Signup, SignupStatus
from matchsvc.events.service.common import ACTIVE, GENDERS, Seats, birth_date_bounds
from matchsvc.extensions import db
from matchsvc.matching import service as matching
from matchsvc.matching.reasons import tag_list
from matchsvc.profiles.models import Gender, Profile

#: weight of the event fit against the mutual compatibility in the group score
FIT_WEIGHT = 0.5
POOL_PER_GENDER = 80
MAX_SWAPS = 200


# -- the algorithm, on plain arrays -----------------------------------------------------------

def group_score(members: Sequence[int], fit: np.ndarray, compat: np.ndarray, male: np.ndarray,
                w: float = FIT_WEIGHT) -> float:
    """S(G) for the member indices ``members``."""
    idx = np.asarray(members, dtype=int)
    if idx.size == 0:
        return 0.0
    men, women = idx[male[idx]], idx[~male[idx]]
    cross = compat[np.ix_(men, women)].mean() if men.size and women.size else 0.0
    return float(w * fit[idx].mean() + (1 - w) * cross)


def member_scores(members: Sequence[int], fit: np.ndarray, compat: np.ndarray, male: np.ndarray,
                  w: float = FIT_WEIGHT) -> np.ndarray:
    """Each member's share: w·fit + (1 − w)·mean compat with the other gender in the group."""
    idx = np.asarray(members, dtype=int)
    out = np.empty(idx.size)
    for k, i in enumerate(idx):
        others = idx[male[idx] != male[i]]
        out[k] = w * fit[i] + (1 - w) * (compat[i, others].mean() if others.size else 0.0)
    return out


def select_group(fit: np.ndarray, compat: np.ndarray, male: np.ndarray, blocked: np.ndarray,
                 need: dict[bool, int], fixed: Sequence[int] = (), w: float = FIT_WEIGHT,
                 max_swaps: int = MAX_SWAPS) -> list[int]:
    """Indices of the members to add to ``fixed``: ``need[True]`` men and ``need[False]`` women
    (fewer if the pool runs out), chosen greedily and improved by swaps (see the module doc)."""
    group = list(fixed)
    chosen: list[int] = []
    taken = np.zeros(fit.size, dtype=bool)
    taken[group] = True
    left = dict(need)
    target = {g: need[g] + int(np.sum(male[group] == g)) for g in (True, False)}
    while any(left.values()):
        open_genders = [g for g in (True, False) if left[g] > 0]
        gender = max(open_genders, key=lambda g: (left[g] / max(target[g], 1), g))
        pick = _best_addition(group, gender, fit, compat, male, blocked, taken, w)
        if pick is None:
            left[gender] = 0
            continue
        group.append(pick)
        chosen.append(pick)
        taken[pick] = True
        left[gender] -= 1
    return _improve(chosen, list(fixed), fit, compat, male, blocked, w, max_swaps)


def _best_addition(group: list[int], gender: bool, fit: np.ndarray, compat: np.ndarray, male: np.ndarray,
                   blocked: np.ndarray, taken: np.ndarray, w: float) -> int | None:
    cands = np.flatnonzero((male == gender) & ~taken)
    if group:
        cands = cands[~blocked[np.ix_(cands, group)].any(axis=1)]
    if cands.size == 0:
        return None
    others = np.asarray([i for i in group if male[i] != gender], dtype=int)
    gain = w * fit[cands]
    if others.size:
        gain = gain + (1 - w) * compat[np.ix_(cands, others)].mean(axis=1)
    return int(cands[np.argmax(gain)])


def _improve(chosen: list[int], fixed: list[int], fit: np.ndarray, compat: np.ndarray, male: np.ndarray,
             blocked: np.ndarray, w: float, max_swaps: int) -> list[int]:
    """Best-improvement swaps of a chosen member for an outsider of the same gender."""
    chosen = list(chosen)
    for _ in range(max_swaps):
        group = np.asarray(fixed + chosen, dtype=int)
        n_men, n_women = int(male[group].sum()), int((~male[group]).sum())
        pairs = max(n_men * n_women, 1)
        outside = np.ones(fit.size, dtype=bool)
        outside[group] = False
        best = (1e-12, -1, -1)
        for k, m in enumerate(chosen):
            cands = np.flatnonzero(outside & (male == male[m]))
            rest = group[group != m]
            if cands.size == 0:
                continue
            if rest.size:
                cands = cands[~blocked[np.ix_(cands, rest)].any(axis=1)]
            if cands.size == 0:
                continue
            others = group[male[group] != male[m]]
            delta = w * (fit[cands] - fit[m]) / group.size
            if others.size:
                delta = delta + (1 - w) * (compat[np.ix_(cands, others)].sum(axis=1)
                                           - compat[m, others].sum()) / pairs
            j = int(np.argmax(delta))
            if delta[j] > best[0]:
                best = (float(delta[j]), k, int(cands[j]))
        if best[1] < 0:
            break
        chosen[best[1]] = best[2]
    return chosen


def split_seats(size: int, free: Seats) -> dict[Gender, int]:
    """Seats of a group of ``size`` per gender: in proportion to the quota (half each without
    one), within the seats left for each gender and in all."""
    event = free.event
    size = min(size, free.total_left())
    weights = {g: (event.quota_for(g) if event.quota_for(g) is not None else event.capacity) for g in GENDERS}
    if not sum(weights.values()):
        return {g: 0 for g in GENDERS}
    men = round(size * weights[Gender.male] / sum(weights.values()))
    want = {Gender.male: min(men, free.left(Gender.male))}
    want[Gender.female] = min(size - men, free.left(Gender.female))
    return want


# -- the pool and the proposal, from the database ---------------------------------------------

@dataclass
class Member:
    profile: Profile
    #: w·fit + (1 − w)·mean compatibility with the other gender in the group
    score: float
    #: why this member was chosen: their fit to the event, and their fit with the others
    reasons: list[str] = field(default_factory=list)


@dataclass
class Proposal:
    members: list[Member]
    #: S(G) of the whole group (with the members it completes, for a back-fill)
    score: float


def _eligible(event: Event, genders: Sequence[Gender], *columns: Any) -> sa.Select[Any]:
    """Members who may be invited to ``event``: approved, in scope, of age, of a gender in
    ``genders``, not signed up and never invited to it."""
    earliest, latest = birth_date_bounds(event)
    stmt = (sa.select(*columns).select_from(Profile).join(Account, Account.id == Profile.account_id)
            .where(visibility.shown_clause(), Profile.gender.in_(list(genders)),
                   visibility.event_admits_clause(event, Account.org_unit_id),
                   ~Profile.id.in_(sa.select(Signup.profile_id).where(Signup.event_id == event.id,
                                                                      Signup.status.in_(ACTIVE),
                                                                      Signup.profile_id.is_not(None))),
                   ~Profile.id.in_(sa.select(Invitation.profile_id).where(Invitation.event_id == event.id,
                                                                          Invitation.profile_id.is_not(None))))
            .order_by(Profile.id))
    if latest is not None:
        stmt = stmt.where(Profile.birth_date <= latest)
    if earliest is not None:
        stmt = stmt.where(Profile.birth_date > earliest)
    return stmt


def candidates(event: Event, genders: Sequence[Gender]) -> list[Profile]:
    """Every member who may be invited to ``event`` (see :func:`_eligible`)."""
    return list(db.session.scalars(_eligible(event, genders, Profile)))


def proxy_fit(event: Event, people: Sequence[Any]) -> np.ndarray:
    """A cheap stand-in for the event fit, only to pre-cut a large pool (see the module doc):
    the weight (1..5) of each event tag among the member's interests, plus half a point for each
    event tag their intro mentions, over five points per tag."""
    tags = [str(t).casefold() for t in event.tags or []]
    out = np.zeros(len(people))
    for k, p in enumerate(people):
        weights = {str(i.get("tag", "")).casefold(): i.get("weight", 3) for i in p.interests or []
                   if isinstance(i, dict)}
        intro = (p.intro or "").casefold()
        out[k] = sum(weights.get(t, 0) + 0.5 * (t in intro) for t in tags) / (5.0 * max(len(tags), 1))
    return out


def _fit(event: Event, people: Sequence[Profile]) -> tuple[np.ndarray, list[list[str]]]:
    """Each member's fit to the event (the event recommendations' score), and why, worded for
    the organizer who reads it: the member's own event suggestions say "you like …"."""
    scores = [matching.event_scores(profile=p, events=[event], with_reasons=False)[0][0] for p in people]
    return np.asarray(scores, dtype=float), [[_fit_reason(event, p)] for p in people]


def _fit_reason(event: Event, person: Profile) -> str:
    theirs = {str(i.get("tag") if isinstance(i, dict) else i).casefold() for i in person.interests or []}
    shared = [str(t) for t in event.tags or [] if str(t).casefold() in theirs]
    if shared:
        return _("Likes %(tags)s", tags=tag_list(shared[:3]))
    return _("What they wrote about themselves is close to the event")


def group_reason(i: int, group: Sequence[int], compat: np.ndarray, male: np.ndarray,
                 people: Sequence[Profile]) -> str:
    """Why member ``i`` fits the others of ``group``: their mean compatibility with the other
    gender there, and the one they suit best."""
    others = [j for j in group if male[j] != male[i]]
    if not others or float(compat[i, others].max()) <= 0.0:
        return _("Chosen for the event more than for the others in the group.")
    best = max(others, key=lambda j: (compat[i, j], -people[j].id))
    return _("Suits the others: %(percent)d%% on average with the %(count)d of the other gender, "
             "best with %(name)s.", percent=round(100 * float(compat[i, others].mean())), count=len(others),
             name=people[best].display_name or "")


def _pool(event: Event, need: dict[Gender, int]) -> list[Profile]:
    """The most promising candidates of each gender with seats to fill, by the proxy fit."""
    genders = [g for g in GENDERS if need.get(g, 0) > 0]
    if not genders:
        return []
    found = db.session.execute(_eligible(event, genders, Profile.id, Profile.gender, Profile.interests,
                                         Profile.intro)).all()
    proxy = proxy_fit(event, found)
    ids: list[int] = []
    for gender in genders:
        idx = sorted((i for i, p in enumerate(found) if p.gender is gender), key=lambda i: (-proxy[i], found[i].id))
        ids.extend(found[i].id for i in idx[:max(POOL_PER_GENDER, 3 * need[gender])])
    rows = {p.id: p for p in db.session.scalars(sa.select(Profile).where(Profile.id.in_(ids)))}
    return [rows[i] for i in ids]


def propose(event: Event, need: dict[Gender, int], *, fixed: Sequence[Profile] = ()) -> Proposal:
    """The best group of ``need`` more members for ``event`` next to ``fixed`` (see the module doc)."""
    pool = _pool(event, need)
    if not pool:
        return Proposal([], 0.0)
    people = list(fixed) + pool
    fit, fit_reasons = _fit(event, people)
    ids = [p.id for p in people]
    compat = np.asarray(matching.pair_compatibility(profile_ids=ids), dtype=float)
    male = np.asarray([p.gender is Gender.male for p in people])
    blocked = _blocked(ids)
    anchors = list(range(len(fixed)))
    chosen = select_group(fit, compat, male, blocked, {True: need.get(Gender.male, 0),
                                                       False: need.get(Gender.female, 0)}, anchors)
    group = anchors + chosen
    share = dict(zip(group, member_scores(group, fit, compat, male)))
    chosen.sort(key=lambda i: (-share[i], people[i].id))
    return Proposal([Member(people[i], round(float(share[i]), 4),
                            fit_reasons[i] + [group_reason(i, group, compat, male, people)]) for i in chosen],
                    round(group_score(group, fit, compat, male), 4))


def _blocked(ids: list[int]) -> np.ndarray:
    index = {pid: i for i, pid in enumerate(ids)}
    out = np.zeros((len(ids), len(ids)), dtype=bool)
    for a, b in visibility.blocked_pairs(ids):
        out[index[a], index[b]] = out[index[b], index[a]] = True
    return out


def group_now(event: Event, *, now: datetime) -> list[Profile]:
    """The people already in the event's group: confirmed and holding a live invitation."""
    confirmed = sa.select(Signup.profile_id).where(Signup.event_id == event.id,
                                                   Signup.status == SignupStatus.confirmed)
    invited = sa.select(Invitation.profile_id).where(Invitation.event_id == event.id,
                                                     Invitation.status == InvitationStatus.pending,
                                                     Invitation.expires_at > now)
    return list(db.session.scalars(sa.select(Profile).where(sa.or_(Profile.id.in_(confirmed),
                                                                   Profile.id.in_(invited)))
                                   .order_by(Profile.id)))
