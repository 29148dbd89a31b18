"""An org tree and pending applications for the review tests."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, Callable

import pytest

from matchsvc.core.clock import utcnow
from matchsvc.orgs.models import OrgUnit


@pytest.fixture
def units(make: Any) -> dict[str, OrgUnit]:
    """root ─┬─ tax ── tax_sub
             └─ women"""
    root = make.root()
    tax = make.unit("税务局工会", root)
    return {"root": root, "tax": tax, "tax_sub": make.unit("一科", tax), "women": make.unit("妇联", root)}


@pytest.fixture
def pending(make: Any) -> Callable[..., Any]:
    """``pending(unit, minutes_ago)``: (account, profile) of an application submitted then."""

    def build(unit: OrgUnit, minutes_ago: int = 0) -> Any:
        return make.member(unit=unit, approved=False, pending=True,
                           submitted_at=utcnow() - timedelta(minutes=minutes_ago))

    return build
