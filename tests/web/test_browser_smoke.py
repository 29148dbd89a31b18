"""The pages in a real Chromium: nothing from another origin, no script errors, fits a phone."""

from __future__ import annotations

from tests.web.conftest import assert_fits, screenshot


def test_login_page_in_chromium(page, make):
    make.root()
    page.goto("/login")
    assert page.locator("html").get_attribute("lang") == "zh-Hans"
    assert page.get_by_label("用户名").count() == 1 or page.locator("#f-username").count() == 1
    assert_fits(page)
    screenshot(page, "login")


def test_api_docs_work_offline(page):
    page.goto("/api/v1/docs")
    page.wait_for_selector(".swagger-ui .info", timeout=20000)
    assert "matchsvc" in page.locator(".swagger-ui .info").inner_text()


def test_sign_in_by_keyboard_lands_on_home(page, make):
    account = make.account()
    page.goto("/login")
    page.locator("#f-username").fill(account.username)
    page.locator("#f-password").fill("correct horse battery")
    page.keyboard.press("Enter")
    page.wait_for_url("**/")
    assert page.locator('a[href="/profile"]').count() >= 1
    assert_fits(page)
    screenshot(page, "home")
