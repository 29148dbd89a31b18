"""Bodies of likes, passes, matches, blocks and reports."""

from __future__ import annotations

import marshmallow as ma

from matchsvc.core.schemas import FreeText, IdField
from matchsvc.interactions.models import ReportOutcome, ReportStatus
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


class ReviewerReportSchema(ReportSchema):
    """A report as reviewers see it: who reported (their profile id; null once they withdrew) and
    how it was resolved."""

    reporter_profile_id = ma.fields.Integer(attribute="reporter_id", allow_none=True)
    outcome = ma.fields.Enum(ReportOutcome, by_value=True, allow_none=True)
    note = ma.fields.String(attribute="resolution_note", allow_none=True)
    resolved_at = ma.fields.DateTime(allow_none=True)
    resolved_by = ma.fields.Integer(allow_none=True)


class ResolveSchema(ma.Schema):
    #: an older client that sends no body resolves as "dismissed", as it did before outcomes
    outcome = ma.fields.Enum(ReportOutcome, by_value=True, load_default=ReportOutcome.dismissed,
                             metadata={"description": "dismissed (default), warned or suspended"})
    note = FreeText(max_len=1000, allow_none=True, load_default=None)


class ReportQueryArgsSchema(ma.Schema):
    #: open (the default, oldest first) or resolved (the history, latest first)
    status = ma.fields.Enum(ReportStatus, by_value=True, load_default=ReportStatus.open)
