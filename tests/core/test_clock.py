"""The clock and ages."""

from __future__ import annotations

from datetime import date, timezone

import pytest

from matchsvc.core import clock


def test_utcnow_is_aware_utc():
    assert clock.utcnow().tzinfo is timezone.utc
    assert clock.today() == clock.utcnow().date()


@pytest.mark.parametrize("born,on,age", [
    (date(2000, 6, 15), date(2018, 6, 15), 18),
    (date(2000, 6, 15), date(2018, 6, 14), 17),
    (date(2000, 2, 29), date(2018, 2, 28), 17),
    (date(2000, 2, 29), date(2018, 3, 1), 18),
    (date(1990, 12, 31), date(2026, 1, 1), 35),
])
def test_age_on(born, on, age):
    assert clock.age_on(born, on) == age
