"""Bearer-token authentication and role checks for routes.

Tokens are flask-jwt-extended access tokens whose subject is the account id; the account is
loaded on every request, so a role revoked by an admin takes effect at once.
"""

from __future__ import annotations

import copy
import functools
from typing import Any, Callable, TypeVar

from flask_jwt_extended import current_user, verify_jwt_in_request

from matchsvc.accounts.models import Account, Role
from matchsvc.core.i18n import _, label
from matchsvc.core.openapi import database_away_response
from matchsvc.errors import Forbidden

F = TypeVar("F", bound=Callable[..., Any])


def current_account() -> Account:
    """The authenticated account of this request (only after :func:`auth_required`)."""
    return current_user  # type: ignore[no-any-return]


def auth_required(*roles: Role, changing_password: bool = False) -> Callable[[F], F]:
    """Require a valid bearer token (401) of an account that may act (403
    ``password_change_required`` while it holds a one-time password, except for the password
    change, ``changing_password``) and, if given, one of ``roles`` (403)."""
    from matchsvc.accounts import service as accounts

    def decorator(fn: F) -> F:
        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            verify_jwt_in_request()
            accounts.require_usable(current_account(), changing_password=changing_password)
            if roles and not any(current_account().has_role(r) for r in roles):
                raise Forbidden(_("This needs the %(roles)s role.", roles=" / ".join(label(r.value) for r in roles)),
                                code="role_required")
            return fn(*args, **kwargs)

        _document(wrapper, roles=roles, changing_password=changing_password)
        return wrapper  # type: ignore[return-value]

    return decorator


UNAUTHORIZED_DOC = ("No valid bearer token (`unauthorized`): none sent, malformed, expired, revoked by "
                    "logging out, or of an account that was disabled or no longer exists.")
PASSWORD_CHANGE_DOC = ("The account holds a one-time password from an admin and must set its own first "
                       "(`password_change_required`).")


def _document(wrapper: Callable[..., Any], *, roles: tuple[Role, ...], changing_password: bool) -> None:
    """Declare in the OpenAPI document the 401, 403 and 503 this decorator answers, in flask-smorest's
    ``_apidoc`` (like ``@blp.alt_response``): a route's own 403 description (its role and scope
    rules) is kept, and the password-change rule is appended to it."""
    doc = copy.deepcopy(getattr(wrapper, "_apidoc", {}))
    responses = doc.setdefault("response", {}).setdefault("responses", {})
    declared = {str(int(code)): code for code in responses}
    if "401" not in declared:
        responses[401] = [{"description": UNAUTHORIZED_DOC, "content_type": None}]
    forbidden = []
    if roles and "403" not in declared:
        forbidden.append(f"Needs the {' or '.join(r.value for r in roles)} role (`role_required`).")
    if not changing_password:
        forbidden.append(PASSWORD_CHANGE_DOC)
    if forbidden:
        if "403" in declared:
            entry = responses[declared["403"]][-1]
            entry["description"] = " ".join([entry.get("description", "").rstrip(".") + ".", *forbidden])
        else:
            responses[403] = [{"description": " ".join(forbidden), "content_type": None}]
    if "503" not in declared:  # the account is loaded from the database on every call
        responses[503] = [database_away_response()]
    wrapper._apidoc = doc  # type: ignore[attr-defined]
