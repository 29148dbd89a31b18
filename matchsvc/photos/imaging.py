"""Cleaning an uploaded image with Pillow, and its perceptual hash. No Flask, no database.

An upload is never stored as sent. It is checked against what it claims to be, decoded in full
(a truncated file fails here), turned upright by its EXIF orientation, copied pixel by pixel into
a fresh image (so no metadata, no ICC profile, no trailing payload survives) and re-encoded as a
bounded JPEG plus a thumbnail. What the member sent is thrown away.
"""

from __future__ import annotations

import io
import struct
import warnings
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

#: What a member may upload: the format Pillow names it, and its media type.
ACCEPTED = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
#: The file extensions each format may be sent with.
_EXTENSIONS = {"JPEG": {"jpg", "jpeg", "jpe", "jfif"}, "PNG": {"png"}, "WEBP": {"webp"}}
#: Media types clients send for each format (``image/jpg`` is wrong but common).
_MEDIA_TYPES = {"JPEG": {"image/jpeg", "image/jpg", "image/pjpeg"}, "PNG": {"image/png"},
                "WEBP": {"image/webp"}}
#: Types that say nothing about the content, so they cannot contradict it.
_GENERIC_TYPES = {"", "application/octet-stream", "binary/octet-stream"}

MAX_BYTES = 8 * 1024 * 1024
#: Pixels an upload may decode to (a 48-megapixel phone photo is about 48,800,000). A small file
#: that claims more is a decompression bomb: refused before a single row of it is decoded.
MAX_PIXELS = 50_000_000
FULL_SIZE = 1280
THUMB_SIZE = 320
JPEG_QUALITY = 85
THUMB_QUALITY = 80
MEDIA_TYPE = "image/jpeg"


#: English text of each refusal (the service shows the caller's language).
REASONS = {
    "empty": "The file is empty.",
    "too_large": "The file is larger than 8 MB.",
    "unsupported_type": "Only JPEG, PNG and WebP images are accepted.",
    "type_mismatch": "The file is %(actual)s but was sent as %(claimed)s.",
    "too_many_pixels": "The image has too many pixels (at most %(max)s million).",
    "corrupt": "The image is damaged or truncated and cannot be read.",
}


class BadImage(ValueError):
    """The upload cannot be accepted: ``reason`` is a key of ``REASONS``, ``params`` its values."""

    def __init__(self, reason: str, **params: object) -> None:
        super().__init__(REASONS[reason] % params)
        self.reason = reason
        self.params = params


@dataclass(frozen=True)
class Cleaned:
    full: bytes
    thumb: bytes
    media_type: str
    width: int
    height: int
    #: 64-bit difference hash of the cleaned image (unsigned), for spotting the same photo twice.
    dhash: int


def sniff(data: bytes) -> str | None:
    """The accepted format the bytes really are (by their signature), or None."""
    if data[:3] == b"\xff\xd8\xff":
        return "JPEG"
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return "PNG"
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    return None


def check_claims(fmt: str, *, filename: str | None, media_type: str | None) -> None:
    """BadImage when the file name's extension or the declared media type names another format
    than the content: a file that lies about its type is refused, not silently converted."""
    declared = (media_type or "").split(";")[0].strip().lower()
    if declared not in _GENERIC_TYPES and declared not in _MEDIA_TYPES[fmt]:
        raise BadImage("type_mismatch", actual=fmt, claimed=declared)
    ext = (filename or "").rsplit(".", 1)[-1].lower() if "." in (filename or "") else ""
    if ext and ext not in _EXTENSIONS[fmt]:
        raise BadImage("type_mismatch", actual=fmt, claimed=f".{ext}")


def clean(data: bytes, *, filename: str | None = None, media_type: str | None = None,
          max_pixels: int = MAX_PIXELS) -> Cleaned:
    """Check, decode and re-encode an upload (see the module docstring); BadImage on any failure."""
    if not data:
        raise BadImage("empty")
    if len(data) > MAX_BYTES:
        raise BadImage("too_large")
    fmt = sniff(data)
    if fmt is None:
        raise BadImage("unsupported_type")
    check_claims(fmt, filename=filename, media_type=media_type)
    with warnings.catch_warnings():
        # Pillow only warns between MAX_IMAGE_PIXELS and twice that; here a warning is a refusal.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data), formats=[fmt])
            if image.width * image.height > max_pixels or image.width < 1 or image.height < 1:
                raise BadImage("too_many_pixels", max=max_pixels // 1_000_000)
            image.seek(0)  # an animated PNG or WebP: its first frame
            if fmt == "JPEG":  # decode at the smallest DCT scale that still covers FULL_SIZE: 4-8x faster
                image.draft(None, (FULL_SIZE, FULL_SIZE))
            image.load()
            upright = ImageOps.exif_transpose(image)
            pixels = _rgb(upright if upright is not None else image)
        except BadImage:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise BadImage("too_many_pixels", max=max_pixels // 1_000_000) from None
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError, IndexError, KeyError,
                TypeError, struct.error, MemoryError):
            raise BadImage("corrupt") from None
    full = _bounded(pixels, FULL_SIZE)
    thumb = _bounded(full, THUMB_SIZE)
    return Cleaned(full=_jpeg(full, JPEG_QUALITY), thumb=_jpeg(thumb, THUMB_QUALITY), media_type=MEDIA_TYPE,
                   width=full.width, height=full.height, dhash=dhash(full))


def _rgb(image: Image.Image) -> Image.Image:
    """A fresh RGB image holding only the pixels: transparency flattened onto white, every
    ``info`` entry (EXIF, XMP, ICC profile, comments, text chunks) left behind."""
    if image.mode in ("I;16", "I;16B", "I;16L", "I", "F"):
        image = image.convert("I").point(lambda v: v / 256).convert("L")
    if image.mode == "P" or image.mode in ("LA", "PA", "RGBA", "RGBa", "La"):
        image = image.convert("RGBA")
        background = Image.new("RGBA", image.size, (255, 255, 255, 255))
        image = Image.alpha_composite(background, image)
    out = Image.new("RGB", image.size)
    out.paste(image.convert("RGB"))
    return out


def _bounded(image: Image.Image, size: int) -> Image.Image:
    out = image.copy()
    out.thumbnail((size, size), Image.Resampling.LANCZOS)
    return out


def _jpeg(image: Image.Image, quality: int) -> bytes:
    buf = io.BytesIO()
    image.save(buf, format="JPEG", quality=quality, optimize=True, progressive=True)
    return buf.getvalue()


def render(image: Image.Image) -> Cleaned:
    """An image this service drew itself (demo avatars), bounded and encoded like an upload."""
    pixels = _rgb(image)
    full = _bounded(pixels, FULL_SIZE)
    thumb = _bounded(full, THUMB_SIZE)
    return Cleaned(full=_jpeg(full, JPEG_QUALITY), thumb=_jpeg(thumb, THUMB_QUALITY), media_type=MEDIA_TYPE,
                   width=full.width, height=full.height, dhash=dhash(full))


def dhash(image: Image.Image) -> int:
    """Difference hash: the image as 9×8 grey pixels, one bit per horizontal neighbour pair
    (is the left one brighter?). Re-encoding, resizing and mild compression change few bits."""
    small = image.convert("L").resize((9, 8), Image.Resampling.LANCZOS)
    px = small.tobytes()
    bits = 0
    for row in range(8):
        for col in range(8):
            bits = (bits << 1) | (px[row * 9 + col] > px[row * 9 + col + 1])
    return bits


def hash_bands(value: int) -> tuple[int, int, int, int]:
    """The 64-bit hash as four 16-bit bands: two hashes within Hamming distance 3 share at least
    one band exactly (pigeonhole), so an indexed lookup by band finds every near-duplicate."""
    return tuple((value >> shift) & 0xFFFF for shift in (48, 32, 16, 0))  # type: ignore[return-value]


def distance(a: int, b: int) -> int:
    return (a ^ b).bit_count()


def has_structure(value: int, margin: int) -> bool:
    """False for a difference hash with at most ``margin`` bits set, or unset: the hash of a
    picture without structure (one flat colour, a plain gradient), which any other such picture
    shares, so it cannot tell two of them apart."""
    return margin < value.bit_count() < 64 - margin
