"""Likes, passes, matches, blocks, reports."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView

from matchsvc.accounts.models import Role
from matchsvc.core.auth import auth_required, current_account
from matchsvc.core.blueprints import Blueprint
from matchsvc.core.pagination import PageArgsSchema, page_of, page_schema, paginate
from matchsvc.core.transactions import commit_on_success
from matchsvc.interactions import schemas as s
from matchsvc.interactions import service
from matchsvc.interactions.models import Block, Report
from matchsvc.profiles.service import PublicView

blp = Blueprint("interactions", __name__, description="Likes, passes, matches, blocks and reports")

MatchPageSchema = page_schema(s.MatchSchema, "MatchPage")
ReviewerReportPageSchema = page_schema(s.ReviewerReportSchema, "ReportPage")


@blp.route("/me/likes")
class Likes(MethodView):
    @auth_required()
    @blp.arguments(s.TargetSchema)
    @blp.response(201, s.LikeResultSchema)
    @blp.alt_response(403, description="No approved profile of your own")
    @blp.alt_response(404, description="No such profile visible to you")
    @blp.alt_response(429, description="Daily like limit reached")
    @commit_on_success
    def post(self, body: dict[str, Any]) -> dict[str, Any]:
        """Like a profile; a like back makes a match"""
        mutual, match = service.like(actor=current_account(), profile_id=body["profile_id"])
        return {"mutual": mutual, "match_id": match.id if match else None}


@blp.route("/me/passes")
class Passes(MethodView):
    @auth_required()
    @blp.arguments(s.TargetSchema)
    @blp.response(201, s.TargetSchema)
    @blp.alt_response(403, description="No approved profile of your own")
    @blp.alt_response(404, description="No such profile visible to you")
    @commit_on_success
    def post(self, body: dict[str, Any]) -> dict[str, Any]:
        """Pass on a profile: it is not suggested again"""
        service.pass_(actor=current_account(), profile_id=body["profile_id"])
        return body


@blp.route("/me/matches")
class Matches(MethodView):
    @auth_required()
    @blp.arguments(PageArgsSchema, location="query", as_kwargs=True)
    @blp.response(200, MatchPageSchema)
    def get(self, page: int, per_page: int) -> dict[str, Any]:
        """Your mutual matches, with their contact details, newest first"""
        rows = service.my_matches(actor=current_account())
        items = [{"id": m.id, "profile": PublicView(p, True), "created_at": m.created_at,
                  "source": m.source.value, "event_id": m.event_id} for m, p in rows]
        return page_of(items, page=page, per_page=per_page)


@blp.route("/me/matches/<int:match_id>")
class MatchById(MethodView):
    @auth_required()
    @blp.response(204)
    @blp.alt_response(404, description="Not a match of yours")
    @commit_on_success
    def delete(self, match_id: int) -> None:
        """Unmatch: contacts are hidden again and the pair is not suggested again"""
        service.unmatch(actor=current_account(), match_id=match_id)


@blp.route("/me/blocks")
class Blocks(MethodView):
    @auth_required()
    @blp.arguments(s.TargetSchema)
    @blp.response(201, s.BlockSchema)
    @blp.alt_response(403, description="No profile of your own")
    @blp.alt_response(404, description="No such profile")
    @commit_on_success
    def post(self, body: dict[str, Any]) -> Block:
        """Block a profile: both vanish from each other's everything"""
        return service.block(actor=current_account(), profile_id=body["profile_id"])


@blp.route("/reports")
class Reports(MethodView):
    @auth_required()
    @blp.arguments(s.ReportCreateSchema)
    @blp.response(201, s.ReportSchema)
    @blp.alt_response(404, description="No such profile")
    @commit_on_success
    def post(self, body: dict[str, Any]) -> Report:
        """Report a profile to its unit's reviewers"""
        return service.report(actor=current_account(), **body)


@blp.route("/reviews/reports")
class OpenReports(MethodView):
    @auth_required(Role.reviewer)
    @blp.arguments(s.ReportQueryArgsSchema, location="query", as_kwargs=True)
    @blp.arguments(PageArgsSchema, location="query", as_kwargs=True)
    @blp.response(200, ReviewerReportPageSchema)
    @blp.alt_response(403, description="Not a reviewer")
    def get(self, status: Any, page: int, per_page: int) -> dict[str, Any]:
        """Reports against profiles in your scope

        Open ones oldest first (the default); `?status=resolved` for the history, most recently
        resolved first, with each outcome and note. Items name the reporter's profile
        (`reporter_profile_id`).
        """
        return paginate(service.reports(actor=current_account(), status=status), page=page, per_page=per_page)


@blp.route("/reports/<int:report_id>/resolve")
class ResolveReport(MethodView):
    @auth_required(Role.reviewer)
    @blp.arguments(s.ResolveSchema)
    @blp.response(200, s.ReviewerReportSchema)
    @blp.alt_response(403, description="Not a reviewer, or out of scope")
    @blp.alt_response(404, description="No such report")
    @blp.alt_response(409, description="Already resolved")
    @blp.alt_response(422, description="No or an unknown outcome")
    @commit_on_success
    def post(self, body: dict[str, Any], report_id: int) -> Report:
        """Resolve a report in your scope with an outcome and a note

        `dismissed`: nothing wrong; `warned`: the member is told to mind the rules; `suspended`:
        the profile is suspended (out of every list at once). Audited.
        """
        return service.resolve_report(actor=current_account(), report_id=report_id, **body)
