"""The consoles in a real Chromium (desktop width for the consoles, a phone for members and the
door): the review journey and the events journey, end to end through the pages.

These two journeys also run on PostgreSQL in CI. Screenshots (MATCHSVC_SCREENSHOTS=1) go to
docs/screenshots/.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from matchsvc.accounts import service as accounts
from matchsvc.core.clock import utcnow
from matchsvc.extensions import db
from matchsvc.profiles.models import Profile, ProfileStatus
from matchsvc.reviews import service as reviews

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
    reviewer = make.account("reviewer", "admin", unit=east)
    # something in the audit log to read: a decision and an account disabled
    _, pending = make.member(unit=team, approved=False, pending=True, display_name="赵三")
    reviews.decide(actor=reviewer, profile_id=pending.id, decision="approve", note=None)
    leaver = make.account(unit=team)
    accounts.set_disabled(actor=reviewer, account_id=leaver.id, disabled=True)
    db.session.commit()
    desk = open_as(reviewer)
    desk.goto("/review/audit")
    log = desk.locator("main").inner_text()
    assert f"资料 #{pending.id}" in log and f"账号 #{leaver.id}" in log and reviewer.username in log
    for path, name in (("/review/reports", "review-reports"), ("/review/members", "review-members"),
                       ("/review/audit", "review-audit"),
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


def _place(event_id: int, profile_id: int) -> str | None:
    from matchsvc.events.service.common import seat_status_of

    db.session.expire_all()
    return seat_status_of(event_id, profile_id, now=utcnow())


def _local(delta: timedelta) -> str:
    return (utcnow() + delta).astimezone(ZoneInfo("Asia/Shanghai")).strftime("%Y-%m-%dT%H:%M")


def test_events_journey(open_as, make):
    """An organizer creates an event, takes a proposed group and invites it; the invitees accept;
    they are checked in at the door (one wrong tap undone); after the event their picks of each
    other become a match."""
    from matchsvc.events.models import Event, Invitation
    from matchsvc.interactions.models import Match

    east = make.unit("东区工会")
    organizer = make.account("organizer", unit=east)
    people = {}
    for name, gender in (("周明", "male"), ("吴刚", "male"), ("郑丽", "female"), ("王芳", "female")):
        account, profile = make.member(unit=east, gender=gender, display_name=name,
                                       seeking_gender="female" if gender == "male" else "male",
                                       interests=[{"tag": "读书", "weight": 5}], intro="喜欢读书和咖啡")
        people[name] = (account, profile)

    desk = open_as(organizer)
    desk.goto("/organize/events/new")
    desk.locator("#f-title").fill("周五读书夜")
    desk.locator("#f-description").fill("带一本最近在读的书，和大家聊聊。")
    desk.locator("#f-tags").fill("读书，咖啡")
    desk.locator("#f-location").fill("市图书馆三楼")
    # check-in opens an hour before the start: this one starts in 50 minutes
    desk.locator("#f-starts_at").fill(_local(timedelta(minutes=50)))
    desk.locator("#f-ends_at").fill(_local(timedelta(hours=3)))
    desk.locator("#f-signup_deadline").fill(_local(timedelta(minutes=40)))
    desk.locator("#f-capacity").fill("4")
    desk.locator("#f-quota_male").fill("2")
    desk.locator("#f-quota_female").fill("2")
    desk.locator("#f-org_unit_ids").select_option(str(east.id))
    screenshot(desk, "organize-new-event")
    desk.locator("main form button[type=submit]").last.click()
    desk.wait_for_url("**/organize/events/*")
    event_id = int(desk.url.rstrip("/").rsplit("/", 1)[1])
    assert db.session.get(Event, event_id).title == "周五读书夜"

    desk.locator("#f-size").fill("4")
    desk.locator("#proposal form.filters button").click()
    desk.wait_for_url("**/proposal?size=4*")
    boxes = desk.locator('input[name="profile_ids"]')
    assert boxes.count() == 4
    screenshot(desk, "organize-event-proposal")
    # keep one man and one woman: untick 吴刚 and 王芳
    for name in ("吴刚", "王芳"):
        desk.locator(f'#pick-{people[name][1].id}').uncheck()
    desk.locator('#proposal form[method="post"] button[type=submit]').click()
    desk.wait_for_url(f"**/organize/events/{event_id}")
    invited = set(db.session.scalars(sa.select(Invitation.profile_id).where(Invitation.event_id == event_id)))
    assert invited == {people["周明"][1].id, people["郑丽"][1].id}

    desk.goto("/organize/events")
    assert desk.locator("table tbody tr", has_text="周五读书夜").count() == 1
    assert_fits(desk)
    screenshot(desk, "organize-events")

    phones = {}
    for name in ("周明", "郑丽"):
        phone = phones[name] = open_as(people[name][0], desktop=False)
        phone.goto(f"/events/{event_id}")
        if name == "周明":
            assert_fits(phone)
            screenshot(phone, "event-invitation-phone")
        phone.locator('main form[action$="/accept"] button').click()
        phone.wait_for_url(f"**/events/{event_id}")
        assert _place(event_id, people[name][1].id) == "confirmed"
    phones["郑丽"].goto("/events")
    assert "周五读书夜" in phones["郑丽"].locator("main").inner_text()
    assert_fits(phones["郑丽"])
    screenshot(phones["郑丽"], "events-phone")

    door = open_as(organizer, desktop=False)
    door.goto(f"/organize/events/{event_id}/checkin")
    door.locator("#q").fill("周")
    door.locator("form[role=search] button").click()
    row = door.locator(f"#checkin-{people['周明'][1].id}")
    assert door.locator(".checkin-row").count() == 1
    row.locator("button").click()  # htmx: the row swaps to "checked in"
    door.locator(f"#checkin-{people['周明'][1].id}.done").wait_for()
    door.locator(f"#checkin-{people['周明'][1].id} button").click()  # a wrong tap: undo
    door.locator(f"#checkin-{people['周明'][1].id}:not(.done)").wait_for()
    door.locator(f"#checkin-{people['周明'][1].id} button").click()
    door.locator(f"#checkin-{people['周明'][1].id}.done").wait_for()
    door.goto(f"/organize/events/{event_id}/checkin")
    door.locator(f"#checkin-{people['郑丽'][1].id} button").click()
    door.locator(f"#checkin-{people['郑丽'][1].id}.done").wait_for()
    assert_fits(door)
    screenshot(door, "organize-checkin-phone")

    # time passes: the event has started (picks are open from the start)
    event = db.session.get(Event, event_id)
    now = utcnow()
    event.signup_deadline, event.starts_at, event.ends_at = (now - timedelta(hours=1), now - timedelta(minutes=30),
                                                            now + timedelta(hours=1))
    db.session.commit()
    for name, other in (("周明", "郑丽"), ("郑丽", "周明")):
        phone = phones[name]
        phone.goto(f"/events/{event_id}/picks")
        phone.locator(f"#pick-{people[other][1].id}").check()
        if name == "郑丽":
            assert_fits(phone)
            screenshot(phone, "event-picks-phone")
        phone.locator(f'main form[action="/events/{event_id}/picks"] button[type=submit]').click()
        phone.wait_for_url(f"**/events/{event_id}/picks")
    pair = sorted((people["周明"][1].id, people["郑丽"][1].id))
    match = db.session.scalar(sa.select(Match).where(Match.low_id == pair[0], Match.high_id == pair[1]))
    assert match is not None and match.source.value == "event" and match.event_id == event_id

    desk.goto(f"/organize/events/{event_id}")
    assert desk.locator("main").inner_text().count("✓") == 2
    assert_fits(desk)
    screenshot(desk, "organize-event")
