"""Property test of the text policy (issue 13): every string field of every request body and query
of the OpenAPI document gets arbitrary Unicode (lone surrogates, NUL, controls, bidi and
zero-width characters included) while the rest of the request is valid, and the answer is 2xx or
4xx, never 5xx. The caller holds every role and an approved profile, so the body is parsed and,
when it validates, reaches the service and the database (on both engines)."""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from matchsvc.core.clock import utcnow

#: Characters that broke things once, mixed into arbitrary Unicode (surrogates included).
SPECIAL = ["\x00", "\ud800", "\udfff", "\u202e", "\u200b", "\ufeff", "\r", "\n", "\t", "\x85", "\x1b", "%", "_",
           "\\", "'", '"', "é", "杭"]
TEXT = st.text(alphabet=st.one_of(st.characters(exclude_categories=()), st.sampled_from(SPECIAL)), max_size=40)

#: Request bodies that pass validation, so a fuzzed field is the only thing wrong with them.
#: Operations missing here get their required fields filled from the schema's types.
def _bodies(ids: dict[str, int]) -> dict[tuple[str, str], dict[str, Any]]:
    soon = utcnow()
    from datetime import timedelta

    iso = lambda d: (soon + d).isoformat()  # noqa: E731
    return {
        ("post", "/auth/register"): {"username": "newbie", "password": "0123456789", "org_unit_id": ids["unit"]},
        ("post", "/auth/token"): {"username": "fuzzer", "password": "correct horse battery"},
        ("put", "/me/profile"): {"display_name": "小王", "intro": "你好", "city": "杭州"},
        ("post", "/events"): {"title": "爬山", "description": "一起", "tags": ["户外"], "location": "西湖",
                              "starts_at": iso(timedelta(days=7)), "ends_at": iso(timedelta(days=7, hours=2)),
                              "signup_deadline": iso(timedelta(days=5)), "capacity": 10,
                              "quota": {"male": 5, "female": 5}, "age_min": 20, "age_max": 40,
                              "org_unit_ids": [ids["unit"]]},
        ("patch", "/events/{event_id}"): {"title": "爬山"},
        ("post", "/profiles/{profile_id}/review"): {"decision": "approve", "note": "好"},
        ("post", "/profiles/{profile_id}/suspend"): {"reason": "骚扰"},
        ("post", "/reports"): {"profile_id": ids["profile"], "reason": "骚扰"},
        ("post", "/org-units"): {"name": "新单位", "parent_id": ids["unit"]},
        ("put", "/accounts/{account_id}/roles"): {"roles": ["member"], "org_unit_id": ids["unit"]},
    }


def _resolve(spec: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    for key in ("anyOf", "oneOf"):  # a nullable nested object: the branch with the fields
        if key in schema:
            branches = [_resolve(spec, b) for b in schema[key]]
            return max(branches, key=lambda b: len(b.get("properties", {})))
    if "allOf" in schema:
        merged: dict[str, Any] = {"properties": {}, "required": []}
        for part in schema["allOf"]:
            part = _resolve(spec, part)
            merged["properties"].update(part.get("properties", {}))
            merged["required"] += part.get("required", [])
        return merged
    return schema


def _string_paths(spec: dict[str, Any], schema: dict[str, Any], prefix: tuple = ()) -> list[tuple]:
    """Paths (tuples of keys, ``0`` for a list item) to every string in a request schema."""
    schema = _resolve(spec, schema)
    kind = schema.get("type")
    if not schema:  # a field of any shape (an interest: a tag or {tag, weight}); send it text
        return [prefix]
    if kind == "string" and schema.get("format") not in ("date", "date-time", "binary"):
        return [prefix]
    if kind == "array":
        return _string_paths(spec, schema.get("items", {}), prefix + (0,))
    if kind == "object" or "properties" in schema:
        out = []
        for name, sub in schema.get("properties", {}).items():
            if not _resolve(spec, sub).get("readOnly"):
                out += _string_paths(spec, sub, prefix + (name,))
        return out
    return []


def _example(spec: dict[str, Any], schema: dict[str, Any]) -> Any:
    schema = _resolve(spec, schema)
    kind = schema.get("type")
    if "enum" in schema:
        return schema["enum"][0]
    if kind == "object" or "properties" in schema:
        props = schema.get("properties", {})
        return {name: _example(spec, props[name]) for name in schema.get("required", []) if name in props}
    return {"string": "abc", "integer": 1, "number": 1, "boolean": True, "array": []}.get(kind)


def _with(body: Any, path: tuple, value: str) -> Any:
    if not path:
        return value
    head, rest = path[0], path[1:]
    if head == 0:
        return [_with(body[0] if isinstance(body, list) and body else None, rest, value)]
    body = dict(body) if isinstance(body, dict) else {}
    body[head] = _with(body.get(head), rest, value)
    return body


def _cases(spec: dict[str, Any]) -> list[tuple[str, str, str, tuple]]:
    """(method, path, where, field path) for every string a client can send."""
    cases = []
    for path, item in spec["paths"].items():
        for method, op in item.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            for param in op.get("parameters", []) + item.get("parameters", []):
                param = _resolve(spec, param)
                if param.get("in") == "query" and _resolve(spec, param.get("schema", {})).get("type") in ("string", "array"):
                    cases.append((method, path, "query", (param["name"],)))
            content = op.get("requestBody", {}).get("content", {}).get("application/json")
            if content:
                for field in _string_paths(spec, content["schema"]):
                    cases.append((method, path, "json", field))
    return cases


def _spec() -> dict[str, Any]:
    from matchsvc import create_app

    from tests.conftest import TEST_CONFIG

    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    with app.app_context():
        return app.extensions["matchsvc.api"].spec.to_dict()


SPEC = _spec()
CASES = _cases(SPEC)


def test_the_fuzz_reaches_the_known_text_fields():
    seen = {(m, p.removeprefix("/api/v1"), ".".join(map(str, f))) for m, p, _, f in CASES}
    for case in [("post", "/auth/token", "username"), ("post", "/auth/token", "password"),
                 ("post", "/auth/register", "password"), ("put", "/me/profile", "display_name"),
                 ("put", "/me/profile", "contact.email"), ("get", "/accounts", "username"),
                 ("get", "/audit", "action"), ("get", "/stats", "to"), ("post", "/events", "tags.0")]:
        assert case in seen


@pytest.fixture
def world(make):
    """The caller (every role, approved profile), another approved member, an event it organises."""
    from tests.factories import EventFactory

    unit = make.root()
    me = make.account("admin", "reviewer", "organizer", username="fuzzer")
    make.profile(me, approved=True)
    other, other_profile = make.member(gender="male")
    event = EventFactory(created_by=me.id)
    return me, {"unit": unit.id, "profile": other_profile.id, "account": other.id, "event": event.id}


def _url(path: str, ids: dict[str, int]) -> str:
    names = {"profile_id": ids["profile"], "account_id": ids["account"], "event_id": ids["event"],
             "org_unit_id": ids["unit"]}
    return re.sub(r"\{(\w+)\}", lambda m: str(names.get(m.group(1), 1)), path)


@pytest.mark.parametrize("method,path,where,field", CASES,
                         ids=[f"{m.upper()} {p} {w}:{'.'.join(map(str, f))}" for m, p, w, f in CASES])
def test_any_text_in_any_field_is_never_a_5xx(app, client, world, method, path, where, field):
    me, ids = world
    from flask_jwt_extended import create_access_token

    token = create_access_token(identity=str(me.id))
    headers = {"Authorization": f"Bearer {token}"}
    op = SPEC["paths"][path][method]
    base = _bodies(ids).get((method, path.removeprefix("/api/v1")))
    if base is None and where == "json":
        base = _example(SPEC, op["requestBody"]["content"]["application/json"]["schema"])

    @settings(max_examples=12, deadline=None, derandomize=True, database=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
    @given(text=TEST_TEXT)
    @example(text="a\x00b")
    @example(text="\ud800")
    @example(text="ok\udfffok")
    @example(text="\u202eevil")
    @example(text="line\r\nbreak")
    def check(text: str) -> None:
        url = _url(path, ids)
        if where == "query":
            url += "?" + field[0] + "=" + quote(text.encode("utf-8", "surrogatepass"), safe="")
            resp = client.open(url, method=method.upper(), headers=headers)
        else:
            resp = client.open(url, method=method.upper(), headers=headers,
                               data=json.dumps(_with(base, field, text)), content_type="application/json")
        assert resp.status_code < 500, (method, path, field, text, resp.get_data(as_text=True))
        if resp.status_code >= 400:
            assert resp.mimetype == "application/problem+json"

    check()


TEST_TEXT = st.one_of(TEXT, st.sampled_from(SPECIAL).map(lambda c: f"ok{c}ok"))
