"""Sign-in, sign-out, registration, the home page and the language switch."""

from __future__ import annotations

from functools import partial
from typing import Any

from flask import current_app, flash, redirect, render_template, request, session, url_for

from matchsvc.accounts import schemas as account_schemas
from matchsvc.accounts import service as accounts
from matchsvc.accounts.limits import apply_login_limits
from matchsvc.core.i18n import SUPPORTED, _
from matchsvc.extensions import db, limiter
from matchsvc.orgs import service as orgs
from matchsvc.web import nav
from matchsvc.web.core import (attempt_post, current_account, form_call, form_dict, login_required, make_blueprint,
                               me, safe_next, sign_in, sign_out, unit_options)

bp = make_blueprint("web_auth", __name__)


def _login_limited(view: Any) -> Any:
    """The API's login limits, counted together with it (accounts/limits.py)."""
    return apply_login_limits(view, methods=["POST"])


@bp.route("/login", methods=["GET", "POST"])
@_login_limited
def login() -> Any:
    """Sign in with username and password; lands on the home page (or where the caller was going)."""
    account, errors = attempt_post(form_call(account_schemas.LoginSchema(), accounts.authenticate,
                                             form_dict(skip=("next",))))
    if account is not None:
        sign_in(account)
        return redirect(safe_next(request.form.get("next"), url_for("web_auth.home")))
    if errors and "_form" not in errors:  # refused by the schema: the same one message above the form
        errors["_form"] = [_("Wrong username or password.")]
    return render_template("auth/login.html", errors=errors, form=request.form,
                           next=request.values.get("next", ""))


@bp.route("/logout", methods=["POST"])
def logout() -> Any:
    """Sign out (POST with the CSRF token, so no other site can sign a member out); the session
    is revoked, so a copy of its cookie no longer works either."""
    sign_out(current_account())
    return redirect(url_for("web_auth.login"))


@bp.route("/password", methods=["GET", "POST"])
@login_required()
def password() -> Any:
    """Change one's password (the only page open while an admin's one-time password is in use)."""
    account = me()
    _done, errors = attempt_post(form_call(account_schemas.PasswordChangeSchema(),
                                           partial(accounts.change_password, actor=account)))
    if request.method == "POST" and not errors:
        sign_in(account)  # the password changed: this session goes on, every other one ends
        flash(_("Your password has been changed."))
        return redirect(url_for("web_auth.home"))
    return render_template("auth/password.html", errors=errors,
                           forced=account.has_one_time_password)


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["RATELIMIT_REGISTER"], methods=["POST"])
def register() -> Any:
    """Create a member account in one's org unit, then go on to the profile."""
    account, errors = attempt_post(form_call(account_schemas.RegisterSchema(), accounts.register,
                                             form_dict(ints=("org_unit_id",))))
    if account is not None:
        sign_in(account)
        return redirect(url_for("web_member.profile"))
    units = unit_options(db.session.scalars(orgs.list_units()).all())
    return render_template("auth/register.html", errors=errors, form=request.form,
                           units=units)


@bp.route("/")
@login_required()
def home() -> Any:
    """The caller's home: a link to every area their roles open."""
    account = me()
    from matchsvc.profiles import service as profiles

    return render_template("auth/home.html", profile=profiles.find_own(account), areas=nav.areas_for(account))


@bp.route("/lang", methods=["POST"])
def set_language() -> Any:
    """Remember the chosen language in the session (before and after sign-in)."""
    chosen = request.form.get("lang", "")
    if chosen in SUPPORTED:
        session["lang"] = chosen
    return redirect(safe_next(request.form.get("next"), url_for("web_auth.home")))

