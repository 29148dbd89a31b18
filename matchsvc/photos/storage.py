"""Where photo bytes live, behind one small interface.

The default, :class:`DatabaseStorage`, keeps them in the ``photo_blobs`` table of the service's
own database: every gunicorn worker on every host sees the same bytes with no shared disk to set
up, a photo and its bytes are written and erased in one transaction (an upload that fails stores
nothing; a withdrawal leaves nothing behind), and backups hold both. Photos are small once cleaned
(a 1280-px JPEG is 100-300 KB, its thumbnail ~15 KB; six per member), so 100,000 members with
full albums stay around 100-200 GB at worst and typically far less. A deployment that wants them
elsewhere implements the same three methods (an object store, say) and sets ``PHOTO_STORAGE``.
"""

from __future__ import annotations

from typing import Iterable, Protocol

import sqlalchemy as sa
from flask import current_app

from matchsvc.core.clock import utcnow
from matchsvc.extensions import db
from matchsvc.photos.models import PhotoBlob


class PhotoStorage(Protocol):
    def put(self, key: str, data: bytes) -> None:
        """Store ``data`` under ``key`` (replacing what was there)."""

    def get(self, key: str) -> bytes | None:
        """The bytes stored under ``key``, or None."""

    def delete(self, keys: Iterable[str]) -> None:
        """Forget every key given (unknown keys are ignored)."""


class DatabaseStorage:
    """Bytes in the ``photo_blobs`` table, inside the caller's transaction."""

    def put(self, key: str, data: bytes) -> None:
        blob = db.session.get(PhotoBlob, key)
        if blob is None:
            db.session.add(PhotoBlob(key=key, data=data, created_at=utcnow()))
        else:
            blob.data = data

    def put_many(self, items: Iterable[tuple[str, bytes]]) -> None:
        """Store many new keys with one executemany (keys must not exist yet)."""
        now = utcnow()
        rows = [{"key": key, "data": data, "created_at": now} for key, data in items]
        if rows:
            db.session.execute(sa.insert(PhotoBlob.__table__), rows)

    def get(self, key: str) -> bytes | None:
        return db.session.scalar(sa.select(PhotoBlob.data).where(PhotoBlob.key == key))

    def delete(self, keys: Iterable[str]) -> None:
        keys = list(keys)
        if keys:
            db.session.execute(sa.delete(PhotoBlob).where(PhotoBlob.key.in_(keys)),
                               execution_options={"synchronize_session": False})


_BACKENDS = {"database": DatabaseStorage}


def get_storage() -> PhotoStorage:
    """The configured backend (``PHOTO_STORAGE``, default ``database``)."""
    name = current_app.config.get("PHOTO_STORAGE", "database")
    return _BACKENDS[name]()
