"""Accounts, tokens, roles."""

from __future__ import annotations

from typing import Any

import hashlib
from datetime import datetime, timezone

from flask import current_app, request
from flask.views import MethodView
from flask_jwt_extended import get_jwt
from flask_limiter.util import get_remote_address

from matchsvc.accounts import schemas as s
from matchsvc.accounts import service
from matchsvc.accounts.limits import login_limits
from matchsvc.accounts.models import Account, Role
from matchsvc.core.auth import auth_required, current_account
from matchsvc.core.blueprints import Blueprint
from matchsvc.core.openapi import DATABASE_AWAY_DOC, RETRY_AFTER_HEADER
from matchsvc.core.pagination import PageArgsSchema, page_schema, paginate
from matchsvc.core.transactions import commit_on_success
from matchsvc.extensions import limiter

blp = Blueprint("accounts", __name__, description="Accounts, tokens and role grants")

AccountPageSchema = page_schema(s.AdminAccountSchema, "AccountPage")


@blp.route("/auth/register")
class Register(MethodView):
    decorators = [limiter.limit(lambda: current_app.config["RATELIMIT_REGISTER"])]

    @blp.doc(security=[])
    @blp.arguments(s.RegisterSchema)
    @blp.response(201, s.AccountSchema)
    @blp.alt_response(409, description="Username taken")
    @blp.alt_response(429, description="Too many registrations from this address")
    @blp.alt_response(503, description=DATABASE_AWAY_DOC, headers=RETRY_AFTER_HEADER)
    @commit_on_success
    def post(self, body: dict[str, Any]) -> Account:
        """Register a member account

        Every account is a member; reviewer, organizer and admin rights are granted by an admin.
        """
        return service.register(**body)


@blp.route("/auth/token")
class Token(MethodView):
    decorators = login_limits()

    @blp.doc(security=[])
    @blp.arguments(s.LoginSchema)
    @blp.response(200, s.TokenSchema)
    @blp.alt_response(401, description="Wrong username or password (`bad_credentials`), or a disabled account (`account_disabled`)")
    @blp.alt_response(429, description="Too many attempts")
    @blp.alt_response(503, description=DATABASE_AWAY_DOC, headers=RETRY_AFTER_HEADER)
    @commit_on_success
    def post(self, body: dict[str, Any]) -> dict[str, Any]:
        """Log in with a password and get a bearer token"""
        account = service.authenticate(**body)
        return service.issue_token(account)


@blp.route("/me")
class Me(MethodView):
    @auth_required()
    @blp.response(200, s.MeSchema)
    def get(self) -> Account:
        """The calling account, its roles and its profile id"""
        return current_account()


@blp.route("/accounts")
class Accounts(MethodView):
    @auth_required(Role.admin)
    @blp.arguments(s.AccountQueryArgsSchema, location="query", as_kwargs=True)
    @blp.arguments(PageArgsSchema, location="query", as_kwargs=True)
    @blp.response(200, AccountPageSchema)
    @blp.alt_response(403, description="Not an admin")
    def get(self, username: str | None = None, page: int = 1, per_page: int = 20) -> dict[str, Any]:
        """List accounts (admin), optionally by part of the username"""
        return paginate(service.list_accounts(username=username), page=page, per_page=per_page)


@blp.route("/accounts/<int:account_id>/roles")
class AccountRoles(MethodView):
    @auth_required(Role.admin)
    @blp.arguments(s.RolesUpdateSchema)
    @blp.response(200, s.AccountSchema)
    @blp.alt_response(403, description="Not an admin")
    @blp.alt_response(404, description="No such account")
    @commit_on_success
    def put(self, body: dict[str, Any], account_id: int) -> Account:
        """Set an account's roles and unit (admin)

        Reviewer and organizer rights cover the given unit and every unit below it.
        """
        return service.set_roles(actor=current_account(), account_id=account_id, **body)


def _token_key() -> str:
    """Password guesses are limited per token (the limiter runs before the token is checked)."""
    token = request.headers.get("Authorization", "")
    return f"password|{get_remote_address()}|{hashlib.sha256(token.encode()).hexdigest()[:32]}"


@blp.route("/auth/logout")
class Logout(MethodView):
    @auth_required(changing_password=True)
    @blp.response(204)
    @commit_on_success
    def post(self) -> None:
        """Log out: this token is refused from now on

        Everywhere at once (every worker) and after a restart: the token's id is stored as
        revoked until the token would have expired anyway.
        """
        claims = get_jwt()
        service.revoke_token(actor=current_account(), jti=claims["jti"],
                             expires_at=datetime.fromtimestamp(int(claims["exp"]), tz=timezone.utc))


@blp.route("/me/password")
class OwnPassword(MethodView):
    decorators = [limiter.limit(lambda: current_app.config["RATELIMIT_LOGIN"], key_func=_token_key)]

    @auth_required(changing_password=True)
    @blp.arguments(s.PasswordChangeSchema)
    @blp.response(204)
    @blp.alt_response(422, description="The old password is wrong, or the new one too short")
    @blp.alt_response(429, description="Too many attempts")
    @commit_on_success
    def post(self, body: dict[str, Any]) -> None:
        """Change your password (the old one is needed)

        After an admin's password reset this is the only call your account may make, with the
        one-time password as `old_password`.
        """
        service.change_password(actor=current_account(), **body)


@blp.route("/accounts/<int:account_id>/disable")
class DisableAccount(MethodView):
    @auth_required(Role.admin)
    @blp.response(200, s.AdminAccountSchema)
    @blp.alt_response(403, description="Not an admin")
    @blp.alt_response(404, description="No such account")
    @blp.alt_response(409, description="Your own account (`self_disable`)")
    @commit_on_success
    def post(self, account_id: int) -> Account:
        """Disable an account (admin)

        It can no longer log in, its tokens are refused, and its profile leaves every list.
        Audited.
        """
        return service.set_disabled(actor=current_account(), account_id=account_id, disabled=True)


@blp.route("/accounts/<int:account_id>/enable")
class EnableAccount(MethodView):
    @auth_required(Role.admin)
    @blp.response(200, s.AdminAccountSchema)
    @blp.alt_response(403, description="Not an admin")
    @blp.alt_response(404, description="No such account")
    @commit_on_success
    def post(self, account_id: int) -> Account:
        """Enable a disabled account again (admin); audited"""
        return service.set_disabled(actor=current_account(), account_id=account_id, disabled=False)


@blp.route("/accounts/<int:account_id>/reset-password")
class ResetPassword(MethodView):
    @auth_required(Role.admin)
    @blp.response(200, s.OneTimePasswordSchema)
    @blp.alt_response(403, description="Not an admin")
    @blp.alt_response(404, description="No such account")
    @commit_on_success
    def post(self, account_id: int) -> dict[str, str]:
        """Reset an account's password to a one-time password (admin)

        The member logs in with it and must set their own (`POST /me/password`) before anything
        else: every other call answers 403 `password_change_required` until then. Audited.
        """
        return service.reset_password(actor=current_account(), account_id=account_id)
