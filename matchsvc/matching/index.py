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

import ctypes
import itertools
import json
import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from typing import Any, Iterable

import numpy as np
import sqlalchemy as sa

from matchsvc.core.clock import age_on, today
from matchsvc.extensions import db
from matchsvc.interactions.models import Like, Pass
from matchsvc.matching.features import FeaturePipeline, ProfileRow
from matchsvc.matching.model import InteractionSignals, PoolArrays, age_order
from matchsvc.matching.models import PoolChange

log = logging.getLogger(__name__)

#: Rebuild from scratch once this share of rows is dead or appended since the last fit.
REBUILD_DRIFT = 0.25
#: Below this many fitted rows, any addition rebuilds (it costs less than a second).
SMALL_POOL = 2000


def _value(x: Any) -> Any:
    return x if x is None or type(x) is str else x.value


def _shared(value: Any) -> Any:
    """One object per distinct value: tags, cities, occupations and the like repeat across the
    whole pool, and a 100,000-row index held each copy separately (tens of MB per worker)."""
    if value is None:
        return None
    found = _SHARED.get(value)
    if found is None:
        if len(_SHARED) >= _SHARED_MAX:
            return value
        found = _SHARED[value] = value
    return found


_SHARED: dict[Any, Any] = {}
_SHARED_MAX = 50_000


def row_from(rec: Any, on: date | None = None) -> ProfileRow:
    """A `ProfileRow` from a profile (ORM object or a loaded record)."""
    on = on or today()
    interests = tuple(_shared((_shared(i["tag"]), i.get("weight", 3))) for i in (rec.interests or ()))
    return ProfileRow(
        id=int(rec.id), gender=_value(rec.gender), age=age_on(rec.birth_date, on) if rec.birth_date else None,
        height_cm=rec.height_cm, education=_value(rec.education), occupation=_shared(rec.occupation),
        city=_shared(rec.city), hometown=_shared(rec.hometown), goal=_value(rec.goal), interests=interests,
        intro=rec.intro, seeking_gender=_value(rec.seeking_gender), age_min=rec.seeking_age_min,
        age_max=rec.seeking_age_max, height_min=rec.seeking_height_min, height_max=rec.seeking_height_max,
        education_min=_value(rec.seeking_education_min),
        cities=tuple(_shared(c) for c in (rec.seeking_cities or ())),
    )


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



#: Built once: this runs on every request, and building the statement cost ten times running it.
_MAX_IDS = sa.select(
    sa.select(sa.func.coalesce(sa.func.max(PoolChange.id), 0)).scalar_subquery(),
    sa.select(sa.func.coalesce(sa.func.max(Like.id), 0)).scalar_subquery(),
    sa.select(sa.func.coalesce(sa.func.max(Pass.id), 0)).scalar_subquery(),
)


def _max_ids() -> tuple[int, int, int]:
    row = db.session.execute(_MAX_IDS).one()
    return int(row[0]), int(row[1]), int(row[2])


@dataclass(slots=True)
class _Record:
    id: int
    gender: str | None
    birth_date: date | None
    height_cm: int | None
    education: str | None
    occupation: str | None
    city: str | None
    hometown: str | None
    goal: str | None
    interests: list[Any]
    intro: str | None
    seeking_gender: str | None
    seeking_age_min: int | None
    seeking_age_max: int | None
    seeking_height_min: int | None
    seeking_height_max: int | None
    seeking_education_min: str | None
    seeking_cities: list[Any]
    approved_at: datetime | None
    account_id: int


_SQL_COLUMNS = ("id, gender, birth_date, height_cm, education, occupation, city, hometown, goal, interests, "
                "intro, seeking_gender, seeking_age_min, seeking_age_max, seeking_height_min, seeking_height_max, "
                "seeking_education_min, seeking_cities, approved_at, account_id")


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, (str, bytes)) else (value or [])


def _day(value: Any) -> date | None:
    return date.fromisoformat(value[:10]) if isinstance(value, str) else value


def _moment(value: Any) -> datetime | None:
    if isinstance(value, str):
        parsed = datetime.fromisoformat(value)
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)
    return value


def _load(ids: Iterable[int] | None = None) -> list[_Record]:
    """Matchable profiles, men first then women (so each gender's rows are contiguous).

    Plain SQL and plain tuples: the ORM's per-value processing made a 100,000-row load several
    times slower than the query itself. The condition is `Profile.is_matchable` spelled out.
    """
    where = ("status = 'approved' AND consent_version IS NOT NULL AND NOT EXISTS "
             "(SELECT 1 FROM accounts WHERE accounts.id = profiles.account_id AND accounts.disabled_at IS NOT NULL)")
    params: dict[str, Any] = {}
    stmt = f"SELECT {_SQL_COLUMNS} FROM profiles WHERE {where}"
    if ids is not None:
        stmt += " AND id IN :ids"
        params["ids"] = list(ids)
    query = sa.text(stmt + " ORDER BY gender, id")
    if ids is not None:
        query = query.bindparams(sa.bindparam("ids", expanding=True))
    out = []
    for r in db.session.execute(query, params):
        out.append(_Record(r[0], r[1], _day(r[2]), r[3], r[4], r[5], r[6], r[7], r[8], _json(r[9]), r[10], r[11],
                           r[12], r[13], r[14], r[15], r[16], _json(r[17]), _moment(r[18]), r[19]))
    return out


def _events(pool_ids: set[int], after_like: int = 0, after_pass: int = 0) -> list[tuple[int, int, bool, int]]:
    """(actor, target, liked, order) of the decisions after the given ids between pool members."""
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
    return [(a, t, liked, 0) for a, t, liked, _ in events if a in pool_ids and t in pool_ids]


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
    change_id, like_id, pass_id = _max_ids()
    records = _load()
    on = today()
    rows = [row_from(r, on) for r in records]
    # each gender's rows in age order: a viewer's age wishes then cut one contiguous run out of
    # the partition they seek (`PoolArrays.age_window`)
    order = age_order(rows)
    rows, records = [rows[i] for i in order], [records[i] for i in order]
    pipeline = FeaturePipeline()
    # the pool's columns (plain Python) are encoded while the features (mostly numpy, which lets
    # go of the GIL) are fitted: on two cores that takes a second or two off a large build
    with ThreadPoolExecutor(max_workers=1) as helper:
        encoding = helper.submit(PoolArrays.from_rows, rows)
        X = pipeline.fit_transform(rows) if rows else np.zeros((0, 1), dtype=np.float32)
        pool = encoding.result()
    ids = set(pool.index)
    events = _events(ids)
    signals = InteractionSignals.from_events(pool.ids, ((a, t, liked) for a, t, liked, _ in events))
    idx = PoolIndex(pipeline=pipeline, X=np.ascontiguousarray(X, dtype=np.float32), pool=pool, rows=rows,
                    alive=np.ones(len(rows), dtype=bool),
                    approved_ts=np.array([_ts(r.approved_at) for r in records], dtype=np.float64),
                    signals=signals, last_change_id=change_id,
                    last_like_id=like_id, last_pass_id=pass_id, fitted_rows=len(rows),
                    account_ids=np.array([r.account_id for r in records], dtype=np.int64))
    del records, events
    _give_back_memory()
    log.info("matching index built: %d profiles, %d decisions, %.1f s", len(rows), len(idx.signals),
             time.perf_counter() - started)
    return idx


def _give_back_memory() -> None:
    """Hand the heap the build freed back to the OS: glibc keeps it otherwise, and every worker
    forked from the master would carry it in its resident size (about 20 MB at 100,000 rows)."""
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc: nothing to do
        pass


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
        change_id, like_id, pass_id = _max_ids()
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
    records = _load(changed) if changed else []
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
    for actor, target, liked, _ in _events(ids, idx.last_like_id, idx.last_pass_id):
        a, t = idx.pool.index.get(actor), idx.pool.index.get(target)
        if a is not None and t is not None:
            idx.signals.add(actor, target, liked)
    idx.last_like_id, idx.last_pass_id = like_id, pass_id


def note_change(profile_id: int | None) -> None:
    """Record, in the current transaction, that a profile's place in the pool may have changed
    (None: everything, e.g. after a bulk load)."""
    db.session.add(PoolChange(profile_id=profile_id))

