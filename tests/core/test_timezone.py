"""The deployment's time zone: a setting, checked at start, used for what people read."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from matchsvc import create_app
from matchsvc.core.clock import local, local_text, zone
from tests.conftest import TEST_CONFIG


def test_local_time_defaults_to_shanghai(app):
    moment = datetime(2026, 12, 4, 18, 30, tzinfo=timezone.utc)
    assert app.config["TIMEZONE"] == "Asia/Shanghai"
    assert local(moment).isoformat() == "2026-12-05T02:30:00+08:00"
    assert local_text(moment) == "2026-12-05 02:30 +08:00"
    assert local(datetime(2026, 12, 4, 18, 30)) == local(moment)  # naive is UTC (SQLite)


def test_local_time_follows_the_setting(app, monkeypatch):
    monkeypatch.setitem(app.config, "TIMEZONE", "Europe/Berlin")
    assert local_text(datetime(2026, 7, 1, 12, 0, tzinfo=timezone.utc)) == "2026-07-01 14:00 +02:00"


def test_outside_an_app_the_default_zone():
    assert str(zone("UTC")) == "UTC"


@pytest.mark.parametrize("name", ["Mars/Olympus", "", "../etc/passwd", "Asia/Shanghai "])
def test_an_unknown_zone_refuses_to_start(app, name):
    with pytest.raises(RuntimeError, match="TIMEZONE=.* is not a known time zone"):
        create_app({**TEST_CONFIG, "TIMEZONE": name,
                    "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"]})


def test_the_environment_sets_the_zone(monkeypatch):
    from matchsvc import config

    monkeypatch.setenv("TIMEZONE", "Asia/Urumqi")
    assert config.from_environment("/nonexistent")["TIMEZONE"] == "Asia/Urumqi"
