"""The audit log: who decided what about whom, appended by every domain that decides (reviews,
accounts, photos, reports) and read by admins and reviewers in scope. Imports only models, so
any service may record without importing another domain's service."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa

from matchsvc import visibility
from matchsvc.accounts.models import Account, Role
from matchsvc.core.clock import utcnow
from matchsvc.errors import Forbidden
from matchsvc.extensions import db
from matchsvc.reviews.models import AuditEntry


def entry(*, actor_id: int | None, action: str, target: str, org_unit_id: int | None,
          detail: dict[str, Any] | None = None, at: datetime | None = None) -> dict[str, Any]:
    """The values of one audit entry (never personal content in ``detail`` beyond a reviewer's
    note): what `record` adds one by one and `record_many` in bulk."""
    return {"actor_id": actor_id, "action": action, "target": target, "org_unit_id": org_unit_id,
            "detail": detail or {}, "at": at or utcnow()}


def record(*, actor: Account | None, action: str, target: str, org_unit_id: int | None,
           detail: dict[str, Any] | None = None) -> AuditEntry:
    """Append one audit entry, now."""
    row = AuditEntry(**entry(actor_id=actor.id if actor else None, action=action, target=target,
                             org_unit_id=org_unit_id, detail=detail))
    db.session.add(row)
    return row


def record_many(entries: list[dict[str, Any]]) -> None:
    """Append many entries made by `entry` in one statement (bulk jobs: the demo's seed)."""
    if entries:
        db.session.execute(sa.insert(AuditEntry), entries)


def scrub_target(target: str) -> None:
    """Drop personal content (notes, reasons) from the entries about ``target``; keep the facts."""
    entries = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.target == target)).all()
    for entry in entries:
        if any(k in entry.detail for k in ("note", "reason")):
            entry.detail = {k: v for k, v in entry.detail.items() if k not in ("note", "reason")}


def audit_log(*, actor: Account, action: str | None = None, target: str | None = None) -> sa.Select[Any]:
    """Entries newest first: all of them for an admin, their subtree's for a reviewer (403 otherwise)."""
    stmt = sa.select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    if not actor.has_role(Role.admin):
        if not actor.has_role(Role.reviewer):
            raise Forbidden("The audit log is for admins and reviewers.", code="role_required")
        stmt = stmt.where(visibility.scope_clause(actor, AuditEntry.org_unit_id))
    if action:
        stmt = stmt.where(AuditEntry.action == action)
    if target:
        stmt = stmt.where(AuditEntry.target == target)
    return stmt
