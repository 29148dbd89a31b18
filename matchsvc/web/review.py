"""The reviewer console (desktop first, usable on a phone): the queue, one profile with the
decision form, reports, members in scope, the audit log and the statistics with charts.

Every view checks the role, calls the reviews (or stats, interactions) service and lets the
service decide scope: a reviewer out of scope gets the 403 page the service's Forbidden becomes.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from flask import Response, flash, redirect, render_template, request, url_for

from matchsvc.accounts import service as accounts
from matchsvc.accounts.models import Role
from matchsvc.core.i18n import _, _l
from matchsvc.core.pagination import paginate
from matchsvc.extensions import db
from matchsvc.interactions import schemas as interaction_schemas
from matchsvc.interactions import service as interactions
from matchsvc.interactions.models import ReportStatus
from matchsvc.orgs import service as orgs
from matchsvc.photos import schemas as photo_schemas
from matchsvc.photos import service as photos
from matchsvc.photos.responses import photo_response
from matchsvc.profiles import service as profiles
from matchsvc.profiles.models import ProfileStatus
from matchsvc.reviews import schemas as review_schemas
from matchsvc.reviews import audit as audits  # (the view below is called audit)
from matchsvc.reviews import service as reviews
from matchsvc.stats import service as stats
from matchsvc.stats.schemas import StatsArgsSchema
from matchsvc.web import charts, labels, nav
from matchsvc.web.console import page_arg, template_context
from matchsvc.web.core import (act, as_int, attempt, attempt_post, form_call, form_dict, login_required,
                               make_blueprint, me, parse, unit_options)

bp = make_blueprint("web_review", __name__, url_prefix="/review")

nav.add_area(nav.Area(
    key="review", role=Role.reviewer, title=_l("Review"), order=20,
    links=[("web_review.queue", _l("Review queue")), ("web_review.reports", _l("Reports")),
           ("web_review.members", _l("Members")), ("web_review.audit", _l("Audit log")),
           ("web_review.statistics", _l("Statistics"))],
    header=[("web_review.queue", _l("Review"))],
))

PER_PAGE = 30


bp.context_processor(template_context)

DECISIONS = {"approve": _l("Approve"), "reject": _l("Reject"), "request_changes": _l("Request changes")}
#: What the audit log's actions are called on the page (unknown ones are shown as they are).
ACTIONS = {"approve": _l("Approved"), "reject": _l("Rejected"), "request_changes": _l("Asked for changes"),
           "suspend": _l("Suspended"), "unsuspend": _l("Suspension lifted"), "consent_given": _l("Consent given"),
           "consent_withdrawn": _l("Consent withdrawn"), "role_granted": _l("Role granted"),
           "role_revoked": _l("Role revoked"), "unit_changed": _l("Unit changed"),
           "report_resolved": _l("Report resolved"), "account_disabled": _l("Account disabled"),
           "account_enabled": _l("Account enabled"), "password_reset": _l("Password reset"),
           "password_changed": _l("Password changed"), "photo_approve": _l("Photo approved"),
           "photo_reject": _l("Photo rejected")}
#: What an audit entry's target (``kind:id``) is called on the page.
TARGETS = {"profile": _l("Profile #%(id)s"), "account": _l("Account #%(id)s"), "report": _l("Report #%(id)s"),
           "photo": _l("Photo #%(id)s"), "event": _l("Event #%(id)s"), "org_unit": _l("Unit #%(id)s")}
#: What the keys of an audit entry's details are called (``review_seconds`` feeds the statistics).
DETAILS = {"note": _l("Note"), "reason": _l("Reason"), "role": _l("Role"), "via": _l("Through"),
           "version": _l("Consent version"), "from": _l("Before"), "to": _l("After"), "outcome": _l("Outcome"),
           "profile_id": _l("Profile"), "org_unit_id": _l("Unit"), "after_reset": _l("After a password reset")}
#: How the ``via`` of an entry written by a job is called.
VIA = {"seed-demo": _l("demo data"), "command line": _l("command line")}
#: The profile fields a change since the last approval may name.
FIELDS = {"display_name": _l("Display name"), "gender": _l("Gender"), "birth_date": _l("Birth date"),
          "height_cm": _l("Height (cm)"), "education": _l("Education"), "occupation": _l("Occupation"),
          "city": _l("City"), "hometown": _l("Hometown"), "interests": _l("Interests"),
          "intro": _l("About me in a few words"), "goal": _l("I am looking for")}
OUTCOMES = {"dismissed": _l("Dismissed"), "warned": _l("Warned"), "suspended": _l("Suspended")}
#: The words for the coded values of an audit entry's details, by key.
_DETAIL_WORDS = {"role": labels.ROLE, "via": VIA, "outcome": OUTCOMES, "from": labels.STATUS, "to": labels.STATUS}
#: The two suspension forms of a profile: the body's schema, the service call, and what is said when done.
SUSPENSION = {"suspend": (review_schemas.SuspendSchema, reviews.suspend, _l("The profile is suspended.")),
              "unsuspend": (review_schemas.UnsuspendSchema, reviews.unsuspend,
                            _l("The suspension is lifted; the member is told."))}


def _unit_arg() -> int | None:
    value = as_int(request.args.get("org_unit_id", ""))
    return value if isinstance(value, int) else None


def _units(actor: Any) -> list[Any]:
    """The units the caller's console covers (an admin without the reviewer role: all)."""
    scope = None if actor.has_role(Role.admin) and not actor.has_role(Role.reviewer) else actor.org_unit_id
    return list(db.session.scalars(orgs.units_in_scope(scope)))


def _unit_names(units: list[Any]) -> dict[int, str]:
    return {u.id: u.name for u in units}


# --- the queue and one profile ----------------------------------------------------------------

@bp.route("/")
@login_required(Role.reviewer)
def index() -> Any:
    return redirect(url_for("web_review.queue"))


@bp.route("/queue")
@login_required(Role.reviewer)
def queue() -> Any:
    """Pending profiles of the caller's units, oldest first, with a unit filter."""
    caller = me()
    unit_id = _unit_arg()
    units = _units(caller)
    page = paginate(reviews.queue(actor=caller, org_unit_id=unit_id), page=page_arg(), per_page=PER_PAGE)
    return render_template("review/queue.html", page=page, units=unit_options(units), names=_unit_names(units),
                           unit_id=unit_id, changes={p.id: profiles.changes_since_approval(p) for p in page["items"]})


@bp.route("/profiles/<int:profile_id>", methods=["GET", "POST"])
@login_required(Role.reviewer)
def profile(profile_id: int) -> Any:
    """One profile in scope; POST decides it (``decision``: approve, reject, request_changes; ``note``).

    With htmx, the decision panel is swapped in place; without, the page redirects to the queue."""
    caller = me()
    decided, errors = attempt_post(form_call(review_schemas.DecisionSchema(),
                                             partial(reviews.decide, actor=caller, profile_id=profile_id)))
    if decided is not None and not request.headers.get("HX-Request"):
        flash(_("%(name)s: %(decision)s.", name=decided.display_name,
                decision=labels.label(DECISIONS, request.form.get("decision"))))
        return redirect(url_for("web_review.queue"))
    target = reviews.profile_for_review(actor=caller, profile_id=profile_id)
    context = dict(p=target, errors=errors, decisions=DECISIONS, note=request.form.get("note", ""),
                   decided=decided)
    if request.headers.get("HX-Request") and request.method == "POST":
        return render_template("review/_decision.html", **context)
    units = _unit_names(_units(caller))
    history = db.session.scalars(audits.audit_log(actor=caller, target=f"profile:{target.id}").limit(20)).all()
    pending_photos = photos.review_queue(actor=caller, page=1, per_page=12, profile_id=target.id)["items"]
    return render_template("review/profile.html", unit=units.get(target.account.org_unit_id), history=history,
                           actions=ACTIONS, changes=profiles.changes_since_approval(target) or {},
                           field_labels=FIELDS, pending_photos=pending_photos, **context)


@bp.route("/profiles/<int:profile_id>/<any(suspend, unsuspend):change>", methods=["POST"])
@login_required(Role.reviewer)
def suspension(profile_id: int, change: str) -> Any:
    """Suspend a profile in scope: it leaves the pool, with a ``reason`` the member sees; or lift
    the suspension (an optional ``note``): the profile is approved and shown again, the member told."""
    schema, call, done = SUSPENSION[change]
    return act(form_call(schema(), partial(call, actor=me(), profile_id=profile_id)), done=str(done),
               to=url_for("web_review.profile", profile_id=profile_id))


# --- members in scope -------------------------------------------------------------------------

@bp.route("/members")
@login_required(Role.reviewer)
def members() -> Any:
    """Profiles in scope by status (a suspended or paused one without a report), unit and name."""
    caller = me()
    status = request.args.get("status", "").strip()
    q = request.args.get("q", "").strip()[:64]
    unit_id = _unit_arg()
    units = _units(caller)
    chosen = ProfileStatus(status) if status in ProfileStatus.__members__ else None
    page = paginate(reviews.browse(actor=caller, status=chosen, org_unit_id=unit_id, q=q or None),
                    page=page_arg(), per_page=PER_PAGE)
    return render_template("review/members.html", page=page, units=unit_options(units), names=_unit_names(units),
                           unit_id=unit_id, status=chosen.value if chosen else "", q=q)


# --- photos -----------------------------------------------------------------------------------

@bp.route("/photos/<int:photo_id>", methods=["POST"])
@login_required(Role.reviewer)
def photo_decision(photo_id: int) -> Any:
    """Approve or reject a pending photo (``decision``, ``note``; a rejection needs a note)."""
    profile_id = as_int(request.form.get("profile_id", ""))
    back = url_for("web_review.queue")
    if isinstance(profile_id, int):
        back = url_for("web_review.profile", profile_id=profile_id) + "#photos-h"
    return act(form_call(photo_schemas.PhotoDecisionSchema(), partial(photos.decide, actor=me(), photo_id=photo_id),
                         form_dict(skip=("profile_id",))),
               done=_("The photo is decided."), to=back)


@bp.route("/photos/<string(length=32):key>")
@bp.route("/photos/<string(length=32):key>/thumb", defaults={"thumb": True}, endpoint="photo_thumb")
@login_required(Role.reviewer)
def photo(key: str, thumb: bool = False) -> Any:
    """A photo of a profile in scope, for the reviewer's eyes (checked on every request)."""
    return photo_response(photos.open_photo(me(), key, thumb=thumb))


# --- reports ----------------------------------------------------------------------------------

@bp.route("/reports")
@login_required(Role.reviewer)
def reports() -> Any:
    """Open reports against profiles in scope, oldest first; ``?status=resolved``: the history."""
    caller = me()
    status = ReportStatus.resolved if request.args.get("status") == "resolved" else ReportStatus.open
    page = paginate(interactions.reports(actor=caller, status=status), page=page_arg(), per_page=PER_PAGE)
    return render_template("review/reports.html", page=page, status=status.value, outcomes=OUTCOMES,
                           people=_people(page["items"]))


def _people(items: list[Any]) -> dict[int, Any]:
    """The profiles the reports name (reported and reporter), by id."""
    ids = {r.profile_id for r in items} | {r.reporter_id for r in items if r.reporter_id}
    return {pid: p for pid in ids if (p := profiles.get(pid)) is not None}


@bp.route("/reports/<int:report_id>/resolve", methods=["POST"])
@login_required(Role.reviewer)
def resolve_report(report_id: int) -> Any:
    """Close a report in scope with an ``outcome`` (dismissed, warned, suspended) and a ``note``."""
    return act(form_call(interaction_schemas.ResolveSchema(),
                         partial(interactions.resolve_report, actor=me(), report_id=report_id)),
               done=_("The report is resolved."), to=url_for("web_review.reports"))


# --- the audit log and the statistics -----------------------------------------------------------

@bp.route("/audit")
@login_required(Role.reviewer, Role.admin)
def audit() -> Any:
    """The audit log of the caller's scope (an admin's: all of it), newest first."""
    caller = me()
    action = request.args.get("action", "").strip()[:40] or None
    page = paginate(audits.audit_log(actor=caller, action=action), page=page_arg(), per_page=50)
    names = accounts.usernames({e.actor_id for e in page["items"] if e.actor_id is not None})
    units = _unit_names(list(db.session.scalars(orgs.list_units())))
    rows = [{"at": e.at, "action": ACTIONS.get(e.action, e.action), "target": _target(e.target),
             "profile_id": _target_id(e.target, "profile"),
             "actor": None if e.actor_id is None else names.get(e.actor_id, f"#{e.actor_id}"),
             "details": [(DETAILS.get(k, k), _detail_value(k, v, units)) for k, v in e.detail.items()
                         if k != "review_seconds" and v is not None]} for e in page["items"]]
    return render_template("review/audit.html", page={**page, "items": rows}, action=action, actions=ACTIONS)


def _target_id(target: str, kind: str) -> int | None:
    found, _sep, raw = target.partition(":")
    return int(raw) if found == kind and raw.isdigit() else None


def _target(target: str) -> str:
    """``profile:12`` as the page says it (资料 #12); an unknown kind as it is."""
    kind, _sep, raw = target.partition(":")
    return str(TARGETS[kind]) % {"id": raw} if kind in TARGETS and raw else target


def _detail_value(key: str, value: Any, units: dict[int, str]) -> str:
    """One detail of an audit entry in words: roles, statuses, outcomes and units by name."""
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if key in ("org_unit_id", "from", "to") and isinstance(value, int):
        return units.get(value, f"#{value}")
    if key == "profile_id" and isinstance(value, int):
        return f"#{value}"
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    words = _DETAIL_WORDS.get(key, {})
    return str(words[value]) if isinstance(value, str) and value in words else str(value)


@bp.route("/stats")
@login_required(Role.reviewer, Role.admin)
def statistics() -> Any:
    """Statistics of the caller's scope as tables and charts, with the same numbers as CSV."""
    caller = me()
    data, errors = attempt(lambda: stats.statistics_for(actor=caller, **parse(_period_schema(), _period_args())))
    if data is None:
        data = stats.statistics_for(actor=caller)
    return render_template("review/stats.html", data=data, errors=errors, charts=_charts(data),
                           period=_period_args())


def _period_args() -> dict[str, str]:
    return {k: v for k in ("from", "to") if (v := request.args.get(k, "").strip())}


def _period_schema() -> Any:
    return StatsArgsSchema(only=("month_from", "month_to"))


@bp.route("/stats.csv")
@login_required(Role.reviewer, Role.admin)
def statistics_csv() -> Any:
    """The statistics on the page as one tidy CSV table (UTF-8 with a byte-order mark)."""
    caller = me()
    args, _errors = attempt(lambda: parse(_period_schema(), _period_args()))
    body = stats.statistics_csv(actor=caller, **(args or {}))  # a malformed period: the default one
    return Response(body, mimetype="text/csv",
                    headers={"Content-Disposition": 'attachment; filename="matchsvc-stats.csv"'})


def _charts(data: dict[str, Any]) -> dict[str, Any]:
    """The SVG charts of the statistics page (each beside a table of the same numbers)."""
    months = data["months"]
    # "2026-01", then "02", "03" ... (the year again at each January), so twelve months fit a phone
    labels_ = [m["month"] if i == 0 or m["month"].endswith("-01") else m["month"][5:] for i, m in enumerate(months)]
    units = [u for u in data["by_org_unit"]
             if u["applications"] or u["approvals"] or u["matches"] or u["confirmed"]]
    unit_names = [u["name"] for u in units]
    return {
        "monthly": charts.column_chart(
            _("Applications, approvals and matches per month"), labels_,
            [charts.Series(str(_("Applications")), [m["applications"] for m in months]),
             charts.Series(str(_("Approvals")), [m["approvals"] for m in months]),
             charts.Series(str(_("Matches")), [sum(m["matches"].values()) for m in months])]),
        "attendance": charts.column_chart(
            _("Event attendance per month"), labels_,
            [charts.Series(str(_("Confirmed")), [m["confirmed"] for m in months]),
             charts.Series(str(_("Checked in")), [m["checked_in"] for m in months])]),
        "units": charts.bar_chart(
            _("Applications, approvals and matches per unit"), unit_names,
            [charts.Series(str(_("Applications")), [u["applications"] for u in units]),
             charts.Series(str(_("Approvals")), [u["approvals"] for u in units]),
             charts.Series(str(_("Matches")), [u["matches"] for u in units])]) if units else None,
        "unit_attendance": charts.bar_chart(
            _("Event attendance per unit"), unit_names,
            [charts.Series(str(_("Confirmed")), [u["confirmed"] for u in units]),
             charts.Series(str(_("Checked in")), [u["checked_in"] for u in units])])
        if any(u["confirmed"] for u in units) else None,
    }
