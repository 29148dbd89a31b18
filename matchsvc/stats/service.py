"""Counts for the union's reports: profiles by status and org unit, review times, matches, events
and attendance, month by month; as JSON or as one tidy CSV table.

Months are calendar months in UTC. Admins see everything; a reviewer sees their own unit and the
units below it: profiles and reviews of those units, matches with at least one member there, and
events open to one of them. Profiles are counted as they stand now; everything else within the
months asked for (the last twelve by default).
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from datetime import datetime, timezone
from typing import Any

import sqlalchemy as sa

from matchsvc.accounts.models import Account, Role
from matchsvc.core.clock import utcnow
from matchsvc.core.i18n import _
from matchsvc.core.csvfile import to_csv
from matchsvc.errors import Forbidden, ValidationFailed
from matchsvc.events.models import Event, EventStatus, EventUnit, Signup, SignupStatus
from matchsvc.extensions import db
from matchsvc.interactions.models import Match, MatchSource
from matchsvc.orgs import service as orgs
from matchsvc.orgs.models import OrgUnit
from matchsvc.profiles.models import Profile, ProfileStatus
from matchsvc.reviews.models import AuditEntry
from matchsvc.stats.schemas import MAX_MONTHS

DECISIONS = ("approve", "reject", "request_changes")
CSV_COLUMNS = ("metric", "org_unit", "month", "value")


def _month(at: datetime) -> str:
    return f"{at.year:04d}-{at.month:02d}"


def _parse(month: str) -> tuple[int, int]:
    year, mon = month.split("-")
    return int(year), int(mon)


def _months(first: str, last: str) -> list[str]:
    y, m = _parse(first)
    out = []
    while f"{y:04d}-{m:02d}" <= last:
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def _start_of(month: str) -> datetime:
    y, m = _parse(month)
    return datetime(y, m, 1, tzinfo=timezone.utc)


def _after(month: str) -> datetime:
    y, m = _parse(month)
    return datetime(y + 1, 1, 1, tzinfo=timezone.utc) if m == 12 else datetime(y, m + 1, 1, tzinfo=timezone.utc)


def _period(month_from: str | None, month_to: str | None) -> list[str]:
    last = month_to or _month(utcnow())
    if month_from is None:
        y, m = _parse(last)
        y, m = (y - 1, m + 1) if m < 12 else (y, 1)
        first = f"{y:04d}-{m:02d}"
    else:
        first = month_from
    if first > last:
        raise ValidationFailed("The period ends before it starts.", errors={"to": ["Must not be before from."]})
    months = _months(first, last)
    if len(months) > MAX_MONTHS:
        raise ValidationFailed("The period is too long.", errors={"from": [_("At most %(count)d months.", count=MAX_MONTHS)]})
    return months


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _median(values: list[float]) -> float | None:
    return round(float(statistics.median(values)), 1) if values else None


def statistics_for(*, actor: Account, month_from: str | None = None, month_to: str | None = None) -> dict[str, Any]:
    """The statistics an admin (everything) or a reviewer (their scope) may see; Forbidden for
    anyone else; ValidationFailed (422) for a period that ends before it starts or is too long."""
    if actor.has_role(Role.admin):
        scope = None
    elif actor.has_role(Role.reviewer):
        scope = actor.org_unit_id
    else:
        raise Forbidden("Statistics are for admins and reviewers.", code="role_required")
    months = _period(month_from, month_to)
    start, end = _start_of(months[0]), _after(months[-1])

    def in_scope(column: Any) -> Any:
        return sa.true() if scope is None else orgs.subtree_clause(scope, column)

    per_month: dict[str, dict[str, Any]] = {m: {"month": m} for m in months}
    data: dict[str, Any] = {
        "scope": _scope(scope),
        "period": {"from": months[0], "to": months[-1]},
        "profiles": _profiles(in_scope),
        "reviews": _reviews(in_scope, start, end, per_month),
        "matches": _matches(in_scope, start, end, per_month),
    }
    data.update(_events(in_scope, start, end, per_month))
    _applications(in_scope, start, end, per_month)
    data["months"] = list(per_month.values())
    data["by_org_unit"] = _by_unit(in_scope, start, end)
    return data


def _applications(in_scope: Any, start: datetime, end: datetime, per_month: dict[str, dict[str, Any]]) -> None:
    """Applications per month: profiles whose latest submission for review falls in the month
    (a profile counts once, in the month it was last submitted)."""
    rows = db.session.scalars(sa.select(Profile.submitted_at).join(Account, Account.id == Profile.account_id).where(
        Profile.submitted_at >= start, Profile.submitted_at < end, in_scope(Account.org_unit_id))).all()
    counts = Counter(_month(at) for at in rows)
    for month, bucket in per_month.items():
        bucket["applications"] = counts[month]


def _by_unit(in_scope: Any, start: datetime, end: datetime) -> list[dict[str, Any]]:
    """The period's applications, approvals, matches and attendance per org unit in scope (a
    unit's own members, not its sub-units'; a match counts for the unit of each of its two
    members, once per unit)."""
    units = db.session.execute(sa.select(OrgUnit.id, OrgUnit.name).where(in_scope(OrgUnit.id))
                               .order_by(OrgUnit.path, OrgUnit.id)).all()
    out = {uid: {"org_unit_id": uid, "name": name, "applications": 0, "approvals": 0, "matches": 0,
                 "confirmed": 0, "checked_in": 0, "attendance_rate": None} for uid, name in units}
    unit_of = sa.select(Account.org_unit_id).where(Account.id == Profile.account_id).scalar_subquery()
    for uid, count in db.session.execute(
            sa.select(Account.org_unit_id, sa.func.count(Profile.id)).join(Account, Account.id == Profile.account_id)
            .where(Profile.submitted_at >= start, Profile.submitted_at < end).group_by(Account.org_unit_id)):
        if uid in out:
            out[uid]["applications"] = count
    for uid, count in db.session.execute(
            sa.select(AuditEntry.org_unit_id, sa.func.count(AuditEntry.id)).where(
                AuditEntry.action == "approve", AuditEntry.at >= start, AuditEntry.at < end)
            .group_by(AuditEntry.org_unit_id)):
        if uid in out:
            out[uid]["approvals"] = count
    pairs = db.session.execute(sa.select(Match.id, Profile.id, unit_of).join(
        Profile, sa.or_(Profile.id == Match.low_id, Profile.id == Match.high_id)).where(
        Match.created_at >= start, Match.created_at < end)).all()
    for match_id, uid in {(match_id, uid) for match_id, _, uid in pairs}:
        if uid in out:
            out[uid]["matches"] += 1
    now = utcnow()
    held = sa.select(Event.id).where(Event.starts_at >= start, Event.starts_at < end, Event.ends_at <= now,
                                     Event.status == EventStatus.published)
    for uid, confirmed, came in db.session.execute(
            sa.select(Account.org_unit_id, sa.func.count(Signup.id), sa.func.count(Signup.checked_in_at))
            .join(Profile, Profile.id == Signup.profile_id).join(Account, Account.id == Profile.account_id)
            .where(Signup.event_id.in_(held), Signup.status == SignupStatus.confirmed)
            .group_by(Account.org_unit_id)):
        if uid in out:
            out[uid].update(confirmed=confirmed, checked_in=came, attendance_rate=_rate(came, confirmed))
    return list(out.values())


def _scope(scope: int | None) -> dict[str, Any]:
    if scope is None:
        return {"org_unit_id": None, "name": None}
    unit = db.session.get(OrgUnit, scope)
    return {"org_unit_id": scope, "name": unit.name if unit else None}


def _profiles(in_scope: Any) -> dict[str, Any]:
    rows = db.session.execute(
        sa.select(OrgUnit.id, OrgUnit.name, OrgUnit.path, Profile.status, sa.func.count(Profile.id))
        .join(Account, Account.org_unit_id == OrgUnit.id).join(Profile, Profile.account_id == Account.id)
        .where(in_scope(OrgUnit.id)).group_by(OrgUnit.id, OrgUnit.name, OrgUnit.path, Profile.status)).all()
    total = {s.value: 0 for s in ProfileStatus}
    units: dict[int, dict[str, Any]] = {}
    paths: dict[int, str] = {}
    for unit_id, name, path, status, count in rows:
        unit = units.setdefault(unit_id, {"org_unit_id": unit_id, "name": name,
                                          "by_status": {s.value: 0 for s in ProfileStatus}, "total": 0})
        paths[unit_id] = path
        unit["by_status"][status.value] += count
        unit["total"] += count
        total[status.value] += count
    return {"by_status": total, "total": sum(total.values()),
            "by_org_unit": [units[u] for u in sorted(units, key=lambda u: (paths[u], u))]}


def _reviews(in_scope: Any, start: datetime, end: datetime, per_month: dict[str, dict[str, Any]]) -> dict[str, Any]:
    rows = db.session.execute(sa.select(AuditEntry.at, AuditEntry.action, AuditEntry.detail).where(
        AuditEntry.action.in_(DECISIONS), AuditEntry.at >= start, AuditEntry.at < end,
        in_scope(AuditEntry.org_unit_id))).all()
    seconds: dict[str, list[float]] = defaultdict(list)
    decisions: dict[str, Counter[str]] = defaultdict(Counter)
    for at, action, detail in rows:
        month = _month(at)
        decisions[month][action] += 1
        waited = (detail or {}).get("review_seconds")
        if isinstance(waited, (int, float)) and not isinstance(waited, bool):
            seconds[month].append(float(waited))
    for month, bucket in per_month.items():
        bucket["reviews"] = sum(decisions[month].values())
        bucket["approvals"] = decisions[month]["approve"]
        bucket["median_review_seconds"] = _median(seconds[month])
    everything = Counter[str]()
    for counter in decisions.values():
        everything.update(counter)
    return {"decisions": sum(everything.values()), "by_decision": {d: everything[d] for d in DECISIONS},
            "median_review_seconds": _median([s for values in seconds.values() for s in values])}


def _matches(in_scope: Any, start: datetime, end: datetime, per_month: dict[str, dict[str, Any]]) -> dict[str, Any]:
    members = sa.select(Profile.id).join(Account, Account.id == Profile.account_id).where(in_scope(Account.org_unit_id))
    rows = db.session.execute(sa.select(Match.source, Match.created_at).where(
        Match.created_at >= start, Match.created_at < end,
        sa.or_(Match.low_id.in_(members), Match.high_id.in_(members)))).all()
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for source, at in rows:
        counts[_month(at)][source.value] += 1
    for month, bucket in per_month.items():
        bucket["matches"] = {s.value: counts[month][s.value] for s in MatchSource}
    return {"by_source": {s.value: sum(c[s.value] for c in counts.values()) for s in MatchSource}, "total": len(rows)}


def _events(in_scope: Any, start: datetime, end: datetime, per_month: dict[str, dict[str, Any]]) -> dict[str, Any]:
    now = utcnow()
    open_here = sa.exists().where(EventUnit.event_id == Event.id, in_scope(EventUnit.org_unit_id))
    events = db.session.execute(sa.select(Event.id, Event.starts_at, Event.ends_at, Event.status).where(
        Event.starts_at >= start, Event.starts_at < end, open_here)).all()
    held = {eid: _month(starts) for eid, starts, ends, status in events
            if status is EventStatus.published and ends <= now}
    attendance = db.session.execute(
        sa.select(Signup.event_id, sa.func.count(Signup.id), sa.func.count(Signup.checked_in_at))
        .where(Signup.event_id.in_(list(held)), Signup.status == SignupStatus.confirmed)
        .group_by(Signup.event_id)).all() if held else []
    confirmed: Counter[str] = Counter()
    checked_in: Counter[str] = Counter()
    for event_id, count, came in attendance:
        confirmed[held[event_id]] += count
        checked_in[held[event_id]] += came
    by_month = Counter(held.values())
    for month, bucket in per_month.items():
        bucket["events_held"] = by_month[month]
        bucket["confirmed"] = confirmed[month]
        bucket["checked_in"] = checked_in[month]
        bucket["attendance_rate"] = _rate(checked_in[month], confirmed[month])
    return {
        "events": {"held": len(held), "cancelled": sum(1 for e in events if e.status is EventStatus.cancelled),
                   "upcoming": sum(1 for e in events if e.status is EventStatus.published and e.ends_at > now)},
        "attendance": {"confirmed": sum(confirmed.values()), "checked_in": sum(checked_in.values()),
                       "rate": _rate(sum(checked_in.values()), sum(confirmed.values()))},
    }


def tidy_rows(data: dict[str, Any]) -> list[tuple[str, str, str, Any]]:
    """The statistics as (metric, org_unit, month, value) rows. An empty org_unit means the whole
    scope; an empty month the whole period (for profiles: as they stand now)."""
    rows: list[tuple[str, str, str, Any]] = []
    for status, count in data["profiles"]["by_status"].items():
        rows.append((f"profiles_{status}", "", "", count))
    for unit in data["profiles"]["by_org_unit"]:
        for status, count in unit["by_status"].items():
            rows.append((f"profiles_{status}", unit["name"], "", count))
    totals = [
        ("reviews", data["reviews"]["decisions"]),
        *((f"reviews_{d}", n) for d, n in data["reviews"]["by_decision"].items()),
        ("median_review_seconds", data["reviews"]["median_review_seconds"]),
        *((f"matches_{s}", n) for s, n in data["matches"]["by_source"].items()),
        ("events_held", data["events"]["held"]),
        ("events_cancelled", data["events"]["cancelled"]),
        ("attendance_confirmed", data["attendance"]["confirmed"]),
        ("attendance_checked_in", data["attendance"]["checked_in"]),
        ("attendance_rate", data["attendance"]["rate"]),
    ]
    rows.extend((metric, "", "", value) for metric, value in totals)
    for bucket in data["months"]:
        month = bucket["month"]
        monthly = [("applications", bucket["applications"]),
                   ("reviews", bucket["reviews"]), ("approvals", bucket["approvals"]),
                   ("median_review_seconds", bucket["median_review_seconds"]),
                   *((f"matches_{s}", n) for s, n in bucket["matches"].items()),
                   ("events_held", bucket["events_held"]), ("attendance_confirmed", bucket["confirmed"]),
                   ("attendance_checked_in", bucket["checked_in"]), ("attendance_rate", bucket["attendance_rate"])]
        rows.extend((metric, "", month, value) for metric, value in monthly)
    for unit in data["by_org_unit"]:
        for metric in ("applications", "approvals", "matches"):
            rows.append((metric, unit["name"], "", unit[metric]))
        rows.append(("attendance_confirmed", unit["name"], "", unit["confirmed"]))
        rows.append(("attendance_checked_in", unit["name"], "", unit["checked_in"]))
        rows.append(("attendance_rate", unit["name"], "", unit["attendance_rate"]))
    return rows


def statistics_csv(*, actor: Account, month_from: str | None = None, month_to: str | None = None) -> str:
    """:func:`statistics_for` as one tidy CSV table (UTF-8 with a byte-order mark, so that Excel
    reads the Chinese unit names right). A value that cannot be computed (no data) is empty."""
    data = statistics_for(actor=actor, month_from=month_from, month_to=month_to)
    return to_csv(CSV_COLUMNS, tidy_rows(data))
