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
(B → A). Their weights were fitted as described at `WARM_WEIGHTS`.

Hard filters (`hard_filter_mask`) are separate and exact: a candidate either fits both people's
stated wishes or is never scored.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from .features import EDUCATION_RANK, GENDERS, GOALS, ProfileRow

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


def _norm(value: str | None) -> str | None:
    if value is None:
        return None
    value = value.strip().lower()
    return value or None


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

    def __post_init__(self) -> None:
        object.__setattr__(self, "wish_cities_csc", self.wish_cities.tocsc())
        object.__setattr__(self, "interests_csc", self.interests.tocsc())

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
            name = _norm(name)
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
            for tag, weight in dict((_norm(t), w) for t, w in r.interests if _norm(t)).items():
                t_rows.append(i)
                t_cols.append(tags.setdefault(tag, len(tags)))
                t_vals.append(float(weight))
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
        """Row positions of one gender code, or of everyone for code 0 ("any")."""
        if gender == 0:
            return np.arange(len(self), dtype=np.int64)
        return np.flatnonzero(self.gender == gender)


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


def exclude_mask(viewer_idx: int, pool: PoolArrays, cand_idx: np.ndarray, exclude_ids: Iterable[int] = ()) -> np.ndarray:
    """Boolean mask over `cand_idx`: False for the viewer and for the excluded profile ids
    (blocked either way, already liked or passed, unmatched)."""
    excluded = pool.positions(exclude_ids)
    mask = ~np.isin(cand_idx, excluded) if excluded.size else np.ones(len(cand_idx), dtype=bool)
    return mask & (cand_idx != viewer_idx)


def eligible_candidates(viewer_idx: int, pool: PoolArrays, exclude_ids: Iterable[int] = ()) -> np.ndarray:
    """Row positions of everyone the viewer may be shown: the sought gender's partition, hard
    filters both ways, minus the viewer and `exclude_ids`."""
    cand = pool.partition(int(pool.seek_gender[viewer_idx]))
    cand = cand[hard_filter_mask(viewer_idx, pool, cand)]
    return cand[exclude_mask(viewer_idx, pool, cand, exclude_ids)]


# --------------------------------------------------------------------------------------------
# Interaction signals
# --------------------------------------------------------------------------------------------


class InteractionSignals:
    """Learning from likes/passes/matches: built from (actor_id, target_id, liked: bool) events.

    Keeps per-person counts (likes given / decisions given, likes received / decisions
    received), exact after every `add`, and a sparse decision matrix D (+1 like, −1 pass,
    rows = actor, columns = target, positions as in the pool) for the collaborative terms.
    D is rebuilt lazily when enough new events have come in to make it worth it
    (amortised O(1) per event); until then the viewer's own newest events are patched in.
    A repeated (actor, target) decision keeps the latest.
    """

    #: rebuild D once pending events exceed nnz(D) / REBUILD_RATIO
    REBUILD_RATIO = 32

    def __init__(self, ids: np.ndarray) -> None:
        self.ids = np.asarray(ids, dtype=np.int64)
        self.index = {int(pid): i for i, pid in enumerate(self.ids)}
        n = len(self.ids)
        self._decisions: dict[tuple[int, int], bool] = {}
        self.given_yes = np.zeros(n, dtype=np.float64)
        self.given_n = np.zeros(n, dtype=np.float64)
        self.recv_yes = np.zeros(n, dtype=np.float64)
        self.recv_n = np.zeros(n, dtype=np.float64)
        self._D = sp.csr_matrix((n, n), dtype=np.float32)
        self._DT = sp.csr_matrix((n, n), dtype=np.float32)
        self._pending: dict[int, dict[int, float]] = {}
        self._n_pending = 0

    @classmethod
    def from_events(cls, ids: np.ndarray, events: Iterable[tuple[int, int, bool]]) -> InteractionSignals:
        self = cls(ids)
        for actor, target, liked in events:
            self._record(actor, target, liked)
        self._rebuild()
        return self

    def __len__(self) -> int:
        return len(self._decisions)

    @property
    def yes_total(self) -> float:
        return float(self.given_yes.sum())

    def add(self, actor_id: int, target_id: int, liked: bool) -> None:
        """Record one decision (ids outside the pool are ignored)."""
        if self._record(actor_id, target_id, liked):
            a, t = self.index[actor_id], self.index[target_id]
            self._pending.setdefault(a, {})[t] = 1.0 if liked else -1.0
            self._n_pending += 1

    def _record(self, actor_id: int, target_id: int, liked: bool) -> bool:
        a, t = self.index.get(int(actor_id)), self.index.get(int(target_id))
        if a is None or t is None or a == t:
            return False
        liked = bool(liked)
        before = self._decisions.get((a, t))
        if before is not None:
            self.given_yes[a] -= before
            self.recv_yes[t] -= before
        else:
            self.given_n[a] += 1
            self.recv_n[t] += 1
        self._decisions[(a, t)] = liked
        self.given_yes[a] += liked
        self.recv_yes[t] += liked
        return True

    def _rebuild(self) -> None:
        n = len(self.ids)
        if self._decisions:
            keys = np.fromiter((k for pair in self._decisions for k in pair), dtype=np.int64).reshape(-1, 2)
            vals = np.fromiter((1.0 if v else -1.0 for v in self._decisions.values()), dtype=np.float32)
            coo = sp.coo_matrix((vals, (keys[:, 0], keys[:, 1])), shape=(n, n))
            self._D = coo.tocsr()
            self._DT = coo.T.tocsr()
        self._pending.clear()
        self._n_pending = 0

    def _refresh(self) -> None:
        if self._n_pending and self._n_pending * self.REBUILD_RATIO >= self._D.nnz:
            self._rebuild()

    # -- per-person rates ---------------------------------------------------------------

    def global_rate(self) -> float:
        total = self.given_n.sum()
        return float((self.given_yes.sum() + 1.0) / (total + 2.0))

    def rate_logits(self, prior: float) -> tuple[np.ndarray, np.ndarray]:
        """(received, given) yes-rates of everyone as log-odds relative to the global rate,
        shrunk towards it with `prior` pseudo-decisions (0 for someone with no decisions)."""
        g = self.global_rate()
        base = np.log(g / (1.0 - g))

        def shrunk(yes: np.ndarray, n: np.ndarray) -> np.ndarray:
            p = (yes + prior * g) / (n + prior)
            return np.log(p / (1.0 - p)) - base

        return shrunk(self.recv_yes, self.recv_n), shrunk(self.given_yes, self.given_n)

    # -- collaborative terms ------------------------------------------------------------

    def _viewer_row(self, v: int) -> sp.csr_matrix:
        row = self._D[v]
        pend = self._pending.get(v)
        if not pend:
            return row
        d = dict(zip(row.indices.tolist(), row.data.tolist()))
        d.update(pend)
        cols = np.fromiter(d.keys(), dtype=np.int64)
        return sp.csr_matrix((np.fromiter(d.values(), dtype=np.float32), (np.zeros(len(d), dtype=np.int64), cols)), shape=(1, len(self.ids)))

    def collaborative(self, viewer_idx: int, cand_idx: np.ndarray, shrink: float) -> tuple[np.ndarray, np.ndarray]:
        """Per candidate B, in [-1, 1], shrunk towards 0 when evidence is thin:

        * A → B: the decisions on B of the people whose decisions agree with A's (user-user);
        * B → A: B's decisions on the people whom others judged as they judged A (item-item).
        """
        self._refresh()
        n = len(self.ids)
        D, DT = self._D, self._DT
        out_ab = np.zeros(len(cand_idx), dtype=np.float64)
        out_ba = np.zeros(len(cand_idx), dtype=np.float64)
        if D.nnz == 0 and not self._pending:
            return out_ab, out_ba
        rated_by = np.maximum(np.diff(D.indptr), 1).astype(np.float64)  # decisions given
        rated_of = np.maximum(np.diff(DT.indptr), 1).astype(np.float64)  # decisions received
        # A → B: raters who agree with A (cosine over co-rated targets)
        row = self._viewer_row(viewer_idx)
        if row.nnz:
            agree = np.asarray((D @ row.T).todense()).ravel() / np.sqrt(rated_by * max(row.nnz, 1))
            agree[viewer_idx] = 0.0
            num = DT @ agree  # Σ_u agree_u · D[u, B]
            den = abs(DT) @ np.abs(agree)
            out_ab = num[cand_idx] / (den[cand_idx] + shrink)
        # B → A: targets received like A (cosine over co-raters), then B's decisions on them
        col = DT[viewer_idx]
        if col.nnz:
            alike = np.asarray((DT @ col.T).todense()).ravel() / np.sqrt(rated_of * max(col.nnz, 1))
            alike[viewer_idx] = 0.0
            nz = np.flatnonzero(alike)
            if nz.size:
                Dc = D[cand_idx][:, nz]
                num = Dc @ alike[nz]
                den = abs(Dc) @ np.abs(alike[nz])
                out_ba = num / (den + shrink)
        del n
        return out_ab, out_ba


# --------------------------------------------------------------------------------------------
# Scoring
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScoreWeights:
    """Weights of the directional log-odds. See `COLD_WEIGHTS` / `WARM_WEIGHTS` for provenance."""

    bias: float = -0.5
    cosine: float = 1.0
    age: float = 0.3
    interests: float = 1.0
    goal: float = 0.3
    education: float = 0.3
    city: float = 0.3
    received: float = 1.0
    given: float = 1.0
    collaborative: float = 1.0
    prior: float = 4.0  # pseudo-decisions in the yes-rate shrinkage
    shrink: float = 1.0  # pseudo-weight in the collaborative averages


DEFAULT_WEIGHTS = ScoreWeights()


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


def _preferred_age(pool: PoolArrays, idx: np.ndarray | int) -> np.ndarray:
    """Own age pulled into the stated range; the range centre when the age is unknown."""
    age, lo, hi = pool.age[idx], pool.age_min[idx], pool.age_max[idx]
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
    # age: B's age against A's preferred age, and the other way round
    ab = shared + w.age * _age_fit(pool.age[c], _preferred_age(pool, v))
    ba = shared + w.age * _age_fit(pool.age[v], _preferred_age(pool, c))
    # interests: how keen B is on A's tags (weighted by A's), and the other way round
    tags_v = pool.interests[v]
    cols = tags_v.indices
    if cols.size:
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
        recv, given = signals.rate_logits(w.prior)
        ab += w.received * recv[cand_idx] + w.given * given[viewer_idx]
        ba += w.received * recv[viewer_idx] + w.given * given[cand_idx]
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
