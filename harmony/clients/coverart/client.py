"""The Cover Art Archive client (contract: metadata_services.md §4.4): a release's image listing and its front
image at a chosen thumbnail size.

Every answer of the archive is a redirect (coverartarchive.org → archive.org → an ia8xxxx.us.archive.org data
node), so redirects are followed here, by hand: the session's allow-list only sees the URL it is given, and a
hop's host is only known once the previous hop answers. Each hop must stay on the base host, an allowed host or
a host under an allowed suffix, and there are at most MAX_REDIRECTS of them. Bodies are streamed and refused past
`max_bytes`, because originals are unbounded (> 10 MB scans exist).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal
from urllib.parse import quote, urljoin, urlsplit

import requests

from harmony.clients.coverart.data import THUMBNAIL_SIZES, CoverArtImage, FetchedImage, parse_image
from harmony.clients.coverart.errors import (
    SERVICE,
    CoverArtBlocked,
    CoverArtNotFound,
    CoverArtRejected,
    CoverArtUnavailable,
)
from harmony.clients.http import OutboundBlocked, ServiceSession, ServiceUnavailable, retry_after_seconds

Kind = Literal["release", "release-group"]
MAX_REDIRECTS = 5
FALLBACK_SIZE = 500  # every image has a 500 px thumbnail, even old ones without 1200
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_CHUNK = 64 * 1024


@dataclass(frozen=True, slots=True)
class _Answer:
    body: bytes
    content_type: str
    url: str


class CoverArtClient:
    def __init__(
        self,
        *,
        base_url: str,
        user_agent: str,
        timeout: float = 15.0,
        allowed_hosts: Iterable[str] = (),
        allowed_host_suffixes: Iterable[str] = (".archive.org",),
        max_bytes: int = 15 * 1024 * 1024,
    ) -> None:
        """`base_url` is the archive's root, e.g. "https://coverartarchive.org"; redirects may go to it, to
        `allowed_hosts`, or to hosts ending with one of `allowed_host_suffixes`."""
        self.base_url = base_url.rstrip("/")
        self.session = ServiceSession(
            service=SERVICE, base_url=self.base_url, timeout=timeout, user_agent=user_agent, allowed_hosts=allowed_hosts
        )
        self.allowed_host_suffixes = tuple(suffix.lower() for suffix in allowed_host_suffixes if suffix)
        self.max_bytes = max_bytes

    def __repr__(self) -> str:
        return f"CoverArtClient(base_url={self.base_url!r})"

    def close(self) -> None:
        self.session.close()

    def images(self, kind: Kind, mbid: str) -> list[CoverArtImage]:
        """The images of a release (or of the release a release group's art comes from); [] when it has none."""
        try:
            answer = self._fetch(self._url(kind, mbid))
        except CoverArtNotFound:
            return []
        try:
            body = json.loads(answer.body)
        except ValueError:
            raise CoverArtRejected(SERVICE, f"expected JSON from {answer.url}, got {answer.content_type}") from None
        listing = body.get("images") if isinstance(body, dict) else None
        if not isinstance(listing, list):
            raise CoverArtRejected(SERVICE, f"no image list in the answer from {answer.url}")
        parsed = (parse_image(item) for item in listing if isinstance(item, dict))
        return [image for image in parsed if image is not None]

    def front(self, kind: Kind, mbid: str, *, size: int = 1200) -> FetchedImage | None:
        """The front image: the approved one when there is one, at thumbnail `size` (250, 500 or 1200), else the
        500 px thumbnail, else the original; `size=0` asks for the original. None when there is no front image
        or none of its files exists."""
        if size not in (0, *THUMBNAIL_SIZES):
            raise ValueError(f"size must be 0 (original) or one of {THUMBNAIL_SIZES}, not {size}")
        fronts = sorted((image for image in self.images(kind, mbid) if image.front), key=lambda i: not i.approved)
        if not fronts:
            return None
        image = fronts[0]
        candidates: list[tuple[int | None, str | None]] = []
        if size:
            candidates += [(size, image.thumbnail(size)), (FALLBACK_SIZE, image.thumbnail(FALLBACK_SIZE))]
        candidates.append((None, image.image_url))
        tried: set[str] = set()
        for thumbnail_size, url in candidates:
            if url is None or url in tried:
                continue
            tried.add(url)
            try:
                answer = self._fetch(url)
            except CoverArtNotFound:
                continue  # listed but missing: the archive's derived files lag behind now and then
            if not answer.content_type.startswith("image/"):
                raise CoverArtRejected(SERVICE, f"{answer.url} is {answer.content_type}, not an image")
            return FetchedImage(
                data=answer.body,
                url=url,
                final_url=answer.url,
                content_type=answer.content_type,
                image_id=image.id,
                size=thumbnail_size,
            )
        return None

    def _url(self, kind: Kind, mbid: str) -> str:
        if kind not in ("release", "release-group"):
            raise ValueError(f"kind must be 'release' or 'release-group', not {kind!r}")
        if not mbid:
            raise ValueError("an empty MBID cannot be part of a Cover Art Archive URL")
        return f"{self.base_url}/{kind}/{quote(mbid, safe='')}"

    def _admit(self, url: str) -> None:
        """Let the session reach `url`'s host if the policy allows it, else refuse the hop."""
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        allowed = host in self.session.allowed_hosts or any(host.endswith(s) for s in self.allowed_host_suffixes)
        if parts.scheme not in ("http", "https") or not host or not allowed:
            raise CoverArtBlocked(SERVICE, f"redirect to {host or url!r} is not an allowed destination")
        # The session checks its own allow-list again on the request; a host admitted here stays admitted.
        self.session.allowed_hosts = self.session.allowed_hosts | {host}

    def _fetch(self, url: str) -> _Answer:
        current = url
        for _ in range(MAX_REDIRECTS + 1):
            self._admit(current)
            try:
                response = self.session.get(current, stream=True, allow_redirects=False)
            except OutboundBlocked as exc:
                raise CoverArtBlocked(SERVICE, exc.message) from None
            except ServiceUnavailable as exc:
                raise CoverArtUnavailable(SERVICE, exc.message, status=exc.status) from None
            with response:
                location = response.headers.get("Location")
                if response.status_code in _REDIRECTS and location:
                    current = urljoin(current, location)
                    continue
                if response.status_code >= 400:
                    raise _error_for(response, current)
                content_type = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
                return _Answer(self._read(response, current), content_type, current)
        raise CoverArtRejected(SERVICE, f"more than {MAX_REDIRECTS} redirects from {url}")

    def _read(self, response: requests.Response, url: str) -> bytes:
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            raise CoverArtRejected(SERVICE, f"image larger than {self.max_bytes} bytes ({url})")
        chunks: list[bytes] = []
        received = 0
        try:
            for chunk in response.iter_content(_CHUNK):
                received += len(chunk)
                if received > self.max_bytes:
                    raise CoverArtRejected(SERVICE, f"image larger than {self.max_bytes} bytes ({url})")
                chunks.append(chunk)
        except (requests.exceptions.ChunkedEncodingError, requests.ConnectionError, requests.Timeout):
            raise CoverArtUnavailable(SERVICE, f"connection broken while reading {url}") from None
        return b"".join(chunks)


def _error_for(response: requests.Response, url: str) -> CoverArtUnavailable | CoverArtRejected:
    status = response.status_code
    message = f"{status} {response.reason} ({url})"[:300]
    if status >= 500 or status == 429:
        return CoverArtUnavailable(SERVICE, message, status=status, retry_after_s=retry_after_seconds(response))
    if status == 404:
        return CoverArtNotFound(SERVICE, message, status=status)
    return CoverArtRejected(SERVICE, message, status=status)
