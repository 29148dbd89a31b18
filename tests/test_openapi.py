"""The OpenAPI document and the docs page."""

from __future__ import annotations

import re

import pytest

#: The paths API.md's Accounts, Profiles and Review sections fix, plus /consent.
API_PATHS = {
    "/auth/register": {"post"}, "/auth/token": {"post"}, "/me": {"get"}, "/org-units": {"get", "post"},
    "/accounts": {"get"}, "/accounts/{account_id}/roles": {"put"},
    "/me/profile": {"get", "put", "delete"}, "/me/profile/submit": {"post"}, "/me/profile/pause": {"post"},
    "/me/profile/resume": {"post"}, "/me/export": {"get"}, "/profiles/{profile_id}": {"get"},
    "/reviews/queue": {"get"}, "/profiles/{profile_id}/review": {"post"}, "/profiles/{profile_id}/suspend": {"post"},
    "/reviews/reports": {"get"}, "/audit": {"get"}, "/consent": {"get"},
    "/me/notifications": {"get"}, "/me/notifications/{notification_id}/read": {"post"},
    # issue 10: what each role still missed
    "/auth/logout": {"post"}, "/me/password": {"post"}, "/accounts/{account_id}/disable": {"post"},
    "/accounts/{account_id}/enable": {"post"}, "/accounts/{account_id}/reset-password": {"post"},
    "/me/events": {"get"}, "/me/invitations": {"get"}, "/events/{event_id}/attendees": {"get"},
    "/me/notifications/unread-count": {"get"}, "/me/notifications/read-all": {"post"},
    "/reviews/profiles": {"get"}, "/reports/{report_id}/resolve": {"post"},
    "/profiles/{profile_id}/unsuspend": {"post"}, "/events/{event_id}/signups": {"get", "post"},
    "/events/{event_id}/report": {"get"}, "/events/{event_id}/checkins/{profile_id}": {"delete"},
}


@pytest.fixture
def spec(client):
    r = client.get("/api/v1/openapi.json")
    assert r.status_code == 200 and r.mimetype == "application/json"
    return r.json


def test_spec_is_openapi_3(spec):
    assert spec["openapi"].startswith("3.")
    assert spec["info"]["title"] and spec["info"]["version"] == "v1"
    assert spec["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"


@pytest.mark.parametrize("path,methods", sorted(API_PATHS.items()))
def test_spec_lists_the_api_paths(spec, path, methods):
    operations = spec["paths"].get("/api/v1" + path)
    assert operations is not None, sorted(spec["paths"])
    assert methods <= set(operations)


def test_every_operation_is_documented(spec):
    for path, operations in spec["paths"].items():
        for method, op in operations.items():
            if method == "parameters":
                continue
            assert op.get("summary"), (method, path)
            assert op.get("responses"), (method, path)
            assert any(code.startswith("2") for code in op["responses"]), (method, path)


def test_every_reference_resolves(spec):
    refs = set(re.findall(r'"\$ref": "#/([^"]+)"', __import__("json").dumps(spec)))
    assert refs
    for ref in refs:
        node = spec
        for part in ref.split("/"):
            assert part in node, ref
            node = node[part]


def test_public_endpoints_need_no_token(spec):
    for path in ("/api/v1/auth/register", "/api/v1/auth/token"):
        assert spec["paths"][path]["post"]["security"] == []
    assert spec["paths"]["/api/v1/consent"]["get"]["security"] == []


def test_errors_documented_as_problems(spec):
    schemas = spec["components"]["schemas"]
    problem = next(s for name, s in schemas.items() if {"type", "title", "status", "detail", "code"} <= set(
        s.get("properties", {})))
    assert problem["properties"]["errors"]["type"] == "object"


def test_docs_page_is_html(client):
    r = client.get("/api/v1/docs")
    assert r.status_code == 200 and r.mimetype == "text/html"
    assert b"swagger" in r.data.lower() and b"openapi.json" in r.data
