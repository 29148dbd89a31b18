"""Language of human-readable text: Simplified Chinese by default, English on request.

Every human text of the service (problem titles and details, field errors, reasons,
notification texts, the consent text, the web pages) is a gettext message with an English
msgid, translated by the Flask-Babel catalogues under ``matchsvc/translations`` (``zh_Hans``
first, ``en``). Write new text as ``_("English text %(name)s", name=...)`` inside a request or
app context, or ``_l("...")`` for a text defined at import time (a lazy string, translated when
rendered). A plain literal passed to a ``DomainError`` (or in its ``errors``) needs no ``_()``:
the problem renderer translates it (:func:`translate`), and ``scripts/i18n extract`` finds it.
How to add a message: README, "Languages".

``lang()`` is the caller's language as a short tag ("zh" or "en"); ``locale()`` is the Babel
locale ("zh_Hans" or "en") that ``flask_babel`` uses.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import Any

from flask import has_request_context, request
from flask_babel import Babel, force_locale, gettext, lazy_gettext, ngettext

SUPPORTED = ("zh", "en")
#: Babel locale of each short tag.
LOCALES = {"zh": "zh_Hans", "en": "en"}

babel = Babel()

_ = gettext
_l = lazy_gettext
__all__ = ["_", "_l", "ngettext", "babel", "lang", "locale", "in_language", "translate", "label",
           "framework_messages", "default_text", "SUPPORTED", "LOCALES"]


@lru_cache(maxsize=1)
def _default_catalogue() -> Any:
    from pathlib import Path

    from babel.support import Translations

    return Translations.load(str(Path(__file__).resolve().parents[1] / "translations"), [LOCALES["zh"]])


def default_text(msgid: str) -> str:
    """``msgid`` in the default language (Simplified Chinese) without an app or a request: for an
    answer written before the app sees the request (gunicorn's own refusals, ``errors.refusal``)."""
    return _default_catalogue().gettext(msgid)


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


def init_app(app: Any) -> None:
    """Each request chooses its language afresh: Flask-Babel caches the chosen locale on ``g``,
    which a request shares with an app context that was already pushed (tests, jobs)."""
    from flask import g

    def forget(*_args: Any) -> None:
        g.pop("_flask_babel", None)

    app.before_request_funcs.setdefault(None, []).insert(0, forget)
    app.teardown_request(forget)


@contextmanager
def in_language(language: str) -> Iterator[None]:
    """Translate in ``language`` ("zh" or "en") inside the block, whatever the caller prefers
    (e.g. a webhook message carries both texts). Needs an app context, as gettext does."""
    with force_locale(LOCALES.get(language, LOCALES["zh"])):
        yield


#: Words for enum values shown inside a sentence (statuses, genders, roles); the msgid is the
#: value itself, so English stays as the API spells it.
LABELS = {
    "draft": _l("draft"), "pending": _l("pending"), "approved": _l("approved"),
    "rejected": _l("rejected"), "changes_requested": _l("changes_requested"), "paused": _l("paused"),
    "suspended": _l("suspended"), "accepted": _l("accepted"), "declined": _l("declined"),
    "expired": _l("expired"), "male": _l("male"), "female": _l("female"), "member": _l("member"),
    "reviewer": _l("reviewer"), "organizer": _l("organizer"), "admin": _l("admin"),
}


def label(value: str) -> str:
    """An enum value as a word of the caller's language (the value itself if it has none)."""
    word = LABELS.get(value)
    return str(word) if word is not None else value


# Library messages (marshmallow's field and validator errors, werkzeug's HTTP errors) are not
# written by us, so they reach the renderer already formatted in English. Each one is a msgid
# of the catalogue; a template with fields (``"Longer than maximum length {max}."``) is matched
# as a pattern and the translation filled in with the same values.

#: Values marshmallow formats into its templates before we see them.
_EXPANSIONS = {
    "obj_type": ("datetime", "date", "time"),
    "awareness": ("naive", "aware"),
}


def _marshmallow_templates() -> list[str]:
    import inspect

    from marshmallow import Schema, fields, validate

    found: list[str] = []
    for _name, cls in inspect.getmembers(fields, inspect.isclass):
        if issubclass(cls, fields.Field):
            found.extend(vars(cls).get("default_error_messages", {}).values())
    found.extend(Schema._default_error_messages.values())
    ops = validate.Range
    for low in (ops.message_gte, ops.message_gt):
        found.append(ops.message_min.format(min_op=low))
        for high in (ops.message_lte, ops.message_lt):
            found.append(ops.message_all.format(min_op=low, max_op=high))
    for high in (ops.message_lte, ops.message_lt):
        found.append(ops.message_max.format(max_op=high))
    for _name, cls in inspect.getmembers(validate, inspect.isclass):
        if issubclass(cls, validate.Validator) and cls is not validate.Range:
            found.extend(v for k, v in vars(cls).items() if isinstance(v, str) and "message" in k)
    out: list[str] = []
    for template in found:
        template = template.replace("!r}", "}")
        variants = [template]
        for key, values in _EXPANSIONS.items():
            if "{" + key + "}" in template:
                variants = [v.replace("{" + key + "}", value) for v in variants for value in values]
        out.extend(variants)
    return list(dict.fromkeys(out))


def _werkzeug_messages() -> list[str]:
    from werkzeug.exceptions import default_exceptions

    out: list[str] = []
    for code in sorted(default_exceptions):
        cls = default_exceptions[code]
        out.extend([cls().name, str(cls.description)])
    return out


@lru_cache(maxsize=1)
def framework_messages() -> tuple[str, ...]:
    """Every English text the libraries may put in a problem, as msgids (templates keep their
    ``{field}`` names): collected into the catalogues by ``scripts/i18n extract``."""
    return tuple(dict.fromkeys(_marshmallow_templates() + _werkzeug_messages()))


_FIELD = re.compile(r"\\\{(\w+)\\\}")


@lru_cache(maxsize=1)
def _patterns() -> tuple[tuple[re.Pattern[str], str], ...]:
    out = []
    for template in framework_messages():
        if "{" not in template:
            continue
        seen: set[str] = set()

        def group(match: re.Match[str]) -> str:
            name = match.group(1)
            if name in seen:
                return f"(?P={name})"
            seen.add(name)
            return f"(?P<{name}>.+?)"

        out.append((re.compile(_FIELD.sub(group, re.escape(template)), re.DOTALL), template))
    # The most specific first: "... {min} and less than {max}." before "... {min}.", whose field
    # would otherwise swallow the rest of the sentence.
    out.sort(key=lambda item: -len(_FIELD.sub("", re.escape(item[1]))))
    return tuple(out)


def translate(text: Any) -> str:
    """``text`` in the caller's language: a msgid of the catalogue, or a library message
    formatted from a template of the catalogue; anything else (text already translated by
    ``_()``, a name a member wrote) comes back as it is."""
    text = str(text)
    translated = gettext(text)
    if translated != text:
        return translated
    for pattern, template in _patterns():
        match = pattern.fullmatch(text)
        if match:
            try:
                return gettext(template).format(**match.groupdict())
            except (KeyError, IndexError, ValueError):  # pragma: no cover - a catalogue test guards the fields
                return text
    return text
