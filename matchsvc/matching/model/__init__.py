"""Reciprocal scoring of candidates on plain arrays (numpy / scipy only; no Flask, no SQLAlchemy).

For a viewer A and each candidate B the model estimates two probabilities, one per direction:

    P(A likes B) = σ(bias + content fit of B for A + interaction signals)
    P(B likes A) = σ(bias + content fit of A for B + interaction signals)

and ranks by their harmonic mean, so a pair that only one side would want ranks low (a match
needs both to say yes).

*Content fit* ("how well B suits A") is a weighted sum of plain, explainable terms: the cosine of
the two feature vectors, the age gap measured from A's preferred age (A's own age pulled into
A's stated range), how keen B is on A's interests (B's tag weights averaged over A's tags,
weighted by A's), goal compatibility, education gap, same city, and how much both put into
their profiles.

*Interaction signals* (built from likes and passes) add, per direction: how often the liked one
is liked by others (received yes-rate) and how readily the liking one says yes (given yes-rate),
both as log-odds shrunk towards the global rate, so that with no decisions they are exactly zero
and the score is the content score alone; and a collaborative term: how the people who judge
like A judged B (A → B), and how B judged the people who are received like A (B → A). How the
weights were chosen is told at `ScoreWeights`.

*Hard filters* are separate and exact: a candidate either fits both people's stated wishes or is
never scored.

The parts, one module each:

* `pool`: `PoolArrays`, the pool as column arrays aligned with the feature matrix X;
* `filters`: the hard filters, two-way (`hard_filter_block`; one viewer is a block of one);
* `signals`: `InteractionSignals`, what likes and passes teach;
* `scoring`: `ScoreWeights` and the reciprocal score (`score_block`; one viewer is a block of one).

Use from an index:

* once per (re)build, rows ordered by gender then age (`age_order`; each partition contiguous, so
  scoring one is a single pass over memory): ``X = FeaturePipeline().fit_transform(rows)``
  (float32, C order), ``pool = PoolArrays.from_rows(rows)``,
  ``signals = InteractionSignals.from_events(pool.ids, decisions)``;
* a newly approved profile: ``X = np.vstack([X, pipeline.transform([row])])``,
  ``pool = pool.extend([row])``, ``signals.extend([row.id])``; a like or pass:
  ``signals.add(actor_id, target_id, liked)``;
* per request: ``cand = eligible_candidates(v, pool, exclude_ids)`` then
  ``score_candidates(v, cand, X, pool, signals)`` and a top-k with ``np.argpartition``.
"""

from __future__ import annotations

from ..features import EDUCATION_RANK
from .filters import eligible_candidates, exclude_mask, hard_filter_block, hard_filter_mask
from .pool import GENDER_CODE, GOAL_CODE, PoolArrays, age_order, engagement
from .scoring import (
    DEFAULT_WEIGHTS,
    GOAL_FIT,
    ScoreWeights,
    content_logits,
    content_logits_block,
    directional_probabilities,
    score_block,
    score_candidates,
)
from .signals import InteractionSignals

__all__ = [
    "DEFAULT_WEIGHTS", "EDUCATION_RANK", "GENDER_CODE", "GOAL_CODE", "GOAL_FIT", "InteractionSignals", "PoolArrays",
    "ScoreWeights", "age_order", "content_logits", "content_logits_block", "directional_probabilities",
    "eligible_candidates", "engagement", "exclude_mask", "hard_filter_block", "hard_filter_mask", "score_block",
    "score_candidates",
]
