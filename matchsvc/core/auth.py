"""Bearer-token authentication and role checks for routes.

Tokens are flask-jwt-extended access tokens whose subject is the account id; the account is
loaded on every request, so a role revoked by an admin takes effect at once.
"""

from __future__ import annotations

import functools
from typing import Any, Callable, TypeVar

from flask_jwt_extended import current_user, verify_jwt_in_request

from matchsvc.accounts.models import Account, Role
from matchsvc.core.i18n import _, label
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

        return wrapper  # type: ignore[return-value]

    return decorator
