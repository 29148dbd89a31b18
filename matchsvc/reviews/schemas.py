"""Review bodies."""

from __future__ import annotations

import marshmallow as ma

from matchsvc.core.schemas import Text


class DecisionSchema(ma.Schema):
    decision = ma.fields.String(required=True, validate=ma.validate.OneOf(["approve", "reject", "request_changes"]))
    note = Text(max_len=1000, allow_none=True, load_default=None)


class SuspendSchema(ma.Schema):
    reason = Text(max_len=1000, min_len=1, required=True)


class AuditEntrySchema(ma.Schema):
    id = ma.fields.Integer()
    at = ma.fields.DateTime()
    actor_id = ma.fields.Integer(allow_none=True)
    action = ma.fields.String()
    target = ma.fields.String()
    org_unit_id = ma.fields.Integer(allow_none=True)
    detail = ma.fields.Dict()


class AuditQueryArgsSchema(ma.Schema):
    action = ma.fields.String(validate=ma.validate.Length(max=40))
    target = ma.fields.String(validate=ma.validate.Length(max=64))
