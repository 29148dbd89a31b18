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


def _texts(node) -> str:
    """Every description under ``node`` (an operation or a component schema), one text."""
    if isinstance(node, dict):
        return " ".join([str(node.get("description", ""))] + [_texts(v) for k, v in node.items() if k != "description"])
    if isinstance(node, list):
        return " ".join(_texts(v) for v in node)
    return ""


#: Each rule across fields that a schema or a service checks (422), and where the document says it:
#: ("schema", component name) or (method, path), with a phrase the description must hold.
CROSS_FIELD_RULES = [
    (("schema", "Seeking"), "`age_min` ≤ `age_max`"),                # SeekingSchema._ranges
    (("schema", "Seeking"), "`height_min` ≤ `height_max`"),
    (("schema", "ProfileUpdate"), "a bound sent alone checked against the stored other bound"),
    (("schema", "ProfileUpdate"), "`consent.version` must be the current version"),
    (("schema", "EventCreate"), "`signup_deadline` ≤ `starts_at` < `ends_at`"),  # events service _check
    (("schema", "EventCreate"), "`quota.male` + `quota.female` ≤ `capacity`"),
    (("schema", "EventCreate"), "`age_min` ≤ `age_max`"),
    (("schema", "EventCreate"), "`signup_deadline` in the future"),
    (("schema", "EventUpdate"), "`signup_deadline` ≤ `starts_at` < `ends_at`"),
    (("schema", "EventUpdate"), "may not drop below the seats already taken"),
    (("schema", "Decision"), "`note` is required (not blank) when `decision` is `reject` or `request_changes`"),
    (("schema", "PhotoDecision"), "`note` is required (not blank) when `decision` is `reject`"),
    (("schema", "PasswordChange"), "`new_password` must differ"),
    (("schema", "PhotoOrder"), "each of your photos exactly once"),
    (("get", "/profiles"), "not below `age_min`"),                   # matching.search
    (("get", "/stats"), "not before `from`"),                        # stats._period
    (("get", "/stats"), "at most 120 months"),
]


@pytest.mark.parametrize("where,phrase", CROSS_FIELD_RULES)
def test_cross_field_rules_are_in_the_descriptions(spec, where, phrase):
    kind, name = where
    node = spec["components"]["schemas"][name] if kind == "schema" else spec["paths"]["/api/v1" + name][kind]
    assert phrase in _texts(node), (where, phrase)


def test_every_validates_schema_rule_is_listed():
    """A new ``@validates_schema`` needs its rule in the document, and in CROSS_FIELD_RULES."""
    import importlib
    import inspect
    import pkgutil

    import marshmallow as ma

    import matchsvc

    listed = {name for (kind, name), _ in CROSS_FIELD_RULES if kind == "schema"}
    found = set()
    for package in pkgutil.iter_modules(matchsvc.__path__):
        try:
            module = importlib.import_module(f"matchsvc.{package.name}.schemas")
        except ModuleNotFoundError:
            continue
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, ma.Schema) and any(
                    attr in vars(cls) for attr, *_ in cls._hooks.get("validates_schema", ())):
                found.add(cls.__name__.removesuffix("Schema"))
    assert "Seeking" in found
    assert found <= listed, found - listed
