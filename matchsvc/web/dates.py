"""Times and dates as people read them on the pages: in the deployment's zone (TIMEZONE)."""

from __future__ import annotations

from datetime import date, datetime, timezone

from matchsvc.core.clock import zone


def localtime(value: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """A time in the deployment's zone (TIMEZONE, default Asia/Shanghai)."""
    if value is None:
        return ""
    if value.tzinfo is None:  # SQLite hands back naive datetimes; the service stores UTC
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(zone()).strftime(fmt)


def localdate(value: date | datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return localtime(value, "%Y-%m-%d")
    return value.isoformat()
