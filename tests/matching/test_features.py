"""FeaturePipeline on tiny in-memory pools: shapes, norms, missing fields, new rows after fit."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matchsvc.matching.features import EDUCATION_LEVELS, GOALS, FeaturePipeline, ProfileRow


@pytest.fixture(autouse=True)
def _ctx() -> Iterator[None]:
    """Pure numpy tests: no app context or database (overrides the suite-wide fixture)."""
    yield


def row(pid: int, **kw) -> ProfileRow:
    base = dict(
        gender="male", age=30, height_cm=175, education="bachelor", occupation="工程师", city="杭州",
        hometown="宁波", goal="marriage", interests=(("阅读", 3), ("徒步", 2)), intro="我喜欢读书和爬山。",
        seeking_gender="female", age_min=22, age_max=35,
    )
    base.update(kw)
    return ProfileRow(id=pid, **base)


def empty_row(pid: int) -> ProfileRow:
    return ProfileRow(pid, None, None, None, None, None, None, None, None, (), None, None, None, None)


def cos(X: np.ndarray, a: int, b: int) -> float:
    return float(X[a] @ X[b])


def test_fit_transform_is_l2_normalised_float32() -> None:
    rows = [row(1), row(2, intro="周末喜欢看电影。", interests=(("电影", 5),)), row(3, city="北京")]
    X = FeaturePipeline(random_state=0).fit_transform(rows)
    assert X.dtype == np.float32 and X.shape[0] == 3
    np.testing.assert_allclose(np.linalg.norm(X, axis=1), 1.0, rtol=1e-5)


def test_identical_profiles_have_cosine_one() -> None:
    X = FeaturePipeline().fit_transform([row(1), row(2), row(3, intro="完全不同的介绍", city="北京")])
    assert cos(X, 0, 1) == pytest.approx(1.0, abs=1e-5)


OTHER = dict(
    gender="female", age=45, height_cm=158, education="doctorate", occupation="律师", city="北京",
    hometown="成都", goal="friendship", interests=(("游戏", 5), ("蹦迪", 4)), intro="平时宅在家打游戏。",
)


@pytest.mark.parametrize(
    "shared",
    [
        {"interests": (("阅读", 3), ("徒步", 2))},
        {"intro": "我喜欢读书和爬山。"},
        {"city": "杭州", "hometown": "宁波", "occupation": "工程师", "goal": "marriage"},
        {"age": 31},
    ],
)
def test_sharing_a_block_raises_similarity(shared: dict) -> None:
    rows = [row(1), row(2, **{**OTHER, **shared}), row(3, **OTHER), row(4, intro="别的", interests=(("瑜伽", 1),))]
    X = FeaturePipeline().fit_transform(rows)
    assert cos(X, 0, 1) > cos(X, 0, 2) + 0.02


def test_pool_of_one_row_then_new_rows() -> None:
    pipe = FeaturePipeline()
    X1 = pipe.fit_transform([row(1)])
    X2 = pipe.transform([row(2, intro="不一样"), empty_row(3)])
    assert X1.shape == (1, pipe.dim) and X2.shape == (2, pipe.dim)
    assert np.isfinite(X2).all()


def test_transform_of_a_pool_row_equals_its_fitted_vector() -> None:
    rows = [row(i, age=25 + i, intro=f"介绍{i}号") for i in range(1, 8)]
    pipe = FeaturePipeline(random_state=0)
    X = pipe.fit_transform(rows)
    np.testing.assert_allclose(pipe.transform(rows[3:5]), X[3:5], atol=1e-6)


def test_fixed_random_state_is_deterministic() -> None:
    rows = [row(i, age=20 + i, interests=((f"t{i % 4}", 1 + i % 5),)) for i in range(40)]
    a = FeaturePipeline(random_state=3, n_components=8).fit_transform(rows)
    b = FeaturePipeline(random_state=3, n_components=8).fit_transform(rows)
    np.testing.assert_array_equal(a, b)


def test_all_fields_missing_gives_zero_rows_not_nan() -> None:
    X = FeaturePipeline().fit_transform([empty_row(1), empty_row(2)])
    assert np.isfinite(X).all()
    assert set(np.round(np.linalg.norm(X, axis=1), 5)) <= {0.0, 1.0}


def test_missing_age_is_imputed_from_the_pool() -> None:
    pipe = FeaturePipeline(block_weights={"age": 1.0})
    X = pipe.fit_transform([row(1, age=30), row(2, age=30), row(3, age=None)])
    assert cos(X, 0, 2) == pytest.approx(1.0, abs=1e-5)


def test_dimension_is_bounded_by_n_components() -> None:
    rows = [row(i, intro=f"第{i}个人的介绍，{i * 7}。", interests=((f"tag{i}", 3),)) for i in range(60)]
    pipe = FeaturePipeline(n_components=16)
    X = pipe.fit_transform(rows)
    assert X.shape[1] == pipe.dim <= 16 + 20


def test_svd_fits_on_a_sample_of_a_large_pool() -> None:
    rows = [row(i, intro=f"介绍{i % 13}", age=20 + i % 20) for i in range(300)]
    pipe = FeaturePipeline(n_components=8, svd_sample=50, random_state=0)
    X = pipe.fit_transform(rows)
    assert X.shape == (300, pipe.dim) and np.isfinite(X).all()


def test_errors_before_fit_and_on_empty_pool() -> None:
    pipe = FeaturePipeline()
    with pytest.raises(RuntimeError):
        pipe.transform([row(1)])
    with pytest.raises(RuntimeError):
        _ = pipe.dim
    with pytest.raises(ValueError):
        pipe.fit([])


def test_empty_transform_after_fit() -> None:
    pipe = FeaturePipeline().fit([row(i) for i in range(1, 41)])
    assert pipe.transform([]).shape == (0, pipe.dim)


maybe = st.one_of
rows_strategy = st.lists(
    st.builds(
        ProfileRow,
        id=st.integers(1, 10_000),
        gender=maybe(st.none(), st.sampled_from(["male", "female"])),
        age=maybe(st.none(), st.integers(18, 70)),
        height_cm=maybe(st.none(), st.integers(140, 210)),
        education=maybe(st.none(), st.sampled_from(EDUCATION_LEVELS)),
        occupation=maybe(st.none(), st.sampled_from(["", "教师", "医生"])),
        city=maybe(st.none(), st.sampled_from(["", " 杭州 ", "北京"])),
        hometown=maybe(st.none(), st.text(max_size=4)),
        goal=maybe(st.none(), st.sampled_from(GOALS)),
        interests=st.lists(st.tuples(st.text(max_size=3), st.integers(1, 5)), max_size=4).map(tuple),
        intro=maybe(st.none(), st.text(max_size=40)),
        seeking_gender=st.none(),
        age_min=st.none(),
        age_max=st.none(),
    ),
    min_size=1,
    max_size=12,
)


@settings(max_examples=40, deadline=None)
@given(pool=rows_strategy, new=rows_strategy)
def test_any_fields_missing_any_pool_size(pool: list[ProfileRow], new: list[ProfileRow]) -> None:
    pipe = FeaturePipeline(n_components=8, random_state=0)
    X = pipe.fit_transform(pool)
    Y = pipe.transform(new)
    for M in (X, Y):
        assert M.dtype == np.float32 and M.shape[1] == pipe.dim and np.isfinite(M).all()
        norms = np.linalg.norm(M, axis=1)
        assert np.all((np.abs(norms - 1) < 1e-4) | (norms < 1e-6))
