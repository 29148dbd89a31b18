"""Profile photos: the member's own, the photo files, and the reviewers' photo queue."""

from __future__ import annotations

from typing import Any

from flask import Response
from flask.views import MethodView

from matchsvc.accounts.models import Role
from matchsvc.core.auth import auth_required, current_account
from matchsvc.core.blueprints import Blueprint
from matchsvc.core.pagination import PageArgsSchema, page_schema
from matchsvc.core.transactions import commit_on_success
from matchsvc.photos import imaging
from matchsvc.photos import schemas as s
from matchsvc.photos import service
from matchsvc.photos.models import Photo
from matchsvc.photos.responses import photo_response

blp = Blueprint("photos", __name__, description="Profile photos: upload, order, review, and the image files")

ReviewPhotoPageSchema = page_schema(s.ReviewPhotoSchema, "ReviewPhotoPage")
_IMAGE = {"content": {"image/jpeg": {"schema": {"type": "string", "format": "binary"}}}}


@blp.route("/me/profile/photos")
class OwnPhotos(MethodView):
    #: This route takes a multipart upload (app.py lets it through the JSON-only rule) of up to
    #: 8 MB plus the form's own bytes; every other route keeps MAX_CONTENT_LENGTH.
    accepts_multipart = True
    max_content_length = imaging.MAX_BYTES + 64 * 1024

    @auth_required()
    @blp.response(200, s.PhotoListSchema)
    @blp.alt_response(404, description="No profile yet")
    def get(self) -> dict[str, Any]:
        """Your photos in your order, each with its review status and note"""
        return {"items": service.own_photos(actor=current_account())}

    @auth_required()
    @blp.arguments(s.UploadSchema, location="files")
    @blp.response(201, s.PhotoSchema)
    @blp.alt_response(404, description="No profile yet")
    @blp.alt_response(409, description="Six photos already")
    @blp.alt_response(413, description="Larger than 8 MB")
    @blp.alt_response(422, description="Not a readable JPEG, PNG or WebP, or not what it claims to be")
    @commit_on_success
    def post(self, files: dict[str, Any]) -> Photo:
        """Upload a photo (multipart, field `file`)

        JPEG, PNG or WebP up to 8 MB. It is cleaned before it is stored: turned upright, every
        piece of metadata (GPS position, camera, time) dropped, re-encoded as a JPEG of at most
        1280 px with a 320-px thumbnail. It is `pending` (seen only by you and your reviewers)
        until a reviewer approves it; at most six photos.
        """
        upload = files["file"]
        return service.upload(actor=current_account(), data=upload.read(imaging.MAX_BYTES + 1),
                              filename=upload.filename, media_type=upload.mimetype)


@blp.route("/me/profile/photos/<int:photo_id>")
class OwnPhoto(MethodView):
    @auth_required()
    @blp.response(204)
    @blp.alt_response(404, description="Not a photo of yours")
    @commit_on_success
    def delete(self, photo_id: int) -> None:
        """Delete one of your photos (its files are erased at once)"""
        service.delete(actor=current_account(), photo_id=photo_id)


@blp.route("/me/profile/photos/order")
class PhotoOrder(MethodView):
    @auth_required()
    @blp.arguments(s.PhotoOrderSchema)
    @blp.response(200, s.PhotoListSchema)
    @blp.alt_response(404, description="No profile yet")
    @blp.alt_response(422, description="The ids are not exactly your photos")
    @commit_on_success
    def put(self, body: dict[str, Any]) -> dict[str, Any]:
        """Order your photos; the first approved one is your main photo"""
        photos = service.reorder(actor=current_account(), ids=body["ids"])
        return {"items": photos}


@blp.route("/photos/<string(length=32):key>")
class PhotoFile(MethodView):
    @auth_required()
    @blp.doc(responses={"200": {"description": "The image", **_IMAGE}, "304": {"description": "Not modified"}})
    @blp.alt_response(404, description="No such photo, or not one you may see")
    def get(self, key: str) -> Response:
        """A photo (at most 1280 px), if you may see its profile

        Checked on every request: the owner, reviewers in scope, and members who may open the
        profile (approved photos only). `ETag` and `If-None-Match` make a repeat cheap.
        """
        return photo_response(service.open_photo(current_account(), key, thumb=False))


@blp.route("/photos/<string(length=32):key>/thumb")
class PhotoThumb(MethodView):
    @auth_required()
    @blp.doc(responses={"200": {"description": "The thumbnail", **_IMAGE}, "304": {"description": "Not modified"}})
    @blp.alt_response(404, description="No such photo, or not one you may see")
    def get(self, key: str) -> Response:
        """A photo's thumbnail (at most 320 px), on the same terms as the photo"""
        return photo_response(service.open_photo(current_account(), key, thumb=True))


@blp.route("/reviews/photos")
class PhotoQueue(MethodView):
    @auth_required(Role.reviewer)
    @blp.arguments(s.PhotoQueueArgsSchema, location="query", as_kwargs=True)
    @blp.arguments(PageArgsSchema, location="query", as_kwargs=True)
    @blp.response(200, ReviewPhotoPageSchema)
    @blp.alt_response(403, description="Not a reviewer")
    def get(self, page: int, per_page: int, profile_id: int | None = None) -> dict[str, Any]:
        """Pending photos in your scope, oldest first, with `duplicate_of`

        Photos of a profile awaiting its first review are listed too (`profile_status: pending`);
        approving that profile approves them. `duplicate_of` names photos of other accounts that
        look the same: a likely fake profile.
        """
        return service.review_queue(actor=current_account(), page=page, per_page=per_page, profile_id=profile_id)


@blp.route("/photos/<int:photo_id>/review")
class PhotoReview(MethodView):
    @auth_required(Role.reviewer)
    @blp.arguments(s.PhotoDecisionSchema)
    @blp.response(200, s.ReviewPhotoSchema)
    @blp.alt_response(403, description="Not a reviewer, or out of scope")
    @blp.alt_response(404, description="No such photo")
    @blp.alt_response(409, description="Not pending")
    @blp.alt_response(422, description="A rejection needs a note")
    @commit_on_success
    def post(self, body: dict[str, Any], photo_id: int) -> service.QueuedPhoto:
        """Approve or reject a pending photo, with a note the member sees"""
        return service.decide(actor=current_account(), photo_id=photo_id, **body)
