"""Times and dates as people read them on the pages: in the deployment's zone (TIMEZONE)."""

from __future__ import annotations

from datetime import date, datetime, timezone

from matchsvc.core.clock import zone
from matchsvc.core.i18n import _l

#: IANA names of China's zone, which people call Beijing time (any other zone is shown by its name).
_BEIJING = frozenset({"Asia/Shanghai", "Asia/Chongqing", "Asia/Chungking", "Asia/Harbin", "PRC"})


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


def zone_label(name: str) -> str:
    """The deployment's zone (TIMEZONE) as a form's help text names it: 北京时间 for China's zone."""
    return str(_l("Beijing time")) if name in _BEIJING else name
