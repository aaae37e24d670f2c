"""Imported playlists as `.m3u8` files in the music library, rewritten as their tracks land.

Navidrome, Jellyfin and Plex import `.m3u8` playlists found in the library folder. A playlist is an import (or,
for a TuneMyMusic file holding several, one playlist named inside it); a mirrored Spotify playlist is imported again
on every sync under the same name, so the newest import of a name is the playlist's content. Entries are the
tracks already in the library, in the import's order, with paths relative to the playlist file.
"""

from __future__ import annotations

import logging
from pathlib import Path, PurePosixPath

from django.db.models import Max, Q

from ingest.models import ImportItem, ImportJob
from media_enrich.fileops import write_atomic
from media_enrich.models import LibraryFile
from media_enrich.paths import sanitize_component
from media_enrich.services.work import music_root

logger = logging.getLogger(__name__)

PLAYLISTS_FOLDER = "Playlists"


def _display_name(job: ImportJob, playlist: str) -> str:
    if playlist:
        return playlist
    if job.name:
        return job.name
    if job.filename:
        return PurePosixPath(job.filename).stem or f"Import {job.pk}"
    return f"Import {job.pk}"


def _items_of(name: str, job: ImportJob, playlist: str) -> list[ImportItem]:
    """The newest import's rows of the playlist called `name`."""
    if playlist:
        newest = ImportItem.objects.filter(playlist=playlist).aggregate(job=Max("job_id"))["job"]
        rows = ImportItem.objects.filter(job_id=newest, playlist=playlist)
    elif job.name:
        newest = ImportJob.objects.filter(name=job.name).aggregate(id=Max("id"))["id"]
        rows = ImportItem.objects.filter(job_id=newest, playlist="")
    else:
        rows = ImportItem.objects.filter(job=job, playlist="")
    return list(rows.filter(track__isnull=False).select_related("track").order_by("line"))


def render_playlist(name: str, entries: list[tuple[LibraryFile, ImportItem]]) -> str:
    lines = ["#EXTM3U", f"#PLAYLIST:{name}"]
    for file, item in entries:
        seconds = round(file.duration_s or item.duration_s or -1)
        tags = file.tags or {}
        artist = tags.get("artist") or file.track.artist
        title = tags.get("title") or file.track.title
        lines.append(f"#EXTINF:{seconds},{artist} - {title}")
        lines.append(f"../{file.organized_path}")
    return "\n".join(lines) + "\n"


def write_playlist(job: ImportJob, playlist: str = "") -> Path | None:
    """Write one playlist's `.m3u8` (only once at least one of its tracks is in the library).

    Side effects: writes `<music>/Playlists/<name>.m3u8` atomically.
    """
    name = _display_name(job, playlist)
    items = _items_of(name, job, playlist)
    files = {
        file.track_id: file
        # The file being organised right now is still `running`: anything with a place in the library counts.
        for file in LibraryFile.objects.filter(track_id__in={item.track_id for item in items})
        .exclude(status=LibraryFile.Status.DISCARDED)
        .exclude(organized_path="")
    }
    entries = [(files[item.track_id], item) for item in items if item.track_id in files]
    if not entries:
        return None
    target = music_root() / PLAYLISTS_FOLDER / f"{sanitize_component(name)}.m3u8"
    target.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(target, render_playlist(name, entries).encode())
    return target


def write_playlists_for_track(*, track_id: int) -> list[Path]:
    """Rewrite every playlist that holds this track (called when it lands in the library).

    Side effects: writes `.m3u8` files under `<music>/Playlists/`.
    """
    pairs = (
        ImportItem.objects.filter(track_id=track_id)
        .filter(~Q(job__status=ImportJob.Status.CANCELLED))
        .values_list("job_id", "playlist")
        .distinct()
    )
    written: list[Path] = []
    seen: set[str] = set()
    jobs = {job.pk: job for job in ImportJob.objects.filter(pk__in={job_id for job_id, _ in pairs})}
    for job_id, playlist in sorted(pairs, reverse=True):
        job = jobs[job_id]
        name = _display_name(job, playlist)
        if name in seen:
            continue
        seen.add(name)
        try:
            path = write_playlist(job, playlist)
        except OSError as exc:
            logger.warning("could not write the playlist %r: %s", name, exc)
            continue
        if path is not None:
            written.append(path)
    return written
