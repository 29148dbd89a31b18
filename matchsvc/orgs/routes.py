"""The org-unit tree."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView

from matchsvc.accounts.models import Role
from matchsvc.core.auth import auth_required
from matchsvc.core.blueprints import Blueprint
from matchsvc.core.openapi import DATABASE_AWAY_DOC, RETRY_AFTER_HEADER
from matchsvc.core.pagination import PageArgsSchema, page_schema, paginate
from matchsvc.core.transactions import commit_on_success
from matchsvc.orgs import schemas as s
from matchsvc.orgs import service
from matchsvc.orgs.models import OrgUnit

blp = Blueprint("orgs", __name__, description="The org-unit tree")

OrgUnitPageSchema = page_schema(s.OrgUnitSchema, "OrgUnitPage")


@blp.route("/org-units")
class OrgUnits(MethodView):
    @blp.doc(security=[])
    @blp.arguments(PageArgsSchema, location="query", as_kwargs=True)
    @blp.response(200, OrgUnitPageSchema)
    @blp.alt_response(503, description=DATABASE_AWAY_DOC, headers=RETRY_AFTER_HEADER)
    def get(self, page: int, per_page: int) -> dict[str, Any]:
        """List the org units, parents before children (public: the sign-up form lists them)"""
        return paginate(service.list_units(), page=page, per_page=per_page)

    @auth_required(Role.admin)
    @blp.arguments(s.OrgUnitCreateSchema)
    @blp.response(201, s.OrgUnitSchema)
    @blp.alt_response(403, description="Not an admin")
    @blp.alt_response(409, description="A sibling unit already has this name (`duplicate_name`)")
    @commit_on_success
    def post(self, body: dict[str, Any]) -> OrgUnit:
        """Create an org unit (admin)"""
        return service.create_unit(**body)
