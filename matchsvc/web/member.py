"""Member pages, mobile first: the profile, suggestions, matches, notifications and events.

Each view parses the form into the API's body shape (the same marshmallow schemas check it),
calls one service function, commits and redirects; service errors are shown beside the fields.
"""

from __future__ import annotations

import json
import re
from functools import partial
from typing import Any

from flask import Response, flash, redirect, render_template, request, url_for

from matchsvc.accounts.models import Role
from matchsvc.core.i18n import _, _l, translate
from matchsvc.core.pagination import paginate
from matchsvc.errors import DomainError, NotFound
from matchsvc.events import schemas as event_schemas
from matchsvc.events import service as events
from matchsvc.extensions import db
from matchsvc.interactions import schemas as interaction_schemas
from matchsvc.interactions import service as interactions
from matchsvc.matching import push
from matchsvc.matching import schemas as matching_schemas
from matchsvc.matching import service as matching
from matchsvc.notifications import service as notifications
from matchsvc.photos import imaging
from matchsvc.photos import service as photos
from matchsvc.photos.models import PhotoStatus
from matchsvc.photos.responses import photo_response
from matchsvc.profiles import consent as consent_text
from matchsvc.profiles import schemas as profile_schemas
from matchsvc.profiles import service as profiles
from matchsvc.web import labels, nav
from matchsvc.web.core import (FormErrors, act, as_int, attempt, attempt_post, current_account, error_page,
                               flash_result, form_call, form_dict, login_required, make_blueprint, me, parse,
                               safe_next, translated)

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
    names = {field.data_key or name for name, field in fields.items()}
    return {"social_frequency", "values", "friends_say"} <= names


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
            # the service's message points API clients at GET /consent; here the text is on the page
            out["consent_accepted"] = [_("Read the consent text below and tick the box to accept it.")]
            continue
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
        values["social_frequency"] = getattr(profile.social_frequency, "value", None)
        for group, column in (("values", "partner_values"), ("friends_say", "friends_say")):
            for key, value in (getattr(profile, column) or {}).items():
                values[f"{group}.{key}"] = value
    return values


def _render_profile(profile: Any, errors: dict[str, list[str]] | None = None,
                    photo_errors: list[str] | None = None, status_code: int = 200) -> Any:
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
        matching_open=any(k.split(".")[0] in ("social_frequency", "values", "friends_say") for k in errors or {}),
        can_submit=status in (None, "draft", "rejected", "changes_requested"),
        photos=_photo_items(profile), photo_errors=photo_errors or [], max_photos=photos.MAX_PHOTOS,
    ), status_code


@bp.route("/profile", methods=["GET", "POST"])
@login_required()
def profile() -> Any:
    """Edit one's profile (GET shows it; POST saves the form)."""
    account = me()
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
    account = me()
    _done, errors = attempt(lambda: profiles.submit(actor=account))
    if errors:
        return _render_profile(profiles.find_own(account), _errors_by_field(errors))
    flash(_("Submitted: your union reviews your profile and tells you the outcome here."))
    return redirect(url_for("web_member.profile"))


def _simple(fn: Any, done: str) -> Any:
    """Run one service call for a one-button form of the profile page; its refusal becomes a
    message on the page."""
    return act(lambda: fn(actor=me()), done=done, to=url_for("web_member.profile"))


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
    data = profile_schemas.ExportSchema().dump(profiles.export(actor=me()))
    body = json.dumps(data, ensure_ascii=False, indent=2, default=str)
    return Response(body, mimetype="application/json",
                    headers={"Content-Disposition": 'attachment; filename="matchsvc-export.json"'})


@bp.route("/profile/withdraw", methods=["GET", "POST"])
@login_required()
def withdraw() -> Any:
    """Withdraw consent: GET asks for confirmation, saying what is erased; POST erases."""
    account = me()
    if request.method == "POST":
        _done, errors = attempt(lambda: profiles.withdraw(actor=account))
        if not errors:
            flash(_("Your profile and personal data have been erased."))
            return redirect(url_for("web_auth.home"))
        flash_result(errors, "")
    return render_template("member/withdraw.html", profile=profiles.find_own(account))


# --- the profile's photos -----------------------------------------------------------------------

def _photo_items(profile: Any) -> list[dict[str, Any]]:
    """The member's photos in their order, as the editor shows them: the main one (the first
    approved: the one on cards) marked, each with its status and the reviewer's note."""
    if profile is None:
        return []
    own = list(profile.photos)
    main = next((p.id for p in own if p.status is PhotoStatus.approved), None)
    return [{"id": p.id, "key": p.key, "status": p.status.value, "note": p.review_note, "main": p.id == main,
             "first": i == 0, "last": i == len(own) - 1} for i, p in enumerate(own)]


def _photo_refused(errors: dict[str, list[str]], status_code: int = 200) -> Any:
    """The profile page again, with why the photo was refused above the photos."""
    account = me()
    return _render_profile(profiles.find_own(account), photo_errors=[m for ms in errors.values() for m in ms],
                           status_code=status_code)


def _photos_anchor() -> str:
    return url_for("web_member.profile") + "#photos-h"


@bp.route("/profile/photos", methods=["POST"])
@login_required()
def upload_photo() -> Any:
    """Add a photo (multipart field ``file``): cleaned and checked by the photos service exactly as
    the API's upload; a refused file shows the service's reason on the profile page."""
    account = me()
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return _photo_refused({"file": [_("Choose a photo first.")]})

    def action() -> Any:
        return photos.upload(actor=account, data=upload.read(imaging.MAX_BYTES + 1), filename=upload.filename,
                             media_type=upload.mimetype)

    _photo, errors = attempt(action)
    if errors:
        return _photo_refused(errors)
    flash(_("Photo added. Others see it once a reviewer has approved it."))
    return redirect(_photos_anchor())


#: The upload takes the photo's 8 MB plus the form's own bytes (app.py reads this per route).
upload_photo.max_content_length = imaging.MAX_BYTES + 64 * 1024  # type: ignore[attr-defined]


@bp.errorhandler(413)
def _too_large(error: Exception) -> Any:
    """A file over the upload limit: the profile page again with the reason (the form is never read)."""
    if request.endpoint == "web_member.upload_photo" and current_account() is not None:
        return _photo_refused({"file": [_("The file is larger than 8 MB.")]}, status_code=413)
    return error_page(error)


@bp.route("/profile/photos/<int:photo_id>/delete", methods=["POST"])
@login_required()
def delete_photo(photo_id: int) -> Any:
    """Delete one of one's photos (its files go at once)."""
    return act(lambda: photos.delete(actor=me(), photo_id=photo_id), done=_("The photo is deleted."),
               to=_photos_anchor())


_MOVES = ("main", "up", "down")


@bp.route("/profile/photos/<int:photo_id>/move", methods=["POST"])
@login_required()
def move_photo(photo_id: int) -> Any:
    """Reorder with one button (``to``: ``main`` puts the photo first, ``up``/``down`` swap it with
    its neighbour); the service's reorder checks the ids as for the API."""
    account = me()
    to = request.form.get("to", "")

    def action() -> Any:
        ids = [p.id for p in photos.own_photos(actor=account)]
        if to not in _MOVES or photo_id not in ids:
            raise NotFound(_("No such photo."))
        i = ids.index(photo_id)
        if to == "main":
            ids.insert(0, ids.pop(i))
        elif to == "up" and i > 0:
            ids[i - 1], ids[i] = ids[i], ids[i - 1]
        elif to == "down" and i < len(ids) - 1:
            ids[i + 1], ids[i] = ids[i], ids[i + 1]
        return photos.reorder(actor=account, ids=ids)

    return act(action, done=_("The order of your photos is saved."), to=_photos_anchor())


@bp.route("/photo/<string(length=32):key>")
@bp.route("/photo/<string(length=32):key>/thumb", defaults={"thumb": True}, endpoint="photo_thumb")
@login_required()
def photo(key: str, thumb: bool = False) -> Any:
    """A photo for the member pages (the session's edge of ``/api/v1/photos/<key>``): checked on
    every request against the same rule, so another member's pending photo, or the photo of a
    profile one may not open (blocked, paused, not approved, withdrawn), is a 404."""
    return photo_response(photos.open_photo(me(), key, thumb=thumb))


def _public(profile: Any) -> dict[str, Any]:
    """``dump_public`` for a card on these pages: its ``thumb_url`` is the session's photo route
    (the API's URL needs a bearer token a browser page does not have)."""
    data = profile_schemas.dump_public(profile)
    key = profile.main_photo_key
    data["thumb_url"] = url_for("web_member.photo_thumb", key=key) if key else None
    return data


# --- suggestions: recommendations, today's picks, search ---------------------------------------

def _card(profile: Any, reasons: Any = ()) -> dict[str, Any]:
    """A profile as a card shows it: the public fields (never the contact), with reasons."""
    return {"profile": _public(profile), "reasons": list(reasons)}


def _cards_page(template: str, load: Any, **context: Any) -> Any:
    """A page of cards from one service call; a refusal (no approved profile yet) is explained
    on the page rather than as an error."""
    try:
        cards = load()
    except DomainError as err:
        return render_template(template, cards=[], refused=translate(err.detail), code=err.code, **context)
    return render_template(template, cards=cards, refused=None, code=None, **context)


@bp.route("/recommendations")
@login_required()
def recommendations() -> Any:
    """People who fit the caller and whom the caller fits, best first, with reasons."""
    account = me()
    return _cards_page("member/recommendations.html", lambda: [
        _card(s.profile, s.reasons) for s in matching.recommend(actor=account, limit=20)])


@bp.route("/picks")
@login_required()
def picks() -> Any:
    """The latest daily picks (the daily push writes them)."""
    account = me()
    try:
        result = push.latest_picks(actor=account, limit=20)
    except DomainError as err:
        return render_template("member/picks.html", cards=[], refused=translate(err.detail), date=None)
    return render_template("member/picks.html", cards=[_card(s.profile, s.reasons) for s in result["items"]],
                           refused=None, date=result["date"])


_SEARCH_INTS = ("age_min", "age_max")


@bp.route("/search")
@login_required()
def search() -> Any:
    """Self-service search with filters (a GET form, so a search can be bookmarked)."""
    account = me()
    args = {k: v.strip() for k, v in request.args.items() if v.strip()}
    errors: dict[str, list[str]] = {}
    cards: list[dict[str, Any]] | None = None
    refused = None
    if args:
        try:
            filters = parse(matching_schemas.SearchArgsSchema(),
                            {k: as_int(v) if k in _SEARCH_INTS else v for k, v in args.items()})
            cards = [_card(p) for p in matching.search(actor=account, **filters)[:50]]
        except FormErrors as err:
            errors = err.errors
        except DomainError as err:
            if err.errors:
                errors = translated(err.errors)
            else:
                refused = translate(err.detail)
    return render_template("member/search.html", cards=cards, args=args, errors=errors, refused=refused,
                           labels=labels)


def _back(default: str) -> str:
    return safe_next(request.form.get("next"), default)


def _card_answer(profile_id: int, message: str, *, error: bool = False, link: tuple[str, str] | None = None) -> Any:
    """htmx swaps the card for a one-line answer; without JavaScript, back to the list."""
    if request.headers.get("HX-Request"):
        return render_template("member/_card_done.html", profile_id=profile_id, message=message, error=error,
                               link=link)
    flash(message, "error" if error else "message")
    return redirect(_back(url_for("web_member.recommendations")))


def _profile_id() -> int | None:
    raw = request.form.get("profile_id", "")
    value = as_int(raw)
    return value if isinstance(value, int) and value > 0 else None


def _on_card(call: Any, answer: Any) -> Any:
    """Like or pass on the card's ``profile_id`` with the service's ``call``; the card is replaced
    by the refusal, or by ``answer(profile_id, result)``."""
    account = me()
    profile_id = _profile_id()
    if profile_id is None:
        return _card_answer(0, _("No such profile."), error=True)
    result, errors = attempt(lambda: call(actor=account, profile_id=profile_id))
    if errors:
        return _card_answer(profile_id, " ".join(m for ms in errors.values() for m in ms), error=True)
    return answer(profile_id, result)


@bp.route("/like", methods=["POST"])
@login_required()
def like() -> Any:
    """Like someone; a like back makes a match and shows both contacts."""
    def answer(profile_id: int, result: Any) -> Any:
        mutual, _match = result
        if mutual:
            return _card_answer(profile_id, _("It's mutual! You can now see each other's contact details."),
                                link=(url_for("web_member.matches"), _("See the contact")))
        return _card_answer(profile_id, _("Liked. If they like you too, you will both see each other's contact."))

    return _on_card(interactions.like, answer)


@bp.route("/pass", methods=["POST"])
@login_required()
def pass_() -> Any:
    """Pass on someone: they are not suggested again."""
    return _on_card(interactions.pass_,
                    lambda profile_id, _done: _card_answer(profile_id, _("Passed. We will not suggest them again.")))


# --- matches ----------------------------------------------------------------------------------

@bp.route("/matches")
@login_required()
def matches() -> Any:
    """Standing matches, with contact details, and what one can do about each."""
    rows = interactions.my_matches(actor=me())
    items = [{"id": m.id, "source": m.source.value, "created_at": m.created_at,
              "profile": _public(p), "contact": dict(p.contact or {})} for m, p in rows]
    return render_template("member/matches.html", items=items)


@bp.route("/matches/<int:match_id>/unmatch", methods=["POST"])
@login_required()
def unmatch(match_id: int) -> Any:
    """End a match: contacts are hidden again for both."""
    return act(lambda: interactions.unmatch(actor=me(), match_id=match_id),
               done=_("The match has ended; your contact details are hidden again."), to=url_for("web_member.matches"))


@bp.route("/matches/<int:match_id>/met", methods=["POST"])
@login_required()
def met(match_id: int) -> Any:
    """Answer privately whether the two met (only the caller ever sees the answer)."""
    account = me()
    answer = request.form.get("met")
    if answer not in ("yes", "no"):
        flash(_("Choose yes or no."), "error")
        return redirect(url_for("web_member.matches"))
    return act(lambda: events.answer_met(actor=account, match_id=match_id, met=answer == "yes"),
               done=_("Thank you; only you can see this answer."), to=url_for("web_member.matches"))


@bp.route("/block", methods=["POST"])
@login_required()
def block() -> Any:
    """Block someone: both vanish from each other's everything."""
    profile_id = _profile_id()
    return act(lambda: interactions.block(actor=me(), profile_id=profile_id or 0),
               done=_("Blocked. You will not see each other anywhere again."), to=_back(url_for("web_member.matches")))


@bp.route("/report/<int:profile_id>", methods=["GET", "POST"])
@login_required()
def report(profile_id: int) -> Any:
    """Report someone to their unit's reviewers, with a reason."""
    sent, errors = attempt_post(form_call(interaction_schemas.ReportCreateSchema(),
                                          partial(interactions.report, actor=me()),
                                          {"profile_id": profile_id, **form_dict(skip=("next",))}))
    if sent is not None:
        flash(_("Thank you. The reviewers of their unit will look into it."))
        return redirect(_back(url_for("web_member.matches")))
    return render_template("member/report.html", profile_id=profile_id, errors=errors,
                           form=request.form)


# --- notifications ----------------------------------------------------------------------------

@bp.route("/notifications", endpoint="notifications")
@login_required()
def notifications_page() -> Any:
    """The inbox, newest first, unread ones marked."""
    from matchsvc.core.i18n import lang
    from matchsvc.notifications.texts import render

    page = request.args.get("page", "1")
    page = min(int(page), 10_000) if page.isdigit() and int(page) > 0 else 1
    data = paginate(notifications.inbox(actor=me()), page=page, per_page=30)
    language = lang()
    items = [{"id": n.id, "kind": n.kind, "text": render(n.kind, n.payload or {}, language),
              "created_at": n.created_at, "read": n.read_at is not None,
              "event_id": (n.payload or {}).get("event_id")} for n in data["items"]]
    return render_template("member/notifications.html", items=items, page=page, total=data["total"],
                           per_page=data["per_page"])


@bp.route("/notifications/<int:notification_id>/read", methods=["POST"])
@login_required()
def mark_read(notification_id: int) -> Any:
    """Mark one notification read."""
    return act(lambda: notifications.mark_read(actor=me(), notification_id=notification_id),
               done=_("Marked as read."), to=_back(url_for("web_member.notifications")))


@bp.route("/notifications/read-all", methods=["POST"])
@login_required()
def read_all() -> Any:
    """Mark every notification read."""
    return act(lambda: notifications.mark_all_read(actor=me()),
               done=_("All notifications are marked as read."), to=url_for("web_member.notifications"))


# --- events -----------------------------------------------------------------------------------

@bp.route("/events", endpoint="events")
@login_required()
def events_page() -> Any:
    """Invitations waiting for an answer, the caller's own events, and upcoming events to join."""
    account = me()
    found = db.session.scalars(events.list_events(actor=account)).all()
    return render_template("member/events.html", events=events.views(account, found),
                           invitations=[i for i in events.my_invitations(actor=account) if i.status == "pending"],
                           mine=events.my_events(actor=account, when="upcoming"),
                           past=events.my_events(actor=account, when="past")[:10])


@bp.route("/events/<int:event_id>")
@login_required()
def event(event_id: int) -> Any:
    """One event: time, place, seats left, the caller's place, and what they can do."""
    account = me()
    view = events.event_detail(actor=account, event_id=event_id)
    invitation = next((i for i in events.my_invitations(actor=account, status="pending")
                       if i.event_id == event_id), None)
    return render_template("member/event.html", event=view, invitation=invitation)


@bp.route("/invitations/<int:invitation_id>/<any(accept, decline):answer>", methods=["POST"])
@login_required()
def answer_invitation(invitation_id: int, answer: str) -> Any:
    """Accept (a seat is held for the invitee) or decline an invitation."""
    account = me()
    call = events.accept if answer == "accept" else events.decline
    invitation, errors = attempt(lambda: call(actor=account, invitation_id=invitation_id))
    flash_result(errors, _("You accepted the invitation: your seat is confirmed.") if answer == "accept"
                   else _("You declined the invitation."))
    if invitation is not None:
        return redirect(url_for("web_member.event", event_id=invitation.event_id))
    return redirect(url_for("web_member.events"))


@bp.route("/events/<int:event_id>/picks", methods=["GET", "POST"])
@login_required()
def event_picks(event_id: int) -> Any:
    """After an event: the attendee picks people they would like to see again; mutual picks
    become matches."""
    account = me()
    chosen = [as_int(v) for v in request.form.getlist("profile_ids")]
    result, errors = attempt_post(form_call(event_schemas.SelectionArgsSchema(),
                                            partial(events.record_selections, actor=account, event_id=event_id),
                                            {"profile_ids": chosen}))
    if result is not None:
        flash(_("Your picks are saved. A pick returned becomes a match, and you will be told."))
        if result.matches:
            flash(_("You have %(n)s new match(es): see Matches.", n=len(result.matches)))
        return redirect(url_for("web_member.event_picks", event_id=event_id))
    view = events.event_detail(actor=account, event_id=event_id)
    people = events.attendees(actor=account, event_id=event_id)
    return render_template("member/event_picks.html", event=view, people=[
        {"profile": _public(p), "selected": p.selected} for p in people],
        errors=errors)


@bp.route("/events/<int:event_id>/signup", methods=["POST"])
@login_required()
def sign_up(event_id: int) -> Any:
    """Sign up (confirmed, or on the waitlist when the seats for one's gender are taken)."""
    def done(result: Any) -> str:
        signup, _created = result
        if signup.status.value == "confirmed":
            return _("You are signed up.")
        return _("The seats are taken: you are on the waitlist and will be told if one frees up.")

    return act(lambda: events.sign_up(actor=me(), event_id=event_id), done=done,
               to=url_for("web_member.event", event_id=event_id))


@bp.route("/events/<int:event_id>/cancel-signup", methods=["POST"])
@login_required()
def cancel_signup(event_id: int) -> Any:
    """Give one's seat back."""
    return act(lambda: events.cancel_signup(actor=me(), event_id=event_id), done=_("Your sign-up is cancelled."),
               to=url_for("web_member.event", event_id=event_id))
