"""Sign-in, registration, the home page, language and the offline API docs (Flask test client)."""

from __future__ import annotations

import re

import sqlalchemy as sa

from matchsvc.accounts.models import Account
from matchsvc.extensions import db


def test_login_page_renders_in_simplified_chinese_by_default(web, make):
    make.root()
    response = web.get("/login")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert '<html lang="zh-Hans">' in html
    assert "登录" in html and "用户名" in html
    assert 'name="username"' in html and 'name="password"' in html


def test_login_page_in_english_with_accept_language(web):
    html = web.get("/login", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert '<html lang="en">' in html
    assert "Sign in" in html


def test_language_switch_is_remembered(web):
    web.get("/login")
    response = web.post("/lang", {"lang": "en", "next": "/login"})
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert '<html lang="en">' in web.get("/login").get_data(as_text=True)


def test_language_switch_never_redirects_to_another_origin(web):
    response = web.post("/lang", {"lang": "zh", "next": "https://evil.example/"})
    assert response.headers["Location"] == "/"


def test_bad_login_rerenders_the_form_with_an_error(web, make):
    account = make.account()
    response = web.post("/login", {"username": account.username, "password": "wrong password!"})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'class="errors"' in html and 'name="username"' in html


def test_login_lands_on_home_with_the_member_area(web, make):
    account = make.account()
    response = web.login(account)
    assert response.headers["Location"] == "/"
    html = web.get("/").get_data(as_text=True)
    assert 'href="/profile"' in html


def test_home_links_only_to_areas_the_roles_open(web, make):
    web.login(make.account())
    html = web.get("/").get_data(as_text=True)
    assert "/review/" not in html and "/admin/" not in html


def test_home_sends_an_anonymous_caller_to_login(web):
    response = web.get("/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_register_creates_a_member_and_signs_in(web, make):
    unit = make.unit("团委")
    html = web.get("/register").get_data(as_text=True)
    assert f'<option value="{unit.id}"' in html
    response = web.post("/register", {"username": "newbie", "password": "long enough pw", "org_unit_id": unit.id})
    assert response.status_code == 302 and response.headers["Location"] == "/profile"
    account = db.session.scalar(sa.select(Account).where(Account.username == "newbie"))
    assert account is not None and account.org_unit_id == unit.id
    assert web.get("/profile").status_code == 200


def test_register_shows_the_api_rules_beside_the_fields(web, make):
    make.root()
    response = web.post("/register", {"username": "x", "password": "short", "org_unit_id": "999"})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'id="username-error"' in html and 'id="password-error"' in html
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Account)) == 0


def test_register_refuses_a_taken_username(web, make):
    taken = make.account()
    response = web.post("/register", {"username": taken.username, "password": "long enough pw",
                                      "org_unit_id": taken.org_unit_id})
    assert response.status_code == 200
    assert 'class="errors"' in response.get_data(as_text=True)


def test_logout_ends_the_session(web, make):
    web.login(make.account())
    web.get("/")
    assert web.post("/logout").status_code == 302
    assert web.get("/").status_code == 302


def test_api_docs_page_loads_nothing_from_another_origin(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    urls = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert urls and all(u.startswith("/") and not u.startswith("//") for u in urls), urls
    assert "<script>" not in html  # no inline script
    for url in urls:
        asset = client.get(url)
        assert asset.status_code == 200, url
        asset.close()
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp


def test_unknown_page_in_a_web_area_is_an_html_404(web, make):
    web.login(make.account())
    response = web.get("/profile/nothing-here")
    assert response.status_code == 404


def test_language_switch_on_a_page_answering_a_post_returns_to_the_form_page(web, make):
    """A refused submit is shown at /profile/submit (POST only): the switch must not send the
    member to a GET of it (a 405), but back to the page the form came from."""
    web.login(make.account())
    web.post("/profile", {"display_name": "小林"})
    html = web.post("/profile/submit", headers={"Referer": "http://localhost/profile"}).get_data(as_text=True)
    assert 'name="next" value="/profile"' in html
    html = web.post("/profile/submit", headers={"Referer": "http://elsewhere.example/profile"}).get_data(as_text=True)
    assert 'name="next" value="/"' in html
    assert 'name="next" value="/profile"' in web.get("/profile").get_data(as_text=True)
