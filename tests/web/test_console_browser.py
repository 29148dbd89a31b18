"""The consoles in a real Chromium (desktop width for the consoles, a phone for members and the
door): the review journey and the events journey, end to end through the pages.

These two journeys also run on PostgreSQL in CI. Screenshots (MATCHSVC_SCREENSHOTS=1) go to
docs/screenshots/.
"""

from __future__ import annotations

from typing import Any

import pytest

from matchsvc.core.clock import utcnow
from matchsvc.extensions import db
from matchsvc.profiles.models import Profile, ProfileStatus

from tests.factories import PASSWORD
from tests.web.conftest import PageWatch, assert_fits, screenshot

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def open_as(chromium: Any, live_server: str) -> Any:
    """``open_as(account, desktop=True)``: a signed-in page of its own browser context. The test
    fails if any page of any context misbehaved (page error, console error, other origin, 5xx)."""
    contexts: list[tuple[Any, PageWatch]] = []

    def opener(account: Any, *, desktop: bool = True) -> Any:
        watch = PageWatch(live_server)
        context = chromium.new_context(viewport=DESKTOP if desktop else PHONE, locale="zh-CN",
                                       device_scale_factor=1, base_url=live_server)
        context.on("page", watch.attach)
        contexts.append((context, watch))
        page = context.new_page()
        page.goto("/login")
        page.locator("#f-username").fill(account.username)
        page.locator("#f-password").fill(PASSWORD)
        page.locator("main form button[type=submit]").click()
        page.wait_for_url("**/")
        return page

    yield opener
    problems = [p for _, watch in contexts for p in watch.problems]
    for context, _ in contexts:
        context.close()
    assert not problems, "\n".join(problems)


def _status(profile_id: int) -> ProfileStatus:
    db.session.expire_all()
    return db.session.get(Profile, profile_id).status


def test_review_journey(open_as, make):
    """A reviewer sees a submitted profile and asks for a change; the member fixes it and submits
    again; the reviewer approves it."""
    east = make.unit("东区工会")
    member, profile = make.account(unit=east), None
    profile = make.profile(member, pending=True, display_name="林小雨", intro="喜欢爬山")
    reviewer = make.account("reviewer", unit=east)

    desk = open_as(reviewer)
    desk.goto("/review/queue")
    assert desk.locator("h1").inner_text()
    row = desk.locator("table tbody tr", has_text="林小雨")
    assert row.count() == 1 and "东区工会" in row.inner_text()
    assert_fits(desk)
    screenshot(desk, "review-queue")
    row.locator("a").first.click()
    desk.wait_for_url(f"**/review/profiles/{profile.id}")
    screenshot(desk, "review-profile")
    desk.locator("#f-note").fill("请补充一段自我介绍，至少写写工作和爱好。")
    desk.locator('#decision button[value="request_changes"]').click()  # htmx swaps the panel
    desk.locator("#decision .flash").wait_for()
    assert _status(profile.id) is ProfileStatus.changes_requested

    phone = open_as(member, desktop=False)
    phone.goto("/profile")
    assert "请补充一段自我介绍" in phone.locator("main").inner_text()
    phone.locator("#f-intro").fill("在区政府工作，周末喜欢爬山和读书。")
    phone.locator('main form[action="/profile"] button[type=submit]').last.click()
    phone.wait_for_url("**/profile")
    phone.locator('form[action="/profile/submit"] button').click()
    phone.wait_for_url("**/profile")
    assert _status(profile.id) is ProfileStatus.pending

    desk.goto(f"/review/profiles/{profile.id}")
    assert "周末喜欢爬山和读书" in desk.locator("main").inner_text()
    desk.locator('#decision button[value="approve"]').click()
    desk.locator("#decision .flash").wait_for()
    assert _status(profile.id) is ProfileStatus.approved
    desk.goto("/review/queue")
    assert desk.locator("table tbody tr", has_text="林小雨").count() == 0


def test_review_console_pages_at_desktop_width(open_as, make):
    """The reports, audit and statistics pages render (charts included) and fit."""
    from matchsvc.interactions.models import Report

    east = make.unit("东区工会")
    team = make.unit("东区一队", parent=east)
    _, reported = make.member(unit=team, display_name="王一")
    _, reporter = make.member(unit=east, gender="male", display_name="李二")
    db.session.add(Report(reporter_id=reporter.id, profile_id=reported.id, reason="资料与本人不符",
                          created_at=utcnow()))
    db.session.commit()
    desk = open_as(make.account("reviewer", "admin", unit=east))
    for path, name in (("/review/reports", "review-reports"), ("/review/audit", "review-audit"),
                       ("/review/stats", "review-stats"), ("/admin/units", "admin-units"),
                       ("/admin/accounts", "admin-accounts")):
        desk.goto(path)
        assert desk.locator("h1").count() == 1
        assert_fits(desk)
        screenshot(desk, name)
    desk.goto("/review/stats")
    assert desk.locator("svg.chart").count() >= 2


def test_every_console_page_fits_a_phone(open_as, make):
    """Desktop first, but usable at 390 px: no page scrolls sideways (wide tables scroll inside
    their box)."""
    from matchsvc.events.models import Signup, SignupStatus

    from tests.factories import EventFactory

    east = make.unit("东区工会委员会机关第一党支部工会小组")
    staff = make.account("reviewer", "organizer", "admin", unit=east)
    pending = make.profile(make.account(unit=east), pending=True, display_name="一个名字很长很长的会员朋友")
    event = EventFactory(soon=True, org_units=[east], created_by=staff.id, title="周末一起去郊外爬山看日出的联谊活动")
    _, anna = make.member(unit=east, display_name="安娜")
    db.session.add(Signup(event_id=event.id, profile_id=anna.id, gender=anna.gender, status=SignupStatus.confirmed,
                          confirmed_at=utcnow()))
    db.session.commit()
    phone = open_as(staff, desktop=False)
    for path in ("/review/queue", f"/review/profiles/{pending.id}", "/review/reports", "/review/members",
                 "/review/audit", "/review/stats", "/organize/events", "/organize/events/new",
                 f"/organize/events/{event.id}", f"/organize/events/{event.id}/proposal?size=4",
                 f"/organize/events/{event.id}/checkin", "/admin/units", "/admin/accounts"):
        phone.goto(path)
        assert_fits(phone)
