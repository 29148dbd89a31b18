"""Notification texts, rendered from a notification's kind and payload in a reader's language
(gettext: Simplified Chinese by default, English on request)."""

from __future__ import annotations

from typing import Any

from matchsvc.core.i18n import _, _l, in_language

_DECISIONS = {
    "approve": _l("Your profile was approved and now appears in recommendations."),
    "reject": _l("Your profile was not approved."),
    "request_changes": _l("The reviewer asks you to change your profile and submit it again."),
}

_PHOTO_DECISIONS = {
    "approve": _l("Your photo was approved."),
    "reject": _l("Your photo was not approved."),
}

#: Text of each kind; ``%(name)s`` fields come from the payload.
TEXTS = {
    "profile_suspended": _l("Your profile has been suspended."),
    "match": _l("It's mutual! You can now see each other's contact details."),
    "daily_picks": _l("Today's %(count)s picks for you are ready."),
    "event_invitation": _l("You are invited to the event “%(title)s”."),
    "event_promoted": _l("Off the waitlist: you are confirmed for “%(title)s”."),
    "event_cancelled": _l("The event “%(title)s” was cancelled."),
    "event_updated": _l("The event “%(title)s” was updated."),
    "event_suggestions": _l("%(count)s events may suit you."),
    "event_match": _l("A mutual choice after the event! You can now see each other's contact details."),
    "match_followup": _l("Did you meet? Tell us (only you will know your answer)."),
    "invitation_expired": _l("Your invitation to “%(title)s” has expired."),
    "profile_unsuspended": _l("Your profile is shown again: the suspension was lifted."),
    "profile_warned": _l("A reviewer looked into a report about your profile and asks you to keep to the "
                         "rules of the service."),
}


def render(kind: str, payload: dict[str, Any], language: str | None = None) -> str:
    """The human-readable text of a notification, in ``language`` ("zh" or "en"; None: the
    caller's language)."""
    if language is None:
        return _render(kind, payload)
    with in_language(language):
        return _render(kind, payload)


#: The decision texts of the kinds that carry a reviewer's decision and note.
_DECIDED = {"review_decided": _DECISIONS, "photo_reviewed": _PHOTO_DECISIONS}


def _render(kind: str, payload: dict[str, Any]) -> str:
    if kind in _DECIDED:
        return _decision_text(_DECIDED[kind], payload)
    template = TEXTS.get(kind)
    if template is None:
        return kind
    try:
        return str(template) % payload
    except (KeyError, TypeError, ValueError):
        return str(template)


def _decision_text(decisions: dict[str, Any], payload: dict[str, Any]) -> str:
    """A reviewer's decision, then their note when they wrote one."""
    decision = decisions.get(str(payload.get("decision")))
    text = str(decision) if decision is not None else ""
    note = payload.get("note")
    if note:
        text = _("%(text)s Reviewer's note: %(note)s", text=text, note=str(note))
    return text
