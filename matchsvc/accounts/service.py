"""Accounts: registration, password login, role grants."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from flask_jwt_extended import create_access_token

from matchsvc import signals
from matchsvc.accounts.models import Account, RevokedToken, Role, RoleGrant
from matchsvc.core.clock import utcnow
from matchsvc.core.i18n import _
from matchsvc.errors import Conflict, Forbidden, NotFound, Unauthorized, ValidationFailed
from matchsvc.extensions import db
from matchsvc.orgs import service as orgs
from matchsvc.reviews import audit


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


# A hash to verify against when the username is unknown, so both paths cost the same time (one
# argon2 verification). Computed once per cost setting: hashing it on every unknown username (as
# ``setdefault(key, hasher.hash(...))`` did) doubled that path's time and told usernames apart.
_DUMMY: dict[str, str] = {}


def _dummy_hash(hasher: PasswordHasher) -> str:
    key = f"{hasher.time_cost}:{hasher.memory_cost}:{hasher.parallelism}"
    dummy = _DUMMY.get(key)
    if dummy is None:
        dummy = _DUMMY[key] = hasher.hash("not-a-real-password")
    return dummy


def authenticate(*, username: str, password: str) -> Account:
    """Check a password; Unauthorized (401) for a wrong username or password alike."""
    hasher = _hasher()
    account = db.session.scalar(sa.select(Account).where(Account.username == username))
    if account is None:
        dummy = _dummy_hash(hasher)
        try:
            hasher.verify(dummy, password)
        except VerificationError:
            pass
        raise Unauthorized("Wrong username or password.", code="bad_credentials")
    try:
        hasher.verify(account.password_hash, password)
    except (VerificationError, InvalidHashError):
        raise Unauthorized("Wrong username or password.", code="bad_credentials") from None
    if account.disabled_at is not None:
        raise Unauthorized(_("This account has been disabled."), code="account_disabled")
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


def usernames(account_ids: set[int]) -> dict[int, str]:
    """The usernames of the accounts that still exist among ``account_ids`` (e.g. the actors of
    audit entries; an id whose account is gone is simply left out)."""
    if not account_ids:
        return {}
    rows = db.session.execute(sa.select(Account.id, Account.username).where(Account.id.in_(account_ids)))
    return {account_id: username for account_id, username in rows}


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


# -- one's own password, logging out ------------------------------------------------------------

def may_sign_in(account: Account) -> bool:
    """An account may log in and use its tokens (or a web session) unless an admin disabled it."""
    return account.disabled_at is None


def require_usable(account: Account, *, changing_password: bool = False) -> None:
    """Forbidden (403, ``password_change_required``) while the account holds a one-time password
    from an admin, for every call but the password change itself."""
    if account.has_one_time_password and not changing_password:
        raise Forbidden(_("Set a new password first (POST /me/password)."), code="password_change_required")


def change_password(*, actor: Account, old_password: str, new_password: str) -> None:
    """Replace the caller's password; this also ends a one-time password's restrictions.

    ValidationFailed (422) if the old password is wrong, or the new one is the old one.
    """
    try:
        _hasher().verify(actor.password_hash, old_password)
    except (VerificationError, InvalidHashError):
        raise ValidationFailed(_("The current password is wrong."),
                               errors={"old_password": [_("Wrong password.")]}) from None
    if new_password == old_password:
        raise ValidationFailed(_("Choose a password different from the current one."),
                               errors={"new_password": [_("Must differ from the current password.")]})
    actor.password_hash = hash_password(new_password)
    was_one_time = actor.has_one_time_password
    actor.has_one_time_password = False
    audit.record(actor=actor, action="password_changed", target=f"account:{actor.id}",
                 org_unit_id=actor.org_unit_id, detail={"after_reset": was_one_time})
    db.session.flush()


def revoke_token(*, actor: Account, jti: str, expires_at: datetime) -> None:
    """Log out: the token with ``jti`` is refused from now on, by every worker and after a restart
    (it is written to the database). Tokens already past their time are dropped on the way."""
    db.session.execute(sa.delete(RevokedToken).where(RevokedToken.expires_at < utcnow()))
    if db.session.get(RevokedToken, jti) is None:
        db.session.add(RevokedToken(jti=jti, account_id=actor.id, expires_at=expires_at))
    try:
        with db.session.begin_nested():
            db.session.flush()
    except sa.exc.IntegrityError:  # the same token logged out twice at once: it is revoked
        pass


_IS_REVOKED = sa.select(RevokedToken.jti).where(RevokedToken.jti == sa.bindparam("jti"))


def is_revoked(jti: str | None) -> bool:
    """True if the token was revoked (one primary-key lookup; checked on every request)."""
    if not jti:
        return True
    return db.session.execute(_IS_REVOKED, {"jti": jti}).first() is not None


# -- admins: disable, enable, reset -------------------------------------------------------------

def set_disabled(*, actor: Account, account_id: int, disabled: bool) -> Account:
    """Disable or enable an account (admin only, checked by the route). A disabled account cannot
    log in, its tokens are refused, and its profile leaves every list (``Profile.is_matchable``).
    Audited. NotFound for an unknown account; Conflict (409) for disabling oneself. Idempotent."""
    account = get_account(account_id)
    if disabled and account.id == actor.id:
        raise Conflict(_("You cannot disable your own account."), code="self_disable")
    if (account.disabled_at is not None) == disabled:
        return account
    account.disabled_at = utcnow() if disabled else None
    audit.record(actor=actor, action="account_disabled" if disabled else "account_enabled",
                 target=f"account:{account.id}", org_unit_id=account.org_unit_id)
    db.session.flush()
    profile = getattr(account, "profile", None)
    if profile is not None:
        signals.pool_changed.send(profile)
    return account


def reset_password(*, actor: Account, account_id: int) -> dict[str, str]:
    """Give an account a one-time password (admin only, checked by the route); until its owner sets
    a password of their own (``change_password``), every other call is refused. Audited (never the
    password itself). NotFound for an unknown account."""
    account = get_account(account_id)
    one_time = secrets.token_urlsafe(12)
    account.password_hash = hash_password(one_time)
    account.has_one_time_password = True
    audit.record(actor=actor, action="password_reset", target=f"account:{account.id}",
                 org_unit_id=account.org_unit_id)
    db.session.flush()
    return {"one_time_password": one_time}
