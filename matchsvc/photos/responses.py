"""The HTTP response for a photo, shared by both edges (the API and the web pages)."""

from __future__ import annotations

from flask import Response, current_app, request

from matchsvc.photos.service import PhotoFile


def photo_response(file: PhotoFile) -> Response:
    """The image with ``Cache-Control: private, no-cache`` (never kept by a shared cache; a browser
    asks again each time, so access is checked on every request) and an ``ETag``: a request whose
    ``If-None-Match`` names it gets a 304 without the bytes being read."""
    if file.etag in request.if_none_match:
        response = current_app.response_class(status=304)
    else:
        response = current_app.response_class(file.read(), mimetype=file.media_type)
        response.headers["Content-Disposition"] = "inline"
    response.set_etag(file.etag)
    response.headers["Cache-Control"] = "private, no-cache"
    response.headers["Cross-Origin-Resource-Policy"] = "same-origin"
    response.vary.add("Authorization")
    response.vary.add("Cookie")
    return response
