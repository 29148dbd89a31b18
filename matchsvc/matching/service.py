"""Matching: recommendations, self-service search, daily picks, and the scores other domains use.

Every list here obeys the hard filters both ways (`model.hard_filter_mask`), leaves out blocked
pairs, and only ever returns profiles that are matchable in the database at the moment of the
request (the index is a cache of the pool; the database is the truth).
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np

from matchsvc import signals, visibility
from matchsvc.accounts.models import Account
from matchsvc.core.i18n import _
from matchsvc.errors import ValidationFailed
from matchsvc.interactions import service as interactions
from matchsvc.matching import fast
from matchsvc.matching import index as pool_index
from matchsvc.matching import model
from matchsvc.matching.features import ProfileRow
from matchsvc.matching.reasons import explain, tag_list
from matchsvc.profiles.models import Profile
from matchsvc.profiles.service import PublicView

MAX_LIMIT = 200


@dataclass
class Suggestion:
    #: the public columns of the profile (a `fast.load_visible` row: it holds no contact)
    profile: Any
    score: float | None
    reasons: list[str]


def own_profile_id(idx: pool_index.PoolIndex, actor: Account) -> int:
    """The caller's profile id; Forbidden (403) unless it is approved and consented. Read from the
    fresh index when it is there (no query on the per-request paths), else from the database."""
    own_id = idx.profile_of_account(actor.id)
    return own_id if own_id is not None else visibility.require_standing_id(actor)


def _viewer(idx: pool_index.PoolIndex, own_id: int) -> int:
    pos = idx.position(own_id)
    if pos is None:  # approved a moment ago in another worker's transaction not yet replayed
        idx = pool_index.get()
        pos = idx.position(own_id)
    if pos is None:
        raise ValidationFailed("Your profile is not in the pool yet; try again in a moment.", code="not_indexed")
    return pos


def _candidates(idx: pool_index.PoolIndex, viewer: int, exclude: set[int]) -> np.ndarray:
    cand = model.eligible_candidates(viewer, idx.pool, exclude)
    return cand[idx.alive[cand]]


def _top(scores: np.ndarray, k: int) -> np.ndarray:
    if scores.size <= k:
        return np.argsort(-scores, kind="stable")
    part = np.argpartition(-scores, k)[:k]
    return part[np.argsort(-scores[part], kind="stable")]


@dataclass
class _Ranking:
    """A viewer's best candidates, kept between requests (see `_ranked`)."""

    generation: int
    viewer: int
    rows: int
    decisions: int
    at: float
    cand: np.ndarray
    scores: np.ndarray
    complete: bool


#: Rankings kept per worker (about 4 KB each); the least recently used go first, and expired
#: ones as soon as another is stored.
RANKING_CACHE_SIZE = 10_000
#: How long a ranking is reused, and how much the interaction signals may grow meanwhile.
RANKING_TTL_SECONDS = 300.0
RANKING_SIGNAL_GROWTH = 0.05
_rankings: OrderedDict[int, _Ranking] = OrderedDict()
_rankings_lock = threading.Lock()


def forget_rankings() -> None:
    with _rankings_lock:
        _rankings.clear()


def _ranked(idx: pool_index.PoolIndex, viewer: int, viewer_id: int, keep: int) -> _Ranking:
    """The viewer's candidates (hard filters both ways) ranked by reciprocal score, best first.

    Scoring the whole opposite partition costs milliseconds, so the top of it is kept per viewer
    and reused while it is still right: same index build and viewer row, signals grown by less
    than 5 %, younger than five minutes. Rows appended since (newly approved profiles) are scored
    and merged in, so a newcomer shows up at once; rows that died are dropped by the caller, as
    are the viewer's likes, passes and blocks, which are read fresh on every request.
    """
    now = time.monotonic()
    n_rows, n_decisions = len(idx.rows), len(idx.signals)
    with _rankings_lock:
        hit = _rankings.get(viewer_id)
        if hit is not None:
            _rankings.move_to_end(viewer_id)
    fresh = (hit is not None and hit.generation == idx.generation and hit.viewer == viewer
             and now - hit.at < RANKING_TTL_SECONDS and (hit.complete or len(hit.cand) >= keep)
             and n_decisions <= hit.decisions * (1 + RANKING_SIGNAL_GROWTH)
             + (10 if n_rows >= pool_index.SMALL_POOL else 0))
    if fresh and hit is not None:
        if n_rows > hit.rows:
            new = np.arange(hit.rows, n_rows, dtype=np.int64)
            new = new[idx.alive[new] & model.hard_filter_mask(viewer, idx.pool, new) & (new != viewer)]
            if new.size:
                scores = model.score_candidates(viewer, new, idx.X, idx.pool, idx.signals)
                cand = np.concatenate([hit.cand, new.astype(np.int32)])
                merged = np.concatenate([hit.scores, scores])
                order = np.argsort(-merged, kind="stable")
                hit.cand, hit.scores = cand[order], merged[order]
            hit.rows = n_rows
        return hit
    cand = model.eligible_candidates(viewer, idx.pool)
    cand = cand[idx.alive[cand]]
    scores = model.score_candidates(viewer, cand, idx.X, idx.pool, idx.signals)
    order = _top(scores, keep)
    # positions fit in 32 bits: half the memory of a kept ranking
    ranking = _Ranking(idx.generation, viewer, n_rows, n_decisions, now, cand[order].astype(np.int32),
                       scores[order], complete=order.size == cand.size)
    with _rankings_lock:
        _rankings[viewer_id] = ranking
        _rankings.move_to_end(viewer_id)
        while _rankings and (len(_rankings) > RANKING_CACHE_SIZE
                             or now - next(iter(_rankings.values())).at >= RANKING_TTL_SECONDS):
            _rankings.popitem(last=False)
    return ranking


def recommend(*, actor: Account, limit: int = 20, personalized: bool = True) -> list[Suggestion]:
    """Best matches for the caller, best first: hard filters both ways, not blocked either way,
    not yet liked or passed, reciprocal score with reasons. With ``personalized=False`` (PIPL
    Art. 24) the same eligible pool newest first, without profiling. Forbidden without an approved
    profile."""
    idx = pool_index.get()
    own_id = own_profile_id(idx, actor)
    viewer = _viewer(idx, own_id)
    seen = interactions.seen_ids(own_id)
    limit = max(1, min(limit, MAX_LIMIT))
    if not personalized:
        cand = _candidates(idx, viewer, seen)
        order = _top(idx.approved_ts[cand], limit + 10)
        return _suggestions(idx, viewer, cand[order], freshness(idx.approved_ts[cand[order]]), limit)
    keep = max(300, 2 * limit + len(seen))
    ranking = _ranked(idx, viewer, own_id, keep)
    ok = idx.alive[ranking.cand]
    if seen:
        ok &= ~np.isin(idx.pool.ids[ranking.cand], np.fromiter(seen, dtype=np.int64))
    cand, scores = ranking.cand[ok], ranking.scores[ok]
    if cand.size < limit + 10 and not ranking.complete:
        with _rankings_lock:
            _rankings.pop(own_id, None)
        ranking = _ranked(idx, viewer, own_id, keep + 10 * limit)
        ok = idx.alive[ranking.cand] & ~np.isin(idx.pool.ids[ranking.cand], np.fromiter(seen, dtype=np.int64))
        cand, scores = ranking.cand[ok], ranking.scores[ok]
    return _suggestions(idx, viewer, cand[:limit + 10], scores[:limit + 10], limit)


#: days in which the freshness score of the non-personalised list halves
FRESHNESS_HALF_LIFE_DAYS = 30.0


def freshness(approved_ts: np.ndarray) -> np.ndarray:
    """The score of the non-personalised list: how recently each profile was approved, 1.0 for
    just now, halving every `FRESHNESS_HALF_LIFE_DAYS`. It orders the list (newest first) and
    says nothing about the viewer: no profiling (PIPL Art. 24)."""
    days = np.maximum(time.time() - np.asarray(approved_ts, dtype=np.float64), 0.0) / 86400.0
    return np.power(0.5, days / FRESHNESS_HALF_LIFE_DAYS)


def _suggestions(idx: pool_index.PoolIndex, viewer: int, picked: np.ndarray, scores: np.ndarray | None,
                 limit: int) -> list[Suggestion]:
    ids = [int(idx.pool.ids[p]) for p in picked]
    visible = fast.load_visible(ids[:limit])
    if len(visible) < min(limit, len(ids)):  # some went away since the index saw them
        visible.update(fast.load_visible(ids[limit:]))
    me = idx.rows[viewer]
    out: list[Suggestion] = []
    for i, (pid, pos) in enumerate(zip(ids, picked)):
        profile = visible.get(pid)
        if profile is None:
            continue
        score = None if scores is None else round(float(scores[i]), 4)
        out.append(Suggestion(profile, score, explain(me, idx.rows[int(pos)])))
        if len(out) == limit:
            break
    return out


def search(*, actor: Account, age_min: int | None = None, age_max: int | None = None, city: str | None = None,
           education: str | None = None, goal: str | None = None, interest: str | None = None,
           q: str | None = None) -> list[PublicView]:
    """Self-service search over the approved pool, best match first. Results obey the hard filters
    both ways and leave out blocked pairs; ValidationFailed if age_min > age_max."""
    if age_min is not None and age_max is not None and age_min > age_max:
        raise ValidationFailed("age_min is above age_max.", errors={"age_max": ["Must not be below age_min."]})
    idx = pool_index.get()
    own_id = own_profile_id(idx, actor)
    viewer = _viewer(idx, own_id)
    cand = _candidates(idx, viewer, visibility.blocked_ids(own_id))
    pool = idx.pool
    keep = np.ones(cand.size, dtype=bool)
    with np.errstate(invalid="ignore"):
        if age_min is not None:
            keep &= pool.age[cand] >= age_min
        if age_max is not None:
            keep &= pool.age[cand] <= age_max
    if education is not None:
        keep &= pool.edu[cand] == model.EDUCATION_RANK[education]
    if goal is not None:
        keep &= pool.goal[cand] == model.GOAL_CODE[goal]
    if city is not None:
        code = pool.city_vocab.get(city.strip().lower(), -2)
        keep &= pool.city[cand] == code
    if interest is not None:
        keep &= _has_tag(idx, cand, interest)
    cand = cand[keep]
    if q:
        needle = q.strip().casefold()
        cand = np.array([c for c in cand if needle in pool_index.search_text(idx.rows[int(c)])], dtype=np.int64)
    if cand.size == 0:
        return []
    scores = model.score_candidates(viewer, cand, idx.X, idx.pool, idx.signals)
    ordered = cand[np.argsort(-scores, kind="stable")]
    ids = [int(pool.ids[c]) for c in ordered]
    visible = fast.load_visible(ids)
    return [PublicView(visible[i]) for i in ids if i in visible]


def _has_tag(idx: pool_index.PoolIndex, cand: np.ndarray, tag: str) -> np.ndarray:
    col = idx.pool.tag_vocab.get(tag.strip().lower())
    if col is None:
        col = idx.pool.tag_vocab.get(tag.strip())
    if col is None:
        return np.zeros(cand.size, dtype=bool)
    csc = idx.pool.interests_csc
    holders = np.zeros(len(idx.pool), dtype=bool)
    holders[csc.indices[csc.indptr[col]:csc.indptr[col + 1]]] = True
    return holders[cand]


def can_see(viewer_id: int, target_ids: Sequence[int], idx: pool_index.PoolIndex | None = None) -> dict[int, bool]:
    """For each target: may the viewer see it now (`visibility.visible_ids`: shown, not the viewer,
    no block either way) and does it pass the hard filters both ways with the viewer (``idx``:
    the fresh index, when the caller has it already)."""
    idx = idx if idx is not None else pool_index.get()
    v = idx.position(viewer_id)
    out = {t: False for t in target_ids}
    if v is None:
        return out
    positions = [(t, idx.position(t)) for t in target_ids]
    present = [(t, p) for t, p in positions if p is not None]
    if not present:
        return out
    mask = model.hard_filter_mask(v, idx.pool, np.array([p for _, p in present], dtype=np.int64))
    visible = visibility.visible_ids(viewer_id, [t for t, _ in present])
    for (t, _), ok in zip(present, mask):
        out[t] = bool(ok) and t in visible
    return out


def pair_compatibility(*, profile_ids: list[int]) -> np.ndarray:
    """n×n symmetric reciprocal compatibility in [0, 1] between the given profiles: 0 on the
    diagonal, where a pair fails a hard filter either way, is blocked, or is not in the pool."""
    idx = pool_index.get()
    n = len(profile_ids)
    out = np.zeros((n, n), dtype=np.float64)
    positions = [idx.position(p) for p in profile_ids]
    blocked: dict[int, set[int]] = {}
    for i, (pid, pos) in enumerate(zip(profile_ids, positions)):
        if pos is None:
            continue
        others = [(j, q) for j, q in enumerate(positions) if q is not None and j != i]
        if not others:
            continue
        cand = np.array([q for _, q in others], dtype=np.int64)
        ok = model.hard_filter_mask(pos, idx.pool, cand)
        scores = model.score_candidates(pos, cand, idx.X, idx.pool, idx.signals)
        blocked.setdefault(pid, visibility.blocked_ids(pid))
        for (j, _), good, s in zip(others, ok, scores):
            if good and profile_ids[j] not in blocked[pid]:
                out[i, j] = float(s)
    return np.minimum(out, out.T) if n else out


#: Event vectors of the current index build only (a vector is as wide as the feature space, tens of
#: KB): keeping earlier builds' vectors grew a worker's memory by a fifth in the soak.
_event_vectors: dict[tuple[int, str], np.ndarray] = {}
_event_vectors_generation = 0
EVENT_VECTOR_CACHE = 500


def _event_vector(idx: pool_index.PoolIndex, event: Any) -> np.ndarray:
    """An event's vector in the profile feature space (tags as interests, title and description as
    the self-introduction), cached for the current index build by event and content."""
    global _event_vectors_generation
    if idx.generation != _event_vectors_generation:
        _event_vectors.clear()
        _event_vectors_generation = idx.generation
    tags = tuple(str(t) for t in (event.tags or []))
    text = f"{event.title or ''}。{event.description or ''}"
    key = (int(getattr(event, "id", 0) or 0), repr((tags, text)))
    vec = _event_vectors.get(key)
    if vec is None:
        row = ProfileRow(id=-1, gender=None, age=None, height_cm=None, education=None, occupation=None, city=None,
                         hometown=None, goal=None, interests=tuple((t, 3) for t in tags), intro=text,
                         seeking_gender=None, age_min=None, age_max=None)
        vec = idx.pipeline.transform([row])[0].astype(np.float64)
        if len(_event_vectors) >= EVENT_VECTOR_CACHE:
            _event_vectors.clear()
        _event_vectors[key] = vec
    return vec


def event_scores(*, profile: Any, events: Sequence[Any], idx: pool_index.PoolIndex | None = None,
                 with_reasons: bool = True) -> list[tuple[float, list[str]]]:
    """How well each event fits a member, in the profile feature space (member interests and intro
    against event tags and description), in [0, 1], with reasons in the caller's language. Each
    event needs ``id``, ``title``, ``description`` and ``tags``.

    Score: 0.6 × the cosine of the two vectors mapped to [0, 1], plus 0.4 × how much of the
    member's interest weight the event's tags cover (doubled, capped at 1). A job scoring many
    members passes the index it got once (``idx``) and, when it only ranks, ``with_reasons=False``
    (empty reasons; putting them into words was most of the cost). ``profile`` is a `Profile`, or,
    for a member in the index, any record with its ``id``.
    """
    if not events:
        return []
    idx = idx or pool_index.get()
    pos = idx.position(profile.id)
    member = idx.rows[pos] if pos is not None else pool_index.row_from(profile)
    mine_vec = (idx.X[pos] if pos is not None else idx.pipeline.transform([member])[0]).astype(np.float64)
    mine = {t.casefold(): w for t, w in member.interests}
    total = max(5.0 * len(mine), 1.0)
    out: list[tuple[float, list[str]]] = []
    for e in events:
        c = float(_event_vector(idx, e) @ mine_vec)
        shared = [str(t) for t in (e.tags or []) if str(t).casefold() in mine]
        overlap = sum(mine[t.casefold()] for t in shared) / total
        score = min(max(0.3 * (c + 1) + 0.4 * min(overlap * 2, 1.0), 0.0), 1.0)
        if not with_reasons:
            reasons = []
        elif shared:
            reasons = [_("You like %(tags)s", tags=tag_list(shared[:3]))]
        else:
            reasons = [_("Close to what you wrote about yourself")]
        out.append((round(score, 4), reasons))
    return out


def _note_change(sender: Any, **_: Any) -> None:
    pool_index.note_change(getattr(sender, "id", None))


_connected = False


def connect() -> None:
    """Record pool changes for the index (once per process)."""
    global _connected
    if not _connected:
        signals.pool_changed.connect(_note_change)
        _connected = True
