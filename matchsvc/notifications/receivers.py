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


def _photo_reviewed(photo: Any, *, decision: str, note: str | None, **_: Any) -> None:
    payload: dict[str, Any] = {"photo_id": photo.id, "profile_id": photo.profile_id, "decision": decision}
    if note:
        payload["note"] = note
    service.notify(account_id=photo.profile.account_id, kind="photo_reviewed", payload=payload)


def _suspended(profile: Any, *, reason: str, **_: Any) -> None:
    service.notify(account_id=profile.account_id, kind="profile_suspended", payload={"profile_id": profile.id})


def _unsuspended(profile: Any, **_: Any) -> None:
    service.notify(account_id=profile.account_id, kind="profile_unsuspended", payload={"profile_id": profile.id})


def _warned(profile: Any, *, report: Any, **_: Any) -> None:
    service.notify(account_id=profile.account_id, kind="profile_warned",
                   payload={"profile_id": profile.id, "report_id": report.id})


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


def _event_payload(event: Any, **extra: Any) -> dict[str, Any]:
    return {"event_id": event.id, "title": event.title, **extra}


def _event_changed(event: Any, *, profiles: list[Any], fields: list[str], **_: Any) -> None:
    for profile in profiles:
        service.notify(account_id=profile.account_id, kind="event_updated", payload=_event_payload(event, fields=fields))


def _event_cancelled(event: Any, *, profiles: list[Any], **_: Any) -> None:
    for profile in profiles:
        service.notify(account_id=profile.account_id, kind="event_cancelled", payload=_event_payload(event))


def _signup_promoted(signup: Any, **_: Any) -> None:
    if signup.profile is not None:
        service.notify(account_id=signup.profile.account_id, kind="event_promoted", payload=_event_payload(signup.event))


def _invitation(kind: str) -> Any:
    def receiver(invitation: Any, **_: Any) -> None:
        if invitation.profile is not None:
            payload = _event_payload(invitation.event, invitation_id=invitation.id,
                                     expires_at=invitation.expires_at.isoformat())
            service.notify(account_id=invitation.profile.account_id, kind=kind, payload=payload)

    return receiver


_invitation_sent = _invitation("event_invitation")
_invitation_expired = _invitation("invitation_expired")


def connect() -> None:
    """Connect once per process (create_app may run many times in tests)."""
    global _connected
    if _connected:
        return
    signals.profile_reviewed.connect(_reviewed)
    signals.profile_suspended.connect(_suspended)
    signals.photo_reviewed.connect(_photo_reviewed)
    signals.profile_unsuspended.connect(_unsuspended)
    signals.profile_warned.connect(_warned)
    signals.match_created.connect(_matched)
    signals.event_changed.connect(_event_changed)
    signals.event_cancelled.connect(_event_cancelled)
    signals.signup_promoted.connect(_signup_promoted)
    signals.invitation_sent.connect(_invitation_sent)
    signals.invitation_expired.connect(_invitation_expired)
    _connected = True
