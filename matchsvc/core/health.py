"""Liveness and readiness probes, at the root without the API prefix."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import Blueprint

from matchsvc.errors import problem_response
from matchsvc.extensions import db

blp = Blueprint("health", __name__)


@blp.get("/healthz")
def healthz() -> dict[str, Any]:
    """Liveness: the process answers."""
    return {"status": "ok"}


@blp.get("/readyz")
def readyz() -> Any:
    """Readiness: the database answers and the matching index is loaded (built now if needed)."""
    try:
        db.session.execute(sa.text("SELECT 1"))
    except sa.exc.SQLAlchemyError:
        db.session.rollback()
        return problem_response(503, title="Service Unavailable", detail="The database is not reachable.",
                                code="database_unavailable")
    from matchsvc.matching import index

    idx = index.get()  # builds it on the first call, so a worker is ready once this answers
    return {"status": "ok", "checks": {"database": "ok", "index": {"profiles": idx.size,
                                                                     "generation": idx.generation}}}
