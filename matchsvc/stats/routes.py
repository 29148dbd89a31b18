"""Statistics for the union's reports."""

from __future__ import annotations

from typing import Any

from flask import Response
from flask.views import MethodView

from matchsvc.accounts.models import Role
from matchsvc.core.auth import auth_required, current_account
from matchsvc.core.blueprints import Blueprint
from matchsvc.core.openapi import CSV_DOWNLOAD
from matchsvc.stats import schemas as s
from matchsvc.stats import service

blp = Blueprint("stats", __name__, description="Statistics for the union's reports")


@blp.route("/stats")
class Stats(MethodView):
    @auth_required(Role.admin, Role.reviewer)
    @blp.arguments(s.StatsArgsSchema, location="query", as_kwargs=True)
    @blp.response(200, s.StatsSchema)
    @blp.alt_response(200, **CSV_DOWNLOAD)
    @blp.alt_response(403, description="Neither admin nor reviewer")
    @blp.alt_response(422, description="A malformed month, or a period that ends before it starts")
    def get(self, month_from: str | None, month_to: str | None, format: str) -> Any:  # noqa: A002 - the API's name
        """Profiles by status and org unit, review times, matches, events, attendance, month by month

        Admins see everything, reviewers their own unit and the units below it. Months are UTC.
        `?format=csv` gives the same numbers as one tidy table (metric, org_unit, month, value) in
        UTF-8 with a byte-order mark, ready for a spreadsheet; an empty org_unit means the whole
        scope, an empty month the whole period (for profiles: as they stand now).
        """
        if format == "csv":
            body = service.statistics_csv(actor=current_account(), month_from=month_from, month_to=month_to)
            return Response(body, mimetype="text/csv",
                            headers={"Content-Disposition": 'attachment; filename="matchsvc-stats.csv"'})
        return service.statistics_for(actor=current_account(), month_from=month_from, month_to=month_to)
