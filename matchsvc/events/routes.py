"""Offline events: publishing, sign-ups and the waitlist, matched groups and invitations,
check-in, the after-event selections, and the organizer's report."""

from __future__ import annotations

from typing import Any

from flask import Response
from flask.views import MethodView

from matchsvc.accounts.models import Role
from matchsvc.core.auth import auth_required, current_account
from matchsvc.core.blueprints import Blueprint
from matchsvc.core.openapi import CSV_DOWNLOAD
from matchsvc.core.pagination import PageArgsSchema, page_of, page_schema, paginate
from matchsvc.core.transactions import commit_on_success
from matchsvc.events import schemas as s
from matchsvc.events import service
from matchsvc.events.models import Event, Invitation, MatchFollowup, Signup

blp = Blueprint("events", __name__, description="Offline events: sign-ups, matched groups, check-in, selections")

EventPageSchema = page_schema(s.EventDetailSchema, "EventPage")
MyEventPageSchema = page_schema(s.MyEventSchema, "MyEventPage")
MyInvitationPageSchema = page_schema(s.MyInvitationSchema, "MyInvitationPage")
AttendeePageSchema = page_schema(s.AttendeeSchema, "AttendeePage")
PersonPageSchema = page_schema(s.ReportPersonSchema, "EventPersonPage")


@blp.route("/events")
class Events(MethodView):
    @auth_required()
    @blp.arguments(s.EventListArgsSchema, location="query", as_kwargs=True)
    @blp.arguments(PageArgsSchema, location="query", as_kwargs=True)
    @blp.response(200, EventPageSchema)
    @blp.alt_response(403, description="`managed=true` without the organizer role")
    def get(self, managed: bool, page: int, per_page: int) -> dict[str, Any]:
        """Upcoming events you may join, soonest first

        Published, sign-up still open, open to your org unit (an event open to a unit is open to
        the units below it), and for your age and gender. Each item carries `seats_left` and your
        own place (`my_status`), as the detail does. Organizers: `?managed=true` lists the events
        you run instead, in any state, latest first.
        """
        actor = current_account()
        return paginate(service.list_events(actor=actor, managed=managed), page=page, per_page=per_page,
                        transform=lambda events: service.views(actor, events))

    @auth_required(Role.organizer)
    @blp.arguments(s.EventCreateSchema)
    @blp.response(201, s.EventDetailSchema)
    @blp.alt_response(403, description="Not an organizer, or a unit outside your scope")
    @blp.alt_response(422, description="Field errors: now < signup_deadline ≤ starts_at < ends_at, "
                                       "quota.male + quota.female ≤ capacity, age_min ≤ age_max, known units")
    @commit_on_success
    def post(self, body: dict[str, Any]) -> Any:
        """Publish an event

        `quota` may be left out (no separate limit per gender, only the capacity); `age_min` and
        `age_max` likewise. Times need an offset.
        """
        return service.create_event(actor=current_account(), data=body)


@blp.route("/events/<int:event_id>")
class EventById(MethodView):
    @auth_required()
    @blp.response(200, s.EventDetailSchema)
    @blp.alt_response(404, description="No such event visible to you")
    def get(self, event_id: int) -> Any:
        """One event, with the seats left and your own place in it

        `my_status`: confirmed, waitlisted, cancelled, invited, declined, expired, or null.
        """
        return service.event_detail(actor=current_account(), event_id=event_id)

    @auth_required(Role.organizer)
    @blp.arguments(s.EventUpdateSchema)
    @blp.response(200, s.EventDetailSchema)
    @blp.alt_response(403, description="Not an organizer of this event, or a unit outside your scope")
    @blp.alt_response(404, description="No such event")
    @blp.alt_response(409, description="The event was cancelled")
    @blp.alt_response(422, description="The merged event breaks a rule, or capacity or quota below the taken "
                                       "seats (`below_taken_seats`)")
    @commit_on_success
    def patch(self, body: dict[str, Any], event_id: int) -> Any:
        """Edit an event you run

        The merged event must pass the rules of creation. People signed up or invited hear of a
        new title, place or time; a larger capacity or quota moves the waitlist up.
        """
        return service.update_event(actor=current_account(), event_id=event_id, changes=body)


@blp.route("/events/<int:event_id>/cancel")
class CancelEvent(MethodView):
    @auth_required(Role.organizer)
    @blp.response(200, s.EventSchema)
    @blp.alt_response(403, description="Not an organizer of this event")
    @blp.alt_response(404, description="No such event")
    @blp.alt_response(409, description="Already cancelled, or over")
    @commit_on_success
    def post(self, event_id: int) -> Event:
        """Cancel an event you run; everyone signed up or invited is notified"""
        return service.cancel_event(actor=current_account(), event_id=event_id)


@blp.route("/events/<int:event_id>/signups")
class Signups(MethodView):
    @auth_required(Role.organizer)
    @blp.arguments(s.SignupListArgsSchema, location="query", as_kwargs=True)
    @blp.arguments(PageArgsSchema, location="query", as_kwargs=True)
    @blp.response(200, PersonPageSchema)
    @blp.alt_response(200, **CSV_DOWNLOAD)
    @blp.alt_response(403, description="Not an organizer of this event")
    @blp.alt_response(404, description="No such event")
    def get(self, event_id: int, format: str, page: int, per_page: int, q: str | None = None,
            status: str | None = None) -> Any:
        """The sign-up list of an event you run

        Everyone confirmed, waitlisted, invited or checked in: display name, gender, age, unit,
        place and check-in (never the contact); confirmed first, then by name. `?q=` finds people
        by part of the display name (check-in by name), `?status=` keeps one place.
        `?format=csv` downloads the whole list (UTF-8 with a byte-order mark, no cell starts a
        spreadsheet formula).
        """
        if format == "csv":
            return _csv(service.signups_csv(actor=current_account(), event_id=event_id, q=q, status=status),
                        f"event-{event_id}-signups.csv")
        return page_of(service.signups(actor=current_account(), event_id=event_id, q=q, status=status),
                       page=page, per_page=per_page)

    @auth_required()
    @blp.response(201, s.SignupResultSchema)
    @blp.alt_response(200, schema=s.SignupResultSchema, description="Already signed up: your standing place")
    @blp.alt_response(403, description="No approved profile")
    @blp.alt_response(404, description="No such event")
    @blp.alt_response(409, description="Cancelled (`event_cancelled`) or past the deadline (`signup_closed`)")
    @blp.alt_response(422, description="Not eligible: `out_of_scope`, `age_not_eligible`, `gender_not_admitted`")
    @commit_on_success
    def post(self, event_id: int) -> tuple[Signup, int]:
        """Sign up: confirmed while your gender has a seat, otherwise on the waitlist

        Signing up again while confirmed or waitlisted changes nothing and answers 200 with your
        place; with a pending invitation it accepts the invitation.
        """
        signup, created = service.sign_up(actor=current_account(), event_id=event_id)
        return signup, 201 if created else 200


@blp.route("/events/<int:event_id>/signups/me")
class OwnSignup(MethodView):
    @auth_required()
    @blp.response(204)
    @blp.alt_response(404, description="No such event, or you are not signed up")
    @blp.alt_response(409, description="The event has started")
    @commit_on_success
    def delete(self, event_id: int) -> None:
        """Cancel your sign-up; the first waitlisted member of your gender moves up"""
        service.cancel_signup(actor=current_account(), event_id=event_id)


@blp.route("/me/event-recommendations")
class EventRecommendations(MethodView):
    @auth_required()
    @blp.arguments(s.LimitArgsSchema, location="query", as_kwargs=True)
    @blp.response(200, s.EventRecommendationsSchema)
    @blp.alt_response(403, description="No approved profile")
    def get(self, limit: int) -> dict[str, Any]:
        """Events that suit you, best first, with reasons

        Only events you may join and have not joined; `?limit=` up to 200.
        """
        return service.recommend(actor=current_account(), limit=limit)


@blp.route("/events/<int:event_id>/group-proposals")
class GroupProposals(MethodView):
    @auth_required(Role.organizer)
    @blp.arguments(s.GroupProposalArgsSchema)
    @blp.response(200, s.GroupProposalSchema)
    @blp.alt_response(403, description="Not an organizer of this event")
    @blp.alt_response(404, description="No such event")
    @blp.alt_response(409, description="Cancelled or started")
    def post(self, body: dict[str, Any], event_id: int) -> Any:
        """Propose a matched group to invite

        Eligible members who fit the event and each other, split between the genders by the
        quota (half each without one), at most the seats left; each with the reasons they were
        chosen (their fit to the event, their fit with the others). Nothing is sent: invite the
        ones you want with `POST /events/{id}/invitations`.
        """
        return service.propose_group(actor=current_account(), event_id=event_id, size=body["size"])


@blp.route("/events/<int:event_id>/invitations")
class Invitations(MethodView):
    @auth_required(Role.organizer)
    @blp.arguments(s.ProfileIdsSchema)
    @blp.response(201, s.InvitationListSchema)
    @blp.alt_response(403, description="Not an organizer of this event")
    @blp.alt_response(404, description="No such event")
    @blp.alt_response(409, description="Cancelled or started, or too few seats left (`no_seats`)")
    @blp.alt_response(422, description="Some profiles cannot be invited (`not_eligible`, per profile)")
    @commit_on_success
    def post(self, body: dict[str, Any], event_id: int) -> dict[str, Any]:
        """Invite members; each invitation holds a seat until it expires

        Invitees are notified. A declined or expired invitation's seat goes to the waitlist, then
        to the next best candidate, who is invited automatically.
        """
        return service.invite(actor=current_account(), event_id=event_id, profile_ids=body["profile_ids"])


@blp.route("/invitations/<int:invitation_id>/accept")
class AcceptInvitation(MethodView):
    @auth_required()
    @blp.response(200, s.InvitationSchema)
    @blp.alt_response(403, description="Your profile is not approved")
    @blp.alt_response(404, description="Not one of your invitations")
    @blp.alt_response(409, description="Expired (`invitation_expired`), already answered, or the event cancelled")
    @commit_on_success
    def post(self, invitation_id: int) -> Invitation:
        """Accept an invitation: you are confirmed for the event"""
        return service.accept(actor=current_account(), invitation_id=invitation_id)


@blp.route("/invitations/<int:invitation_id>/decline")
class DeclineInvitation(MethodView):
    @auth_required()
    @blp.response(200, s.InvitationSchema)
    @blp.alt_response(404, description="Not one of your invitations")
    @blp.alt_response(409, description="Expired, already answered, or the event cancelled")
    @commit_on_success
    def post(self, invitation_id: int) -> Invitation:
        """Decline an invitation; you will not be asked to this event again"""
        return service.decline(actor=current_account(), invitation_id=invitation_id)


@blp.route("/events/<int:event_id>/checkins")
class Checkins(MethodView):
    @auth_required(Role.organizer)
    @blp.arguments(s.CheckinArgsSchema)
    @blp.response(201, s.CheckinSchema)
    @blp.alt_response(200, schema=s.CheckinSchema, description="Already checked in")
    @blp.alt_response(403, description="Not an organizer of this event")
    @blp.alt_response(404, description="No such event")
    @blp.alt_response(409, description="Outside check-in (an hour before the start until the end), or cancelled")
    @blp.alt_response(422, description="No confirmed sign-up (`not_confirmed`)")
    @commit_on_success
    def post(self, body: dict[str, Any], event_id: int) -> tuple[Signup, int]:
        """Check a confirmed attendee in"""
        signup, created = service.check_in(actor=current_account(), event_id=event_id, profile_id=body["profile_id"])
        return signup, 201 if created else 200


@blp.route("/events/<int:event_id>/checkins/<int:profile_id>")
class CheckinById(MethodView):
    @auth_required(Role.organizer)
    @blp.response(204)
    @blp.alt_response(403, description="Not an organizer of this event")
    @blp.alt_response(404, description="No such event, or that member is not checked in (`not_checked_in`)")
    @blp.alt_response(409, description="Outside check-in (an hour before the start until the end), or cancelled")
    @commit_on_success
    def delete(self, event_id: int, profile_id: int) -> None:
        """Undo a check-in (while the event runs)

        Selections made by or of that member at this event are dropped with it.
        """
        service.undo_check_in(actor=current_account(), event_id=event_id, profile_id=profile_id)


@blp.route("/events/<int:event_id>/selections")
class Selections(MethodView):
    @auth_required()
    @blp.arguments(s.SelectionArgsSchema)
    @blp.response(200, s.SelectionResultSchema)
    @blp.alt_response(403, description="You did not check in at this event")
    @blp.alt_response(404, description="No such event")
    @blp.alt_response(409, description="Outside the window (`selection_closed`)")
    @blp.alt_response(422, description="A selection who is you, not checked in, or of your gender")
    @commit_on_success
    def post(self, body: dict[str, Any], event_id: int) -> Any:
        """Pick people you would like to see again

        Open from the start until SELECTION_WINDOW_HOURS after the end. Selections add up; a selection
        that is returned becomes a match (`source: "event"`) with both contacts revealed.
        """
        return service.record_selections(actor=current_account(), event_id=event_id, profile_ids=body["profile_ids"])


def _csv(body: str, filename: str) -> Response:
    return Response(body, mimetype="text/csv", headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@blp.route("/events/<int:event_id>/report")
class Report(MethodView):
    @auth_required(Role.organizer)
    @blp.arguments(s.FormatArgsSchema, location="query", as_kwargs=True)
    @blp.response(200, s.EventReportSchema)
    @blp.alt_response(200, **CSV_DOWNLOAD)
    @blp.alt_response(403, description="Not an organizer of this event")
    @blp.alt_response(404, description="No such event")
    def get(self, event_id: int, format: str) -> Any:  # noqa: A002 - the API's name
        """The event's report: sign-ups, invitations, attendance, selections, matches, people

        Each person with display name, gender, age and unit (never the contact). `?format=csv`:
        the counts as `metric,value` rows, an empty row, then the people, in UTF-8 with a
        byte-order mark; no cell starts a spreadsheet formula.
        """
        report = service.report(actor=current_account(), event_id=event_id)
        if format == "csv":
            return _csv(service.report_csv(report), f"event-{event_id}-report.csv")
        return report


@blp.route("/me/matches/<int:match_id>/met")
class Met(MethodView):
    @auth_required()
    @blp.arguments(s.MetArgsSchema)
    @blp.response(200, s.MetSchema)
    @blp.alt_response(404, description="Not one of your matches")
    @commit_on_success
    def post(self, body: dict[str, Any], match_id: int) -> MatchFollowup:
        """Tell us privately whether you met (never shown to the other person)"""
        return service.answer_met(actor=current_account(), match_id=match_id, met=body["met"])


@blp.route("/me/events")
class MyEvents(MethodView):
    @auth_required()
    @blp.arguments(s.MyEventsArgsSchema, location="query", as_kwargs=True)
    @blp.arguments(PageArgsSchema, location="query", as_kwargs=True)
    @blp.response(200, MyEventPageSchema)
    def get(self, page: int, per_page: int, when: str | None = None) -> dict[str, Any]:
        """Your events: signed up, waitlisted, invited, attended, past

        Each with `my_status` (confirmed, waitlisted, cancelled, invited, declined, expired),
        `attended` and `past`. The ones still ahead come first (soonest first), then the past ones
        (latest first); `?when=upcoming|past` keeps one kind.
        """
        return page_of(service.my_events(actor=current_account(), when=when), page=page, per_page=per_page)


@blp.route("/me/invitations")
class MyInvitations(MethodView):
    @auth_required()
    @blp.arguments(s.MyInvitationsArgsSchema, location="query", as_kwargs=True)
    @blp.arguments(PageArgsSchema, location="query", as_kwargs=True)
    @blp.response(200, MyInvitationPageSchema)
    def get(self, page: int, per_page: int, status: str | None = None) -> dict[str, Any]:
        """Your invitations, newest first, each with its event

        `status`: pending, accepted, declined, expired or cancelled (`?status=` filters).
        """
        return page_of(service.my_invitations(actor=current_account(), status=status), page=page,
                       per_page=per_page)


@blp.route("/events/<int:event_id>/attendees")
class Attendees(MethodView):
    @auth_required()
    @blp.arguments(PageArgsSchema, location="query", as_kwargs=True)
    @blp.response(200, AttendeePageSchema)
    @blp.alt_response(403, description="You did not check in at this event (`not_checked_in`)")
    @blp.alt_response(404, description="No such event")
    def get(self, event_id: int, page: int, per_page: int) -> dict[str, Any]:
        """The other attendees you may select

        Attendees who checked in, of the other gender, not blocked either way: public fields only
        (never the contact), and whether you selected them already. Select with
        `POST /events/{id}/selections`.
        """
        return page_of(service.attendees(actor=current_account(), event_id=event_id), page=page, per_page=per_page)
