"""The pool as column arrays: one row per recommendable profile, aligned with the feature matrix X."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from ..features import EDUCATION_RANK, GENDERS, GOALS, ProfileRow, clean_token

GENDER_CODE: dict[str, int] = {g: i + 1 for i, g in enumerate(GENDERS)}  # 0 = unknown / any
GOAL_CODE: dict[str, int] = {g: i + 1 for i, g in enumerate(GOALS)}  # 0 = unknown

#: interest weight total at which engagement reaches 1 − 1/e (e.g. ten tags at weight 3)
ENGAGEMENT_SCALE = 30.0


def engagement(interest_total: np.ndarray) -> np.ndarray:
    """Saturating measure in [0, 1) of how many and how strong interests someone listed."""
    return 1.0 - np.exp(-np.asarray(interest_total, dtype=np.float64) / ENGAGEMENT_SCALE)


def _preferred_age(age: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """Own age pulled into the stated range [lo, hi]; the range centre when the age is unknown."""
    centre = np.where(np.isnan(lo), hi, np.where(np.isnan(hi), lo, (lo + hi) / 2))
    ref = np.where(np.isnan(age), centre, age)
    ref = np.where(np.isnan(lo) | np.isnan(ref), ref, np.maximum(ref, lo))
    return np.where(np.isnan(hi) | np.isnan(ref), ref, np.minimum(ref, hi))


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
    #: how often one goes out, step 0 (several times a week) .. 6 (almost never); NaN unanswered
    going_out: np.ndarray  # float32
    #: (n, 4) how much one values sincerity, intelligence, humour, ambition in a partner (0..1)
    #: and (n, 4) how one's friends rate one on the same four (1..10); NaN rows unanswered
    wants: np.ndarray  # float32
    friends: np.ndarray  # float32
    city_vocab: dict[str, int] = field(default_factory=dict)
    tag_vocab: dict[str, int] = field(default_factory=dict)
    index: dict[int, int] = field(default_factory=dict)  # profile id → row
    #: column-major copies for "who accepts city c" / "who has tag t"
    wish_cities_csc: sp.csc_matrix = field(init=False, repr=False)
    interests_csc: sp.csc_matrix = field(init=False, repr=False)
    #: per-row terms of the score that depend on one person only, computed once
    preferred_age: np.ndarray = field(init=False, repr=False)
    engagement: np.ndarray = field(init=False, repr=False)
    #: the matching inputs as score terms use them, 0 where unanswered (see `scoring`):
    #: going out in [-1, 1] (+1 several times a week, −1 almost never), the four wants (0..1) and
    #: the four friends' ratings centred on 7 and scaled by 3
    going_out_score: np.ndarray = field(init=False, repr=False)
    has_going_out: np.ndarray = field(init=False, repr=False)
    wants_score: np.ndarray = field(init=False, repr=False)
    friends_score: np.ndarray = field(init=False, repr=False)
    _partitions: dict[int, np.ndarray] = field(init=False, repr=False, default_factory=dict)
    _age_runs: dict[int, np.ndarray] = field(init=False, repr=False, default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "wish_cities_csc", self.wish_cities.tocsc())
        object.__setattr__(self, "interests_csc", self.interests.tocsc())
        object.__setattr__(self, "preferred_age", _preferred_age(self.age, self.age_min, self.age_max))
        object.__setattr__(self, "engagement", engagement(self.interest_total))
        object.__setattr__(self, "has_going_out", ~np.isnan(self.going_out))
        object.__setattr__(self, "going_out_score", np.nan_to_num((3.0 - self.going_out.astype(np.float64)) / 3.0))
        object.__setattr__(self, "wants_score", np.nan_to_num(self.wants.astype(np.float64)))
        object.__setattr__(self, "friends_score", np.nan_to_num((self.friends.astype(np.float64) - 7.0) / 3.0))

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
            going_out=_f32(r.going_out for r in rows),
            wants=_ratings(rows, "values", slice(1, 5), 10.0),
            friends=_ratings(rows, "friends_say", slice(0, 4), 1.0),
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
                "height_max edu_min has_wish_cities interest_total going_out wants friends"
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


def _ratings(rows: Sequence[ProfileRow], name: str, part: slice, scale: float) -> np.ndarray:
    """(n, 4) float32: the qualities `part` of each row's answer `name`, divided by `scale`; NaN
    rows for the unanswered."""
    out = np.full((len(rows), 4), np.nan, dtype=np.float32)
    for i, r in enumerate(rows):
        answer = getattr(r, name)
        if answer is not None:
            out[i] = np.asarray(answer[part], dtype=np.float32) / scale
    return out


def age_order(rows: Sequence[ProfileRow]) -> list[int]:
    """The order in which the index lays out its rows: by gender, then known ages ascending (then
    unknown ones), then id; each gender's partition is thus in age order (see
    `PoolArrays.age_window`)."""
    return sorted(range(len(rows)), key=lambda i: (rows[i].gender or "", rows[i].age is None, rows[i].age or 0,
                                                   rows[i].id))

