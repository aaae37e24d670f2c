"""Spotify's public embed page for a playlist (contract §11): not an API, read best-effort for public links.

`GET {embed_url}/embed/playlist/{id}` returns HTML with a `<script id="__NEXT_DATA__" type="application/json">`
whose `props.pageProps.state.data.entity.trackList[]` lists about the first 50 tracks (title, artists, length; no
album, no ISRC). Only the page itself is read: no token from it is used, no private API is called. The host is the
configured one only (redirects are not followed), the body is capped and the call is time-limited. A page whose
shape changed raises `EmbedShapeChanged` naming the missing path, so nothing half-read is imported.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from harmony.clients.http import ServiceSession, ServiceUnavailable
from harmony.clients.spotify.errors import SERVICE, SpotifyNotFound, SpotifyRejected, SpotifyUnavailable

MAX_PAGE_BYTES = 2 * 1024 * 1024
_ID = re.compile(r"[0-9A-Za-z]{22}")
_NEXT_DATA = re.compile(
    r"<script[^>]*\bid=[\"']__NEXT_DATA__[\"'][^>]*>(?P<json>.*?)</script>", re.DOTALL | re.IGNORECASE
)
_TRACK_URI = re.compile(r"spotify:track:([0-9A-Za-z]{22})")


class EmbedShapeChanged(SpotifyRejected):
    """The page no longer has the shape of contract §11; `missing` names the first path that was not there."""

    def __init__(self, missing: str) -> None:
        super().__init__(SERVICE, f"the public playlist page changed shape: {missing} is missing")
        self.missing = missing


@dataclass(frozen=True, slots=True)
class EmbedTrack:
    """`id` is None when the row's uri is not a track uri; `artists` split from the page's joined subtitle."""

    id: str | None
    title: str
    artists: tuple[str, ...]
    duration_ms: int | None


@dataclass(frozen=True, slots=True)
class EmbedPlaylist:
    id: str
    name: str
    owner: str
    tracks: tuple[EmbedTrack, ...]


class SpotifyEmbedClient:
    def __init__(self, *, embed_url: str, timeout: float, user_agent: str, max_bytes: int = MAX_PAGE_BYTES) -> None:
        self.embed_url = embed_url.rstrip("/")
        self.max_bytes = max_bytes
        self.session = ServiceSession(service=SERVICE, base_url=self.embed_url, timeout=timeout, user_agent=user_agent)

    def __repr__(self) -> str:
        return f"SpotifyEmbedClient(embed_url={self.embed_url!r})"

    def close(self) -> None:
        self.session.close()

    def playlist(self, playlist_id: str) -> EmbedPlaylist:
        """The playlist as its public embed page shows it. Raises SpotifyNotFound for an unknown, private or dead
        playlist, EmbedShapeChanged when the page is not what §11 describes, SpotifyUnavailable when unreachable."""
        if not _ID.fullmatch(playlist_id):
            raise SpotifyRejected(SERVICE, f"not a playlist id: {playlist_id[:40]!r}")
        return parse_embed_page(self._fetch(f"embed/playlist/{playlist_id}"), playlist_id)

    def _fetch(self, path: str) -> str:
        try:
            response = self.session.get(path, allow_redirects=False, stream=True)
        except ServiceUnavailable as exc:
            raise SpotifyUnavailable(SERVICE, exc.message, status=exc.status) from None
        with response:
            if response.status_code == 404:
                raise SpotifyNotFound(SERVICE, "the playlist is not public or does not exist", status=404)
            if response.status_code == 429 or response.status_code >= 500:
                raise SpotifyUnavailable(
                    SERVICE, f"embed page answered {response.status_code}", status=response.status_code
                )
            if response.status_code != 200:
                raise SpotifyRejected(
                    SERVICE, f"embed page answered {response.status_code}", status=response.status_code
                )
            body = bytearray()
            for block in response.iter_content(64 * 1024):
                body.extend(block)
                if len(body) > self.max_bytes:
                    raise SpotifyRejected(SERVICE, f"embed page is larger than {self.max_bytes} bytes")
        return body.decode(response.encoding or "utf-8", errors="replace")


def _at(data: Any, path: str) -> Any:
    """The value at a dotted path, or EmbedShapeChanged naming the first missing step."""
    value = data
    walked: list[str] = []
    for step in path.split("."):
        walked.append(step)
        if not isinstance(value, dict) or step not in value:
            raise EmbedShapeChanged(".".join(walked))
        value = value[step]
    return value


def parse_embed_page(html: str, playlist_id: str) -> EmbedPlaylist:
    """The playlist in an embed page's `__NEXT_DATA__` (contract §11); a dead entity is SpotifyNotFound."""
    found = _NEXT_DATA.search(html)
    if found is None:
        raise EmbedShapeChanged("script#__NEXT_DATA__")
    try:
        data = json.loads(found.group("json"))
    except ValueError:
        raise EmbedShapeChanged("script#__NEXT_DATA__ (not JSON)") from None
    page_props = _at(data, "props.pageProps")
    if (
        isinstance(page_props, dict)
        and "state" not in page_props
        and ("status" in page_props or "forbiddenReason" in page_props)
    ):
        raise SpotifyNotFound(SERVICE, "the playlist is no longer available", status=404)
    rows = _at(data, "props.pageProps.state.data.entity.trackList")
    entity: dict[str, Any] = data["props"]["pageProps"]["state"]["data"]["entity"]
    if not isinstance(rows, list):
        raise EmbedShapeChanged("props.pageProps.state.data.entity.trackList (not a list)")
    tracks = []
    for index, row in enumerate(rows):
        if not isinstance(row, dict):
            continue
        if row.get("entityType", "track") != "track":
            continue
        title, subtitle = row.get("title"), row.get("subtitle")
        if not isinstance(title, str) or not isinstance(subtitle, str):
            raise EmbedShapeChanged(f"props.pageProps.state.data.entity.trackList[{index}].title/subtitle")
        uri = row.get("uri")
        matched = _TRACK_URI.fullmatch(uri) if isinstance(uri, str) else None
        duration = row.get("duration")
        # The page joins artist names with "," and a no-break space; a plain comma belongs to a name.
        artists = tuple(name.strip() for name in subtitle.split(",\u00a0") if name.strip())
        tracks.append(EmbedTrack(
            id=matched.group(1) if matched else None, title=title.strip(), artists=artists,
            duration_ms=duration if isinstance(duration, int) and not isinstance(duration, bool) else None,
        ))  # fmt: skip
    name = entity.get("name") or entity.get("title")
    owner = entity.get("subtitle")
    return EmbedPlaylist(
        id=playlist_id, name=name if isinstance(name, str) else "", owner=owner if isinstance(owner, str) else "",
        tracks=tuple(tracks),
    )  # fmt: skip
