"""Every form control of the member pages has a label."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest


class _Controls(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.controls: list[dict[str, str]] = []
        self.labels: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "label" and a.get("for"):
            self.labels.add(a["for"])
        if tag in {"input", "select", "textarea"} and a.get("type") not in {"hidden", "submit"}:
            self.controls.append(a)


def _unlabelled(html: str) -> list[str]:
    parser = _Controls()
    parser.feed(html)
    return [c.get("name", "?") for c in parser.controls
            if c.get("id") not in parser.labels and not c.get("aria-label")]


@pytest.mark.parametrize("path", ["/login", "/register"])
def test_anonymous_pages_label_every_control(web, make, path):
    make.root()
    assert _unlabelled(web.get(path).get_data(as_text=True)) == []


@pytest.mark.parametrize("path", ["/profile", "/search", "/password", "/report/{other}", "/events/{event}/picks"])
def test_member_pages_label_every_control(web, make, path):
    from datetime import date

    from matchsvc.core.clock import utcnow
    from matchsvc.events.models import Signup, SignupStatus
    from matchsvc.extensions import db
    from tests.factories import EventFactory

    account, own = make.member()
    _other, other = make.member(gender="male", seeking_gender="female", birth_date=date(1992, 2, 2))
    event = EventFactory(over=True)
    for p in (own, other):
        db.session.add(Signup(event_id=event.id, profile_id=p.id, status=SignupStatus.confirmed, gender=p.gender,
                              created_at=utcnow(), confirmed_at=utcnow(), checked_in_at=utcnow()))
    db.session.commit()
    web.login(account)
    response = web.get(path.format(other=other.id, event=event.id))
    assert response.status_code == 200
    assert _unlabelled(response.get_data(as_text=True)) == []

