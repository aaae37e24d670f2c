"""What the MusicBrainz web service answers, as typed values, and the parsing of its JSON (contract §4.4).

Parsing is lenient where MusicBrainz is: unknown keys are ignored and a field an `inc` did not ask for, or that
MusicBrainz does not know, is None, "" or () rather than an error. Only a payload of the wrong shape (an entity
without an id) is a MusicBrainzRejected.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from harmony.clients.musicbrainz.errors import SERVICE, MusicBrainzRejected

JsonObject = dict[str, Any]


@dataclass(frozen=True, slots=True)
class ArtistCredit:
    """One name in an artist credit: `name` as credited, then `joinphrase` (" feat. ", " & ", "" for the last)."""

    name: str
    joinphrase: str
    artist_id: str
    artist_name: str
    sort_name: str


def credit_display(credits: Iterable[ArtistCredit]) -> str:
    """The credit as MusicBrainz shows it: "Northline feat. Mira Vale"."""
    return "".join(credit.name + credit.joinphrase for credit in credits)


@dataclass(frozen=True, slots=True)
class ReleaseGroup:
    id: str
    title: str
    primary_type: str | None  # Album, Single, EP, Broadcast, Other
    secondary_types: tuple[str, ...]  # Compilation, Live, Remix, Soundtrack, …
    first_release_date: str | None = None


@dataclass(frozen=True, slots=True)
class ReleaseSummary:
    """A release as listed on a recording. The track fields describe where the recording sits on it and are
    None unless the payload carried media (searches do; ISRC lookups do not)."""

    id: str
    title: str
    status: str | None
    date: str | None  # "YYYY", "YYYY-MM" or "YYYY-MM-DD"
    country: str | None
    barcode: str | None
    release_group: ReleaseGroup | None
    track_position: int | None = None
    track_number: str | None = None  # as printed: "7", "A3"
    track_count: int | None = None  # on that medium
    medium_position: int | None = None


@dataclass(frozen=True, slots=True)
class Recording:
    """A recording from an ISRC lookup or a search; `score` (0–100) only from a search."""

    id: str
    title: str
    length_ms: int | None
    artist_credit: tuple[ArtistCredit, ...]
    isrcs: tuple[str, ...]
    first_release_date: str | None
    releases: tuple[ReleaseSummary, ...]
    score: int | None


@dataclass(frozen=True, slots=True)
class RecordingDetail:
    """A recording looked up with its credits: producers from its artist relations, composers, lyricists and
    writers from the relations of the works it performs. Names are in MusicBrainz's order, without repeats."""

    id: str
    title: str
    length_ms: int | None
    artist_credit: tuple[ArtistCredit, ...]
    isrcs: tuple[str, ...]
    first_release_date: str | None
    releases: tuple[ReleaseSummary, ...]
    genres: tuple[str, ...]
    composers: tuple[str, ...]
    lyricists: tuple[str, ...]
    writers: tuple[str, ...]
    producers: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Label:
    name: str
    catalog_number: str | None


@dataclass(frozen=True, slots=True)
class ReleaseTrack:
    id: str
    number: str
    position: int
    title: str
    length_ms: int | None
    recording_id: str
    artist_credit: tuple[ArtistCredit, ...]


@dataclass(frozen=True, slots=True)
class Medium:
    position: int
    format: str | None
    track_count: int
    tracks: tuple[ReleaseTrack, ...]


@dataclass(frozen=True, slots=True)
class Release:
    """A release looked up with its tracks. `has_front_art`/`art_count` come from its "cover-art-archive" block,
    which says whether the Cover Art Archive is worth asking."""

    id: str
    title: str
    date: str | None
    country: str | None
    barcode: str | None
    status: str | None
    artist_credit: tuple[ArtistCredit, ...]
    release_group: ReleaseGroup | None
    labels: tuple[Label, ...]
    media: tuple[Medium, ...]
    genres: tuple[str, ...]
    has_front_art: bool
    art_count: int


def _preview(value: object) -> str:
    text = json.dumps(value, default=str) if not isinstance(value, str) else value
    return text if len(text) <= 120 else text[:117] + "..."


def _str(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _int(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _objects(value: object) -> list[JsonObject]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _strings(value: object) -> tuple[str, ...]:
    return tuple(item for item in value if isinstance(item, str)) if isinstance(value, list) else ()


def _id(body: JsonObject, what: str) -> str:
    value = body.get("id")
    if not isinstance(value, str) or not value:
        raise MusicBrainzRejected(SERVICE, f"{what} without an id: {_preview(body)}")
    return value


def _unique(names: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(names))


def parse_artist_credit(value: object) -> tuple[ArtistCredit, ...]:
    credits = []
    for entry in _objects(value):
        artist = entry.get("artist")
        if not isinstance(artist, dict):
            artist = {}
        artist_name = _str(artist.get("name")) or ""
        credits.append(
            ArtistCredit(
                name=_str(entry.get("name")) or artist_name,
                joinphrase=_str(entry.get("joinphrase")) or "",
                artist_id=_str(artist.get("id")) or "",
                artist_name=artist_name,
                sort_name=_str(artist.get("sort-name")) or "",
            )
        )
    return tuple(credits)


def parse_release_group(value: object) -> ReleaseGroup | None:
    if not isinstance(value, dict):
        return None
    return ReleaseGroup(
        id=_id(value, "release group"),
        title=_str(value.get("title")) or "",
        primary_type=_str(value.get("primary-type")),
        secondary_types=_strings(value.get("secondary-types")),
        first_release_date=_str(value.get("first-release-date")) or None,
    )


def parse_release_summary(body: JsonObject) -> ReleaseSummary:
    media = _objects(body.get("media"))
    medium = media[0] if media else {}
    tracks = _objects(medium.get("track"))
    track = tracks[0] if tracks else {}
    offset = _int(medium.get("track-offset"))
    position = _int(track.get("position"))
    if position is None and offset is not None and track:
        position = offset + 1  # search results carry the track's offset on its medium, not its position
    return ReleaseSummary(
        id=_id(body, "release"),
        title=_str(body.get("title")) or "",
        status=_str(body.get("status")),
        date=_str(body.get("date")) or None,
        country=_str(body.get("country")),
        barcode=_str(body.get("barcode")),
        release_group=parse_release_group(body.get("release-group")),
        track_position=position,
        track_number=_str(track.get("number")),
        track_count=_int(medium.get("track-count")),
        medium_position=_int(medium.get("position")),
    )


def parse_recording(body: JsonObject) -> Recording:
    return Recording(
        id=_id(body, "recording"),
        title=_str(body.get("title")) or "",
        length_ms=_int(body.get("length")),
        artist_credit=parse_artist_credit(body.get("artist-credit")),
        isrcs=_strings(body.get("isrcs")),
        first_release_date=_str(body.get("first-release-date")) or None,
        releases=tuple(parse_release_summary(r) for r in _objects(body.get("releases"))),
        score=_int(body.get("score")),
    )


def _related_names(relations: object, kind: str) -> list[str]:
    names = []
    for relation in _objects(relations):
        artist = relation.get("artist")
        if relation.get("type") == kind and isinstance(artist, dict) and isinstance(artist.get("name"), str):
            names.append(artist["name"])
    return names


def parse_genres(value: object) -> tuple[str, ...]:
    """Genre names, most voted first (ties by name)."""
    genres = [(g.get("count"), g["name"]) for g in _objects(value) if isinstance(g.get("name"), str)]
    genres.sort(key=lambda pair: (-(_int(pair[0]) or 0), pair[1]))
    return tuple(name for _, name in genres)


def parse_recording_detail(body: JsonObject) -> RecordingDetail:
    core = parse_recording(body)
    relations = body.get("relations")
    works = [r["work"] for r in _objects(relations) if isinstance(r.get("work"), dict)]

    def from_works(kind: str) -> tuple[str, ...]:
        return _unique(name for work in works for name in _related_names(work.get("relations"), kind))

    return RecordingDetail(
        id=core.id,
        title=core.title,
        length_ms=core.length_ms,
        artist_credit=core.artist_credit,
        isrcs=core.isrcs,
        first_release_date=core.first_release_date,
        releases=core.releases,
        genres=parse_genres(body.get("genres")),
        composers=from_works("composer"),
        lyricists=from_works("lyricist"),
        writers=from_works("writer"),
        producers=_unique(_related_names(relations, "producer")),
    )


def parse_release(body: JsonObject) -> Release:
    labels = []
    for info in _objects(body.get("label-info")):
        label = info.get("label")
        name = _str(label.get("name")) if isinstance(label, dict) else None
        if name:
            labels.append(Label(name=name, catalog_number=_str(info.get("catalog-number")) or None))
    media = []
    for medium in _objects(body.get("media")):
        tracks = []
        for track in _objects(medium.get("tracks")):
            recording = track.get("recording")
            recording_id = _id(recording, "recording of a track") if isinstance(recording, dict) else ""
            tracks.append(
                ReleaseTrack(
                    id=_id(track, "track"),
                    number=_str(track.get("number")) or "",
                    position=_int(track.get("position")) or 0,
                    title=_str(track.get("title")) or "",
                    length_ms=_int(track.get("length")),
                    recording_id=recording_id,
                    artist_credit=parse_artist_credit(track.get("artist-credit")),
                )
            )
        media.append(
            Medium(
                position=_int(medium.get("position")) or 0,
                format=_str(medium.get("format")),
                track_count=_int(medium.get("track-count")) or len(tracks),
                tracks=tuple(tracks),
            )
        )
    art = body.get("cover-art-archive")
    art = art if isinstance(art, dict) else {}
    return Release(
        id=_id(body, "release"),
        title=_str(body.get("title")) or "",
        date=_str(body.get("date")) or None,
        country=_str(body.get("country")),
        barcode=_str(body.get("barcode")),
        status=_str(body.get("status")),
        artist_credit=parse_artist_credit(body.get("artist-credit")),
        release_group=parse_release_group(body.get("release-group")),
        labels=tuple(labels),
        media=tuple(media),
        genres=parse_genres(body.get("genres")),
        has_front_art=art.get("front") is True,
        art_count=_int(art.get("count")) or 0,
    )
