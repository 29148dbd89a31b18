"""Uploading photos as a member, and members in the states the photo tests need."""

from __future__ import annotations

from typing import Any, Callable

import pytest

from tests.photos import images


BOUNDARY = "----matchsvc-test-boundary-7c1f"


def multipart(fields: dict[str, tuple[bytes, str, str]]) -> bytes:
    """A multipart/form-data body of files ``{name: (data, filename, content type)}``.

    Built here rather than by the test client, whose encoder leaves a temporary file open for
    bodies over 500 KB (a ResourceWarning, an error under this suite's warning filter)."""
    out = b""
    for name, (data, filename, content_type) in fields.items():
        out += (f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{filename}\"\r\n"
                f"Content-Type: {content_type}\r\n\r\n").encode() + data + b"\r\n"
    return out + f"--{BOUNDARY}--\r\n".encode()


def upload(acting: Any, data: bytes | None = None, filename: str = "photo.jpg",
           content_type: str = "image/jpeg", field: str = "file") -> Any:
    """POST one file as the ``file`` field of a multipart form."""
    data = images.jpeg() if data is None else data
    return acting.post("/me/profile/photos", data=multipart({field: (data, filename, content_type)}),
                       content_type=f"multipart/form-data; boundary={BOUNDARY}")


@pytest.fixture
def uploaded(as_: Any) -> Callable[..., dict[str, Any]]:
    """``uploaded(account, data=None)``: the 201 body of an upload that must succeed."""

    def do(account: Any, data: bytes | None = None, **kw: Any) -> dict[str, Any]:
        r = upload(as_(account), data, **kw)
        assert r.status_code == 201, r.get_json()
        return r.get_json()

    return do


@pytest.fixture
def approve_photo(as_: Any, make: Any) -> Callable[[int], None]:
    """Approve a photo as a reviewer at the root (every unit is in scope)."""

    def do(photo_id: int) -> None:
        reviewer = make.account("reviewer", unit=make.root())
        r = as_(reviewer).post(f"/photos/{photo_id}/review", json={"decision": "approve"})
        assert r.status_code == 200, r.get_json()

    return do
