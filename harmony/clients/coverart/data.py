"""The Cover Art Archive's image listing as typed values, and its parsing (contract §4.4)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

THUMBNAIL_SIZES = (250, 500, 1200)
_ALIASES = {250: "small", 500: "large"}  # legacy keys of the 250 and 500 px thumbnails


@dataclass(frozen=True, slots=True)
class CoverArtImage:
    """One image of a release. `id` is a string whatever JSON type the archive used; a thumbnail URL is None
    when the archive has no such size (old images lack 1200)."""

    id: str
    types: tuple[str, ...]
    front: bool
    back: bool
    approved: bool
    comment: str
    image_url: str
    thumbnail_250: str | None
    thumbnail_500: str | None
    thumbnail_1200: str | None

    def thumbnail(self, size: int) -> str | None:
        return {250: self.thumbnail_250, 500: self.thumbnail_500, 1200: self.thumbnail_1200}.get(size)


@dataclass(frozen=True, slots=True)
class FetchedImage:
    """Image bytes as downloaded, with the URL first asked for and the final one after redirects."""

    data: bytes
    url: str
    final_url: str
    content_type: str
    image_id: str
    size: int | None  # the thumbnail size, None for the original


def _url(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def parse_image(body: dict[str, Any]) -> CoverArtImage | None:
    """One entry of `images`, or None when it has no id or no image URL (nothing to fetch)."""
    raw_id = body.get("id")
    image_url = _url(body.get("image"))
    if isinstance(raw_id, bool) or not isinstance(raw_id, int | str) or not str(raw_id) or image_url is None:
        return None
    thumbnails = body.get("thumbnails")
    thumbnails = thumbnails if isinstance(thumbnails, dict) else {}

    def thumbnail(size: int) -> str | None:
        return _url(thumbnails.get(str(size))) or _url(thumbnails.get(_ALIASES.get(size, "")))

    types = body.get("types")
    type_names = tuple(t for t in types if isinstance(t, str)) if isinstance(types, list) else ()
    comment = body.get("comment")
    return CoverArtImage(
        id=str(raw_id),
        types=type_names,
        front=body.get("front") is True or "Front" in type_names,
        back=body.get("back") is True or "Back" in type_names,
        approved=body.get("approved") is True,
        comment=comment if isinstance(comment, str) else "",
        image_url=image_url,
        thumbnail_250=thumbnail(250),
        thumbnail_500=thumbnail(500),
        thumbnail_1200=thumbnail(1200),
    )
