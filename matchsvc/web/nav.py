"""The areas of the web edge, as the home page and the header link to them.

Each area module declares its area when imported (``add_area``); the home page shows every area
the caller's roles open, and the header shows the ``header`` links of those areas.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask import current_app

from matchsvc.accounts.models import Account, Role


@dataclass
class Area:
    key: str
    role: Role
    title: Any  # a lazy text
    #: (endpoint, label) pairs shown on the home page, in order.
    links: list[tuple[str, Any]] = field(default_factory=list)
    #: (endpoint, label) pairs shown in the header of every page.
    header: list[tuple[str, Any]] = field(default_factory=list)
    order: int = 50


AREAS: dict[str, Area] = {}


def add_area(area: Area) -> Area:
    AREAS[area.key] = area
    return area


def _exists(endpoint: str) -> bool:
    return endpoint in current_app.view_functions


def areas_for(account: Account | None) -> list[dict[str, Any]]:
    """The areas ``account`` may open, with only the links whose pages are mounted."""
    if account is None:
        return []
    out = []
    for area in sorted(AREAS.values(), key=lambda a: a.order):
        if not account.has_role(area.role):
            continue
        links = [(e, label) for e, label in area.links if _exists(e)]
        if links:
            out.append({"key": area.key, "title": area.title, "links": links})
    return out


def header_links(account: Account | None) -> list[tuple[str, Any]]:
    if account is None:
        return []
    links: list[tuple[str, Any]] = []
    for area in sorted(AREAS.values(), key=lambda a: a.order):
        if account.has_role(area.role):
            links.extend((e, label) for e, label in area.header if _exists(e))
    return links
