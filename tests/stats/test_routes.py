"""GET /stats over HTTP: JSON and CSV, who may ask, and the query."""

from __future__ import annotations

import pytest

from tests.helpers import assert_problem, field_errors


def test_stats_as_json(as_, make, union):
    r = as_(make.account("admin")).get("/stats")
    assert r.status_code == 200 and r.mimetype == "application/json"
    assert set(r.json) == {"scope", "period", "profiles", "reviews", "matches", "events", "attendance", "months",
                          "by_org_unit"}
    assert r.json["profiles"]["by_status"]["approved"] == 4
    assert "东区工会" in r.get_data(as_text=True)
    r = as_(make.account("reviewer", unit=union.west)).get(f"/stats?from={union.last}&to={union.this}")
    assert [m["month"] for m in r.json["months"]] == [union.last, union.this]
    assert r.json["scope"]["org_unit_id"] == union.west.id
    assert r.json["matches"]["by_source"] == {"like": 1, "event": 1}


def test_stats_as_csv(as_, make, union):
    r = as_(make.account("admin")).get("/stats?format=csv")
    assert r.status_code == 200
    assert r.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in r.headers["Content-Disposition"]
    body = r.get_data()
    assert body.startswith("\ufeff".encode()) and "西区妇联".encode() in body
    assert body.decode("utf-8-sig").splitlines()[0] == "metric,org_unit,month,value"


def test_stats_needs_an_admin_or_a_reviewer(as_, make, client):
    assert_problem(client.get("/api/v1/stats"), 401)
    assert_problem(as_(make.account()).get("/stats"), 403, "role_required")
    assert_problem(as_(make.account("organizer")).get("/stats?format=csv"), 403)


@pytest.mark.parametrize("query, field", [("from=2026-13", "from"), ("to=26-01", "to"), ("format=xlsx", "format"),
                                          ("from=2026-05&to=2026-04", "to")])
def test_stats_query_is_checked(as_, make, query, field):
    assert field in field_errors(as_(make.account("admin")).get(f"/stats?{query}"))
