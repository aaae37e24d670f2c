"""Wanted tracks and what a person does with their downloads: want, retry, cancel, reprioritise, requeue, purge."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count, Min, Q
from django.utils import timezone

from harmony.clients.http import ClientError
from harmony.clients.slskd import SlskdClient
from harmony.errors import Conflict
from library.models import Download, DownloadAttempt, Track
from matching.query import album_key, identity_key

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class WantResult:
    track: Track
    download: Download | None
    outcome: str  # "created" | "already_wanted" | "already_in_library"


def _find_track(*, identity: str, isrc: str, spotify_id: str) -> Track | None:
    match = Q(identity=identity)
    if isrc:
        match |= Q(isrc=isrc)
    if spotify_id:
        match |= Q(spotify_id=spotify_id)
    return Track.objects.filter(match).order_by("id").first()


def want_track(
    *,
    artist: str,
    title: str,
    album: str = "",
    artists: Sequence[str] = (),
    duration_s: float | None = None,
    year: int | None = None,
    track_number: int | None = None,
    isrc: str = "",
    spotify_id: str = "",
    priority: int = 0,
    search: bool = True,
) -> WantResult:
    """Make `artist – title` wanted: the one Track of that recording, and one live Download of it.

    A recording already owned is not fetched again; one already being acquired is returned as is.
    Side effects: may insert a Track and a Download; enqueues the search poller after commit (unless `search` is
    false: a person picked the file already).
    """
    identity = identity_key(artist, title)
    with transaction.atomic():
        track = _find_track(identity=identity, isrc=isrc, spotify_id=spotify_id)
        if track is None:
            try:
                with transaction.atomic():
                    track = Track.objects.create(
                        artist=artist.strip(),
                        artists=list(artists) or [artist.strip()],
                        title=title.strip(),
                        album=album.strip(),
                        duration_s=duration_s,
                        year=year,
                        track_number=track_number,
                        isrc=isrc,
                        spotify_id=spotify_id,
                        identity=identity,
                    )
            except IntegrityError:  # the same recording wanted by a concurrent request
                track = _find_track(identity=identity, isrc=isrc, spotify_id=spotify_id)
                assert track is not None
        else:
            _fill_blanks(track, album=album, duration_s=duration_s, year=year, isrc=isrc, spotify_id=spotify_id)
        if track.status == Track.Status.OWNED:
            return WantResult(track, None, "already_in_library")
        live = track.downloads.exclude(status=Download.Status.CANCELLED).first()
        if live is not None:
            return WantResult(track, live, "already_wanted")
        try:
            with transaction.atomic():
                download = Download.objects.create(
                    track=track, priority=priority, album_key=album_key(track.artist, track.album)
                )
        except IntegrityError:  # the database constraint: one live download per track
            existing = track.downloads.exclude(status=Download.Status.CANCELLED).get()
            return WantResult(track, existing, "already_wanted")
        Track.objects.filter(pk=track.pk).update(status=Track.Status.ACQUIRING)
        track.status = Track.Status.ACQUIRING
        if search:
            transaction.on_commit(_kick_search_poller)
    return WantResult(track, download, "created")


def _fill_blanks(track: Track, **values: Any) -> None:
    """Later sources may know more (an album, a duration, an ISRC); never overwrite what is known."""
    changed = {name: value for name, value in values.items() if value and not getattr(track, name)}
    if changed:
        try:
            with transaction.atomic():
                Track.objects.filter(pk=track.pk).update(**changed)
        except IntegrityError:  # that ISRC / Spotify id belongs to another track already
            return
        for name, value in changed.items():
            setattr(track, name, value)


def _kick_search_poller() -> None:
    from matching.tasks import poll_searches

    poll_searches.delay()


def retry_download(*, download: Download) -> Download:
    """Put a failed, dead-lettered or cancelled download back in the queue, now, with a fresh retry budget.

    Side effects: updates the Download; enqueues the search poller after commit.
    """
    with transaction.atomic():
        changed = Download.objects.filter(pk=download.pk, status__in=Download.Status.RETRYABLE)
        others = download.track.downloads.exclude(pk=download.pk).exclude(status=Download.Status.CANCELLED)
        if download.status == Download.Status.CANCELLED and others.exists():
            raise Conflict("This track is already wanted by another download.", meta={"download": download.pk})
        try:
            updated = changed.update(
                status=Download.Status.WANTED,
                next_attempt_at=timezone.now(),
                retry_count=0,
                search_variant=0,
                error_code="",
                error_detail="",
                updated_at=timezone.now(),
            )
        except IntegrityError as exc:
            raise Conflict("This track is already wanted by another download.") from exc
        if not updated:
            raise Conflict(
                f"Only failed, dead-lettered or cancelled downloads can be retried; this one is {download.status}.",
                meta={"status": download.status},
            )
        Track.objects.filter(pk=download.track_id).update(status=Track.Status.ACQUIRING)
        transaction.on_commit(_kick_search_poller)
    download.refresh_from_db()
    return download


def cancel_download(*, download: Download, client: SlskdClient | None = None) -> Download:
    """Stop acquiring: the transfer in slskd is cancelled too. A completed download cannot be cancelled.

    Side effects: updates the Download and its open attempt; DELETE on the slskd transfer.
    """
    from library.services import transfers

    with transaction.atomic():
        locked = Download.objects.select_for_update().get(pk=download.pk)
        if locked.status in (Download.Status.COMPLETED, Download.Status.CANCELLED):
            raise Conflict(f"This download is already {locked.status}.", meta={"status": locked.status})
        attempt = locked.attempts.filter(outcome=DownloadAttempt.Outcome.IN_PROGRESS).first()
        if attempt is not None:
            transfers.close_attempt(attempt, outcome=DownloadAttempt.Outcome.CANCELLED, reason="cancelled by a person")
        locked.status = Download.Status.CANCELLED
        locked.error_code = ""
        locked.save(update_fields=["status", "error_code", "updated_at"])
        Track.objects.filter(pk=locked.track_id).update(status=Track.Status.WANTED)
    if attempt is not None and attempt.transfer_id is not None:
        try:
            transfers.slskd_client(client).cancel_transfer(attempt.username, attempt.transfer_id)
        except ClientError as exc:
            logger.warning("could not cancel transfer %s in slskd: %s", attempt.transfer_id, exc)
    locked.refresh_from_db()
    return locked


def set_priority(*, download: Download, priority: int) -> Download:
    """Side effects: updates the Download's priority (higher goes first)."""
    Download.objects.filter(pk=download.pk).update(priority=priority, updated_at=timezone.now())
    download.refresh_from_db()
    return download


def requeue_dead_letters(*, download_ids: Sequence[int] | None = None) -> int:
    """Every (or the given) dead-lettered download back to wanted. Side effects: updates Downloads."""
    rows = Download.objects.filter(status=Download.Status.DEAD_LETTER)
    if download_ids is not None:
        rows = rows.filter(pk__in=download_ids)
    count = 0
    for download in rows.select_related("track"):
        retry_download(download=download)
        count += 1
    return count


def purge_dead_letters(*, download_ids: Sequence[int] | None = None) -> int:
    """Give up on dead-lettered tracks: their downloads are deleted and the tracks marked ignored, so nothing
    wants them again until a person does. Side effects: deletes Downloads, updates Tracks."""
    rows = Download.objects.filter(status=Download.Status.DEAD_LETTER)
    if download_ids is not None:
        rows = rows.filter(pk__in=download_ids)
    with transaction.atomic():
        track_ids = list(rows.values_list("track_id", flat=True))
        deleted = rows.count()
        rows.delete()
        Track.objects.filter(pk__in=track_ids).update(status=Track.Status.IGNORED)
    return deleted


def dead_letter_stats() -> dict[str, Any]:
    rows = Download.objects.filter(status=Download.Status.DEAD_LETTER)
    summary = rows.aggregate(total=Count("id"), oldest=Min("updated_at"))
    by_code = dict(rows.values_list("error_code").annotate(n=Count("id")).values_list("error_code", "n"))
    return {"total": summary["total"], "oldest": summary["oldest"], "by_error_code": by_code}
