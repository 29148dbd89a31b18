"""Recommendations, self-service search and daily picks."""

from __future__ import annotations

from typing import Any

from flask import Response, current_app
from flask.views import MethodView

from matchsvc.core.auth import auth_required, current_account
from matchsvc.core.blueprints import Blueprint
from matchsvc.core.pagination import PageArgsSchema, page_of, page_schema
from matchsvc.matching import fast, push, service
from matchsvc.matching import schemas as s
from matchsvc.profiles.schemas import PublicProfileSchema

blp = Blueprint("matching", __name__, description="Recommendations, search and daily picks")

ProfilePageSchema = page_schema(PublicProfileSchema, "PublicProfilePage")


@blp.route("/me/recommendations")
class Recommendations(MethodView):
    @auth_required()
    @blp.arguments(s.RecommendationArgsSchema, location="query", as_kwargs=True)
    @blp.response(200, s.SuggestionListSchema)
    @blp.alt_response(403, description="No approved profile of your own")
    def get(self, limit: int, personalized: bool) -> Response:
        """People who fit you and whom you fit, best first, with reasons

        Hard filters apply both ways; people you liked, passed or blocked (or who blocked you) are
        left out. `?personalized=false` gives the eligible pool newest first without profiling; its
        `score` is then the profile's freshness (1.0 approved just now, halving every 30 days).
        """
        items = service.recommend(actor=current_account(), limit=limit, personalized=personalized)
        return current_app.json.response(fast.dump_suggestions(items))


@blp.route("/profiles")
class Search(MethodView):
    @auth_required()
    @blp.arguments(s.SearchArgsSchema, location="query", as_kwargs=True)
    @blp.arguments(PageArgsSchema, location="query", as_kwargs=True)
    @blp.response(200, ProfilePageSchema)
    @blp.alt_response(403, description="No approved profile of your own")
    @blp.alt_response(422, description="Bad search arguments")
    def get(self, page: int, per_page: int, **filters: Any) -> dict[str, Any]:
        """Self-service search over the approved pool, best match first"""
        return page_of(service.search(actor=current_account(), **filters), page=page, per_page=per_page)


@blp.route("/me/daily-picks")
class DailyPicks(MethodView):
    @auth_required()
    @blp.arguments(s.DailyPicksArgsSchema, location="query", as_kwargs=True)
    @blp.response(200, s.DailyPicksSchema)
    @blp.alt_response(403, description="No approved profile of your own")
    def get(self, limit: int) -> Response:
        """Your latest daily push (dated today or earlier)"""
        picks = push.latest_picks(actor=current_account(), limit=limit)
        return current_app.json.response(fast.dump_suggestions(
            picks["items"], date=picks["date"].isoformat() if picks["date"] else None))
