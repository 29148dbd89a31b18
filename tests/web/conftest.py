"""Fixtures for the web pages: a CSRF-aware test client, and a real Chromium against a live server.

Browser tests need Debian's Chromium (``apt-get install chromium fonts-wqy-microhei``) and the
``playwright`` package (dev extra). Without them they are skipped with the reason, so
``./scripts/test`` runs anywhere; CI sets MATCHSVC_REQUIRE_BROWSER=1, which turns a missing
browser into a failure.
"""

from __future__ import annotations

import os
import re
import shutil
import threading
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.factories import PASSWORD

_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


class WebClient:
    """The Flask test client as a browser would use it: GET a page, then post its form with the
    CSRF token it carried."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client
        self._token: str | None = None

    def _open(self, method: str, url: str, **kw: Any) -> Any:
        # Each request in an app context of its own, as in a server: the test's own context
        # would otherwise be shared by every request of the test (one ``g`` for all of them).
        with self.client.application.app_context():
            return self.client.open(url, method=method, **kw)

    def get(self, url: str, **kw: Any) -> Any:
        response = self._open("GET", url, **kw)
        found = _CSRF.search(response.get_data(as_text=True))
        if found:
            self._token = found.group(1)
        return response

    def token(self) -> str:
        if self._token is None:
            self.get("/login")
        assert self._token is not None
        return self._token

    def post(self, url: str, data: dict[str, Any] | None = None, *, csrf: bool = True, **kw: Any) -> Any:
        data = dict(data or {})
        if csrf:
            data.setdefault("csrf_token", self.token())
        return self._open("POST", url, data=data, **kw)

    def login(self, account: Any, password: str = PASSWORD) -> Any:
        response = self.post("/login", {"username": account.username, "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)
        self._token = None
        return response


@pytest.fixture
def web(client: FlaskClient) -> WebClient:
    return WebClient(client)


# --- the real browser ---------------------------------------------------------------------------

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-dev-shm-usage"]


def _require_browser() -> bool:
    return os.environ.get("MATCHSVC_REQUIRE_BROWSER", "").lower() in {"1", "true", "yes"}


def _missing(reason: str) -> None:
    if _require_browser():
        pytest.fail(f"browser tests required (MATCHSVC_REQUIRE_BROWSER) but {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def live_server(app: Flask) -> Iterator[str]:
    """The app served by werkzeug in a thread on a random free port, on the test database."""
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    if executable is None:
        _missing("chromium is not installed (apt-get install chromium fonts-wqy-microhei)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("the playwright package is not installed (pip install -e '.[dev]')")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class PageWatch:
    """Everything a page did wrong: page errors, console errors, other origins, 5xx answers."""

    def __init__(self, origin: str) -> None:
        self.origin = origin
        self.problems: list[str] = []

    def attach(self, page: Any) -> None:
        page.on("pageerror", lambda exc: self.problems.append(f"page error: {exc}"))
        page.on("console", self._console)
        page.on("request", self._request)
        page.on("response", self._response)

    def _console(self, msg: Any) -> None:
        if msg.type == "error":
            self.problems.append(f"console error: {msg.text}")

    def _request(self, req: Any) -> None:
        parts = urlsplit(req.url)
        if parts.scheme in {"data", "blob", "about"}:
            return
        if f"{parts.scheme}://{parts.netloc}" != self.origin:
            self.problems.append(f"request to another origin: {req.url}")

    def _response(self, resp: Any) -> None:
        if resp.status >= 500:
            self.problems.append(f"{resp.status} from {resp.url}")


@pytest.fixture
def browser_context(chromium: Any, live_server: str) -> Iterator[Any]:
    """A fresh phone-sized (390 px) context; the test fails if any page misbehaved."""
    watch = PageWatch(live_server)
    context = chromium.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN",
                                   device_scale_factor=1, base_url=live_server)
    context.on("page", watch.attach)
    context.watch = watch  # type: ignore[attr-defined]
    yield context
    context.close()
    assert not watch.problems, "\n".join(watch.problems)


@pytest.fixture
def page(browser_context: Any) -> Any:
    return browser_context.new_page()


def assert_fits(page: Any) -> None:
    """Nothing scrolls sideways at the page's width."""
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{page.url} scrolls sideways by {overflow}px"


SCREENSHOTS = os.path.join(os.path.dirname(__file__), "..", "..", "docs", "screenshots")


def screenshot(page: Any, name: str) -> None:
    """Save a full-page screenshot under docs/screenshots/ (only when MATCHSVC_SCREENSHOTS=1,
    so ordinary runs leave the working tree alone)."""
    if os.environ.get("MATCHSVC_SCREENSHOTS") == "1":
        os.makedirs(SCREENSHOTS, exist_ok=True)
        page.screenshot(path=os.path.join(SCREENSHOTS, f"{name}.png"), full_page=True)
