"""Profile rows → dense vectors for content similarity (pure scikit-learn / numpy).

`FeaturePipeline` turns each `ProfileRow` into one L2-normalised float32 vector so that
`X[a] @ X[b]` is the content (cosine) similarity of two profiles. The vector is a weighted
concatenation of blocks, each block normalised on its own so that the cosine is a weighted mix
of per-block similarities:

* ``intro``     — the free-text self-introduction: character 1–3-grams (works for Chinese
                  without a segmenter), hashed (bounded vocabulary), sublinear TF-IDF;
* ``interests`` — interest tags weighted 1..5, hashed;
* ``category``  — one-hot (hashing trick) of education, city, hometown, occupation and goal;
                  a missing value contributes nothing, an unseen value needs no refit;
* ``age`` / ``height`` — imputed numbers on a smooth radial basis, so that the dot product of
                  two encodings is high when the numbers are close and zero when far apart.

The three sparse blocks are reduced together to at most `n_components` dense dimensions by a
truncated SVD fitted on (a sample of) the pool; the small numeric blocks are appended exactly.
Rows transformed after `fit` (a newly approved profile) land in the same space without refitting;
the index refits when its pool has drifted far from the fitted one (`index.REBUILD_DRIFT`), since
the SVD only knows the directions present at fit time.

No Flask, no SQLAlchemy: the matching index builds `ProfileRow`s from its models.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction import FeatureHasher
from sklearn.feature_extraction.text import TfidfTransformer
from sklearn.impute import SimpleImputer
from sklearn.preprocessing import normalize
from sklearn.utils.extmath import randomized_svd

EDUCATION_LEVELS: tuple[str, ...] = ("high_school", "associate", "bachelor", "master", "doctorate")
#: education → rank 1..5 (0 = unknown), shared with the model's hard filter
EDUCATION_RANK: dict[str, int] = {name: i + 1 for i, name in enumerate(EDUCATION_LEVELS)}
GOALS: tuple[str, ...] = ("marriage", "dating", "friendship")
GENDERS: tuple[str, ...] = ("male", "female")


@dataclass(frozen=True, slots=True)
class ProfileRow:
    """What matching knows about one approved profile: public fields and hard wishes."""

    id: int
    gender: str | None  # "male" | "female"
    age: int | None
    height_cm: int | None
    education: str | None  # high_school|associate|bachelor|master|doctorate
    occupation: str | None
    city: str | None
    hometown: str | None
    goal: str | None  # marriage|dating|friendship
    interests: tuple[tuple[str, int], ...]  # (tag, weight 1..5)
    intro: str | None
    # hard wishes
    seeking_gender: str | None
    age_min: int | None
    age_max: int | None
    height_min: int | None = None
    height_max: int | None = None
    education_min: str | None = None
    cities: tuple[str, ...] = ()
    # optional, private matching inputs (None: not answered)
    #: how often one goes out with friends, 0 (several times a week) .. 6 (almost never)
    going_out: int | None = None
    #: what matters in a partner: (looks, sincerity, intelligence, humour, ambition,
    #: shared_interests), each 0..10
    values: tuple[int, ...] | None = None
    #: how one's friends describe one: (sincere, intelligent, humorous, ambitious), each 1..10
    friends_say: tuple[int, ...] | None = None


#: relative weight of each block in the cosine (they need not sum to one)
DEFAULT_BLOCK_WEIGHTS: dict[str, float] = {
    "intro": 0.45,
    "interests": 0.10,
    "category": 0.15,
    "age": 0.25,
    "height": 0.05,
}

#: radial basis for the numbers: centres (first, last, step) and kernel width, in their units
_RBF = {
    "age": (18.0, 68.0, 5.0, 4.0),
    "height": (140.0, 200.0, 10.0, 8.0),
}
#: category fields and how much a shared value counts, relative to each other
_CATEGORY_FIELDS: dict[str, float] = {
    "city": 1.0,
    "hometown": 1.0,
    "goal": 1.0,
    "occupation": 0.8,
    "education": 0.6,
}


@lru_cache(maxsize=1 << 16)
def clean_token(value: str | None) -> str | None:
    """A tag, city or category value as compared: trimmed and lower-cased, None when empty
    (cached: the same few thousand values repeat across the whole pool)."""
    if value is None:
        return None
    value = value.strip()
    return value.lower() if value else None


def _rbf_basis(values: np.ndarray, first: float, last: float, step: float, width: float) -> np.ndarray:
    """Gaussian bumps at evenly spaced centres; NaN (still missing) → a zero row."""
    centres = np.arange(first, last + step / 2, step)
    z = (values[:, None] - centres[None, :]) / width
    out = np.exp(-0.5 * z * z)
    out[~np.isfinite(values)] = 0.0
    return out


class CharNgramHasher:
    """Hashed counts of character n-grams, vectorised over the whole corpus with numpy.

    It does what ``HashingVectorizer(analyzer="char", alternate_sign=False, norm=None)`` does for
    the self-introductions, but without building a Python string per n-gram: scikit-learn's
    analyzer spent about 40 s of CPU on 100,000 Chinese intros, this takes about one. Texts are
    lower-cased; an n-gram never spans two texts.
    """

    _MUL = np.uint64(1_000_003)
    _MIX = np.uint64(0x9E3779B97F4A7C15)

    def __init__(self, *, ngram_range: tuple[int, int] = (1, 3), n_features: int = 2**16) -> None:
        self.ngram_range = ngram_range
        self.n_features = n_features

    def transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        n_docs = len(texts)
        texts = [t.lower() for t in texts]
        lens = np.fromiter((len(t) for t in texts), dtype=np.int64, count=n_docs)
        joined = "\x00".join(texts)
        codes = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
        doc = np.repeat(np.arange(n_docs, dtype=np.int64), lens + 1)[:codes.size]
        keys = []
        lo, hi = self.ngram_range
        width = np.uint64(self.n_features)
        with np.errstate(over="ignore"):
            for n in range(lo, hi + 1):
                m = codes.size - n + 1
                if m <= 0:
                    continue
                h = np.zeros(m, dtype=np.uint64)
                valid = np.ones(m, dtype=bool)
                for k in range(n):
                    c = codes[k:k + m]
                    h = h * self._MUL + c
                    valid &= c != 0
                h = (h + np.uint64(n)) * self._MIX
                col = ((h >> np.uint64(33)) % width).astype(np.int64)
                keys.append(doc[:m][valid] * self.n_features + col[valid])
        # one sort of (document, column) keys gives the counts in CSR order directly
        key, counts = np.unique(np.concatenate(keys) if keys else np.zeros(0, dtype=np.int64), return_counts=True)
        indptr = np.searchsorted(key, np.arange(n_docs + 1, dtype=np.int64) * self.n_features)
        return sp.csr_matrix((counts.astype(np.float64), (key % self.n_features).astype(np.int32), indptr),
                             shape=(n_docs, self.n_features))


class FeaturePipeline:
    """Fit on the pool; transform rows to an L2-normalised dense float32 matrix (n, d).

    `d` is at most `n_components` (fewer for a small pool) plus the numeric blocks; it is fixed
    by `fit`, and every later `transform` returns the same width.
    """

    def __init__(
        self,
        *,
        n_components: int = 64,
        block_weights: dict[str, float] | None = None,
        intro_features: int = 2**16,
        intro_ngrams: tuple[int, int] = (1, 2),
        tag_features: int = 2**14,
        svd_sample: int = 20_000,
        random_state: int = 0,
    ) -> None:
        self.n_components = n_components
        self.block_weights = dict(DEFAULT_BLOCK_WEIGHTS if block_weights is None else block_weights)
        self.svd_sample = svd_sample
        self.random_state = random_state
        self._intro = CharNgramHasher(ngram_range=intro_ngrams, n_features=intro_features)
        self._tags = FeatureHasher(n_features=tag_features, input_type="dict", alternate_sign=False)
        self._cats = FeatureHasher(n_features=tag_features, input_type="dict", alternate_sign=False)
        self._tfidf = TfidfTransformer(sublinear_tf=True)
        self._imputer = SimpleImputer(strategy="median", keep_empty_features=True)
        self._no_median = np.zeros(2, dtype=bool)
        self.components_: np.ndarray | None = None
        self.active_: np.ndarray | None = None
        self.n_fitted_: int = 0

    # -- blocks ---------------------------------------------------------------------------

    def _sparse_blocks(self, rows: Sequence[ProfileRow], *, fit: bool) -> sp.csr_matrix:
        w = self.block_weights
        # hash each distinct intro once (empty and templated intros repeat a lot)
        texts, where = np.unique(np.array([r.intro or "" for r in rows], dtype=object), return_inverse=True)
        counts = self._intro.transform(texts.tolist())[where.ravel()]
        intro = self._tfidf.fit_transform(counts) if fit else self._tfidf.transform(counts)
        tags = self._tags.transform([{k: float(wt) for t, wt in r.interests if (k := clean_token(t))} for r in rows])
        cats = self._cats.transform([self._category_tokens(r) for r in rows])
        blocks = [
            normalize(intro) * np.sqrt(w.get("intro", 0.0)),
            normalize(tags) * np.sqrt(w.get("interests", 0.0)),
            normalize(cats) * np.sqrt(w.get("category", 0.0)),
        ]
        return sp.hstack(blocks, format="csr", dtype=np.float64)

    @staticmethod
    def _category_tokens(row: ProfileRow) -> dict[str, float]:
        tokens = {}
        for field, weight in _CATEGORY_FIELDS.items():
            value = clean_token(getattr(row, field))
            if value is not None:
                tokens[f"{field}={value}"] = weight
        return tokens

    def _numeric_blocks(self, rows: Sequence[ProfileRow], *, fit: bool) -> np.ndarray:
        raw = np.array(
            [[np.nan if r.age is None else r.age, np.nan if r.height_cm is None else r.height_cm] for r in rows],
            dtype=float,
        ).reshape(len(rows), 2)
        if fit:
            self._imputer.fit(raw)
            # a number nobody in the pool gave has no median: it stays missing (a zero block)
            # rather than being imputed as 0
            self._no_median = np.isnan(raw).all(axis=0)
        filled = self._imputer.transform(raw)
        filled[:, self._no_median] = raw[:, self._no_median]
        w = self.block_weights
        out = []
        for j, name in enumerate(("age", "height")):
            basis = normalize(_rbf_basis(filled[:, j], *_RBF[name]))
            out.append(basis * np.sqrt(w.get(name, 0.0)))
        return np.hstack(out)

    # -- API ------------------------------------------------------------------------------

    def fit(self, rows: Sequence[ProfileRow]) -> FeaturePipeline:
        self.fit_transform(rows)
        return self

    def fit_transform(self, rows: Sequence[ProfileRow]) -> np.ndarray:
        rows = list(rows)
        if not rows:
            raise ValueError("cannot fit on an empty pool")
        S = self._sparse_blocks(rows, fit=True)
        sample = S
        if S.shape[0] > self.svd_sample:
            rng = np.random.default_rng(self.random_state)
            sample = S[np.sort(rng.choice(S.shape[0], self.svd_sample, replace=False))]
        # the SVD directions lie in the span of the sample's rows, so they are zero on every
        # column the sample never uses: keep only the active columns (bounded memory)
        self.active_ = np.flatnonzero(np.diff(sample.tocsc().indptr))
        sample = sample[:, self.active_]
        if sample.nnz == 0:
            self.components_ = np.zeros((1, len(self.active_)), dtype=np.float32)
        else:
            k = max(1, min(self.n_components, *sample.shape))
            _, s, vt = randomized_svd(sample, k, n_iter=4, random_state=self.random_state)
            # drop directions the pool does not really span (a tiny or repetitive pool)
            keep = s > 1e-6 * s[0]
            self.components_ = np.ascontiguousarray(vt[keep], dtype=np.float32)
        self.n_fitted_ = len(rows)
        return self._finish(S, self._numeric_blocks(rows, fit=True))

    def transform(self, rows: Sequence[ProfileRow]) -> np.ndarray:
        if self.components_ is None:
            raise RuntimeError("FeaturePipeline.transform called before fit")
        rows = list(rows)
        if not rows:
            return np.zeros((0, self.dim), dtype=np.float32)
        return self._finish(self._sparse_blocks(rows, fit=False), self._numeric_blocks(rows, fit=False))

    def _finish(self, S: sp.csr_matrix, numeric: np.ndarray) -> np.ndarray:
        dense = np.asarray(S[:, self.active_] @ self.components_.T)
        X = np.hstack([dense, numeric])
        return normalize(X).astype(np.float32, copy=False)

    @property
    def dim(self) -> int:
        if self.components_ is None:
            raise RuntimeError("FeaturePipeline is not fitted")
        n_numeric = sum(len(np.arange(a, b + s / 2, s)) for a, b, s, _ in _RBF.values())
        return self.components_.shape[0] + n_numeric
