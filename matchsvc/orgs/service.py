"""Org units and scope: rights reach a unit and every unit below it, never sideways or up."""

from __future__ import annotations

import sqlalchemy as sa

from matchsvc.core.i18n import _
from matchsvc.errors import Conflict, NotFound, ValidationFailed
from matchsvc.extensions import db
from matchsvc.orgs.models import OrgUnit


def list_units() -> sa.Select[tuple[OrgUnit]]:
    """Every unit, parents before children (the sign-up form lists them)."""
    return sa.select(OrgUnit).order_by(OrgUnit.path, OrgUnit.id)


def units_in_scope(unit_id: int | None) -> sa.Select[tuple[OrgUnit]]:
    """The unit and every unit below it, parents before children (a console's unit filter);
    every unit when ``unit_id`` is None (an admin)."""
    stmt = list_units()
    return stmt if unit_id is None else stmt.where(subtree_clause(unit_id, OrgUnit.id))


def get_unit(unit_id: int) -> OrgUnit:
    """Raises NotFound for an unknown unit."""
    unit = db.session.get(OrgUnit, unit_id)
    if unit is None:
        raise NotFound("No such org unit.")
    return unit


def require_unit(unit_id: int, *, field: str = "org_unit_id") -> OrgUnit:
    """The unit named in a request body; ValidationFailed (422) if it does not exist."""
    unit = db.session.get(OrgUnit, unit_id)
    if unit is None:
        raise ValidationFailed(_("Org unit %(id)s does not exist.", id=unit_id), errors={field: ["Unknown org unit."]})
    return unit


def create_unit(*, name: str, parent_id: int | None) -> OrgUnit:
    """Create a unit under ``parent_id`` (or a root). ValidationFailed (422) for an unknown parent;
    Conflict (409) if a sibling already has this name."""
    parent = require_unit(parent_id, field="parent_id") if parent_id is not None else None
    name = name.strip()
    dup = db.session.scalar(sa.select(OrgUnit.id).where(OrgUnit.parent_id.is_(parent_id) if parent_id is None
                                                        else OrgUnit.parent_id == parent_id,
                                                        OrgUnit.name == name))
    if dup is not None:
        raise Conflict("A unit with this name already exists there.", code="duplicate_name")
    unit = OrgUnit(name=name, parent_id=parent_id, path="")
    db.session.add(unit)
    db.session.flush()
    unit.path = f"{parent.path if parent else '/'}{unit.id}/"
    db.session.flush()
    return unit


def subtree_ids(unit_id: int) -> list[int]:
    """Ids of ``unit_id`` and every unit below it."""
    unit = db.session.get(OrgUnit, unit_id)
    if unit is None:
        return []
    return list(db.session.scalars(sa.select(OrgUnit.id).where(OrgUnit.path.startswith(unit.path))))


def subtree_clause(unit_id: int, column: sa.ColumnElement[int]) -> sa.ColumnElement[bool]:
    """SQL condition: ``column`` (an org-unit id) lies in the subtree of ``unit_id``."""
    root_path = sa.select(OrgUnit.path).where(OrgUnit.id == unit_id).scalar_subquery()
    inner = sa.select(OrgUnit.id).where(OrgUnit.path.startswith(root_path))
    return column.in_(inner)


def in_scope(scope_unit_id: int | None, unit_id: int | None) -> bool:
    """True if ``unit_id`` lies in the subtree of ``scope_unit_id``."""
    if scope_unit_id is None or unit_id is None:
        return False
    if scope_unit_id == unit_id:
        return True
    scope = db.session.get(OrgUnit, scope_unit_id)
    unit = db.session.get(OrgUnit, unit_id)
    return bool(scope and unit and scope.contains(unit))
