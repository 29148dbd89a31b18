"""Statistics: the query and the JSON shape (the CSV form is one tidy table of the same numbers)."""

from __future__ import annotations

import re

import marshmallow as ma

from matchsvc.core.i18n import _
from matchsvc.core.schemas import Text

_MONTH = re.compile(r"^([0-9]{4})-(0[1-9]|1[0-2])\Z")
#: Years a report can name: the service's data starts long after the first and ends long before
#: the last (year 0 or 9999 would overflow the date arithmetic of a period).
YEARS = (1900, 2999)
#: The longest period one request may ask for.
MAX_MONTHS = 120


def MONTH(value: str) -> None:  # noqa: N802 - used like the validator constant it replaced
    """A month as YYYY-MM within ``YEARS``."""
    match = _MONTH.match(value)
    if not match:
        raise ma.ValidationError(_("A month is YYYY-MM."))
    if not YEARS[0] <= int(match.group(1)) <= YEARS[1]:
        raise ma.ValidationError(_("The year must be from %(first)d to %(last)d.", first=YEARS[0], last=YEARS[1]))


class StatsArgsSchema(ma.Schema):
    month_from = Text(data_key="from", validate=MONTH, load_default=None,
                                  metadata={"description": "first month, YYYY-MM (default: eleven months before `to`)"})
    month_to = Text(data_key="to", validate=MONTH, load_default=None,
                                metadata={"description": "last month, YYYY-MM (default: this month); not before "
                                                         f"`from`, and at most {MAX_MONTHS} months from `from` (422)"})
    format = Text(load_default="json", validate=ma.validate.OneOf(["json", "csv"]),
                              metadata={"description": "`csv`: one tidy table (metric, org_unit, month, value), "
                                                       "UTF-8 with a byte-order mark"})


def _statuses() -> ma.fields.Dict:
    return ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Integer())


class ScopeSchema(ma.Schema):
    org_unit_id = ma.fields.Integer(allow_none=True)
    name = ma.fields.String(allow_none=True)


class PeriodSchema(ma.Schema):
    from_ = ma.fields.String(data_key="from", attribute="from")
    to = ma.fields.String()


class UnitProfilesSchema(ma.Schema):
    org_unit_id = ma.fields.Integer()
    name = ma.fields.String()
    by_status = _statuses()
    total = ma.fields.Integer()


class ProfileCountsSchema(ma.Schema):
    by_status = _statuses()
    total = ma.fields.Integer()
    by_org_unit = ma.fields.List(ma.fields.Nested(UnitProfilesSchema))


class ReviewCountsSchema(ma.Schema):
    decisions = ma.fields.Integer()
    by_decision = _statuses()
    median_review_seconds = ma.fields.Float(allow_none=True)


class MatchCountsSchema(ma.Schema):
    by_source = _statuses()
    total = ma.fields.Integer()


class EventCountsSchema(ma.Schema):
    held = ma.fields.Integer()
    cancelled = ma.fields.Integer()
    upcoming = ma.fields.Integer()


class AttendanceSchema(ma.Schema):
    confirmed = ma.fields.Integer()
    checked_in = ma.fields.Integer()
    rate = ma.fields.Float(allow_none=True)


class MonthSchema(ma.Schema):
    month = ma.fields.String()
    #: profiles last submitted for review in this month
    applications = ma.fields.Integer()
    reviews = ma.fields.Integer()
    approvals = ma.fields.Integer()
    median_review_seconds = ma.fields.Float(allow_none=True)
    matches = _statuses()
    events_held = ma.fields.Integer()
    confirmed = ma.fields.Integer()
    checked_in = ma.fields.Integer()
    attendance_rate = ma.fields.Float(allow_none=True)


class UnitActivitySchema(ma.Schema):
    """One org unit's own members over the period (not its sub-units')."""

    org_unit_id = ma.fields.Integer()
    name = ma.fields.String()
    applications = ma.fields.Integer()
    approvals = ma.fields.Integer()
    #: matches with a member of this unit
    matches = ma.fields.Integer()
    confirmed = ma.fields.Integer()
    checked_in = ma.fields.Integer()
    attendance_rate = ma.fields.Float(allow_none=True)


class StatsSchema(ma.Schema):
    scope = ma.fields.Nested(ScopeSchema)
    period = ma.fields.Nested(PeriodSchema)
    profiles = ma.fields.Nested(ProfileCountsSchema)
    reviews = ma.fields.Nested(ReviewCountsSchema)
    matches = ma.fields.Nested(MatchCountsSchema)
    events = ma.fields.Nested(EventCountsSchema)
    attendance = ma.fields.Nested(AttendanceSchema)
    months = ma.fields.List(ma.fields.Nested(MonthSchema))
    by_org_unit = ma.fields.List(ma.fields.Nested(UnitActivitySchema))
