"""The member's inbox."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView

from matchsvc.core.auth import auth_required, current_account
from matchsvc.core.blueprints import Blueprint
from matchsvc.core.pagination import PageArgsSchema, page_schema, paginate
from matchsvc.core.transactions import commit_on_success
from matchsvc.notifications import schemas as s
from matchsvc.notifications import service
from matchsvc.notifications.models import Notification

blp = Blueprint("notifications", __name__, description="The in-app inbox")

NotificationPageSchema = page_schema(s.NotificationSchema, "NotificationPage")


@blp.route("/me/notifications")
class Inbox(MethodView):
    @auth_required()
    @blp.arguments(s.InboxArgsSchema, location="query", as_kwargs=True)
    @blp.arguments(PageArgsSchema, location="query", as_kwargs=True)
    @blp.response(200, NotificationPageSchema)
    def get(self, unread: bool, page: int, per_page: int) -> dict[str, Any]:
        """Your notifications, newest first (`?unread=true` for the unread ones)"""
        return paginate(service.inbox(actor=current_account(), unread=unread), page=page, per_page=per_page)


@blp.route("/me/notifications/<int:notification_id>/read")
class MarkRead(MethodView):
    @auth_required()
    @blp.response(200, s.NotificationSchema)
    @blp.alt_response(404, description="Not one of yours")
    @commit_on_success
    def post(self, notification_id: int) -> Notification:
        """Mark a notification read"""
        return service.mark_read(actor=current_account(), notification_id=notification_id)


@blp.route("/me/notifications/unread-count")
class UnreadCount(MethodView):
    @auth_required()
    @blp.response(200, s.CountSchema)
    def get(self) -> dict[str, int]:
        """How many of your notifications are unread"""
        return service.unread_count(actor=current_account())


@blp.route("/me/notifications/read-all")
class ReadAll(MethodView):
    @auth_required()
    @blp.response(200, s.CountSchema)
    @commit_on_success
    def post(self) -> dict[str, int]:
        """Mark all your notifications read

        `count` says how many were unread.
        """
        return service.mark_all_read(actor=current_account())
