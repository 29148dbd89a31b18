"""``store_many`` (seed-demo's bulk path) writes the same rows and files as ``store``."""

from __future__ import annotations

import sqlalchemy as sa

from matchsvc.extensions import db
from matchsvc.photos import imaging
from matchsvc.photos import service as photos
from matchsvc.photos.models import Photo, PhotoBlob, PhotoStatus
from tests.photos import images

#: Columns that differ by nature (identity, random key, the moment).
_OWN = {"id", "profile_id", "key", "created_at", "reviewed_at"}


def _columns(photo: Photo) -> dict:
    return {c.key: getattr(photo, c.key) for c in Photo.__table__.columns if c.key not in _OWN}


def test_store_many_writes_what_store_writes(make):
    cleaned = imaging.clean(images.jpeg(seed=5))
    _a, one = make.member()
    _b, two = make.member()
    _c, three = make.member()
    single = photos.store(profile=one, cleaned=cleaned, status=PhotoStatus.approved)
    assert photos.store_many([(two.id, cleaned), (three.id, cleaned)], status=PhotoStatus.approved) == 2
    assert photos.store_many([]) == 0
    db.session.commit()
    db.session.expire_all()
    stored = {p.profile_id: p for p in db.session.scalars(sa.select(Photo))}
    assert set(stored) == {one.id, two.id, three.id}
    for pid in (two.id, three.id):
        bulk = stored[pid]
        assert _columns(bulk) == _columns(stored[one.id])
        assert bulk.reviewed_at is not None and bulk.key != single.key
        for part, data in (("full", cleaned.full), ("thumb", cleaned.thumb)):
            assert db.session.get(PhotoBlob, f"{bulk.key}/{part}").data == data
    assert stored[two.id].status is PhotoStatus.approved and stored[two.id].position == 0
    # a pending bulk photo is unreviewed, as store() makes it
    _d, four = make.member()
    photos.store_many([(four.id, cleaned)], status=PhotoStatus.pending)
    db.session.commit()
    pending = db.session.scalar(sa.select(Photo).where(Photo.profile_id == four.id))
    assert pending.status is PhotoStatus.pending and pending.reviewed_at is None
