"""The Cover Art Archive (contract: metadata_services.md §4.4) for the releases of the MusicBrainz demo world.

Every answer about images is a 307, as on the real service: `/release/{mbid}` and `/release-group/{mbid}` send the
client to `/archive/release/{mbid}/index.json`, and the shortcuts (`front`, `front-250|500|1200`, `back…`,
`{image_id}[-size].jpg`) to the file under `/archive/…`. Those `/archive/…` paths stand in for archive.org; they
are on this server unless `archive_url` points them at another one (a test of redirect allow-lists).

Files are real images made with Pillow in a colour of their release: thumbnails are baseline JPEGs of 250, 500
and 1200 px, originals progressive 2000 px JPEGs, except where the dataset's `Art.front_format` asks for a PNG or
a CMYK JPEG (the image normaliser's cases; that release's thumbnails are CMYK too, so the normaliser meets it
whatever size it asks for). One release's images lack the 1200 px thumbnail, as some old
uploads do, and one release has no artwork at all (404).
"""

from __future__ import annotations

import argparse
import hashlib
import io
import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

from PIL import Image, ImageDraw
from werkzeug.routing import Rule
from werkzeug.wrappers import Request, Response

from emulators.base import EmulatorApp, json_response
from emulators.musicbrainz.dataset import WORLD, Release, World

ORIGINAL_PX = 2000
THUMBNAIL_SIZES = (250, 500, 1200)
_SHORTCUT = re.compile(r"(?P<side>front|back)(?:-(?P<size>250|500|1200))?")
_FILE = re.compile(r"(?P<image>\d+)(?:-(?P<size>250|500|1200))?\.(?P<ext>jpg|png)")
_TYPES = (("Front",), ("Back",), ("Medium",))


@dataclass(frozen=True)
class CoverImage:
    id: int
    types: tuple[str, ...]
    release: Release
    original_format: str  # "jpeg", "png" or "cmyk"
    sizes: tuple[int, ...]

    @property
    def front(self) -> bool:
        return "Front" in self.types

    @property
    def back(self) -> bool:
        return "Back" in self.types

    @property
    def extension(self) -> str:
        return "png" if self.original_format == "png" else "jpg"


def images_of(release: Release) -> list[CoverImage]:
    """The release's images: front, then back, then a medium scan, as many as its `Art.count`."""
    images = []
    for index in range(release.art.count):
        digest = hashlib.sha256(f"image:{release.id}:{index}".encode()).digest()
        image_id = 10_000_000_000 + int.from_bytes(digest[:8], "big") % 90_000_000_000
        original = release.art.front_format if index == 0 else "jpeg"
        images.append(CoverImage(image_id, _TYPES[index % len(_TYPES)], release, original, release.art.sizes))
    return images


def colour_of(image: CoverImage) -> tuple[int, int, int]:
    """The deterministic RGB colour of an image: the release's own for its front, another for each other image."""
    key = image.release.id if image.front else f"{image.release.id}:{image.id}"
    digest = hashlib.sha256(f"colour:{key}".encode()).digest()
    return digest[0], digest[1], digest[2]


@lru_cache(maxsize=32)
def render(colour: tuple[int, int, int], pixels: int, kind: str) -> bytes:
    """A square image of `pixels` px: "jpeg" (baseline), "progressive", "png" or "cmyk" (a CMYK JPEG)."""
    picture = Image.new("RGB", (pixels, pixels), colour)
    inverse = (255 - colour[0], 255 - colour[1], 255 - colour[2])
    ImageDraw.Draw(picture).rectangle((pixels // 4, pixels // 4, pixels * 3 // 4, pixels * 3 // 4), fill=inverse)
    buffer = io.BytesIO()
    if kind == "png":
        picture.save(buffer, format="PNG")
    elif kind == "cmyk":
        picture.convert("CMYK").save(buffer, format="JPEG", quality=90)
    else:
        picture.save(buffer, format="JPEG", quality=90, progressive=kind == "progressive")
    return buffer.getvalue()


class CoverArtEmulator(EmulatorApp):
    """The Cover Art Archive. Knobs: `archive_url` (where redirects go; None = this server), `fail_next(n,
    status)`; counter `requests_seen`."""

    name = "coverart"
    routes = [
        Rule("/release/<mbid>", endpoint="listing", defaults={"kind": "release"}, methods=["GET"]),
        Rule("/release-group/<mbid>", endpoint="listing", defaults={"kind": "release-group"}, methods=["GET"]),
        Rule("/release/<mbid>/<name>", endpoint="shortcut", defaults={"kind": "release"}, methods=["GET"]),
        Rule("/release-group/<mbid>/<name>", endpoint="shortcut", defaults={"kind": "release-group"}, methods=["GET"]),
        Rule("/archive/release/<mbid>/index.json", endpoint="index", methods=["GET"]),
        Rule("/archive/release/<mbid>/<name>", endpoint="file", methods=["GET"]),
    ]

    def __init__(
        self, *, world: World = WORLD, archive_url: str | None = None, formats: Mapping[str, str] | None = None
    ) -> None:
        """`formats` overrides the front original's format per release id ("jpeg", "png", "cmyk")."""
        super().__init__()
        self.world = world
        self.archive_url = archive_url
        self.formats = dict(formats or {})
        self.requests_seen = 0
        self._failures: list[int] = []

    def fail_next(self, n: int = 1, *, status: int = 503) -> None:
        with self.lock:
            self._failures = [status] * n

    def dispatch(self, request: Request) -> Response:
        with self.lock:
            self.requests_seen += 1
            if self._failures:
                return Response(b"Service temporarily unavailable", status=self._failures.pop(0))
        return super().dispatch(request)

    def not_found(self, request: Request) -> Response:
        return _missing()

    def _images(self, release: Release) -> list[CoverImage]:
        images = images_of(release)
        override = self.formats.get(release.id)
        if override and images:
            first = images[0]
            images[0] = CoverImage(first.id, first.types, release, override, first.sizes)
        return images

    def _release(self, kind: str, mbid: str) -> Release | Response:
        """The release `mbid` names (for a group: its earliest release with a front), or the error to answer."""
        try:
            if str(uuid.UUID(mbid)) != mbid.lower():
                raise ValueError(mbid)
        except ValueError:
            return Response(f"{mbid} is not a valid MBID".encode(), status=400, mimetype="text/plain")
        if kind == "release":
            release = self.world.releases.get(mbid)
        else:
            candidates = sorted(
                (r for r in self.world.group_releases(mbid) if r.art.front), key=lambda r: (r.date, r.id)
            )
            release = candidates[0] if candidates else None
        if release is None or release.art.count == 0:
            return _missing()
        return release

    def _archive(self, request: Request) -> str:
        return (self.archive_url or request.host_url).rstrip("/")

    def _redirect(self, location: str) -> Response:
        return Response(f"See: {location}".encode(), status=307, headers={"Location": location}, mimetype="text/plain")

    def listing(self, request: Request, kind: str, mbid: str) -> Response:
        release = self._release(kind, mbid)
        if isinstance(release, Response):
            return release
        return self._redirect(f"{self._archive(request)}/archive/release/{release.id}/index.json")

    def shortcut(self, request: Request, kind: str, mbid: str, name: str) -> Response:
        release = self._release(kind, mbid)
        if isinstance(release, Response):
            return release
        images = self._images(release)
        side, file = _SHORTCUT.fullmatch(name), _FILE.fullmatch(name)
        if side:
            wanted = [i for i in images if (i.front if side["side"] == "front" else i.back)]
            size = int(side["size"]) if side["size"] else None
        elif file:
            wanted = [i for i in images if i.id == int(file["image"])]
            size = int(file["size"]) if file["size"] else None
        else:
            return self.not_found(request)
        if not wanted or (size is not None and size not in wanted[0].sizes):
            return self.not_found(request)
        image = wanted[0]
        filename = f"{image.id}-{size}.jpg" if size else f"{image.id}.{image.extension}"
        return self._redirect(f"{self._archive(request)}/archive/release/{release.id}/{filename}")

    def index(self, request: Request, mbid: str) -> Response:
        release = self._release("release", mbid)
        if isinstance(release, Response):
            return release
        base = f"{request.host_url.rstrip('/')}/release/{release.id}"
        images = []
        for image in self._images(release):
            thumbnails = {str(size): f"{base}/{image.id}-{size}.jpg" for size in image.sizes}
            for alias, size in (("small", "250"), ("large", "500")):
                if size in thumbnails:
                    thumbnails[alias] = thumbnails[size]
            images.append(
                {
                    "id": image.id,
                    "types": list(image.types),
                    "front": image.front,
                    "back": image.back,
                    "approved": True,
                    "comment": "",
                    "edit": 90_000_000 + image.id % 10_000_000,
                    "image": f"{base}/{image.id}.{image.extension}",
                    "thumbnails": thumbnails,
                }
            )
        return json_response({"release": f"https://musicbrainz.org/release/{release.id}", "images": images})

    def file(self, request: Request, mbid: str, name: str) -> Response:
        release = self._release("release", mbid)
        if isinstance(release, Response):
            return release
        match = _FILE.fullmatch(name)
        if match is None:
            return self.not_found(request)
        found = [i for i in self._images(release) if i.id == int(match["image"])]
        if not found:
            return self.not_found(request)
        image = found[0]
        if match["size"]:
            size = int(match["size"])
            if size not in image.sizes or match["ext"] != "jpg":
                return self.not_found(request)
            kind = "cmyk" if image.original_format == "cmyk" else "jpeg"
            return Response(render(colour_of(image), size, kind), mimetype="image/jpeg")
        if match["ext"] != image.extension:
            return self.not_found(request)
        kind = {"jpeg": "progressive"}.get(image.original_format, image.original_format)
        mimetype = "image/png" if kind == "png" else "image/jpeg"
        return Response(render(colour_of(image), ORIGINAL_PX, kind), mimetype=mimetype)


def _missing() -> Response:
    return Response(b"Not Found", status=404, mimetype="text/plain")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--archive-url", default=None, help="base URL redirects point to (default: this server)")


def build(args: argparse.Namespace) -> CoverArtEmulator:
    return CoverArtEmulator(archive_url=getattr(args, "archive_url", None))
