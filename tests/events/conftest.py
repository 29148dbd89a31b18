"""Builders the event tests share: organizers, members of either gender, events in any state."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from matchsvc.core.clock import utcnow
from matchsvc.extensions import db
from matchsvc.notifications.models import Notification

from tests.factories import EventFactory


class Builder:
    def __init__(self, make: Any) -> None:
        self.make = make

    def organizer(self, unit: Any = None) -> Any:
        return self.make.account("organizer", unit=unit)

    def man(self, unit: Any = None, **kw: Any) -> tuple[Any, Any]:
        kw = {"gender": "male", "seeking_gender": "female", **kw}
        return self.make.member(unit=unit, **kw)

    def woman(self, unit: Any = None, **kw: Any) -> tuple[Any, Any]:
        kw = {"gender": "female", "seeking_gender": "male", **kw}
        return self.make.member(unit=unit, **kw)

    def event(self, **kw: Any) -> Any:
        return EventFactory(**kw)

    def body(self, **kw: Any) -> dict[str, Any]:
        """A valid create body (datetimes, not strings: for the service)."""
        now = utcnow()
        data: dict[str, Any] = {
            "title": "周末爬山联谊", "description": "一起爬山", "tags": ["爬山"], "location": "西湖",
            "signup_deadline": now + timedelta(days=5), "starts_at": now + timedelta(days=7),
            "ends_at": now + timedelta(days=7, hours=3), "capacity": 10, "quota": {"male": 5, "female": 5},
            "age_min": None, "age_max": None, "org_unit_ids": [self.make.root().id],
        }
        data.update(kw)
        return data


@pytest.fixture
def ev(make: Any) -> Builder:
    return Builder(make)


def kinds(account: Any) -> list[str]:
    """The kinds of notifications in ``account``'s inbox, oldest first."""
    return list(db.session.scalars(sa.select(Notification.kind).where(Notification.account_id == account.id)
                                   .order_by(Notification.id)))


def payloads(account: Any, kind: str) -> list[dict[str, Any]]:
    return list(db.session.scalars(sa.select(Notification.payload).where(
        Notification.account_id == account.id, Notification.kind == kind).order_by(Notification.id)))
