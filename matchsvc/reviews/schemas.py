"""Review bodies."""

from __future__ import annotations

import marshmallow as ma

from matchsvc.core.schemas import MAX_ID, FreeText, Text
from matchsvc.profiles.models import ProfileStatus


class DecisionSchema(ma.Schema):
    class Meta:
        description = "`note` is required (not blank) when `decision` is `reject` or `request_changes` (422)."

    decision = Text(required=True, validate=ma.validate.OneOf(["approve", "reject", "request_changes"]))
    note = FreeText(max_len=1000, allow_none=True, load_default=None,
                    metadata={"description": "for the member; required unless `decision` is `approve`"})


class SuspendSchema(ma.Schema):
    reason = FreeText(max_len=1000, min_len=1, required=True)


class AuditEntrySchema(ma.Schema):
    id = ma.fields.Integer()
    at = ma.fields.DateTime()
    actor_id = ma.fields.Integer(allow_none=True)
    action = ma.fields.String()
    target = ma.fields.String()
    org_unit_id = ma.fields.Integer(allow_none=True)
    detail = ma.fields.Dict()


class AuditQueryArgsSchema(ma.Schema):
    action = Text(max_len=40)
    target = Text(max_len=64)


class QueueArgsSchema(ma.Schema):
    #: a unit inside your scope: only its subtree
    org_unit_id = ma.fields.Integer(validate=ma.validate.Range(min=1, max=MAX_ID))


class BrowseArgsSchema(QueueArgsSchema):
    status = ma.fields.Enum(ProfileStatus, by_value=True)
    #: part of the display name or the username (ignoring case)
    q = Text(max_len=64)


class UnsuspendSchema(ma.Schema):
    note = FreeText(max_len=1000, allow_none=True, load_default=None)
