"""One clock for the whole service, so tests can move time."""

from __future__ import annotations

from datetime import date, datetime, timezone


def utcnow() -> datetime:
    """The current time, timezone-aware UTC."""
    return datetime.now(timezone.utc)


def today() -> date:
    """Today's date in UTC (the daily push and daily like limits count UTC days)."""
    return utcnow().date()


def age_on(birth_date: date, on: date) -> int:
    """Completed years between ``birth_date`` and ``on``."""
    years = on.year - birth_date.year
    if (on.month, on.day) < (birth_date.month, birth_date.day):
        years -= 1
    return years
