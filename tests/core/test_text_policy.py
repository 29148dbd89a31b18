"""The one text policy of the edge (issue 13): every string a client sends is checked by a
``SafeString`` field; lone surrogates, NUL and control characters are a 422 on that field, never a
500; names and short fields also refuse invisible format characters (bidi controls, zero-width)."""

from __future__ import annotations

import json
from urllib.parse import quote

import marshmallow as ma
import pytest

from matchsvc.core.schemas import Email, FreeText, SafeString, Secret, Text
from matchsvc.profiles.schemas import InterestField

BAD_EVERYWHERE = ["\ud800", "a\udfffb", "a\x00b", "\x01", "a\x1bb", "a\x7fb", "a\x85b", "a\x9fb", "a\rb"]
BAD_IN_NAMES = ["a\nb", "a\tb", "\u202eevil", "a\u200bb", "a\u200db", "\ufeffa", "a\u2066b", "a\u061cb", "a\u00adb"]


@pytest.mark.parametrize("value", BAD_EVERYWHERE + BAD_IN_NAMES)
def test_text_refuses_controls_surrogates_and_invisible_characters(value):
    with pytest.raises(ma.ValidationError):
        Text().deserialize(value)


@pytest.mark.parametrize("value", BAD_EVERYWHERE)
def test_free_text_and_secret_refuse_controls_and_surrogates(value):
    with pytest.raises(ma.ValidationError):
        FreeText().deserialize(value)
    with pytest.raises(ma.ValidationError):
        Secret().deserialize(value)


@pytest.mark.parametrize("value,expected", [
    ("  第一行\r\n第二行\t结束 ", "第一行\n第二行\t结束"),
    ("مرحبا \u200f", "مرحبا \u200f"),
])
def test_free_text_keeps_lines_tabs_and_bidi_marks(value, expected):
    assert FreeText().deserialize(value) == expected


@pytest.mark.parametrize("value", ["张三", "Zoë O'Neil", "日本语", "👩🏽", "x"])
def test_text_accepts_ordinary_names(value):
    assert Text().deserialize(f"  {value} ") == value


def test_secret_is_kept_as_sent():
    assert Secret().deserialize("  pass word\u200b ") == "  pass word\u200b "


def test_email_is_text():
    assert Email().deserialize(" a@example.org ") == "a@example.org"
    with pytest.raises(ma.ValidationError):
        Email().deserialize("a\u202e@example.org")


# --- every request schema uses the policy -------------------------------------------------------

#: Fields that are not ``SafeString`` but run the policy themselves (with the reason).
CUSTOM_TEXT_FIELDS = {
    InterestField: "a tag string or {tag, weight}; the tag goes through clean_text",
}


def _fields(schema: ma.Schema, path: str):
    for name, field in schema.fields.items():
        if field.dump_only:
            continue
        yield from _field_leaves(field, f"{path}.{field.data_key or name}")


def _field_leaves(field: ma.fields.Field, path: str):
    if isinstance(field, ma.fields.Nested):
        yield from _fields(field.schema, path)
    elif isinstance(field, ma.fields.Pluck):  # pragma: no cover - none today; kept for new schemas
        yield from _fields(field.schema, path)
    elif isinstance(field, ma.fields.List):
        yield from _field_leaves(field.inner, f"{path}[]")
    elif isinstance(field, ma.fields.Tuple):  # pragma: no cover - none today; kept for new schemas
        for i, inner in enumerate(field.tuple_fields):
            yield from _field_leaves(inner, f"{path}[{i}]")
    elif isinstance(field, ma.fields.Dict):
        if field.key_field is not None:
            yield from _field_leaves(field.key_field, f"{path}{{key}}")
        if field.value_field is not None:
            yield from _field_leaves(field.value_field, f"{path}{{value}}")
        if field.key_field is None or field.value_field is None:
            yield path, field
    else:
        yield path, field


def argument_schemas(app):
    """(rule, method, schema) for every ``@blp.arguments`` of every route of the app."""
    out = []
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        cls = getattr(view, "view_class", None)
        functions = [getattr(cls, m.lower()) for m in sorted(cls.methods or ())] if cls else [view]
        for fn in functions:
            for param in getattr(fn, "_apidoc", {}).get("arguments", {}).get("parameters", []):
                schema = param["schema"]
                out.append((rule.rule, fn.__name__, schema() if isinstance(schema, type) else schema))
    return out


def test_every_request_string_field_goes_through_the_text_policy(app):
    schemas = argument_schemas(app)
    assert len(schemas) > 20  # the walk found the app's request schemas
    offenders = []
    for rule, method, schema in schemas:
        for path, field in _fields(schema, f"{method.upper()} {rule} {type(schema).__name__}"):
            if isinstance(field, SafeString) or type(field) in CUSTOM_TEXT_FIELDS:
                continue
            if isinstance(field, (ma.fields.String, ma.fields.Raw, ma.fields.Dict)) or type(field) is ma.fields.Field:
                offenders.append(f"{path}: {type(field).__name__}")
    assert not offenders, ("request fields that take text without the text policy; use Text, FreeText or "
                           "Secret from matchsvc.core.schemas:\n" + "\n".join(offenders))


# --- the findings of issue 13, over HTTP -------------------------------------------------------


def _raw(client, method, url, body, headers=None):
    """Send ``body`` as JSON with lone surrogates escaped (valid JSON, as an attacker sends it)."""
    return client.open(url, method=method, data=json.dumps(body), content_type="application/json",
                       headers=headers or {})


@pytest.mark.parametrize("body,field", [
    ({"username": "\ud800", "password": "whatever-password"}, "username"),
    ({"username": "alice", "password": "\ud800"}, "password"),
    ({"username": "a\x00b", "password": "whatever-password"}, "username"),
    ({"username": "alice", "password": "pass\x00word"}, "password"),
])
def test_login_with_bad_text_is_422(client, make, body, field):
    make.account(username="alice")
    resp = _raw(client, "POST", "/api/v1/auth/token", body)
    assert resp.status_code == 422, resp.get_data(as_text=True)
    assert resp.mimetype == "application/problem+json"
    assert field in resp.get_json()["errors"]


@pytest.mark.parametrize("body,field", [
    ({"username": "bob", "password": "\ud800" * 10}, "password"),
    ({"username": "bob", "password": "0123456789\x00"}, "password"),
    ({"username": "bo\ud800b", "password": "0123456789"}, "username"),
])
def test_register_with_bad_text_is_422(client, make, body, field):
    body["org_unit_id"] = make.root().id
    resp = _raw(client, "POST", "/api/v1/auth/register", body)
    assert resp.status_code == 422, resp.get_data(as_text=True)
    assert field in resp.get_json()["errors"]


def test_a_surrogate_in_a_key_is_422_not_500(client):
    resp = _raw(client, "POST", "/api/v1/auth/token", {"username": "a", "password": "b", "\ud800": 1})
    assert resp.status_code == 422
    assert resp.mimetype == "application/problem+json"


@pytest.mark.parametrize("url", [
    "/accounts?username=" + quote("a\x00b"),
    "/accounts?username=" + quote("a\u202eb"),
    "/audit?action=" + quote("a\x00b"),
    "/audit?target=" + quote("a\x00b"),
    "/stats?to=0000-01",
    "/stats?from=0000-01",
    "/stats?to=9999-12",
    "/stats?to=0001-05",
])
def test_admin_query_arguments_with_bad_text_are_422(make, as_, url):
    admin = make.account("admin")
    resp = as_(admin).get(url)
    assert resp.status_code == 422, resp.get_data(as_text=True)
    assert resp.get_json()["errors"]


@pytest.mark.parametrize("field,value", [
    ("display_name", "\u202eevil"), ("display_name", "a\u200bb"), ("display_name", "line\r\nbreak"),
    ("display_name", "\ud800"), ("city", "杭\x00州"), ("occupation", "a\x85b"), ("intro", "a\x00b"),
    ("intro", "\udc00"), ("interests", ["爬\u200d山"]), ("contact", {"wechat": "abc\ud800def"}),
    ("contact", {"email": "a@b.org\u202e"}), ("seeking", {"cities": ["杭州\n"]}),
    ("consent", {"version": "\x00", "accepted": True}),
])
def test_profile_text_fields_refuse_bad_text(make, as_, field, value):
    account = make.account()
    resp = as_(account).open("PUT", "/me/profile", data=json.dumps({field: value}),
                             content_type="application/json")
    assert resp.status_code == 422, resp.get_data(as_text=True)
    assert any(key.startswith(field) for key in resp.get_json()["errors"])


def test_profile_intro_keeps_lines(make, as_):
    account = make.account()
    resp = as_(account).put("/me/profile", json={"display_name": "小王", "intro": "第一行\r\n第二行\t完"})
    assert resp.status_code == 200, resp.get_json()
    assert resp.get_json()["intro"] == "第一行\n第二行\t完"
