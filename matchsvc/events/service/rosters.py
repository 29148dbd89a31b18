"""What an organizer sees of the people at an event they run: everyone signed up, waitlisted,
invited or checked in, with display name, gender, age and unit (never the contact, never anyone
else), as JSON or as a CSV download."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from matchsvc.accounts.models import Account
from matchsvc.core.clock import age_on, today, utcnow
from matchsvc.core.csvfile import to_csv
from matchsvc.events.models import Event, Invitation, Signup
from matchsvc.events.service.common import get_event, require_manager, seat_status
from matchsvc.extensions import db
from matchsvc.orgs.models import OrgUnit
from matchsvc.profiles.models import Profile

#: Places that put someone on the sign-up list (a declined or expired invitation, a cancelled
#: sign-up do not, unless the person checked in).
ON_THE_LIST = ("confirmed", "waitlisted", "invited")
PERSON_COLUMNS = ("profile_id", "display_name", "gender", "age", "org_unit_name", "status", "checked_in")


@dataclass
class Person:
    profile_id: int
    display_name: str | None
    gender: str | None
    age: int | None
    org_unit_name: str | None
    #: confirmed | waitlisted | cancelled | invited | declined | expired
    status: str | None
    checked_in: bool

    def row(self) -> tuple[Any, ...]:
        return tuple(getattr(self, c) for c in PERSON_COLUMNS)


def people(event: Event, *, now: datetime) -> list[Person]:
    """Everyone with a sign-up or an invitation at ``event`` (members who withdrew their profile
    are not listed), by profile id: three queries whatever the size of the event."""
    signups = {s.profile_id: s for s in db.session.scalars(sa.select(Signup).where(
        Signup.event_id == event.id, Signup.profile_id.is_not(None)))}
    invitations = {i.profile_id: i for i in db.session.scalars(sa.select(Invitation).where(
        Invitation.event_id == event.id, Invitation.profile_id.is_not(None)))}
    ids = sorted(set(signups) | set(invitations))
    if not ids:
        return []
    rows = db.session.execute(
        sa.select(Profile.id, Profile.display_name, Profile.gender, Profile.birth_date, OrgUnit.name)
        .join(Account, Account.id == Profile.account_id).join(OrgUnit, OrgUnit.id == Account.org_unit_id)
        .where(Profile.id.in_(ids))).all()
    on = today()
    found = {r[0]: r for r in rows}
    out = []
    for pid in ids:
        r = found.get(pid)
        if r is None:
            continue
        signup = signups.get(pid)
        out.append(Person(profile_id=pid, display_name=r[1], gender=getattr(r[2], "value", r[2]),
                          age=age_on(r[3], on) if r[3] else None, org_unit_name=r[4],
                          status=seat_status(signup, invitations.get(pid), now=now),
                          checked_in=signup is not None and signup.checked_in_at is not None))
    return out


_ORDER = {"confirmed": 0, "waitlisted": 1, "invited": 2}


def signups(*, actor: Account, event_id: int, q: str | None = None, status: str | None = None) -> list[Person]:
    """The sign-up list of an event the caller runs: everyone confirmed, waitlisted, invited or
    checked in; confirmed first, then by display name. ``q`` keeps those whose display name
    contains it (ignoring case: check-in by name), ``status`` one place.

    NotFound for an unknown event; Forbidden unless the caller runs it.
    """
    event = get_event(event_id)
    require_manager(actor, event)
    listed = [p for p in people(event, now=utcnow()) if p.status in ON_THE_LIST or p.checked_in]
    if q:
        needle = q.casefold()
        listed = [p for p in listed if needle in (p.display_name or "").casefold()]
    if status:
        listed = [p for p in listed if p.status == status]
    listed.sort(key=lambda p: (_ORDER.get(p.status or "", 3), (p.display_name or "").casefold(), p.profile_id))
    return listed


def signups_csv(*, actor: Account, event_id: int, q: str | None = None, status: str | None = None) -> str:
    """:func:`signups` as a CSV download (UTF-8 with a byte-order mark, formula-safe)."""
    return to_csv(PERSON_COLUMNS, (p.row() for p in signups(actor=actor, event_id=event_id, q=q, status=status)))


def report_csv(report: dict[str, Any]) -> str:
    """An event report as CSV: the counts as ``metric, value`` rows, then (after an empty row)
    the people with their places, in the same columns as the sign-up list."""
    counts: list[tuple[str, Any]] = []
    for state in ("confirmed", "waitlisted"):
        for gender, n in report["signups"][state].items():
            counts.append((f"signups_{state}_{gender}", n))
    counts.append(("signups_cancelled", report["signups"]["cancelled"]))
    counts.extend((f"invitations_{k}", v) for k, v in report["invitations"].items())
    counts.append(("checked_in", report["attendance"]["checked_in"]))
    counts.extend((("selections", report["selections"]), ("matches", report["matches"])))
    summary = to_csv(("metric", "value"), counts)
    listed = to_csv(PERSON_COLUMNS, (tuple(p[c] for c in PERSON_COLUMNS) for p in report["people"]))
    return summary + "\r\n" + listed.removeprefix("\ufeff")
