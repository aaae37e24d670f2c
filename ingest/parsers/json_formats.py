"""JSON inputs (import_formats.md §2.3): the Spotify GDPR export's `Playlist*.json` and `YourLibrary.json`, Spotify
Web API shapes (`items[].item|track`, contracts/spotify.md §0 rule 1) and arrays of objects keyed by the alias
table. `line` is the item's 1-based position in the file (across playlists for the GDPR export)."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Final

from ingest.parsers.fields import (
    clean_isrc,
    is_milliseconds_header,
    map_roles,
    normalise_header,
    parse_duration,
    parse_track_number,
    unique,
)
from ingest.parsers.results import ParsedItem, ParseError, RejectedLine, ResultBuilder, rejected_line
from ingest.parsers.spotify import parse_local_uri, parse_spotify_link, spotify_track_id
from ingest.parsers.text import parse_track_line

NOT_A_TRACK: Final = "not a music track ({kind})"
NO_TITLE: Final = "no track title"
NO_ARTIST: Final = "no artist name"
NOT_AN_OBJECT: Final = "not an object or a text line"
LOCAL_WITHOUT_NAMES: Final = "a local file without artist and title"

JsonObject = Mapping[str, object]


def _compact(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))[:400]


def _text(value: object) -> str:
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, Mapping):
        return _text(value.get("name"))
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return ""


def _names(value: object) -> tuple[str, ...]:
    if isinstance(value, list):
        return unique(_text(element) for element in value)
    name = _text(value)
    return (name,) if name else ()


def _object_list(value: object) -> list[object] | None:
    """The list of rows in a page (`{"items": [...]}`), a playlist (`{"tracks"|"items": {"items": [...]}}`) or
    a bare list."""
    if isinstance(value, list):
        return value
    if isinstance(value, Mapping):
        for key in ("items", "tracks"):
            inner = value.get(key)
            if isinstance(inner, list):
                return inner
            if isinstance(inner, Mapping) and isinstance(inner.get("items"), list):
                return list(inner["items"])
    return None


def _generic_outcome(line: int, row: object, playlist: str) -> ParsedItem | RejectedLine:
    if isinstance(row, str):
        return parse_track_line(row, line)
    if not isinstance(row, Mapping):
        return rejected_line(line, _compact(row), NOT_AN_OBJECT)
    track: JsonObject = row
    for key in ("item", "track"):
        inner = row.get(key)
        if isinstance(inner, Mapping):
            track = inner
            break
    kind = track.get("type")
    if isinstance(kind, str) and kind not in ("track", ""):
        return rejected_line(line, _compact(row), NOT_A_TRACK.format(kind=kind))
    keys = [str(key) for key in track]
    normalised = [normalise_header(key) for key in keys]
    roles = map_roles(normalised)
    if "title" not in roles and "name" in normalised:
        roles["title"] = normalised.index("name")

    def value(role: str) -> object:
        return track[keys[roles[role]]] if role in roles else None

    artists = _names(value("artist"))
    title = _text(value("title"))
    if not title:
        return rejected_line(line, _compact(row), NO_TITLE)
    if not artists:
        return rejected_line(line, _compact(row), NO_ARTIST)
    external_ids = track.get("external_ids")
    isrc = _text(value("isrc")) or (_text(external_ids.get("isrc")) if isinstance(external_ids, Mapping) else "")
    spotify_id = spotify_track_id(_text(value("spotify")))
    if not spotify_id and track.get("is_local") is not True:
        spotify_id = spotify_track_id(_text(track.get("uri")) or _text(track.get("id")))
    duration_key = normalised[roles["duration"]] if "duration" in roles else ""
    return ParsedItem(
        line=line,
        artist=artists[0],
        title=title,
        album=_text(value("album")),
        artists=artists if isinstance(value("artist"), list) else (),
        duration_s=parse_duration(value("duration"), unit_ms=is_milliseconds_header(duration_key)),
        isrc=clean_isrc(isrc),
        spotify_id=spotify_id,
        track_number=parse_track_number(value("track_number")),
        playlist=playlist,
    )


def _gdpr_outcome(line: int, entry: object, playlist: str) -> ParsedItem | RejectedLine:
    if not isinstance(entry, Mapping):
        return rejected_line(line, _compact(entry), NOT_AN_OBJECT)
    for kind, label in (("episode", "podcast episode"), ("audiobook", "audiobook")):
        if entry.get(kind):
            return rejected_line(line, _compact(entry), NOT_A_TRACK.format(kind=label))
    local = entry.get("localTrack")
    if isinstance(local, Mapping):
        parsed = parse_local_uri(_text(local.get("uri")))
        if parsed is None or not parsed[0] or not parsed[2]:
            return rejected_line(line, _compact(entry), LOCAL_WITHOUT_NAMES)
        artist, album, title, seconds = parsed
        return ParsedItem(line=line, artist=artist, title=title, album=album, duration_s=seconds, playlist=playlist)
    track = entry.get("track")
    if not isinstance(track, Mapping):
        return rejected_line(line, _compact(entry), NO_TITLE)
    title, artist = _text(track.get("trackName")), _text(track.get("artistName"))
    if not title:
        return rejected_line(line, _compact(entry), NO_TITLE)
    if not artist:
        return rejected_line(line, _compact(entry), NO_ARTIST)
    return ParsedItem(
        line=line,
        artist=artist,
        title=title,
        album=_text(track.get("albumName")),
        spotify_id=spotify_track_id(_text(track.get("trackUri"))),
        playlist=playlist,
    )


def _parse_gdpr_playlists(playlists: Sequence[object]) -> ResultBuilder:
    builder = ResultBuilder()
    line = 0
    for playlist in playlists:
        if not isinstance(playlist, Mapping):
            continue
        name = _text(playlist.get("name"))
        builder.add_playlist(name)
        entries = playlist.get("items")
        for entry in entries if isinstance(entries, list) else []:
            line += 1
            builder.add(_gdpr_outcome(line, entry, name))
    return builder


def _parse_gdpr_library(library: JsonObject) -> ResultBuilder:
    builder = ResultBuilder()
    tracks = library.get("tracks")
    for index, entry in enumerate(tracks if isinstance(tracks, list) else [], start=1):
        if not isinstance(entry, Mapping):
            builder.reject(index, _compact(entry), NOT_AN_OBJECT)
            continue
        title, artist = _text(entry.get("track")), _text(entry.get("artist"))
        if not title or not artist:
            builder.reject(index, _compact(entry), NO_TITLE if not title else NO_ARTIST)
            continue
        builder.add(
            ParsedItem(
                line=index,
                artist=artist,
                title=title,
                album=_text(entry.get("album")),
                spotify_id=spotify_track_id(_text(entry.get("uri"))),
            )
        )
    for key in ("albums", "artists"):
        saved = library.get(key)
        for entry in saved if isinstance(saved, list) else []:
            link = parse_spotify_link(_text(entry.get("uri"))) if isinstance(entry, Mapping) else None
            if link is not None:
                builder.add_link(link)
    return builder


def _is_gdpr_library(value: JsonObject) -> bool:
    tracks = value.get("tracks")
    return isinstance(tracks, list) and any(
        isinstance(entry, Mapping) and "track" in entry and "artist" in entry for entry in tracks[:20]
    )


def parse_json(text: str) -> tuple[str, ResultBuilder]:
    try:
        value: object = json.loads(text)
    except json.JSONDecodeError as error:
        raise ParseError(f"invalid JSON: {error.msg} at line {error.lineno} column {error.colno}") from error
    except RecursionError as error:
        raise ParseError("invalid JSON: nested too deeply") from error
    except ValueError as error:
        # Integers beyond Python's digit limit raise a plain ValueError.
        raise ParseError(f"invalid JSON: {error}") from error
    if isinstance(value, Mapping):
        playlists = value.get("playlists")
        if isinstance(playlists, list):
            return "spotify_gdpr_playlists", _parse_gdpr_playlists(playlists)
        if _is_gdpr_library(value):
            return "spotify_gdpr_library", _parse_gdpr_library(value)
    rows = _object_list(value)
    if rows is None:
        raise ParseError("JSON holds no list of tracks (expected an array, or an object with items or tracks)")
    playlist = _text(value.get("name")) if isinstance(value, Mapping) else ""
    builder = ResultBuilder()
    builder.add_playlist(playlist)
    for index, row in enumerate(rows, start=1):
        builder.add(_generic_outcome(index, row, playlist))
    return "json", builder
