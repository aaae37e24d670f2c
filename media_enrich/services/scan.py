"""Index files already in the music library, so tracks the user owns are not wanted (and fetched) again."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import mutagen
from django.db import IntegrityError, transaction
from django.db.models import Q

from library.models import Download, Track
from matching.query import identity_key
from media_enrich.fileops import UnsafePath, confined
from media_enrich.models import LibraryFile
from media_enrich.services.work import music_root, tags_to_json
from media_enrich.tags import TagError, TagSet, audio_format, read_tags

logger = logging.getLogger(__name__)

AUDIO_SUFFIXES = frozenset({".flac", ".mp3", ".m4a", ".mp4", ".aac", ".ogg", ".oga", ".opus"})
_NUMBERED = re.compile(r"^\s*(?:\d+[-.])?(\d{1,3})\s*[-.]\s*(.+)$")
# Not yet searched, or waiting for their next round: the scan found the file, so these stop.
_STOPPABLE = (Download.Status.WANTED, Download.Status.FAILED, Download.Status.DEAD_LETTER)


@dataclass
class ScanReport:
    scanned: int = 0
    added: int = 0
    known: int = 0
    tracks_owned: int = 0
    downloads_stopped: int = 0
    unreadable: list[tuple[str, str]] = field(default_factory=list)


def _names(path: Path, tags: TagSet) -> tuple[str, str, str]:
    """(artist, title, album): the tags, else `<Artist>/<Album>/<NN - Title>` from the path."""
    artist = tags.artist or tags.album_artist
    title, album = tags.title, tags.album
    if not title:
        match = _NUMBERED.match(path.stem)
        title = match.group(2).strip() if match else path.stem.strip()
    parents = path.parent.parts
    if not artist and len(parents) >= 2:
        artist = parents[-2]
    if not album and parents:
        album = parents[-1]
    return artist, title, album


def _own(*, artist: str, title: str, album: str, tags: TagSet, duration_s: float | None) -> tuple[Track, bool, int]:
    """The track of this file marked owned; (track, newly owned, downloads stopped)."""
    identity = identity_key(artist, title)
    match = Q(identity=identity) | (Q(isrc=tags.isrc) if tags.isrc else Q(pk__in=[]))
    track = Track.objects.filter(match).order_by("id").first()
    if track is None:
        try:
            with transaction.atomic():
                track = Track.objects.create(
                    artist=artist,
                    artists=list(tags.artists) or [artist],
                    title=title,
                    album=album,
                    album_artist=tags.album_artist,
                    track_number=tags.track_number,
                    duration_s=duration_s,
                    isrc=tags.isrc if not Track.objects.filter(isrc=tags.isrc).exists() else "",
                    identity=identity,
                    status=Track.Status.OWNED,
                )
        except IntegrityError:
            track = Track.objects.get(identity=identity)
        return track, True, 0
    newly = track.status != Track.Status.OWNED
    stopped = Download.objects.filter(track=track, status__in=_STOPPABLE).update(
        status=Download.Status.CANCELLED, error_detail="already in the library (found by scan_library)"
    )
    Track.objects.filter(pk=track.pk).update(status=Track.Status.OWNED)
    return track, newly, stopped


def scan_library(*, root: Path, on_file: Callable[[Path, str], None] | None = None) -> ScanReport:
    """Index every audio file under `root` (which must lie inside HARMONY_MUSIC_DIR).

    A file already indexed is left as is; an unreadable one is reported and skipped, never fatal.
    Side effects: inserts LibraryFiles (origin scan) and Tracks, marks tracks owned, cancels their downloads that
    have not started (in-flight ones finish, and organising keeps the better copy).
    """
    library = music_root()
    try:
        base = confined(library, root)
    except UnsafePath as exc:
        raise UnsafePath(f"{root} is not inside the music folder {library} (HARMONY_MUSIC_DIR)") from exc
    report = ScanReport()
    known = set(LibraryFile.objects.exclude(organized_path="").values_list("organized_path", flat=True))
    for path in sorted(p for p in base.rglob("*") if p.suffix.lower() in AUDIO_SUFFIXES and p.is_file()):
        report.scanned += 1
        relative = path.relative_to(library).as_posix()
        if relative in known:
            report.known += 1
            continue
        try:
            tags = read_tags(path)
            audio = mutagen.File(path)
            file_format = audio_format(path)
        except (TagError, mutagen.MutagenError, OSError) as exc:
            report.unreadable.append((relative, str(exc)))
            if on_file:
                on_file(path, f"unreadable: {exc}")
            continue
        info = getattr(audio, "info", None)
        duration = float(getattr(info, "length", 0.0) or 0.0) or None
        artist, title, album = _names(path.relative_to(library), tags)
        if not artist or not title:
            report.unreadable.append((relative, "no artist or title in the tags or the path"))
            continue
        with transaction.atomic():
            track, newly, stopped = _own(artist=artist, title=title, album=album, tags=tags, duration_s=duration)
            bitrate = getattr(info, "bitrate", 0) or 0
            LibraryFile.objects.create(
                track=track,
                origin=LibraryFile.Origin.SCAN,
                status=LibraryFile.Status.FINISHED,
                organized_path=relative,
                file_format=file_format,
                file_size=path.stat().st_size,
                duration_s=duration,
                bitrate_kbps=round(bitrate / 1000) if bitrate else None,
                sample_rate=getattr(info, "sample_rate", None) or None,
                bit_depth=getattr(info, "bits_per_sample", None) or None,
                tags=tags_to_json(tags),
                musicbrainz_recording_id=tags.musicbrainz_recording_id,
            )
        known.add(relative)
        report.added += 1
        report.tracks_owned += int(newly)
        report.downloads_stopped += stopped
        if on_file:
            on_file(path, "added")
    return report
