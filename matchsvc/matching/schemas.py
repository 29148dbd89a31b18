"""Recommendation, search and daily-pick bodies."""

from __future__ import annotations


import marshmallow as ma

from matchsvc.profiles.models import Education, Goal
from matchsvc.profiles.schemas import AGE, PublicProfileSchema, Text


class DailyPicksArgsSchema(ma.Schema):
    #: a larger limit is clamped by the service (`service.MAX_LIMIT`)
    limit = ma.fields.Integer(load_default=20, validate=ma.validate.Range(min=1))


class RecommendationArgsSchema(DailyPicksArgsSchema):
    personalized = ma.fields.Boolean(load_default=True)


class SuggestionSchema(ma.Schema):
    profile = ma.fields.Nested(PublicProfileSchema)
    score = ma.fields.Float(allow_none=True)
    reasons = ma.fields.List(ma.fields.String())



class SuggestionListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(SuggestionSchema))


class DailyPicksSchema(SuggestionListSchema):
    date = ma.fields.Date(allow_none=True)


class SearchArgsSchema(ma.Schema):
    age_min = ma.fields.Integer(validate=AGE)
    age_max = ma.fields.Integer(validate=AGE, metadata={"description": "not below `age_min` (422)"})
    city = Text(max_len=50, min_len=1)
    education = Text(validate=ma.validate.OneOf([e.value for e in Education]))
    goal = Text(validate=ma.validate.OneOf([g.value for g in Goal]))
    interest = Text(max_len=20, min_len=1)
    q = Text(max_len=100, min_len=1)
