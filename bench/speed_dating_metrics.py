"""Per-person ranking metrics of the speed-dating protocol (pure functions, numpy only).

A person's *ranking* is the order in which the people they met appear in their recommendation
list; someone missing from the list ranks last (tied with the other missing ones). Each person
is scored against `match` (mutual yes); the protocol averages over the people with at least one
match and one non-match among the dates being ranked.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np


def ranking_scores(listed: Sequence[int], candidates: Sequence[int]) -> np.ndarray:
    """A score per candidate from a recommendation list: higher = earlier in the list.
    Candidates missing from the list all get the lowest score (a tie)."""
    pos = {pid: i for i, pid in enumerate(listed)}
    n = len(listed)
    return np.array([n - pos[c] if c in pos else -1.0 for c in candidates], dtype=float)


def roc_auc(scores: Sequence[float], labels: Sequence[int]) -> float:
    """Mann–Whitney ROC AUC (ties count one half); nan unless both classes occur."""
    s = np.asarray(scores, dtype=float)
    y = np.asarray(labels, dtype=bool)
    n_pos, n_neg = int(y.sum()), int((~y).sum())
    if n_pos == 0 or n_neg == 0:
        return float("nan")
    order = np.argsort(s, kind="mergesort")
    ranks = np.empty(len(s), dtype=float)
    sorted_s = s[order]
    # average ranks over ties (1-based)
    _, first, counts = np.unique(sorted_s, return_index=True, return_counts=True)
    avg = first + (counts + 1) / 2.0
    ranks[order] = np.repeat(avg, counts)
    return float((ranks[y].sum() - n_pos * (n_pos + 1) / 2.0) / (n_pos * n_neg))


def _ordered_labels(scores: Sequence[float], labels: Sequence[int]) -> np.ndarray:
    order = np.argsort(-np.asarray(scores, dtype=float), kind="mergesort")
    return np.asarray(labels, dtype=float)[order]


def precision_at_k(scores: Sequence[float], labels: Sequence[int], k: int = 3) -> float:
    """Share of matches among the top k (among all candidates when fewer than k)."""
    return float(_ordered_labels(scores, labels)[:k].mean())


def ndcg_at_k(scores: Sequence[float], labels: Sequence[int], k: int = 5) -> float:
    """Binary-relevance NDCG@k; nan when there is no match to find."""
    rel = _ordered_labels(scores, labels)
    disc = 1.0 / np.log2(np.arange(2, k + 2))
    dcg = float((rel[:k] * disc[: len(rel[:k])]).sum())
    ideal = np.sort(rel)[::-1][:k]
    idcg = float((ideal * disc[: len(ideal)]).sum())
    return dcg / idcg if idcg > 0 else float("nan")


@dataclass(frozen=True)
class Summary:
    auc: float
    p_at_3: float
    ndcg_at_5: float
    people: int

    def row(self) -> str:
        return f"{self.auc:.3f}  {self.p_at_3:.3f}  {self.ndcg_at_5:.3f}  {self.people:4d}"


def per_person(scores: Sequence[float], labels: Sequence[int]) -> tuple[float, float, float] | None:
    """(AUC, P@3, NDCG@5) for one person, or None when they do not count (one class only)."""
    y = np.asarray(labels, dtype=int)
    if y.size == 0 or y.min() == y.max():
        return None
    return roc_auc(scores, y), precision_at_k(scores, y, 3), ndcg_at_k(scores, y, 5)


def summarise(
    people: Iterable[int],
    scores: Mapping[int, Sequence[float]],
    labels: Mapping[int, Sequence[int]],
) -> Summary:
    """Mean per-person metrics over the people with at least one match and one non-match."""
    rows = [r for p in people if (r := per_person(scores[p], labels[p])) is not None]
    if not rows:
        return Summary(float("nan"), float("nan"), float("nan"), 0)
    a = np.array(rows)
    return Summary(float(a[:, 0].mean()), float(a[:, 1].mean()), float(a[:, 2].mean()), len(rows))


def person_aucs(scores: Mapping[int, Sequence[float]], labels: Mapping[int, Sequence[int]]) -> dict[int, float]:
    """Each counting person's AUC (the numbers `summarise` averages), by person id."""
    return {p: r[0] for p in scores if (r := per_person(scores[p], labels[p])) is not None}


@dataclass(frozen=True)
class Interval:
    """A mean over people with its bootstrap 95 % interval."""

    mean: float
    low: float
    high: float

    def __format__(self, spec: str) -> str:
        """``f"{x}"`` → ``0.579 [0.547, 0.611]``; ``f"{x:+}"`` signs the three (a difference)."""
        f = "+.3f" if spec == "+" else ".3f"
        return f"{self.mean:{f}} [{self.low:{f}}, {self.high:{f}}]"


def bootstrap_mean(values: Sequence[float], *, draws: int = 5000, seed: int = 0) -> Interval:
    """Mean of per-person values with a percentile bootstrap interval, people drawn with
    replacement (the people are the unit the protocol averages over)."""
    v = np.asarray(values, dtype=float)
    if v.size == 0:
        return Interval(float("nan"), float("nan"), float("nan"))
    means = v[np.random.default_rng(seed).integers(0, v.size, (draws, v.size))].mean(axis=1)
    low, high = np.percentile(means, [2.5, 97.5])
    return Interval(float(v.mean()), float(low), float(high))


def paired_difference(a: Mapping[int, float], b: Mapping[int, float], **kwargs) -> Interval:
    """How much ranking `a` beats ranking `b` on the same people: the mean per-person
    difference with its bootstrap interval (pairing removes the spread between people, which is
    most of the spread)."""
    common = sorted(set(a) & set(b))
    return bootstrap_mean([a[p] - b[p] for p in common], **kwargs)
