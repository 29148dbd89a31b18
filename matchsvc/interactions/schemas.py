"""Bodies of likes, passes, matches, blocks and reports."""

from __future__ import annotations

import marshmallow as ma

from matchsvc.core.schemas import FreeText, IdField
from matchsvc.interactions.models import ReportStatus
from matchsvc.profiles.schemas import MatchedProfileSchema


class TargetSchema(ma.Schema):
    profile_id = IdField(required=True)


class LikeResultSchema(ma.Schema):
    mutual = ma.fields.Boolean()
    match_id = ma.fields.Integer(allow_none=True)


class MatchSchema(ma.Schema):
    id = ma.fields.Integer()
    profile = ma.fields.Nested(MatchedProfileSchema)
    created_at = ma.fields.DateTime()
    source = ma.fields.String()
    event_id = ma.fields.Integer(allow_none=True)


class BlockSchema(ma.Schema):
    profile_id = ma.fields.Integer(attribute="target_id")
    created_at = ma.fields.DateTime()


class ReportCreateSchema(ma.Schema):
    profile_id = IdField(required=True)
    reason = FreeText(max_len=1000, min_len=1, required=True)


class ReportSchema(ma.Schema):
    id = ma.fields.Integer()
    profile_id = ma.fields.Integer()
    reason = ma.fields.String()
    status = ma.fields.Enum(ReportStatus, by_value=True)
    created_at = ma.fields.DateTime()
