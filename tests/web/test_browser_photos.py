"""Photos in a real Chromium at phone width (390 px): a member uploads one on /profile and sees
its thumbnail (served by the session's photo route); once approved, it is on the cards of those
who may see the profile."""

from __future__ import annotations

import os
from datetime import date

import sqlalchemy as sa

from matchsvc.extensions import db
from matchsvc.photos import service as photos
from matchsvc.photos.models import Photo, PhotoStatus
from tests.photos import images
from tests.web.conftest import assert_fits, screenshot
from tests.web.test_browser_journeys import _login


def _loaded(img) -> bool:
    """The image arrived and decoded (a refused or broken one has no natural width)."""
    return img.evaluate("el => el.complete && el.naturalWidth > 0")


def test_member_uploads_a_photo_and_it_shows_on_cards(browser_context, make):
    unit = make.unit("市图书馆")
    reviewer = make.account("reviewer", unit=unit)
    she, her_profile = make.member(unit=unit, gender="female", seeking_gender="male", display_name="小周",
                                   birth_date=date(1995, 6, 1))
    he, _his = make.member(unit=unit, gender="male", seeking_gender="female", birth_date=date(1993, 2, 2))

    page = browser_context.new_page()
    _login(page, she.username)
    page.goto("/profile")
    assert page.locator(".photo-item").count() == 0
    page.locator("#photo-file").set_input_files(
        {"name": "西湖.jpg", "mimeType": "image/jpeg", "buffer": images.jpeg_with_gps((900, 1200))})
    page.locator("form[action='/profile/photos'] button[type=submit]").click()
    page.wait_for_url("**/profile#photos-h")
    item = page.locator(".photo-item")
    assert item.count() == 1
    assert _loaded(item.locator("img"))
    assert item.locator(".status-pending").count() == 1
    assert_fits(page)

    # a second photo, then made the main one with a plain form button (no script needed)
    page.locator("#photo-file").set_input_files({"name": "b.png", "mimeType": "image/png", "buffer": images.png(seed=3)})
    page.locator("form[action='/profile/photos'] button[type=submit]").click()
    page.wait_for_url("**/profile#photos-h")
    first_id = page.locator(".photo-item").first.get_attribute("id")
    second = page.locator(".photo-item").nth(1)
    second_id = second.get_attribute("id")
    second.locator("input[name=to][value=main] + button").click()
    page.wait_for_url("**/profile#photos-h")
    assert [page.locator(".photo-item").nth(i).get_attribute("id") for i in range(2)] == [second_id, first_id]
    assert all(_loaded(page.locator(".photo-item img").nth(i)) for i in range(2))
    assert_fits(page)
    if os.environ.get("MATCHSVC_PHOTO_SHOT"):
        page.locator("#photos-h").scroll_into_view_if_needed()
        page.screenshot(path=os.environ["MATCHSVC_PHOTO_SHOT"])
    screenshot(page, "profile-photos")

    # a bad file: the editor again with the reason, nothing added
    page.locator("#photo-file").set_input_files({"name": "notes.jpg", "mimeType": "image/jpeg",
                                                 "buffer": b"these are not pixels"})
    page.locator("form[action='/profile/photos'] button[type=submit]").click()
    page.wait_for_load_state()
    assert "只接受 JPEG、PNG 和 WebP 格式的图片。" in page.locator("#photo-errors").inner_text()
    assert page.locator(".photo-item").count() == 2
    # the form shown again is a page like any other (200): Chromium logged a 422 as a console error
    assert not [p for p in browser_context.watch.problems if "status of" in p], browser_context.watch.problems

    photo = db.session.scalar(sa.select(Photo).where(Photo.profile_id == her_profile.id)
                              .order_by(Photo.position).limit(1))
    photos.decide(actor=reviewer, photo_id=photo.id, decision="approve")
    db.session.commit()
    assert photo.status is PhotoStatus.approved

    other = browser_context.browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN",
                                                base_url=browser_context.pages[0].url.split("/profile")[0])
    try:
        his_page = other.new_page()
        _login(his_page, he.username)
        his_page.goto("/recommendations")
        thumb = his_page.locator(f"#card-{her_profile.id} img.thumb")
        assert thumb.count() == 1 and _loaded(thumb)
        assert thumb.get_attribute("src") == f"/photo/{photo.key}/thumb"
        assert_fits(his_page)
        screenshot(his_page, "recommendations-photos")
    finally:
        other.close()
