"""Photos on the member pages: the profile editor uploads, deletes and orders them (CSRF-checked
forms, the photos service's own validation), cards show main photos, and the session's photo
route answers only those who may see the photo (the API's rule, checked on every request)."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
import sqlalchemy as sa
from flask import current_app

from matchsvc.extensions import db
from matchsvc.interactions import service as interactions
from matchsvc.photos import imaging
from matchsvc.photos import service as photos
from matchsvc.photos.models import Photo, PhotoBlob, PhotoStatus
from matchsvc.profiles import service as profiles
from tests.photos import images


def _photos(profile: Any) -> list[Photo]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(Photo).where(Photo.profile_id == profile.id)
                                   .order_by(Photo.position, Photo.id)))


def _add(profile: Any, seed: int, status: PhotoStatus = PhotoStatus.approved, note: str | None = None) -> Photo:
    photo = photos.store(profile=profile, cleaned=imaging.clean(images.jpeg((400, 300), seed=seed)), status=status)
    photo.review_note = note
    db.session.commit()
    return photo


def _img(web: Any, url: str, **kw: Any) -> Any:
    """GET an image (WebClient.get reads every answer as HTML text)."""
    return web._open("GET", url, **kw)


def _send(web: Any, data: bytes, filename: str = "me.jpg", content_type: str = "image/jpeg", **kw: Any) -> Any:
    return web.post("/profile/photos", {"file": (io.BytesIO(data), filename, content_type)},
                    content_type="multipart/form-data", **kw)


def test_upload_shows_the_pending_photo_with_its_thumbnail(web, make):
    account, profile = make.member()
    web.login(account)
    response = _send(web, images.jpeg_with_gps((600, 400)))
    assert response.status_code == 302 and response.headers["Location"].endswith("/profile#photos-h")
    [photo] = _photos(profile)
    assert photo.status is PhotoStatus.pending
    html = web.get("/profile").get_data(as_text=True)
    assert f'src="/photo/{photo.key}/thumb"' in html and "status-pending" in html
    assert "照片已添加" in html  # the flash, in Simplified Chinese
    thumb = _img(web, f"/photo/{photo.key}/thumb")
    assert thumb.status_code == 200 and thumb.mimetype == "image/jpeg"
    assert thumb.headers["Cache-Control"] == "private, no-cache" and thumb.headers["ETag"]
    assert images.GPS_DATUM.encode() not in thumb.data and images.CAMERA_MAKE.encode() not in thumb.data
    full = _img(web, f"/photo/{photo.key}")
    assert full.status_code == 200 and full.data != thumb.data


@pytest.mark.parametrize("data, filename, content_type, message", [
    (images.gif(), "me.gif", "image/gif", "只接受 JPEG、PNG 和 WebP 格式的图片。"),
    (b"not an image at all", "me.jpg", "image/jpeg", "只接受 JPEG、PNG 和 WebP 格式的图片。"),
    (images.jpeg()[:2000], "me.jpg", "image/jpeg", "图片已损坏或不完整"),
    (images.png(), "me.jpg", "image/jpeg", "PNG"),
    (b"", "me.jpg", "image/jpeg", "文件是空的"),
])
def test_a_bad_file_re_renders_the_editor_with_the_services_reason(web, make, data, filename, content_type,
                                                                   message):
    account, profile = make.member()
    web.login(account)
    response = _send(web, data, filename, content_type)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'id="photo-errors"' in html and message in html
    assert 'name="display_name"' in html  # the whole editor again, not an error page
    assert _photos(profile) == [] and db.session.scalar(sa.select(sa.func.count()).select_from(PhotoBlob)) == 0


def test_upload_without_a_file_says_so(web, make):
    account, profile = make.member()
    web.login(account)
    response = web.post("/profile/photos", {}, content_type="multipart/form-data")
    assert response.status_code == 200 and "请先选择一张照片" in response.get_data(as_text=True)
    assert _photos(profile) == []


def test_a_file_over_the_limit_is_refused_with_the_reason(web, make):
    account, profile = make.member()
    web.login(account)
    boundary = "----web-photo-test"
    big = b"\xff\xd8\xff" + b"\0" * (imaging.MAX_BYTES + 128 * 1024)
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n{web.token()}\r\n"
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.jpg\"\r\n"
            "Content-Type: image/jpeg\r\n\r\n").encode() + big + f"\r\n--{boundary}--\r\n".encode()
    response = web._open("POST", "/profile/photos", data=body,
                         content_type=f"multipart/form-data; boundary={boundary}")
    assert response.status_code == 413
    assert "文件超过 8 MB。" in response.get_data(as_text=True)
    assert _photos(profile) == []


def test_upload_needs_the_csrf_token_and_a_profile(web, make):
    account, profile = make.member()
    web.login(account)
    response = web.post("/profile/photos", {"file": (io.BytesIO(images.jpeg()), "me.jpg", "image/jpeg")},
                        csrf=False, content_type="multipart/form-data")
    assert response.status_code == 400 and "表单已过期" in response.get_data(as_text=True)
    assert _photos(profile) == []
    newcomer = make.account()
    web.login(newcomer)
    html = web.get("/profile").get_data(as_text=True)
    assert "请先保存资料" in html and 'enctype="multipart/form-data"' not in html
    response = _send(web, images.jpeg())
    assert response.status_code == 200


def test_seventh_photo_is_refused_and_the_form_is_gone_at_six(web, make):
    account, profile = make.member()
    for seed in range(photos.MAX_PHOTOS):
        _add(profile, seed)
    web.login(account)
    html = web.get("/profile").get_data(as_text=True)
    assert 'enctype="multipart/form-data"' not in html and "已达上限" in html
    response = _send(web, images.jpeg(seed=99))
    assert response.status_code == 200 and "最多" in response.get_data(as_text=True)
    assert len(_photos(profile)) == photos.MAX_PHOTOS


def test_delete_removes_the_photo_and_its_files(web, make):
    account, profile = make.member()
    first, second = _add(profile, 1), _add(profile, 2)
    first_id, first_key = first.id, first.key
    web.login(account)
    response = web.post(f"/profile/photos/{first_id}/delete")
    assert response.status_code == 302
    assert [p.id for p in _photos(profile)] == [second.id]
    assert db.session.get(PhotoBlob, f"{first_key}/full") is None
    assert _img(web, f"/photo/{first_key}/thumb").status_code == 404


def test_nobody_deletes_or_moves_anothers_photo(web, make):
    owner, owner_profile = make.member()
    photo = _add(owner_profile, 1)
    other, _ = make.member()
    web.login(other)
    web.post(f"/profile/photos/{photo.id}/delete")
    web.post(f"/profile/photos/{photo.id}/move", {"to": "main"})
    html = web.get("/profile").get_data(as_text=True)
    assert "没有这张照片。" in html
    assert [p.id for p in _photos(owner_profile)] == [photo.id]


def test_order_main_up_and_down(web, make):
    account, profile = make.member()
    a, b, c = _add(profile, 1), _add(profile, 2), _add(profile, 3)
    web.login(account)
    ids = lambda: [p.id for p in _photos(profile)]  # noqa: E731
    assert web.post(f"/profile/photos/{c.id}/move", {"to": "main"}).status_code == 302
    assert ids() == [c.id, a.id, b.id]
    web.post(f"/profile/photos/{a.id}/move", {"to": "down"})
    assert ids() == [c.id, b.id, a.id]
    web.post(f"/profile/photos/{a.id}/move", {"to": "up"})
    assert ids() == [c.id, a.id, b.id]
    web.post(f"/profile/photos/{c.id}/move", {"to": "up"})  # already first: unchanged
    web.post(f"/profile/photos/{c.id}/move", {"to": "sideways"})
    assert ids() == [c.id, a.id, b.id]
    html = web.get("/profile").get_data(as_text=True)
    # the main photo (first approved) is marked, and is the first item
    assert html.index(f'id="photo-{c.id}"') < html.index("status-main") < html.index(f'id="photo-{a.id}"')


def test_main_photo_is_the_first_approved_and_rejections_show_the_note(web, make):
    account, profile = make.member()
    rejected = _add(profile, 1, PhotoStatus.rejected, note="照片太模糊")
    approved = _add(profile, 2)
    web.login(account)
    html = web.get("/profile").get_data(as_text=True)
    assert "照片太模糊" in html and "status-rejected" in html
    item = html[html.index(f'id="photo-{approved.id}"'):]
    assert "status-main" in item
    assert "status-main" not in html[html.index(f'id="photo-{rejected.id}"'):html.index(f'id="photo-{approved.id}"')]


# --- the session's photo route: the same visibility rule as the API -------------------------------

@pytest.fixture
def world(make):
    root = make.root()
    unit = make.unit("甲单位", root)
    owner, owner_profile = make.member(unit=unit, gender="female", seeking_gender="male")
    approved = _add(owner_profile, 1)
    pending = _add(owner_profile, 2, PhotoStatus.pending)
    return {"owner": owner, "owner_profile": owner_profile, "approved": approved, "pending": pending,
            "unit": unit, "root": root}


def _status(web: Any, account: Any, photo: Photo) -> tuple[int, int]:
    web.client.delete_cookie(current_app.config["SESSION_COOKIE_NAME"])
    if account is not None:
        web.login(account)
    return _img(web, f"/photo/{photo.key}/thumb").status_code, _img(web, f"/photo/{photo.key}").status_code


def test_web_photo_route_owner_and_approved_member(web, make, world):
    viewer, _ = make.member(unit=world["unit"], gender="male", seeking_gender="female")
    assert _status(web, world["owner"], world["pending"]) == (200, 200)
    assert _status(web, viewer, world["approved"]) == (200, 200)
    assert _status(web, viewer, world["pending"]) == (404, 404)


def test_web_photo_route_hides_from_unapproved_and_blocked_and_paused(web, make, world):
    unapproved = make.profile(make.account(unit=world["unit"]), pending=True).account
    assert _status(web, unapproved, world["approved"]) == (404, 404)
    blocked, blocked_profile = make.member(unit=world["unit"], gender="male", seeking_gender="female")
    interactions.block(actor=world["owner"], profile_id=blocked_profile.id)
    db.session.commit()
    assert _status(web, blocked, world["approved"]) == (404, 404)
    viewer, _ = make.member(unit=world["unit"], gender="male", seeking_gender="female")
    profiles.pause(actor=world["owner"])
    db.session.commit()
    assert _status(web, viewer, world["approved"]) == (404, 404)
    profiles.resume(actor=world["owner"])
    db.session.commit()
    assert _status(web, viewer, world["approved"]) == (200, 200)


def test_web_photo_route_after_withdrawal_and_for_strangers(web, make, world):
    viewer, _ = make.member(unit=world["unit"], gender="male", seeking_gender="female")
    assert _status(web, viewer, world["approved"])[0] == 200
    web.client.delete_cookie(current_app.config["SESSION_COOKIE_NAME"])
    response = _img(web, f"/photo/{world['approved'].key}/thumb")
    assert response.status_code == 302 and "/login" in response.headers["Location"]  # anonymous
    assert _img(web, "/photo/" + "x" * 32).status_code == 302
    web.login(viewer)
    assert _img(web, "/photo/" + "x" * 32).status_code == 404  # unknown key: the same 404
    profiles.withdraw(actor=world["owner"])
    db.session.commit()
    assert _img(web, f"/photo/{world['approved'].key}/thumb").status_code == 404


def test_web_photo_route_for_reviewers_by_scope(web, make, world):
    inside = make.account("reviewer", unit=world["unit"])
    outside = make.account("reviewer", unit=make.unit("乙单位", world["root"]))
    assert _status(web, inside, world["pending"]) == (200, 200)
    assert _status(web, outside, world["pending"]) == (404, 404)


def test_etag_answers_304(web, world):
    web.login(world["owner"])
    first = _img(web, f"/photo/{world['approved'].key}/thumb")
    again = _img(web, f"/photo/{world['approved'].key}/thumb", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""


# --- cards show the main photo through the session route ------------------------------------------

def _thumbs(html: str) -> set[str]:
    return set(re.findall(r'src="(/photo/[^"]+/thumb)"', html))


def test_cards_on_recommendations_search_and_matches_show_main_photos(web, make, world):
    viewer, viewer_profile = make.member(unit=world["unit"], gender="male", seeking_gender="female")
    web.login(viewer)
    expected = f"/photo/{world['approved'].key}/thumb"
    html = web.get("/recommendations").get_data(as_text=True)
    assert expected in _thumbs(html) and f"/photo/{world['pending'].key}/thumb" not in html
    assert "/api/v1/photos" not in html
    assert expected in _thumbs(web.get("/search?age_min=18").get_data(as_text=True))
    interactions.like(actor=viewer, profile_id=world["owner_profile"].id)
    interactions.like(actor=world["owner"], profile_id=viewer_profile.id)
    db.session.commit()
    assert expected in _thumbs(web.get("/matches").get_data(as_text=True))
    assert _img(web, expected).status_code == 200
