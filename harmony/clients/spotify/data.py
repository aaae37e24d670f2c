"""What the Web API answers, as typed values, and the parsing of its JSON (contracts/spotify.md §7).

Parsing is lenient where Spotify is: unknown fields are ignored, fields removed for Development-Mode apps are
simply absent, and local files carry no ids.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from harmony.clients.spotify.errors import SERVICE, SpotifyRejected

JsonObject = dict[str, Any]


@dataclass(frozen=True, slots=True)
class User:
    """`GET /me`. `account_id` (since 2026-05) is the stable key for account linking; `id` is the user name that
    owns playlists. `product` is absent for Development-Mode apps."""

    id: str
    account_id: str | None
    display_name: str | None
    product: str | None


@dataclass(frozen=True, slots=True)
class Artist:
    """`id` is None for the artists of a local file."""

    id: str | None
    name: str


@dataclass(frozen=True, slots=True)
class Album:
    """`release_date` is "YYYY", "YYYY-MM" or "YYYY-MM-DD" (None when unknown); `album_type` is
    album|single|compilation (EPs are singles). `id` is None for the album of a local file."""

    id: str | None
    name: str
    release_date: str | None
    album_type: str | None


@dataclass(frozen=True, slots=True)
class Track:
    """A full track object. Local files have `id` None and `is_local` True: they can only be wanted by text."""

    id: str | None
    name: str
    artists: tuple[Artist, ...]
    album: Album | None
    duration_ms: int | None
    isrc: str | None
    disc_number: int | None
    track_number: int | None
    is_local: bool


@dataclass(frozen=True, slots=True)
class Playlist:
    """Playlist metadata. `items_total` is None when Spotify leaves out the items (non-owned playlists in
    Development Mode)."""

    id: str
    name: str
    owner_id: str
    collaborative: bool
    snapshot_id: str
    items_total: int | None


@dataclass(frozen=True, slots=True)
class PlaylistEntry:
    """One row of a playlist or of Liked Songs. `track` is None for podcast episodes and removed/unavailable
    items; `added_at` is None on very old playlists."""

    track: Track | None
    added_at: datetime | None


@dataclass(frozen=True, slots=True)
class LibrarySummary:
    """The size of Liked Songs and when its newest row was added (None when empty or unknown)."""

    total: int
    newest_added_at: datetime | None


def _preview(value: object) -> str:
    text = json.dumps(value, default=str) if not isinstance(value, str) else value
    return text if len(text) <= 120 else text[:117] + "..."


def _str(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _int(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _object(value: object, what: str) -> JsonObject:
    if not isinstance(value, dict):
        raise SpotifyRejected(SERVICE, f"expected a JSON object for {what}, got {_preview(value)}")
    return value


def _objects(value: object, what: str) -> list[JsonObject]:
    if not isinstance(value, list):
        raise SpotifyRejected(SERVICE, f"expected a list of {what}, got {_preview(value)}")
    return [item for item in value if isinstance(item, dict)]


def _required_str(body: JsonObject, key: str, what: str) -> str:
    value = body.get(key)
    if not isinstance(value, str):
        raise SpotifyRejected(SERVICE, f"{what} without a {key!r}: {_preview(body)}")
    return value


def parse_timestamp(value: object) -> datetime | None:
    """ISO-8601 as Spotify writes it ("2024-11-02T21:14:07Z"); None when absent or unreadable."""
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def parse_user(body: JsonObject) -> User:
    return User(
        id=_required_str(body, "id", "user"),
        account_id=_str(body.get("account_id")),
        display_name=_str(body.get("display_name")),
        product=_str(body.get("product")),
    )


def parse_artist(body: JsonObject) -> Artist:
    return Artist(id=_str(body.get("id")), name=_str(body.get("name")) or "")


def parse_album(body: JsonObject) -> Album:
    release_date = _str(body.get("release_date"))
    if release_date is not None and (not release_date or release_date.startswith("0000")):
        release_date = None  # some old items carry "0000": unknown (§7.4)
    return Album(
        id=_str(body.get("id")),
        name=_str(body.get("name")) or "",
        release_date=release_date,
        album_type=_str(body.get("album_type")),
    )


def parse_track(body: JsonObject) -> Track:
    album = body.get("album")
    external_ids = body.get("external_ids")
    isrc = external_ids.get("isrc") if isinstance(external_ids, dict) else None
    return Track(
        id=_str(body.get("id")),
        name=_str(body.get("name")) or "",
        artists=tuple(parse_artist(artist) for artist in _objects(body.get("artists") or [], "artists")),
        album=parse_album(album) if isinstance(album, dict) else None,
        duration_ms=_int(body.get("duration_ms")),
        isrc=isrc.strip().upper() if isinstance(isrc, str) and isrc.strip() else None,
        disc_number=_int(body.get("disc_number")),
        track_number=_int(body.get("track_number")),
        is_local=bool(body.get("is_local", False)),
    )


def parse_playlist(body: JsonObject) -> Playlist:
    owner = body.get("owner")
    # `items` on a full playlist is a paging object, on a simplified one a reference {href, total}; the deprecated
    # `tracks` mirrors it. Non-owned playlists in Development Mode carry neither.
    reference = body.get("items")
    if not isinstance(reference, dict):
        reference = body.get("tracks")
    return Playlist(
        id=_required_str(body, "id", "playlist"),
        name=_str(body.get("name")) or "",
        owner_id=(_str(owner.get("id")) if isinstance(owner, dict) else None) or "",
        collaborative=bool(body.get("collaborative", False)),
        snapshot_id=_str(body.get("snapshot_id")) or "",
        items_total=_int(reference.get("total")) if isinstance(reference, dict) else None,
    )


def parse_playlist_row(row: JsonObject) -> PlaylistEntry:
    """A `PlaylistTrackObject`: the track is under `item` (2026) or the deprecated `track`; episodes and null
    items give an entry without a track."""
    item = row.get("item")
    if item is None:
        item = row.get("track")
    track = None
    if isinstance(item, dict) and item.get("type", "track") == "track":
        track = parse_track(item)
    return PlaylistEntry(track=track, added_at=parse_timestamp(row.get("added_at")))


def parse_saved_track(row: JsonObject) -> PlaylistEntry:
    """A `SavedTrackObject` (Liked Songs): the field is `track`."""
    item = row.get("track")
    if not isinstance(item, dict):
        item = row.get("item")
    track = parse_track(item) if isinstance(item, dict) else None
    return PlaylistEntry(track=track, added_at=parse_timestamp(row.get("added_at")))
