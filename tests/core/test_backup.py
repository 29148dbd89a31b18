"""Backup and restore (issue 13): a restored copy serves the same profiles, matches and events.
SQLite through ``flask backup PATH`` (the online backup API, while the app holds connections);
PostgreSQL through ``pg_dump -Fc`` and ``pg_restore``, as the README's procedure says."""

from __future__ import annotations

import os
import subprocess
from typing import Any

import pytest
import sqlalchemy as sa
from flask_jwt_extended import create_access_token

from matchsvc import create_app
from matchsvc.extensions import db
from matchsvc.matching import index as pool_index

from tests.conftest import TEST_CONFIG
from tests.factories import EventFactory


def _views(client, tokens: dict[str, str], ids: dict[str, int]) -> dict[str, Any]:
    def get(who: str, url: str) -> Any:
        r = client.get("/api/v1" + url, headers={"Authorization": f"Bearer {tokens[who]}"})
        assert r.status_code == 200, (url, r.get_data(as_text=True))
        return r.get_json()

    return {
        "own profile": get("a", "/me/profile"),
        "public profile": get("a", f"/profiles/{ids['b_profile']}"),
        "matches": get("a", "/me/matches"),
        "event": get("a", f"/events/{ids['event']}"),
        "events": get("b", "/events"),
        "notifications": get("b", "/me/notifications"),
    }


def _restored_url(tmp_path, runner) -> str:
    url = db.engine.url
    if url.get_backend_name() == "sqlite":
        target = tmp_path / "copy.db"
        result = runner.invoke(args=["backup", str(target)])
        assert result.exit_code == 0, result.output
        assert "backup:" in result.output
        again = runner.invoke(args=["backup", str(target)])
        assert again.exit_code != 0 and "exists" in again.output  # never overwritten by accident
        return f"sqlite:///{target}"
    dump = tmp_path / "matchsvc.dump"
    source = url.set(drivername="postgresql").render_as_string(hide_password=False)
    subprocess.run(["pg_dump", "-Fc", "-d", source, "-f", str(dump)], check=True, capture_output=True)
    restored = url.set(database=f"{url.database}_restored")
    plain = restored.set(drivername="postgresql").render_as_string(hide_password=False)
    admin = url.set(drivername="postgresql", database="postgres").render_as_string(hide_password=False)
    subprocess.run(["dropdb", "--if-exists", f"--maintenance-db={admin}", restored.database], check=True, capture_output=True)
    subprocess.run(["createdb", f"--maintenance-db={admin}", restored.database], check=True, capture_output=True)
    subprocess.run(["pg_restore", "--no-owner", "-d", plain, str(dump)], check=True, capture_output=True)
    return restored.render_as_string(hide_password=False)


def test_a_restored_copy_serves_the_same_profiles_matches_and_events(app, as_, make, runner, tmp_path):
    a_acc, a = make.member()
    b_acc, b = make.member(gender="male", seeking_gender="female")
    event = EventFactory(title="湖边徒步")
    assert as_(a_acc).post("/me/likes", json={"profile_id": b.id}).status_code == 201
    assert as_(b_acc).post("/me/likes", json={"profile_id": a.id}).json["mutual"] is True
    assert as_(b_acc).post(f"/events/{event.id}/signups").status_code == 201
    tokens = {"a": create_access_token(identity=str(a_acc.id)), "b": create_access_token(identity=str(b_acc.id))}
    ids = {"b_profile": b.id, "event": event.id}
    before = _views(app.test_client(), tokens, ids)
    assert before["matches"]["items"] and before["event"]["title"] == "湖边徒步"

    url = _restored_url(tmp_path, runner)
    pool_index.reset()  # the restored app builds its own index from the copy
    restored = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": url})
    try:
        with restored.app_context():
            after = _views(restored.test_client(), tokens, ids)
            counts = {t: db.session.scalar(sa.text(f"SELECT count(*) FROM {t}"))
                      for t in ("profiles", "matches", "events", "event_signups", "likes")}
    finally:
        with restored.app_context():
            db.session.remove()
            db.engine.dispose()
        pool_index.reset()
    assert after == before
    assert counts["profiles"] == 2 and counts["matches"] == 1 and counts["events"] == 1 and counts["likes"] == 2


def test_backup_refuses_a_database_it_cannot_copy(tmp_path):
    memory = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    with memory.app_context():
        result = memory.test_cli_runner().invoke(args=["backup", str(tmp_path / "x.db")])
    assert result.exit_code != 0 and "pg_dump" in result.output
    assert not (tmp_path / "x.db").exists()
