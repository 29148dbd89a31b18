"""How a domain package exports its blueprint: lazily, so that its models and services can be
imported on their own without pulling in every route (and every other domain the routes use)."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any


def lazy_blueprint(package: str) -> Callable[[str], Any]:
    """A module-level ``__getattr__`` for ``package`` that imports ``<package>.routes`` when
    ``blp`` is first asked for and returns its blueprint."""

    def __getattr__(name: str) -> Any:
        if name == "blp":
            return importlib.import_module(f"{package}.routes").blp
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    return __getattr__
