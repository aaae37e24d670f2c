"""The Web API client for one connected user (contract §5–§7), Development-Mode rules built in.

Paging follows Spotify's absolute `next` links verbatim (the session's allow-list keeps them on the API host).
A 429 is never slept on: it raises SpotifyRateLimited with Spotify's `Retry-After` for the caller to park the
account and reschedule (§6).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Mapping
from dataclasses import replace
from typing import Any, TypeVar
from urllib.parse import quote

import requests

from harmony.clients.http import ServiceSession, ServiceUnavailable, retry_after_seconds
from harmony.clients.spotify.data import (
    Album,
    Artist,
    JsonObject,
    LibrarySummary,
    Playlist,
    PlaylistEntry,
    Track,
    User,
    _object,
    _objects,
    _preview,
    parse_album,
    parse_artist,
    parse_playlist,
    parse_playlist_row,
    parse_saved_track,
    parse_track,
    parse_user,
)
from harmony.clients.spotify.errors import (
    SERVICE,
    SpotifyForbidden,
    SpotifyNotFound,
    SpotifyRateLimited,
    SpotifyRejected,
    SpotifyTokenExpired,
    SpotifyUnavailable,
)

logger = logging.getLogger(__name__)

_T = TypeVar("_T")

PAGE_LIMIT = 50  # the Development-Mode maximum of every paged endpoint we read (§5.5)
SEARCH_LIMIT_MAX = 10  # search is capped at 10 in Development Mode; more is a 400 "Invalid limit"
DEFAULT_RETRY_AFTER_S = 5.0  # §6: a 429 without Retry-After waits 5 s


class SpotifyClient:
    def __init__(self, *, api_url: str, access_token: str, timeout: float, user_agent: str) -> None:
        self.api_url = api_url.rstrip("/") + "/v1"
        self.session = ServiceSession(service=SERVICE, base_url=self.api_url, timeout=timeout, user_agent=user_agent)
        self.session.headers["Authorization"] = f"Bearer {access_token}"

    def __repr__(self) -> str:
        return f"SpotifyClient(api_url={self.api_url!r})"

    def close(self) -> None:
        self.session.close()

    def me(self) -> User:
        return parse_user(self._get("me"))

    def my_playlists(self) -> Iterator[Playlist]:
        """Playlists the user owns, collaborates on and follows (§7.10); only owned or collaborative ones can have
        their items read in Development Mode."""
        yield from self._pages("me/playlists", {"limit": PAGE_LIMIT}, parse_playlist)

    def playlist(self, playlist_id: str) -> Playlist:
        """Metadata of any playlist; `items_total` is None for one the user does not own (§7.8). Raises
        SpotifyNotFound for Spotify's editorial playlists."""
        body = self._get(f"playlists/{_segment(playlist_id)}", {"market": "from_token"})
        return parse_playlist(body)

    def playlist_entries(self, playlist_id: str) -> Iterator[PlaylistEntry]:
        """The rows of an owned or collaborative playlist (§7.9), episodes and removed items as entries without a
        track. Raises SpotifyForbidden for a playlist the user neither owns nor collaborates on, SpotifyNotFound
        for Spotify's editorial ones."""
        params: dict[str, str | int] = {"limit": PAGE_LIMIT, "market": "from_token"}
        params["additional_types"] = "track,episode"
        yield from self._pages(f"playlists/{_segment(playlist_id)}/items", params, parse_playlist_row)

    def saved_tracks(self) -> Iterator[PlaylistEntry]:
        """Liked Songs, newest first (§7.11)."""
        yield from self._pages("me/tracks", {"limit": PAGE_LIMIT, "market": "from_token"}, parse_saved_track)

    def saved_tracks_summary(self) -> LibrarySummary:
        """How many Liked Songs there are and when the newest was added: one call, a change marker for Liked Songs,
        which has no snapshot_id."""
        body = self._get("me/tracks", {"limit": 1, "market": "from_token"})
        rows = _objects(body.get("items", []), "items")
        newest = parse_saved_track(rows[0]).added_at if rows else None
        total = body.get("total")
        return LibrarySummary(total=total if isinstance(total, int) and not isinstance(total, bool) else len(rows),
                              newest_added_at=newest)  # fmt: skip

    def followed_artists(self) -> Iterator[Artist]:
        """Followed artists through cursor paging (§7.12)."""
        yield from self._pages("me/following", {"type": "artist", "limit": PAGE_LIMIT}, parse_artist, key="artists")

    def album_tracks(self, album_id: str) -> tuple[Album, list[Track]]:
        """An album and its tracks (§7.4, §7.5). Album tracks are simplified: no ISRC; each gets the album set."""
        body = self._get(f"albums/{_segment(album_id)}", {"market": "from_token"})
        album = parse_album(body)
        first = _object(body.get("tracks"), "album tracks")
        rows = _objects(first.get("items", []), "tracks")
        following = first.get("next")
        if isinstance(following, str) and following:
            rows += list(self._pages(following, {}, _itself))
        return album, [replace(parse_track(row), album=album) for row in rows]

    def track(self, track_id: str) -> Track:
        """One full track (with its ISRC). Batch lookups are gone for Development Mode: one call per track."""
        return parse_track(self._get(f"tracks/{_segment(track_id)}", {"market": "from_token"}))

    def search_tracks(self, query: str, *, limit: int = 10) -> list[Track]:
        """Tracks matching `query` (Spotify's field filters allowed, e.g. `isrc:GBAYE9700001`). `limit` is clamped
        to 1–10, the Development-Mode range."""
        params: dict[str, str | int] = {
            "q": query,
            "type": "track",
            "limit": max(1, min(limit, SEARCH_LIMIT_MAX)),
            "market": "from_token",
        }
        tracks = _object(self._get("search", params).get("tracks"), "search tracks")
        return [parse_track(item) for item in _objects(tracks.get("items", []), "tracks")]

    def _pages(
        self,
        path: str,
        params: Mapping[str, str | int],
        parse: Callable[[JsonObject], _T],
        *,
        key: str | None = None,
    ) -> Iterator[_T]:
        """Walk a paging object (offset or cursor) through its `next` links until `next` is null."""
        url: str | None = path
        query: Mapping[str, str | int] | None = params
        seen: set[str] = set()
        while url is not None:
            body = self._get(url, query)
            page = _object(body.get(key), key) if key else body
            for item in _objects(page.get("items", []), "items"):
                yield parse(item)
            following = page.get("next")
            if following is not None and not isinstance(following, str):
                raise SpotifyRejected(SERVICE, f"paging `next` is not a URL: {_preview(following)}")
            if following in seen:
                raise SpotifyRejected(SERVICE, f"paging loops back to {following}")
            if following:
                seen.add(following)
            url, query = following or None, None  # `next` carries every parameter: follow it verbatim

    def _get(self, url: str, params: Mapping[str, str | int] | None = None) -> JsonObject:
        try:
            response = self.session.get(url, params=params)
        except ServiceUnavailable as exc:
            raise SpotifyUnavailable(SERVICE, exc.message, status=exc.status) from None
        except requests.exceptions.ChunkedEncodingError:
            raise SpotifyUnavailable(SERVICE, f"connection broken while reading {_path(url)}") from None
        if response.status_code >= 400:
            raise _error_for(response, _path(url))
        try:
            body = response.json()
        except ValueError:
            kind = response.headers.get("Content-Type", "no content type")
            raise SpotifyRejected(
                SERVICE, f"expected JSON from {_path(url)}, got {kind}", status=response.status_code
            ) from None
        return _object(body, _path(url))


def _segment(value: str) -> str:
    if not value:
        raise ValueError("an empty Spotify id cannot be part of a URL")
    return quote(value, safe="")


def _path(url: str) -> str:
    """The API path of a request for messages, without host and query."""
    path = url.split("?", 1)[0]
    marker = "/v1/"
    return path[path.index(marker) + len(marker) :] if marker in path else path


def _itself(row: JsonObject) -> JsonObject:
    return row


def _error_body(response: requests.Response) -> tuple[str, str | None]:
    """The Web API error envelope (§5.4) — `{"error": {"status", "message", "reason"?}}` — or anything else."""
    try:
        body: Any = response.json()
    except ValueError:
        body = None
    error = body.get("error") if isinstance(body, dict) else None
    if isinstance(error, dict):
        message = error.get("message")
        reason = error.get("reason")
        return (message if isinstance(message, str) and message else response.reason or "error"), (
            reason if isinstance(reason, str) else None
        )
    if isinstance(error, str):  # OAuth-style bodies appear on some gateway errors
        return error, None
    return response.reason or "error", None


def _error_for(response: requests.Response, path: str) -> SpotifyUnavailable | SpotifyRejected:
    status = response.status_code
    text, reason = _error_body(response)
    message = f"{status} {text} ({path})"[:300]
    if status == 429:
        retry_after = retry_after_seconds(response)
        return SpotifyRateLimited(
            message,
            retry_after_s=DEFAULT_RETRY_AFTER_S if retry_after is None else retry_after,
            quota_exceeded=reason == "QUOTA_EXCEEDED",
        )
    if status >= 500:
        return SpotifyUnavailable(SERVICE, message, status=status, retry_after_s=retry_after_seconds(response))
    if status == 401:
        return SpotifyTokenExpired(SERVICE, message, status=status)
    if status == 403:
        return SpotifyForbidden(SERVICE, message, status=status)
    if status == 404:
        return SpotifyNotFound(SERVICE, message, status=status)
    return SpotifyRejected(SERVICE, message, status=status)
