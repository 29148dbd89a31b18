"""Drive schemathesis over every operation of a running matchsvc, once anonymously and once per
role, and print the figures. Run by ``scripts/fuzz-api`` (which starts the server); on its own:

    python scripts/fuzz_api.py --base-url http://127.0.0.1:PORT --logins FILE --out DIR

``FILE`` holds seed-demo's login lines (``ROLE: username=NAME password=PASSWORD``).

What is checked, on every response: no 5xx (``not_a_server_error``), the status code is declared
for the operation (``status_code_conformance``), the content type is one declared for that status
(``content_type_conformance``) and the body matches the declared schema
(``response_schema_conformance``). The document's ``default`` responses are removed from the copy
that schemathesis reads: a ``default`` accepts any status, so every status the service really
sends must be declared on its own.

Operations that change the caller themselves (log out, change password, withdraw or edit the own
profile) run after the others with a fresh token, so that the rest of a pass still acts as a
working account: the demo member's each on its own (pause, withdraw...), the other roles' in one
pass, logging out in another. Admin operations on accounts (roles, disable, enable, password reset)
may hit the demo accounts themselves (ids 1 to 4); they run last, as a throwaway admin made for it.

Exit status: 0 when no pass found a failure or an error, 1 otherwise.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import requests

PREFIX = "/api/v1"
CHECKS = ("not_a_server_error", "status_code_conformance", "content_type_conformance",
          "response_schema_conformance")
#: schemathesis failure codes (``st explain``) by the check that raises them
CHECK_OF_CODE = {"ST101": "not_a_server_error", "ST102": "not_a_server_error",
                 "ST103": "status_code_conformance", "ST104": "content_type_conformance",
                 "ST105": "content_type_conformance", "ST106": "content_type_conformance",
                 "ST108": "response_schema_conformance"}
ROLES = ("member", "organizer", "reviewer", "admin")  # the order of the passes (see below)
#: change the calling account itself; each runs alone, with a fresh token, after the rest
SELF_CHANGING = ("PUT /me/profile", "POST /me/profile/submit", "POST /me/profile/pause",
                 "POST /me/profile/resume", "POST /me/password", "POST /auth/logout",
                 "DELETE /me/profile")
#: may disable, demote or reset any account, the demo ones included: last, each with a throwaway admin
ACCOUNT_CHANGING = ("POST /accounts/{account_id}/enable", "POST /accounts/{account_id}/disable",
                    "POST /accounts/{account_id}/reset-password", "PUT /accounts/{account_id}/roles")
LOGOUT = "POST /auth/logout"
LOGIN = re.compile(r"^(member|reviewer|organizer|admin): username=(\S+) password=(\S+)$")


def operations(spec: dict[str, Any]) -> list[str]:
    return sorted(f"{method.upper()} {path.removeprefix(PREFIX)}" for path, ops in spec["paths"].items()
                  for method, op in ops.items() if isinstance(op, dict) and "responses" in op)


def strict_copy(spec: dict[str, Any]) -> dict[str, Any]:
    """The document without its ``default`` responses (see the module docstring)."""
    spec = json.loads(json.dumps(spec))
    for ops in spec["paths"].values():
        for op in ops.values():
            if isinstance(op, dict):
                op.get("responses", {}).pop("default", None)
    return spec


class Server:
    def __init__(self, base_url: str) -> None:
        self.base = base_url.rstrip("/")

    def call(self, method: str, path: str, token: str | None = None, **kwargs: Any) -> requests.Response:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return requests.request(method, self.base + PREFIX + path, headers=headers, timeout=30, **kwargs)

    def token(self, username: str, password: str) -> str:
        resp = self.call("POST", "/auth/token", json={"username": username, "password": password})
        resp.raise_for_status()
        return resp.json()["access_token"]

    def throwaway_admin(self, admin_token: str, name: str) -> tuple[str, str]:
        """A new account with the admin role, made through the API by the demo admin."""
        password = f"{name}-password-0123"
        me = self.call("GET", "/me", admin_token).json()
        resp = self.call("POST", "/auth/register",
                         json={"username": name, "password": password, "org_unit_id": me["org_unit_id"]})
        resp.raise_for_status()
        resp = self.call("PUT", f"/accounts/{resp.json()['id']}/roles", admin_token,
                         json={"roles": ["member", "admin"], "org_unit_id": me["org_unit_id"]})
        resp.raise_for_status()
        return name, password


def run_pass(args: argparse.Namespace, spec_file: Path, name: str, token: str | None,
             include: list[str] | None = None, exclude: list[str] = ()) -> dict[str, Any]:
    """One schemathesis run over ``include`` (default: every operation) less ``exclude``; returns
    its JSON report with the operations meant, the log file and the time added."""
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    report = args.out / f"{slug}.json"
    log = args.out / f"{slug}.log"
    cmd = [args.schemathesis, "--config-file", str(args.config), "run", str(spec_file), "--url", args.base_url,
           "--checks", ",".join(CHECKS), "--phases", "coverage,fuzzing",
           "--max-examples", str(args.max_examples), "--seed", str(args.seed),
           "--workers", str(args.workers), "--continue-on-failure", "--request-timeout", "30",
           "--generation-database", "none", "--suppress-health-check", "all",
           "--no-color", "--output-truncate", "true",
           "--report", "json", "--report-json-path", str(report)]
    if token:
        cmd += ["--header", f"Authorization: Bearer {token}"]
    for op in include or ():
        cmd += ["--include-name", _full(op)]
    for op in exclude:
        cmd += ["--exclude-name", _full(op)]
    started = time.monotonic()
    with log.open("w") as out:
        # cwd: schemathesis and hypothesis write nothing into the work tree
        proc = subprocess.run(cmd, stdout=out, stderr=subprocess.STDOUT, cwd=args.out, check=False)
    meant = set(include or args.operations) - set(exclude)
    result: dict[str, Any] = {"name": name, "log": log, "seconds": time.monotonic() - started,
                              "returncode": proc.returncode, "meant": meant}
    if report.exists():
        result.update(json.loads(report.read_text()))
    return result


def _full(op: str) -> str:
    method, path = op.split(" ", 1)
    return f"{method} {PREFIX}{path}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--logins", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--max-examples", type=int, default=int(os.environ.get("FUZZ_MAX_EXAMPLES", "5")))
    parser.add_argument("--seed", type=int, default=int(os.environ.get("FUZZ_SEED", "20261204")))
    # One worker: schemathesis' threads trip over a CPython 3.11 race when compiling (SystemError
    # "AST constructor recursion depth mismatch"), and the server has the two cores anyway.
    parser.add_argument("--workers", type=int, default=int(os.environ.get("FUZZ_WORKERS", "1")))
    parser.add_argument("--schemathesis", default=str(Path(sys.executable).with_name("schemathesis")))
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    # Without a token, schemathesis would sign up through POST /auth/register and log in on its
    # own ("auto-signup"), and the anonymous pass would not be anonymous.
    args.config = args.out / "schemathesis.toml"
    args.config.write_text("[auth]\nauto-signup = false\n")

    logins = {m[1]: (m[2], m[3]) for line in args.logins.read_text().splitlines() if (m := LOGIN.match(line))}
    missing = set(ROLES) - set(logins)
    if missing:
        print(f"fuzz-api: no login for {', '.join(sorted(missing))} in {args.logins}", file=sys.stderr)
        return 2
    server = Server(args.base_url)
    spec = requests.get(server.base + PREFIX + "/openapi.json", timeout=30).json()
    all_ops = args.operations = operations(spec)
    spec_file = args.out / "openapi-strict.json"
    spec_file.write_text(json.dumps(strict_copy(spec)))
    for op in SELF_CHANGING + ACCOUNT_CHANGING:
        assert op in all_ops, f"{op} is not in the document any more; update scripts/fuzz_api.py"
    print(f"fuzz-api: {len(all_ops)} operations in {PREFIX}/openapi.json; checks: {', '.join(CHECKS)}; "
          f"at most {args.max_examples} examples per operation and phase (coverage, fuzzing), seed {args.seed}")

    # made now: the demo admin may lose its role or its password in the last pass
    throwaway = server.throwaway_admin(server.token(*logins["admin"]), "fuzz_admin")

    results = [run_pass(args, spec_file, "anonymous", None)]
    # Members first and admins last: reviewers may suspend the demo member's profile.
    for role in ROLES:
        # (the admin's account changes come last; for the other roles they are 403s)
        results.append(run_pass(args, spec_file, role, server.token(*logins[role]),
                                exclude=[*SELF_CHANGING, *(ACCOUNT_CHANGING if role == "admin" else ())]))
        if role == "member":  # the member's own profile: each change on its own
            for op in SELF_CHANGING:
                results.append(run_pass(args, spec_file, f"{role} {op}", server.token(*logins[role]), include=[op]))
        else:  # the other roles' profiles matter to no later pass; only logging out stops the rest
            rest = [op for op in SELF_CHANGING if op != LOGOUT]
            results.append(run_pass(args, spec_file, f"{role} own profile and password",
                                    server.token(*logins[role]), include=rest))
            results.append(run_pass(args, spec_file, f"{role} {LOGOUT}", server.token(*logins[role]),
                                    include=[LOGOUT]))
    results.append(run_pass(args, spec_file, "admin account changes (a throwaway admin)",
                            server.token(*throwaway), include=list(ACCOUNT_CHANGING)))
    return report(results, all_ops)


def report(results: list[dict[str, Any]], all_ops: list[str]) -> int:
    tested: dict[str, set[str]] = {}
    failures: Counter[str] = Counter()
    bad = []
    print(f"\n{'pass':<46} {'ops':>4} {'cases':>6} {'failed':>6} {'errors':>6} {'time':>6}")
    for r in results:
        ops = r.get("operations", {}).get("tested", 0)
        if ops == len(r["meant"]):
            tested.setdefault(r["name"].split(" ", 1)[0], set()).update(r["meant"])
        cases = r.get("test_cases", {})
        for failure in r.get("failures", []):
            failures[CHECK_OF_CODE.get(failure["code"], failure["code"])] += failure["count"]
        errors = len(r.get("errors", []))
        failed = cases.get("with_failures", 0)
        if r["returncode"] != 0 or failed or errors or ops != len(r["meant"]) or not cases.get("generated"):
            bad.append(r)
        print(f"{r['name']:<46} {ops:>4} {cases.get('generated', 0):>6} {failed:>6} {errors:>6} {r['seconds']:>5.0f}s")
    total_cases = sum(r.get("test_cases", {}).get("generated", 0) for r in results)
    print(f"\noperations: {len(all_ops)} in the document")
    untested = 0
    for identity, ops in tested.items():
        missed = sorted(set(all_ops) - ops)
        untested += len(missed)
        print(f"  tested as {identity:<10} {len(ops)}" + (f"; NOT tested: {', '.join(missed)}" if missed else ""))
    print(f"test cases: {total_cases} in {len(results)} passes")
    print("failures by check:")
    for check in CHECKS:
        print(f"  {check:<28} {failures.pop(check, 0)}")
    for code, count in failures.items():
        print(f"  {code:<28} {count}")
    errors = sum(len(r.get("errors", [])) for r in results)
    print(f"  {'errors (no response)':<28} {errors}")
    if bad or untested or len(tested) != len(ROLES) + 1:
        for r in bad:
            print(f"\n===== {r['name']}: schemathesis exited {r['returncode']} ({r['log']}) =====")
            text = Path(r["log"]).read_text()
            start = text.find("=== FAILURES") if "=== FAILURES" in text else max(0, len(text) - 6000)
            print(text[start:start + 20000])
        print(f"fuzz-api: FAILED ({len(bad)} of {len(results)} passes failed, {untested} operations untested)")
        return 1
    print(f"fuzz-api: passed ({len(results)} passes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
