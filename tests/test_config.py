"""Configuration from the environment."""

from __future__ import annotations

from datetime import timedelta

import pytest

from matchsvc import config


@pytest.mark.parametrize("url,expected", [
    ("postgresql://u@h:5432/d", "postgresql+psycopg://u@h:5432/d"),
    ("postgres://u@h/d", "postgresql+psycopg://u@h/d"),
    ("postgresql+psycopg://u@h/d", "postgresql+psycopg://u@h/d"),
    ("sqlite:///x.db", "sqlite:///x.db"),
])
def test_normalise_database_url(url, expected):
    assert config.normalise_database_url(url) == expected


def test_from_environment_defaults(tmp_path, monkeypatch):
    for name in ("DATABASE_URL", "SECRET_KEY", "RATELIMIT_ENABLED", "TOKEN_TTL_SECONDS", "DAILY_LIKE_LIMIT"):
        monkeypatch.delenv(name, raising=False)
    settings = config.from_environment(str(tmp_path))
    assert settings["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'matchsvc.db'}"
    assert settings["RATELIMIT_ENABLED"] is True
    assert settings["DAILY_LIKE_LIMIT"] == 30  # on by default; only DAILY_LIKE_LIMIT=0 lifts it
    assert settings["JWT_ACCESS_TOKEN_EXPIRES"] >= timedelta(hours=1)
    key = settings["SECRET_KEY"]
    assert len(key) >= 32 and (tmp_path / "secret_key").read_text() == key
    assert config.from_environment(str(tmp_path))["SECRET_KEY"] == key  # every worker reads the same key


@pytest.mark.parametrize("value,enabled", [("false", False), ("0", False), ("off", False), ("no", False),
                                           ("FALSE", False), ("true", True), ("1", True), ("", True)])
def test_ratelimit_switch(tmp_path, monkeypatch, value, enabled):
    monkeypatch.setenv("RATELIMIT_ENABLED", value)
    assert config.from_environment(str(tmp_path))["RATELIMIT_ENABLED"] is enabled


def test_environment_overrides(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql://app@db/matchsvc")
    monkeypatch.setenv("SECRET_KEY", "from-the-environment")
    settings = config.from_environment(str(tmp_path))
    assert settings["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://app@db/matchsvc"
    assert settings["SECRET_KEY"] == settings["JWT_SECRET_KEY"] == "from-the-environment"
    assert not (tmp_path / "secret_key").exists()
