"""What members' likes and passes teach: per-person yes-rates and collaborative votes."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import scipy.sparse as sp


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
