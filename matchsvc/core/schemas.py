"""Marshmallow fields shared by the domains."""

from __future__ import annotations

import re
from typing import Any

import marshmallow as ma

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


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_text(value: str) -> str:
    """``value`` stripped; ValidationError if it holds control characters."""
    if _CONTROL.search(value):
        raise ma.ValidationError("Control characters are not allowed.")
    return value.strip()


class Text(ma.fields.String):
    """A stripped string without control characters; its length is checked after stripping, so
    a blank value fails ``min_len``."""

    def __init__(self, *, max_len: int, min_len: int = 0, **kw: Any) -> None:
        super().__init__(validate=ma.validate.Length(min=min_len, max=max_len), **kw)

    def _deserialize(self, value: Any, attr: Any, data: Any, **kw: Any) -> str:
        return clean_text(super()._deserialize(value, attr, data, **kw))
