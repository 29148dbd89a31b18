"""Member journeys in a real Chromium at phone width (390 px), against a live server.

A newcomer registers, fills the profile, consents and submits; a reviewer approves (through the
service layer until the reviewer console lands); the member likes someone who already liked them
and both see each other's contact; a member who withdraws vanishes from every list.
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from matchsvc.extensions import db
from matchsvc.interactions import service as interactions
from matchsvc.matching import push
from matchsvc.profiles.models import Profile, ProfileStatus
from matchsvc.reviews import service as reviews
from tests.factories import PASSWORD
from tests.web.conftest import assert_fits, screenshot


def _login(page, username, password=PASSWORD):
    page.goto("/login")
    page.locator("#f-username").fill(username)
    page.locator("#f-password").fill(password)
    page.locator("form[action='/login'] button[type=submit]").click()
    page.wait_for_url("**/")


def test_newcomer_applies_is_approved_and_matches(browser_context, make):
    unit = make.unit("市税务局")
    reviewer = make.account("reviewer", unit=unit)
    # Someone who will be suggested to the newcomer and has already liked... nobody yet.
    him, his_profile = make.member(unit=unit, gender="male", seeking_gender="female",
                                   birth_date=date(1993, 3, 3), display_name="王先生",
                                   contact={"phone": "13900139000"})

    page = browser_context.new_page()
    page.goto("/register")
    assert_fits(page)
    screenshot(page, "register")
    page.locator("#f-username").fill("xiaolin")
    page.locator("#f-password").fill("a long password")
    page.locator("#f-org_unit_id").select_option(str(unit.id))
    page.locator("form[action='/register'] button[type=submit]").click()
    page.wait_for_url("**/profile")

    page.locator("#f-display_name").fill("小林")
    page.locator("#f-gender").select_option("female")
    page.locator("#f-birth_date").fill("1996-05-04")
    page.locator("#f-height_cm").fill("163")
    page.locator("#f-city").fill("杭州")
    page.locator("#f-interests").fill("爬山、阅读")
    page.locator("#f-intro").fill("喜欢周末去爬山，也喜欢安静地看书。")
    page.locator("#f-seeking-gender").select_option("male")
    page.locator("#f-seeking-age_min").fill("25")
    page.locator("#f-seeking-age_max").fill("38")
    page.locator("#f-contact-phone").fill("13800138000")
    page.locator("#f-consent_accepted").check()
    page.locator("form[action='/profile'] button[type=submit]").click()
    page.wait_for_url("**/profile")
    assert page.locator(".flash").count() >= 1
    assert_fits(page)
    screenshot(page, "profile")
    page.locator("form[action='/profile/submit'] button").click()
    page.wait_for_url("**/profile")
    assert page.locator(".status-pending").count() == 1

    own = db.session.scalar(sa.select(Profile).where(Profile.display_name == "小林"))
    assert own is not None and own.status is ProfileStatus.pending
    reviews.decide(actor=reviewer, profile_id=own.id, decision="approve", note="欢迎")
    interactions.like(actor=him, profile_id=own.id)
    db.session.commit()

    page.goto("/recommendations")
    card = page.locator(f"#card-{his_profile.id}")
    assert "王先生" in card.inner_text()
    assert_fits(page)
    screenshot(page, "recommendations")
    # today's push picks him for her, and the search finds him
    push.push_daily()
    db.session.commit()
    page.goto("/picks")
    assert "王先生" in page.locator(f"#card-{his_profile.id}").inner_text()
    assert_fits(page)
    screenshot(page, "picks")
    page.goto("/search?age_min=28&age_max=36")
    assert page.locator(f"#card-{his_profile.id}").count() == 1
    assert_fits(page)
    screenshot(page, "search")
    page.goto("/recommendations")
    card = page.locator(f"#card-{his_profile.id}")
    card.locator("form[action='/like'] button").click()  # htmx swaps the card
    page.locator(f"#card-{his_profile.id}.done").wait_for()
    assert page.locator(f"#card-{his_profile.id} a[href='/matches']").count() == 1
    page.goto("/matches")
    assert "13900139000" in page.content()
    assert_fits(page)
    screenshot(page, "matches")

    other = browser_context.browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN",
                                                base_url=page.url.split("/matches")[0])
    try:
        his_page = other.new_page()
        _login(his_page, him.username)
        his_page.goto("/matches")
        assert "13800138000" in his_page.content()
        assert his_page.locator("#unread .badge").count() == 1  # the match was notified
        his_page.goto("/notifications")
        assert_fits(his_page)
        screenshot(his_page, "notifications")
    finally:
        other.close()


def test_withdrawn_member_vanishes_from_every_list(browser_context, make):
    unit = make.unit("团市委")
    viewer, _viewer_profile = make.member(unit=unit, gender="female", seeking_gender="male")
    leaver, leaver_profile = make.member(unit=unit, gender="male", seeking_gender="female",
                                         display_name="将离开的人", birth_date=date(1994, 4, 4))

    page = browser_context.new_page()
    _login(page, viewer.username)
    page.goto("/recommendations")
    assert page.locator(f"#card-{leaver_profile.id}").count() == 1

    other = browser_context.browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN",
                                                base_url=page.url.rstrip("/").rsplit("/", 1)[0])
    try:
        leaver_page = other.new_page()
        _login(leaver_page, leaver.username)
        leaver_page.goto("/profile")
        leaver_page.locator("a[href='/profile/withdraw']").click()
        leaver_page.wait_for_url("**/profile/withdraw")
        leaver_page.once("dialog", lambda dialog: dialog.accept())
        leaver_page.locator("form[action='/profile/withdraw'] button").click()
        leaver_page.wait_for_url("**/")
    finally:
        other.close()

    page.goto("/recommendations")
    assert page.locator(f"#card-{leaver_profile.id}").count() == 0
    page.goto("/search?q=将离开")
    assert "将离开的人" not in page.content()
