"""One clock for the whole service, so tests can move time.

The service stores and sends UTC (the API's times carry their offset); people read local time:
:func:`local` turns a moment into the deployment's time zone (setting ``TIMEZONE``, default
Asia/Shanghai) for pages and command-line output.
"""

from __future__ import annotations

from datetime import date, datetime, timezone
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import current_app, has_app_context


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


def years_before(day: date, years: int) -> date:
    """The same day ``years`` earlier (28 February for a 29 February in a year without one)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


#: The deployment's time zone when no app is at hand (config TIMEZONE overrides it).
DEFAULT_TIMEZONE = "Asia/Shanghai"


def zone(name: str | None = None) -> ZoneInfo:
    """The deployment's time zone (config ``TIMEZONE``, an IANA name); ``name`` to check another.

    ValueError names the setting when the zone is unknown.
    """
    if name is None:
        name = current_app.config.get("TIMEZONE", DEFAULT_TIMEZONE) if has_app_context() else DEFAULT_TIMEZONE
    try:
        return _zone(str(name))
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"TIMEZONE={name!r} is not a known time zone; use an IANA name such as "
                         f"{DEFAULT_TIMEZONE!r} or 'UTC'.") from None


@lru_cache(maxsize=16)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def local(dt: datetime) -> datetime:
    """``dt`` (aware; a naive one is taken as UTC) in the deployment's time zone, for people to
    read (pages, command-line output). The API sends UTC with its offset as before."""
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    return dt.astimezone(zone())


def local_text(dt: datetime, *, seconds: bool = False) -> str:
    """``dt`` as local wall-clock text with its offset, e.g. ``2026-12-05 09:30 +08:00``."""
    moment = local(dt)
    text = moment.strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")
    offset = moment.strftime("%z")
    return f"{text} {offset[:3]}:{offset[3:]}" if offset else text
