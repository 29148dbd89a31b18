"""``push-daily`` killed in the middle (issue 13 point 3): its forked helpers die with it, and a
rerun ends with exactly the picks of an uninterrupted run, on a pool whose push spans many
commits and runs in forked helpers. The push runs as a real ``flask push-daily`` process against
the test database (SQLite file or PostgreSQL), killed with SIGKILL as an OOM killer or an operator
would."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import sqlalchemy as sa

from matchsvc.extensions import db
from matchsvc.matching.models import DailyPick
from matchsvc.notifications.models import Notification

from tests.conftest import TEST_CONFIG

DAY = date(2031, 3, 14)
PROFILES = 1500
CHUNK = 15  # members per commit: the push spans ~100 commits


def _push(app, log: Path) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"], "SECRET_KEY": TEST_CONFIG["SECRET_KEY"],
           "PUSH_CHUNK": str(CHUNK), "PUSH_PARALLEL_FROM": "0", "RATELIMIT_ENABLED": "false", "LOG_LEVEL": "WARNING"}
    with log.open("ab") as out:  # the child keeps its own copy of the file
        return subprocess.Popen([sys.executable, "-m", "flask", "--app", "matchsvc", "push-daily", "--date",
                                 DAY.isoformat()], env=env, cwd=Path(__file__).resolve().parents[2], stdout=out,
                                stderr=subprocess.STDOUT, start_new_session=True)


def _picks() -> list[tuple[int, int, int, float]]:
    rows = db.session.execute(sa.select(DailyPick.viewer_id, DailyPick.target_id, DailyPick.rank, DailyPick.score)
                              .where(DailyPick.push_date == DAY).order_by(DailyPick.viewer_id, DailyPick.rank)).all()
    db.session.rollback()  # a fresh snapshot next time
    return [tuple(r) for r in rows]


def _count() -> int:
    n = db.session.scalar(sa.select(sa.func.count()).select_from(DailyPick).where(DailyPick.push_date == DAY))
    db.session.rollback()
    return int(n or 0)


def _children(pid: int) -> list[int]:
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            out.append(int(stat.parent.name))
    return out


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")  # a zombie holds no memory and no connection


def _run_to_the_end(app, log: Path) -> None:
    proc = _push(app, log)
    assert proc.wait(timeout=300) == 0, log.read_text()


def test_a_killed_push_leaves_no_helper_and_a_rerun_gives_the_uninterrupted_picks(app, runner, tmp_path):
    result = runner.invoke(args=["seed-demo", "--profiles", str(PROFILES), "--no-progress", "--no-journeys"])
    assert result.exit_code == 0, result.output
    log = tmp_path / "push.log"

    # 1. killed mid-run, once the first commits are in and while its helpers are at work
    proc = _push(app, log)
    helpers: list[int] = []
    try:
        written = _kill_midway(proc, helpers)
    finally:  # never leave a process behind, whatever happened above
        for pid in [proc.pid, *helpers]:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        proc.wait(timeout=30)

    # 2. the rerun completes the day
    _run_to_the_end(app, log)
    resumed = _picks()
    assert written < len(resumed), "the kill came before the end"
    # one notification per member with picks: nothing sent twice
    sent = db.session.execute(sa.select(Notification.account_id, sa.func.count()).where(
        Notification.kind == "daily_picks", Notification.dedup_key == f"daily:{DAY.isoformat()}")
        .group_by(Notification.account_id)).all()
    db.session.rollback()
    assert sent and max(n for _, n in sent) == 1
    assert len(sent) == len({viewer for viewer, *_ in resumed})

    # 3. the same day pushed again from nothing, uninterrupted: the very same picks
    db.session.execute(sa.delete(DailyPick).where(DailyPick.push_date == DAY))
    db.session.commit()
    _run_to_the_end(app, log)
    assert _picks() == resumed


def _kill_midway(proc: subprocess.Popen, helpers: list[int]) -> int:
    """SIGKILL the push (not its helpers) after its first commit; its helpers must then die too.
    Fills ``helpers`` with the helpers' pids; returns how many picks were written by then."""
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline and proc.poll() is None:
        helpers[:] = _children(proc.pid) or helpers
        if _count() > 0:
            helpers[:] = _children(proc.pid) or helpers
            break
        time.sleep(0.005)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    written = _count()
    assert helpers, "the push ran in forked helpers"
    assert 0 < written, "killed after its first commit"

    # the helpers die with their parent (they held the parent's database connections)
    deadline = time.monotonic() + 10
    while any(_alive(h) for h in helpers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not [h for h in helpers if _alive(h)]
    return written
