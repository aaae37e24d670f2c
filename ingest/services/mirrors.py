"""Mirrored Spotify playlists: re-read on a schedule; new tracks become wanted, removed ones are reported.

The beat task (`ingest.sync_playlists`) only selects due mirrors — one indexed query — and enqueues one
`ingest.sync_playlist` each. A sync claims its mirror with a conditional UPDATE of `next_sync_at` (due → next
interval), so two workers never sync one mirror at once. It first reads the playlist's snapshot_id (Liked Songs: its
size and newest row); unchanged, nothing else happens. Changed, the whole playlist becomes a new ImportJob through
the ordinary pipeline (known tracks are skipped as already wanted or already in the library), and the tracks that
were in the previous sync but are gone now are stored on the mirror for the user to see — the library keeps them.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta
from functools import partial
from typing import Any

from django.db import transaction
from django.utils import timezone

from harmony.clients import spotify
from harmony.clients.http import ClientError
from harmony.errors import Conflict, NotFound, RateLimited
from ingest.models import ImportItem, ImportJob, PlaylistMirror
from ingest.services.spotify import (
    LIKED_SONGS,
    NOT_OWNED,
    NOT_READABLE,
    client_for,
    entry_rows,
    import_format,
    liked_marker,
    park,
    store_rows,
    sync_interval,
    track_keys,
)

logger = logging.getLogger(__name__)

DUE_BATCH = 200
REMOVED_SHOWN = 200


@dataclass(frozen=True)
class SyncOutcome:
    """`result` is "unchanged", "changed", "waiting" (429: `wait_s`) or "failed" (`error`)."""

    result: str
    job_id: int | None = None
    added: int = 0
    removed: int = 0
    wait_s: float = 0.0
    error: str = ""


def dispatch_due_mirrors() -> int:
    """Enqueue a sync of every due mirror; cheap when none is due. Side effects: enqueues `ingest.sync_playlist`."""
    due = list(
        PlaylistMirror.objects.filter(enabled=True, next_sync_at__lte=timezone.now())
        .order_by("next_sync_at")
        .values_list("pk", flat=True)[:DUE_BATCH]
    )
    for mirror_id in due:
        transaction.on_commit(partial(_enqueue_sync, mirror_id))
    return len(due)


def _enqueue_sync(mirror_id: int) -> None:
    from ingest.tasks import sync_playlist

    sync_playlist.delay(mirror_id=mirror_id)


def request_sync(*, mirror: PlaylistMirror) -> PlaylistMirror:
    """ "Sync now": make the mirror due and enqueue its sync. Side effects: writes the mirror; enqueues after commit."""
    if not mirror.enabled:
        raise Conflict("This playlist is not mirrored any more.", meta={"enabled": False})
    PlaylistMirror.objects.filter(pk=mirror.pk).update(next_sync_at=timezone.now())
    transaction.on_commit(partial(_enqueue_sync, mirror.pk))
    mirror.refresh_from_db()
    return mirror


def stop_mirroring(*, mirror: PlaylistMirror) -> None:
    """Side effects: deletes the mirror (its imports and the wanted tracks stay)."""
    deleted, _ = PlaylistMirror.objects.filter(pk=mirror.pk).delete()
    if not deleted:
        raise NotFound("No such mirror.")


def sync_mirror(*, mirror_id: int) -> SyncOutcome | None:
    """Sync one due mirror; None when it is not due (another worker has it, or it was synced just now).

    Side effects: Spotify calls; on a change an ImportJob with its items, Tracks and Downloads (the import
    pipeline); the mirror's sync fields; on 429 the account is parked and the mirror rescheduled after it.
    """
    now = timezone.now()
    claimed = PlaylistMirror.objects.filter(pk=mirror_id, enabled=True, next_sync_at__lte=now).update(
        next_sync_at=now + sync_interval()
    )
    if not claimed:
        return None
    mirror = PlaylistMirror.objects.select_related("account__user", "last_job").get(pk=mirror_id)
    account = mirror.account
    try:
        _, client = client_for(user=account.user)
        if mirror.playlist_id == LIKED_SONGS:
            summary = client.saved_tracks_summary()
            name, marker = "Liked Songs", liked_marker(summary.total, summary.newest_added_at)
        else:
            playlist = client.playlist(mirror.playlist_id)
            name, marker = playlist.name, playlist.snapshot_id
        if marker and marker == mirror.snapshot_id:
            PlaylistMirror.objects.filter(pk=mirror.pk).update(name=name[:300], last_synced_at=now, last_error="")
            return SyncOutcome(result="unchanged")
        if mirror.playlist_id == LIKED_SONGS:
            entries = list(client.saved_tracks())
        else:
            entries = list(client.playlist_entries(mirror.playlist_id))
    except RateLimited as exc:
        return _reschedule(mirror, float(exc.retry_after_s))
    except spotify.SpotifyRateLimited as exc:
        wait = exc.retry_after_s or 5.0
        park(account=account, retry_after_s=wait)
        return _reschedule(mirror, wait)
    except spotify.SpotifyForbidden:
        return _failed(mirror, NOT_OWNED, disable=True)
    except spotify.SpotifyNotFound:
        return _failed(mirror, NOT_READABLE, disable=True)
    except Conflict as exc:
        return _failed(mirror, exc.message)
    except (spotify.SpotifyRejected, ClientError) as exc:
        return _failed(mirror, f"Spotify: {exc.message}")
    return _apply_change(mirror, entries, name=name, marker=marker)


def _apply_change(
    mirror: PlaylistMirror, entries: list[spotify.PlaylistEntry], *, name: str, marker: str
) -> SyncOutcome:
    from ingest.services.imports import process_import

    previous = _previous_tracks(mirror.last_job)
    job = ImportJob.objects.create(
        source=ImportJob.Source.SPOTIFY, format=import_format(mirror.playlist_id), filename=mirror.playlist_id,
        name=name[:300], created_by=mirror.account.user,
    )  # fmt: skip
    rows = entry_rows(job, entries, name)
    store_rows(job, rows, name)
    process_import(job_id=job.pk)
    current = track_keys(rows)
    if previous is None:
        added, removed = len(current), []
    else:
        added = sum(1 for key in current if key not in previous)
        removed = [_describe(item) for key, item in previous.items() if key not in current]
    now = timezone.now()
    PlaylistMirror.objects.filter(pk=mirror.pk).update(
        name=name[:300], snapshot_id=marker[:200], last_job=job, last_synced_at=now, last_added=added,
        last_removed=len(removed), removed_tracks=removed[:REMOVED_SHOWN], last_error="",
    )  # fmt: skip
    logger.info("mirror %s: %s added, %s removed (import %s)", mirror.pk, added, len(removed), job.pk)
    return SyncOutcome(result="changed", job_id=job.pk, added=added, removed=len(removed))


def _previous_tracks(job: ImportJob | None) -> dict[str, ImportItem] | None:
    """The tracks of the sync before, or None when there is none to compare with (first sync, failed import)."""
    if job is None or job.status != ImportJob.Status.COMPLETED:
        return None
    return track_keys(list(ImportItem.objects.filter(job=job).order_by("line", "id")))


def _describe(item: ImportItem) -> dict[str, Any]:
    return {"artist": item.artist, "title": item.title, "spotify_id": item.spotify_id, "position": item.line}


def _reschedule(mirror: PlaylistMirror, wait_s: float) -> SyncOutcome:
    until = timezone.now() + timedelta(seconds=max(1.0, wait_s))
    PlaylistMirror.objects.filter(pk=mirror.pk).update(
        next_sync_at=until, last_error=f"waiting for Spotify until {until:%Y-%m-%d %H:%M} UTC"
    )
    return SyncOutcome(result="waiting", wait_s=wait_s)


def _failed(mirror: PlaylistMirror, message: str, *, disable: bool = False) -> SyncOutcome:
    changes: dict[str, Any] = {"last_error": message[:300]}
    if disable:
        changes["enabled"] = False
    PlaylistMirror.objects.filter(pk=mirror.pk).update(**changes)
    return SyncOutcome(result="failed", error=message)
