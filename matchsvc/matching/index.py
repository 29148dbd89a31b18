"""The per-worker in-memory index of the recommendable pool, and how it stays fresh.

One index per process, built lazily on first use from every matchable profile: feature vectors
(`features.FeaturePipeline`), column arrays for the hard filters (`model.PoolArrays`) and the
interaction signals learnt from likes and passes (`model.InteractionSignals`).

Freshness across several gunicorn workers comes from the database, never from the process:

* every change that may add, move or remove a profile writes a `PoolChange` row in the same
  transaction; before answering, the index replays the rows after the last id it saw (one cheap
  query when nothing changed), so a withdrawn, paused, suspended or blocked profile is gone the
  moment its change commits, and a newly approved one is recommendable on the next request;
* new likes and passes are read the same way (ids after the last seen) into the signals;
* results are checked against the database once more when their profiles are loaded.

A removed profile's row is only marked dead; appended rows get vectors from the fitted pipeline.
When the pool has drifted far from what the pipeline was fitted on, the whole index is rebuilt.
"""

from __future__ import annotations

import itertools
import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import numpy as np
import sqlalchemy as sa

from matchsvc.core.clock import age_on, today
from matchsvc.extensions import db
from matchsvc.interactions.models import Like, Pass
from matchsvc.matching import fast
from matchsvc.matching.features import FeaturePipeline, ProfileRow
from matchsvc.matching.model import InteractionSignals, PoolArrays, age_order
from matchsvc.matching.models import PoolChange
from matchsvc.profiles.models import FRIENDS_SAY_KEYS, VALUE_KEYS, SocialFrequency

log = logging.getLogger(__name__)

#: Rebuild from scratch once this share of rows is dead or appended since the last fit.
REBUILD_DRIFT = 0.25
#: Below this many fitted rows, any addition rebuilds (it costs less than a second).
SMALL_POOL = 2000


def _value(x: Any) -> Any:
    return x if x is None or type(x) is str else x.value




def row_from(rec: Any, on: date | None = None) -> ProfileRow:
    """A `ProfileRow` from a profile (ORM object or a loaded record)."""
    on = on or today()
    interests = tuple(fast.shared((fast.shared(i["tag"]), i.get("weight", 3))) for i in (rec.interests or ()))
    return ProfileRow(
        id=int(rec.id), gender=_value(rec.gender), age=age_on(rec.birth_date, on) if rec.birth_date else None,
        height_cm=rec.height_cm, education=_value(rec.education), occupation=fast.shared(rec.occupation),
        city=fast.shared(rec.city), hometown=fast.shared(rec.hometown), goal=_value(rec.goal), interests=interests,
        intro=rec.intro, seeking_gender=_value(rec.seeking_gender), age_min=rec.seeking_age_min,
        age_max=rec.seeking_age_max, height_min=rec.seeking_height_min, height_max=rec.seeking_height_max,
        education_min=_value(rec.seeking_education_min),
        cities=tuple(fast.shared(c) for c in (rec.seeking_cities or ())),
        going_out=_FREQUENCY_STEP.get(_value(rec.social_frequency)),
        values=_ratings(rec.partner_values, VALUE_KEYS), friends_say=_ratings(rec.friends_say, FRIENDS_SAY_KEYS),
    )


#: social_frequency → its step, 0 (several times a week) .. 6 (almost never)
_FREQUENCY_STEP = {f.value: i for i, f in enumerate(SocialFrequency)}


def _ratings(answer: dict[str, int] | None, keys: tuple[str, ...]) -> tuple[int, ...] | None:
    """An answered ratings object as a tuple in `keys` order (shared: the same answers repeat)."""
    if not answer:
        return None
    return fast.shared(tuple(int(answer[k]) for k in keys))


def search_text(row: ProfileRow) -> str:
    """What free-text search looks at: occupation, city, hometown, tags and the intro."""
    tags = " ".join(t for t, _ in row.interests)
    return " ".join(filter(None, (row.occupation, row.city, row.hometown, tags, row.intro))).casefold()


@dataclass
class PoolIndex:
    pipeline: FeaturePipeline
    X: np.ndarray
    pool: PoolArrays
    rows: list[ProfileRow]
    alive: np.ndarray
    approved_ts: np.ndarray
    signals: InteractionSignals
    last_change_id: int
    last_like_id: int
    last_pass_id: int
    fitted_rows: int
    #: the account of each row (see `profile_of_account`)
    account_ids: np.ndarray
    #: Ages are computed on this day; a new day rebuilds the index.
    built_on: date = field(default_factory=today)
    #: Rows appended since the pipeline was fitted (to tell when a rebuild pays).
    appended: int = 0
    #: Which build this is; rankings cached against an older build are dropped.
    generation: int = field(default_factory=lambda: next(_generations))
    #: When this build was made (Unix time; ``GET /metrics`` reports its age).
    built_at: float = field(default_factory=time.time)

    #: (rows covered, account ids sorted, their rows), built on first use and after appends
    _by_account: tuple[int, np.ndarray, np.ndarray] | None = field(default=None, repr=False)

    def position(self, profile_id: int) -> int | None:
        pos = self.pool.index.get(profile_id)
        return pos if pos is not None and self.alive[pos] else None

    def profile_of_account(self, account_id: int) -> int | None:
        """The id of the account's profile if it is in the pool (approved and consented, as of the
        last refresh, which `get` makes before every use): the caller's standing without a query
        on the per-request paths. None otherwise."""
        found = self._by_account
        if found is None or found[0] != len(self.account_ids):
            order = np.argsort(self.account_ids, kind="stable")
            found = self._by_account = (len(self.account_ids), self.account_ids[order], order)
        _, accounts, order = found
        lo, hi = np.searchsorted(accounts, account_id, "left"), np.searchsorted(accounts, account_id, "right")
        for pos in order[lo:hi]:  # an erased and re-approved profile leaves a dead row behind
            if self.alive[pos]:
                return int(self.pool.ids[pos])
        return None

    @property
    def size(self) -> int:
        return int(self.alive.sum())


_generations = itertools.count(1)
_lock = threading.RLock()
_index: PoolIndex | None = None


def reset() -> None:
    """Forget the index (tests; `flask rebuild-index` in a running worker happens by itself)."""
    global _index
    with _lock:
        _index = None







def _decisions(pool_ids: set[int], after_like: int = 0, after_pass: int = 0) -> list[tuple[int, int, bool]]:
    """(actor, target, liked) of the likes and passes after the given ids between pool members, in
    time order (and, on a full read, the yeses said elsewhere)."""
    likes = db.session.execute(sa.select(Like.actor_id, Like.target_id, Like.created_at, Like.id)
                               .where(Like.id > after_like)).all()
    passes = db.session.execute(sa.select(Pass.actor_id, Pass.target_id, Pass.created_at, Pass.id)
                                .where(Pass.id > after_pass)).all()
    events = [(a, t, True, at) for a, t, at, _ in likes] + [(a, t, False, at) for a, t, at, _ in passes]
    if not after_like and not after_pass:
        # the yeses said elsewhere, each once, and only where no like or pass already said it
        decided = {(a, t) for a, t, _, _ in events}
        for a, t, liked, at in _met_answers() + _event_selections():
            if (a, t) not in decided:
                decided.add((a, t))
                events.append((a, t, liked, at))
    events.sort(key=lambda e: e[3])
    return [(a, t, liked) for a, t, liked, _ in events if a in pool_ids and t in pool_ids]


def _met_answers() -> list[tuple[int, int, bool, datetime]]:
    """A private "yes, we met" after a match counts as the answerer's yes to the other person (read
    at each build; the index is rebuilt every day). A "no" says nothing about wanting to, so it is
    not a signal."""
    from matchsvc.events.models import MatchFollowup
    from matchsvc.interactions.models import Match

    rows = db.session.execute(sa.select(MatchFollowup.profile_id, Match.low_id, Match.high_id, MatchFollowup.answered_at)
                              .join(Match, Match.id == MatchFollowup.match_id).where(MatchFollowup.met.is_(True)))
    return [(p, high if p == low else low, True, at) for p, low, high, at in rows]


def _event_selections() -> list[tuple[int, int, bool, datetime]]:
    """An after-event selection ("I'd like to see them again") is the chooser's yes to the chosen, read
    at each build like `_met_answers`. Not picking someone says nothing: no pass."""
    from matchsvc.events.models import Selection

    rows = db.session.execute(sa.select(Selection.chooser_id, Selection.chosen_id, Selection.created_at))
    return [(a, t, True, at) for a, t, at in rows]


def build() -> PoolIndex:
    """Build the index from the database (the first request of a worker, or a rebuild)."""
    started = time.perf_counter()
    change_id, like_id, pass_id = fast.max_ids()
    on = today()
    rows: list[ProfileRow] = []
    approved: list[float] = []
    accounts: list[int] = []
    for rec in fast.iter_pool_records():  # each record is turned into its row at once (memory)
        rows.append(row_from(rec, on))
        approved.append(_ts(rec.approved_at))
        accounts.append(rec.account_id)
    # each gender's rows in age order: a viewer's age wishes then cut one contiguous run out of
    # the partition they seek (`PoolArrays.age_window`)
    order = age_order(rows)
    rows = [rows[i] for i in order]
    pipeline = FeaturePipeline()
    # the pool's columns (plain Python) are encoded while the features (mostly numpy, which lets
    # go of the GIL) are fitted: on two cores that takes a second or two off a large build
    with ThreadPoolExecutor(max_workers=1) as helper:
        encoding = helper.submit(PoolArrays.from_rows, rows)
        X = pipeline.fit_transform(rows) if rows else np.zeros((0, 1), dtype=np.float32)
        pool = encoding.result()
    ids = set(pool.index)
    decisions = _decisions(ids)
    signals = InteractionSignals.from_events(pool.ids, decisions)
    idx = PoolIndex(pipeline=pipeline, X=np.ascontiguousarray(X, dtype=np.float32), pool=pool, rows=rows,
                    alive=np.ones(len(rows), dtype=bool),
                    approved_ts=np.array(approved, dtype=np.float64)[order],
                    signals=signals, last_change_id=change_id,
                    last_like_id=like_id, last_pass_id=pass_id, fitted_rows=len(rows),
                    account_ids=np.array(accounts, dtype=np.int64)[order])
    del approved, accounts, decisions
    fast.give_back_memory()
    log.info("matching index built: %d profiles, %d decisions, %.1f s", len(rows), len(idx.signals),
             time.perf_counter() - started)
    return idx




def _ts(value: datetime | None) -> float:
    return value.timestamp() if value else 0.0


def get() -> PoolIndex:
    """The fresh index of this worker: built on first use, then brought up to date with what was
    committed since (one query when nothing changed)."""
    global _index
    with _lock:
        if _index is None:
            _index = build()
            return _index
        change_id, like_id, pass_id = fast.max_ids()
        idx = _index
        if idx.built_on != today():
            _index = build()
            return _index
        if change_id != idx.last_change_id:
            idx = _apply_changes(idx, change_id)
        if like_id != idx.last_like_id or pass_id != idx.last_pass_id:
            _apply_decisions(idx, like_id, pass_id)
        _index = idx
        return idx


def _apply_changes(idx: PoolIndex, change_id: int) -> PoolIndex:
    changed = set(db.session.scalars(sa.select(PoolChange.profile_id).where(
        PoolChange.id > idx.last_change_id, PoolChange.id <= change_id, PoolChange.profile_id.is_not(None))))
    everyone = db.session.scalar(sa.select(sa.func.count(PoolChange.id)).where(
        PoolChange.id > idx.last_change_id, PoolChange.id <= change_id, PoolChange.profile_id.is_(None)))
    if everyone:
        return build()
    for pid in changed:
        pos = idx.pool.index.get(pid)
        if pos is not None:
            idx.alive[pos] = False
    records = fast.load_pool_records(changed) if changed else []
    drift = (len(idx.rows) - idx.size + len(records) + idx.appended) / max(idx.fitted_rows, 1)
    # A small pool refits in milliseconds, and appended rows then shape the vector space too.
    if drift > REBUILD_DRIFT or (records and idx.fitted_rows < SMALL_POOL):
        return build()
    if records:
        on = today()
        rows = [row_from(r, on) for r in records]
        X_new = idx.pipeline.transform(rows).astype(np.float32)
        idx.X = np.ascontiguousarray(np.vstack([idx.X, X_new]))
        idx.pool = idx.pool.extend(rows)
        idx.rows.extend(rows)
        idx.alive = np.concatenate([idx.alive, np.ones(len(rows), dtype=bool)])
        idx.approved_ts = np.concatenate([idx.approved_ts, [_ts(r.approved_at) for r in records]])
        idx.account_ids = np.concatenate([idx.account_ids, np.array([r.account_id for r in records], dtype=np.int64)])
        idx.appended += len(rows)
        idx.signals.extend([r.id for r in rows])  # rows stay aligned with the pool's
    idx.last_change_id = change_id
    return idx


def _apply_decisions(idx: PoolIndex, like_id: int, pass_id: int) -> None:
    ids = set(idx.pool.index)
    for actor, target, liked in _decisions(ids, idx.last_like_id, idx.last_pass_id):
        a, t = idx.pool.index.get(actor), idx.pool.index.get(target)
        if a is not None and t is not None:
            idx.signals.add(actor, target, liked)
    idx.last_like_id, idx.last_pass_id = like_id, pass_id


def note_change(profile_id: int | None) -> None:
    """Record, in the current transaction, that a profile's place in the pool may have changed
    (None: everything, e.g. after a bulk load)."""
    db.session.add(PoolChange(profile_id=profile_id))

