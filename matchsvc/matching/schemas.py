"""Recommendation, search and daily-pick bodies."""

from __future__ import annotations

from typing import Any

import marshmallow as ma

from matchsvc.profiles.models import Education, Goal
from matchsvc.profiles.schemas import AGE, PublicProfileSchema, Text, dump_public


class RecommendationArgsSchema(ma.Schema):
    limit = ma.fields.Integer(load_default=20, validate=ma.validate.Range(min=1))
    personalized = ma.fields.Boolean(load_default=True)

    @ma.post_load
    def _clamp(self, data: dict[str, Any], **_: Any) -> dict[str, Any]:
        data["limit"] = min(data["limit"], 200)
        return data


class SuggestionSchema(ma.Schema):
    profile = ma.fields.Nested(PublicProfileSchema)
    score = ma.fields.Float(allow_none=True)
    reasons = ma.fields.List(ma.fields.String())


def dump_suggestions(items: Any, **extra: Any) -> dict[str, Any]:
    """``SuggestionListSchema().dump(...)`` without marshmallow's per-field cost (see
    ``dump_public``); the schema still documents the response."""
    return {"items": [{"profile": dump_public(s.profile), "score": s.score, "reasons": list(s.reasons)}
                      for s in items], **extra}


class SuggestionListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(SuggestionSchema))


class DailyPicksSchema(SuggestionListSchema):
    date = ma.fields.Date(allow_none=True)


class SearchArgsSchema(ma.Schema):
    age_min = ma.fields.Integer(validate=AGE)
    age_max = ma.fields.Integer(validate=AGE)
    city = Text(max_len=50, min_len=1)
    education = ma.fields.String(validate=ma.validate.OneOf([e.value for e in Education]))
    goal = ma.fields.String(validate=ma.validate.OneOf([g.value for g in Goal]))
    interest = Text(max_len=20, min_len=1)
    q = Text(max_len=100, min_len=1)
