"""Hard filters: exact and two-way. A candidate either fits both people's stated wishes or is
never scored.

One implementation, `hard_filter_block`, answers for a block of viewers against a set of
candidates; a single viewer (a request) is a block of one.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from .pool import PoolArrays


def _within(value: np.ndarray | float, lo: np.ndarray | float, hi: np.ndarray | float) -> np.ndarray:
    """value ∈ [lo, hi] where a NaN limit is no limit and a NaN value fails any set limit."""
    with np.errstate(invalid="ignore"):
        ok_lo = np.isnan(lo) | (value >= lo)
        ok_hi = np.isnan(hi) | (value <= hi)
    return ok_lo & ok_hi


def _wishes_city(pool: PoolArrays, rows: np.ndarray, cities: np.ndarray) -> np.ndarray:
    """(rows × cities): does row r list city c among its wishes (an unknown city: no). Dense over
    the few rows and the city vocabulary."""
    width = pool.wish_cities.shape[1]
    dense = np.zeros((rows.size, width + 1), dtype=bool)  # last column: unknown city
    dense[:, :width] = pool.wish_cities[rows].toarray()
    return dense[:, np.where((cities >= 0) & (cities < width), cities, width)]


def _accepts_city(pool: PoolArrays, cities: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """(cities × rows): does row r list city c among its wishes. Read down the column of each
    distinct city (who accepts city c), so the candidates' wish lists are never densified."""
    width = pool.wish_cities.shape[1]
    distinct, at = np.unique(cities, return_inverse=True)
    accepts = np.zeros((distinct.size, len(pool)), dtype=bool)
    csc = pool.wish_cities_csc
    for k, city in enumerate(distinct.tolist()):
        if 0 <= city < width:
            accepts[k, csc.indices[csc.indptr[city]:csc.indptr[city + 1]]] = True
    return accepts[at.ravel()][:, rows]


def hard_filter_block(viewers: np.ndarray, pool: PoolArrays, cand_idx: np.ndarray) -> np.ndarray:
    """(viewers × candidates) boolean matrix: True where the candidate fits the viewer's wishes
    and the viewer fits the candidate's.

    A wish left empty is no limit; a candidate whose value for a limited field is unknown fails
    that limit (and so does the viewer, for the candidate's limits). Self and already-seen
    people are the caller's business (`exclude_mask`).
    """
    vi = np.asarray(viewers, dtype=np.int64).reshape(-1)
    ci = np.asarray(cand_idx, dtype=np.int64).reshape(-1)
    v, c = vi[:, None], ci[None, :]
    # the candidate fits the viewer's wishes
    sg = pool.seek_gender[v]
    mask = (sg == 0) | (pool.gender[c] == sg)
    mask &= _within(pool.age[c], pool.age_min[v], pool.age_max[v])
    mask &= _within(pool.height[c], pool.height_min[v], pool.height_max[v])
    mask &= pool.edu[c] >= pool.edu_min[v]
    if pool.has_wish_cities[vi].any():
        mask &= ~pool.has_wish_cities[v] | _wishes_city(pool, vi, pool.city[ci])
    # the viewer fits the candidate's wishes
    g, sgc = pool.gender[v], pool.seek_gender[c]
    mask &= (sgc == 0) | ((g != 0) & (sgc == g))
    mask &= _within(pool.age[v], pool.age_min[c], pool.age_max[c])
    mask &= _within(pool.height[v], pool.height_min[c], pool.height_max[c])
    mask &= pool.edu_min[c] <= pool.edu[v]
    if pool.has_wish_cities[ci].any():
        mask &= ~pool.has_wish_cities[c] | _accepts_city(pool, pool.city[vi], ci)
    return mask


def hard_filter_mask(viewer_idx: int, pool: PoolArrays, cand_idx: np.ndarray | None = None) -> np.ndarray:
    """`hard_filter_block` for one viewer: a mask over `cand_idx` (default: the whole pool)."""
    c = np.arange(len(pool), dtype=np.int64) if cand_idx is None else np.asarray(cand_idx, dtype=np.int64)
    return hard_filter_block(np.array([viewer_idx], dtype=np.int64), pool, c)[0]


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
