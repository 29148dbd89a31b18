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


def connect() -> None:
    """Connect once per process (create_app may run many times in tests)."""
    global _connected
    if _connected:
        return
    signals.profile_reviewed.connect(_reviewed)
    signals.profile_suspended.connect(_suspended)
    _connected = True
