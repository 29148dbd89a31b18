"""Reciprocal scores: two directional log-odds per pair, combined by their harmonic mean.

One implementation, for a block of viewers against a set of candidates (the daily push scores
blocks; a request is a block of one). How each term is computed is chosen by the block's shape
(a contiguous span or a sparse pick of candidates, one viewer or many), never what it means.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from .pool import PoolArrays
from .signals import InteractionSignals

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
    # The optional matching inputs (each term is zero unless both people answered). Fitted on
    # the training waves 1–10 by `python -m bench.offline_speed_dating --fit-inputs`: the weights
    # that best rank each person's matches above their non-matches in the cold setting (a smooth
    # per-person AUC with a small L2 penalty, today's other weights fixed). The same fit run on 8
    # waves and scored on the other 2 (5 folds) gave cold pAUC 0.579 and warm 0.697 (today's
    # model without the inputs: 0.572 / 0.686); these weights, fitted on all ten: 0.583 / 0.702.
    # Read together: for A's ranking, B's going out enters A → B with `going_out_receives` and
    # B → A with `going_out_gives` — on balance someone who goes out often is the likelier match,
    # mostly because they say yes more readily.
    going_out_gives: float = 1.40  # A → B: how often A goes out
    going_out_receives: float = -0.54  # A → B: how often B goes out
    going_out_gap: float = 1.06  # both directions: the gap between the two (a cost)
    fit_sincere: float = 0.46  # A → B: how much A values sincerity × how sincere B's friends say B is
    fit_intelligent: float = -0.08
    fit_humorous: float = 0.29
    fit_ambitious: float = -0.10

    @property
    def fit(self) -> np.ndarray:
        """The four "B fits what A values" weights, in `PoolArrays.wants` column order."""
        return np.array([self.fit_sincere, self.fit_intelligent, self.fit_humorous, self.fit_ambitious])

    @property
    def uses_inputs(self) -> bool:
        return bool(self.going_out_gives or self.going_out_receives or self.going_out_gap or self.fit.any())


DEFAULT_WEIGHTS = ScoreWeights()


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(z, -30.0, 30.0)))


def _span_dot(X: np.ndarray, cand_idx: np.ndarray, x: np.ndarray) -> np.ndarray:
    """X[cand_idx] @ x without gathering rows: one contiguous product over the span of the
    candidates (a gender-sorted pool keeps that span to one partition). ``x`` is one vector or
    a (d × viewers) matrix."""
    if cand_idx.size == 0:
        return np.zeros((0,) + x.shape[1:], dtype=np.float32)
    lo, hi = int(cand_idx.min()), int(cand_idx.max()) + 1
    if cand_idx.size * 8 < hi - lo:  # sparse pick: gathering is cheaper
        return X[cand_idx] @ x
    return (X[lo:hi] @ x)[cand_idx - lo]


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


def _interest_dots(pool: PoolArrays, vi: np.ndarray, ci: np.ndarray) -> np.ndarray:
    """(viewers × candidates): the dot products of their interest tag weights."""
    if vi.size == 1:
        v = int(vi[0])
        lo, hi = pool.interests.indptr[v], pool.interests.indptr[v + 1]
        cols, weights = pool.interests.indices[lo:hi], pool.interests.data[lo:hi]
        if cols.size == 0:
            return np.zeros((1, ci.size))
        if ci.size * 8 < len(pool):  # a few candidates (daily push, groups): gather their rows
            return _rows_dot(pool.interests, ci, cols, weights)[None, :]
        # most of the pool: one pass down the viewer's tag columns
        return np.asarray(pool.interests_csc[:, cols] @ weights, dtype=np.float64)[ci][None, :]
    return np.asarray((pool.interests[vi] @ pool.interests[ci].T).toarray(), dtype=np.float64)


def content_logits_block(viewers: np.ndarray, cand_idx: np.ndarray, X: np.ndarray, pool: PoolArrays,
                         weights: ScoreWeights = DEFAULT_WEIGHTS) -> tuple[np.ndarray, np.ndarray]:
    """Directional content log-odds before bias, (viewers × candidates) each: A → B ("how well
    B suits A") and B → A, for each viewer A and candidate B."""
    vi = np.asarray(viewers, dtype=np.int64).reshape(-1)
    ci = np.asarray(cand_idx, dtype=np.int64).reshape(-1)
    v, c = vi[:, None], ci[None, :]
    w = weights
    # cosine of the two feature vectors, goal, education and city: symmetric
    shared = w.cosine * _span_dot(X, ci, np.ascontiguousarray(X[vi].T)).T.astype(np.float64)
    shared += w.goal * GOAL_FIT[pool.goal[v], pool.goal[c]]
    ev, ec = pool.edu[v].astype(np.float64), pool.edu[c].astype(np.float64)
    shared -= w.education * ((ev > 0) & (ec > 0)) * np.abs(ec - ev) / 4.0
    shared += w.city * ((pool.city[v] >= 0) & (pool.city[c] == pool.city[v]))
    # how much each put into the profile: an open, active person is both more liked and more
    # likely to like back, so both people's engagement enters both directions (the pair's
    # score stays the same whoever of the two is the viewer)
    shared += w.engagement * (pool.engagement[c] + pool.engagement[v])
    # age: B's age against A's preferred age, and the other way round
    ab = shared + w.age * _age_fit(pool.age[c], pool.preferred_age[v])
    ba = shared + w.age * _age_fit(pool.age[v], pool.preferred_age[c])
    # interests: how keen B is on A's tags (weighted by A's), and the other way round
    dot = _interest_dots(pool, vi, ci)
    tv, tc = pool.interest_total[v].astype(np.float64), pool.interest_total[c].astype(np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        ab += w.interests * np.where(tv > 0, dot / (5.0 * tv), 0.0)
        ba += w.interests * np.where(tc > 0, dot / (5.0 * tc), 0.0)
    if w.uses_inputs:
        _add_input_terms(ab, ba, vi, ci, pool, w)
    return ab, ba


def _add_input_terms(ab: np.ndarray, ba: np.ndarray, vi: np.ndarray, ci: np.ndarray, pool: PoolArrays,
                     w: ScoreWeights) -> None:
    """The optional matching inputs, in place. Each term is zero unless both people answered its
    question, so members who did not answer rank exactly as without these terms.

    * going out: how readily someone who goes out often says yes (``going_out_gives``) and is
      said yes to (``going_out_receives``); the gap between the two costs both directions;
    * "B fits what A values": per quality (sincere, intelligent, humorous, ambitious), how much A
      values it in a partner times how B's friends rate B on it (centred), one weight each.
    """
    kv, kc = pool.has_going_out[vi], pool.has_going_out[ci]
    if kv.any() and kc.any():
        both = kv[:, None] & kc[None, :]
        gv, gc = pool.going_out_score[vi][:, None], pool.going_out_score[ci][None, :]
        gap = w.going_out_gap * np.abs(gv - gc) / 2.0  # steps apart / 6
        ab += both * (w.going_out_gives * gv + w.going_out_receives * gc - gap)
        ba += both * (w.going_out_gives * gc + w.going_out_receives * gv - gap)
    q = w.fit
    if q.any():
        # an unanswered side is a zero row, so its products are zero
        ab += (pool.wants_score[vi] * q) @ pool.friends_score[ci].T
        ba += pool.friends_score[vi] @ (pool.wants_score[ci] * q).T


def directional_logits_block(viewers: np.ndarray, cand_idx: np.ndarray, X: np.ndarray, pool: PoolArrays,
                             signals: InteractionSignals | None = None,
                             weights: ScoreWeights = DEFAULT_WEIGHTS) -> tuple[np.ndarray, np.ndarray]:
    """Content plus interaction log-odds, (viewers × candidates) each, bias included. The
    yes-rates are vectors; the collaborative terms are per viewer (their cost is the decisions
    around each viewer, not the candidates)."""
    vi = np.asarray(viewers, dtype=np.int64).reshape(-1)
    ci = np.asarray(cand_idx, dtype=np.int64).reshape(-1)
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
    return w.bias + ab, w.bias + ba


def score_block(viewers: np.ndarray, cand_idx: np.ndarray, X: np.ndarray, pool: PoolArrays,
                signals: InteractionSignals | None = None,
                weights: ScoreWeights = DEFAULT_WEIGHTS) -> np.ndarray:
    """Reciprocal score of each candidate for each viewer, (viewers × candidates): the harmonic
    mean of P(A likes B) and P(B likes A). Higher is better; always finite, in (0, 1)."""
    ab, ba = directional_logits_block(viewers, cand_idx, X, pool, signals, weights)
    p_ab, p_ba = _sigmoid(ab), _sigmoid(ba)
    return 2.0 * p_ab * p_ba / (p_ab + p_ba)


# -- one viewer: a block of one --------------------------------------------------------------


def content_logits(viewer_idx: int, cand_idx: np.ndarray, X: np.ndarray, pool: PoolArrays,
                   weights: ScoreWeights = DEFAULT_WEIGHTS) -> tuple[np.ndarray, np.ndarray]:
    """`content_logits_block` for one viewer: (A → B, B → A) over the candidates."""
    ab, ba = content_logits_block(np.array([viewer_idx]), cand_idx, X, pool, weights)
    return ab[0], ba[0]


def directional_probabilities(viewer_idx: int, cand_idx: np.ndarray, X: np.ndarray, pool: PoolArrays,
                              signals: InteractionSignals | None = None,
                              weights: ScoreWeights = DEFAULT_WEIGHTS) -> tuple[np.ndarray, np.ndarray]:
    """(P(A likes B), P(B likes A)) for viewer A and every candidate B."""
    ab, ba = directional_logits_block(np.array([viewer_idx]), cand_idx, X, pool, signals, weights)
    return _sigmoid(ab[0]), _sigmoid(ba[0])


def score_candidates(viewer_idx: int, cand_idx: np.ndarray, X: np.ndarray, pool: PoolArrays,
                     signals: InteractionSignals | None = None,
                     weights: ScoreWeights = DEFAULT_WEIGHTS) -> np.ndarray:
    """`score_block` for one viewer: the reciprocal score of each candidate."""
    return score_block(np.array([viewer_idx]), cand_idx, X, pool, signals, weights)[0]
