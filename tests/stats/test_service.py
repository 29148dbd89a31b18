"""Statistics: the numbers, the scope, the period, the tidy table."""

from __future__ import annotations

import csv
import io

import pytest

from matchsvc.errors import Forbidden, ValidationFailed
from matchsvc.stats import service

from tests.stats.conftest import label, month_start


def test_admin_sees_everything(make, union):
    data = service.statistics_for(actor=make.account("admin"))
    assert data["scope"] == {"org_unit_id": None, "name": None}
    assert data["period"] == {"from": label(month_start(11)), "to": union.this}
    assert data["profiles"]["by_status"] == {"draft": 1, "pending": 1, "approved": 4, "rejected": 0,
                                             "changes_requested": 0, "paused": 0, "suspended": 0}
    units = {u["name"]: (u["by_status"]["approved"], u["total"]) for u in data["profiles"]["by_org_unit"]}
    assert units == {"东区工会": (1, 2), "=SUM(A1)": (1, 1), "西区妇联": (2, 3)}
    assert data["reviews"] == {"decisions": 5, "by_decision": {"approve": 3, "reject": 1, "request_changes": 1},
                               "median_review_seconds": 200.0}
    assert data["matches"] == {"by_source": {"like": 2, "event": 1}, "total": 3}
    assert data["events"]["held"] == 2 and data["events"]["cancelled"] == 1
    assert data["attendance"] == {"confirmed": 4, "checked_in": 3, "rate": 0.75}
    assert len(data["months"]) == 12
    months = {m["month"]: m for m in data["months"]}
    assert (months[union.last]["reviews"], months[union.last]["approvals"],
            months[union.last]["median_review_seconds"]) == (2, 1, 200.0)
    assert (months[union.this]["reviews"], months[union.this]["median_review_seconds"]) == (3, 275.0)
    assert months[union.last]["matches"] == {"like": 1, "event": 0}
    assert months[union.this]["matches"] == {"like": 1, "event": 1}
    held_in = months[label(union.held.starts_at)]
    assert (held_in["events_held"], held_in["confirmed"], held_in["checked_in"]) == (2, 4, 3)
    assert held_in["attendance_rate"] == 0.75
    quiet = months[label(month_start(5))]
    assert quiet["attendance_rate"] is None and quiet["median_review_seconds"] is None


def test_reviewer_sees_their_scope(make, union):
    data = service.statistics_for(actor=make.account("reviewer", unit=union.east))
    assert data["scope"] == {"org_unit_id": union.east.id, "name": "东区工会"}
    assert data["profiles"]["by_status"]["approved"] == 2 and data["profiles"]["total"] == 3
    assert [u["name"] for u in data["profiles"]["by_org_unit"]] == ["东区工会", "=SUM(A1)"]
    assert data["reviews"]["decisions"] == 3 and data["reviews"]["median_review_seconds"] == 300.0
    assert data["matches"]["by_source"] == {"like": 1, "event": 1}
    assert data["events"]["held"] == 1 and data["events"]["cancelled"] == 1
    assert data["attendance"] == {"confirmed": 3, "checked_in": 2, "rate": 0.6667}


@pytest.mark.parametrize("roles", [(), ("organizer",)])
def test_others_may_not_see_statistics(make, roles):
    with pytest.raises(Forbidden):
        service.statistics_for(actor=make.account(*roles))


def test_period_filters_and_is_checked(make, union):
    admin = make.account("admin")
    data = service.statistics_for(actor=admin, month_from=label(month_start(14)), month_to=label(month_start(14)))
    assert [m["month"] for m in data["months"]] == [label(month_start(14))]
    assert data["reviews"]["decisions"] == 1 and data["reviews"]["median_review_seconds"] == 9.0
    assert data["matches"]["total"] == 0
    assert data["profiles"]["total"] == 6  # profiles are counted as they stand now
    data = service.statistics_for(actor=admin, month_from="2025-11", month_to="2026-02")
    assert [m["month"] for m in data["months"]] == ["2025-11", "2025-12", "2026-01", "2026-02"]
    with pytest.raises(ValidationFailed) as err:
        service.statistics_for(actor=admin, month_from="2026-05", month_to="2026-04")
    assert "to" in err.value.errors
    with pytest.raises(ValidationFailed):
        service.statistics_for(actor=admin, month_from="2000-01", month_to="2026-04")


def test_csv_is_one_tidy_table_for_a_spreadsheet(make, union):
    text = service.statistics_csv(actor=make.account("admin"))
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:])))
    assert rows[0] == ["metric", "org_unit", "month", "value"]
    assert all(len(r) == 4 for r in rows)
    table = {(m, u, mo): v for m, u, mo, v in rows[1:]}
    assert table[("profiles_approved", "", "")] == "4"
    assert table[("profiles_approved", "西区妇联", "")] == "2"
    assert table[("profiles_approved", "'=SUM(A1)", "")] == "1"
    assert table[("matches_event", "", union.this)] == "1"
    assert table[("median_review_seconds", "", "")] == "200.0"
    assert table[("attendance_rate", "", "")] == "0.75"
    assert table[("attendance_rate", "", label(month_start(5)))] == ""
    assert len(table) == len(rows) - 1


def test_activity_per_unit_and_applications_per_month(make, union):
    data = service.statistics_for(actor=make.account("admin"))
    units = {u["name"]: u for u in data["by_org_unit"]}
    # the root first, parents before children
    assert list(units) == [make.root().name, union.east.name, union.east_team.name, union.west.name]
    east, team, west = units[union.east.name], units[union.east_team.name], units[union.west.name]
    # approvals are the audit's "approve" entries of the period, by the unit they were about
    assert (east["approvals"], team["approvals"], west["approvals"]) == (1, 1, 1)
    # e1 (east) is in two matches, e2 (east team) in one, w1 and w3 (west) in two matches together
    assert (east["matches"], team["matches"], west["matches"]) == (2, 1, 2)
    # the held event: e1 came, e2 did not; the west event: w3 came
    assert (east["confirmed"], east["checked_in"], east["attendance_rate"]) == (1, 1, 1.0)
    assert (team["confirmed"], team["checked_in"], team["attendance_rate"]) == (1, 0, 0.0)
    assert (west["confirmed"], west["checked_in"]) == (2, 2)
    # one pending (e3) and the approved ones made by the factory were submitted this month
    months = {m["month"]: m for m in data["months"]}
    submitted = sum(u["applications"] for u in units.values())
    assert months[union.this]["applications"] == submitted >= 1
    reviewer = service.statistics_for(actor=make.account("reviewer", unit=union.west))
    assert [u["name"] for u in reviewer["by_org_unit"]] == [union.west.name]


def test_csv_has_the_activity_per_unit(make, union):
    text = service.statistics_csv(actor=make.account("admin"))
    table = {(m, u, mo): v for m, u, mo, v in csv.reader(io.StringIO(text[1:]))}
    assert table[("matches", union.east.name, "")] == "2"
    assert table[("attendance_checked_in", union.west.name, "")] == "2"
    assert table[("approvals", "'=SUM(A1)", "")] == "1"
    assert ("applications", "", union.this) in table
