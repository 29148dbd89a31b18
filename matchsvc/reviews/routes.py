"""The reviewers' queue and decisions, and the audit log."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView

from matchsvc.accounts.models import Role
from matchsvc.core.auth import auth_required, current_account
from matchsvc.core.blueprints import Blueprint
from matchsvc.core.pagination import PageArgsSchema, page_schema, paginate
from matchsvc.core.transactions import commit_on_success
from matchsvc.profiles.models import Profile
from matchsvc.profiles.schemas import ReviewerProfileSchema, ReviewQueueItemSchema
from matchsvc.reviews import schemas as s
from matchsvc.reviews import audit, service

blp = Blueprint("reviews", __name__, description="Review of profiles by the union in scope; the audit log")

QueuePageSchema = page_schema(ReviewQueueItemSchema, "ReviewQueuePage")
AuditPageSchema = page_schema(s.AuditEntrySchema, "AuditPage")


@blp.route("/reviews/queue")
class Queue(MethodView):
    @auth_required(Role.reviewer)
    @blp.arguments(s.QueueArgsSchema, location="query", as_kwargs=True)
    @blp.arguments(PageArgsSchema, location="query", as_kwargs=True)
    @blp.response(200, QueuePageSchema)
    @blp.alt_response(403, description="Not a reviewer, or `org_unit_id` outside your scope")
    @blp.alt_response(404, description="No such org unit")
    def get(self, page: int, per_page: int, org_unit_id: int | None = None) -> dict[str, Any]:
        """Pending profiles of your unit and the units below it, oldest first

        `?org_unit_id=` narrows it to a unit inside your scope (and the units below it). Each item
        carries the applicant's unit (`org_unit_id`, `org_unit_name`) and, for a profile approved
        before, what changed since that approval (`changes: {field: {before, after}}`).
        """
        return paginate(service.queue(actor=current_account(), org_unit_id=org_unit_id), page=page,
                        per_page=per_page)


@blp.route("/reviews/profiles")
class BrowseProfiles(MethodView):
    @auth_required(Role.reviewer)
    @blp.arguments(s.BrowseArgsSchema, location="query", as_kwargs=True)
    @blp.arguments(PageArgsSchema, location="query", as_kwargs=True)
    @blp.response(200, QueuePageSchema)
    @blp.alt_response(403, description="Not a reviewer, or `org_unit_id` outside your scope")
    @blp.alt_response(404, description="No such org unit")
    def get(self, page: int, per_page: int, status: Any = None, org_unit_id: int | None = None,
            q: str | None = None) -> dict[str, Any]:
        """Profiles in your scope, in any state, latest change first

        `?status=` (e.g. suspended or paused), `?org_unit_id=` (a unit inside your scope) and
        `?q=` (part of the display name or username) narrow the list. Items as in the queue.
        """
        stmt = service.browse(actor=current_account(), status=status, org_unit_id=org_unit_id, q=q)
        return paginate(stmt, page=page, per_page=per_page)


@blp.route("/profiles/<int:profile_id>/review")
class Review(MethodView):
    @auth_required(Role.reviewer)
    @blp.arguments(s.DecisionSchema)
    @blp.response(200, ReviewerProfileSchema)
    @blp.alt_response(403, description="Not a reviewer, or out of scope")
    @blp.alt_response(404, description="No such profile")
    @blp.alt_response(409, description="Not pending")
    @commit_on_success
    def post(self, body: dict[str, Any], profile_id: int) -> Profile:
        """Approve, reject or request changes, with a note the member sees"""
        return service.decide(actor=current_account(), profile_id=profile_id, **body)


@blp.route("/profiles/<int:profile_id>/suspend")
class Suspend(MethodView):
    @auth_required(Role.reviewer)
    @blp.arguments(s.SuspendSchema)
    @blp.response(200, ReviewerProfileSchema)
    @blp.alt_response(403, description="Not a reviewer, or out of scope")
    @blp.alt_response(404, description="No such profile")
    @blp.alt_response(409, description="Already suspended")
    @commit_on_success
    def post(self, body: dict[str, Any], profile_id: int) -> Profile:
        """Suspend a profile in your scope (takes it out of the pool at once)"""
        return service.suspend(actor=current_account(), profile_id=profile_id, **body)


@blp.route("/profiles/<int:profile_id>/unsuspend")
class Unsuspend(MethodView):
    @auth_required(Role.reviewer)
    @blp.arguments(s.UnsuspendSchema)
    @blp.response(200, ReviewerProfileSchema)
    @blp.alt_response(403, description="Not a reviewer, or out of scope")
    @blp.alt_response(404, description="No such profile")
    @blp.alt_response(409, description="Not suspended")
    @commit_on_success
    def post(self, body: dict[str, Any], profile_id: int) -> Profile:
        """Lift a suspension: the profile is approved and shown again

        The member is notified; audited (`unsuspend`).
        """
        return service.unsuspend(actor=current_account(), profile_id=profile_id, **body)


@blp.route("/audit")
class Audit(MethodView):
    @auth_required(Role.admin, Role.reviewer)
    @blp.arguments(s.AuditQueryArgsSchema, location="query", as_kwargs=True)
    @blp.arguments(PageArgsSchema, location="query", as_kwargs=True)
    @blp.response(200, AuditPageSchema)
    @blp.alt_response(403, description="Neither admin nor reviewer")
    def get(self, page: int, per_page: int, action: str | None = None, target: str | None = None) -> dict[str, Any]:
        """The audit log, newest first (admins: all; reviewers: their scope)"""
        stmt = audit.audit_log(actor=current_account(), action=action, target=target)
        return paginate(stmt, page=page, per_page=per_page)
