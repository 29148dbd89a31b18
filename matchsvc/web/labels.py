"""Words for the enum values the pages show (English msgids, translated by the catalogues)."""

from __future__ import annotations

from typing import Any

from matchsvc.core.i18n import _l

GENDER = {"male": _l("Man"), "female": _l("Woman")}
EDUCATION = {"high_school": _l("High school"), "associate": _l("Associate degree"),
             "bachelor": _l("Bachelor's degree"), "master": _l("Master's degree"), "doctorate": _l("Doctorate")}
GOAL = {"marriage": _l("Marriage"), "dating": _l("Dating"), "friendship": _l("Friendship")}
STATUS = {"draft": _l("Draft"), "pending": _l("Waiting for review"), "approved": _l("Approved"),
          "rejected": _l("Rejected"), "changes_requested": _l("Changes requested"), "paused": _l("Paused"),
          "suspended": _l("Suspended")}
ROLE = {"member": _l("Member"), "reviewer": _l("Reviewer"), "organizer": _l("Organizer"), "admin": _l("Admin")}
SOCIAL_FREQUENCY = {"several_per_week": _l("Several times a week"), "twice_a_week": _l("Twice a week"),
                    "weekly": _l("Once a week"), "twice_a_month": _l("Twice a month"),
                    "monthly": _l("Once a month"), "several_per_year": _l("Several times a year"),
                    "almost_never": _l("Almost never")}
VALUES = {"looks": _l("Looks"), "sincerity": _l("Sincerity"), "intelligence": _l("Intelligence"),
          "humour": _l("Humour"), "ambition": _l("Ambition"), "shared_interests": _l("Shared interests")}
FRIENDS_SAY = {"sincere": _l("Sincere"), "intelligent": _l("Intelligent"), "humorous": _l("Humorous"),
               "ambitious": _l("Ambitious")}


def options(mapping: dict[str, Any]) -> list[tuple[str, Any]]:
    return list(mapping.items())


def label(mapping: dict[str, Any], value: Any) -> Any:
    value = getattr(value, "value", value)
    return mapping.get(value, value) if value is not None else ""

SEAT = {"confirmed": _l("Signed up"), "waitlisted": _l("On the waitlist"), "invited": _l("Invited"),
        "declined": _l("Declined"), "expired": _l("Invitation expired"), "cancelled": _l("Cancelled")}
