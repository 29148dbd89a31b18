"""The org-unit tree over HTTP."""

from __future__ import annotations

import pytest

from tests.helpers import assert_problem, field_errors


def test_list_units_is_public(as_, make):
    root = make.root()
    child = make.unit("税务局工会", root)
    r = as_(None).get("/org-units")
    assert r.status_code == 200
    assert r.json["items"] == [{"id": root.id, "name": root.name, "parent_id": None},
                               {"id": child.id, "name": "税务局工会", "parent_id": root.id}]
    assert r.json["total"] == 2 and r.json["page"] == 1
    assert "税务局工会".encode() in r.data


def test_list_units_pages(as_, make):
    root = make.root()
    for i in range(5):
        make.unit(f"u{i}", root)
    r = as_(None).get("/org-units?per_page=2&page=3")
    assert r.json["total"] == 6 and len(r.json["items"]) == 2


def test_create_unit_admin(as_, make):
    admin = make.account("admin")
    root = make.root()
    r = as_(admin).post("/org-units", json={"name": "妇女联合会", "parent_id": root.id})
    assert r.status_code == 201, r.json
    assert r.json == {"id": r.json["id"], "name": "妇女联合会", "parent_id": root.id}
    r = as_(admin).post("/org-units", json={"name": "另一棵树", "parent_id": None})
    assert r.status_code == 201 and r.json["parent_id"] is None


@pytest.mark.parametrize("roles", [(), ("reviewer",), ("organizer",), ("reviewer", "organizer")])
def test_create_unit_not_admin_403(as_, make, roles):
    account = make.account(*roles)
    assert_problem(as_(account).post("/org-units", json={"name": "x", "parent_id": account.org_unit_id}), 403)


def test_create_unit_anonymous_401(as_, make):
    assert_problem(as_(None).post("/org-units", json={"name": "x", "parent_id": make.root().id}), 401)


@pytest.mark.parametrize("body,field", [({"name": "x", "parent_id": 999}, "parent_id"),
                                        ({"name": "", "parent_id": None}, "name"),
                                        ({"name": "   ", "parent_id": None}, "name"),
                                        ({"name": "x" * 101, "parent_id": None}, "name"),
                                        ({"name": "x"}, "parent_id"),
                                        ({"parent_id": None}, "name"),
                                        ({"name": "x", "parent_id": "1"}, "parent_id"),
                                        ({"name": "x", "parent_id": None, "path": "/"}, "path")])
def test_create_unit_invalid_422(as_, make, body, field):
    assert field in field_errors(as_(make.account("admin")).post("/org-units", json=body))


def test_create_unit_duplicate_409(as_, make):
    admin = make.account("admin")
    root = make.root()
    assert as_(admin).post("/org-units", json={"name": "工会", "parent_id": root.id}).status_code == 201
    assert_problem(as_(admin).post("/org-units", json={"name": "工会", "parent_id": root.id}), 409)
