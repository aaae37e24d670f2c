"""The MusicBrainz web-service client (contract: metadata_services.md §4.4): ISRC lookups, recording search,
recording credits and release lookups, always `fmt=json`.

MusicBrainz allows one request per second per address. This client never paces itself: the caller passes
`throttle`, called before every request (Harmony's gate is shared by every worker), and a 503 past the limit is
only retried by the session's short, capped urllib3 retry before it becomes MusicBrainzUnavailable with
`retry_after_s` for the caller to reschedule.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import quote

import requests

from harmony.clients.http import ServiceSession, ServiceUnavailable, retry_after_seconds
from harmony.clients.musicbrainz.data import (
    JsonObject,
    Recording,
    RecordingDetail,
    Release,
    _objects,
    parse_recording,
    parse_recording_detail,
    parse_release,
)
from harmony.clients.musicbrainz.errors import (
    SERVICE,
    MusicBrainzNotFound,
    MusicBrainzRejected,
    MusicBrainzUnavailable,
)

WS_PATH = "/ws/2"
DEFAULT_RETRY_AFTER_S = 1.0  # the 1 request/second rule: a 503 without Retry-After is over in a second
SEARCH_LIMIT_MAX = 100
ISRC_INC = "releases+release-groups+artist-credits+isrcs"
RECORDING_INC = "artist-credits+isrcs+releases+release-groups+genres+artist-rels+work-rels+work-level-rels"
RELEASE_INC = "recordings+artist-credits+labels+release-groups+genres"
_LUCENE_SPECIAL = re.compile(r'([+\-&|!(){}\[\]^"~*?:\\/])')


def lucene_phrase(text: str) -> str:
    """`text` as one quoted Lucene phrase, every query-syntax character escaped: `"AC\\/DC"`."""
    return '"' + _LUCENE_SPECIAL.sub(r"\\\1", text) + '"'


def normalise_isrc(isrc: str) -> str:
    """Upper case without the hyphens and spaces ISRCs are often printed with ("GB-AYE-97-00001")."""
    return re.sub(r"[\s-]", "", isrc).upper()


class MusicBrainzClient:
    def __init__(
        self,
        *,
        base_url: str,
        user_agent: str,
        timeout: float = 10.0,
        throttle: Callable[[], None] | None = None,
    ) -> None:
        """`base_url` is the server, e.g. "https://musicbrainz.org" (a URL already ending in /ws/2 is taken as
        is); `user_agent` must name Harmony and a contact (MusicBrainz refuses anonymous agents)."""
        root = base_url.rstrip("/")
        self.base_url = root if root.endswith(WS_PATH) else root + WS_PATH
        self.session = ServiceSession(service=SERVICE, base_url=self.base_url, timeout=timeout, user_agent=user_agent)
        self.session.headers["Accept"] = "application/json"
        self.throttle = throttle

    def __repr__(self) -> str:
        return f"MusicBrainzClient(base_url={self.base_url!r})"

    def close(self) -> None:
        self.session.close()

    def recordings_by_isrc(self, isrc: str) -> list[Recording]:
        """The recordings an ISRC is assigned to, with their releases and credits; [] for an unknown ISRC."""
        try:
            body = self._get(f"isrc/{_segment(normalise_isrc(isrc))}", {"inc": ISRC_INC})
        except MusicBrainzNotFound:
            return []
        return [parse_recording(item) for item in _objects(body.get("recordings"))]

    def search_recordings(
        self,
        *,
        title: str,
        artist: str,
        duration_s: float | None = None,
        window_s: float = 3.0,
        album: str = "",
        limit: int = 10,
    ) -> list[Recording]:
        """Recordings whose title and artist match, within ±`window_s` of `duration_s` when given, on a release
        called `album` when given; best score first, each release carrying the track's position."""
        clauses = [f"recording:{lucene_phrase(title)}", f"artist:{lucene_phrase(artist)}"]
        if album:
            clauses.append(f"release:{lucene_phrase(album)}")
        if duration_s is not None:
            low = max(0, round((duration_s - window_s) * 1000))
            clauses.append(f"dur:[{low} TO {round((duration_s + window_s) * 1000)}]")
        params: dict[str, str | int] = {"query": " AND ".join(clauses), "limit": max(1, min(limit, SEARCH_LIMIT_MAX))}
        body = self._get("recording", params)
        return [parse_recording(item) for item in _objects(body.get("recordings"))]

    def recording(self, mbid: str) -> RecordingDetail:
        """One recording with its ISRCs, releases, genres and credits. Raises MusicBrainzNotFound."""
        return parse_recording_detail(self._get(f"recording/{_segment(mbid)}", {"inc": RECORDING_INC}))

    def release(self, mbid: str) -> Release:
        """One release with its media, tracks, labels, group, genres and cover-art summary. Raises
        MusicBrainzNotFound."""
        return parse_release(self._get(f"release/{_segment(mbid)}", {"inc": RELEASE_INC}))

    def _get(self, path: str, params: Mapping[str, str | int]) -> JsonObject:
        if self.throttle is not None:
            self.throttle()
        try:
            response = self.session.get(path, params={**params, "fmt": "json"})
        except ServiceUnavailable as exc:
            raise MusicBrainzUnavailable(SERVICE, exc.message, status=exc.status) from None
        except requests.exceptions.ChunkedEncodingError:
            raise MusicBrainzUnavailable(SERVICE, f"connection broken while reading {path}") from None
        if response.status_code >= 400:
            raise _error_for(response, path)
        try:
            body: Any = response.json()
        except ValueError:
            kind = response.headers.get("Content-Type", "no content type")
            raise MusicBrainzRejected(SERVICE, f"expected JSON from {path}, got {kind}") from None
        if not isinstance(body, dict):
            raise MusicBrainzRejected(SERVICE, f"expected a JSON object from {path}")
        return body


def _segment(value: str) -> str:
    if not value:
        raise ValueError("an empty id cannot be part of a MusicBrainz URL")
    return quote(value, safe="")


def _error_for(response: requests.Response, path: str) -> MusicBrainzUnavailable | MusicBrainzRejected:
    status = response.status_code
    try:
        body: Any = response.json()
    except ValueError:
        body = None
    text = body.get("error") if isinstance(body, dict) else None
    message = f"{status} {text if isinstance(text, str) else response.reason} ({path})"[:300]
    if status == 503:
        retry_after = retry_after_seconds(response)
        return MusicBrainzUnavailable(
            SERVICE, message, status=status, retry_after_s=DEFAULT_RETRY_AFTER_S if retry_after is None else retry_after
        )
    if status >= 500 or status == 429:
        return MusicBrainzUnavailable(SERVICE, message, status=status, retry_after_s=retry_after_seconds(response))
    if status == 404:
        return MusicBrainzNotFound(SERVICE, message, status=status)
    return MusicBrainzRejected(SERVICE, message, status=status)
