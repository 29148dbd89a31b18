"""Signal receivers: the side effects that only react to something that happened elsewhere."""

from __future__ import annotations

from typing import Any

from matchsvc import signals
from matchsvc.notifications import service

_connected = False


def _reviewed(profile: Any, *, decision: str, note: str | None, **_: Any) -> None:
    payload: dict[str, Any] = {"profile_id": profile.id, "decision": decision}
    if note:
        payload["note"] = note
    service.notify(account_id=profile.account_id, kind="review_decided", payload=payload)


def _suspended(profile: Any, *, reason: str, **_: Any) -> None:
    service.notify(account_id=profile.account_id, kind="profile_suspended", payload={"profile_id": profile.id})


def _matched(match: Any, **_: Any) -> None:
    from matchsvc.extensions import db
    from matchsvc.profiles.models import Profile

    kind = "event_match" if match.source.value == "event" else "match"
    for mine, other in ((match.low_id, match.high_id), (match.high_id, match.low_id)):
        profile = db.session.get(Profile, mine)
        if profile is None:
            continue
        payload: dict[str, Any] = {"match_id": match.id, "profile_id": other}
        if match.event_id is not None:
            payload["event_id"] = match.event_id
        service.notify(account_id=profile.account_id, kind=kind, payload=payload)


def connect() -> None:
    """Connect once per process (create_app may run many times in tests)."""
    global _connected
    if _connected:
        return
    signals.profile_reviewed.connect(_reviewed)
    signals.profile_suspended.connect(_suspended)
    signals.match_created.connect(_matched)
    _connected = True
