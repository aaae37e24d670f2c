"""Identify a finished file: which MusicBrainz recording it is and which release it belongs to.

Order (issue 6 §2): what the wanted track already knows (a MusicBrainz id, the ISRC from Spotify or an import),
then MusicBrainz by ISRC, else a recording search inside a duration window. The release is chosen once per album
(`AlbumRelease`) and reused for every later track of it, so album-level tags never differ inside an album.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from rapidfuzz import fuzz

from harmony.clients import musicbrainz as mb
from library.models import Track
from matching.query import words
from media_enrich.tags import TagSet

# A recording found by name must be this close (rapidfuzz ratio of the normalised words, 0-100).
TITLE_SIMILARITY = 85.0
ARTIST_SIMILARITY = 80.0
SEARCH_WINDOW_S = 3.0


@dataclass(frozen=True)
class Identified:
    recording: mb.Recording
    matched_by: str  # "musicbrainz_id" | "isrc" | "search"


@dataclass(frozen=True)
class AlbumChoice:
    release: mb.Release
    album_tags: TagSet
    tracklist: dict[str, list[int]]


def _norm(text: str) -> str:
    return " ".join(words(text))


def _similar(a: str, b: str) -> float:
    return float(fuzz.token_sort_ratio(_norm(a), _norm(b)))


def _duration_ok(recording: mb.Recording, duration_s: float | None, window_s: float) -> bool:
    if duration_s is None or recording.length_ms is None:
        return True
    return abs(recording.length_ms / 1000 - duration_s) <= window_s


def _delta(recording: mb.Recording, duration_s: float | None) -> float:
    if duration_s is None or recording.length_ms is None:
        return 0.0
    return abs(recording.length_ms / 1000 - duration_s)


def find_recording(client: mb.MusicBrainzClient, *, track: Track, duration_s: float | None) -> Identified | None:
    """The recording this file is, or None. Raises the client's Unavailable/Rejected errors.

    An ISRC is trusted over names (one ISRC can cover re-releases with different titles); a name search must pass
    the title, artist and duration checks.
    """
    window = max(SEARCH_WINDOW_S, (duration_s or 0) * 0.02)
    if track.musicbrainz_recording_id:
        try:
            known = client.recording(str(track.musicbrainz_recording_id))
        except mb.MusicBrainzNotFound:
            known = None
        if known is not None:
            recording = mb.Recording(
                id=known.id, title=known.title, length_ms=known.length_ms, artist_credit=known.artist_credit,
                isrcs=known.isrcs, first_release_date=known.first_release_date, releases=known.releases, score=100,
            )  # fmt: skip
            return Identified(recording, "musicbrainz_id")
    if track.isrc:
        by_isrc = [r for r in client.recordings_by_isrc(track.isrc) if _duration_ok(r, duration_s, window * 3)]
        if by_isrc:
            by_isrc.sort(key=lambda r: (_delta(r, duration_s), -_similar(r.title, track.title), r.id))
            return Identified(by_isrc[0], "isrc")
    found = client.search_recordings(
        title=track.title, artist=track.artist, duration_s=duration_s, window_s=window, album=""
    )
    accepted = [
        r
        for r in found
        if _duration_ok(r, duration_s, window)
        and _similar(r.title, track.title) >= TITLE_SIMILARITY
        and _similar(mb.credit_display(r.artist_credit), track.artist) >= ARTIST_SIMILARITY
    ]
    if not accepted:
        return None
    accepted.sort(key=lambda r: (-(r.score or 0), _delta(r, duration_s), r.id))
    return Identified(accepted[0], "search")


def _release_rank(release: mb.ReleaseSummary, *, wanted_album: str, preferred_id: str) -> tuple[float, ...]:
    group = release.release_group
    secondary = {t.lower() for t in (group.secondary_types if group else ())}
    wanted = _norm(wanted_album)
    title_match = _similar(release.title, wanted_album) if wanted else 0.0
    wants_live = "live" in wanted.split()
    return (
        1.0 if release.id == preferred_id else 0.0,
        1.0 if wanted and _norm(release.title) == wanted else 0.0,
        title_match,
        1.0 if (release.status or "").lower() == "official" else 0.0,
        1.0 if group and (group.primary_type or "").lower() == "album" else 0.0,
        0.0 if ("compilation" in secondary or ("live" in secondary and not wants_live)) else 1.0,
        -float((release.date or "9999")[:4] or 9999) if (release.date or "")[:4].isdigit() else -9999.0,
    )


def choose_release_id(recording: mb.Recording, *, wanted_album: str, preferred_id: str = "") -> str:
    """The release for this recording: the album's chosen release when the recording is on it, else the best of
    its releases (the wanted album's title, official, an album rather than a compilation or a live record, then the
    earliest). Ties fall to the id, so every worker picks the same one."""
    if not recording.releases:
        return ""
    ranked = sorted(
        recording.releases,
        key=lambda r: (_release_rank(r, wanted_album=wanted_album, preferred_id=preferred_id), r.id),
        reverse=True,
    )
    return ranked[0].id


def album_from_release(release: mb.Release) -> AlbumChoice:
    """Album-level tags and the track list of one release."""
    group = release.release_group
    secondary = tuple(t.lower() for t in (group.secondary_types if group else ()))
    album_artist = mb.credit_display(release.artist_credit)
    tracklist: dict[str, list[int]] = {}
    for medium in release.media:
        for item in medium.tracks:
            if item.recording_id and item.recording_id not in tracklist:
                tracklist[item.recording_id] = [medium.position or 1, item.position or 0, medium.track_count or 0]
    album_tags = TagSet(
        album=release.title,
        album_artist=album_artist,
        date=release.date or "",
        original_date=(group.first_release_date if group and group.first_release_date else "") or "",
        disc_total=len(release.media) or None,
        label=release.labels[0].name if release.labels else "",
        barcode=release.barcode or "",
        release_type=((group.primary_type or "") if group else "").lower(),
        compilation="compilation" in secondary or album_artist.lower() == "various artists",
        musicbrainz_release_id=release.id,
        musicbrainz_album_artist_ids=tuple(c.artist_id for c in release.artist_credit if c.artist_id),
        genres=release.genres,
        musicbrainz_release_group_id=group.id if group else "",
    )
    return AlbumChoice(release, album_tags, tracklist)


def recording_tags(
    recording: mb.Recording, detail: mb.RecordingDetail | None, *, track: Track, album: TagSet, position: list[int]
) -> TagSet:
    """The full tag set of one track on a chosen release."""
    disc, number, count = [*position, 0, 0, 0][:3]
    isrcs = detail.isrcs if detail else recording.isrcs
    return replace(
        album,
        title=recording.title,
        artist=mb.credit_display(recording.artist_credit),
        artists=tuple(c.artist_name or c.name for c in recording.artist_credit),
        track_number=number or None,
        track_total=count or None,
        disc_number=disc or None,
        isrc=track.isrc or (isrcs[0] if isrcs else ""),
        genres=tuple(detail.genres) if detail and detail.genres else album.genres,
        # A "writer" relation credits both music and words; Picard files it as composer when nothing finer exists.
        composers=tuple(detail.composers or detail.writers) if detail else (),
        lyricists=tuple(detail.lyricists) if detail else (),
        producers=tuple(detail.producers) if detail else (),
        musicbrainz_recording_id=recording.id,
        musicbrainz_artist_ids=tuple(c.artist_id for c in recording.artist_credit if c.artist_id),
        spotify_track_id=track.spotify_id,
    )


_LEADING_NUMBER = re.compile(r"^\s*(?:\d{1,2}[-.])?(\d{1,3})\s*(?:[-._)]|\s)")


def number_from_filename(remote_filename: str) -> int | None:
    """The track number a peer's file name starts with ("06 - Title.flac", "1-06 Title.mp3"), if any."""
    name = re.split(r"[\\/]", remote_filename)[-1]
    match = _LEADING_NUMBER.match(name)
    number = int(match.group(1)) if match else 0
    return number if 0 < number < 1000 else None


def wanted_tags(track: Track, *, album: str, remote_filename: str = "") -> TagSet:
    """What the wanted track itself knows (and the peer's file name tells), for a file MusicBrainz could not
    place."""
    artists = tuple(track.artists) if track.artists else (track.artist,)
    return TagSet(
        title=track.title,
        artist=track.artist,
        artists=artists,
        album=album,
        album_artist=track.album_artist or track.artist,
        track_number=track.track_number or number_from_filename(remote_filename),
        date=str(track.year) if track.year else "",
        isrc=track.isrc,
        musicbrainz_recording_id=str(track.musicbrainz_recording_id or ""),
        spotify_track_id=track.spotify_id,
    )
