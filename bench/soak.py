"""Soak test: mixed traffic against a live gunicorn for N minutes, with one worker killed (SIGKILL)
at a third of the time and PostgreSQL restarted at two thirds, then a check of every acknowledged
write against the database.

    scripts/pg-tmp --db soak -- .venv/bin/python bench/soak.py --minutes 10     # PostgreSQL (restarted once)
    .venv/bin/python bench/soak.py --minutes 1 --database-url sqlite:////tmp/soak.db  # SQLite (no restart)

Traffic (8 client threads, each a random member): recommendations, own profile, events (reads);
likes and passes; event sign-ups and cancellations; a reviewer deciding the queue while members
edit a public field (back to pending). Prints answers by status (503 during the PostgreSQL
restart is expected; any other 5xx is unexpected), lost writes (acknowledged 201/204 but not in
the database), duplicated writes (a pair stored twice), and each worker's resident memory at the
start and the end of the run (workers that lived through it). Targets (issue 13): 0 unexpected
5xx, 0 lost writes, RSS growth under 10 %.
"""

from __future__ import annotations

import argparse
import collections
import os
import random
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
SECRET = "soak-secret-key-0123456789abcdef0123456789abcdef"
PY = sys.executable


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_kb(pid: int) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def workers_of(master: int) -> list[int]:
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(master)], capture_output=True, text=True).stdout
    return [int(p) for p in out.split()]


def flask(env: dict[str, str], *args: str) -> str:
    return subprocess.run([PY, "-m", "flask", "--app", "matchsvc", *args], env=env, cwd=ROOT, check=True,
                          capture_output=True, text=True).stdout


def restart_postgres(url: str) -> float:
    """pg_ctl restart -m fast of the server behind ``url`` (scripts/pg-tmp puts pg_ctl on PATH)."""
    import sqlalchemy as sa

    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.connect() as conn:
        data_dir = conn.execute(sa.text("SHOW data_directory")).scalar()
    engine.dispose()
    cmd = ["pg_ctl", "restart", "-D", data_dir, "-m", "fast", "-w", "-l", str(Path(data_dir).parent / "postgres.log")]
    if os.geteuid() == 0:
        cmd = ["runuser", "-u", "postgres", "--"] + cmd
    started = time.monotonic()
    subprocess.run(cmd, check=True, capture_output=True, cwd="/")
    return time.monotonic() - started


def tokens(env: dict[str, str], members: int) -> tuple[list[tuple[int, int, str]], str, list[int]]:
    """(account id, profile id, token) of approved members, a reviewer's token, open event ids."""
    os.environ.update({k: env[k] for k in ("DATABASE_URL", "SECRET_KEY")})
    import sqlalchemy as sa
    from flask_jwt_extended import create_access_token

    from matchsvc import create_app
    from matchsvc.accounts.models import Account
    from matchsvc.events.models import Event
    from matchsvc.extensions import db
    from matchsvc.profiles.models import Profile, ProfileStatus

    app = create_app({"RATELIMIT_ENABLED": False})
    with app.app_context():
        rows = db.session.execute(sa.select(Profile.account_id, Profile.id).where(
            Profile.status == ProfileStatus.approved).order_by(Profile.id).limit(members)).all()
        out = [(a, p, create_access_token(identity=str(a))) for a, p in rows]
        reviewer = db.session.scalar(sa.select(Account.id).where(Account.username == "demo_reviewer"))
        events = list(db.session.scalars(sa.select(Event.id)))
        token = create_access_token(identity=str(reviewer))
        db.session.remove()
        db.engine.dispose()
    return out, token, events


def create_events(base: str, env: dict[str, str], n: int) -> list[int]:
    os.environ.update({k: env[k] for k in ("DATABASE_URL", "SECRET_KEY")})
    import sqlalchemy as sa
    from flask_jwt_extended import create_access_token

    from matchsvc import create_app
    from matchsvc.accounts.models import Account
    from matchsvc.extensions import db
    from matchsvc.orgs.models import OrgUnit

    app = create_app({"RATELIMIT_ENABLED": False})
    with app.app_context():
        organizer = db.session.scalar(sa.select(Account.id).where(Account.username == "demo_organizer"))
        root = db.session.scalar(sa.select(OrgUnit.id).where(OrgUnit.parent_id.is_(None)).order_by(OrgUnit.id))
        token = create_access_token(identity=str(organizer))
        db.session.remove()
        db.engine.dispose()
    from datetime import datetime, timedelta, timezone

    now = datetime.now(timezone.utc)
    ids = []
    for i in range(n):
        body = {"title": f"周末联谊 {i}", "starts_at": (now + timedelta(days=7)).isoformat(),
                "ends_at": (now + timedelta(days=7, hours=3)).isoformat(),
                "signup_deadline": (now + timedelta(days=5)).isoformat(), "capacity": 400,
                "org_unit_ids": [root]}
        r = requests.post(base + "/events", json=body, headers={"Authorization": f"Bearer {token}"}, timeout=60)
        r.raise_for_status()
        ids.append(r.json()["id"])
    return ids


class Traffic:
    def __init__(self, base: str, members: list[tuple[int, int, str]], reviewer: str, events: list[int]) -> None:
        self.base, self.members, self.reviewer, self.events = base, members, reviewer, events
        self.statuses: collections.Counter[tuple[str, int]] = collections.Counter()
        self.unexpected: list[tuple[float, str, int]] = []
        self.likes: set[tuple[int, int]] = set()
        self.signups: dict[tuple[int, int], bool] = {}  # (event, profile) -> signed up at the end
        self.lock = threading.Lock()
        self.stop = threading.Event()
        #: PostgreSQL restarts (start, end); the end is infinite while it is under way, so that an
        #: answer arriving during the restart is judged against it
        self.outage: list[tuple[float, float]] = []
        #: when a worker was killed: a request it was serving just then loses its connection
        self.kills: list[float] = []

    def call(self, session: requests.Session, method: str, url: str, token: str, kind: str, **kw) -> int:
        sent = time.monotonic()
        try:
            r = session.request(method, self.base + url, headers={"Authorization": f"Bearer {token}"},
                                timeout=60, **kw)
            status = r.status_code
        except requests.RequestException:
            status = 0
        now = time.monotonic()
        with self.lock:
            self.statuses[(kind, status)] += 1
            in_outage = any(a - 1 <= now <= b + 5 for a, b in self.outage)
            cut_off = status == 0 and any(sent <= k <= now for k in self.kills)  # in flight at the kill
            if (status == 0 and not cut_off) or (status >= 500 and not (status == 503 and in_outage)):
                self.unexpected.append((now, f"{method} {url}", status))
        return status

    def member_loop(self, seed: int) -> None:
        rnd = random.Random(seed)
        s = requests.Session()
        while not self.stop.is_set():
            account, profile, token = rnd.choice(self.members)
            other = rnd.choice(self.members)[1]
            op = rnd.random()
            if op < 0.35:
                self.call(s, "GET", "/me/recommendations?limit=20", token, "read")
            elif op < 0.5:
                self.call(s, "GET", "/me/profile", token, "read")
            elif op < 0.6:
                self.call(s, "GET", "/events", token, "read")
            elif op < 0.75 and other != profile:
                if self.call(s, "POST", "/me/likes", token, "like", json={"profile_id": other}) == 201:
                    with self.lock:
                        self.likes.add((profile, other))
            elif op < 0.9 and self.events:
                event = rnd.choice(self.events)
                if rnd.random() < 0.7:
                    if self.call(s, "POST", f"/events/{event}/signups", token, "signup") == 201:
                        with self.lock:
                            self.signups[(event, profile)] = True
                elif self.call(s, "DELETE", f"/events/{event}/signups/me", token, "cancel") == 204:
                    with self.lock:
                        self.signups[(event, profile)] = False
            else:
                self.call(s, "PUT", "/me/profile", token, "edit", json={"occupation": f"职员{rnd.randint(1, 99)}"})

    def reviewer_loop(self) -> None:
        s = requests.Session()
        while not self.stop.is_set():
            try:
                queue = s.get(self.base + "/reviews/queue?per_page=20",
                              headers={"Authorization": f"Bearer {self.reviewer}"}, timeout=60)
                items = queue.json().get("items", []) if queue.status_code == 200 else []
            except (requests.RequestException, ValueError):
                items = []
            for item in items[:5]:
                self.call(s, "POST", f"/profiles/{item['id']}/review", self.reviewer, "review",
                          json={"decision": "approve", "note": "soak"})
            time.sleep(0.5)


def check_writes(env: dict[str, str], traffic: Traffic) -> dict[str, int]:
    import sqlalchemy as sa

    url = env["DATABASE_URL"].replace("postgresql://", "postgresql+psycopg://", 1)
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        likes = collections.Counter(conn.execute(sa.text("SELECT actor_id, target_id FROM likes")).all())
        signups = collections.Counter(conn.execute(sa.text(
            "SELECT event_id, profile_id FROM event_signups WHERE status <> 'cancelled'")).all())
    engine.dispose()
    likes = collections.Counter({tuple(k): v for k, v in likes.items()})
    signups = collections.Counter({tuple(k): v for k, v in signups.items()})
    wanted_signups = {k for k, v in traffic.signups.items() if v}
    return {
        "likes acknowledged": len(traffic.likes),
        "likes lost": sum(1 for pair in traffic.likes if likes[pair] == 0),
        "likes duplicated": sum(1 for n in likes.values() if n > 1),
        "sign-ups acknowledged (standing)": len(wanted_signups),
        "sign-ups lost": sum(1 for pair in wanted_signups if signups[pair] == 0),
        "sign-ups duplicated": sum(1 for n in signups.values() if n > 1),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--database-url", default=os.environ.get("TEST_DATABASE_URL"))
    parser.add_argument("--profiles", type=int, default=2000)
    parser.add_argument("--members", type=int, default=200, help="members sending traffic")
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="soak-"))
    url = args.database_url or f"sqlite:///{tmp / 'soak.db'}"
    postgres = url.startswith("postgres")
    port = free_port()
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": SECRET, "RATELIMIT_ENABLED": "false",
           "GUNICORN_BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": "2", "DAILY_LIKE_LIMIT": "0",
           "PROMETHEUS_MULTIPROC_DIR": str(tmp / "prom"), "WEBHOOK_URL": ""}
    print(f"soak: {args.minutes:g} min on {'PostgreSQL' if postgres else 'SQLite'}, port {port}", flush=True)
    flask(env, "db", "upgrade")
    flask(env, "seed-demo", "--profiles", str(args.profiles), "--if-empty")
    members, reviewer, events = tokens(env, args.members)
    log = open(tmp / "gunicorn.log", "wb")
    server = subprocess.Popen([PY, "-m", "gunicorn", "-c", "gunicorn.conf.py", "matchsvc:create_app()"], env=env,
                              cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}/api/v1"
    try:
        for _ in range(1200):
            try:
                if requests.get(f"http://127.0.0.1:{port}/readyz", timeout=10).status_code == 200:
                    break
            except requests.RequestException:
                pass
            time.sleep(0.25)
        events = events or create_events(base, env, 5)
        traffic = Traffic(base, members, reviewer, events)
        threads = [threading.Thread(target=traffic.member_loop, args=(i,), daemon=True) for i in range(args.threads)]
        threads.append(threading.Thread(target=traffic.reviewer_loop, daemon=True))
        for t in threads:
            t.start()
        time.sleep(min(20.0, args.minutes * 60 / 6))  # warm up before the first memory reading
        rss_start = {pid: rss_kb(pid) for pid in workers_of(server.pid)}
        duration = args.minutes * 60
        began = time.monotonic()
        killed = False
        restarted = not postgres
        while time.monotonic() - began < duration:
            elapsed = time.monotonic() - began
            if not killed and elapsed >= duration / 3:
                victim = workers_of(server.pid)[0]
                traffic.kills.append(time.monotonic())
                os.kill(victim, signal.SIGKILL)
                rss_start.pop(victim, None)
                print(f"soak: killed worker {victim} at {elapsed:.0f} s", flush=True)
                killed = True
            if not restarted and elapsed >= 2 * duration / 3:
                at = time.monotonic()
                traffic.outage.append((at, float("inf")))
                took = restart_postgres(url)
                traffic.outage[-1] = (at, at + took)
                print(f"soak: restarted PostgreSQL at {elapsed:.0f} s ({took:.1f} s)", flush=True)
                restarted = True
            time.sleep(0.5)
        rss_end = {pid: rss_kb(pid) for pid in workers_of(server.pid)}
        traffic.stop.set()
        for t in threads:
            t.join(timeout=90)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        log.close()
    writes = check_writes(env, traffic)
    total = sum(traffic.statuses.values())
    print(f"\nrequests: {total:,} in {args.minutes:g} min")
    print("answers by kind and status:")
    for (kind, status), n in sorted(traffic.statuses.items()):
        print(f"  {kind:8s} {status:3d}  {n:,}")
    print(f"unexpected 5xx or failed connections: {len(traffic.unexpected)}")
    for at, what, status in traffic.unexpected[:10]:
        print(f"  {status} {what}")
    for name, value in writes.items():
        print(f"{name}: {value}")
    print("resident memory per worker (workers alive from the first reading to the last):")
    grown = []
    for pid, start in rss_start.items():
        end = rss_end.get(pid)
        if start and end:
            grown.append((end - start) / start * 100)
            print(f"  worker {pid}: {start / 1024:.0f} MB -> {end / 1024:.0f} MB ({grown[-1]:+.1f} %)")
    text = (tmp / "gunicorn.log").read_text(errors="replace")
    print(f"log: {text.count('Traceback')} tracebacks, {len(re.findall('database unavailable', text))} "
          f"'database unavailable' lines, {len(text):,} bytes")
    ok = (not traffic.unexpected and writes["likes lost"] == 0 and writes["sign-ups lost"] == 0
          and writes["likes duplicated"] == 0 and writes["sign-ups duplicated"] == 0
          and all(g < 10 for g in grown))
    print("soak: PASS" if ok else "soak: FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
