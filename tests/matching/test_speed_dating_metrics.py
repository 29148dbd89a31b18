"""The uncertainty helpers of the speed-dating evaluation (`bench.speed_dating_metrics`)."""

import numpy as np
import pytest

from bench.speed_dating_metrics import bootstrap_mean, paired_difference, person_aucs


def test_person_aucs_keeps_only_people_with_both_outcomes():
    scores = {1: [3, 2, 1], 2: [1, 2], 3: [5, 4]}
    labels = {1: [1, 0, 0], 2: [0, 1], 3: [1, 1]}
    assert person_aucs(scores, labels) == {1: 1.0, 2: 1.0}


def test_bootstrap_interval_brackets_the_mean_and_narrows_with_more_people():
    rng = np.random.default_rng(1)
    few, many = rng.normal(0.58, 0.23, 50), rng.normal(0.58, 0.23, 2000)
    a, b = bootstrap_mean(few), bootstrap_mean(many)
    assert a.low < a.mean < a.high and b.low < b.mean < b.high
    assert (b.high - b.low) < (a.high - a.low) / 4
    # the usual standard error: 0.23 / sqrt(2000) ≈ 0.005, a 95 % interval of about ±0.01
    assert b.high - b.low == pytest.approx(4 * 0.23 / np.sqrt(2000), rel=0.2)


def test_paired_difference_uses_the_common_people_and_removes_their_spread():
    rng = np.random.default_rng(2)
    base = {p: float(v) for p, v in enumerate(rng.uniform(0.2, 0.9, 300))}
    better = {p: v + 0.01 for p, v in base.items()}
    better[999] = 0.0  # not ranked by `base`: left out
    diff = paired_difference(better, base)
    assert diff.mean == pytest.approx(0.01)
    assert diff.high - diff.low < 1e-9  # the same gain for everyone: no doubt about it
    assert f"{diff:+}".startswith("+0.010 [")
    assert f"{bootstrap_mean([0.5, 0.7])}".startswith("0.600 [")


def test_no_people_gives_nan_not_an_error():
    assert np.isnan(bootstrap_mean([]).mean)
