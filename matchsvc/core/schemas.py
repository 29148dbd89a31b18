"""Marshmallow fields shared by the domains."""

from __future__ import annotations

import marshmallow as ma

#: Largest id any engine stores in an INTEGER column; larger ids cannot exist.
MAX_ID = 2**31 - 1


def IdField(**kw):  # noqa: N802 - reads like a field class at the call site
    """A positive integer id within the database's integer range (no bools, no strings)."""
    return ma.fields.Integer(strict=True, validate=ma.validate.Range(min=1, max=MAX_ID), **kw)
