"""Language of human-readable text: Chinese by default, English on ``Accept-Language: en``.

Two languages and a few dozen strings kept beside the code that uses them: werkzeug's
Accept-Language parser picks the language; a gettext catalogue would add a build step for no gain.
"""

from __future__ import annotations

from flask import has_request_context, request

SUPPORTED = ("zh", "en")


def lang() -> str:
    """The caller's language: "en" only when it is preferred over Chinese; else "zh"."""
    if not has_request_context():
        return "zh"
    best = request.accept_languages.best_match(["zh", "zh-CN", "zh-TW", "zh-Hans", "zh-Hant", "en"])
    return "en" if best and best.lower().startswith("en") else "zh"
