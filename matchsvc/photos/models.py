"""Profile photos: the row a member and the reviewers see, and the stored bytes behind it."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, backref, column_property, mapped_column, relationship, undefer

from matchsvc.core.models import Base, CreatedAtMixin, UTCDateTime, enum_column, intpk
from matchsvc.profiles.models import Profile


PhotoStatus = StrEnum("PhotoStatus", "pending approved rejected")


class Photo(CreatedAtMixin, Base):
    """One cleaned photo of a profile; its bytes live in the photo storage under ``key``."""

    __tablename__ = "photos"

    id: Mapped[intpk]
    profile_id: Mapped[int] = mapped_column(sa.ForeignKey("profiles.id", ondelete="CASCADE"))
    profile: Mapped[Profile] = relationship(backref=backref(
        "photos", order_by="Photo.position, Photo.id", cascade="all, delete-orphan", passive_deletes=True))
    #: Random, unguessable token in the photo's URLs (still checked on every request).
    key: Mapped[str] = mapped_column(sa.String(48), unique=True)
    status: Mapped[PhotoStatus] = mapped_column(enum_column(PhotoStatus, "photo_status"),
                                                default=PhotoStatus.pending)
    #: The member's order, 0 first; the first approved photo is the one shown on cards.
    position: Mapped[int] = mapped_column(default=0)
    media_type: Mapped[str] = mapped_column(sa.String(24))
    width: Mapped[int]
    height: Mapped[int]
    #: SHA-256 (hex) of the stored full image and of the thumbnail: the ETags.
    digest: Mapped[str] = mapped_column(sa.String(64))
    thumb_digest: Mapped[str] = mapped_column(sa.String(64))
    #: 64-bit difference hash of the image as a signed integer, and its four 16-bit bands
    #: (indexed: a near-duplicate shares at least one band; see imaging.hash_bands).
    dhash: Mapped[int] = mapped_column(sa.BigInteger)
    hash_band0: Mapped[int] = mapped_column(index=True)
    hash_band1: Mapped[int] = mapped_column(index=True)
    hash_band2: Mapped[int] = mapped_column(index=True)
    hash_band3: Mapped[int] = mapped_column(index=True)
    #: The reviewer's note to the member (a rejection says why).
    review_note: Mapped[str | None] = mapped_column(sa.Text)
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reviewed_by: Mapped[int | None]

    __table_args__ = (
        sa.Index("ix_photos_profile_status_position", "profile_id", "status", "position"),
        sa.CheckConstraint("status = 'pending' OR reviewed_at IS NOT NULL", name="decided_reviewed"),
        sa.CheckConstraint("position >= 0", name="position_nonnegative"),
    )


class PhotoBlob(Base):
    """Bytes of the database photo storage (``storage.DatabaseStorage``), one row per stored file.

    No foreign key to ``photos``: the storage interface knows keys only, and another backend may
    keep the bytes elsewhere; the photos service deletes a photo's files with it.
    """

    __tablename__ = "photo_blobs"

    key: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    data: Mapped[bytes] = mapped_column(sa.LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


def main_photo_key(profile_id: sa.ColumnElement[int]) -> sa.ScalarSelect[str]:
    """The key of the profile's main photo (its first approved one), as a correlated subquery:
    lists of profiles get their thumbnails in the same round trip (see ``Profile.main_photo_key``)."""
    return (sa.select(Photo.__table__.c.key)
            .where(Photo.__table__.c.profile_id == profile_id,
                   Photo.__table__.c.status == PhotoStatus.approved.value)
            .order_by(Photo.__table__.c.position, Photo.__table__.c.id)
            .limit(1).scalar_subquery())


#: On every Profile: its main approved photo's key (None without one). Deferred: loaded when read
#: (one query), or with the profiles themselves where a list undefers it.
Profile.main_photo_key = column_property(main_photo_key(Profile.__table__.c.id).label("main_photo_key"),
                                         deferred=True)


def with_main_photo() -> Any:
    """Loader option for a list of profiles shown as cards: their main photo keys in the same query."""
    return undefer(Profile.main_photo_key)  # type: ignore[attr-defined]
