"""Profile photos: upload (cleaned before anything is stored), order, delete, review, and serving
through the same rule as the profile they belong to.

A photo is ``pending`` until a reviewer in scope approves it; until then only its owner and those
reviewers see it, while the profile's approved data and photos stay in the pool. Photos sent with
a first profile are decided with it: approving the profile approves its pending photos (the queue
item shows them; a reviewer rejects a bad one first with ``decide``). Later photos wait in the
photo queue (``review_queue``) of an approved or paused profile.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Sequence

import sqlalchemy as sa
from flask import current_app

from matchsvc import signals, visibility
from matchsvc.accounts.models import Account, Role
from matchsvc.core.clock import utcnow
from matchsvc.core.i18n import _, _l, label
from matchsvc.core.pagination import paginate
from matchsvc.errors import Conflict, Forbidden, InvalidTransition, NotFound, ValidationFailed
from matchsvc.extensions import db
from matchsvc.orgs import service as orgs
from matchsvc.photos import imaging
from matchsvc.photos.models import Photo, PhotoStatus
from matchsvc.photos.storage import get_storage
from matchsvc.profiles import service as profiles
from matchsvc.profiles.models import Profile, ProfileStatus
from matchsvc.reviews import audit

MAX_PHOTOS = 6
#: Profile states whose pending photos a reviewer decides (a first profile's with the profile).
_REVIEWABLE = (ProfileStatus.pending, ProfileStatus.approved, ProfileStatus.paused)

#: The caller-language text of each refusal of ``imaging.clean`` (same English as imaging.REASONS).
_REFUSALS = {
    "empty": _l("The file is empty."),
    "too_large": _l("The file is larger than 8 MB."),
    "unsupported_type": _l("Only JPEG, PNG and WebP images are accepted."),
    "type_mismatch": _l("The file is %(actual)s but was sent as %(claimed)s."),
    "too_many_pixels": _l("The image has too many pixels (at most %(max)s million)."),
    "corrupt": _l("The image is damaged or truncated and cannot be read."),
}


def _files(key: str) -> tuple[str, str]:
    """Storage keys of a photo's full image and thumbnail."""
    return f"{key}/full", f"{key}/thumb"


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _signed(value: int) -> int:
    """An unsigned 64-bit hash as the signed integer a BIGINT column holds."""
    return value - (1 << 64) if value >= 1 << 63 else value


def _unsigned(value: int) -> int:
    return value + (1 << 64) if value < 0 else value


def upload(*, actor: Account, data: bytes, filename: str | None = None, media_type: str | None = None) -> Photo:
    """Clean an uploaded image and add it, pending review, at the end of the caller's photos.

    NotFound without a profile; ValidationFailed (422, code ``invalid_image``) for anything but a
    readable JPEG, PNG or WebP of at most 8 MB whose name and type tell the truth (nothing is
    stored then); Conflict (409, ``too_many_photos``) past six photos.
    """
    profile = profiles.get_own(actor)
    try:
        cleaned = imaging.clean(data, filename=filename, media_type=media_type,
                                max_pixels=int(current_app.config.get("PHOTO_MAX_PIXELS", imaging.MAX_PIXELS)))
    except imaging.BadImage as bad:
        message = _REFUSALS[bad.reason] % bad.params
        raise ValidationFailed(message, code="invalid_image", errors={"file": [message]}) from None
    return store(profile=profile, cleaned=cleaned, status=PhotoStatus.pending)


def store(*, profile: Profile, cleaned: imaging.Cleaned, status: PhotoStatus = PhotoStatus.pending) -> Photo:
    """Add an already clean image (``imaging.clean`` or ``imaging.render``) to ``profile``'s photos.

    The seam for images the service makes itself (demo avatars: ``status=PhotoStatus.approved``).
    Conflict (409, ``too_many_photos``) past six photos, also when uploads race: the profile row is
    locked on PostgreSQL, and on SQLite the insert comes before the count.
    """
    db.session.execute(sa.select(Profile.id).where(Profile.id == profile.id).with_for_update())
    last = db.session.scalar(sa.select(sa.func.max(Photo.position)).where(Photo.profile_id == profile.id))
    photo = Photo(**_row(profile.id, cleaned, status, position=0 if last is None else last + 1, now=utcnow()))
    with db.session.begin_nested():  # a refused photo leaves nothing behind, even in this session
        db.session.add(photo)
        db.session.flush()
        count = db.session.scalar(sa.select(sa.func.count()).select_from(Photo)
                                  .where(Photo.profile_id == profile.id))
        if count > MAX_PHOTOS:
            raise Conflict(_("A profile has at most %(max)s photos; delete one first.", max=MAX_PHOTOS),
                           code="too_many_photos")
    full_key, thumb_key = _files(photo.key)
    storage = get_storage()
    storage.put(full_key, cleaned.full)
    storage.put(thumb_key, cleaned.thumb)
    db.session.flush()
    return photo


def _row(profile_id: int, cleaned: imaging.Cleaned, status: PhotoStatus, *, position: int,
         now: datetime) -> dict[str, Any]:
    """The column values of a new photo (``store`` and ``store_many`` write the same rows)."""
    bands = imaging.hash_bands(cleaned.dhash)
    return {"profile_id": profile_id, "key": secrets.token_urlsafe(24), "status": status, "position": position,
            "media_type": cleaned.media_type, "width": cleaned.width, "height": cleaned.height,
            "digest": _digest(cleaned.full), "thumb_digest": _digest(cleaned.thumb),
            "dhash": _signed(cleaned.dhash), "hash_band0": bands[0], "hash_band1": bands[1],
            "hash_band2": bands[2], "hash_band3": bands[3], "created_at": now,
            "reviewed_at": None if status is PhotoStatus.pending else now}


def store_many(items: Sequence[tuple[int, imaging.Cleaned]], *, status: PhotoStatus = PhotoStatus.approved) -> int:
    """``store`` for many profiles at once, each without photos yet (so each becomes position 0):
    the same rows and files, written with one executemany per table (``seed-demo``'s avatars for
    thousands of profiles). Returns how many were written."""
    now = utcnow()
    rows = [_row(profile_id, cleaned, status, position=0, now=now) for profile_id, cleaned in items]
    if not rows:
        return 0
    db.session.execute(sa.insert(Photo.__table__), [dict(r, status=r["status"].value) for r in rows])
    files = [(name, data) for row, (_pid, cleaned) in zip(rows, items)
             for name, data in zip(_files(row["key"]), (cleaned.full, cleaned.thumb))]
    storage = get_storage()
    put_many = getattr(storage, "put_many", None)
    if put_many is not None:
        put_many(files)
    else:
        for name, data in files:
            storage.put(name, data)
    return len(rows)


def own_photos(*, actor: Account) -> list[Photo]:
    """The caller's photos in their order (NotFound without a profile)."""
    profile = profiles.get_own(actor)
    return list(db.session.scalars(sa.select(Photo).where(Photo.profile_id == profile.id)
                                   .order_by(Photo.position, Photo.id)))


def _own_photo(actor: Account, photo_id: int) -> Photo:
    photo = db.session.get(Photo, photo_id)
    if photo is None or photo.profile.account_id != actor.id:
        raise NotFound(_("No such photo."))
    return photo


def delete(*, actor: Account, photo_id: int) -> None:
    """Delete one of the caller's photos and its files at once; NotFound for anyone else's."""
    photo = _own_photo(actor, photo_id)
    profile_id = photo.profile_id
    get_storage().delete(_files(photo.key))
    db.session.delete(photo)
    db.session.flush()
    remaining = db.session.scalars(sa.select(Photo).where(Photo.profile_id == profile_id)
                                   .order_by(Photo.position, Photo.id)).all()
    for position, other in enumerate(remaining):
        other.position = position
    db.session.flush()


def reorder(*, actor: Account, ids: list[int]) -> list[Photo]:
    """Put the caller's photos in the given order (the first approved one is shown on cards).

    ValidationFailed (422) unless ``ids`` names each of the caller's photos exactly once.
    """
    photos = own_photos(actor=actor)
    mine = {p.id: p for p in photos}
    if len(ids) != len(set(ids)) or set(ids) != set(mine):
        raise ValidationFailed(_("List each of your photos exactly once."),
                               errors={"ids": [_("Expected the ids %(ids)s in the order you want.",
                                                 ids=", ".join(str(i) for i in sorted(mine)) or "-")]})
    for position, photo_id in enumerate(ids):
        mine[photo_id].position = position
    db.session.flush()
    return [mine[i] for i in ids]


# --- serving ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PhotoFile:
    """One image the caller may see: its ETag and media type at once, its bytes on ``read()``
    (so a conditional request answered 304 never loads them)."""

    etag: str
    media_type: str
    storage_key: str

    def read(self) -> bytes:
        data = get_storage().get(self.storage_key)
        if data is None:
            raise NotFound(_("No such photo."))
        return data


def may_see(actor: Account, photo: Photo) -> bool:
    """Who may see a photo: its owner; a reviewer whose scope holds the profile's unit; anyone else
    only an approved photo of a profile they may open (``profiles.service.view``: both approved,
    neither blocked the other), so a pending, paused, suspended or withdrawn profile's photo, or
    another member's pending photo, is invisible."""
    profile = photo.profile
    if profile.account_id == actor.id:
        return True
    if actor.has_role(Role.reviewer) and orgs.in_scope(actor.org_unit_id, profile.account.org_unit_id):
        return True
    if photo.status is not PhotoStatus.approved:
        return False
    try:
        profiles.view(actor=actor, profile_id=profile.id)
    except (NotFound, Forbidden):
        return False
    return True


def open_photo(actor: Account, key: str, thumb: bool = False) -> PhotoFile:
    """The full image or thumbnail behind a photo URL, checked against the caller on every
    request (a URL is unguessable but may be passed on). NotFound for an unknown key and for a
    photo the caller may not see, alike. Both edges serve photos through this: the API with the
    bearer token, the web pages with the session cookie."""
    photo = db.session.scalar(sa.select(Photo).where(Photo.key == key))
    if photo is None or not may_see(actor, photo):
        raise NotFound(_("No such photo."))
    full_key, thumb_key = _files(photo.key)
    digest = photo.thumb_digest if thumb else photo.digest
    return PhotoFile(etag=digest[:32], media_type=photo.media_type, storage_key=thumb_key if thumb else full_key)


# --- review -----------------------------------------------------------------------------------


@dataclass
class QueuedPhoto:
    """A pending photo as the reviewer sees it: with likely copies on other accounts."""

    photo: Photo
    duplicate_of: list[dict[str, Any]] = field(default_factory=list)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.photo, name)


#: Hamming distance (of 64 bits) under which two difference hashes are taken for the same photo.
DUPLICATE_DISTANCE = 3


def _same_image(photo: Photo, other: Photo) -> bool:
    """Difference hashes at most ``DUPLICATE_DISTANCE`` bits apart; for a picture without structure,
    whose hash every plain picture shares (a red square, a blue one), the very same image only."""
    mine, theirs = _unsigned(photo.dhash), _unsigned(other.dhash)
    if imaging.has_structure(mine, DUPLICATE_DISTANCE) and imaging.has_structure(theirs, DUPLICATE_DISTANCE):
        return imaging.distance(mine, theirs) <= DUPLICATE_DISTANCE
    return photo.digest == other.digest


def duplicates(photos: list[Photo]) -> dict[int, list[Photo]]:
    """For each photo, the photos of other profiles that look the same (:func:`_same_image`),
    found with one query over the indexed hash bands."""
    if not photos:
        return {}
    bands = [{p.hash_band0 for p in photos}, {p.hash_band1 for p in photos},
             {p.hash_band2 for p in photos}, {p.hash_band3 for p in photos}]
    candidates = db.session.scalars(sa.select(Photo).where(sa.or_(
        Photo.hash_band0.in_(bands[0]), Photo.hash_band1.in_(bands[1]),
        Photo.hash_band2.in_(bands[2]), Photo.hash_band3.in_(bands[3])))).all()
    out: dict[int, list[Photo]] = {}
    for photo in photos:
        out[photo.id] = [c for c in candidates if c.profile_id != photo.profile_id and _same_image(photo, c)]
    return out


def _queued(photos: list[Photo]) -> list[QueuedPhoto]:
    found = duplicates(list(photos))
    return [QueuedPhoto(p, [{"photo_id": d.id, "profile_id": d.profile_id, "status": d.status.value}
                            for d in found.get(p.id, [])]) for p in photos]


def review_queue(*, actor: Account, page: int, per_page: int, profile_id: int | None = None) -> dict[str, Any]:
    """Pending photos of submitted profiles (pending, approved or paused) in the reviewer's scope,
    oldest first, each with ``duplicate_of``: the same image on another account."""
    stmt = (sa.select(Photo).join(Profile, Profile.id == Photo.profile_id)
            .join(Account, Account.id == Profile.account_id)
            .where(Photo.status == PhotoStatus.pending, Profile.status.in_(_REVIEWABLE),
                   orgs.subtree_clause(actor.org_unit_id, Account.org_unit_id))
            .order_by(Photo.created_at, Photo.id))
    if profile_id is not None:
        stmt = stmt.where(Photo.profile_id == profile_id)
    return paginate(stmt, page=page, per_page=per_page, transform=_queued)


def decide(*, actor: Account, photo_id: int, decision: str, note: str | None = None) -> QueuedPhoto:
    """Approve or reject a pending photo in the reviewer's scope; audited, the member notified.

    NotFound; Forbidden out of scope or for one's own photo; InvalidTransition (409) unless
    pending; ValidationFailed if a rejection has no note for the member.
    """
    photo = db.session.get(Photo, photo_id)
    if photo is None:
        raise NotFound(_("No such photo."))
    unit = photo.profile.account.org_unit_id
    visibility.require_in_scope(actor, unit)
    if photo.profile.account_id == actor.id:
        raise Forbidden(_("Nobody reviews their own photos."), code="own_profile")
    if photo.status is not PhotoStatus.pending:
        raise InvalidTransition(_("Only pending photos are reviewed; this one is %(status)s.",
                                  status=label(photo.status.value)))
    note = (note or "").strip() or None
    if decision == "reject" and not note:
        raise ValidationFailed(_("Tell the member why."), errors={"note": [_("Required when rejecting.")]})
    _decide(actor, photo, decision, note)
    db.session.flush()
    signals.photo_reviewed.send(photo, decision=decision, note=note)
    return _queued([photo])[0]


def _decide(actor: Account, photo: Photo, decision: str, note: str | None, **detail: Any) -> None:
    now = utcnow()
    photo.status = PhotoStatus.approved if decision == "approve" else PhotoStatus.rejected
    photo.review_note = note
    photo.reviewed_at = now
    photo.reviewed_by = actor.id
    info: dict[str, Any] = {"profile_id": photo.profile_id, "review_seconds": (now - photo.created_at).total_seconds(),
                            **detail}
    if note:
        info["note"] = note
    audit.record(actor=actor, action=f"photo_{decision}", target=f"photo:{photo.id}",
                 org_unit_id=photo.profile.account.org_unit_id, detail=info)


def approve_with_profile(*, actor: Account, profile: Profile) -> int:
    """Approve the pending photos of a profile that a reviewer has just approved (they were shown
    in its queue item); each is audited. Returns how many."""
    pending = db.session.scalars(sa.select(Photo).where(Photo.profile_id == profile.id,
                                                        Photo.status == PhotoStatus.pending)).all()
    for photo in pending:
        _decide(actor, photo, "approve", None, with_profile=True)
    return len(pending)


# --- erasure and export -------------------------------------------------------------------------


@profiles.register_eraser
def erase(profile: Profile) -> None:
    """Withdrawal: the photos' files go at once with their rows (same transaction)."""
    keys = db.session.scalars(sa.select(Photo.key).where(Photo.profile_id == profile.id)).all()
    get_storage().delete([k for key in keys for k in _files(key)])
    db.session.execute(sa.delete(Photo).where(Photo.profile_id == profile.id),
                       execution_options={"synchronize_session": "fetch"})


@profiles.register_exporter("photos")
def export_rows(*, actor: Account, profile: Profile | None) -> list[dict[str, Any]]:
    """The member's photos as stored (the cleaned full image, base64), with their review state."""
    if profile is None:
        return []
    storage = get_storage()
    out = []
    for photo in db.session.scalars(sa.select(Photo).where(Photo.profile_id == profile.id)
                                    .order_by(Photo.position, Photo.id)):
        data = storage.get(_files(photo.key)[0]) or b""
        out.append({"id": photo.id, "position": photo.position, "status": photo.status.value,
                    "review_note": photo.review_note, "created_at": photo.created_at.isoformat(),
                    "media_type": photo.media_type, "width": photo.width, "height": photo.height,
                    "data_base64": base64.b64encode(data).decode("ascii")})
    return out

