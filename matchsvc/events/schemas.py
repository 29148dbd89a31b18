"""Event bodies: one schema per direction and audience.

Request schemas check shape and format only; the rules across fields (times in order, quotas within
capacity) are the service's, because a PATCH is checked on the merged event.
"""

from __future__ import annotations

from typing import Any

import marshmallow as ma

from matchsvc.core.i18n import _
from matchsvc.core.schemas import FreeText, IdField, StrictBoolean
from matchsvc.events.models import EventStatus, InvitationStatus, SignupStatus
from matchsvc.profiles.schemas import AGE, MatchedProfileSchema, PublicProfileSchema, Text

MAX_TAGS = 20
MAX_TAG_LEN = 20
MAX_UNITS = 50
MAX_SELECTIONS = 100
MAX_GROUP = 200


class QuotaSchema(ma.Schema):
    male = ma.fields.Integer(strict=True, required=True, validate=ma.validate.Range(min=0, max=100_000))
    female = ma.fields.Integer(strict=True, required=True, validate=ma.validate.Range(min=0, max=100_000))


def _validate_tags(tags: list[str]) -> None:
    if len(tags) > MAX_TAGS:
        raise ma.ValidationError(_("At most %(count)d tags.", count=MAX_TAGS))


#: The rules across an event's fields (events/service/events.py ``_check``), for the document.
EVENT_RULES = ("`signup_deadline` ≤ `starts_at` < `ends_at`; `quota.male` + `quota.female` ≤ `capacity`; "
               "`age_min` ≤ `age_max`")


class EventUpdateSchema(ma.Schema):
    """PATCH /events/{id}: every field optional; ``quota`` and ``org_unit_ids`` replace the stored
    value; the merged event must still pass every rule of creation."""

    class Meta:
        description = ("Every field optional; `quota` and `org_unit_ids` replace the stored value. The "
                       f"merged event must pass the rules across fields of creation (422): {EVENT_RULES}; "
                       "a time that changes must be in the future; `capacity` and each of `quota.male` and "
                       "`quota.female` may not drop below the seats already taken (`below_taken_seats`).")

    title = Text(max_len=100, min_len=1)
    description = FreeText(max_len=5000)
    tags = ma.fields.List(Text(max_len=MAX_TAG_LEN, min_len=1), validate=_validate_tags)
    location = Text(max_len=200)
    starts_at = ma.fields.AwareDateTime()
    ends_at = ma.fields.AwareDateTime()
    signup_deadline = ma.fields.AwareDateTime()
    capacity = ma.fields.Integer(strict=True, validate=ma.validate.Range(min=1, max=100_000))
    #: null: no separate limit per gender, only the capacity
    quota = ma.fields.Nested(QuotaSchema, allow_none=True)
    age_min = ma.fields.Integer(strict=True, allow_none=True, validate=AGE)
    age_max = ma.fields.Integer(strict=True, allow_none=True, validate=AGE)
    org_unit_ids = ma.fields.List(IdField(), validate=ma.validate.Length(min=1, max=MAX_UNITS))

    @ma.post_load
    def _dedupe(self, data: dict[str, Any], **_: Any) -> dict[str, Any]:
        if "tags" in data:
            seen: dict[str, str] = {}
            for tag in data["tags"]:
                seen.setdefault(tag.casefold(), tag)
            data["tags"] = list(seen.values())
        if "org_unit_ids" in data:
            data["org_unit_ids"] = sorted(set(data["org_unit_ids"]))
        return data


class EventCreateSchema(EventUpdateSchema):
    """POST /events."""

    class Meta:
        description = (f"Rules across fields (422, on the field named): {EVENT_RULES}; `signup_deadline` in "
                       "the future (no minimum lead time). Every unit of `org_unit_ids` must exist (422) and "
                       "lie in your scope (403); the event is open to those units and the units below them.")

    title = Text(max_len=100, min_len=1, required=True)
    starts_at = ma.fields.AwareDateTime(required=True)
    ends_at = ma.fields.AwareDateTime(required=True)
    signup_deadline = ma.fields.AwareDateTime(required=True)
    capacity = ma.fields.Integer(strict=True, required=True, validate=ma.validate.Range(min=1, max=100_000))
    org_unit_ids = ma.fields.List(IdField(), required=True, validate=ma.validate.Length(min=1, max=MAX_UNITS))


class SeatsSchema(ma.Schema):
    male = ma.fields.Integer()
    female = ma.fields.Integer()
    total = ma.fields.Integer()


class QuotaOutSchema(ma.Schema):
    male = ma.fields.Integer(allow_none=True)
    female = ma.fields.Integer(allow_none=True)


class EventSchema(ma.Schema):
    """An event as lists show it."""

    id = ma.fields.Integer()
    title = ma.fields.String()
    description = ma.fields.String()
    tags = ma.fields.List(ma.fields.String())
    location = ma.fields.String()
    starts_at = ma.fields.DateTime()
    ends_at = ma.fields.DateTime()
    signup_deadline = ma.fields.DateTime()
    capacity = ma.fields.Integer()
    quota = ma.fields.Nested(QuotaOutSchema)
    age_min = ma.fields.Integer(allow_none=True)
    age_max = ma.fields.Integer(allow_none=True)
    org_unit_ids = ma.fields.List(ma.fields.Integer())
    status = ma.fields.Enum(EventStatus, by_value=True)
    created_by = ma.fields.Integer(allow_none=True)
    created_at = ma.fields.DateTime()
    cancelled_at = ma.fields.DateTime(allow_none=True)


class EventDetailSchema(EventSchema):
    """One event, with the seats still free and the caller's own seat (if any)."""

    seats_left = ma.fields.Nested(SeatsSchema)
    #: confirmed | waitlisted | cancelled | invited | declined | expired, or null
    my_status = ma.fields.String(allow_none=True)
    signup_open = ma.fields.Boolean()


class EventListArgsSchema(ma.Schema):
    #: organizers: the events you manage (any state) instead of the ones you may join
    managed = ma.fields.Boolean(load_default=False)


class MyEventSchema(EventDetailSchema):
    """One of your events: your place in it, whether you attended, whether it is over."""

    attended = ma.fields.Boolean()
    past = ma.fields.Boolean()


class MyEventsArgsSchema(ma.Schema):
    #: only the events still ahead (not ended), or only the past ones
    when = Text(validate=ma.validate.OneOf(["upcoming", "past"]))


class MyInvitationsArgsSchema(ma.Schema):
    status = Text(validate=ma.validate.OneOf(["pending", "accepted", "declined", "expired",
                                       "cancelled"]))


class AttendeeSchema(PublicProfileSchema):
    """Another attendee who checked in: public fields only, and whether you selected them."""

    selected = ma.fields.Boolean()


class SignupResultSchema(ma.Schema):
    event_id = ma.fields.Integer()
    status = ma.fields.Enum(SignupStatus, by_value=True)


class LimitArgsSchema(ma.Schema):
    limit = ma.fields.Integer(load_default=20, validate=ma.validate.Range(min=1))

    @ma.post_load
    def _clamp(self, data: dict[str, Any], **_: Any) -> dict[str, Any]:
        data["limit"] = min(data["limit"], 200)
        return data


class EventRecommendationSchema(ma.Schema):
    event = ma.fields.Nested(EventSchema)
    score = ma.fields.Float()
    reasons = ma.fields.List(ma.fields.String())


class EventRecommendationsSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(EventRecommendationSchema))


class GroupProposalArgsSchema(ma.Schema):
    size = ma.fields.Integer(strict=True, required=True, validate=ma.validate.Range(min=2, max=MAX_GROUP))


class GroupMemberSchema(ma.Schema):
    profile = ma.fields.Nested(PublicProfileSchema)
    score = ma.fields.Float()
    #: why this member was chosen: fit to the event, fit with the others
    reasons = ma.fields.List(ma.fields.String())


class GroupProposalSchema(ma.Schema):
    members = ma.fields.List(ma.fields.Nested(GroupMemberSchema))
    score = ma.fields.Float()


class ProfileIdsSchema(ma.Schema):
    profile_ids = ma.fields.List(IdField(), required=True, validate=ma.validate.Length(min=1, max=MAX_GROUP))


class SelectionArgsSchema(ma.Schema):
    profile_ids = ma.fields.List(IdField(), required=True, validate=ma.validate.Length(max=MAX_SELECTIONS))


class InvitationSchema(ma.Schema):
    id = ma.fields.Integer()
    event_id = ma.fields.Integer()
    profile_id = ma.fields.Integer(allow_none=True)
    status = ma.fields.Enum(InvitationStatus, by_value=True)
    expires_at = ma.fields.DateTime()
    responded_at = ma.fields.DateTime(allow_none=True)
    created_at = ma.fields.DateTime()


class InvitationListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(InvitationSchema))


class MyInvitationSchema(InvitationSchema):
    """One of your invitations with its event (`status`: pending, accepted, declined, expired,
    cancelled; a pending one past `expires_at` is expired)."""

    status = ma.fields.String()
    event = ma.fields.Nested(EventDetailSchema)


class CheckinArgsSchema(ma.Schema):
    profile_id = IdField(required=True)


class CheckinSchema(ma.Schema):
    event_id = ma.fields.Integer()
    profile_id = ma.fields.Integer()
    checked_in_at = ma.fields.DateTime()


class EventMatchSchema(ma.Schema):
    match_id = ma.fields.Integer()
    profile = ma.fields.Nested(MatchedProfileSchema)


class SelectionResultSchema(ma.Schema):
    """Your selections at this event, and the mutual ones that became matches."""

    profile_ids = ma.fields.List(ma.fields.Integer())
    matches = ma.fields.List(ma.fields.Nested(EventMatchSchema))


class MetArgsSchema(ma.Schema):
    met = StrictBoolean(required=True)


class MetSchema(ma.Schema):
    match_id = ma.fields.Integer()
    met = ma.fields.Boolean()
    answered_at = ma.fields.DateTime()


class GenderCountSchema(ma.Schema):
    male = ma.fields.Integer()
    female = ma.fields.Integer()


class ReportSignupsSchema(ma.Schema):
    confirmed = ma.fields.Nested(GenderCountSchema)
    waitlisted = ma.fields.Nested(GenderCountSchema)
    cancelled = ma.fields.Integer()


class ReportInvitationsSchema(ma.Schema):
    sent = ma.fields.Integer()
    accepted = ma.fields.Integer()
    declined = ma.fields.Integer()
    expired = ma.fields.Integer()


class ReportAttendanceSchema(ma.Schema):
    checked_in = ma.fields.Integer()


class ReportPersonSchema(ma.Schema):
    """A person at the event as its organizers see them (never the contact)."""

    profile_id = ma.fields.Integer()
    display_name = ma.fields.String(allow_none=True)
    gender = ma.fields.String(allow_none=True)
    age = ma.fields.Integer(allow_none=True)
    org_unit_name = ma.fields.String(allow_none=True)
    #: confirmed | waitlisted | cancelled | invited | declined | expired
    status = ma.fields.String()
    checked_in = ma.fields.Boolean()


class FormatArgsSchema(ma.Schema):
    format = Text(load_default="json", validate=ma.validate.OneOf(["json", "csv"]))


class SignupListArgsSchema(FormatArgsSchema):
    #: part of the display name (ignoring case): check-in by name
    q = Text(max_len=40)
    status = Text(validate=ma.validate.OneOf(["confirmed", "waitlisted", "invited"]))


class EventReportSchema(ma.Schema):
    signups = ma.fields.Nested(ReportSignupsSchema)
    invitations = ma.fields.Nested(ReportInvitationsSchema)
    attendance = ma.fields.Nested(ReportAttendanceSchema)
    selections = ma.fields.Integer()
    matches = ma.fields.Integer()
    people = ma.fields.List(ma.fields.Nested(ReportPersonSchema))
