"""Photos over HTTP: upload and cleaning, order, delete, files with ETag, review, thumbnails in
every list of profiles, withdrawal and export."""

from __future__ import annotations

import base64
import io
from datetime import date

import pytest
import sqlalchemy as sa
from PIL import Image

from matchsvc.extensions import db
from matchsvc.interactions.models import Match, MatchSource
from matchsvc.matching import push
from matchsvc.notifications.models import Notification
from matchsvc.photos.models import Photo, PhotoBlob
from matchsvc.profiles.models import Profile, ProfileStatus
from matchsvc.reviews.models import AuditEntry
from tests.helpers import assert_problem, field_errors
from tests.photos import images
from tests.photos.conftest import upload

SECRETS = [s.encode() for s in (images.CAMERA_MAKE, images.CAMERA_MODEL, images.TAKEN_AT, images.GPS_DATUM)]


def _counts() -> tuple[int, int]:
    return (db.session.scalar(sa.select(sa.func.count()).select_from(Photo)),
            db.session.scalar(sa.select(sa.func.count()).select_from(PhotoBlob)))


def _woman(make, **kw):
    return make.member(gender="female", seeking_gender="male", **kw)


def _man(make, **kw):
    return make.member(gender="male", seeking_gender="female", **kw)


# --- upload and cleaning ------------------------------------------------------------------------


def test_upload_201_pending_with_urls(as_, make):
    account, profile = make.member()
    r = upload(as_(account))
    assert r.status_code == 201
    assert {"id", "status", "url", "thumb_url"} <= set(r.json) and r.json["status"] == "pending"
    assert r.json["url"].startswith("/api/v1/photos/") and r.json["thumb_url"] == r.json["url"] + "/thumb"
    assert len(r.json["url"].rsplit("/", 1)[1]) == 32  # a random token, not the id
    assert _counts() == (1, 2)
    listed = as_(account).get("/me/profile/photos").json["items"]
    assert [p["id"] for p in listed] == [r.json["id"]] and listed[0]["review_note"] is None


def test_uploaded_gps_photo_comes_back_without_any_metadata(as_, make):
    """The upload carries GPS coordinates, camera make and model and the time taken in its EXIF;
    neither the served photo nor its thumbnail holds a byte of them."""
    account, _ = make.member()
    sent = images.jpeg_with_gps(size=(2400, 1600), orientation=6)
    assert all(secret in sent for secret in SECRETS)
    body = upload(as_(account), sent).json
    for url, longest in ((body["url"], 1280), (body["thumb_url"], 320)):
        r = as_(account).get(url)
        assert r.status_code == 200 and r.mimetype == "image/jpeg"
        for secret in SECRETS:
            assert secret not in r.data
        assert b"Exif\x00\x00" not in r.data and b"GPS" not in r.data[:2048]
        img = Image.open(io.BytesIO(r.data))
        assert not img.getexif() and "exif" not in img.info
        assert img.height == longest and img.width < img.height  # turned upright by its orientation
    stored = b"".join(db.session.scalars(sa.select(PhotoBlob.data)))
    assert all(secret not in stored for secret in SECRETS)


@pytest.mark.parametrize("data,filename,content_type", [
    (b"just some text", "photo.jpg", "image/jpeg"),
    (images.gif(), "photo.gif", "image/gif"),
    (images.jpeg()[:3000], "photo.jpg", "image/jpeg"),
    (images.bomb(), "bomb.png", "image/png"),
    (images.png(), "photo.jpg", "image/jpeg"),
    (images.jpeg(), "photo.webp", "image/webp"),
    (b"", "empty.jpg", "image/jpeg"),
], ids=["text", "gif", "truncated", "bomb", "png-as-jpeg", "jpeg-as-webp", "empty"])
def test_bad_file_is_422_and_nothing_is_stored(as_, make, data, filename, content_type):
    account, _ = make.member()
    r = upload(as_(account), data, filename=filename, content_type=content_type)
    body = assert_problem(r, 422, "invalid_image")
    assert body["errors"]["file"] and body["detail"] == body["errors"]["file"][0]
    assert _counts() == (0, 0)


def test_bad_file_message_in_chinese_by_default_and_english_on_request(as_, make):
    account, _ = make.member()
    zh = upload(as_(account), images.gif(), filename="a.gif", content_type="image/gif").json["detail"]
    en = upload(as_(account, **{"Accept-Language": "en"}), images.gif(), filename="a.gif",
                content_type="image/gif").json["detail"]
    assert en == "Only JPEG, PNG and WebP images are accepted."
    assert zh == "只接受 JPEG、PNG 和 WebP 格式的图片。"


def test_upload_over_8_mb_is_413_and_json_routes_stay_bounded(as_, make):
    account, _ = make.member()
    big = images.jpeg() + b"\x00" * (8 * 1024 * 1024 + 100 * 1024)
    assert_problem(upload(as_(account), big), 413)
    assert _counts() == (0, 0)
    # a JSON route keeps the global 256 KB bound
    r = as_(account).put("/me/profile", data='{"intro": "' + "x" * 300_000 + '"}', content_type="application/json")
    assert_problem(r, 413)
    # and only the upload route takes multipart
    r = as_(account).put("/me/profile", data={"intro": "x"}, content_type="multipart/form-data")
    assert_problem(r, 415)


def test_upload_without_file_field_is_422(as_, make):
    account, _ = make.member()
    assert "file" in field_errors(upload(as_(account), field="other"))


def test_upload_without_profile_is_404(as_, make):
    assert_problem(upload(as_(make.account())), 404, "no_profile")


def test_at_most_six_photos(as_, make, uploaded):
    account, _ = make.member()
    for seed in range(6):
        uploaded(account, images.jpeg(seed=seed))
    assert_problem(upload(as_(account)), 409, "too_many_photos")
    assert _counts() == (6, 12)


# --- delete and order ---------------------------------------------------------------------------


def test_delete_own_photo_erases_its_files(as_, make, uploaded):
    account, _ = make.member()
    first, second = uploaded(account), uploaded(account, images.jpeg(seed=2))
    other, _ = make.member()
    assert_problem(as_(other).delete(f"/me/profile/photos/{first['id']}"), 404)
    assert as_(account).delete(f"/me/profile/photos/{first['id']}").status_code == 204
    assert _counts() == (1, 2)
    assert_problem(as_(account).get(first["url"]), 404)
    assert as_(account).get("/me/profile/photos").json["items"][0] | {"position": 0} == \
        as_(account).get("/me/profile/photos").json["items"][0]
    assert_problem(as_(account).delete(f"/me/profile/photos/{first['id']}"), 404)
    assert second["id"]


def test_order_sets_the_main_photo(as_, make, uploaded, approve_photo):
    account, profile = make.member()
    a, b = uploaded(account, images.jpeg(seed=1)), uploaded(account, images.jpeg(seed=2))
    approve_photo(a["id"])
    approve_photo(b["id"])
    viewer, _ = make.member()
    assert as_(viewer).get(f"/profiles/{profile.id}").json["thumb_url"] == a["thumb_url"]
    r = as_(account).put("/me/profile/photos/order", json={"ids": [b["id"], a["id"]]})
    assert r.status_code == 200 and [p["id"] for p in r.json["items"]] == [b["id"], a["id"]]
    assert as_(viewer).get(f"/profiles/{profile.id}").json["thumb_url"] == b["thumb_url"]


@pytest.mark.parametrize("ids", ["empty", "missing", "dupe", "foreign"])
def test_order_must_name_each_own_photo_once(as_, make, uploaded, ids):
    account, _ = make.member()
    a, b = uploaded(account, images.jpeg(seed=1)), uploaded(account, images.jpeg(seed=2))
    other, _ = make.member()
    c = uploaded(other, images.jpeg(seed=3))
    body = {"empty": [], "missing": [a["id"]], "dupe": [a["id"], a["id"], b["id"]],
            "foreign": [a["id"], c["id"]]}[ids]
    assert "ids" in field_errors(as_(account).put("/me/profile/photos/order", json={"ids": body}))


# --- serving ------------------------------------------------------------------------------------


def test_photo_file_headers_etag_and_304(as_, make, uploaded):
    account, _ = make.member()
    body = uploaded(account)
    r = as_(account).get(body["url"])
    assert r.status_code == 200 and r.headers["Cache-Control"].startswith("private")
    etag = r.headers["ETag"]
    assert etag and r.headers["Content-Type"] == "image/jpeg"
    again = as_(account, **{"If-None-Match": etag}).get(body["url"])
    assert again.status_code == 304 and again.data == b"" and again.headers["ETag"] == etag
    assert "private" in again.headers["Cache-Control"]
    thumb = as_(account).get(body["thumb_url"])
    assert thumb.headers["ETag"] != etag and len(thumb.data) < len(r.data)
    # the ETag does not let anyone else past the check
    stranger, _ = make.member()
    assert_problem(as_(stranger, **{"If-None-Match": etag}).get(body["url"]), 404)
    assert_problem(as_(None).get(body["url"]), 401)


def test_unknown_or_malformed_key_is_404(as_, make):
    account, _ = make.member()
    assert_problem(as_(account).get("/photos/" + "A" * 32), 404)
    assert_problem(as_(account).get("/photos/short"), 404)


# --- review -------------------------------------------------------------------------------------


def test_photo_queue_lists_pending_photos_in_scope_with_duplicates(as_, make, uploaded):
    root = make.root()
    a, b = make.unit("甲", root), make.unit("乙", root)
    owner, profile = make.member(unit=a)
    copier, copy_profile = make.member(unit=b)
    same = images.jpeg(size=(1000, 800), seed=5)
    original = uploaded(owner, same)
    copied = uploaded(copier, images.encode(images.picture((900, 720), seed=5), "PNG"), filename="x.png",
                      content_type="image/png")
    unrelated = uploaded(owner, images.jpeg(seed=9))
    reviewer_a = make.account("reviewer", unit=a)
    r = as_(reviewer_a).get("/reviews/photos")
    assert r.status_code == 200 and r.json["total"] == 2
    items = {i["id"]: i for i in r.json["items"]}
    assert items[original["id"]]["duplicate_of"] == [
        {"photo_id": copied["id"], "profile_id": copy_profile.id, "status": "pending"}]
    assert items[unrelated["id"]]["duplicate_of"] is None
    assert items[original["id"]]["profile_id"] == profile.id and items[original["id"]]["profile_status"] == "approved"
    assert as_(reviewer_a).get(original["url"]).status_code == 200  # reviewers in scope see pending photos
    reviewer_b = make.account("reviewer", unit=b)
    assert [i["id"] for i in as_(reviewer_b).get("/reviews/photos").json["items"]] == [copied["id"]]
    assert as_(reviewer_b).get(f"/reviews/photos?profile_id={profile.id}").json["total"] == 0


def test_photo_queue_does_not_take_plain_pictures_of_different_colours_for_copies(as_, make, uploaded):
    """A picture without structure (one flat colour, a plain gradient) has the same difference hash
    as any other such picture: only the very same image counts as a copy then, not a red square
    for a blue one."""
    root = make.root()
    red, blue, copy = (make.member(unit=root)[0] for _ in range(3))
    red_square = images.encode(Image.new("RGB", (400, 400), (200, 30, 30)), "PNG")
    red_photo = uploaded(red, red_square, filename="red.png", content_type="image/png")
    blue_photo = uploaded(blue, images.encode(Image.new("RGB", (400, 400), (30, 30, 200)), "PNG"),
                          filename="blue.png", content_type="image/png")
    gradient = Image.linear_gradient("L").resize((400, 400)).rotate(90).convert("RGB")
    gradient_photo = uploaded(blue, images.encode(gradient, "PNG"), filename="g.png", content_type="image/png")
    copied = uploaded(copy, red_square, filename="copy.png", content_type="image/png")
    items = {i["id"]: i for i in as_(make.account("reviewer", unit=root)).get("/reviews/photos").json["items"]}
    assert [d["photo_id"] for d in items[red_photo["id"]]["duplicate_of"]] == [copied["id"]]
    assert [d["photo_id"] for d in items[copied["id"]]["duplicate_of"]] == [red_photo["id"]]
    assert items[blue_photo["id"]]["duplicate_of"] is None
    assert items[gradient_photo["id"]]["duplicate_of"] is None


@pytest.mark.parametrize("profile_id", ["-16270152070578366464", str(2**63), "0"])
def test_photo_queue_profile_id_beyond_any_id_is_422_not_500(as_, make, profile_id):
    """scripts/fuzz-api found it: an id past the database's integer range crashed the driver (500)."""
    reviewer = make.account("reviewer", unit=make.root())
    r = as_(reviewer).get(f"/reviews/photos?profile_id={profile_id}")
    assert "profile_id" in field_errors(r)


def test_approve_and_reject_audited_and_member_notified(as_, make, uploaded):
    unit = make.unit()
    owner, profile = make.member(unit=unit)
    reviewer = make.account("reviewer", unit=unit)
    good, bad = uploaded(owner, images.jpeg(seed=1)), uploaded(owner, images.jpeg(seed=2))
    r = as_(reviewer).post(f"/photos/{good['id']}/review", json={"decision": "approve"})
    assert r.status_code == 200 and r.json["status"] == "approved"
    assert "note" in field_errors(as_(reviewer).post(f"/photos/{bad['id']}/review", json={"decision": "reject"}))
    r = as_(reviewer).post(f"/photos/{bad['id']}/review", json={"decision": "reject", "note": "请上传本人照片"})
    assert r.status_code == 200 and r.json["status"] == "rejected" and r.json["review_note"] == "请上传本人照片"
    again = assert_problem(as_(reviewer).post(f"/photos/{bad['id']}/review", json={"decision": "approve"}), 409)
    assert again["detail"] == "只能审核待审核的照片；这张照片目前是“未通过”。"  # the state in words, not "rejected"
    mine = {p["id"]: p for p in as_(owner).get("/me/profile/photos").json["items"]}
    assert mine[bad["id"]]["status"] == "rejected" and mine[bad["id"]]["review_note"] == "请上传本人照片"
    actions = {(e.action, e.target, e.actor_id) for e in db.session.scalars(sa.select(AuditEntry))}
    assert ("photo_approve", f"photo:{good['id']}", reviewer.id) in actions
    assert ("photo_reject", f"photo:{bad['id']}", reviewer.id) in actions
    kinds = [(n.kind, n.payload.get("decision"), n.payload.get("note"))
             for n in db.session.scalars(sa.select(Notification).where(Notification.account_id == owner.id))]
    assert ("photo_reviewed", "approve", None) in kinds and ("photo_reviewed", "reject", "请上传本人照片") in kinds
    inbox = as_(owner).get("/me/notifications").json["items"]
    assert any(n["kind"] == "photo_reviewed" and n["payload"].get("note") == "请上传本人照片" for n in inbox)


def test_review_out_of_scope_403_and_own_photo_403(as_, make, uploaded):
    root = make.root()
    a, b = make.unit("甲", root), make.unit("乙", root)
    owner, _ = make.member(unit=a)
    photo = uploaded(owner)
    assert_problem(as_(make.account("reviewer", unit=b)).post(f"/photos/{photo['id']}/review",
                                                                json={"decision": "approve"}), 403)
    reviewing_owner = make.account("reviewer", unit=a)
    make.profile(reviewing_owner, approved=True)
    own = uploaded(reviewing_owner, images.jpeg(seed=3))
    assert_problem(as_(reviewing_owner).post(f"/photos/{own['id']}/review", json={"decision": "approve"}), 403)
    assert_problem(as_(reviewing_owner).post("/photos/99999/review", json={"decision": "approve"}), 404)


def test_first_profile_photos_are_shown_and_decided_with_it(as_, make, uploaded):
    unit = make.unit()
    owner = make.account(unit=unit)
    profile = make.profile(owner, consented=True)  # a draft
    photo = uploaded(owner)
    reviewer = make.account("reviewer", unit=unit)
    assert as_(reviewer).get("/reviews/photos").json["total"] == 0  # not submitted yet
    assert as_(owner).post("/me/profile/submit").status_code == 200
    item = as_(reviewer).get("/reviews/queue").json["items"][0]
    assert [p["id"] for p in item["photos"]] == [photo["id"]] and item["photos"][0]["status"] == "pending"
    queued = as_(reviewer).get("/reviews/photos").json["items"]
    assert [(p["id"], p["profile_status"]) for p in queued] == [(photo["id"], "pending")]
    assert as_(reviewer).post(f"/profiles/{profile.id}/review", json={"decision": "approve"}).status_code == 200
    assert as_(owner).get("/me/profile/photos").json["items"][0]["status"] == "approved"
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "photo_approve"))
    assert entry.target == f"photo:{photo['id']}" and entry.detail["with_profile"] is True
    viewer, _ = make.member()
    assert as_(viewer).get(f"/profiles/{profile.id}").json["thumb_url"] == photo["thumb_url"]


def test_new_photo_of_approved_profile_keeps_it_in_the_pool(as_, make, uploaded, approve_photo):
    owner, profile = make.member()
    first = uploaded(owner, images.jpeg(seed=1))
    approve_photo(first["id"])
    pending = uploaded(owner, images.jpeg(seed=2))
    as_(owner).put("/me/profile/photos/order", json={"ids": [pending["id"], first["id"]]})
    viewer, _ = make.member()
    r = as_(viewer).get(f"/profiles/{profile.id}")
    assert r.status_code == 200 and r.json["thumb_url"] == first["thumb_url"]  # the pending one is not shown
    assert as_(owner).get("/me/profile").json["status"] == "approved"
    assert_problem(as_(viewer).get(pending["url"]), 404)
    assert as_(viewer).get(first["url"]).status_code == 200


# --- thumbnails in lists of profiles -------------------------------------------------------------


def test_thumb_url_in_recommendations_search_picks_and_matches(as_, make, uploaded, approve_photo):
    me, mine = _woman(make)
    him_account, him = _man(make)
    bare_account, bare = _man(make)
    photo = uploaded(him_account)
    approve_photo(photo["id"])
    uploaded(bare_account, images.jpeg(seed=7))  # pending: no thumbnail shown yet
    thumbs = {him.id: photo["thumb_url"], bare.id: None}

    rec = as_(me).get("/me/recommendations").json["items"]
    assert {i["profile"]["id"]: i["profile"]["thumb_url"] for i in rec} == thumbs
    search = as_(me).get("/profiles").json["items"]
    assert {p["id"]: p["thumb_url"] for p in search} == thumbs
    push.push_daily(on=date.today())
    picks = as_(me).get("/me/daily-picks").json["items"]
    assert picks and all(i["profile"]["thumb_url"] == thumbs[i["profile"]["id"]] for i in picks)
    low, high = sorted((mine.id, him.id))
    db.session.add(Match(low_id=low, high_id=high, source=MatchSource.like))
    db.session.commit()
    matches = as_(me).get("/me/matches").json["items"]
    assert [(m["profile"]["id"], m["profile"]["thumb_url"]) for m in matches] == [(him.id, photo["thumb_url"])]
    assert as_(me).get(photo["thumb_url"]).status_code == 200


def test_own_profile_lists_every_photo(as_, make, uploaded):
    owner, _ = make.member()
    photo = uploaded(owner)
    body = as_(owner).get("/me/profile").json
    assert [p["id"] for p in body["photos"]] == [photo["id"]] and body["thumb_url"] is None


# --- withdrawal and export ----------------------------------------------------------------------


def test_withdrawal_erases_photos_and_files_at_once(as_, make, uploaded, approve_photo):
    owner, _ = make.member()
    photo = uploaded(owner)
    approve_photo(photo["id"])
    viewer, _ = make.member()
    assert as_(viewer).get(photo["url"]).status_code == 200
    assert as_(owner).delete("/me/profile").status_code == 204
    assert _counts() == (0, 0)
    assert_problem(as_(viewer).get(photo["url"]), 404)
    assert_problem(as_(owner).get(photo["url"]), 404)


def test_export_contains_the_photos_themselves(as_, make, uploaded):
    owner, _ = make.member()
    photo = uploaded(owner)
    exported = as_(owner).get("/me/export").json["photos"]
    assert [(p["id"], p["status"]) for p in exported] == [(photo["id"], "pending")]
    data = base64.b64decode(exported[0]["data_base64"])
    assert data == as_(owner).get(photo["url"]).data and Image.open(io.BytesIO(data)).format == "JPEG"
    assert as_(make.account()).get("/me/export").json["photos"] == []


def test_thumb_url_in_event_attendees(as_, make, uploaded, approve_photo):
    from matchsvc.core.clock import utcnow
    from matchsvc.events.models import Signup, SignupStatus
    from tests.factories import EventFactory

    me, mine = _woman(make)
    him_account, him = _man(make)
    photo = uploaded(him_account)
    approve_photo(photo["id"])
    event = EventFactory(over=True)
    for profile in (mine, him):
        db.session.add(Signup(event_id=event.id, profile_id=profile.id, gender=profile.gender,
                              status=SignupStatus.confirmed, confirmed_at=utcnow(), checked_in_at=utcnow()))
    db.session.commit()
    r = as_(me).get(f"/events/{event.id}/attendees")
    assert r.status_code == 200
    assert [(a["id"], a["thumb_url"]) for a in r.json["items"]] == [(him.id, photo["thumb_url"])]
