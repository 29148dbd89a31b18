"""The admin pages: the org-unit tree (and adding to it), and accounts (find, grant roles and
move to a unit, disable and enable, reset a password)."""

from __future__ import annotations

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
from matchsvc.web.console import flash_result, me, page_arg, template_context
from matchsvc.web.core import (as_int, attempt, login_required, make_blueprint, parse,
                               safe_next, unit_options)

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
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        def action() -> Any:
            parent = request.form.get("parent_id", "").strip()
            body = parse(org_schemas.OrgUnitCreateSchema(),
                         {"name": request.form.get("name", ""), "parent_id": as_int(parent) if parent else None})
            return orgs.create_unit(**body)

        created, errors = attempt(action)
        if created is not None:
            flash(_("Unit %(name)s added.", name=created.name))
            return redirect(url_for("web_admin.units"))
    tree = list(db.session.scalars(orgs.list_units()))
    return render_template("admin/units.html", tree=tree, options=unit_options(tree), errors=errors,
                           form=request.form), 422 if errors else 200


# --- accounts -----------------------------------------------------------------------------------

@bp.route("/accounts", endpoint="accounts")
@login_required(Role.admin)
def accounts_list() -> Any:
    """Find accounts by username; each with its roles, unit and the actions on it."""
    username = request.args.get("username", "").strip()[:64]
    page = paginate(accounts.list_accounts(username=username or None), page=page_arg(), per_page=PER_PAGE)
    tree = list(db.session.scalars(orgs.list_units()))
    return render_template("admin/accounts.html", page=page, username=username, options=unit_options(tree),
                           names={u.id: u.name for u in tree}, back=request.full_path.rstrip("?"), one_time=None)



@bp.route("/accounts/<int:account_id>/roles", methods=["POST"])
@login_required(Role.admin)
def set_roles(account_id: int) -> Any:
    """Replace an account's roles and unit (``roles`` checkboxes, ``org_unit_id``)."""
    caller = me()

    def action() -> Any:
        body = parse(account_schemas.RolesUpdateSchema(),
                     {"roles": request.form.getlist("roles"),
                      "org_unit_id": as_int(request.form.get("org_unit_id", ""))})
        return accounts.set_roles(actor=caller, account_id=account_id, **body)

    done, errors = attempt(action)
    flash_result(errors, _("Roles of %(name)s saved.", name=getattr(done, "username", "")))
    return redirect(safe_next(request.form.get("back"), url_for("web_admin.accounts")))


@bp.route("/accounts/<int:account_id>/disable", methods=["POST"])
@login_required(Role.admin)
def disable(account_id: int) -> Any:
    """Disable an account: it cannot sign in, its sessions and tokens end, its profile leaves every list."""
    caller = me()
    done, errors = attempt(lambda: accounts.set_disabled(actor=caller, account_id=account_id, disabled=True))
    flash_result(errors, _("Account %(name)s disabled.", name=getattr(done, "username", "")))
    return redirect(safe_next(request.form.get("back"), url_for("web_admin.accounts")))


@bp.route("/accounts/<int:account_id>/enable", methods=["POST"])
@login_required(Role.admin)
def enable(account_id: int) -> Any:
    """Enable a disabled account again."""
    caller = me()
    done, errors = attempt(lambda: accounts.set_disabled(actor=caller, account_id=account_id, disabled=False))
    flash_result(errors, _("Account %(name)s enabled.", name=getattr(done, "username", "")))
    return redirect(safe_next(request.form.get("back"), url_for("web_admin.accounts")))


@bp.route("/accounts/<int:account_id>/reset-password", methods=["POST"])
@login_required(Role.admin)
def reset_password(account_id: int) -> Any:
    """Give the account a one-time password, shown once on this answer (never put in a URL or the
    session); its owner must choose a new one before anything else."""
    caller = me()
    done, errors = attempt(lambda: accounts.reset_password(actor=caller, account_id=account_id))
    if errors:
        flash_result(errors, "")
        return redirect(url_for("web_admin.accounts"))
    account = accounts.get_account(account_id)
    tree = list(db.session.scalars(orgs.list_units()))
    page = paginate(accounts.list_accounts(username=account.username), page=1, per_page=PER_PAGE)
    response = render_template("admin/accounts.html", page=page, username=account.username,
                               options=unit_options(tree), names={u.id: u.name for u in tree},
                               back=url_for("web_admin.accounts", username=account.username),
                               one_time={"username": account.username, "password": done["one_time_password"]})
    return response, 200, {"Cache-Control": "no-store"}
