"""Cleaning uploads with Pillow: metadata stripped, orientation applied, sizes bounded, bad files
refused; the difference hash."""

from __future__ import annotations

import io
import warnings

import pytest
from PIL import Image

from matchsvc.photos import imaging
from tests.photos import images

SECRETS = [s.encode() for s in (images.CAMERA_MAKE, images.CAMERA_MODEL, images.TAKEN_AT, images.GPS_DATUM,
                                images.PNG_TEXT)]


def test_fixture_photo_really_carries_gps_and_camera_data():
    data = images.jpeg_with_gps()
    exif = Image.open(io.BytesIO(data)).getexif()
    assert exif[0x010F] == images.CAMERA_MAKE
    gps = exif.get_ifd(0x8825)
    assert gps[1] == "N" and float(gps[2][0]) == 30.0 and gps[18] == images.GPS_DATUM
    assert images.GPS_DATUM.encode() in data and b"Exif\x00\x00" in data


@pytest.mark.parametrize("data", [images.jpeg_with_gps(), images.png(), images.webp()], ids=["jpeg", "png", "webp"])
def test_clean_strips_every_piece_of_metadata(data):
    cleaned = imaging.clean(data)
    for out in (cleaned.full, cleaned.thumb):
        for secret in SECRETS:
            assert secret not in out
        assert b"Exif\x00\x00" not in out and b"http://ns.adobe.com/xap" not in out and b"ICC_PROFILE" not in out
        img = Image.open(io.BytesIO(out))
        assert img.format == "JPEG" and img.mode == "RGB"
        assert not img.getexif() and not set(img.info) & {"exif", "icc_profile", "xmp", "comment", "Comment"}


def test_clean_applies_exif_orientation():
    # orientation 6: stored landscape, shown rotated 90° clockwise (portrait)
    cleaned = imaging.clean(images.jpeg_with_gps(size=(400, 200), orientation=6))
    assert (cleaned.width, cleaned.height) == (200, 400)


def test_clean_bounds_full_and_thumbnail_sizes():
    cleaned = imaging.clean(images.jpeg(size=(3000, 2000)))
    assert (cleaned.width, cleaned.height) == (1280, 853)
    thumb = Image.open(io.BytesIO(cleaned.thumb))
    assert max(thumb.size) == 320 and cleaned.media_type == "image/jpeg"
    small = imaging.clean(images.jpeg(size=(200, 100)))
    assert (small.width, small.height) == (200, 100)  # never enlarged


def test_clean_flattens_transparency_onto_white():
    img = Image.new("RGBA", (50, 50), (255, 0, 0, 0))
    cleaned = imaging.clean(images.encode(img, "PNG"))
    assert Image.open(io.BytesIO(cleaned.full)).getpixel((25, 25))[0] > 240


@pytest.mark.parametrize("data,reason", [
    (b"", "empty"),
    (b"hello, this is not an image at all", "unsupported_type"),
    (images.gif(), "unsupported_type"),
    (images.jpeg()[:4000], "corrupt"),
    (images.png()[:300], "corrupt"),
    (b"\xff\xd8\xff\xe0" + b"\x00" * 500, "corrupt"),
    (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "corrupt"),
    (images.bomb(), "too_many_pixels"),
], ids=["empty", "text", "gif", "truncated-jpeg", "truncated-png", "jpeg-garbage", "png-garbage", "bomb"])
def test_clean_refuses_bad_files(data, reason):
    with pytest.raises(imaging.BadImage) as err:
        imaging.clean(data)
    assert err.value.reason == reason


def test_clean_refuses_more_than_8_mb():
    with pytest.raises(imaging.BadImage) as err:
        imaging.clean(images.jpeg() + b"\x00" * imaging.MAX_BYTES)
    assert err.value.reason == "too_large"


def test_pillows_decompression_bomb_warning_is_a_refusal(monkeypatch):
    """Between Image.MAX_IMAGE_PIXELS and twice that Pillow only warns; here it refuses."""
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 100 * 100)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # prove the refusal does not depend on the test's filter
        with pytest.raises(imaging.BadImage) as err:
            imaging.clean(images.jpeg(size=(150, 100)), max_pixels=10**9)
    assert err.value.reason == "too_many_pixels"
    with pytest.raises(imaging.BadImage):
        imaging.clean(images.jpeg(size=(300, 300)), max_pixels=10**9)  # past twice: Pillow's error


@pytest.mark.parametrize("data,filename,media_type", [
    (images.png(), "photo.jpg", "image/jpeg"),
    (images.jpeg(), "photo.png", None),
    (images.jpeg(), "photo.jpg", "image/png"),
    (images.webp(), None, "image/jpeg"),
    (images.jpeg(), "photo.exe", None),
])
def test_clean_refuses_a_file_that_lies_about_its_type(data, filename, media_type):
    with pytest.raises(imaging.BadImage) as err:
        imaging.clean(data, filename=filename, media_type=media_type)
    assert err.value.reason == "type_mismatch"


@pytest.mark.parametrize("data,filename,media_type", [
    (images.jpeg(), "IMG_0001.JPG", "image/jpeg"),
    (images.jpeg(), "photo.jpeg", "application/octet-stream"),
    (images.png(), "a.png", "image/png"),
    (images.webp(), "a.webp", "image/webp"),
    (images.jpeg(), "no-extension", ""),
])
def test_clean_accepts_honest_claims(data, filename, media_type):
    assert imaging.clean(data, filename=filename, media_type=media_type).full


def test_dhash_survives_reencoding_and_resizing_but_tells_pictures_apart():
    original = imaging.clean(images.jpeg(size=(1600, 1200), seed=1))
    smaller = imaging.clean(images.encode(images.picture((640, 480), seed=1), "JPEG", quality=60))
    as_png = imaging.clean(images.encode(images.picture((1600, 1200), seed=1), "PNG"))
    other = imaging.clean(images.jpeg(size=(1600, 1200), seed=4))
    assert imaging.distance(original.dhash, smaller.dhash) <= 3
    assert imaging.distance(original.dhash, as_png.dhash) <= 3
    assert imaging.distance(original.dhash, other.dhash) > 10


def test_hash_bands_split_64_bits():
    assert imaging.hash_bands(0x0123456789ABCDEF) == (0x0123, 0x4567, 0x89AB, 0xCDEF)


def test_render_encodes_a_drawn_image_like_an_upload():
    cleaned = imaging.render(images.picture((2000, 1000)))
    assert (cleaned.width, cleaned.height) == (1280, 640) and cleaned.thumb

