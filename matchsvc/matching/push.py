"""The daily push: K picks a day for every approved member, with fair exposure.

Fairness: members are served in an order shuffled by the date (nobody always gets first pick);
no profile is pushed to more than ``DAILY_EXPOSURE_CAP`` members a day; newcomers (approved in the
last week) and profiles rarely pushed lately get a boost and are always among the candidates.

Scale: for each member, candidates are a random sample of the sought partition plus the newcomers
and the least-seen, filtered by the hard filters both ways and the member's likes, passes and
blocks, then scored by the reciprocal model; the picks of a chunk of members are written in bulk.
Idempotent per date: members who already have picks for the date are skipped, and the inbox
notification carries a dedup key, so running it twice sends nothing twice.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import date, timedelta
from typing import Any, Iterable

import numpy as np
import sqlalchemy as sa
from flask import current_app
from tqdm import tqdm

from matchsvc.accounts.models import Account
from matchsvc.core.clock import today, utcnow
from matchsvc.core.i18n import lang
from matchsvc.extensions import db
from matchsvc.interactions import service as interactions
from matchsvc.interactions.models import Block, Like, Match, Pass
from matchsvc.matching import index as pool_index
from matchsvc.matching import model
from matchsvc.matching.models import DailyPick
from matchsvc.matching.reasons import explain
from matchsvc.matching.service import Suggestion, _load_visible, can_see
from matchsvc.notifications import service as notifications
from matchsvc.profiles.models import Profile
from matchsvc.profiles.service import PublicView

log = logging.getLogger(__name__)

SAMPLE = 1500
NEWCOMER_DAYS = 7
RECENT_DAYS = 14
CHUNK = 2000


def _pairs(stmt: Any) -> dict[int, set[int]]:
    out: dict[int, set[int]] = defaultdict(set)
    for a, b in db.session.execute(stmt):
        out[a].add(b)
    return out


def _exclusions() -> dict[int, set[int]]:
    """Everyone each member must not be pushed: liked, passed, blocked either way, ended matches."""
    out = _pairs(sa.select(Like.actor_id, Like.target_id))
    for source in (_pairs(sa.select(Pass.actor_id, Pass.target_id)),):
        for k, v in source.items():
            out[k] |= v
    for a, b in db.session.execute(sa.select(Block.actor_id, Block.target_id)):
        out[a].add(b)
        out[b].add(a)
    for a, b in db.session.execute(sa.select(Match.low_id, Match.high_id).where(Match.ended_at.is_not(None))):
        out[a].add(b)
        out[b].add(a)
    return out


def push_daily(*, on: date | None = None, progress: bool = False, seed: int = 0) -> dict[str, int]:
    """Write the picks of ``on`` (default today) for every approved member and notify them."""
    on = on or today()
    k = int(current_app.config["DAILY_PICKS"])
    cap = int(current_app.config["DAILY_EXPOSURE_CAP"])
    idx = pool_index.get()
    alive = np.flatnonzero(idx.alive)
    done = set(db.session.scalars(sa.select(DailyPick.viewer_id).where(DailyPick.push_date == on).distinct()))
    exposure = np.zeros(len(idx.pool), dtype=np.int32)
    for target, n in db.session.execute(sa.select(DailyPick.target_id, sa.func.count()).where(
            DailyPick.push_date == on).group_by(DailyPick.target_id)):
        pos = idx.position(target)
        if pos is not None:
            exposure[pos] = n
    recent = np.zeros(len(idx.pool), dtype=np.float64)
    for target, n in db.session.execute(sa.select(DailyPick.target_id, sa.func.count()).where(
            DailyPick.push_date >= on - timedelta(days=RECENT_DAYS), DailyPick.push_date < on)
            .group_by(DailyPick.target_id)):
        pos = idx.position(target)
        if pos is not None:
            recent[pos] = n
    newcomer_since = (utcnow() - timedelta(days=NEWCOMER_DAYS)).timestamp()
    is_new = idx.approved_ts >= newcomer_since
    boost = 1.0 + 0.3 * is_new + 0.3 / (1.0 + recent)
    exclusions = _exclusions()
    accounts = dict(db.session.execute(sa.select(Profile.id, Profile.account_id).where(Profile.is_matchable)).all())
    rng = np.random.default_rng([seed, on.toordinal()])
    order = alive[rng.permutation(alive.size)]
    partitions = {g: idx.pool.partition(g) for g in (0, 1, 2)}
    partitions = {g: p[idx.alive[p]] for g, p in partitions.items()}
    specials = {g: p[(is_new[p]) | (recent[p] == 0)] for g, p in partitions.items()}

    stats = {"members": 0, "skipped": 0, "picks": 0, "notified": 0}
    picks: list[dict[str, Any]] = []
    notes: list[tuple[int, int, list[int]]] = []
    bar = tqdm(order, desc=f"push {on.isoformat()}", unit="member", disable=not progress, mininterval=0.5)
    for pos in bar:
        viewer_id = int(idx.pool.ids[pos])
        if viewer_id in done or viewer_id not in accounts:
            stats["skipped"] += 1
            continue
        cand = _sample(rng, partitions[int(idx.pool.seek_gender[pos])], specials[int(idx.pool.seek_gender[pos])])
        cand = cand[model.hard_filter_mask(int(pos), idx.pool, cand)]
        excluded = exclusions.get(viewer_id, set())
        if excluded or cand.size:
            cand = cand[model.exclude_mask(int(pos), idx.pool, cand, excluded)]
        cand = cand[exposure[cand] < cap]
        if cand.size == 0:
            stats["members"] += 1
            continue
        scores = model.score_candidates(int(pos), cand, idx.X, idx.pool, idx.signals)
        adjusted = scores * boost[cand]
        top = np.argsort(-adjusted, kind="stable")[:k]
        chosen: list[int] = []
        for rank, t in enumerate(top, start=1):
            target = int(cand[t])
            exposure[target] += 1
            target_id = int(idx.pool.ids[target])
            chosen.append(target_id)
            picks.append({"push_date": on, "viewer_id": viewer_id, "target_id": target_id, "rank": rank,
                          "score": round(float(scores[t]), 4), "reasons": [], "created_at": utcnow()})
        notes.append((accounts[viewer_id], viewer_id, chosen))
        stats["members"] += 1
        stats["picks"] += len(chosen)
        if len(notes) >= CHUNK:
            stats["notified"] += _flush(on, picks, notes)
            picks, notes = [], []
    stats["notified"] += _flush(on, picks, notes)
    bar.close()
    _suggest_events(on, accounts, progress=progress)
    return stats


def _sample(rng: np.random.Generator, partition: np.ndarray, special: np.ndarray) -> np.ndarray:
    if partition.size <= SAMPLE:
        return partition
    sample = partition[rng.integers(0, partition.size, SAMPLE)]
    if special.size:
        extra = special if special.size <= SAMPLE // 3 else special[rng.integers(0, special.size, SAMPLE // 3)]
        sample = np.concatenate([sample, extra])
    return np.unique(sample)


def _flush(on: date, picks: list[dict[str, Any]], notes: Iterable[tuple[int, int, list[int]]]) -> int:
    if picks:
        db.session.execute(sa.insert(DailyPick), picks)
    sent = notifications.notify_many(
        kind="daily_picks", dedup_key=f"daily:{on.isoformat()}",
        items=[(account_id, {"date": on.isoformat(), "count": len(chosen), "profile_ids": chosen})
               for account_id, _viewer, chosen in notes])
    db.session.commit()
    return sent


def _suggest_events(on: date, accounts: dict[int, int], *, progress: bool) -> None:
    """Event suggestions ride along with the daily push when the events domain offers them."""
    try:
        from matchsvc.events import service as events
    except ImportError:  # pragma: no cover - the events domain is part of the package
        return
    suggest = getattr(events, "push_suggestions", None)
    if suggest is not None:
        suggest(on=on, progress=progress)
        db.session.commit()


def latest_picks(*, actor: Account, limit: int = 20) -> dict[str, Any]:
    """The caller's latest daily picks dated today or earlier, still visible now (approved, not
    blocked, hard filters both ways), best first."""
    own = interactions.require_approved(actor)
    latest = db.session.scalar(sa.select(sa.func.max(DailyPick.push_date)).where(
        DailyPick.viewer_id == own.id, DailyPick.push_date <= today()))
    if latest is None:
        return {"items": [], "date": None}
    rows = db.session.scalars(sa.select(DailyPick).where(DailyPick.viewer_id == own.id, DailyPick.push_date == latest)
                              .order_by(DailyPick.rank)).all()
    ids = [r.target_id for r in rows]
    visible = _load_visible(ids)
    allowed = can_see(own.id, ids)
    idx = pool_index.get()
    me = idx.position(own.id)
    language = lang()
    items = []
    for r in rows:
        pos = idx.position(r.target_id)
        if r.target_id not in visible or not allowed.get(r.target_id) or pos is None or me is None:
            continue
        items.append(Suggestion(PublicView(visible[r.target_id]), r.score, explain(idx.rows[me], idx.rows[pos], language)))
    return {"items": items[:limit], "date": latest}
