"""Member pages, mobile first: the profile, suggestions, matches, notifications and events.

Each view parses the form into the API's body shape (the same marshmallow schemas check it),
calls one service function, commits and redirects; service errors are shown beside the fields.
"""

from __future__ import annotations

import json
import re
from typing import Any

from flask import Response, flash, redirect, render_template, request, url_for

from matchsvc.accounts.models import Role
from matchsvc.core.i18n import _, _l
from matchsvc.profiles import consent as consent_text
from matchsvc.profiles import schemas as profile_schemas
from matchsvc.profiles import service as profiles
from matchsvc.web import labels, nav
from matchsvc.web.core import as_int, attempt, current_account, login_required, make_blueprint, parse

bp = make_blueprint("web_member", __name__)

nav.add_area(nav.Area(
    key="member", role=Role.member, title=_l("Me"), order=10,
    links=[("web_member.profile", _l("My profile")), ("web_member.recommendations", _l("Suggestions")),
           ("web_member.picks", _l("Today's picks")), ("web_member.search", _l("Search")),
           ("web_member.matches", _l("Matches")), ("web_member.events", _l("Events")),
           ("web_member.notifications", _l("Notifications"))],
    header=[("web_member.recommendations", _l("Suggestions")), ("web_member.matches", _l("Matches")),
            ("web_member.events", _l("Events")), ("web_member.profile", _l("Profile"))],
))


def _me() -> Any:
    account = current_account()
    assert account is not None  # login_required ran
    return account


# --- the profile ------------------------------------------------------------------------------

_TEXT_FIELDS = ("display_name", "gender", "birth_date", "height_cm", "education", "occupation", "city",
                "hometown", "intro", "goal")
#: Fields a member may empty again (the others are required before submitting and stay once set).
_NULLABLE = {"height_cm", "education", "occupation", "city", "hometown", "intro", "goal"}
_INT_FIELDS = {"height_cm", "seeking.age_min", "seeking.age_max", "seeking.height_min", "seeking.height_max"}
_SEEKING_KEYS = ("gender", "age_min", "age_max", "height_min", "height_max", "education_min")
_CONTACT_KEYS = ("phone", "wechat", "email")
_SPLIT = re.compile(r"[,，、;；\n]+")


def _matching_inputs() -> bool:
    """The three optional matching inputs, once the profile schema takes them."""
    fields = profile_schemas.ProfileUpdateSchema().fields
    return all(name in fields for name in ("social_frequency", "values", "friends_say"))


def _tags(raw: str) -> list[str]:
    return [t.strip() for t in _SPLIT.split(raw) if t.strip()]


def _profile_body(profile: Any) -> dict[str, Any]:
    """The profile form as a PUT /me/profile body (only the fields the form carries)."""
    form = request.form
    body: dict[str, Any] = {}
    for name in _TEXT_FIELDS:
        if name not in form:
            continue
        raw = form[name].strip()
        if raw == "":
            if name in _NULLABLE:
                body[name] = None
            continue
        body[name] = as_int(raw) if name in _INT_FIELDS else raw
    if "interests" in form:
        weights = {i["tag"].casefold(): i["weight"] for i in (profile.interests if profile else []) or []}
        body["interests"] = [{"tag": t, "weight": weights.get(t.casefold(), profile_schemas.DEFAULT_TAG_WEIGHT)}
                             for t in _tags(form["interests"])]
    contact = {k: (form[f"contact.{k}"].strip() or None) for k in _CONTACT_KEYS if f"contact.{k}" in form}
    if contact:
        body["contact"] = contact
    seeking: dict[str, Any] = {}
    for key in _SEEKING_KEYS:
        name = f"seeking.{key}"
        if name in form:
            raw = form[name].strip()
            seeking[key] = None if raw == "" else (as_int(raw) if name in _INT_FIELDS else raw)
    if "seeking.cities" in form:
        seeking["cities"] = _tags(form["seeking.cities"])
    if seeking:
        body["seeking"] = seeking
    if form.get("consent_accepted"):
        body["consent"] = {"version": consent_text.current_version(), "accepted": True}
    if _matching_inputs():
        if "social_frequency" in form:
            body["social_frequency"] = form["social_frequency"].strip() or None
        for group, keys in (("values", labels.VALUES), ("friends_say", labels.FRIENDS_SAY)):
            given = {k: form[f"{group}.{k}"].strip() for k in keys if f"{group}.{k}" in form}
            if any(given.values()):
                body[group] = {k: as_int(v) for k, v in given.items() if v}
            elif given:
                body[group] = None
    return body


def _errors_by_field(errors: dict[str, list[str]]) -> dict[str, list[str]]:
    """Put each message beside the form field it is about."""
    out: dict[str, list[str]] = {}
    for key, messages in errors.items():
        name = key
        if key.startswith("interests."):
            name = "interests"
        elif key.startswith("seeking.cities."):
            name = "seeking.cities"
        elif key == "consent" or key.startswith("consent."):
            name = "consent_accepted"
        out.setdefault(name, []).extend(messages)
    return out


def _profile_values(profile: Any) -> dict[str, Any]:
    """The stored profile under the form's field names."""
    if profile is None:
        return {}
    values: dict[str, Any] = {}
    for name in _TEXT_FIELDS:
        value = getattr(profile, name)
        values[name] = getattr(value, "value", value)
    values["birth_date"] = profile.birth_date.isoformat() if profile.birth_date else ""
    values["interests"] = "、".join(i["tag"] for i in profile.interests or [])
    for key in _CONTACT_KEYS:
        values[f"contact.{key}"] = (profile.contact or {}).get(key, "")
    for key in _SEEKING_KEYS:
        value = getattr(profile, f"seeking_{key}")
        values[f"seeking.{key}"] = getattr(value, "value", value)
    values["seeking.cities"] = "、".join(profile.seeking_cities or [])
    if _matching_inputs():
        values["social_frequency"] = getattr(profile, "social_frequency", None)
        for group in ("values", "friends_say"):
            for key, value in (getattr(profile, group, None) or {}).items():
                values[f"{group}.{key}"] = value
    return values


def _render_profile(profile: Any, errors: dict[str, list[str]] | None = None) -> Any:
    values = _profile_values(profile)
    if errors:
        values.update({k: v for k, v in request.form.items() if k != "csrf_token"})
    status = profile.status.value if profile is not None else None
    consented = profile is not None and profile.consent_version == consent_text.current_version()
    from matchsvc.core.i18n import lang

    return render_template(
        "member/profile.html", profile=profile, values=values, errors=errors or {}, status=status,
        consented=consented, consent=consent_text.current(lang()), labels=labels,
        matching_inputs=_matching_inputs(),
        can_submit=status in (None, "draft", "rejected", "changes_requested"),
    ), 422 if errors else 200


@bp.route("/profile", methods=["GET", "POST"])
@login_required()
def profile() -> Any:
    """Edit one's profile (GET shows it; POST saves the form)."""
    account = _me()
    own = profiles.find_own(account)
    if request.method == "POST":
        def action() -> Any:
            changes = parse(profile_schemas.ProfileUpdateSchema(), _profile_body(own))
            return profiles.update_own(actor=account, changes=changes)

        saved, errors = attempt(action)
        if errors:
            return _render_profile(profiles.find_own(account), _errors_by_field(errors))
        flash(_("Saved."))
        if saved.status.value == "pending":
            flash(_("Your profile is waiting for review."))
        return redirect(url_for("web_member.profile"))
    return _render_profile(own)


@bp.route("/profile/submit", methods=["POST"])
@login_required()
def submit_profile() -> Any:
    """Send the profile to the unit's reviewers."""
    account = _me()
    _done, errors = attempt(lambda: profiles.submit(actor=account))
    if errors:
        return _render_profile(profiles.find_own(account), _errors_by_field(errors))
    flash(_("Submitted: your union reviews your profile and tells you the outcome here."))
    return redirect(url_for("web_member.profile"))


def _simple(fn: Any, done: Any) -> Any:
    """Run one service call for a one-button form; its refusal becomes a message on the page."""
    account = _me()
    _done, errors = attempt(lambda: fn(actor=account))
    for messages in errors.values():
        for message in messages:
            flash(message, "error")
    if not errors:
        flash(done)
    return redirect(url_for("web_member.profile"))


@bp.route("/profile/pause", methods=["POST"])
@login_required()
def pause_profile() -> Any:
    """Hide an approved profile from everyone until resumed."""
    return _simple(profiles.pause, _("Your profile is paused: nobody sees it until you resume."))


@bp.route("/profile/resume", methods=["POST"])
@login_required()
def resume_profile() -> Any:
    """Show a paused profile again."""
    return _simple(profiles.resume, _("Your profile is shown again."))


@bp.route("/profile/export")
@login_required()
def export_profile() -> Any:
    """Download everything held about oneself, as JSON."""
    data = profile_schemas.ExportSchema().dump(profiles.export(actor=_me()))
    body = json.dumps(data, ensure_ascii=False, indent=2, default=str)
    return Response(body, mimetype="application/json",
                    headers={"Content-Disposition": 'attachment; filename="matchsvc-export.json"'})


@bp.route("/profile/withdraw", methods=["GET", "POST"])
@login_required()
def withdraw() -> Any:
    """Withdraw consent: GET asks for confirmation, saying what is erased; POST erases."""
    account = _me()
    if request.method == "POST":
        _done, errors = attempt(lambda: profiles.withdraw(actor=account))
        if not errors:
            flash(_("Your profile and personal data have been erased."))
            return redirect(url_for("web_auth.home"))
        for messages in errors.values():
            for message in messages:
                flash(message, "error")
    return render_template("member/withdraw.html", profile=profiles.find_own(account))
