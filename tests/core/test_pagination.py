"""The list envelope and the page-size cap."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from marshmallow import ValidationError

from matchsvc.core.pagination import PageArgsSchema, page_of, paginate
from matchsvc.orgs.models import OrgUnit


def test_defaults_and_clamp(app, monkeypatch):
    assert PageArgsSchema().load({}) == {"page": 1, "per_page": 20}
    assert PageArgsSchema().load({"per_page": "1000"})["per_page"] == 100
    monkeypatch.setitem(app.config, "PAGE_SIZE_CAP", 250)
    assert PageArgsSchema().load({"per_page": "1000"})["per_page"] == 250


@pytest.mark.parametrize("args", [{"page": "0"}, {"per_page": "0"}, {"page": "-1"}, {"page": "x"}])
def test_out_of_range_refused(args):
    with pytest.raises(ValidationError):
        PageArgsSchema().load(args)


def test_paginate_counts_everything_and_returns_one_page(make):
    root = make.root()
    for i in range(6):
        make.unit(f"u{i}", root)
    page = paginate(sa.select(OrgUnit).order_by(OrgUnit.id), page=2, per_page=4)
    assert page["total"] == 7 and page["page"] == 2 and page["per_page"] == 4
    assert [u.name for u in page["items"]] == ["u3", "u4", "u5"]


def test_page_of_in_memory_list():
    assert page_of(list(range(5)), page=2, per_page=2) == {"items": [2, 3], "total": 5, "page": 2, "per_page": 2}
