"""Cover images: validating what a source sent and turning it into the JPEG we embed (TAGGING contract §4).

Pure apart from Pillow (bytes in, bytes out). Embeds are baseline JPEG, RGB, at most 1200 px on the longest side,
quality 90, without EXIF: the form hardware players, phones and Navidrome's resizer all cope with.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Final

from PIL import Image, ImageOps, UnidentifiedImageError

MAX_PIXELS: Final = 50_000_000
ACCEPTED_FORMATS: Final = frozenset(("JPEG", "PNG", "WEBP", "GIF", "BMP", "TIFF"))
# Pillow's own errors for unreadable data; SyntaxError is what some of its plugins raise for corrupt headers.
_DECODE_ERRORS: Final = (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError)
_WHITE: Final = (255, 255, 255, 255)


class InvalidImage(ValueError):
    """Data that is not an image we can embed; the message says why."""


@dataclass(frozen=True)
class CoverImage:
    """Encoded image bytes with their MIME type and pixel size (as stored, before EXIF orientation)."""

    data: bytes
    mime: str
    width: int
    height: int


def inspect_image(data: bytes) -> CoverImage:
    """Decode `data` fully and describe it; InvalidImage for empty data, PDFs, non-images, truncated files,
    formats we do not embed and images over MAX_PIXELS (decompression bombs: the size is checked before the
    pixels are decoded)."""
    image = _decode(data)
    return CoverImage(data=data, mime=_mime(image), width=image.width, height=image.height)


def normalize_cover(data: bytes, *, max_px: int = 1200, min_px: int = 500, quality: int = 90) -> CoverImage:
    """The embeddable form of a cover: EXIF orientation applied, RGB (transparency over white, CMYK and palettes
    converted), longest side at most `max_px` (LANCZOS), re-encoded as baseline JPEG at `quality` without EXIF,
    XMP or comments. An ICC profile is kept for RGB sources (colours stay right) and dropped when converting
    (it would describe the old colour space).

    InvalidImage when the shorter side is under `min_px`. Non-square images are accepted: players letterbox
    them, while rejecting (or cropping, which cuts off lettering) would leave scans, 4:3 photos and digipak
    fronts without any cover.

    A JPEG that already is RGB, baseline, EXIF-free and within `max_px` is returned byte-identical, so covers
    are not degraded by a re-encode each time they pass through.
    """
    if not 1 <= quality <= 95:
        raise ValueError(f"JPEG quality must be within 1–95, not {quality}")
    image = _decode(data)
    if min(image.size) < min_px:
        raise InvalidImage(f"too small: {image.width}×{image.height} < {min_px} px")
    if _is_embeddable_as_is(image, max_px):
        return CoverImage(data=data, mime="image/jpeg", width=image.width, height=image.height)
    icc_profile = image.info.get("icc_profile") if image.mode == "RGB" else None
    oriented = ImageOps.exif_transpose(image)
    rgb = _to_rgb(oriented)
    longest = max(rgb.size)
    if longest > max_px:
        scale = max_px / longest
        size = (max(1, round(rgb.width * scale)), max(1, round(rgb.height * scale)))
        rgb = rgb.resize(size, Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    # Pillow carries a source comment over unless told otherwise.
    options: dict[str, object] = {"quality": quality, "optimize": True, "progressive": False, "comment": b""}
    if icc_profile:
        options["icc_profile"] = icc_profile
    rgb.save(buffer, format="JPEG", **options)
    return CoverImage(data=buffer.getvalue(), mime="image/jpeg", width=rgb.width, height=rgb.height)


def better_cover(existing: CoverImage | None, new: CoverImage) -> bool:
    """Whether `new` should replace `existing`: there is none, or new's shorter side is more than 10 % larger
    (a marginally different size is not worth rewriting every file of the album)."""
    if existing is None:
        return True
    return min(new.width, new.height) > 1.10 * min(existing.width, existing.height)


def _decode(data: bytes) -> Image.Image:
    if not data:
        raise InvalidImage("empty data, not an image")
    if data.startswith(b"%PDF"):
        raise InvalidImage("a PDF document, not an image")
    try:
        image = Image.open(io.BytesIO(data))
    except Image.DecompressionBombError as error:
        raise InvalidImage(f"too many pixels (possible decompression bomb): {error}") from error
    except _DECODE_ERRORS as error:
        raise InvalidImage(f"not a readable image: {error}") from error
    if image.format not in ACCEPTED_FORMATS:
        raise InvalidImage(f"unsupported image format {image.format}")
    width, height = image.size
    if width == 0 or height == 0:
        raise InvalidImage(f"zero-size image: {width}×{height}")
    if width * height > MAX_PIXELS:
        raise InvalidImage(
            f"too many pixels: {width}×{height} > {MAX_PIXELS // 1_000_000} MP (possible decompression bomb)"
        )
    try:
        image.load()
    except _DECODE_ERRORS as error:
        raise InvalidImage(f"broken or truncated image: {error}") from error
    return image


def _mime(image: Image.Image) -> str:
    return Image.MIME.get(image.format or "", f"image/{(image.format or 'unknown').lower()}")


def _is_embeddable_as_is(image: Image.Image, max_px: int) -> bool:
    return (
        image.format == "JPEG"
        and image.mode == "RGB"
        and max(image.size) <= max_px
        and not image.info.get("progressive")
        and not image.info.get("progression")
        and "exif" not in image.info
        and not image.getexif()
    )


def _to_rgb(image: Image.Image) -> Image.Image:
    if image.mode == "RGB":
        return image
    has_alpha = image.mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in image.info
    if has_alpha:
        rgba = image.convert("RGBA")
        background = Image.new("RGBA", rgba.size, _WHITE)
        return Image.alpha_composite(background, rgba).convert("RGB")
    return image.convert("RGB")
