"""Times ``flask --app matchsvc seed-demo --profiles 100000`` (issue 2 asks for two minutes or less).

For each engine: build the schema with the migrations, run the seed-demo command in-process
(its progress bar on stderr, its login lines on stdout), check what it wrote, and print one line:

    sqlite: 100,000 profiles in 41.3 s (CPU 38.9 s), 2,421 profiles/s, budget 120 s: ok

* SQLite: always, on a fresh file in a temporary directory (``--sqlite-path`` to keep it).
* PostgreSQL: when ``DATABASE_URL`` is a postgres URL. That database must be empty (seed-demo
  refuses otherwise); ``--reset-postgres`` first drops and recreates its ``public`` schema,
  destroying everything in it.

Wall time is what the budget is about; CPU time (this process only) is printed beside it because
on a shared machine the wall time also counts waiting for the CPU. Exit status 1 when an engine
is over budget or wrote the wrong counts.

Run from the repository root:  python -m bench.seed_demo [--profiles N] [--budget SECONDS]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `matchsvc` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import sqlalchemy as sa  # noqa: E402

from matchsvc import create_app  # noqa: E402
from matchsvc.config import normalise_database_url  # noqa: E402
from matchsvc.extensions import db  # noqa: E402


def run(url: str, profiles: int, *, reset_postgres: bool = False) -> tuple[float, float, str | None]:
    """Seed ``profiles`` into the database at ``url``: (wall seconds, CPU seconds, problem or None)."""
    from flask_migrate import upgrade

    from matchsvc.profiles.models import Profile, ProfileStatus
    from matchsvc.demo.seed import PENDING, seed_demo

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "RATELIMIT_ENABLED": False})
    with app.app_context():
        if reset_postgres and db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                conn.execute(sa.text("DROP SCHEMA public CASCADE"))
                conn.execute(sa.text("CREATE SCHEMA public"))
        upgrade()
        db.session.remove()
        wall, cpu = time.perf_counter(), time.process_time()
        seed_demo.main(["--profiles", str(profiles)], standalone_mode=False)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        counts = dict(db.session.execute(sa.select(Profile.status, sa.func.count()).group_by(Profile.status)).all())
        db.session.remove()
        db.engine.dispose()
    expected = {ProfileStatus.approved: profiles, ProfileStatus.pending: PENDING}
    problem = None if counts == expected else f"wrote {counts}, expected {expected}"
    return wall, cpu, problem


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--profiles", type=int, default=100_000)
    parser.add_argument("--budget", type=float, default=120.0, help="seconds allowed (default 120)")
    parser.add_argument("--sqlite-path", help="SQLite file to fill (must not exist); default: a temporary one")
    parser.add_argument("--reset-postgres", action="store_true",
                        help="drop and recreate the public schema of DATABASE_URL first (destroys its data)")
    args = parser.parse_args(argv)

    targets: list[tuple[str, str]] = []
    with tempfile.TemporaryDirectory(prefix="seed-bench-") as tmp:
        path = Path(args.sqlite_path) if args.sqlite_path else Path(tmp) / "seed.db"
        if path.exists():
            parser.error(f"{path} exists; give a new file")
        targets.append(("sqlite", f"sqlite:///{path.resolve()}"))
        env_url = os.environ.get("DATABASE_URL", "")
        if env_url.startswith(("postgres://", "postgresql")):
            targets.append(("postgresql", normalise_database_url(env_url)))

        failed = False
        for name, url in targets:
            wall, cpu, problem = run(url, args.profiles, reset_postgres=args.reset_postgres)
            verdict = "ok" if wall <= args.budget and problem is None else "FAILED"
            failed |= verdict != "ok"
            print(f"{name}: {args.profiles:,} profiles in {wall:.1f} s (CPU {cpu:.1f} s), "
                  f"{args.profiles / wall:,.0f} profiles/s, budget {args.budget:.0f} s: {verdict}"
                  + (f" ({problem})" if problem else ""), flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
