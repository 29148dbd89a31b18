"""The consent text members accept before their profile can be reviewed (PIPL Art. 13/14/29)."""

from __future__ import annotations

from typing import Any

from flask import current_app

from matchsvc.core.i18n import _l, in_language

TITLE = _l("智慧红娘 consent to the processing of personal information")

TEXT = _l(
    "I apply of my own free will to join the database of unmarried young agency staff. I agree "
    "that the union or women's organisation of my unit reviews what I write, and that once "
    "approved, 智慧红娘 shows my public profile (never my birth date or contact details) to other "
    "eligible members for recommendations, search and event invitations. My contact details are "
    "shown only to someone who chose me as I chose them. I can pause my profile, download all my "
    "data, or withdraw this consent at any time; on withdrawal my personal data is erased at once "
    "and only an audit trail without personal content is kept."
)


def current_version() -> str:
    return str(current_app.config["CONSENT_VERSION"])


def current(language: str) -> dict[str, Any]:
    """The consent text currently in force, in ``language`` ("zh" or "en")."""
    with in_language(language):
        return {"version": current_version(), "title": str(TITLE), "text": str(TEXT), "language": language}
