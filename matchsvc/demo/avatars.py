"""Demo avatars drawn with Pillow: a head-and-shoulders silhouette on a coloured background with a
few simple shapes, different for every person (seeded), nothing downloaded.

Each one goes through ``photos.imaging.render`` (bounded and re-encoded like an upload), so the
stored rows and bytes have the same form as a member's cleaned photo.
"""

from __future__ import annotations

import random

from PIL import Image, ImageDraw

#: Side of a drawn avatar in pixels (the thumbnail size, so one drawing serves both files).
SIZE = 320
#: Background colours, soft; each avatar mixes one with a random tint.
_BACKGROUNDS = ((239, 198, 180), (180, 214, 227), (201, 226, 184), (236, 214, 160), (215, 196, 232),
                (244, 190, 204), (186, 222, 210), (228, 206, 186), (196, 204, 236), (226, 226, 190))
#: Silhouette colours (clothes), darker.
_FIGURES = ((120, 52, 48), (40, 80, 120), (54, 100, 60), (130, 96, 30), (86, 60, 120), (150, 60, 90),
            (40, 110, 100), (96, 72, 56), (60, 70, 130), (90, 90, 60))
_SKIN = ((246, 218, 196), (234, 200, 170), (222, 186, 152), (204, 164, 130))
_HAIR = ((30, 24, 20), (56, 40, 30), (80, 56, 40), (20, 20, 26))


def _jitter(rng: random.Random, colour: tuple[int, int, int], amount: int = 18) -> tuple[int, int, int]:
    return tuple(max(0, min(255, c + rng.randint(-amount, amount))) for c in colour)  # type: ignore[return-value]


def draw(seed: int | str, gender: str = "female") -> Image.Image:
    """One avatar for ``seed`` (the same seed draws the same picture)."""
    rng = random.Random(seed)
    size = SIZE
    skin = rng.choice(_SKIN)
    # a background the face stands out from
    backgrounds = [b for b in _BACKGROUNDS if sum(abs(x - y) for x, y in zip(b, skin)) > 90]
    img = Image.new("RGB", (size, size), _jitter(rng, rng.choice(backgrounds), 12))
    d = ImageDraw.Draw(img)
    # background shapes: circles, squares and triangles in lighter or darker tones
    for _ in range(rng.randint(3, 6)):
        x, y, r = rng.randint(-40, size), rng.randint(-40, size), rng.randint(20, 90)
        tone = _jitter(rng, rng.choice(_BACKGROUNDS), 40)
        kind = rng.random()
        if kind < 0.45:
            d.ellipse((x, y, x + r, y + r), fill=tone)
        elif kind < 0.75:
            d.rectangle((x, y, x + r, y + r), fill=tone)
        else:
            d.polygon(((x, y + r), (x + r // 2, y), (x + r, y + r)), fill=tone)
    # long hair (behind everything), shoulders, neck, head, hair on top
    cx = size // 2 + rng.randint(-24, 24)
    head_w, head_h = rng.randint(56, 66), rng.randint(66, 76)
    top = 150 - head_h
    hair = rng.choice(_HAIR)
    if gender == "female":
        d.rounded_rectangle((cx - head_w - 14, top - 10, cx + head_w + 14, 150 + rng.randint(70, 110)),
                            radius=50, fill=hair)
    body = _jitter(rng, rng.choice(_FIGURES))
    d.ellipse((cx - 120, 230, cx + 120, 430), fill=body)
    d.rectangle((cx - 20, 180, cx + 20, 240), fill=skin)
    d.ellipse((cx - head_w, top, cx + head_w, 150 + head_h // 2), fill=skin)
    d.chord((cx - head_w - 4, top - 12, cx + head_w + 4, top + head_h + 10), 180, 360, fill=hair)
    return img
