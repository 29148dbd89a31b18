"""The daily push: K picks a day for every approved member, with fair exposure.

Fairness: members are served in an order shuffled by the date (nobody always gets first pick);
no profile is pushed to more than ``DAILY_EXPOSURE_CAP`` members a day; newcomers (approved in the
last week) and profiles rarely pushed lately get a boost and are always among the candidates.

Scale: members are taken in blocks of those seeking the same gender; each block shares a random
sample of the sought partition plus the newcomers and the least-seen, filtered by the hard
filters both ways and each member's likes, passes and blocks, and scored by the reciprocal model
as matrix products; the picks of a chunk of members are written in bulk.
Idempotent and deterministic per date: the whole day's plan is a function of the date and the pool
(the order, every candidate sample and every share of the exposure cap are seeded by the date and
the position in the plan, never by what an earlier run happened to write); a run writes the plan's
picks of the members who have none yet, so a run killed halfway and run again ends with exactly
the picks of an uninterrupted run. The inbox notification carries a dedup key, so running it twice
sends nothing twice. Forked helpers die with their parent (a parent-death signal), so a killed
push leaves no process behind holding memory or database connections.
"""

from __future__ import annotations

import ctypes
import logging
import multiprocessing as mp
import os
import queue
import signal
import traceback
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import numpy as np
import sqlalchemy as sa
from flask import current_app
from tqdm import tqdm

from matchsvc import visibility
from matchsvc.accounts.models import Account
from matchsvc.core.clock import today, utcnow
from matchsvc.extensions import db
from matchsvc.interactions.models import Like, Match, Pass
from matchsvc.matching import index as pool_index
from matchsvc.matching import fast, model
from matchsvc.matching.models import DailyPick
from matchsvc.matching.reasons import explain
from matchsvc.matching.service import Suggestion, can_see, own_profile_id
from matchsvc.notifications import service as notifications
from matchsvc.profiles.models import Profile

log = logging.getLogger(__name__)

#: candidates sampled per block of members (plus up to a third more newcomers and rarely seen)
SAMPLE = 1500
#: members scored together against one candidate sample
BLOCK = 256
NEWCOMER_DAYS = 7
RECENT_DAYS = 14
#: With a large pool the plan is cut into this many stripes of chunks (chunk i belongs to stripe
#: i % STRIPES), each with its own share of the exposure cap, computed in forked helpers. A
#: constant, not the number of cores: the picks must not depend on the machine that runs the push.
STRIPES = 4


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
    for a, b in visibility.blocked_pairs(None):
        out[a].add(b)
        out[b].add(a)
    for a, b in db.session.execute(sa.select(Match.low_id, Match.high_id).where(Match.ended_at.is_not(None))):
        out[a].add(b)
        out[b].add(a)
    return out


def push_daily(*, on: date | None = None, progress: bool = False, seed: int = 0) -> dict[str, int]:
    """Write the picks of ``on`` (default today) for every approved member who has none for that
    date yet, and notify them. Returns counts: ``members`` written now, ``skipped`` (they had picks
    already), ``picks``, ``notified``, ``purged``."""
    on = on or today()
    k = int(current_app.config["DAILY_PICKS"])
    cap = int(current_app.config["DAILY_EXPOSURE_CAP"])
    chunk = max(1, int(current_app.config["PUSH_CHUNK"]))
    parallel_from = int(current_app.config["PUSH_PARALLEL_FROM"])
    idx = pool_index.get()
    alive = np.flatnonzero(idx.alive)
    done = set(db.session.scalars(sa.select(DailyPick.viewer_id).where(DailyPick.push_date == on).distinct()))
    # what is already written for the date: the plan's own counts when an earlier run was cut
    # short on the same pool; the cap is checked against it again when writing
    written = np.zeros(len(idx.pool), dtype=np.int32)
    for target, n in db.session.execute(sa.select(DailyPick.target_id, sa.func.count()).where(
            DailyPick.push_date == on).group_by(DailyPick.target_id)):
        pos = idx.position(target)
        if pos is not None:
            written[pos] = n
    recent = np.zeros(len(idx.pool), dtype=np.float64)
    for target, n in db.session.execute(sa.select(DailyPick.target_id, sa.func.count()).where(
            DailyPick.push_date >= on - timedelta(days=RECENT_DAYS), DailyPick.push_date < on)
            .group_by(DailyPick.target_id)):
        pos = idx.position(target)
        if pos is not None:
            recent[pos] = n
    # newcomers: approved in the week before the push date (not before "now": a rerun later in the
    # day must see the same newcomers)
    newcomer_since = (datetime.combine(on, time.min, tzinfo=UTC) - timedelta(days=NEWCOMER_DAYS)).timestamp()
    is_new = idx.approved_ts >= newcomer_since
    boost = 1.0 + 0.3 * is_new + 0.3 / (1.0 + recent)
    exclusions = _exclusions()
    accounts = dict(db.session.execute(sa.select(Profile.id, Profile.account_id).where(visibility.shown_clause())).all())
    rng = np.random.default_rng([seed, on.toordinal()])
    order = alive[rng.permutation(alive.size)]
    partitions = {g: idx.pool.partition(g) for g in (0, 1, 2)}
    partitions = {g: p[idx.alive[p]] for g, p in partitions.items()}
    specials = {g: p[(is_new[p]) | (recent[p] == 0)] for g, p in partitions.items()}

    # the day's plan covers every member, written or not, so that it is the same on every run
    plan = np.array([p for p in order if int(idx.pool.ids[p]) in accounts], dtype=np.int64)
    skipped = sum(1 for p in plan.tolist() if int(idx.pool.ids[p]) in done)
    stats = {"members": int(plan.size) - skipped, "skipped": skipped, "picks": 0, "notified": 0}
    global _ctx
    _ctx = _Context(idx=idx, k=k, exclusions=exclusions, partitions=partitions, specials=specials, boost=boost)
    now = utcnow()
    try:
        with tqdm(total=int(plan.size), desc=f"push {on.isoformat()}", unit="member", disable=not progress,
                  mininterval=0.5) as bar:
            # each chunk is written (one commit) while the helpers choose the next ones
            chunks = [plan[i:i + chunk] for i in range(0, plan.size, chunk)]
            parallel = plan.size >= parallel_from and "fork" in mp.get_all_start_methods()
            for chosen in _choose_all(chunks, cap, seed=int(rng.integers(2**31)), parallel=parallel):
                picks: list[dict[str, Any]] = []
                notes: list[tuple[int, list[int]]] = []
                for viewer_id, targets in chosen:
                    if viewer_id in done:
                        continue
                    targets = _within_cap(targets, written, idx, cap)
                    if not targets:
                        continue
                    for rank, (target_id, score) in enumerate(targets, start=1):
                        picks.append({"push_date": on, "viewer_id": viewer_id, "target_id": target_id,
                                      "rank": rank, "score": score, "created_at": now})
                    notes.append((accounts[viewer_id], [t for t, _ in targets]))
                stats["picks"] += len(picks)
                stats["notified"] += _flush(on, picks, notes)
                bar.update(len(chosen))
    finally:
        _ctx = None
    stats["purged"] = purge_old_picks(min(on, today()))
    _suggest_events(on, progress=progress)
    return stats


def _within_cap(targets: list[tuple[int, float]], written: np.ndarray, idx: pool_index.PoolIndex,
                cap: int) -> list[tuple[int, float]]:
    """The planned picks that keep every profile within the day's cap, counting what is already
    written for the date (which on a resumed run is exactly the plan's own earlier picks, so nothing
    is dropped; it only bites when the pool changed between two runs of the same date)."""
    kept = []
    for target_id, score in targets:
        pos = idx.position(target_id)
        if pos is None or written[pos] >= cap:
            continue
        written[pos] += 1
        kept.append((target_id, score))
    return kept


def purge_old_picks(on: date | None = None) -> int:
    """Delete the daily picks dated more than ``DAILY_PICKS_KEEP_DAYS`` (never fewer than the
    push's `RECENT_DAYS` of fairness memory) before ``on`` (default today): who was shown to whom
    is kept no longer than the push needs it. A push for a past date purges relative to that date,
    so it never deletes what it just wrote. Returns how many went."""
    keep = max(int(current_app.config["DAILY_PICKS_KEEP_DAYS"]), RECENT_DAYS)
    cutoff = (on or today()) - timedelta(days=keep)
    gone = db.session.execute(sa.delete(DailyPick).where(DailyPick.push_date < cutoff))
    db.session.commit()
    return int(gone.rowcount or 0)


@dataclass
class _Context:
    """What choosing picks needs; a module global so forked helpers inherit it without copying."""

    idx: pool_index.PoolIndex
    k: int
    exclusions: dict[int, set[int]]
    partitions: dict[int, np.ndarray]
    specials: dict[int, np.ndarray]
    boost: np.ndarray


_ctx: _Context | None = None
Chosen = list[tuple[int, list[tuple[int, float]]]]


def _choose_all(chunks: list[np.ndarray], cap: int, *, seed: int, parallel: bool) -> Iterator[Chosen]:
    """The picks of every chunk of the plan, in plan order. Chunk ``i`` is chosen with the seed
    ``seed + i``; in one process against the whole cap; in parallel (a large pool), chunk ``i``
    belongs to stripe ``i % stripes``, which may give any profile at most its share of the cap and
    counts its own exposure, so the whole push never exceeds the cap and the result does not
    depend on how many helpers there are or which finishes first."""
    if not parallel:
        exposure = np.zeros(len(_ctx.idx.pool) if _ctx else 0, dtype=np.int32)
        for i, chunk in enumerate(chunks):
            yield _choose(chunk, seed + i, exposure, cap)
        return
    # fewer stripes than STRIPES when there are few chunks or a small cap (no stripe with no share)
    stripes = max(1, min(STRIPES, cap, len(chunks)))
    shares = [cap // stripes + (1 if s < cap % stripes else 0) for s in range(stripes)]
    workers = max(1, min(os.cpu_count() or 1, stripes))
    context = mp.get_context("fork")
    outs = [context.Queue() for _ in range(workers)]
    parent = os.getpid()
    helpers = [context.Process(target=_helper, name=f"push-helper-{w}", daemon=True,
                               args=(parent, w, workers, chunks, seed, shares, outs[w]))
               for w in range(workers)]
    for helper in helpers:
        helper.start()
    try:
        for i in range(len(chunks)):
            w = (i % stripes) % workers
            yield _receive(outs[w], helpers[w])
    finally:  # done, or the writer stopped (an error): no helper outlives the push
        for helper in helpers:
            if helper.is_alive():
                helper.kill()
            helper.join()
        for out in outs:
            out.close()


def _receive(out: Any, helper: Any) -> Chosen:
    """The next chunk from one helper; an error if it failed or died without a word."""
    while True:
        try:
            kind, payload = out.get(timeout=1.0)
        except queue.Empty:
            if not helper.is_alive():
                raise RuntimeError(f"push helper {helper.name} died (exit code {helper.exitcode})") from None
            continue
        if kind == "error":
            raise RuntimeError(f"push helper {helper.name} failed:\n{payload}")
        return payload


def _helper(parent: int, w: int, workers: int, chunks: list[np.ndarray], seed: int, shares: list[int],
            out: Any) -> None:
    """One forked helper: the chunks of its stripes, in plan order, each stripe with its own
    exposure counts and share of the cap."""
    _die_with_parent(parent)
    assert _ctx is not None
    exposure = {s: np.zeros(len(_ctx.idx.pool), dtype=np.int32) for s in range(len(shares)) if s % workers == w}
    try:
        for i, chunk in enumerate(chunks):
            stripe = i % len(shares)
            if stripe in exposure:
                out.put(("ok", _choose(chunk, seed + i, exposure[stripe], shares[stripe])))
    except Exception:  # the parent raises it
        out.put(("error", traceback.format_exc()))


#: prctl(2) option: the signal this process gets when its parent dies
PR_SET_PDEATHSIG = 1


def _die_with_parent(parent: int) -> None:
    """Ask the kernel to kill this process when its parent dies (Linux), and leave at once if the
    parent is already gone (it may have died between the fork and this call)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # not Linux: the daemon flag still ends helpers on a normal exit
        pass
    if os.getppid() != parent:
        os._exit(1)


def _choose(todo: np.ndarray, seed: int, exposure: np.ndarray, cap: int) -> Chosen:
    """Pure numpy: the best K candidates for each member, with the newcomer / rarely-seen boost,
    the exposure cap (``exposure`` counts what this stripe gave so far), hard filters both ways and
    the member's exclusions.

    Members are taken in `todo` order and gathered, per sought gender, into blocks of `BLOCK`
    that share one candidate sample, so that filtering and scoring are matrix operations; the
    picks within a block are then made member by member, in order, against the exposure cap."""
    ctx = _ctx
    assert ctx is not None
    rng = np.random.default_rng(seed)
    out: Chosen = []
    open_blocks: dict[int, list[int]] = defaultdict(list)
    for pos in todo.tolist():
        seek = int(ctx.idx.pool.seek_gender[pos])
        block = open_blocks[seek]
        block.append(pos)
        if len(block) >= BLOCK:
            out.extend(_choose_block(np.array(block, dtype=np.int64), seek, cap, rng, exposure))
            open_blocks[seek] = []
    for seek, block in open_blocks.items():
        if block:
            out.extend(_choose_block(np.array(block, dtype=np.int64), seek, cap, rng, exposure))
    return out


def _choose_block(viewers: np.ndarray, seek: int, cap: int, rng: np.random.Generator,
                  exposure: np.ndarray) -> list[tuple[int, list[tuple[int, float]]]]:
    """Picks for a block of members who seek the same gender, from one shared candidate sample."""
    ctx = _ctx
    assert ctx is not None
    idx = ctx.idx
    cand = _sample(rng, ctx.partitions[seek], ctx.specials[seek])
    ok = model.hard_filter_block(viewers, idx.pool, cand)
    # the members' own exclusions (liked, passed, blocked, unmatched) and themselves
    for i, pos in enumerate(viewers.tolist()):
        excluded = idx.pool.positions(ctx.exclusions.get(int(idx.pool.ids[pos]), ()))
        excluded = np.append(excluded, pos)
        at = np.searchsorted(cand, excluded)  # cand is sorted (np.unique)
        hit = at < cand.size
        hit[hit] = cand[at[hit]] == excluded[hit]
        ok[i, at[hit]] = False
    scores = model.score_block(viewers, cand, idx.X, idx.pool, idx.signals) if cand.size else np.zeros(ok.shape)
    ranked = np.where(ok, scores * ctx.boost[cand], -np.inf)
    out = []
    for i, pos in enumerate(viewers.tolist()):
        row = np.where(exposure[cand] < cap, ranked[i], -np.inf)
        k = min(ctx.k, row.size)
        top = np.argpartition(-row, k - 1)[:k] if k else np.zeros(0, dtype=np.int64)
        top = top[np.argsort(-row[top], kind="stable")]
        top = top[np.isfinite(row[top])]
        exposure[cand[top]] += 1
        out.append((int(idx.pool.ids[pos]), [(int(idx.pool.ids[cand[t]]), round(float(scores[i, t]), 4)) for t in top]))
    return out


def _sample(rng: np.random.Generator, partition: np.ndarray, special: np.ndarray) -> np.ndarray:
    """A block's candidates, sorted: the whole partition when small, else a random sample plus
    (a sample of) the newcomers and the rarely seen."""
    if partition.size <= SAMPLE:
        return np.unique(partition)
    sample = partition[rng.integers(0, partition.size, SAMPLE)]
    if special.size:
        extra = special if special.size <= SAMPLE // 3 else special[rng.integers(0, special.size, SAMPLE // 3)]
        sample = np.concatenate([sample, extra])
    return np.unique(sample)


def _flush(on: date, picks: list[dict[str, Any]], notes: Iterable[tuple[int, list[int]]]) -> int:
    # in key order, the rows of a chunk land on neighbouring index pages: far fewer pages to write
    picks.sort(key=lambda r: (r["viewer_id"], r["rank"]))
    notes = sorted(notes)
    if picks:
        db.session.execute(DailyPick.__table__.insert(), picks)  # Core: no ORM bookkeeping per row
    sent = notifications.notify_many(
        kind="daily_picks", dedup_key=f"daily:{on.isoformat()}",
        items=[(account_id, {"date": on.isoformat(), "count": len(chosen), "profile_ids": chosen})
               for account_id, chosen in notes])
    db.session.commit()
    return sent


def _suggest_events(on: date, *, progress: bool) -> None:
    """Event suggestions ride along with the daily push (idempotent per date on their own)."""
    from matchsvc.events import service as events

    events.push_suggestions(on=on, progress=progress)
    db.session.commit()


def latest_picks(*, actor: Account, limit: int = 20) -> dict[str, Any]:
    """The caller's latest daily picks dated today or earlier, still visible now (approved, not
    blocked, hard filters both ways), best first."""
    idx = pool_index.get()
    own_id = own_profile_id(idx, actor)
    latest = db.session.scalar(sa.select(sa.func.max(DailyPick.push_date)).where(
        DailyPick.viewer_id == own_id, DailyPick.push_date <= today()))
    if latest is None:
        return {"items": [], "date": None}
    rows = db.session.scalars(sa.select(DailyPick).where(DailyPick.viewer_id == own_id, DailyPick.push_date == latest)
                              .order_by(DailyPick.rank)).all()
    ids = [r.target_id for r in rows]
    visible = fast.load_visible(ids)
    allowed = can_see(own_id, ids, idx)
    me = idx.position(own_id)
    items = []
    for r in rows:
        pos = idx.position(r.target_id)
        if r.target_id not in visible or not allowed.get(r.target_id) or pos is None or me is None:
            continue
        items.append(Suggestion(visible[r.target_id], r.score, explain(idx.rows[me], idx.rows[pos])))
    return {"items": items[:limit], "date": latest}
