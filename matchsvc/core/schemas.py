"""Marshmallow fields shared by the domains, and the one text policy of the edge.

Every string a client sends goes through a :class:`SafeString` field (``tests/core/
test_text_policy.py`` walks every request schema of the app and fails on a plain
``ma.fields.String``). Pick the field by what the text is:

- :class:`Text` for names and short fields (display names, titles, cities, tags, usernames,
  search words, enum-like words): stripped; no control characters at all (not even CR, LF or
  tab), no lone surrogates, and no invisible format characters (bidi controls such as U+202E,
  zero-width characters, the BOM), which would let one name pass for another;
- :class:`FreeText` for free text (intro, descriptions, notes, reasons): stripped; newline and
  tab allowed (CRLF is taken as LF), every other control character and lone surrogates refused;
- :class:`Secret` for passwords: kept exactly as sent (no stripping); controls and lone
  surrogates refused.

A refused value is a 422 with a message on that field. Lone surrogates (valid JSON, ``"\\ud800"``)
and NUL must never reach a hash, a database driver or a JSON encoder: each of them fails there.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

import marshmallow as ma

from matchsvc.core.i18n import _

#: Largest id any engine stores in an INTEGER column; larger ids cannot exist.
MAX_ID = 2**31 - 1


def IdField(**kw):  # noqa: N802 - reads like a field class at the call site
    """A positive integer id within the database's integer range (no bools, no strings)."""
    return ma.fields.Integer(strict=True, validate=ma.validate.Range(min=1, max=MAX_ID), **kw)


class StrictBoolean(ma.fields.Boolean):
    """A JSON ``true`` or ``false`` and nothing else: a body's "yes", 1 or "on" is an error, not
    a guess (a consent, above all, must be given explicitly)."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kw: Any) -> bool:
        if not isinstance(value, bool):
            raise self.make_error("invalid", input=value)
        return value


_SURROGATE = re.compile("[\ud800-\udfff]")
#: C0 controls, DEL and C1 controls.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
#: The same, less tab and newline (free text keeps its lines).
_CONTROL_FREE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def has_surrogate(value: str) -> bool:
    """True if ``value`` holds a lone UTF-16 surrogate (it cannot be encoded as UTF-8)."""
    return _SURROGATE.search(value) is not None


def _invisible(value: str) -> bool:
    """Format characters (Unicode category Cf): bidi controls (U+202A-202E, U+2066-2069, U+200E/F,
    U+061C), zero-width characters (U+200B-200D, U+2060, U+FEFF), soft hyphen, tags..."""
    return any(unicodedata.category(ch) == "Cf" for ch in value)


def check_text(value: str, *, multiline: bool = False, visible: bool = True) -> str:
    """``value`` if it passes the text policy (see the module docstring), else ValidationError."""
    if has_surrogate(value):
        raise ma.ValidationError(_("Not valid Unicode text (it holds a lone surrogate)."))
    if (_CONTROL_FREE if multiline else _CONTROL).search(value):
        if multiline:
            raise ma.ValidationError(_("Control characters are not allowed (only line breaks and tabs)."))
        raise ma.ValidationError(_("Control characters (including line breaks and tabs) are not allowed."))
    if visible and _invisible(value):
        raise ma.ValidationError(_("Invisible formatting characters (bidi controls, zero-width "
                                   "characters) are not allowed."))
    return value


def clean_text(value: str, *, multiline: bool = False) -> str:
    """``value`` stripped, if it passes the text policy for a short field (or free text)."""
    if multiline:
        value = value.replace("\r\n", "\n")
    return check_text(value, multiline=multiline, visible=not multiline).strip()


class SafeString(ma.fields.String):
    """The base of every string field a client sends (see the module docstring)."""

    #: Newline and tab allowed.
    multiline = False
    #: Invisible format characters refused.
    visible = True
    #: Surrounding white space removed before the length is checked.
    strip = True

    def __init__(self, *, max_len: int | None = None, min_len: int = 0, validate: Any = None,
                 strip: bool | None = None, **kw: Any) -> None:
        if strip is not None:
            self.strip = strip
        validators = [] if validate is None else (list(validate) if isinstance(validate, (list, tuple)) else [validate])
        if max_len is not None or min_len:
            validators.insert(0, ma.validate.Length(min=min_len, max=max_len))
        super().__init__(validate=validators, **kw)

    def _deserialize(self, value: Any, attr: Any, data: Any, **kw: Any) -> str:
        text = super()._deserialize(value, attr, data, **kw)
        if self.multiline:
            text = text.replace("\r\n", "\n")
        check_text(text, multiline=self.multiline, visible=self.visible)
        return text.strip() if self.strip else text


class Text(SafeString):
    """A name or short field: stripped, one line, nothing invisible. Its length is checked after
    stripping, so a blank value fails ``min_len``."""


class FreeText(SafeString):
    """Free text: stripped, newline and tab allowed (CRLF becomes LF)."""

    multiline = True
    visible = False


class Secret(SafeString):
    """A password: kept as sent (no stripping, any visible character), but no control characters
    or lone surrogates (they cannot be hashed as UTF-8 text)."""

    strip = False
    visible = False


class Email(Text):
    """An e-mail address (stripped, one line)."""

    def __init__(self, **kw: Any) -> None:
        validate = kw.pop("validate", None)
        extra = [] if validate is None else (list(validate) if isinstance(validate, (list, tuple)) else [validate])
        kw.setdefault("metadata", {}).setdefault("format", "email")
        super().__init__(validate=[ma.validate.Email(), *extra], **kw)


def surrogate_path(data: Any, path: str = "") -> str | None:
    """The dotted path of the first key or string in a parsed JSON document that holds a lone
    surrogate, else None. Such a key would even break the 422 that names it (it cannot be
    encoded), so the edge refuses it before any schema sees the body."""
    if isinstance(data, str):
        return (path or "_schema") if has_surrogate(data) else None
    if isinstance(data, dict):
        for key, value in data.items():
            here = f"{path}.{key}" if path else str(key)
            if has_surrogate(str(key)):
                return path or "_schema"
            found = surrogate_path(value, here)
            if found:
                return found
    elif isinstance(data, list):
        for i, value in enumerate(data):
            found = surrogate_path(value, f"{path}.{i}" if path else str(i))
            if found:
                return found
    return None
