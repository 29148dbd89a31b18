"""Page lists as API.md says: ``{"items", "total", "page", "per_page"}``; oversize pages are clamped."""

from __future__ import annotations

from typing import Any, Callable, Sequence

import marshmallow as ma
import sqlalchemy as sa
from flask import current_app

from matchsvc.extensions import db


class PageArgsSchema(ma.Schema):
    page = ma.fields.Integer(load_default=1, validate=ma.validate.Range(min=1, max=10**6))
    per_page = ma.fields.Integer(load_default=20, validate=ma.validate.Range(min=1))

    @ma.post_load
    def clamp(self, data: dict[str, Any], **_: Any) -> dict[str, Any]:
        data["per_page"] = min(data["per_page"], current_app.config["PAGE_SIZE_CAP"])
        return data


def page_schema(item_schema: type[ma.Schema] | ma.Schema, name: str) -> type[ma.Schema]:
    """A list envelope schema for ``item_schema`` (one per item type, for OpenAPI)."""
    return ma.Schema.from_dict(
        {
            "items": ma.fields.List(ma.fields.Nested(item_schema)),
            "total": ma.fields.Integer(),
            "page": ma.fields.Integer(),
            "per_page": ma.fields.Integer(),
        },
        name=name,
    )


def paginate(stmt: sa.Select[Any], *, page: int, per_page: int,
             transform: Callable[[Sequence[Any]], Sequence[Any]] | None = None) -> dict[str, Any]:
    """Run ``stmt`` for one page and count the whole result."""
    total = db.session.scalar(sa.select(sa.func.count()).select_from(stmt.order_by(None).subquery()))
    rows = db.session.scalars(stmt.limit(per_page).offset((page - 1) * per_page)).all()
    items = transform(rows) if transform else rows
    return {"items": items, "total": total or 0, "page": page, "per_page": per_page}


def page_of(items: Sequence[Any], *, page: int, per_page: int) -> dict[str, Any]:
    """Page an already ranked in-memory list (search results)."""
    start = (page - 1) * per_page
    return {"items": list(items[start:start + per_page]), "total": len(items), "page": page,
            "per_page": per_page}
