"""Language of human-readable text: Simplified Chinese by default, English on request.

Every human text of the service (problem titles and details, field errors, reasons,
notification texts, the consent text, the web pages) is a gettext message with an English
msgid, translated by the Flask-Babel catalogues under ``matchsvc/translations`` (``zh_Hans``
first, ``en``). Write new text as ``_("English text %(name)s", name=...)`` inside a request or
app context, or ``_l("...")`` for a text defined at import time (a lazy string, translated when
rendered).

``lang()`` is the caller's language as a short tag ("zh" or "en"); ``locale()`` is the Babel
locale ("zh_Hans" or "en") that ``flask_babel`` uses.
"""

from __future__ import annotations

from flask import has_request_context, request
from flask_babel import Babel, gettext, lazy_gettext, ngettext

SUPPORTED = ("zh", "en")
#: Babel locale of each short tag.
LOCALES = {"zh": "zh_Hans", "en": "en"}

babel = Babel()

_ = gettext
_l = lazy_gettext
__all__ = ["_", "_l", "ngettext", "babel", "lang", "locale", "SUPPORTED", "LOCALES"]


def lang() -> str:
    """The caller's language: "en" only when it is preferred over Chinese; else "zh".

    A page may remember a choice (the web edge stores it in the session as ``lang``); the
    ``Accept-Language`` header decides otherwise.
    """
    if not has_request_context():
        return "zh"
    chosen = getattr(request, "matchsvc_lang", None)
    if chosen in SUPPORTED:
        return chosen
    best = request.accept_languages.best_match(["zh", "zh-CN", "zh-TW", "zh-Hans", "zh-Hant", "en"])
    return "en" if best and best.lower().startswith("en") else "zh"


def locale() -> str:
    """The Babel locale of the caller's language (Flask-Babel's locale selector)."""
    return LOCALES[lang()]
