"""Reciprocal scoring of candidates on plain arrays (numpy / scipy only; no Flask, no SQLAlchemy).

For a viewer A and each candidate B the model estimates two probabilities, one per direction:

    P(A likes B) = σ(bias + content fit of B for A + interaction signals)
    P(B likes A) = σ(bias + content fit of A for B + interaction signals)

and ranks by their harmonic mean, so a pair that only one side would want ranks low (a match
needs both to say yes).

*Content fit* ("how well B suits A") is a weighted sum of plain, explainable terms: the cosine of
the two feature vectors, the age gap measured from A's preferred age (A's own age pulled into
A's stated range), how keen B is on A's interests (B's tag weights averaged over A's tags,
weighted by A's), goal compatibility, education gap and same city.

*Interaction signals* (`InteractionSignals`, built from likes and passes) add, per direction:
how often the liked one is liked by others (received yes-rate) and how readily the liking one says
yes (given yes-rate), both as log-odds shrunk towards the global rate, so that with no events they
are exactly zero and the score is the content score alone; and a collaborative term: how the
people who judge like A judged B (A → B), and how B judged the people who are received like A
(B → A). How the weights were chosen is told at `ScoreWeights`. (A third signal, content
similarity of B to what A liked minus what A passed, was tried and left out: it lowered the
warm AUC on the training waves.)

Hard filters (`hard_filter_mask`) are separate and exact: a candidate either fits both people's
stated wishes or is never scored.

Use from an index:

* once per (re)build, rows ordered by gender (each partition contiguous, so scoring one is a
  single pass over memory): ``X = FeaturePipeline().fit_transform(rows)`` (float32, C order),
  ``pool = PoolArrays.from_rows(rows)``, ``signals = InteractionSignals.from_events(pool.ids,
  events)``;
* a newly approved profile: ``X = np.vstack([X, pipeline.transform([row])])``,
  ``pool = pool.extend([row])``, ``signals.extend([row.id])`` (refit everything when
  ``pipeline.is_stale(len(pool))``); a like or pass: ``signals.add(actor_id, target_id, liked)``;
* per request: ``cand = eligible_candidates(v, pool, exclude_ids)`` then
  ``score_candidates(v, cand, X, pool, signals)`` and a top-k with ``np.argpartition``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from .features import EDUCATION_RANK, GENDERS, GOALS, ProfileRow, clean_token

GENDER_CODE: dict[str, int] = {g: i + 1 for i, g in enumerate(GENDERS)}  # 0 = unknown / any
GOAL_CODE: dict[str, int] = {g: i + 1 for i, g in enumerate(GOALS)}  # 0 = unknown

#: goal compatibility, indexed [goal code of A, goal code of B] (0 unknown, 1 marriage,
#: 2 dating, 3 friendship): the same goal fits, neighbouring goals half, marriage vs
#: friendship not at all; an unknown goal is neutral.
GOAL_FIT = np.array(
    [
        [0.5, 0.5, 0.5, 0.5],
        [0.5, 1.0, 0.5, 0.0],
        [0.5, 0.5, 1.0, 0.5],
        [0.5, 0.0, 0.5, 1.0],
    ],
    dtype=np.float32,
)

#: age gap (years) that costs one unit of log-odds, and the cap on that cost
AGE_SCALE = 5.0
AGE_PENALTY_CAP = 4.0


# --------------------------------------------------------------------------------------------
# Pool arrays and hard filters
# --------------------------------------------------------------------------------------------


def _f32(values: Iterable[float | None]) -> np.ndarray:
    return np.array([np.nan if v is None else v for v in values], dtype=np.float32)


@dataclass(frozen=True, eq=False)
class PoolArrays:
    """Column arrays of a pool of profiles, aligned with the rows of the feature matrix X.

    Codes: gender 1 male / 2 female / 0 unknown (for `seek_gender`, 0 = any); education rank
    1..5 / 0 unknown (for `edu_min`, 0 = no limit); city id / -1 unknown; numbers are float32
    with NaN for unknown (for a limit, NaN = no limit).
    """

    ids: np.ndarray  # int64 profile ids
    gender: np.ndarray  # int8
    age: np.ndarray  # float32
    height: np.ndarray  # float32
    edu: np.ndarray  # int8
    goal: np.ndarray  # int8
    city: np.ndarray  # int32
    seek_gender: np.ndarray  # int8
    age_min: np.ndarray  # float32
    age_max: np.ndarray  # float32
    height_min: np.ndarray  # float32
    height_max: np.ndarray  # float32
    edu_min: np.ndarray  # int8
    wish_cities: sp.csr_matrix  # (n, n_cities) bool: city ids each one accepts
    has_wish_cities: np.ndarray  # bool
    interests: sp.csr_matrix  # (n, n_tags) float32 tag weights
    interest_total: np.ndarray  # float32 sum of each one's tag weights
    city_vocab: dict[str, int] = field(default_factory=dict)
    tag_vocab: dict[str, int] = field(default_factory=dict)
    index: dict[int, int] = field(default_factory=dict)  # profile id → row
    #: column-major copies for "who accepts city c" / "who has tag t"
    wish_cities_csc: sp.csc_matrix = field(init=False, repr=False)
    interests_csc: sp.csc_matrix = field(init=False, repr=False)
    #: per-row terms of the score that depend on one person only, computed once
    preferred_age: np.ndarray = field(init=False, repr=False)
    engagement: np.ndarray = field(init=False, repr=False)
    _partitions: dict[int, np.ndarray] = field(init=False, repr=False, default_factory=dict)
    _age_runs: dict[int, np.ndarray] = field(init=False, repr=False, default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "wish_cities_csc", self.wish_cities.tocsc())
        object.__setattr__(self, "interests_csc", self.interests.tocsc())
        object.__setattr__(self, "preferred_age", _preferred_age(self.age, self.age_min, self.age_max))
        object.__setattr__(self, "engagement", engagement(self.interest_total))

    def __len__(self) -> int:
        return int(self.ids.shape[0])

    @classmethod
    def from_rows(
        cls,
        rows: Sequence[ProfileRow],
        *,
        city_vocab: dict[str, int] | None = None,
        tag_vocab: dict[str, int] | None = None,
    ) -> PoolArrays:
        """Encode rows; vocabularies grow as needed (pass the old ones to stay compatible)."""
        rows = list(rows)
        cities = dict(city_vocab or {})
        tags = dict(tag_vocab or {})

        def city_id(name: str | None) -> int:
            name = clean_token(name)
            if name is None:
                return -1
            return cities.setdefault(name, len(cities))

        city = np.array([city_id(r.city) for r in rows], dtype=np.int32)
        w_rows, w_cols = [], []
        t_rows, t_cols, t_vals = [], [], []
        for i, r in enumerate(rows):
            for c in {city_id(c) for c in r.cities} - {-1}:
                w_rows.append(i)
                w_cols.append(c)
            for tag, weight in dict((clean_token(t), w) for t, w in r.interests if clean_token(t)).items():
                t_rows.append(i)
                t_cols.append(tags.setdefault(tag, len(tags)))
                t_vals.append(float(min(max(weight, 1), 5)))  # weights are 1..5
        n = len(rows)
        wish = sp.csr_matrix(
            (np.ones(len(w_rows), dtype=bool), (w_rows, w_cols)), shape=(n, max(len(cities), 1))
        )
        inter = sp.csr_matrix(
            (np.array(t_vals, dtype=np.float32), (t_rows, t_cols)), shape=(n, max(len(tags), 1))
        )
        return cls(
            ids=np.array([r.id for r in rows], dtype=np.int64),
            gender=np.array([GENDER_CODE.get(r.gender or "", 0) for r in rows], dtype=np.int8),
            age=_f32(r.age for r in rows),
            height=_f32(r.height_cm for r in rows),
            edu=np.array([EDUCATION_RANK.get(r.education or "", 0) for r in rows], dtype=np.int8),
            goal=np.array([GOAL_CODE.get(r.goal or "", 0) for r in rows], dtype=np.int8),
            city=city,
            seek_gender=np.array([GENDER_CODE.get(r.seeking_gender or "", 0) for r in rows], dtype=np.int8),
            age_min=_f32(r.age_min for r in rows),
            age_max=_f32(r.age_max for r in rows),
            height_min=_f32(r.height_min for r in rows),
            height_max=_f32(r.height_max for r in rows),
            edu_min=np.array([EDUCATION_RANK.get(r.education_min or "", 0) for r in rows], dtype=np.int8),
            wish_cities=wish,
            has_wish_cities=np.diff(wish.indptr) > 0,
            interests=inter,
            interest_total=np.asarray(inter.sum(axis=1), dtype=np.float32).ravel(),
            city_vocab=cities,
            tag_vocab=tags,
            index={int(r.id): i for i, r in enumerate(rows)},
        )

    def extend(self, rows: Sequence[ProfileRow]) -> PoolArrays:
        """A new pool with `rows` appended (a newly approved profile), vocabularies kept."""
        new = PoolArrays.from_rows(rows, city_vocab=self.city_vocab, tag_vocab=self.tag_vocab)

        def stack(a: sp.csr_matrix, b: sp.csr_matrix) -> sp.csr_matrix:
            width = max(a.shape[1], b.shape[1])
            a = sp.csr_matrix((a.data, a.indices, a.indptr), shape=(a.shape[0], width))
            b = sp.csr_matrix((b.data, b.indices, b.indptr), shape=(b.shape[0], width))
            return sp.vstack([a, b], format="csr")

        arrays = {
            name: np.concatenate([getattr(self, name), getattr(new, name)])
            for name in (
                "ids gender age height edu goal city seek_gender age_min age_max height_min "
                "height_max edu_min has_wish_cities interest_total"
            ).split()
        }
        offset = len(self)
        index = dict(self.index)
        index.update({pid: offset + i for pid, i in new.index.items()})
        return PoolArrays(
            **arrays,
            wish_cities=stack(self.wish_cities, new.wish_cities),
            interests=stack(self.interests, new.interests),
            city_vocab=new.city_vocab,
            tag_vocab=new.tag_vocab,
            index=index,
        )

    def positions(self, ids: Iterable[int]) -> np.ndarray:
        """Row positions of the given profile ids (ids not in the pool are skipped)."""
        return np.array([self.index[i] for i in ids if i in self.index], dtype=np.int64)

    def partition(self, gender: int) -> np.ndarray:
        """Row positions of one gender code, or of everyone for code 0 ("any"); cached (a pool
        never changes: `extend` makes a new one). Do not modify the returned array."""
        found = self._partitions.get(gender)
        if found is None:
            found = np.arange(len(self), dtype=np.int64) if gender == 0 else np.flatnonzero(self.gender == gender)
            self._partitions[gender] = found
        return found

    def age_window(self, gender: int, lo: float, hi: float) -> np.ndarray:
        """`partition(gender)` without the rows that certainly fail an age limit [lo, hi] (NaN: no
        limit), positions ascending: a superset of the partition's rows within the limits.

        The index builds each gender's rows in age order, so the ages wished for are one
        contiguous run of that ordered part, found by bisection; the rest of the partition
        (unknown ages, rows appended since the build) comes after it uncut. Filtering and
        scoring then touch a fraction of the partition instead of all of it.
        """
        part = self.partition(gender)
        ages = self._age_runs.get(gender)
        if ages is None:
            ages = self.age[part]
            # the longest leading run of known ages in ascending order
            bad = np.isnan(ages)
            bad[1:] |= ages[1:] < ages[:-1]
            ages = ages[:int(np.argmax(bad)) if bad.any() else ages.size]
            self._age_runs[gender] = ages
        k = ages.size
        start = 0 if np.isnan(lo) else int(np.searchsorted(ages, lo, side="left"))
        stop = k if np.isnan(hi) else int(np.searchsorted(ages, hi, side="right"))
        if start == 0 and stop == k:
            return part
        return np.concatenate([part[start:max(start, stop)], part[k:]])


def age_order(rows: Sequence[ProfileRow]) -> list[int]:
    """The order in which the index lays out its rows: by gender, then known ages ascending (then
    unknown ones), then id; each gender's partition is thus in age order (see
    `PoolArrays.age_window`)."""
    return sorted(range(len(rows)), key=lambda i: (rows[i].gender or "", rows[i].age is None, rows[i].age or 0,
                                                   rows[i].id))


def _within(value: np.ndarray | float, lo: np.ndarray | float, hi: np.ndarray | float) -> np.ndarray:
    """value ∈ [lo, hi] where a NaN limit is no limit and a NaN value fails any set limit."""
    with np.errstate(invalid="ignore"):
        ok_lo = np.isnan(lo) | (value >= lo)
        ok_hi = np.isnan(hi) | (value <= hi)
    return ok_lo & ok_hi


def hard_filter_mask(viewer_idx: int, pool: PoolArrays, cand_idx: np.ndarray | None = None) -> np.ndarray:
    """Boolean mask over `cand_idx` (default: the whole pool) of the candidates that satisfy both
    directions: the candidate fits the viewer's wishes and the viewer fits the candidate's.

    A wish left empty is no limit; a candidate whose value for a limited field is unknown fails
    that limit (and so does the viewer, for the candidate's limits). Self and already-seen
    people are the caller's business (`exclude_mask`).
    """
    v = viewer_idx
    c = np.arange(len(pool), dtype=np.int64) if cand_idx is None else np.asarray(cand_idx, dtype=np.int64)
    # candidate fits the viewer's wishes
    sg = pool.seek_gender[v]
    mask = (pool.gender[c] == sg) if sg else np.ones(c.shape[0], dtype=bool)
    mask &= _within(pool.age[c], pool.age_min[v], pool.age_max[v])
    mask &= _within(pool.height[c], pool.height_min[v], pool.height_max[v])
    if pool.edu_min[v]:
        mask &= pool.edu[c] >= pool.edu_min[v]
    if pool.has_wish_cities[v]:
        wanted = pool.wish_cities[v].indices
        mask &= np.isin(pool.city[c], wanted)
    # viewer fits the candidate's wishes
    g = pool.gender[v]
    mask &= (pool.seek_gender[c] == 0) | (pool.seek_gender[c] == g) if g else pool.seek_gender[c] == 0
    mask &= _within(pool.age[v], pool.age_min[c], pool.age_max[c])
    mask &= _within(pool.height[v], pool.height_min[c], pool.height_max[c])
    mask &= (pool.edu_min[c] == 0) | (pool.edu_min[c] <= pool.edu[v]) if pool.edu[v] else pool.edu_min[c] == 0
    city_v = pool.city[v]
    if city_v >= 0 and city_v < pool.wish_cities.shape[1]:
        accepts = np.zeros(len(pool), dtype=bool)
        csc = pool.wish_cities_csc
        accepts[csc.indices[csc.indptr[city_v]:csc.indptr[city_v + 1]]] = True
        mask &= ~pool.has_wish_cities[c] | accepts[c]
    else:
        mask &= ~pool.has_wish_cities[c]
    return mask


def hard_filter_block(viewers: np.ndarray, pool: PoolArrays, cand_idx: np.ndarray) -> np.ndarray:
    """`hard_filter_mask` for many viewers at once: a (viewers × candidates) boolean matrix whose
    row i equals ``hard_filter_mask(viewers[i], pool, cand_idx)`` (the daily push scores blocks
    of members against one candidate sample)."""
    vi = np.asarray(viewers, dtype=np.int64)
    ci = np.asarray(cand_idx, dtype=np.int64)
    v, c = vi[:, None], ci[None, :]
    # candidate fits the viewer's wishes
    sg = pool.seek_gender[v]
    mask = (sg == 0) | (pool.gender[c] == sg)
    mask &= _within(pool.age[c], pool.age_min[v], pool.age_max[v])
    mask &= _within(pool.height[c], pool.height_min[v], pool.height_max[v])
    mask &= pool.edu[c] >= pool.edu_min[v]
    width = pool.wish_cities.shape[1]

    def wished(rows: np.ndarray, cities: np.ndarray) -> np.ndarray:
        """(rows × cities): does row r list city c among its wishes (unknown city: no)."""
        dense = np.zeros((rows.size, width + 1), dtype=bool)  # last column: unknown city
        dense[:, :width] = pool.wish_cities[rows].toarray()
        return dense[:, np.where((cities >= 0) & (cities < width), cities, width)]

    mask &= ~pool.has_wish_cities[v] | wished(vi, pool.city[ci])
    # viewer fits the candidate's wishes
    g, sgc = pool.gender[v], pool.seek_gender[c]
    mask &= (sgc == 0) | ((g != 0) & (sgc == g))
    mask &= _within(pool.age[v], pool.age_min[c], pool.age_max[c])
    mask &= _within(pool.height[v], pool.height_min[c], pool.height_max[c])
    mask &= pool.edu_min[c] <= pool.edu[v]
    mask &= ~pool.has_wish_cities[c] | wished(ci, pool.city[vi]).T
    return mask


def exclude_mask(viewer_idx: int, pool: PoolArrays, cand_idx: np.ndarray, exclude_ids: Iterable[int] = ()) -> np.ndarray:
    """Boolean mask over `cand_idx`: False for the viewer and for the excluded profile ids
    (blocked either way, already liked or passed, unmatched)."""
    excluded = pool.positions(exclude_ids)
    mask = ~np.isin(cand_idx, excluded) if excluded.size else np.ones(len(cand_idx), dtype=bool)
    return mask & (cand_idx != viewer_idx)


def eligible_candidates(viewer_idx: int, pool: PoolArrays, exclude_ids: Iterable[int] = ()) -> np.ndarray:
    """Row positions of everyone the viewer may be shown: the sought gender's partition, hard
    filters both ways, minus the viewer and `exclude_ids`."""
    v = viewer_idx
    cand = pool.age_window(int(pool.seek_gender[v]), pool.age_min[v], pool.age_max[v])
    cand = cand[hard_filter_mask(v, pool, cand)]
    return cand[exclude_mask(viewer_idx, pool, cand, exclude_ids)]


# --------------------------------------------------------------------------------------------
# Interaction signals
# --------------------------------------------------------------------------------------------


class InteractionSignals:
    """Learning from likes/passes/matches: built from (actor_id, target_id, liked: bool) events.

    Keeps per-person counts (likes given / decisions given, likes received / decisions
    received), exact after every `add`, and a sparse decision matrix D (+1 like, −1 pass;
    row = actor, column = target, positions as in the pool; the latest decision on a pair wins)
    for the collaborative terms. New events wait in a small pending map and are merged into D
    once they exceed nnz(D) / `MERGE_RATIO` (amortised O(1) per event); until then the viewer's
    own pending decisions, given and received, are patched in at request time.
    """

    #: merge pending events into D once they number nnz(D) / MERGE_RATIO (or more)
    MERGE_RATIO = 32

    def __init__(self, ids: np.ndarray) -> None:
        self.ids = np.asarray(ids, dtype=np.int64)
        self.index = {int(pid): i for i, pid in enumerate(self.ids.tolist())}
        n = len(self.ids)
        self.given_yes = np.zeros(n, dtype=np.float64)
        self.given_n = np.zeros(n, dtype=np.float64)
        self.recv_yes = np.zeros(n, dtype=np.float64)
        self.recv_n = np.zeros(n, dtype=np.float64)
        self._D = sp.csr_matrix((n, n), dtype=np.float32)
        self._DT = sp.csr_matrix((n, n), dtype=np.float32)
        self._pending: dict[tuple[int, int], float] = {}
        self._pending_by_actor: dict[int, dict[int, float]] = {}
        self._pending_by_target: dict[int, dict[int, float]] = {}
        self._n_decisions = 0
        self._global: float | None = None  # cached global_rate()

    @classmethod
    def from_events(cls, ids: np.ndarray, events: Iterable[tuple[int, int, bool]]) -> InteractionSignals:
        """Build from events in time order (vectorised; ids outside the pool are ignored)."""
        self = cls(ids)
        rows = list(events)
        n = len(self.ids)
        if not rows or n == 0:
            return self
        raw = np.array([(int(a), int(t), bool(y)) for a, t, y in rows], dtype=np.int64).reshape(-1, 3)
        order = np.argsort(self.ids, kind="stable")
        sorted_ids = self.ids[order]

        def to_pos(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
            at = np.minimum(np.searchsorted(sorted_ids, values), n - 1)
            return order[at], sorted_ids[at] == values

        a, ok_a = to_pos(raw[:, 0])
        t, ok_t = to_pos(raw[:, 1])
        keep = ok_a & ok_t & (a != t)
        a, t, y = a[keep], t[keep], raw[keep, 2].astype(bool)
        # the latest decision on a pair wins
        key = a * n + t
        _, last = np.unique(key[::-1], return_index=True)
        pick = len(key) - 1 - last
        self._set_matrix(a[pick], t[pick], np.where(y[pick], 1.0, -1.0).astype(np.float32))
        return self

    def _set_matrix(self, a: np.ndarray, t: np.ndarray, vals: np.ndarray) -> None:
        n = len(self.ids)
        self._D = sp.csr_matrix((vals, (a, t)), shape=(n, n))
        self._DT = sp.csr_matrix((vals, (t, a)), shape=(n, n))
        yes = (vals > 0).astype(np.float64)
        self.given_n = np.bincount(a, minlength=n).astype(np.float64)
        self.recv_n = np.bincount(t, minlength=n).astype(np.float64)
        self.given_yes = np.bincount(a, weights=yes, minlength=n)
        self.recv_yes = np.bincount(t, weights=yes, minlength=n)
        self._n_decisions = len(vals)
        self._global = None
        self._pending.clear()
        self._pending_by_actor.clear()
        self._pending_by_target.clear()

    def extend(self, new_ids: Sequence[int] | np.ndarray) -> None:
        """Append pool rows (newly approved profiles, no decisions yet), in place, so that the
        signals stay aligned with `PoolArrays.extend` without replaying every event."""
        new_ids = np.asarray(new_ids, dtype=np.int64)
        start = len(self.ids)
        self.ids = np.concatenate([self.ids, new_ids])
        self.index.update({int(pid): start + i for i, pid in enumerate(new_ids.tolist())})
        n = len(self.ids)
        for name in ("given_yes", "given_n", "recv_yes", "recv_n"):
            setattr(self, name, np.concatenate([getattr(self, name), np.zeros(len(new_ids))]))
        self._D.resize((n, n))
        self._DT.resize((n, n))

    def __len__(self) -> int:
        """How many (actor, target) decisions are known."""
        return self._n_decisions

    def _stored(self, a: int, t: int) -> float:
        """The decision a → t in D (0 when there is none)."""
        lo, hi = self._D.indptr[a], self._D.indptr[a + 1]
        k = lo + np.searchsorted(self._D.indices[lo:hi], t)
        return float(self._D.data[k]) if k < hi and self._D.indices[k] == t else 0.0

    def add(self, actor_id: int, target_id: int, liked: bool) -> None:
        """Record one decision (ids outside the pool, and self-likes, are ignored)."""
        a, t = self.index.get(int(actor_id)), self.index.get(int(target_id))
        if a is None or t is None or a == t:
            return
        value = 1.0 if liked else -1.0
        before = self._pending.get((a, t)) or self._stored(a, t)
        if before:
            self.given_yes[a] -= before > 0
            self.recv_yes[t] -= before > 0
        else:
            self.given_n[a] += 1
            self.recv_n[t] += 1
            self._n_decisions += 1
        self.given_yes[a] += liked
        self.recv_yes[t] += liked
        self._global = None
        self._pending[(a, t)] = value
        self._pending_by_actor.setdefault(a, {})[t] = value
        self._pending_by_target.setdefault(t, {})[a] = value

    def _merge(self) -> None:
        if not self._pending or len(self._pending) * self.MERGE_RATIO < self._D.nnz:
            return
        coo = self._D.tocoo()
        pa, pt = np.array(list(self._pending), dtype=np.int64).reshape(-1, 2).T
        pv = np.fromiter(self._pending.values(), dtype=np.float32, count=len(self._pending))
        a = np.concatenate([coo.row.astype(np.int64), pa])
        t = np.concatenate([coo.col.astype(np.int64), pt])
        v = np.concatenate([coo.data, pv])
        key = a * len(self.ids) + t
        _, last = np.unique(key[::-1], return_index=True)
        pick = len(key) - 1 - last
        self._set_matrix(a[pick], t[pick], v[pick])

    # -- per-person rates ---------------------------------------------------------------

    def global_rate(self) -> float:
        """Share of likes among all decisions, with one pseudo-like and one pseudo-pass."""
        if self._global is None:
            self._global = float((self.given_yes.sum() + 1.0) / (self.given_n.sum() + 2.0))
        return self._global

    def rate_logits(self, idx: np.ndarray | int, prior: float) -> tuple[np.ndarray, np.ndarray]:
        """(received, given) yes-rates of the people at `idx` as log-odds relative to the global
        rate, shrunk towards it by `prior` pseudo-decisions: exactly 0 with no decisions."""
        g = self.global_rate()
        base = np.log(g / (1.0 - g))

        def shrunk(yes: np.ndarray, n: np.ndarray) -> np.ndarray:
            p = (yes[idx] + prior * g) / (n[idx] + prior)
            return np.log(p / (1.0 - p)) - base

        return shrunk(self.recv_yes, self.recv_n), shrunk(self.given_yes, self.given_n)

    # -- collaborative terms ------------------------------------------------------------

    @staticmethod
    def _line(M: sp.csr_matrix, i: int, patch: dict[int, float] | None) -> tuple[np.ndarray, np.ndarray]:
        """Row i of M as (columns, values), with pending decisions patched in."""
        lo, hi = M.indptr[i], M.indptr[i + 1]
        cols, vals = M.indices[lo:hi].astype(np.int64), M.data[lo:hi].astype(np.float64)
        if patch:
            merged = dict(zip(cols.tolist(), vals.tolist()))
            merged.update(patch)
            cols = np.fromiter(merged.keys(), dtype=np.int64, count=len(merged))
            vals = np.fromiter(merged.values(), dtype=np.float64, count=len(merged))
        return cols, vals

    @staticmethod
    def _gather(M: sp.csr_matrix, rows: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """All entries of the given rows of M: (columns, value × the row's weight)."""
        starts, ends = M.indptr[rows], M.indptr[rows + 1]
        lengths = ends - starts
        if lengths.sum() == 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0)
        at = np.repeat(starts - np.cumsum(lengths) + lengths, lengths) + np.arange(lengths.sum())
        return M.indices[at].astype(np.int64), M.data[at] * np.repeat(weights, lengths)

    def collaborative(self, viewer_idx: int, cand_idx: np.ndarray, shrink: float) -> tuple[np.ndarray, np.ndarray]:
        """Per candidate B, in [-1, 1] and shrunk towards 0 when evidence is thin:

        * A → B: the decisions on B of the people whose decisions agree with A's (user-user);
        * B → A: B's decisions on the people whom others judged as they judged A (item-item).

        Cost: the decisions two hops around the viewer, not the size of the pool.
        """
        self._merge()
        v = viewer_idx
        ab = self._neighbour_vote(
            v, cand_idx, self._line(self._D, v, self._pending_by_actor.get(v)), self._DT, self._D, self.given_n, shrink
        )
        ba = self._neighbour_vote(
            v, cand_idx, self._line(self._DT, v, self._pending_by_target.get(v)), self._D, self._DT, self.recv_n, shrink
        )
        return ab, ba

    def _neighbour_vote(self, v: int, cand_idx: np.ndarray, line: tuple[np.ndarray, np.ndarray],
                        first: sp.csr_matrix, second: sp.csr_matrix, counts: np.ndarray,
                        shrink: float) -> np.ndarray:
        """Two sparse hops from the viewer's decisions `line` (columns, ±1):

        neighbours k = everyone reached through `first` from those columns, weighted by the
        cosine of their ±1 decisions with the viewer's (k's own decision count from `counts`);
        then each candidate's score is the neighbours' weighted vote, read through `second`,
        over the total weight of the neighbours that voted, plus `shrink`.
        A → B: first = Dᵀ (targets → their raters), second = D (raters → targets).
        B → A: first = D (raters → their targets), second = Dᵀ (targets → raters).
        """
        out = np.zeros(len(cand_idx))
        cols, vals = line
        if cols.size == 0:
            return out
        reached, w = self._gather(first, cols, vals)
        neighbours, at = np.unique(reached, return_inverse=True)
        sim = np.bincount(at, weights=w) / np.sqrt(np.maximum(counts[neighbours], 1.0) * cols.size)
        keep = (sim != 0) & (neighbours != v)
        voted, w = self._gather(second, neighbours[keep], sim[keep])
        if voted.size == 0:
            return out
        voted, at = np.unique(voted, return_inverse=True)
        num = np.bincount(at, weights=w)
        den = np.bincount(at, weights=np.abs(w))  # decisions are ±1, so |w| is the voter's |sim|
        k = np.minimum(np.searchsorted(voted, cand_idx), len(voted) - 1)
        hit = voted[k] == cand_idx
        out[hit] = num[k[hit]] / (den[k[hit]] + shrink)
        return out


# --------------------------------------------------------------------------------------------
# Scoring
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScoreWeights:
    """Weights of the directional log-odds.

    How they were obtained (reproduce with `python -m bench.offline_speed_dating --derive`):

    * content terms: unit weights on standardised terms (an "improper linear model": robust where
      a model fitted to a few hundred people overfits), i.e. ``0.25 / sd`` of each term over all
      dates of the training waves 1–10 — no outcome used: sd of cosine ≈ 0.135, age ≈ 1.04,
      interests ≈ 0.167, engagement ≈ 0.198. A logistic regression on the same terms did worse
      when each wave was left out in turn (≈ 0.555). Goal, education and city are constant in
      those data: goal stays small (0.2; its fit showed no signal there), education and city
      get the weight of a term of their spread.
    * interaction terms: yes-rates and collaborative averages are already on a log-odds /
      agreement scale, so they enter with weight 1; halving or doubling any of them moves the
      warm pAUC by ≤ 0.02 over three random halves; `prior` = 2 pseudo-decisions, `shrink` = 1.
    * `bias` only sets where the harmonic mean bends; it barely changes rankings.
    """

    bias: float = -0.5
    cosine: float = 1.85
    age: float = 0.24
    interests: float = 1.5
    goal: float = 0.2
    education: float = 0.25
    city: float = 0.4
    engagement: float = 1.26
    received: float = 1.0
    given: float = 1.0
    collaborative: float = 1.0
    prior: float = 2.0  # pseudo-decisions in the yes-rate shrinkage
    shrink: float = 1.0  # pseudo-weight in the collaborative averages


DEFAULT_WEIGHTS = ScoreWeights()


#: interest weight total at which engagement reaches 1 − 1/e (e.g. ten tags at weight 3)
ENGAGEMENT_SCALE = 30.0


def engagement(interest_total: np.ndarray) -> np.ndarray:
    """Saturating measure in [0, 1) of how many and how strong interests someone listed."""
    return 1.0 - np.exp(-np.asarray(interest_total, dtype=np.float64) / ENGAGEMENT_SCALE)


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(z, -30.0, 30.0)))


def _span_dot(X: np.ndarray, cand_idx: np.ndarray, x: np.ndarray) -> np.ndarray:
    """X[cand_idx] @ x without gathering rows: one contiguous matvec over the span of the
    candidates (a gender-sorted pool keeps that span to one partition)."""
    if cand_idx.size == 0:
        return np.zeros(0, dtype=np.float32)
    lo, hi = int(cand_idx.min()), int(cand_idx.max()) + 1
    if cand_idx.size * 8 < hi - lo:  # sparse pick: gathering is cheaper
        return X[cand_idx] @ x
    return (X[lo:hi] @ x)[cand_idx - lo]


def _preferred_age(age: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """Own age pulled into the stated range [lo, hi]; the range centre when the age is unknown."""
    centre = np.where(np.isnan(lo), hi, np.where(np.isnan(hi), lo, (lo + hi) / 2))
    ref = np.where(np.isnan(age), centre, age)
    ref = np.where(np.isnan(lo) | np.isnan(ref), ref, np.maximum(ref, lo))
    return np.where(np.isnan(hi) | np.isnan(ref), ref, np.minimum(ref, hi))


def _age_fit(ages: np.ndarray, preferred: np.ndarray) -> np.ndarray:
    """−(gap / AGE_SCALE)², capped; an unknown on either side costs half the cap."""
    gap = (ages - preferred) / AGE_SCALE
    with np.errstate(invalid="ignore"):
        cost = np.minimum(gap * gap, AGE_PENALTY_CAP)
    return -np.where(np.isnan(cost), AGE_PENALTY_CAP / 2, cost)


def _rows_dot(M: sp.csr_matrix, rows: np.ndarray, cols: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """``M[rows] @ v`` for a sparse ``v`` given by ``cols``/``weights``, in plain numpy: scipy's
    row slicing costs more in overhead than the arithmetic when there are a few hundred rows."""
    wv = np.zeros(M.shape[1], dtype=np.float64)
    wv[cols] = weights
    starts, ends = M.indptr[rows], M.indptr[rows + 1]
    lengths = ends - starts
    total = int(lengths.sum())
    out = np.zeros(rows.size, dtype=np.float64)
    if total == 0:
        return out
    offsets = np.cumsum(lengths) - lengths
    pos = np.repeat(starts - offsets, lengths) + np.arange(total)
    vals = M.data[pos] * wv[M.indices[pos]]
    nonempty = lengths > 0
    out[nonempty] = np.add.reduceat(vals, offsets[nonempty])
    return out


def content_logits(viewer_idx: int, cand_idx: np.ndarray, X: np.ndarray, pool: PoolArrays,
                   weights: ScoreWeights = DEFAULT_WEIGHTS) -> tuple[np.ndarray, np.ndarray]:
    """Directional content log-odds (A → B, B → A) for viewer A and candidates B, before bias."""
    v, c = viewer_idx, cand_idx
    w = weights
    cos = _span_dot(X, c, X[v]).astype(np.float64)
    shared = cos * w.cosine
    # goal, education, city: symmetric
    shared += w.goal * GOAL_FIT[pool.goal[v], pool.goal[c]]
    if pool.edu[v]:
        known = pool.edu[c] > 0
        shared -= w.education * known * np.abs(pool.edu[c].astype(np.float64) - pool.edu[v]) / 4.0
    if pool.city[v] >= 0:
        shared += w.city * (pool.city[c] == pool.city[v])
    # how much each put into the profile: an open, active person is both more liked and more
    # likely to like back, so both people's engagement enters both directions (the pair's
    # score stays the same whoever of the two is the viewer)
    shared += w.engagement * (pool.engagement[c] + pool.engagement[v])
    # age: B's age against A's preferred age, and the other way round
    ab = shared + w.age * _age_fit(pool.age[c], pool.preferred_age[v])
    ba = shared + w.age * _age_fit(pool.age[v], pool.preferred_age[c])
    # interests: how keen B is on A's tags (weighted by A's), and the other way round
    tags_v = pool.interests[v]
    cols = tags_v.indices
    if cols.size and pool.interest_total[v] > 0:
        if c.size * 8 < len(pool):  # a few candidates (daily push, groups): gather their rows
            dot = _rows_dot(pool.interests, c, cols, tags_v.data)
        else:  # most of the pool: one pass over the viewer's tag columns
            dot = np.asarray(pool.interests_csc[:, cols] @ tags_v.data, dtype=np.float64).ravel()[c]
        ab += w.interests * dot / (5.0 * pool.interest_total[v])
        with np.errstate(invalid="ignore", divide="ignore"):
            ba += w.interests * np.where(pool.interest_total[c] > 0, dot / (5.0 * pool.interest_total[c]), 0.0)
    return ab, ba


def directional_probabilities(viewer_idx: int, cand_idx: np.ndarray, X: np.ndarray, pool: PoolArrays,
                              signals: InteractionSignals | None = None,
                              weights: ScoreWeights = DEFAULT_WEIGHTS) -> tuple[np.ndarray, np.ndarray]:
    """(P(A likes B), P(B likes A)) for viewer A and every candidate B."""
    cand_idx = np.asarray(cand_idx, dtype=np.int64)
    w = weights
    ab, ba = content_logits(viewer_idx, cand_idx, X, pool, w)
    if signals is not None and len(signals):
        recv_c, given_c = signals.rate_logits(cand_idx, w.prior)
        recv_v, given_v = signals.rate_logits(viewer_idx, w.prior)
        ab += w.received * recv_c + w.given * given_v
        ba += w.received * recv_v + w.given * given_c
        cf_ab, cf_ba = signals.collaborative(viewer_idx, cand_idx, w.shrink)
        ab += w.collaborative * cf_ab
        ba += w.collaborative * cf_ba
    return _sigmoid(w.bias + ab), _sigmoid(w.bias + ba)


def score_candidates(viewer_idx: int, cand_idx: np.ndarray, X: np.ndarray, pool: PoolArrays,
                     signals: InteractionSignals | None = None,
                     weights: ScoreWeights = DEFAULT_WEIGHTS) -> np.ndarray:
    """Reciprocal score of each candidate for the viewer: the harmonic mean of P(A likes B) and
    P(B likes A). Higher is better; always finite, in (0, 1)."""
    p_ab, p_ba = directional_probabilities(viewer_idx, cand_idx, X, pool, signals, weights)
    return 2.0 * p_ab * p_ba / (p_ab + p_ba)


def content_logits_block(viewers: np.ndarray, cand_idx: np.ndarray, X: np.ndarray, pool: PoolArrays,
                         weights: ScoreWeights = DEFAULT_WEIGHTS) -> tuple[np.ndarray, np.ndarray]:
    """`content_logits` for many viewers at once: (viewers × candidates) matrices, one matrix
    product for the cosines and one sparse product for the shared interests."""
    vi = np.asarray(viewers, dtype=np.int64)
    ci = np.asarray(cand_idx, dtype=np.int64)
    v, c = vi[:, None], ci[None, :]
    w = weights
    shared = w.cosine * (X[vi] @ X[ci].T).astype(np.float64)
    shared += w.goal * GOAL_FIT[pool.goal[v], pool.goal[c]]
    ev, ec = pool.edu[v].astype(np.float64), pool.edu[c].astype(np.float64)
    shared -= w.education * ((ev > 0) & (ec > 0)) * np.abs(ec - ev) / 4.0
    shared += w.city * ((pool.city[v] >= 0) & (pool.city[c] == pool.city[v]))
    shared += w.engagement * (pool.engagement[c] + pool.engagement[v])
    ab = shared + w.age * _age_fit(pool.age[c], pool.preferred_age[v])
    ba = shared + w.age * _age_fit(pool.age[v], pool.preferred_age[c])
    dot = np.asarray((pool.interests[vi] @ pool.interests[ci].T).toarray(), dtype=np.float64)
    tv, tc = pool.interest_total[v].astype(np.float64), pool.interest_total[c].astype(np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        ab += w.interests * np.where(tv > 0, dot / (5.0 * tv), 0.0)
        ba += w.interests * np.where(tc > 0, dot / (5.0 * tc), 0.0)
    return ab, ba


def score_block(viewers: np.ndarray, cand_idx: np.ndarray, X: np.ndarray, pool: PoolArrays,
                signals: InteractionSignals | None = None,
                weights: ScoreWeights = DEFAULT_WEIGHTS) -> np.ndarray:
    """`score_candidates` for many viewers at once: row i of the (viewers × candidates) result
    equals ``score_candidates(viewers[i], cand_idx, ...)``. The content terms are matrix
    products; the collaborative terms stay per viewer (their cost is the decisions around each
    viewer, not the candidates)."""
    vi = np.asarray(viewers, dtype=np.int64)
    ci = np.asarray(cand_idx, dtype=np.int64)
    w = weights
    ab, ba = content_logits_block(vi, ci, X, pool, w)
    if signals is not None and len(signals) and ci.size:
        recv_c, given_c = signals.rate_logits(ci, w.prior)
        recv_v, given_v = signals.rate_logits(vi, w.prior)
        ab += w.received * recv_c[None, :] + w.given * given_v[:, None]
        ba += w.received * recv_v[:, None] + w.given * given_c[None, :]
        for i, viewer in enumerate(vi.tolist()):
            cf_ab, cf_ba = signals.collaborative(viewer, ci, w.shrink)
            ab[i] += w.collaborative * cf_ab
            ba[i] += w.collaborative * cf_ba
    p_ab, p_ba = _sigmoid(w.bias + ab), _sigmoid(w.bias + ba)
    return 2.0 * p_ab * p_ba / (p_ab + p_ba)
