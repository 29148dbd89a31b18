"""Image files for the photo tests, drawn with Pillow (nothing downloaded)."""

from __future__ import annotations

import io
import random
from functools import lru_cache

from PIL import Image, ImageDraw
from PIL.PngImagePlugin import PngInfo

#: Distinctive strings planted in the metadata of test photos; none may come back.
CAMERA_MAKE = "SecretCamCo-7731"
CAMERA_MODEL = "SpyPhone-X9-4412"
TAKEN_AT = "2026:01:02 03:04:05"
GPS_DATUM = "WGS-84-HOMEADDR-5521"
PNG_TEXT = "png-text-comment-secret-8820"
#: The GPS position planted (30°15'27.12"N 120°09'55.5"E, West Lake), as EXIF rationals.
GPS_LAT = (30.0, 15.0, 27.12)
GPS_LON = (120.0, 9.0, 55.5)


def picture(size: tuple[int, int] = (800, 600), seed: int = 0, mode: str = "RGB") -> Image.Image:
    """A picture with enough structure for a perceptual hash: shapes placed and coloured by seed."""
    rnd = random.Random(seed)
    w, h = size
    img = Image.new("RGB", size, tuple(rnd.randrange(256) for _ in range(3)))
    draw = ImageDraw.Draw(img)
    for _ in range(12):  # in fractions of the size: the same seed draws the same picture at any size
        fx, fy, fw, fh = rnd.random(), rnd.random(), rnd.uniform(0.12, 0.5), rnd.uniform(0.12, 0.5)
        box = [int(fx * w), int(fy * h), int((fx + fw) * w), int((fy + fh) * h)]
        colour = tuple(rnd.randrange(256) for _ in range(3))
        (draw.ellipse if rnd.random() < 0.5 else draw.rectangle)(box, fill=colour)
    return img.convert(mode) if mode != "RGB" else img


def gps_exif(orientation: int | None = None) -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F] = CAMERA_MAKE
    exif[0x0110] = CAMERA_MODEL
    exif[0x0132] = TAKEN_AT
    if orientation:
        exif[0x0112] = orientation
    exif[0x8825] = {1: "N", 2: GPS_LAT, 3: "E", 4: GPS_LON, 18: GPS_DATUM}
    return exif


def encode(img: Image.Image, fmt: str = "JPEG", **kw: object) -> bytes:
    buf = io.BytesIO()
    img.save(buf, format=fmt, **kw)
    return buf.getvalue()


def jpeg(size: tuple[int, int] = (800, 600), seed: int = 0, **kw: object) -> bytes:
    return encode(picture(size, seed), "JPEG", quality=90, **kw)


def jpeg_with_gps(size: tuple[int, int] = (800, 600), orientation: int | None = None, seed: int = 0) -> bytes:
    return encode(picture(size, seed), "JPEG", quality=90, exif=gps_exif(orientation))


def png(size: tuple[int, int] = (400, 300), seed: int = 0, mode: str = "RGBA") -> bytes:
    info = PngInfo()
    info.add_text("Comment", PNG_TEXT)
    return encode(picture(size, seed, mode), "PNG", pnginfo=info)


def webp(size: tuple[int, int] = (400, 300), seed: int = 0) -> bytes:
    return encode(picture(size, seed), "WEBP", quality=80, exif=gps_exif())


def gif() -> bytes:
    return encode(picture((100, 100)), "GIF")


@lru_cache(maxsize=1)
def bomb() -> bytes:
    """A 9,000 × 9,000 PNG (81 megapixels) of a few kilobytes: a decompression bomb."""
    return encode(Image.new("1", (9000, 9000)), "PNG", optimize=True)
