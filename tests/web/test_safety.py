"""Safety of the web edge: CSRF, cookie flags, the CSP, sessions that end, and the API's
refusal of the session cookie."""

from __future__ import annotations

import time

import pytest
import sqlalchemy as sa

from matchsvc.accounts.models import Account
from matchsvc.extensions import db
from matchsvc.profiles.models import Profile


def test_post_without_csrf_token_is_refused_and_changes_nothing(web, make):
    unit = make.unit()
    response = web.post("/register", {"username": "sneaky", "password": "long enough pw",
                                      "org_unit_id": unit.id}, csrf=False)
    assert response.status_code == 400
    assert db.session.scalar(sa.select(Account).where(Account.username == "sneaky")) is None


def test_signed_in_post_without_csrf_token_is_refused(web, make):
    account = make.account()
    web.login(account)
    response = web.post("/profile", {"display_name": "改名"}, csrf=False)
    assert response.status_code == 400
    assert db.session.scalar(sa.select(Profile).where(Profile.account_id == account.id)) is None


def test_post_with_a_forged_csrf_token_is_refused(web, make):
    web.login(make.account())
    response = web.post("/profile", {"display_name": "x", "csrf_token": "forged"})
    assert response.status_code == 400


def test_session_cookie_flags(web, make, app):
    response = web.login(make.account())
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Expires=" in cookie
    assert "Secure" not in cookie  # only when SESSION_COOKIE_SECURE=true


def test_session_cookie_secure_when_configured(web, make, app, monkeypatch):
    monkeypatch.setitem(app.config, "SESSION_COOKIE_SECURE", True)
    response = web.login(make.account())
    assert "Secure" in response.headers["Set-Cookie"]


def test_session_cookie_never_authorises_the_api(web, make):
    web.login(make.account())
    assert web.get("/").status_code == 200
    response = web.client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"


def test_api_posts_need_no_csrf_token(client, make):
    account = make.account()
    response = client.post("/api/v1/auth/token", json={"username": account.username,
                                                       "password": "correct horse battery"})
    assert response.status_code == 200


def test_api_responses_set_no_session_cookie(client, make):
    make.root()
    assert "Set-Cookie" not in client.get("/api/v1/org-units").headers


def test_html_pages_carry_a_strict_csp(web):
    response = web.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    html = response.get_data(as_text=True)
    assert "<script>" not in html and "style=" not in html


def test_session_expires_after_the_token_ttl(web, make, monkeypatch):
    web.login(make.account())
    assert web.get("/").status_code == 200
    later = time.time() + 5 * 3600
    monkeypatch.setattr(time, "time", lambda: later)
    assert web.get("/").status_code == 302


def test_password_change_signs_out_other_sessions(web, make):
    account = make.account()
    web.login(account)
    account.password_hash = "$argon2id$v=19$m=64,t=1,p=1$c29tZXNhbHQ$ZmFrZWhhc2g"
    db.session.commit()
    assert web.get("/").status_code == 302


def test_deleted_account_is_signed_out(web, make):
    account = make.account()
    web.login(account)
    db.session.delete(account)
    db.session.commit()
    assert web.get("/").status_code == 302


def test_disabled_account_is_signed_out_on_its_next_request(web, make):
    from matchsvc.core.clock import utcnow

    account = make.account()
    web.login(account)
    account.disabled_at = utcnow()
    db.session.commit()
    assert web.get("/").status_code == 302


def test_web_form_posts_are_not_refused_as_non_json(web, make):
    """The API answers a non-JSON body with 415; the pages post forms."""
    web.login(make.account())
    response = web.post("/profile", {"display_name": "小李"})
    assert response.status_code == 302


def test_a_copy_of_the_cookie_is_refused_after_logout(web, make, app):
    account = make.account()
    web.login(account)
    web.get("/")
    cookie = web.client.get_cookie("matchsvc_session").value
    web.post("/logout")
    thief = app.test_client()
    thief.set_cookie("matchsvc_session", cookie)
    with app.app_context():
        assert thief.get("/").status_code == 302


def test_one_time_password_leads_to_the_password_page_only(web, make):
    from matchsvc.accounts import service as accounts

    admin = make.account("admin")
    account = make.account()
    one_time = accounts.reset_password(actor=admin, account_id=account.id)["one_time_password"]
    db.session.commit()
    web.login(account, password=one_time)
    response = web.get("/profile")
    assert response.status_code == 302 and response.headers["Location"] == "/password"
    web.get("/password")
    response = web.post("/password", {"old_password": one_time, "new_password": "my own new password"})
    assert response.status_code == 302
    assert web.get("/profile").status_code == 200


def test_password_change_errors_beside_the_fields(web, make):
    web.login(make.account())
    web.get("/password")
    response = web.post("/password", {"old_password": "wrong one!", "new_password": "short"})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'id="new_password-error"' in html or 'id="old_password-error"' in html


def test_disabled_account_cannot_sign_in_on_the_page(web, make):
    from matchsvc.core.clock import utcnow

    account = make.account()
    account.disabled_at = utcnow()
    db.session.commit()
    response = web.post("/login", {"username": account.username, "password": "correct horse battery"})
    assert response.status_code == 200


BROWSER_ACCEPT = ("text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8,"
                  "application/signed-exchange;v=b3;q=0.7")  # Chromium's


@pytest.mark.parametrize("url,status", [("/logout", 405), ("/events/abc", 404), ("/no-such-page", 404)])
def test_a_browser_gets_a_page_for_an_unknown_path_or_method(web, make, url, status):
    """A typed-in GET /logout or a mangled link: the HTML error page with the signed-in header,
    not the API's problem+json."""
    web.login(make.account())
    r = web.get(url, headers={"Accept": BROWSER_ACCEPT})
    html = r.get_data(as_text=True)
    assert r.status_code == status and r.mimetype == "text/html"
    assert '<html lang="zh-Hans">' in html and 'action="/logout"' in html
    assert "Content-Security-Policy" in r.headers


@pytest.mark.parametrize("url,accept", [("/api/v1/nope", BROWSER_ACCEPT), ("/no-such-page", "*/*"),
                                        ("/no-such-page", "application/json")])
def test_the_api_and_non_browsers_keep_problem_json(client, url, accept):
    r = client.get(url, headers={"Accept": accept})
    assert r.status_code == 404 and r.mimetype == "application/problem+json"
