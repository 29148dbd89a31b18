"""The admin pages: the org-unit tree (and adding to it), and accounts (find, grant roles and
move to a unit, disable and enable, reset a password)."""

from __future__ import annotations

from functools import partial
from typing import Any

from flask import flash, redirect, render_template, request, url_for

from matchsvc.accounts import schemas as account_schemas
from matchsvc.accounts import service as accounts
from matchsvc.accounts.models import Role
from matchsvc.core.i18n import _, _l
from matchsvc.core.pagination import paginate
from matchsvc.extensions import db
from matchsvc.orgs import schemas as org_schemas
from matchsvc.orgs import service as orgs
from matchsvc.web import nav
from matchsvc.web.console import page_arg, template_context
from matchsvc.web.core import (act, as_int, attempt, attempt_post, flash_result, form_call, login_required,
                               make_blueprint, me, safe_next, unit_options)

bp = make_blueprint("web_admin", __name__, url_prefix="/admin")

nav.add_area(nav.Area(
    key="admin", role=Role.admin, title=_l("Administration"), order=40,
    links=[("web_admin.units", _l("Org units")), ("web_admin.accounts", _l("Accounts")),
           ("web_review.audit", _l("Audit log")), ("web_review.statistics", _l("Statistics"))],
    header=[("web_admin.accounts", _l("Admin"))],
))

ROLES = {"reviewer": _l("Reviewer"), "organizer": _l("Organizer"), "admin": _l("Admin")}
PER_PAGE = 30


@bp.context_processor
def _context() -> dict[str, Any]:
    return {**template_context(), "role_labels": ROLES}


# --- org units ----------------------------------------------------------------------------------

@bp.route("/")
@login_required(Role.admin)
def index() -> Any:
    return redirect(url_for("web_admin.accounts"))


@bp.route("/units", methods=["GET", "POST"])
@login_required(Role.admin)
def units() -> Any:
    """The org-unit tree; POST adds a unit (``name``, ``parent_id``; empty parent: a new root)."""
    parent = request.form.get("parent_id", "").strip()
    created, errors = attempt_post(form_call(
        org_schemas.OrgUnitCreateSchema(), orgs.create_unit,
        {"name": request.form.get("name", ""), "parent_id": as_int(parent) if parent else None}))
    if created is not None:
        flash(_("Unit %(name)s added.", name=created.name))
        return redirect(url_for("web_admin.units"))
    tree = list(db.session.scalars(orgs.list_units()))
    return render_template("admin/units.html", tree=tree, options=unit_options(tree), errors=errors,
                           form=request.form)


# --- accounts -----------------------------------------------------------------------------------

def _accounts_page(username: str, *, page: int, back: str, one_time: dict[str, str] | None = None) -> str:
    """The accounts found by ``username`` (all when empty), with the units to move them to; the
    one-time password of a reset shown once at the top."""
    found = paginate(accounts.list_accounts(username=username or None), page=page, per_page=PER_PAGE)
    tree = list(db.session.scalars(orgs.list_units()))
    return render_template("admin/accounts.html", page=found, username=username, options=unit_options(tree),
                           names={u.id: u.name for u in tree}, back=back, one_time=one_time)


def _back() -> str:
    """The accounts page the action's form was on (its search and page), or the first page."""
    return safe_next(request.form.get("back"), url_for("web_admin.accounts"))


@bp.route("/accounts", endpoint="accounts")
@login_required(Role.admin)
def accounts_list() -> Any:
    """Find accounts by username; each with its roles, unit and the actions on it."""
    username = request.args.get("username", "").strip()[:64]
    return _accounts_page(username, page=page_arg(), back=request.full_path.rstrip("?"))


@bp.route("/accounts/<int:account_id>/roles", methods=["POST"])
@login_required(Role.admin)
def set_roles(account_id: int) -> Any:
    """Replace an account's roles and unit (``roles`` checkboxes, ``org_unit_id``)."""
    body = {"roles": request.form.getlist("roles"), "org_unit_id": as_int(request.form.get("org_unit_id", ""))}
    return act(form_call(account_schemas.RolesUpdateSchema(),
                         partial(accounts.set_roles, actor=me(), account_id=account_id), body),
               done=lambda account: _("Roles of %(name)s saved.", name=account.username), to=_back())


@bp.route("/accounts/<int:account_id>/<any(disable, enable):change>", methods=["POST"])
@login_required(Role.admin)
def set_disabled(account_id: int, change: str) -> Any:
    """Disable an account (it cannot sign in, its sessions and tokens end, its profile leaves every
    list), or enable a disabled one again."""
    disabled = change == "disable"

    def done(account: Any) -> str:
        if disabled:
            return _("Account %(name)s disabled.", name=account.username)
        return _("Account %(name)s enabled.", name=account.username)

    return act(lambda: accounts.set_disabled(actor=me(), account_id=account_id, disabled=disabled),
               done=done, to=_back())


@bp.route("/accounts/<int:account_id>/reset-password", methods=["POST"])
@login_required(Role.admin)
def reset_password(account_id: int) -> Any:
    """Give the account a one-time password, shown once on this answer (never put in a URL or the
    session); its owner must choose a new one before anything else."""
    done, errors = attempt(lambda: accounts.reset_password(actor=me(), account_id=account_id))
    if errors:
        flash_result(errors, "")
        return redirect(url_for("web_admin.accounts"))
    username = accounts.get_account(account_id).username
    page = _accounts_page(username, page=1, back=url_for("web_admin.accounts", username=username),
                          one_time={"username": username, "password": done["one_time_password"]})
    return page, 200, {"Cache-Control": "no-store"}
