"""The photos domain; its blueprint is `blp` (imported lazily, so models and services can be
imported on their own without pulling in every route)."""

from __future__ import annotations

from typing import Any

__all__ = ["blp"]


def __getattr__(name: str) -> Any:
    if name == "blp":
        from matchsvc.photos.routes import blp

        return blp
    raise AttributeError(name)
