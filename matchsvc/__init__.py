"""智慧红娘 — matchmaking and activity matching for young agency staff."""

from __future__ import annotations

from typing import Any, Mapping

from flask import Flask


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the application: configuration, extensions, blueprints, CLI."""
    from matchsvc.app import build_app

    return build_app(config)
