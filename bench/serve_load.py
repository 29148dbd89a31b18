"""Speed and memory of matchsvc under gunicorn, on a pool of N approved profiles (default 100,000).

Measured in ONE run on the same server and load, because timings on shared machines are noisy:
ratios against a one-row read count, not absolute numbers.

    python bench/serve_load.py                       # seed 100k into a temp SQLite file, measure
    python bench/serve_load.py --database-url sqlite:////tmp/bench.db --reuse

Prints: seed time; first-call index build (both gunicorn workers build at once, one per core);
req/s and p50/p99 of ``GET /api/v1/me/recommendations?limit=20`` beside ``GET /api/v1/me/profile``
with 8 concurrent clients (wrk, random members per request, medians over rounds); resident memory
per worker; ``push-daily`` for every member. Needs ``wrk`` (``apt-get install -y wrk``).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = Path(sys.executable)
FLASK = [str(PY), "-m", "flask", "--app", "matchsvc"]
SECRET = "bench-secret-key-0123456789abcdef0123456789abcdef"

LUA = """
local tokens = {}
for line in io.lines("%s") do tokens[#tokens + 1] = line end
math.randomseed(os.time())
request = function()
  local t = tokens[math.random(#tokens)]
  return wrk.format("GET", "%s", {["Authorization"] = "Bearer " .. t})
end
"""


def env(db_url: str) -> dict[str, str]:
    e = dict(os.environ)
    e.update(DATABASE_URL=db_url, SECRET_KEY=SECRET, RATELIMIT_ENABLED="false", OMP_NUM_THREADS="1",
             OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1", PYTHONWARNINGS="ignore")
    return e


def run(cmd: list[str], db_url: str) -> tuple[float, str]:
    started = time.perf_counter()
    out = subprocess.run(cmd, cwd=ROOT, env=env(db_url), check=True, capture_output=True, text=True)
    return time.perf_counter() - started, out.stdout + out.stderr


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def tokens(db_url: str, n: int) -> list[str]:
    code = f"""
import random, sqlalchemy as sa
from flask_jwt_extended import create_access_token
from matchsvc import create_app
from matchsvc.extensions import db
from matchsvc.profiles.models import Profile
app = create_app()
with app.app_context():
    ids = db.session.scalars(sa.select(Profile.account_id).where(Profile.is_matchable)).all()
    random.Random(7).shuffle(ids)
    for i in ids[:{n}]:
        print(create_access_token(identity=str(i)))
"""
    out = subprocess.run([str(PY), "-c", code], cwd=ROOT, env=env(db_url), check=True, capture_output=True, text=True)
    return [line for line in out.stdout.splitlines() if line.count(".") == 2]


def get(url: str, token: str, timeout: float = 120) -> tuple[int, float]:
    req = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
    started = time.perf_counter()
    with urllib.request.urlopen(req, timeout=timeout) as resp:
        resp.read()
        return resp.status, time.perf_counter() - started


def wrk(url: str, token_file: Path, path: str, clients: int, seconds: int) -> dict[str, float]:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as fh:
        fh.write(LUA % (token_file, path))
        script = fh.name
    out = subprocess.run(["wrk", "-t2", f"-c{clients}", f"-d{seconds}s", "--latency", "-s", script, url],
                         check=True, capture_output=True, text=True).stdout
    os.unlink(script)

    def ms(label: str) -> float:
        m = re.search(rf"^\s*{label}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        assert m, out
        value, unit = float(m.group(1)), m.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {"rps": rps, "p50": ms("50"), "p99": ms("99"), "non2xx": int(errors.group(1)) if errors else 0}


def rss_mb(master: int) -> list[float]:
    children = subprocess.run(["pgrep", "-P", str(master)], capture_output=True, text=True).stdout.split()
    out = []
    for pid in children:
        status = Path(f"/proc/{pid}/status").read_text()
        kb = int(re.search(r"VmRSS:\s+(\d+)", status).group(1))  # type: ignore[union-attr]
        out.append(kb / 1024)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--profiles", type=int, default=100_000)
    ap.add_argument("--database-url", default=None)
    ap.add_argument("--reuse", action="store_true", help="the database is already seeded")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--seconds", type=int, default=15)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--members", type=int, default=400, help="distinct members the load cycles through")
    ap.add_argument("--json", type=Path)
    ap.add_argument("--skip-push", action="store_true", help="don't time push-daily")
    args = ap.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is needed: apt-get install -y wrk")
    tmp = Path(tempfile.mkdtemp(prefix="matchsvc-bench-"))
    db_url = args.database_url or f"sqlite:///{tmp / 'bench.db'}"
    figures: dict[str, object] = {"profiles": args.profiles, "workers": args.workers, "clients": args.clients}

    run(FLASK + ["db", "upgrade"], db_url)
    if not args.reuse:
        seconds, _ = run(FLASK + ["seed-demo", "--profiles", str(args.profiles), "--no-progress"], db_url)
        figures["seed_seconds"] = round(seconds, 1)
        print(f"seed-demo --profiles {args.profiles}: {seconds:.1f} s", flush=True)
    token_file = tmp / "tokens.txt"
    toks = tokens(db_url, args.members)
    token_file.write_text("\n".join(toks) + "\n")

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    started = time.perf_counter()
    server = subprocess.Popen([str(PY), "-m", "gunicorn", "-w", str(args.workers), "-b", f"127.0.0.1:{port}",
                               "--timeout", "300", "--log-level", "warning", "--access-logfile", "/dev/null",
                               "matchsvc:create_app()"],
                              cwd=ROOT, env=env(db_url), start_new_session=True)
    try:
        for _ in range(1500):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=1).read()
                break
            except OSError:
                time.sleep(0.2)
        figures["startup_seconds"] = round(time.perf_counter() - started, 1)
        print(f"gunicorn start-up until it answers (the master builds the index first): "
              f"{figures['startup_seconds']} s", flush=True)
        # First calls: one per worker at once (a sync worker serves one request at a time).
        import concurrent.futures as cf

        with cf.ThreadPoolExecutor(args.workers) as pool:
            firsts = list(pool.map(lambda t: get(base + "/api/v1/me/recommendations?limit=20", t)[1],
                                   toks[:args.workers]))
        figures["first_call_seconds"] = round(max(firsts), 2)
        print(f"first call in each worker: {max(firsts):.2f} s", flush=True)
        # Cold rankings: every member's first request after the build.
        with cf.ThreadPoolExecutor(args.workers) as pool:
            cold = list(pool.map(lambda t: get(base + "/api/v1/me/recommendations?limit=20", t)[1], toks))
        figures["cold_ranking_ms_median"] = round(statistics.median(cold) * 1000, 1)
        print(f"first request per member (ranking computed): median {statistics.median(cold) * 1000:.1f} ms", flush=True)

        results: dict[str, list[dict[str, float]]] = {"read": [], "recommendations": []}
        paths = {"read": "/api/v1/me/profile", "recommendations": "/api/v1/me/recommendations?limit=20"}
        for _ in range(args.rounds):
            for name in ("read", "recommendations"):
                results[name].append(wrk(base, token_file, paths[name], args.clients, args.seconds))
        summary = {}
        for name, rows in results.items():
            summary[name] = {k: round(statistics.median(r[k] for r in rows), 1) for k in ("rps", "p50", "p99")}
            summary[name]["non2xx"] = sum(r["non2xx"] for r in rows)
        figures["load"] = summary
        ratio = summary["recommendations"]["rps"] / summary["read"]["rps"]
        figures["throughput_ratio"] = round(ratio, 2)
        figures["rss_mb"] = [round(x) for x in rss_mb(server.pid)]
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()

    if args.skip_push:
        figures["push_daily_seconds"], figures["push_daily_output"] = None, "skipped"
    # a day nobody has been pushed for yet (the push is idempotent per date)
    push_day = (__import__("datetime").date(2030, 1, 1) + __import__("datetime").timedelta(days=int(time.time()) % 20000))
    if not args.skip_push:
        seconds, out = run(FLASK + ["push-daily", "--date", push_day.isoformat()], db_url)
        figures["push_daily_seconds"] = round(seconds, 1)
        figures["push_daily_output"] = out.strip().splitlines()[-1]

    print()
    print(f"{'endpoint':<34}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'non-2xx':>9}")
    for name, label in (("read", "GET /api/v1/me/profile"), ("recommendations", "GET /api/v1/me/recommendations")):
        s = summary[name]
        print(f"{label:<34}{s['rps']:>9.0f}{s['p50']:>9.1f}{s['p99']:>9.1f}{s['non2xx']:>9}")
    print(f"recommendations / one-row read throughput: {ratio:.2f} (target ≥ 0.5); p99 target ≤ 100 ms")
    print(f"start-up with index build: {figures['startup_seconds']} s; first call: {figures['first_call_seconds']} s "
          "(target ≤ 20 s)")
    print(f"resident memory per worker: {figures['rss_mb']} MB (target ≤ 600 MB)")
    print(f"push-daily for every member: {figures['push_daily_seconds']} s (target ≤ 120 s) — {figures['push_daily_output']}")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2, ensure_ascii=False))
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    random.seed(0)
    main()
