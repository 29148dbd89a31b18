"""Org-unit bodies."""

from __future__ import annotations

import marshmallow as ma

from matchsvc.core.schemas import IdField, Text


class OrgUnitSchema(ma.Schema):
    id = ma.fields.Integer()
    name = ma.fields.String()
    parent_id = ma.fields.Integer(allow_none=True)


class OrgUnitCreateSchema(ma.Schema):
    name = Text(required=True, min_len=1, max_len=100)
    parent_id = IdField(required=True, allow_none=True)
