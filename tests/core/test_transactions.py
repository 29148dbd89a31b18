"""The route's commit: after the service call returned, never after it raised."""

from __future__ import annotations

import pytest

from matchsvc.core.transactions import commit_on_success
from matchsvc.errors import Conflict
from matchsvc.extensions import db
from matchsvc.orgs.models import OrgUnit


def _stored_name(unit_id: int) -> str:
    db.session.rollback()
    db.session.expire_all()
    return db.session.get(OrgUnit, unit_id).name


def test_commit_on_success_commits_once_the_view_returned(make):
    unit = make.unit(name="旧名")

    @commit_on_success
    def rename(name: str) -> OrgUnit:
        """Rename the unit."""
        unit.name = name
        return unit

    assert rename("新名") is unit
    assert rename.__doc__ == "Rename the unit."
    assert _stored_name(unit.id) == "新名"


def test_commit_on_success_leaves_a_failed_view_uncommitted(make):
    unit = make.unit(name="旧名")

    @commit_on_success
    def rename_then_fail() -> None:
        unit.name = "新名"
        db.session.flush()
        raise Conflict()

    with pytest.raises(Conflict):
        rename_then_fail()
    assert _stored_name(unit.id) == "旧名"
