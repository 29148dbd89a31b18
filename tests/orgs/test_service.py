"""Org units and scope: a unit's subtree, never sideways or up."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from matchsvc.errors import Conflict, NotFound, ValidationFailed
from matchsvc.extensions import db
from matchsvc.orgs import service
from matchsvc.orgs.models import OrgUnit


@pytest.fixture
def tree(make):
    """city ─┬─ tax ─┬─ tax_a ── tax_a1
             │       └─ tax_b
             └─ women"""
    city = make.root()
    tax = make.unit("税务局工会", city)
    tax_a = make.unit("一科", tax)
    tax_a1 = make.unit("一组", tax_a)
    tax_b = make.unit("二科", tax)
    women = make.unit("妇联", city)
    return dict(city=city, tax=tax, tax_a=tax_a, tax_a1=tax_a1, tax_b=tax_b, women=women)


def test_create_unit_sets_materialised_path(tree):
    assert tree["city"].path == f"/{tree['city'].id}/"
    assert tree["tax_a1"].path == f"/{tree['city'].id}/{tree['tax'].id}/{tree['tax_a'].id}/{tree['tax_a1'].id}/"
    assert tree["tax_a1"].parent_id == tree["tax_a"].id


def test_create_unit_strips_name(make):
    assert service.create_unit(name="  工会  ", parent_id=make.root().id).name == "工会"


def test_create_unit_unknown_parent(make):
    with pytest.raises(ValidationFailed) as exc:
        service.create_unit(name="x", parent_id=999)
    assert "parent_id" in exc.value.errors


@pytest.mark.parametrize("parent", ["root", None])
def test_create_unit_duplicate_sibling_name_is_conflict(make, parent):
    parent_id = make.root().id if parent else None
    service.create_unit(name="工会", parent_id=parent_id)
    with pytest.raises(Conflict):
        service.create_unit(name="工会", parent_id=parent_id)


def test_create_unit_same_name_under_other_parent_is_fine(tree):
    unit = service.create_unit(name="一科", parent_id=tree["women"].id)
    assert (unit.name, unit.parent_id) == ("一科", tree["women"].id) and unit.id != tree["tax_a"].id
    assert unit.path == f"{tree['women'].path}{unit.id}/"


def test_get_unit(tree):
    assert service.get_unit(tree["tax"].id) is tree["tax"]
    with pytest.raises(NotFound):
        service.get_unit(999)


def test_list_units_parents_before_children(tree):
    units = db.session.scalars(service.list_units()).all()
    seen: set[int] = set()
    for unit in units:
        assert unit.parent_id is None or unit.parent_id in seen
        seen.add(unit.id)
    assert len(units) == 6


IN = [("city", "city"), ("city", "tax"), ("city", "tax_a1"), ("city", "women"), ("tax", "tax"), ("tax", "tax_a"),
      ("tax", "tax_a1"), ("tax", "tax_b"), ("tax_a", "tax_a1")]
OUT = [("tax", "city"), ("tax", "women"), ("women", "tax"), ("women", "tax_a1"), ("tax_a", "tax_b"),
       ("tax_a", "tax"), ("tax_a1", "tax_a"), ("tax_b", "tax_a1")]


@pytest.mark.parametrize("scope,unit", IN)
def test_in_scope_own_unit_and_below(tree, scope, unit):
    assert service.in_scope(tree[scope].id, tree[unit].id)
    assert tree[unit].id in service.subtree_ids(tree[scope].id)
    assert db.session.scalar(sa.select(OrgUnit.id).where(
        OrgUnit.id == tree[unit].id, service.subtree_clause(tree[scope].id, OrgUnit.id))) == tree[unit].id


@pytest.mark.parametrize("scope,unit", OUT)
def test_in_scope_never_sideways_or_up(tree, scope, unit):
    assert not service.in_scope(tree[scope].id, tree[unit].id)
    assert tree[unit].id not in service.subtree_ids(tree[scope].id)
    assert db.session.scalar(sa.select(OrgUnit.id).where(
        OrgUnit.id == tree[unit].id, service.subtree_clause(tree[scope].id, OrgUnit.id))) is None


@pytest.mark.parametrize("scope,unit", [(None, 1), (1, None), (None, None), (999, 1), (1, 999)])
def test_in_scope_unknown_or_missing(make, scope, unit):
    make.root()
    assert service.in_scope(scope, unit) is False
    assert service.subtree_ids(999) == []


def test_subtree_is_not_a_string_prefix_of_ids(make):
    """Unit 1 must not contain unit 12, nor unit 2 contain unit 21 (paths end with '/')."""
    root = make.root()
    units = [make.unit(f"u{i}", root) for i in range(25)]
    by_id = {u.id: u for u in units}
    two, twenty_one = by_id[2], by_id[21]
    assert not service.in_scope(two.id, twenty_one.id)
    assert service.subtree_ids(two.id) == [two.id]
    inner = make.unit("under 2", two)
    assert sorted(service.subtree_ids(two.id)) == [two.id, inner.id]
    assert len(service.subtree_ids(root.id)) == 27
