"""The organizer console: the events one runs; create, edit and cancel them; one event's seats,
people, matched-group proposals and invitations, the check-in at the door and the report.

The event form posts the API's event fields (``starts_at`` etc. as ``datetime-local`` in the
deployment's TIMEZONE); the view turns it into the API's body and the events service checks it
(the same schema and rules as ``POST /events``), so its errors appear beside the fields.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from flask import Response, current_app, flash, redirect, render_template, request, url_for

from matchsvc.accounts.models import Role
from matchsvc.core.i18n import _, _l
from matchsvc.core.pagination import paginate
from matchsvc.events import schemas as event_schemas
from matchsvc.events import service as events
from matchsvc.extensions import db
from matchsvc.orgs import service as orgs
from matchsvc.web import dates, nav
from matchsvc.web.console import page_arg, template_context
from matchsvc.web.core import (act, as_int, attempt, attempt_post, flash_result, form_call, login_required,
                               make_blueprint, me, parse, unit_options)

bp = make_blueprint("web_organize", __name__, url_prefix="/organize")

nav.add_area(nav.Area(
    key="organize", role=Role.organizer, title=_l("Events I organize"), order=30,
    links=[("web_organize.events", _l("My events")), ("web_organize.new_event", _l("New event"))],
    header=[("web_organize.events", _l("Organize"))],
))

PER_PAGE = 30
_SPLIT = re.compile(r"[,，、;；\n]+")
_TIMES = ("starts_at", "ends_at", "signup_deadline")
#: Event fields and the form fields that show their errors.
_ERROR_FIELDS = {"quota": "quota_male", "quota.male": "quota_male", "quota.female": "quota_female"}
STATUS = {"confirmed": _l("Confirmed"), "waitlisted": _l("Waiting list"), "cancelled": _l("Cancelled"),
          "invited": _l("Invited"), "declined": _l("Declined"), "expired": _l("Expired"),
          "accepted": _l("Accepted"), "published": _l("Published")}


@bp.context_processor
def _context() -> dict[str, Any]:
    return {**template_context(), "place_labels": STATUS}


def _zone() -> Any:
    return dates.zone()


# --- the event form ---------------------------------------------------------------------------

def _aware(raw: str) -> str:
    """A ``datetime-local`` value read in the deployment's zone, as ISO 8601 with its offset
    (anything unreadable goes on as it is, for the schema to refuse)."""
    try:
        local = datetime.fromisoformat(raw)
    except ValueError:
        return raw
    if local.tzinfo is None:
        local = local.replace(tzinfo=_zone())
    return local.isoformat()


def _optional_int(raw: str) -> Any:
    raw = raw.strip()
    return None if raw == "" else as_int(raw)


def event_body() -> dict[str, Any]:
    """The event form as a ``POST /events`` (or ``PATCH``) body."""
    form = request.form
    body: dict[str, Any] = {}
    for name in ("title", "description", "location"):
        if name in form:
            body[name] = form[name].strip()
    if "tags" in form:
        body["tags"] = [t.strip() for t in _SPLIT.split(form["tags"]) if t.strip()]
    for name in _TIMES:
        if form.get(name, "").strip():
            body[name] = _aware(form[name].strip())
    if form.get("capacity", "").strip():
        body["capacity"] = as_int(form["capacity"].strip())
    male, female = form.get("quota_male", "").strip(), form.get("quota_female", "").strip()
    if male or female:
        body["quota"] = {"male": as_int(male), "female": as_int(female)}
    elif "quota_male" in form:
        body["quota"] = None
    for name in ("age_min", "age_max"):
        if name in form:
            body[name] = _optional_int(form[name])
    if "org_unit_ids" in form or "org_unit_ids_shown" in form:
        body["org_unit_ids"] = [as_int(v) for v in form.getlist("org_unit_ids") if v.strip()]
    return body


#: What to say for a form field left empty, instead of the schema's length rule ("length 1 to 50").
_EMPTY = {"org_unit_ids": _l("Choose at least one unit."), "title": _l("Give the event a title.")}


def _field_errors(errors: dict[str, list[str]]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for key, messages in errors.items():
        name = _ERROR_FIELDS.get(key, key)
        if name.startswith("org_unit_ids."):
            name = "org_unit_ids"
        elif name.startswith("tags."):
            name = "tags"
        if name in _EMPTY and not any(v.strip() for v in request.form.getlist(name)):
            out[name] = [str(_EMPTY[name])]
            continue
        out.setdefault(name, []).extend(messages)
    return out


def _form_values(event: Any | None) -> dict[str, Any]:
    """What the form shows: the posted values after a refusal, else the event's own."""
    if request.method == "POST":
        values = {k: request.form.get(k, "") for k in request.form}
        values["org_unit_ids"] = request.form.getlist("org_unit_ids")
        return values
    if event is None:
        return {"org_unit_ids": []}
    local = "%Y-%m-%dT%H:%M"
    localtime = dates.localtime

    return {"title": event.title, "description": event.description, "tags": "、".join(event.tags or []),
            "location": event.location, "capacity": event.capacity,
            "quota_male": event.quota_male, "quota_female": event.quota_female,
            "age_min": event.age_min, "age_max": event.age_max,
            **{name: localtime(getattr(event, name), local) for name in _TIMES},
            "org_unit_ids": [str(u) for u in event.org_unit_ids]}


def _scope_units(actor: Any) -> list[tuple[int, str]]:
    return unit_options(db.session.scalars(orgs.units_in_scope(actor.org_unit_id)))


# --- the list, create, edit, cancel -------------------------------------------------------------

@bp.route("/")
@login_required(Role.organizer)
def index() -> Any:
    return redirect(url_for("web_organize.events"))


@bp.route("/events", endpoint="events")
@login_required(Role.organizer)
def events_list() -> Any:
    """The events the caller runs, latest first."""
    page = paginate(events.list_events(actor=me(), managed=True), page=page_arg(), per_page=PER_PAGE)
    return render_template("organize/events.html", page=page)


def _event_form(caller: Any, event: Any | None, errors: dict[str, list[str]]) -> Any:
    """The event form (a new event's when ``event`` is None), a refusal's messages beside the fields."""
    return render_template("organize/event_form.html", event=event, values=_form_values(event),
                           errors=_field_errors(errors), units=_scope_units(caller),
                           timezone=dates.zone_label(current_app.config["TIMEZONE"]))


@bp.route("/events/new", methods=["GET", "POST"])
@login_required(Role.organizer)
def new_event() -> Any:
    """Publish an event: the API's fields, its validation shown beside them."""
    caller = me()
    created, errors = attempt_post(form_call(event_schemas.EventCreateSchema(),
                                             lambda **body: events.create_event(actor=caller, data=body),
                                             event_body()))
    if created is not None:
        flash(_("The event is published."))
        return redirect(url_for("web_organize.event", event_id=created.id))
    return _event_form(caller, None, errors)


@bp.route("/events/<int:event_id>/edit", methods=["GET", "POST"])
@login_required(Role.organizer)
def edit_event(event_id: int) -> Any:
    """Edit an event one runs; the merged event must still pass every rule."""
    caller = me()
    updated, errors = attempt_post(form_call(
        event_schemas.EventUpdateSchema(),
        lambda **changes: events.update_event(actor=caller, event_id=event_id, changes=changes), event_body()))
    if updated is not None:
        flash(_("The event is saved."))
        return redirect(url_for("web_organize.event", event_id=event_id))
    return _event_form(caller, events.managed_event(actor=caller, event_id=event_id), errors)


@bp.route("/events/<int:event_id>/cancel", methods=["POST"])
@login_required(Role.organizer)
def cancel_event(event_id: int) -> Any:
    """Cancel an event one runs; everyone signed up or invited is told."""
    return act(lambda: events.cancel_event(actor=me(), event_id=event_id),
               done=_("The event is cancelled; everyone signed up or invited is told."),
               to=url_for("web_organize.event", event_id=event_id))


# --- one event ----------------------------------------------------------------------------------

@bp.route("/events/<int:event_id>")
@login_required(Role.organizer)
def event(event_id: int) -> Any:
    """One event one runs: seats and quota per gender, the people with their places, the report's
    figures, and (with ``?size=``) a proposed group to invite."""
    caller = me()
    return _event_page(caller, events.managed_event(actor=caller, event_id=event_id))


@bp.route("/events/<int:event_id>/proposal")
@login_required(Role.organizer)
def proposal(event_id: int) -> Any:
    """A matched group of ``size`` to invite (nothing is written until one invites it): each
    person with their score and why they were chosen, all ticked; untick whom to leave out."""
    caller = me()
    size = as_int(request.args.get("size", "").strip())
    if not isinstance(size, int):
        size = 0
    shown = events.managed_event(actor=caller, event_id=event_id)
    found, errors = attempt(lambda: events.propose_group(
        actor=caller, event_id=event_id, **parse(event_schemas.GroupProposalArgsSchema(), {"size": size})))
    return _event_page(caller, shown, proposal=found, size=size or "", errors=errors)


def _event_page(caller: Any, shown: Any, *, proposal: Any = None, size: Any = None,
                errors: dict[str, list[str]] | None = None) -> Any:
    """One event's page (``shown``, an event the caller runs): its people and report, and a
    proposed group when there is one."""
    return render_template("organize/event.html", event=shown, people=events.signups(actor=caller, event_id=shown.id),
                           report=events.report(actor=caller, event_id=shown.id), proposal=proposal, size=size,
                           errors=errors or {})


@bp.route("/events/<int:event_id>/invitations", methods=["POST"])
@login_required(Role.organizer)
def invite(event_id: int) -> Any:
    """Invite the ticked people of a proposal in one step (all or nothing)."""
    caller = me()
    ids = [as_int(v) for v in request.form.getlist("profile_ids")]

    def action() -> Any:
        body = parse(event_schemas.ProfileIdsSchema(), {"profile_ids": ids})
        return events.invite(actor=caller, event_id=event_id, **body)

    sent, errors = attempt(action)
    if sent is not None:
        flash(_("%(n)s invitations sent.", n=len(sent["items"])))
        return redirect(url_for("web_organize.event", event_id=event_id))
    names = {str(k): v for k, v in ((pid, request.form.get(f"name.{pid}", "")) for pid in ids)}
    unique = list(dict.fromkeys(ids))
    for key, messages in errors.items():
        who = ""
        if key.startswith("profile_ids."):
            index = as_int(key.split(".", 1)[1])
            if isinstance(index, int) and index < len(unique):
                who = names.get(str(unique[index]), "") or f"#{unique[index]}"
        for message in messages:
            flash(f"{who}: {message}" if who else message, "error")
    size = as_int(request.form.get("size", ""))
    if isinstance(size, int):
        return redirect(url_for("web_organize.proposal", event_id=event_id, size=size))
    return redirect(url_for("web_organize.event", event_id=event_id))


# --- the door -----------------------------------------------------------------------------------

@bp.route("/events/<int:event_id>/checkin")
@login_required(Role.organizer)
def checkin(event_id: int) -> Any:
    """The check-in list for a phone at the door: confirmed people, found by name, one tap each."""
    caller = me()
    q = request.args.get("q", "").strip()[:40]
    shown = events.managed_event(actor=caller, event_id=event_id)
    people = events.signups(actor=caller, event_id=event_id, q=q, status="confirmed")
    return render_template("organize/checkin.html", event=shown, people=people, q=q)


def _checkin_answer(event_id: int, profile_id: int, errors: dict[str, list[str]], success: str) -> Any:
    """htmx: the person's row again (with the error, if any); otherwise back to the list."""
    if request.headers.get("HX-Request"):
        caller = me()
        person = next((p for p in events.signups(actor=caller, event_id=event_id) if p.profile_id == profile_id), None)
        return render_template("organize/_checkin_row.html", event_id=event_id, person=person,
                               errors=[m for ms in errors.values() for m in ms])
    flash_result(errors, success)
    return redirect(url_for("web_organize.checkin", event_id=event_id, q=request.form.get("q", "")))


@bp.route("/events/<int:event_id>/checkin", methods=["POST"])
@login_required(Role.organizer)
def check_in(event_id: int) -> Any:
    """Check one confirmed attendee in (``profile_id``)."""
    caller = me()
    profile_id = as_int(request.form.get("profile_id", ""))

    def action() -> Any:
        body = parse(event_schemas.CheckinArgsSchema(), {"profile_id": profile_id})
        return events.check_in(actor=caller, event_id=event_id, **body)

    done, errors = attempt(action)
    return _checkin_answer(event_id, profile_id if isinstance(profile_id, int) else 0, errors, _("Checked in."))


@bp.route("/events/<int:event_id>/checkin/<int:profile_id>/undo", methods=["POST"])
@login_required(Role.organizer)
def undo_check_in(event_id: int, profile_id: int) -> Any:
    """Take back a check-in (a wrong tap)."""
    caller = me()
    _done, errors = attempt(lambda: events.undo_check_in(actor=caller, event_id=event_id, profile_id=profile_id))
    return _checkin_answer(event_id, profile_id, errors, _("Check-in taken back."))


# --- the report ---------------------------------------------------------------------------------

@bp.route("/events/<int:event_id>/report.csv")
@login_required(Role.organizer)
def report_csv(event_id: int) -> Any:
    """The event's report as CSV: the figures, then the people and where each stands (UTF-8 with a
    byte-order mark, formula-safe)."""
    body = events.report_csv(events.report(actor=me(), event_id=event_id))
    return Response(body, mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="event-{event_id}-report.csv"'})
