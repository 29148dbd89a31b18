"""What every web view shares: the session, the signed-in account, role checks, CSRF, language,
error pages and turning service errors into messages beside the fields.

A view does what an API route does: parse the form, check the role, call one service function,
commit, redirect (POST -> redirect -> GET). Service errors come back through :func:`attempt`
as ``{field: [message, ...]}`` so the template shows them in place, in a page answered 200 like
any other: the person got what they asked for, the form again with what to correct, and a 4xx
document would be a console error in every browser ("Failed to load resource"). A form page runs
its submission with ``attempt_post(form_call(schema, service_function))``; a one-button form with
:func:`act`, which flashes the outcome and redirects.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import logging
import secrets
import time
from datetime import datetime, timezone
from typing import Any, Callable, Mapping, TypeVar
from urllib.parse import urlsplit

import marshmallow as ma
from flask import (Blueprint, Response, current_app, flash, g, redirect, render_template, request,
                   session, url_for)
from flask_wtf.csrf import CSRFError, CSRFProtect
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

from matchsvc.accounts.models import Account, Role
from matchsvc.core.i18n import SUPPORTED, _, translate
from matchsvc.errors import DomainError, webargs_errors
from matchsvc.extensions import db

log = logging.getLogger("matchsvc.web")

F = TypeVar("F", bound=Callable[..., Any])

csrf = CSRFProtect()

#: Names of the web blueprints (the JSON API's rules, e.g. JSON-only bodies, skip them).
WEB_BLUEPRINTS: set[str] = set()

_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_SESSION_KEY = "auth"


def make_blueprint(name: str, import_name: str, **kwargs: Any) -> Blueprint:
    """A web blueprint: every request signs the caller in from the session, picks the language,
    checks the CSRF token of a state-changing request and answers errors with an HTML page."""
    bp = Blueprint(name, import_name, **kwargs)
    WEB_BLUEPRINTS.add(name)
    bp.before_request(_before_request)
    bp.register_error_handler(Exception, error_page)
    return bp


# --- the session ------------------------------------------------------------------------------

def _fingerprint(account: Account) -> str:
    """Changes when the password does, so a password change or reset signs out every session."""
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, account.password_hash.encode(), hashlib.sha256).hexdigest()[:32]


def sign_in(account: Account) -> None:
    """Start a fresh session for ``account`` (the language choice survives, nothing else)."""
    lang = session.get("lang")
    session.clear()
    session.permanent = True
    #: ``sid`` names this session as a token's ``jti`` names the token: signing out revokes it.
    session[_SESSION_KEY] = {"id": account.id, "at": int(time.time()), "fp": _fingerprint(account),
                             "sid": "web-" + secrets.token_urlsafe(16)}
    if lang:
        session["lang"] = lang


def sign_out(account: Account | None = None) -> None:
    """End the session; with ``account``, also revoke it (a copy of the cookie is refused too)."""
    data = session.get(_SESSION_KEY)
    if account is not None and isinstance(data, Mapping) and data.get("sid"):
        from matchsvc.accounts import service as accounts

        ttl = current_app.config["PERMANENT_SESSION_LIFETIME"].total_seconds()
        ends = datetime.fromtimestamp(int(data.get("at", 0)) + ttl, tz=timezone.utc)
        accounts.revoke_token(actor=account, jti=str(data["sid"]), expires_at=ends)
        db.session.commit()
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang


def _session_account() -> Account | None:
    """The account the session names, or None when the session is over: expired (it lasts
    TOKEN_TTL_SECONDS from sign-in, like a token), signed out (revoked like a token), the account
    gone or disabled, or its password changed (or reset by an admin)."""
    data = session.get(_SESSION_KEY)
    if not isinstance(data, Mapping):
        return None
    ttl = current_app.config["PERMANENT_SESSION_LIFETIME"].total_seconds()
    try:
        account_id, started = int(data["id"]), int(data["at"])
    except (KeyError, TypeError, ValueError):
        sign_out()
        return None
    if time.time() - started > ttl:
        sign_out()
        return None
    from matchsvc.accounts import service as accounts

    account = db.session.get(Account, account_id)
    if account is None or account.disabled \
            or not hmac.compare_digest(str(data.get("fp", "")), _fingerprint(account)) \
            or accounts.is_revoked(str(data.get("sid") or "")):
        sign_out()
        return None
    return account


def current_account() -> Account | None:
    """The signed-in account of this request, or None."""
    return g.get("web_account")


def login_required(*roles: Role) -> Callable[[F], F]:
    """Send an anonymous caller to the login page; a signed-in caller without one of ``roles``
    gets a 403 page."""

    def decorator(fn: F) -> F:
        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            account = current_account()
            if account is None:
                if request.headers.get("HX-Request"):
                    return Response(status=401, headers={"HX-Redirect": url_for("web_auth.login")})
                return redirect(url_for("web_auth.login", next=request.full_path.rstrip("?")))
            if account.has_one_time_password and request.endpoint != "web_auth.password":
                # an admin reset the password: nothing else until the member sets their own
                return redirect(url_for("web_auth.password"))
            if roles and not any(account.has_role(r) for r in roles):
                return error_page(_Forbidden())
            return fn(*args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorator


class _Forbidden(DomainError):
    status, code, title = 403, "role_required", "Not allowed"


def safe_next(target: str | None, default: str) -> str:
    """A local path to go back to; anything pointing at another origin becomes ``default``."""
    if not target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") \
            or "\\" in target:
        return default
    return target


def _choose_language() -> None:
    chosen = session.get("lang")
    if chosen in SUPPORTED:
        request.matchsvc_lang = chosen  # type: ignore[attr-defined]


def _before_request() -> Response | None:
    _choose_language()
    g.web_account = _session_account()
    if request.method not in _SAFE_METHODS:
        csrf.protect()
    return None


# --- forms and service errors -----------------------------------------------------------------

class FormErrors(Exception):
    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__("form errors")
        self.errors = errors


def parse(schema: ma.Schema, data: Mapping[str, Any]) -> dict[str, Any]:
    """Load form data through the API's own schema, so both edges check the same shapes."""
    try:
        return schema.load(data)
    except ma.ValidationError as err:
        raise FormErrors(translated(webargs_errors(err.messages))) from None


def translated(errors: Mapping[str, Any]) -> dict[str, list[str]]:
    """Field messages in the caller's language (as the problem renderer translates them)."""
    return {key: [translate(m) for m in (value if isinstance(value, (list, tuple)) else [value])]
            for key, value in errors.items()}


def attempt(action: Callable[[], Any]) -> tuple[Any, dict[str, list[str]]]:
    """Run ``action`` (parse + one service call) and commit; on a refusal roll back and return
    the messages by field (``_form`` for those that belong to no field)."""
    try:
        result = action()
        db.session.commit()
        return result, {}
    except FormErrors as err:
        db.session.rollback()
        return None, err.errors
    except DomainError as err:
        db.session.rollback()
        if err.errors:
            return None, translated(err.errors)
        return None, {"_form": [translate(err.detail)]}


def attempt_post(action: Callable[[], Any]) -> tuple[Any, dict[str, list[str]]]:
    """A form page's submission: on a POST, :func:`attempt`; on a GET nothing runs and there is
    nothing to show, ``(None, {})``."""
    if request.method != "POST":
        return None, {}
    return attempt(action)


def form_call(schema: ma.Schema, call: Callable[..., Any],
              data: Mapping[str, Any] | None = None) -> Callable[[], Any]:
    """An action for :func:`attempt`: the form (``data``, or else :func:`form_dict`) loaded through
    the API's ``schema``, then ``call`` with the body as its keyword arguments."""
    return lambda: call(**parse(schema, form_dict() if data is None else data))


def flash_result(errors: dict[str, list[str]], success: str) -> None:
    """An action's outcome as messages at the top of the page it returns to: each refusal as an
    error, or else ``success`` (when there is one)."""
    if errors:
        for messages in errors.values():
            for message in messages:
                flash(message, "error")
    elif success:
        flash(success)


def act(action: Callable[[], Any], *, done: str | Callable[[Any], str], to: str) -> Response:
    """A one-button POST: ``action`` through :func:`attempt`, its outcome flashed (the refusal, or
    ``done``: a message, or a function making one from the result), then a redirect to ``to``."""
    result, errors = attempt(action)
    flash_result(errors, "" if errors else (done(result) if callable(done) else done))
    return redirect(to)


def me() -> Account:
    """The signed-in account (only inside ``login_required``)."""
    account = current_account()
    assert account is not None  # login_required ran
    return account


def as_int(raw: str) -> Any:
    """A whole number from a form field; anything else goes on as text for the schema to refuse."""
    try:
        return int(raw)
    except ValueError:
        return raw


def form_dict(*, ints: tuple[str, ...] = (), lists: tuple[str, ...] = (),
              skip: tuple[str, ...] = ()) -> dict[str, Any]:
    """``request.form`` as a JSON-like body: empty fields left out, ``ints`` as numbers, ``lists``
    as lists (of numbers when also in ``ints``); the CSRF token and ``skip`` fields dropped."""
    out: dict[str, Any] = {}
    for key in request.form:
        if key == "csrf_token" or key in skip:
            continue
        if key in lists:
            values = [v.strip() for v in request.form.getlist(key) if v.strip()]
            out[key] = [as_int(v) for v in values] if key in ints else values
            continue
        value = request.form.get(key, "").strip()
        if value != "":
            out[key] = as_int(value) if key in ints else value
    return out


def unit_options(units: Any) -> list[tuple[int, str]]:
    """Org units as (id, name) choices, indented by depth (``units`` ordered by path)."""
    return [(u.id, "\u3000" * max(u.path.count("/") - 2, 0) + u.name) for u in units]


# --- error pages ------------------------------------------------------------------------------

def unrouted_error_page(error: HTTPException) -> Response | tuple[str, int] | None:
    """The HTML error page for an error no page's blueprint handled (an unknown path, a method a
    path does not take, e.g. a typed-in ``GET /logout``) when a browser navigates outside the
    API; None otherwise, and the API's problem+json answers as it does everywhere else."""
    # a browser's navigation prefers text/html to the rest (*/*, as curl sends, means no preference)
    prefers = request.accept_mimetypes.best_match(["application/problem+json", "text/html"])
    if request.path.startswith("/api/") or prefers != "text/html":
        return None
    _choose_language()
    g.web_account = _session_account()  # the page's header shows who is signed in
    return error_page(error)


def error_page(error: Exception) -> Response | tuple[str, int]:
    """An HTML page for any error inside a web blueprint (never a stack trace)."""
    if isinstance(error, CSRFError):
        status, title, detail = 400, _("The form has expired"), _("Reload the page and try again.")
    elif isinstance(error, DomainError):
        status = error.status
        if status == 403:
            title, detail = _("Not allowed"), _("You may not open this page.")
        elif status == 404:
            title, detail = _("Not found"), _("This page does not exist, or you may not see it.")
        else:
            title, detail = translate(error.title), translate(error.detail)
    elif isinstance(error, HTTPException):
        status = error.code or 500
        if status == 404:
            title, detail = _("Not found"), _("This page does not exist, or you may not see it.")
        elif status == 429:
            title, detail = _("Too many attempts"), _("Please wait a minute and try again.")
        elif status >= 500:
            log.error("web error [request %s] %s %s", g.get("request_id"), request.method, request.path,
                      exc_info=getattr(error, "original_exception", None) or error)
            title, detail = _("Something went wrong"), _("It has been logged; please try again later.")
        else:
            title, detail = _("The request was refused"), _("Go back and try again.")
    elif isinstance(error, (StaleDataError, IntegrityError)):
        db.session.rollback()
        status, title, detail = 409, _("Changed meanwhile"), _("Someone else changed this at the same time; reload and try again.")
    else:
        db.session.rollback()
        log.error("web error [request %s] %s %s", g.get("request_id"), request.method, request.path,
                  exc_info=error)
        status, title, detail = 500, _("Something went wrong"), _("It has been logged; please try again later.")
    return render_template("errors/error.html", status=status, title=title, detail=detail), status
