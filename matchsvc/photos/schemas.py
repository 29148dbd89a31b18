"""Photo bodies: the owner's and the reviewer's view, the upload, the order and the decision."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask_smorest.fields import Upload

from matchsvc.core.schemas import MAX_ID, FreeText, Text
from matchsvc.photos.models import PhotoStatus

PREFIX = "/api/v1"


def photo_url(key: str | None, thumb: bool = False) -> str | None:
    """The API URL of a photo (or its thumbnail) by its key; None for no key."""
    if not key:
        return None
    return f"{PREFIX}/photos/{key}/thumb" if thumb else f"{PREFIX}/photos/{key}"


class UploadSchema(ma.Schema):
    file = Upload(required=True, metadata={"description": "JPEG, PNG or WebP, at most 8 MB"})


class PhotoSchema(ma.Schema):
    """A photo as its owner sees it."""

    id = ma.fields.Integer()
    status = ma.fields.Enum(PhotoStatus, by_value=True)
    url = ma.fields.Function(lambda p: photo_url(p.key), metadata={"type": "string"})
    thumb_url = ma.fields.Function(lambda p: photo_url(p.key, thumb=True), metadata={"type": "string"})
    position = ma.fields.Integer()
    width = ma.fields.Integer()
    height = ma.fields.Integer()
    review_note = ma.fields.String(allow_none=True)
    created_at = ma.fields.DateTime()
    reviewed_at = ma.fields.DateTime(allow_none=True)


class PhotoListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(PhotoSchema))


class PhotoOrderSchema(ma.Schema):
    class Meta:
        description = "`ids` names each of your photos exactly once, in the order you want (422 otherwise)."

    ids = ma.fields.List(ma.fields.Integer(strict=True), required=True,
                         validate=ma.validate.Length(min=1, max=6))


class DuplicateSchema(ma.Schema):
    photo_id = ma.fields.Integer()
    profile_id = ma.fields.Integer()
    status = ma.fields.String()


def _duplicates(item: Any) -> list[dict[str, Any]] | None:
    return list(item.duplicate_of) or None


class ReviewPhotoSchema(PhotoSchema):
    """A photo in the reviewers' queue: whose, and where else the same image is."""

    profile_id = ma.fields.Integer()
    profile_status = ma.fields.Function(lambda p: p.profile.status.value, metadata={"type": "string"})
    org_unit_id = ma.fields.Function(lambda p: p.profile.account.org_unit_id, metadata={"type": "integer"})
    duplicate_of = ma.fields.Function(_duplicates, metadata={
        "type": "array", "nullable": True, "items": {"type": "object"},
        "description": "photos of other profiles that look the same (a likely fake); null when none"})


class PhotoQueueArgsSchema(ma.Schema):
    #: within the database's integer range (a larger one crashed the driver: 500)
    profile_id = ma.fields.Integer(validate=ma.validate.Range(min=1, max=MAX_ID))


class PhotoDecisionSchema(ma.Schema):
    class Meta:
        description = "`note` is required (not blank) when `decision` is `reject` (422)."

    decision = Text(required=True, validate=ma.validate.OneOf(["approve", "reject"]))
    note = FreeText(max_len=1000, allow_none=True, load_default=None,
                    metadata={"description": "for the member; required when rejecting"})
