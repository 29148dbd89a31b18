"""What the three consoles (review, organize, admin) share: the page number of a list and their
template helpers."""

from __future__ import annotations

from typing import Any

from flask import current_app, request

from matchsvc.web import labels
from matchsvc.web.core import as_int


def page_arg() -> int:
    """``?page=`` as a page number (1 for anything else)."""
    page = as_int(request.args.get("page", "1"))
    return page if isinstance(page, int) and page >= 1 else 1


def show(value: Any) -> str:
    """A profile field's value as a line of text (interests as tags, nothing as a dash)."""
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, list):
        return "、".join(str(v.get("tag", v)) if isinstance(v, dict) else str(v) for v in value)
    return str(value)


def template_context() -> dict[str, Any]:
    """Every console template gets the enum labels, which pages are mounted, and ``show``."""
    return {"labels": labels, "view_functions": current_app.view_functions, "show": show}
