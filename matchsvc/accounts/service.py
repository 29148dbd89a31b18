"""Accounts: registration, password login, role grants."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from flask_jwt_extended import create_access_token

from matchsvc.accounts.models import Account, Role, RoleGrant
from matchsvc.errors import Conflict, NotFound, Unauthorized
from matchsvc.extensions import db
from matchsvc.orgs import service as orgs
from matchsvc.reviews import service as audit


def _hasher() -> PasswordHasher:
    cfg = current_app.config
    return PasswordHasher(time_cost=cfg["PASSWORD_HASH_TIME_COST"], memory_cost=cfg["PASSWORD_HASH_MEMORY_KIB"])


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def register(*, username: str, password: str, org_unit_id: int) -> Account:
    """Create a member account in an existing unit. Conflict (409) if the username is taken;
    ValidationFailed (422) for an unknown unit."""
    orgs.require_unit(org_unit_id)
    if db.session.scalar(sa.select(Account.id).where(Account.username == username)) is not None:
        raise Conflict("This username is taken.", code="username_taken")
    account = Account(username=username, password_hash=hash_password(password), org_unit_id=org_unit_id)
    db.session.add(account)
    try:
        with db.session.begin_nested():
            db.session.flush()
    except sa.exc.IntegrityError:
        raise Conflict("This username is taken.", code="username_taken") from None
    return account


# A hash to verify against when the username is unknown, so both paths cost the same time.
_DUMMY: dict[str, str] = {}


def authenticate(*, username: str, password: str) -> Account:
    """Check a password; Unauthorized (401) for a wrong username or password alike."""
    hasher = _hasher()
    account = db.session.scalar(sa.select(Account).where(Account.username == username))
    if account is None:
        key = f"{hasher.time_cost}:{hasher.memory_cost}"
        dummy = _DUMMY.setdefault(key, hasher.hash("not-a-real-password"))
        try:
            hasher.verify(dummy, password)
        except VerificationError:
            pass
        raise Unauthorized("Wrong username or password.", code="bad_credentials")
    try:
        hasher.verify(account.password_hash, password)
    except (VerificationError, InvalidHashError):
        raise Unauthorized("Wrong username or password.", code="bad_credentials") from None
    if hasher.check_needs_rehash(account.password_hash):
        account.password_hash = hasher.hash(password)
    return account


def issue_token(account: Account) -> dict[str, Any]:
    """A bearer token for ``account``."""
    ttl: timedelta = current_app.config["JWT_ACCESS_TOKEN_EXPIRES"]
    token = create_access_token(identity=str(account.id), expires_delta=ttl)
    return {"access_token": token, "token_type": "Bearer", "expires_in": int(ttl.total_seconds())}


def get_account(account_id: int) -> Account:
    account = db.session.get(Account, account_id)
    if account is None:
        raise NotFound("No such account.")
    return account


def list_accounts(*, username: str | None = None) -> sa.Select[Any]:
    """Accounts, optionally those whose username contains ``username``."""
    stmt = sa.select(Account).order_by(Account.id)
    if username:
        escaped = username.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        stmt = stmt.where(Account.username.ilike(f"%{escaped}%", escape="\\"))
    return stmt


def set_roles(*, actor: Account, account_id: int, roles: list[Role], org_unit_id: int) -> Account:
    """Replace an account's roles and unit (admin only, checked by the route). Every grant and
    revocation is audited. An admin cannot take the admin role away from themselves (409), so
    the service never loses its last way in."""
    account = get_account(account_id)
    orgs.require_unit(org_unit_id)
    wanted = {r for r in roles if r is not Role.member}
    if account.id == actor.id and Role.admin not in wanted:
        raise Conflict("You cannot remove your own admin role.", code="self_demotion")
    current = {g.role for g in account.grants}
    for grant in list(account.grants):
        if grant.role not in wanted:
            account.grants.remove(grant)
            audit.record(actor=actor, action="role_revoked", target=f"account:{account.id}",
                         org_unit_id=account.org_unit_id, detail={"role": grant.role.value})
    for role in sorted(wanted - current, key=lambda r: r.value):
        account.grants.append(RoleGrant(role=role))
        audit.record(actor=actor, action="role_granted", target=f"account:{account.id}",
                     org_unit_id=org_unit_id, detail={"role": role.value, "org_unit_id": org_unit_id})
    if account.org_unit_id != org_unit_id:
        audit.record(actor=actor, action="unit_changed", target=f"account:{account.id}",
                     org_unit_id=org_unit_id, detail={"from": account.org_unit_id, "to": org_unit_id})
        account.org_unit_id = org_unit_id
    db.session.flush()
    return account


def create_admin(*, username: str, password: str, org_unit_id: int | None = None,
                 org_unit_name: str = "市总工会") -> Account:
    """Command-line bootstrap: an admin account (and a root unit if the tree is empty)."""
    from matchsvc.orgs.models import OrgUnit

    if org_unit_id is None:
        root = db.session.scalar(sa.select(OrgUnit).where(OrgUnit.parent_id.is_(None)).order_by(OrgUnit.id))
        org_unit_id = (root or orgs.create_unit(name=org_unit_name, parent_id=None)).id
    account = register(username=username, password=password, org_unit_id=org_unit_id)
    account.grants.append(RoleGrant(role=Role.admin))
    db.session.flush()
    audit.record(actor=None, action="role_granted", target=f"account:{account.id}",
                 org_unit_id=org_unit_id, detail={"role": "admin", "via": "command line"})
    return account
