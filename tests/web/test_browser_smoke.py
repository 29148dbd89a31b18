"""The pages in a real Chromium: nothing from another origin, no script errors, fits a phone."""

from __future__ import annotations

from tests.factories import PASSWORD
from tests.web.conftest import assert_fits, screenshot


def _sign_in(page, username: str, password: str) -> None:
    """Sign in as a person does: the login page, both fields, Enter; back once the answer loaded."""
    page.goto("/login")
    page.locator("#f-username").fill(username)
    page.locator("#f-password").fill(password)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def test_login_page_in_chromium(page, make):
    make.root()
    page.goto("/login")
    assert page.locator("html").get_attribute("lang") == "zh-Hans"
    assert page.get_by_label("用户名").count() == 1 or page.locator("#f-username").count() == 1
    assert_fits(page)
    screenshot(page, "login")


def test_a_bad_login_shows_the_form_again_without_a_console_error(page, browser_context, make):
    """API.md: a bad login re-renders the form with an error. It is the page asked for (200), so
    Chromium logs nothing: a 4xx document is a console error ("Failed to load resource")."""
    account = make.account()
    _sign_in(page, account.username, "not the password")
    assert page.locator("#f-username").input_value() == account.username
    assert page.locator("#f-password").count() == 1
    assert "用户名或密码错误" in page.locator("main").inner_text()
    assert not browser_context.watch.problems, browser_context.watch.problems
    screenshot(page, "login-error")


def test_api_docs_work_offline(page):
    page.goto("/api/v1/docs")
    page.wait_for_selector(".swagger-ui .info", timeout=20000)
    assert "matchsvc" in page.locator(".swagger-ui .info").inner_text()


def test_sign_in_by_keyboard_lands_on_home(page, make):
    account = make.account()
    _sign_in(page, account.username, PASSWORD)
    page.wait_for_url("**/")
    assert page.locator('a[href="/profile"]').count() >= 1
    assert_fits(page)
    screenshot(page, "home")


def test_a_member_page_weighs_under_100_kb_before_images(page, make):
    """Everything a phone downloads for the suggestions page (HTML, CSS, scripts), images aside."""
    from datetime import date

    account, _ = make.member(gender="female", seeking_gender="male")
    for i in range(10):
        make.member(gender="male", seeking_gender="female", birth_date=date(1990 + i % 8, 1, 1),
                    display_name=f"会员{i}")
    _sign_in(page, account.username, PASSWORD)
    page.wait_for_url("**/")
    page.goto("/recommendations")
    assert page.locator(".profile-card").count() == 10
    # What a first visit downloads: the document and every script, stylesheet and icon it names.
    urls = page.evaluate("""[location.href,
        ...[...document.querySelectorAll('script[src]')].map(e => e.src),
        ...[...document.querySelectorAll('link[href]')].map(e => e.href)]""")
    weights = {url: len(page.request.get(url).body()) for url in urls}
    total = sum(weights.values())
    print(f"\nmember page weight: {total} bytes ({total / 1024:.1f} KiB) " + repr(weights))
    assert total < 100 * 1024, weights


def test_a_mistyped_address_is_a_page_not_json(page, browser_context, make):
    """Chromium's own navigation (its Accept header) to a path no page has, or GET on /logout:
    the error page in Chinese with the signed-in header, never the API's problem+json."""
    account = make.account()
    _sign_in(page, account.username, PASSWORD)
    page.wait_for_url("**/")
    for url, status, title in (("/no-such-page", 404, "未找到"), ("/logout", 405, "请求被拒绝")):
        response = page.goto(url)
        assert response.status == status and response.headers["content-type"].startswith("text/html")
        assert page.locator("main h1").inner_text() == title
        assert page.locator("header form[action='/logout']").count() == 1
        assert_fits(page)
    # Chromium logs each page's error status as a console error: expected here, and only these
    watch = browser_context.watch
    expected = [p for p in watch.problems if "status of 404" in p or "status of 405" in p]
    assert len(expected) == 2
    for problem in expected:
        watch.problems.remove(problem)
