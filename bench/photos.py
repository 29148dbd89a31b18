"""What photos cost: milliseconds per upload (cleaning included), and recommendations' throughput
with thumbnails in the payload against the same requests without them.

In-process, on a fresh SQLite file (``DATABASE_URL`` a postgres URL: that database instead, which
must be empty): seed N demo profiles, give every other one an approved photo, then

* upload: POST /api/v1/me/profile/photos through the test client (multipart, a 12-megapixel JPEG
  with GPS EXIF, about 1-2 MB), and ``imaging.clean`` alone on the same bytes;
* recommendations: GET /api/v1/me/recommendations?limit=20 for a set of viewers, in alternating
  rounds A/B/A/B...: A as shipped (each profile's main photo key comes with the profile row, a
  correlated subquery, and ``thumb_url`` is in the payload), B with that subquery replaced by NULL
  (the cost before thumbnails). Prints requests/s of each (median of rounds) and B/A.

Figures are relative to this machine; read the ratio, not the absolute numbers.

Run from the repository root:  python -m bench.photos [--profiles 2000] [--uploads 20] [--rounds 6]
(``--quick``: a few hundred profiles and requests, to check it runs end to end; its figures mean
little.)
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `matchsvc` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import sqlalchemy as sa  # noqa: E402
from PIL import Image, ImageDraw  # noqa: E402

from matchsvc import create_app  # noqa: E402
from matchsvc.config import normalise_database_url  # noqa: E402
from matchsvc.extensions import db  # noqa: E402

BOUNDARY = "----bench-photos"


def _photo(seed: int, size: tuple[int, int] = (4000, 3000)) -> bytes:
    """A busy 12-megapixel JPEG with GPS and camera EXIF, like a phone photo."""
    import random

    rnd = random.Random(seed)
    img = Image.new("RGB", size, (rnd.randrange(256), 120, 90))
    draw = ImageDraw.Draw(img)
    w, h = size
    for _ in range(200):
        x, y = rnd.randrange(w), rnd.randrange(h)
        draw.ellipse([x, y, x + rnd.randrange(20, w // 5), y + rnd.randrange(20, h // 5)],
                     fill=tuple(rnd.randrange(256) for _ in range(3)))
    exif = Image.Exif()
    exif[0x010F], exif[0x0110], exif[0x0112] = "Bench", "Phone", 6
    exif[0x8825] = {1: "N", 2: (30.0, 15.0, 27.0), 3: "E", 4: (120.0, 9.0, 55.0)}
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=88, exif=exif)
    return buf.getvalue()


def _body(data: bytes) -> bytes:
    return (f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"p.jpg\"\r\n"
            "Content-Type: image/jpeg\r\n\r\n").encode() + data + f"\r\n--{BOUNDARY}--\r\n".encode()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--profiles", type=int, default=2000)
    parser.add_argument("--uploads", type=int, default=20)
    parser.add_argument("--viewers", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--quick", action="store_true",
                        help="300 profiles, 3 uploads, 10 viewers, 2 rounds: a smoke run (seconds), not a measurement")
    args = parser.parse_args(argv)
    if args.quick:
        args.profiles, args.uploads, args.viewers, args.rounds = 300, 3, 10, 2

    from flask_jwt_extended import create_access_token
    from flask_migrate import upgrade

    from matchsvc.matching import fast
    from matchsvc.photos import imaging
    from matchsvc.photos import service as photos
    from matchsvc.photos.models import PhotoStatus
    from matchsvc.profiles.models import Profile, ProfileStatus
    from matchsvc.demo import seed as demo_seed

    with tempfile.TemporaryDirectory(prefix="bench-photos-") as tmp:
        env_url = os.environ.get("DATABASE_URL", "")
        url = normalise_database_url(env_url) if env_url.startswith(("postgres://", "postgresql")) \
            else f"sqlite:///{Path(tmp) / 'bench.db'}"
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "RATELIMIT_ENABLED": False, "DAILY_LIKE_LIMIT": 0})
        client = app.test_client()
        with app.app_context():
            upgrade()
            demo_seed.AVATARS = 0  # the photos are placed below: on every other profile exactly
            demo_seed.seed(args.profiles, progress=False)
            db.session.commit()
            profiles = db.session.scalars(sa.select(Profile).where(Profile.status == ProfileStatus.approved)
                                          .order_by(Profile.id)).all()
            avatars = [imaging.render(Image.open(io.BytesIO(_photo(i, (800, 800))))) for i in range(8)]
            for i, profile in enumerate(profiles[::2]):
                photos.store(profile=profile, cleaned=avatars[i % len(avatars)], status=PhotoStatus.approved)
            db.session.commit()
            tokens = [create_access_token(identity=str(p.account_id)) for p in profiles[1:args.viewers * 2:2]]
            uploaders = [create_access_token(identity=str(p.account_id)) for p in profiles[-args.uploads:]]

            # --- uploads
            samples = [_photo(100 + i) for i in range(min(args.uploads, 5))]
            t = time.perf_counter()
            for i in range(args.uploads):
                imaging.clean(samples[i % len(samples)])
            clean_ms = (time.perf_counter() - t) * 1000 / args.uploads
            t = time.perf_counter()
            for i, token in enumerate(uploaders):
                r = client.post("/api/v1/me/profile/photos", data=_body(samples[i % len(samples)]),
                                content_type=f"multipart/form-data; boundary={BOUNDARY}",
                                headers={"Authorization": f"Bearer {token}"})
                assert r.status_code == 201, r.get_data(as_text=True)
            upload_ms = (time.perf_counter() - t) * 1000 / len(uploaders)
            size = statistics.mean(len(s) for s in samples) / 1e6
            print(f"upload: {upload_ms:.0f} ms per photo over HTTP ({len(uploaders)} uploads of "
                  f"{size:.1f} MB 12-MP JPEGs with EXIF), of which cleaning {clean_ms:.0f} ms", flush=True)

            # --- recommendations, thumbnails vs none
            shipped = fast._VISIBLE
            before = shipped.with_only_columns(*[c for c in shipped.selected_columns if c.key != "main_photo_key"],
                                               sa.null().label("main_photo_key"))

            def round_rps() -> float:
                t = time.perf_counter()
                n = 0
                for token in tokens:
                    r = client.get("/api/v1/me/recommendations?limit=20", headers={"Authorization": f"Bearer {token}"})
                    assert r.status_code == 200
                    n += 1
                return n / (time.perf_counter() - t)

            round_rps()  # warm: the index, every viewer's kept ranking
            with_thumbs = [r.json for r in [client.get("/api/v1/me/recommendations?limit=20",
                                                       headers={"Authorization": f"Bearer {tokens[0]}"})]][0]
            shown = sum(1 for item in with_thumbs["items"] if item["profile"]["thumb_url"])
            a, b = [], []
            for _ in range(args.rounds):
                fast._VISIBLE = shipped
                a.append(round_rps())
                fast._VISIBLE = before
                b.append(round_rps())
            fast._VISIBLE = shipped
            ra, rb = statistics.median(a), statistics.median(b)
            print(f"recommendations: {ra:.0f} req/s with thumbnails, {rb:.0f} req/s without "
                  f"(ratio with/without {ra / rb:.2f}; {shown} of {len(with_thumbs['items'])} items of the "
                  f"first viewer carry a thumb_url; {args.profiles} profiles, half with a photo, "
                  f"{len(tokens)} viewers, median of {args.rounds} rounds)", flush=True)
            db.session.remove()
            db.engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
