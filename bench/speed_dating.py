"""The speed-dating evaluation protocol, through the HTTP API, against a live gunicorn.

Runs `../shared/data/speed-dating/README.md` ("How the acceptance evaluation uses this data") on
the training waves exactly as the acceptance evaluation runs it on the held-out ones:

* every wave is its own fresh service: a new SQLite file in a temp dir (or, with
  `--database-url`, a PostgreSQL database whose schema is dropped and recreated per wave),
  `flask --app matchsvc db upgrade`, `flask --app matchsvc create-admin`, then
  `gunicorn -w 2 -b 127.0.0.1:PORT 'matchsvc:create_app()'` (RATELIMIT_ENABLED=false,
  OMP_NUM_THREADS=1), stopped at the end of the wave whatever happens;
* over HTTP only: the admin creates an org unit and a reviewer; every participant registers in
  that unit, logs in, reads the consent version, writes the README's profile
  (`bench.speed_dating_profiles.build_profiles`), submits it, and the reviewer approves it;
* cold: everyone asks `GET /me/recommendations?limit=200`; the order of the people they met in
  that list is their ranking (missing → last), scored against `match`;
* warm: the observed half of the dates (`bench.offline_speed_dating.observed_split`: numpy
  `default_rng(7)`, one draw per unordered date in file order, re-seeded per wave) is replayed
  as `POST /me/likes` / `POST /me/passes` in a seeded shuffled order (the offline simulation's
  order), then everyone asks again and their unobserved dates are scored.

Metrics (`bench.speed_dating_metrics`): mean per-person ROC AUC over the people with at least
one match and one non-match, precision@3 and NDCG@5. Every HTTP call must answer 2xx: anything
else aborts the run with a message and exit status 1 (the acceptance counts such a run as failed).

The offline simulation (`bench.offline_speed_dating.run`) is computed for the same waves and
printed beside the HTTP figures, with a per-person comparison of the rankings, so that any gap
between the service and the matching modules shows up.

Run from the repository root (the venv's python):

    python -m bench.speed_dating                      # waves 1–10 on SQLite
    python -m bench.speed_dating --waves 1,2,3 --json out.json
    python -m bench.speed_dating --database-url postgresql://user@127.0.0.1:5432/db
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import requests

if __package__ in (None, ""):  # run as a script: make `bench` and `matchsvc` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import offline_speed_dating as offline  # noqa: E402
from bench.speed_dating_metrics import Summary, per_person, ranking_scores, summarise  # noqa: E402
from bench.speed_dating_profiles import build_profiles  # noqa: E402

API = "/api/v1"
LIMIT = offline.LIMIT  # 200, the README's ?limit=
SEED = offline.SEED  # 7, the README's generator seed (also the replay shuffle)
PORTS = range(18100, 18200)
DEFAULT_WAVES = tuple(range(1, 11))
READY_TIMEOUT = 180.0  # seconds for gunicorn to bind and answer /readyz (the CPU is shared)
HTTP_TIMEOUT = (10.0, 300.0)  # (connect, read) seconds per request


REPO = Path(__file__).resolve().parents[1]


def source_fingerprint() -> str:
    """A hash of the service's and the offline simulation's Python sources. Each wave's gunicorn
    imports the working tree as it is when the wave starts, while the offline figures use the
    modules imported when this script started: if the tree changes mid-run, they disagree."""
    h = hashlib.sha256()
    files = sorted((REPO / "matchsvc").rglob("*.py")) + sorted((REPO / "bench").glob("*.py"))
    for f in files:
        if f.name == Path(__file__).name:
            continue
        h.update(str(f.relative_to(REPO)).encode() + b"\0")
        try:
            h.update(f.read_bytes())
        except OSError:
            pass
    return h.hexdigest()[:16]


class BenchError(RuntimeError):
    """The run cannot go on (a failed HTTP call, a service that will not start, …)."""


# --------------------------------------------------------------------------------------------
# The service under test
# --------------------------------------------------------------------------------------------


def _venv_tool(name: str) -> str:
    """The console script `name` next to this interpreter (the venv's), else on PATH."""
    here = Path(sys.executable).parent / name
    if here.exists():
        return str(here)
    found = shutil.which(name)
    if not found:
        raise BenchError(f"cannot find the `{name}` command next to {sys.executable} or on PATH")
    return found


def _port_is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _reset_postgres(url: str) -> None:
    """Drop and recreate the connection's current schema (a fresh service per wave)."""
    import psycopg
    from psycopg import sql

    conninfo = url
    for prefix in ("postgresql+psycopg://", "postgresql+psycopg2://", "postgres://"):
        if conninfo.startswith(prefix):
            conninfo = "postgresql://" + conninfo[len(prefix):]
    try:
        with psycopg.connect(conninfo, autocommit=True) as conn:
            schema = conn.execute("SELECT current_schema()").fetchone()[0] or "public"
            ident = sql.Identifier(schema)
            conn.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(ident))
            conn.execute(sql.SQL("CREATE SCHEMA {}").format(ident))
    except psycopg.Error as exc:
        raise BenchError(f"cannot reset the PostgreSQL schema at {url}: {exc}") from exc


class Service:
    """One fresh matchsvc behind gunicorn: its own database, admin and port. A context manager
    that always stops gunicorn (and removes the temp dir) on the way out."""

    def __init__(self, wave: int, *, database_url: str | None, keep: bool = False) -> None:
        self.wave = wave
        self.keep = keep
        self.tmp = Path(tempfile.mkdtemp(prefix=f"speed-dating-w{wave}-"))
        self.database_url = database_url or f"sqlite:///{self.tmp / 'matchsvc.db'}"
        self.postgres = database_url is not None
        self.admin = ("bench_admin", secrets.token_urlsafe(18))
        self.env = dict(os.environ)
        self.env.update(
            DATABASE_URL=self.database_url,
            RATELIMIT_ENABLED="false",
            SECRET_KEY=secrets.token_hex(32),
            OMP_NUM_THREADS="1",
        )
        self.proc: subprocess.Popen | None = None
        self.port: int | None = None
        self.log_path = self.tmp / "gunicorn.log"
        self._log = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _flask(self, *args: str) -> None:
        cmd = [_venv_tool("flask"), "--app", "matchsvc", *args]
        shown = " ".join(a if a != self.admin[1] else "***" for a in cmd[1:])
        try:
            done = subprocess.run(cmd, cwd=self.tmp, env=self.env, capture_output=True, text=True, timeout=600)
        except subprocess.TimeoutExpired as exc:
            raise BenchError(f"`{shown}` timed out") from exc
        if done.returncode != 0:
            tail = (done.stderr or done.stdout).strip().splitlines()[-15:]
            raise BenchError(f"`{shown}` failed (exit {done.returncode}):\n  " + "\n  ".join(tail))

    def __enter__(self) -> Service:
        try:
            if self.postgres:
                _reset_postgres(self.database_url)
            self._flask("db", "upgrade")
            self._flask("create-admin", "--username", self.admin[0], "--password", self.admin[1])
            self._start()
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def _start(self) -> None:
        gunicorn = _venv_tool("gunicorn")
        ports = list(PORTS)
        start = secrets.randbelow(len(ports))  # spread concurrent runs over the range
        tried = 0
        for port in ports[start:] + ports[:start]:
            if not _port_is_free(port):
                continue
            tried += 1
            self._log = open(self.log_path, "ab")
            # cwd = the temp dir: a gunicorn.conf.py in the caller's directory must not apply
            self.proc = subprocess.Popen(
                [gunicorn, "-w", "2", "-b", f"127.0.0.1:{port}", "matchsvc:create_app()"],
                cwd=self.tmp, env=self.env, stdout=self._log, stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            self.port = port
            if self._wait_ready():
                return
            self._stop()
            if tried >= 5:
                break
        raise BenchError(f"gunicorn did not become ready on any port in {PORTS.start}–{PORTS.stop - 1}"
                         f" (wave {self.wave}); its log:\n{self.log_tail()}")

    def _wait_ready(self) -> bool:
        """True once *our* gunicorn has bound its port and /readyz answers 200; False if it
        exited (e.g. the port was taken after all)."""
        deadline = time.monotonic() + READY_TIMEOUT
        marker = f"Listening at: http://127.0.0.1:{self.port}".encode()
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                return False
            if marker in self.log_path.read_bytes():
                try:
                    r = requests.get(self.base + "/readyz", timeout=5)
                    if r.status_code == 200:
                        return True
                except requests.RequestException:
                    pass
            time.sleep(0.25)
        raise BenchError(f"gunicorn on port {self.port} not ready after {READY_TIMEOUT:.0f} s; its log:\n"
                         + self.log_tail())

    def state(self) -> str:
        """Is our gunicorn master still there? (Tells a crash or an outside kill from a bad answer.)"""
        if self.proc is None:
            return "gunicorn not running"
        rc = self.proc.poll()
        if rc is None:
            return f"gunicorn master (pid {self.proc.pid}) still running"
        how = f"killed by signal {-rc} ({signal.Signals(-rc).name})" if rc < 0 else f"exit status {rc}"
        return f"gunicorn master (pid {self.proc.pid}) has ended: {how}"

    def log_tail(self, n: int = 40) -> str:
        try:
            lines = self.log_path.read_text(errors="replace").splitlines()
        except OSError:
            return "  (no log)"
        return "\n".join("  " + line for line in lines[-n:])

    def _stop(self) -> None:
        proc, self.proc = self.proc, None
        if proc is not None and proc.poll() is None:
            proc.send_signal(signal.SIGTERM)  # graceful: the master stops its workers
            try:
                proc.wait(timeout=40)
            except subprocess.TimeoutExpired:
                pass
        if proc is not None:
            try:  # anything left in the group we started (a stuck worker)
                os.killpg(proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass
        if self._log is not None:
            self._log.close()
            self._log = None

    def __exit__(self, *exc: Any) -> None:
        try:
            self._stop()
        finally:
            if not self.keep:
                shutil.rmtree(self.tmp, ignore_errors=True)


# --------------------------------------------------------------------------------------------
# HTTP client: every call must answer 2xx
# --------------------------------------------------------------------------------------------


class Client:
    def __init__(self, base: str) -> None:
        self.base = base
        self.http = requests.Session()
        self.calls = 0
        #: 2xx answers other than the status API.md names (the run goes on: only non-2xx fails it)
        self.deviations: dict[str, str] = {}

    def call(self, method: str, path: str, *, token: str | None = None, body: Any = None,
             params: dict | None = None, expect: int | None = None, who: str = "") -> Any:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self.calls += 1
        where = f"{method} {API}{path}" + (f" (as {who})" if who else "")
        try:
            r = self.http.request(method, self.base + API + path, json=body, params=params, headers=headers,
                                  timeout=HTTP_TIMEOUT)
        except requests.RequestException as exc:
            raise BenchError(f"{where}: no answer: {exc}") from exc
        if not 200 <= r.status_code < 300:
            raise BenchError(f"{where}: HTTP {r.status_code} (expected {expect or '2xx'}): {r.text[:800]}")
        if expect is not None and r.status_code != expect:
            self.deviations.setdefault(f"{method} {re.sub(r'/[0-9]+', '/{id}', path)}",
                                       f"{where}: HTTP {r.status_code}, API.md says {expect}")
        if r.status_code == 204 or not r.content:
            return None
        try:
            return r.json()
        except ValueError as exc:
            raise BenchError(f"{where}: HTTP {r.status_code} but not JSON: {r.text[:300]}") from exc

    def token(self, username: str, password: str) -> str:
        out = self.call("POST", "/auth/token", body={"username": username, "password": password}, expect=200,
                        who=username)
        return out["access_token"]


# --------------------------------------------------------------------------------------------
# One wave through the API
# --------------------------------------------------------------------------------------------


@dataclass
class PersonResult:
    """One person's ranking of the dates that count in one phase (iids in `judged` order)."""

    judged: list[int]
    labels: list[int]
    scores: list[float]  # ranking_scores(listed, judged)
    listed: int  # items the service returned
    missing: list[int] = field(default_factory=list)  # judged people absent from the list


@dataclass
class WaveResult:
    wave: int
    people: int
    cold: dict[int, PersonResult]
    warm: dict[int, PersonResult]
    replayed: int
    seconds: float
    http_calls: int
    port: int
    warnings: list[str] = field(default_factory=list)


def _rank(client: Client, who: str, token: str, judged: list[int], iid_of: dict[int, int],
          labels: list[int], exclude: set[int], warnings: list[str]) -> PersonResult:
    out = client.call("GET", "/me/recommendations", token=token, params={"limit": LIMIT}, expect=200, who=who)
    items = out["items"]
    listed = []
    for item in items:
        pid = item["profile"]["id"]
        if pid not in iid_of:
            raise BenchError(f"{who}: recommendation of an unknown profile id {pid}")
        listed.append(iid_of[pid])
    if len(set(listed)) != len(listed):
        warnings.append(f"{who}: duplicate profiles in the recommendations")
    shown_again = sorted(set(listed) & exclude)
    if shown_again:
        warnings.append(f"{who}: recommended again after a like/pass: {shown_again}")
    missing = [j for j in judged if j not in set(listed)]
    return PersonResult(judged=judged, labels=labels, scores=ranking_scores(listed, judged).tolist(),
                        listed=len(listed), missing=missing)


def run_wave(wave: offline.Wave, profiles: dict[int, dict], observed: dict[tuple[int, int], bool], *,
             database_url: str | None, keep: bool, progress: bool) -> WaveResult:
    started = time.perf_counter()
    people = [r.id for r in wave.rows]  # iids, ascending (registration order)
    met = offline._met(wave)  # iid → partners in file order (the offline simulation's order)
    warnings: list[str] = []

    def say(msg: str) -> None:
        if progress:
            print(f"  [wave {wave.wave} {time.perf_counter() - started:6.1f}s] {msg}", file=sys.stderr, flush=True)

    with Service(wave.wave, database_url=database_url, keep=keep) as svc:
        say(f"gunicorn up on port {svc.port} ({'PostgreSQL' if svc.postgres else 'SQLite'} {svc.tmp})")
        client = Client(svc.base)
        try:
            admin = client.token(*svc.admin)
            unit = client.call("POST", "/org-units", token=admin, body={"name": f"速配第{wave.wave}场", "parent_id": None},
                               expect=201, who="admin")
            unit_id = unit["id"]
            # a reviewer for the unit
            rev_name, rev_pw = f"reviewer_w{wave.wave}", secrets.token_urlsafe(15)
            acc = client.call("POST", "/auth/register", body={"username": rev_name, "password": rev_pw,
                                                               "org_unit_id": unit_id}, expect=201, who=rev_name)
            found = client.call("GET", "/accounts", token=admin, params={"username": rev_name}, who="admin")
            ids = [a["id"] for a in found["items"] if a["username"] == rev_name]
            if ids != [acc["id"]]:
                warnings.append(f"GET /accounts?username={rev_name} does not list the new account: {found}")
            client.call("PUT", f"/accounts/{acc['id']}/roles", token=admin,
                        body={"roles": ["member", "reviewer"], "org_unit_id": unit_id}, expect=200, who="admin")
            reviewer = client.token(rev_name, rev_pw)

            # participants: register, log in, consent, profile, submit
            tokens: dict[int, str] = {}
            pid_of: dict[int, int] = {}
            for iid in people:
                who = f"p{iid}"
                user, pw = f"sd_w{wave.wave}_{iid}", secrets.token_urlsafe(15)
                client.call("POST", "/auth/register", body={"username": user, "password": pw, "org_unit_id": unit_id},
                            expect=201, who=who)
                tokens[iid] = tok = client.token(user, pw)
                version = client.call("GET", "/consent", token=tok, expect=200, who=who)["version"]
                body = dict(profiles[iid], consent={"version": version, "accepted": True})
                prof = client.call("PUT", "/me/profile", token=tok, body=body, expect=200, who=who)
                pid_of[iid] = prof["id"]
                sub = client.call("POST", "/me/profile/submit", token=tok, expect=200, who=who)
                if sub.get("status") != "pending":
                    raise BenchError(f"{who}: submitted profile has status {sub.get('status')!r}, not 'pending'")
            iid_of = {p: i for i, p in pid_of.items()}
            queue = client.call("GET", "/reviews/queue", token=reviewer, params={"per_page": 100}, who="reviewer")
            if queue["total"] != len(people):
                warnings.append(f"review queue holds {queue['total']} profiles, expected {len(people)}")
            for iid in people:
                done = client.call("POST", f"/profiles/{pid_of[iid]}/review", token=reviewer,
                                   body={"decision": "approve"}, expect=200, who="reviewer")
                if done.get("status") not in (None, "approved"):
                    raise BenchError(f"p{iid}: approved profile has status {done.get('status')!r}")
            say(f"{len(people)} profiles approved")

            # cold
            cold: dict[int, PersonResult] = {}
            for iid in people:
                judged = list(met.get(iid, []))
                labels = [wave.dates[(iid, j)][1] for j in judged]
                cold[iid] = _rank(client, f"p{iid}", tokens[iid], judged, iid_of, labels, set(), warnings)
            say("cold rankings done")

            # warm: the observed dates replayed in the offline simulation's shuffled order
            events = [(i, j, bool(d)) for (i, j), (d, _) in wave.dates.items() if observed[(min(i, j), max(i, j))]]
            acted: dict[int, set[int]] = defaultdict(set)
            for k in np.random.default_rng(SEED).permutation(len(events)):
                i, j, liked = events[k]
                client.call("POST", "/me/likes" if liked else "/me/passes", token=tokens[i],
                            body={"profile_id": pid_of[j]}, expect=201, who=f"p{i}")
                acted[i].add(j)
            say(f"{len(events)} likes/passes replayed")
            warm: dict[int, PersonResult] = {}
            for iid in people:
                judged = [j for j in met.get(iid, []) if j not in acted[iid]]
                labels = [wave.dates[(iid, j)][1] for j in judged]
                warm[iid] = _rank(client, f"p{iid}", tokens[iid], judged, iid_of, labels, acted[iid], warnings)
            say("warm rankings done")
        except BenchError as exc:
            raise BenchError(f"wave {wave.wave}: {exc}\n{svc.state()}\n--- gunicorn log (tail) ---\n"
                             f"{svc.log_tail()}") from None
        warnings.extend(client.deviations.values())
        port = svc.port
    return WaveResult(wave=wave.wave, people=len(people), cold=cold, warm=warm, replayed=len(events),
                      seconds=time.perf_counter() - started, http_calls=client.calls, port=port, warnings=warnings)


# --------------------------------------------------------------------------------------------
# Figures, comparison with the offline simulation, report
# --------------------------------------------------------------------------------------------


def summary_of(results: dict[int, PersonResult]) -> Summary:
    scores = {p: r.scores for p, r in results.items()}
    labels = {p: r.labels for p, r in results.items()}
    return summarise(results, scores, labels)


def _order(judged: list[int], scores: Any) -> list[int]:
    """The judged people, best first (stable on ties, as the metrics sort)."""
    s = np.asarray(scores, dtype=float)
    return [judged[k] for k in np.argsort(-s, kind="mergesort")]


def compare_with_offline(wave: offline.Wave, res: WaveResult, observed: dict) -> dict[str, Any]:
    """Per person: is the HTTP ranking of the dates that count the offline one?"""
    out: dict[str, Any] = {}
    for mode, http in (("cold", res.cold), ("warm", res.warm)):
        off_scores, _ = offline.rank_wave(wave, offline.DEFAULT_WEIGHTS, observed if mode == "warm" else None)
        same, differ = 0, []
        for iid, r in http.items():
            off = off_scores.get(iid)
            if off is None:
                continue
            a, b = _order(r.judged, r.scores), _order(r.judged, off)
            if a == b:
                same += 1
                continue
            m_http, m_off = per_person(r.scores, r.labels), per_person(off, r.labels)
            differ.append({"iid": iid, "http": a, "offline": b,
                           "auc_http": None if m_http is None else m_http[0],
                           "auc_offline": None if m_off is None else m_off[0]})
        out[mode] = {"same": same, "differ": differ}
    return out


BASELINES = offline.BASELINES  # README reference figures (held-out waves), (name, cold, warm)


def _fmt(s: Summary | None) -> str:
    if s is None or s.people == 0:
        return f"{'—':>6s} {'—':>6s} {'—':>6s} {0:4d}"
    return f"{s.auc:6.3f} {s.p_at_3:6.3f} {s.ndcg_at_5:6.3f} {s.people:4d}"


def report(results: list[WaveResult], offline_figs: dict | None, comparisons: dict[int, dict], wall: float,
           backend: str) -> dict[str, Any]:
    waves = [r.wave for r in results]
    print()
    print(f"speed-dating protocol through the HTTP API (gunicorn -w 2, {backend}), TRAIN waves "
          f"{','.join(map(str, waves))}; sources {REPO} ({source_fingerprint()})")
    head = f"{'AUC':>6s} {'P@3':>6s} {'NDCG@5':>6s} {'n':>4s}"
    print(f"{'wave':>5s} {'people':>6s} | cold {head} | warm {head} | offline cold   warm | {'time':>6s}")
    figures: dict[str, Any] = {"waves": {}, "overall": {}}
    all_cold: dict[int, PersonResult] = {}
    all_warm: dict[int, PersonResult] = {}
    for r in results:
        c, w = summary_of(r.cold), summary_of(r.warm)
        all_cold.update(r.cold)
        all_warm.update(r.warm)
        oc = ow = None
        if offline_figs is not None:
            oc, ow = offline_figs["cold"][1][r.wave], offline_figs["warm"][1][r.wave]
        off = f"{oc.auc:6.3f} {ow.auc:6.3f}" if oc else f"{'—':>6s} {'—':>6s}"
        print(f"{r.wave:5d} {r.people:6d} |      {_fmt(c)} |      {_fmt(w)} |      {off} | {r.seconds:5.0f}s")
        figures["waves"][str(r.wave)] = {
            "people": r.people, "cold": asdict(c), "warm": asdict(w), "replayed": r.replayed,
            "seconds": round(r.seconds, 1), "http_calls": r.http_calls,
            "offline": None if oc is None else {"cold": asdict(oc), "warm": asdict(ow)},
        }
    c, w = summary_of(all_cold), summary_of(all_warm)
    oc = ow = None
    if offline_figs is not None:
        oc, ow = offline_figs["cold"][0], offline_figs["warm"][0]
    off = f"{oc.auc:6.3f} {ow.auc:6.3f}" if oc else f"{'—':>6s} {'—':>6s}"
    people = sum(r.people for r in results)
    print(f"{'all':>5s} {people:6d} |      {_fmt(c)} |      {_fmt(w)} |      {off} | {wall:5.0f}s")
    figures["overall"] = {"people": people, "cold": asdict(c), "warm": asdict(w),
                          "offline": None if oc is None else {"cold": asdict(oc), "warm": asdict(ow)}}
    if oc is not None:
        print(f"{'':12s}  offline (bench.offline_speed_dating.run), same waves:   cold {_fmt(oc)} | warm {_fmt(ow)}")

    print()
    print("README reference figures (held-out waves 11–21, offline), per-person AUC:")
    print(f"  {'ranking':42s} {'cold':>6s} {'warm':>6s}")
    for name, cold, warm in BASELINES:
        print(f"  {name:42s} {cold:>6s} {warm:>6s}")
    print(f"  {'matchsvc over HTTP (this run, train waves)':42s} {c.auc:6.3f} {w.auc:6.3f}")
    if oc is not None:
        print(f"  {'matchsvc offline (same waves)':42s} {oc.auc:6.3f} {ow.auc:6.3f}")
    print("  acceptance bar on the held-out waves: cold ≥ 0.56, warm ≥ 0.64 (aim 0.60 / 0.70)")

    if comparisons:
        print()
        print("per-person rankings, HTTP vs offline (order of the dates that count):")
        for mode in ("cold", "warm"):
            same = sum(comparisons[wv][mode]["same"] for wv in comparisons)
            differ = [d for wv in comparisons for d in comparisons[wv][mode]["differ"]]
            print(f"  {mode}: {same} identical, {len(differ)} different")
            for d in differ[:10]:
                auc = lambda x: "  —  " if x is None else f"{x:.3f}"  # noqa: E731
                print(f"    iid {d['iid']}: http {d['http']} (AUC {auc(d['auc_http'])}) vs offline "
                      f"{d['offline']} (AUC {auc(d['auc_offline'])})")
            if len(differ) > 10:
                print(f"    … and {len(differ) - 10} more (see --json)")
    warnings = [w for r in results for w in r.warnings]
    if warnings:
        print()
        print("warnings:")
        for msg in warnings[:20]:
            print("  " + msg)
    short = [(r.wave, iid, p.missing) for r in results for mode in (r.cold, r.warm) for iid, p in mode.items()
             if p.missing]
    if short:
        print(f"  {len(short)} rankings missed someone they had met (ranked last): {short[:5]}")
    print(f"\nwall time {wall:.0f} s, {sum(r.http_calls for r in results)} HTTP calls, all 2xx")
    figures["comparison"] = {str(k): v for k, v in comparisons.items()}
    figures["warnings"] = warnings
    figures["wall_seconds"] = round(wall, 1)
    return figures


def _jsonable(x: Any) -> Any:
    """Plain JSON: NaN (no one counted) → null, numpy numbers → Python ones."""
    if isinstance(x, dict):
        return {str(k): _jsonable(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_jsonable(v) for v in x]
    if isinstance(x, (float, np.floating)):
        return None if not np.isfinite(x) else float(x)
    if isinstance(x, np.integer):
        return int(x)
    return x


def parse_waves(text: str) -> list[int]:
    try:
        waves = sorted({int(x) for x in text.split(",") if x.strip()})
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a comma-separated list of wave numbers: {text!r}") from None
    if not waves:
        raise argparse.ArgumentTypeError("no wave given")
    return waves


def _interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


def git_state(repo: Path) -> dict[str, Any] | None:
    """HEAD and the uncommitted files of the sources under test (None outside a git checkout)."""
    try:
        head = subprocess.run(["git", "-C", str(repo), "rev-parse", "HEAD"], capture_output=True, text=True,
                              timeout=30, check=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(repo), "status", "--porcelain", "--", "matchsvc", "migrations",
                                "bench"], capture_output=True, text=True, timeout=30, check=True).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    return {"repo": str(repo), "head": head, "uncommitted": [line[3:] for line in dirty.splitlines()]}


def run_from_snapshot(argv: list[str]) -> int:
    """Run this script from a private copy of the sources (see --snapshot)."""
    snap = Path(tempfile.mkdtemp(prefix="speed-dating-src-"))
    child = None
    try:
        for name in ("matchsvc", "migrations", "bench"):
            shutil.copytree(REPO / name, snap / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(snap), env.get("PYTHONPATH")]))
        env["SPEED_DATING_GIT_STATE"] = json.dumps(git_state(REPO))
        print(f"sources snapshot in {snap}", file=sys.stderr, flush=True)
        child = subprocess.Popen([sys.executable, str(snap / "bench" / Path(__file__).name), *argv], env=env)
        return child.wait()
    except KeyboardInterrupt:
        if child is not None:
            child.send_signal(signal.SIGINT)
            child.wait()
        return 130
    finally:
        shutil.rmtree(snap, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--waves", type=parse_waves, default=list(DEFAULT_WAVES),
                    help="comma-separated waves (default 1–10, the training split)")
    ap.add_argument("--data", type=Path, default=offline.DEFAULT_DATA, help="folder with train_*.csv")
    ap.add_argument("--database-url", default=None,
                    help="PostgreSQL URL instead of a temp SQLite file; its current schema is DROPPED and "
                         "recreated for every wave")
    ap.add_argument("--json", type=Path, default=None, help="write the figures to this file")
    ap.add_argument("--keep", action="store_true", help="keep each wave's temp dir (database, gunicorn log)")
    ap.add_argument("--no-offline", action="store_true", help="skip the offline simulation and the comparison")
    ap.add_argument("--snapshot", action="store_true",
                    help="copy matchsvc/, migrations/ and bench/ to a temp dir first and run everything (gunicorn, "
                         "flask, the offline simulation) from that copy: one consistent version even while others "
                         "edit the working tree")
    ap.add_argument("-q", "--quiet", action="store_true", help="no progress lines on stderr")
    args = ap.parse_args(argv)
    if args.snapshot:
        rest = [a for a in (sys.argv[1:] if argv is None else argv) if a != "--snapshot"]
        # the copy's default data folder would be relative to the copy: pass ours on
        return run_from_snapshot(rest + ["--data", str(args.data.resolve())])
    signal.signal(signal.SIGTERM, _interrupt)  # stop gunicorn on the way out when killed, too
    if args.database_url and not args.database_url.startswith(("postgresql", "postgres://")):
        ap.error("--database-url must be a PostgreSQL URL (SQLite runs use a temp file per wave)")

    started = time.perf_counter()
    all_waves = {w.wave: w for w in offline.load_waves(args.data)}
    unknown = [w for w in args.waves if w not in all_waves]
    if unknown:
        ap.error(f"no such wave in {args.data}: {unknown} (have {sorted(all_waves)})")
    waves = [all_waves[w] for w in args.waves]
    profiles = build_profiles(args.data / "train_people.csv")
    observed = offline.observed_split(waves)  # re-seeded per wave: independent of the wave subset

    results: list[WaveResult] = []
    comparisons: dict[int, dict] = {}
    fingerprint = start_fingerprint = source_fingerprint()
    changed: list[str] = []
    try:
        for wave in waves:
            now = source_fingerprint()
            if now != fingerprint:
                changed.append(f"the matchsvc/bench sources changed before wave {wave.wave} ({fingerprint} → {now}): "
                               "later waves ran other code than the earlier ones and than the offline figures")
                print("  WARNING: " + changed[-1], file=sys.stderr, flush=True)
                fingerprint = now
            res = run_wave(wave, profiles, observed, database_url=args.database_url, keep=args.keep,
                           progress=not args.quiet)
            results.append(res)
            if not args.no_offline:
                comparisons[wave.wave] = compare_with_offline(wave, res, observed)
            if not args.quiet:
                c, w = summary_of(res.cold), summary_of(res.warm)
                print(f"wave {wave.wave}: cold AUC {c.auc:.3f}, warm AUC {w.auc:.3f} ({res.seconds:.0f} s)",
                      file=sys.stderr, flush=True)
    except BenchError as exc:
        print(f"\nspeed-dating bench FAILED: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\nspeed-dating bench interrupted", file=sys.stderr)
        return 130
    offline_figs = None if args.no_offline else offline.run(waves, offline.DEFAULT_WEIGHTS)
    wall = time.perf_counter() - started
    if source_fingerprint() != fingerprint:
        changed.append("the matchsvc/bench sources changed during the last wave")
    if changed:
        results[-1].warnings.extend(changed)
    figures = report(results, offline_figs, comparisons, wall,
                     "PostgreSQL" if args.database_url else "SQLite")
    state = os.environ.get("SPEED_DATING_GIT_STATE")
    figures["sources"] = {"dir": str(REPO), "fingerprint_at_start": start_fingerprint, "changed_during_run": changed,
                          "snapshot_of" if state else "git": json.loads(state) if state else git_state(REPO)}
    if args.json:
        figures["config"] = {"waves": args.waves, "limit": LIMIT, "seed": SEED,
                             "database": "postgresql" if args.database_url else "sqlite",
                             "baselines": [list(b) for b in BASELINES]}
        figures["per_person"] = {
            str(r.wave): {mode: {str(i): asdict(p) for i, p in getattr(r, mode).items()} for mode in ("cold", "warm")}
            for r in results
        }
        args.json.write_text(json.dumps(_jsonable(figures), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        print(f"figures written to {args.json}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
