"""Imports: limits and backpressure at the door, one bulk insert to accept, then resolution in chunks.

Accepting an import parses it (pure, `ingest.parsers`) and writes the job with all its items in bulk, so a
10,000-line playlist is accepted in well under two seconds. Resolution runs in the worker (`ingest.process_import`)
a chunk at a time with a fixed number of queries per chunk: each item becomes a wanted track, or is skipped as a
duplicate within the import, already in the library, or already wanted. The job's counters move after each chunk,
which is the progress the API and the Imports page show.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from harmony.errors import Conflict, PayloadTooLarge, RateLimited, ValidationFailed
from ingest import parsers
from ingest.models import ImportItem, ImportJob
from library.models import Download, Track
from matching.query import album_key, identity_key

logger = logging.getLogger(__name__)

CHUNK = 1000
RAW_LIMIT = 300
BACKPRESSURE_RETRY_S = 30


@dataclass(frozen=True)
class Limits:
    max_bytes: int
    max_lines: int
    max_tracks: int
    max_links: int
    max_pending_jobs: int

    @classmethod
    def current(cls) -> Limits:
        return cls(
            max_bytes=settings.HARMONY_IMPORT_MAX_BYTES,
            max_lines=settings.HARMONY_IMPORT_MAX_LINES,
            max_tracks=settings.HARMONY_IMPORT_MAX_TRACKS,
            max_links=settings.HARMONY_IMPORT_MAX_LINKS,
            max_pending_jobs=settings.HARMONY_IMPORT_MAX_PENDING_JOBS,
        )


def _too_large(what: str, setting: str, limit: int, got: int) -> PayloadTooLarge:
    return PayloadTooLarge(
        f"{what}: {got:,} is over the limit of {limit:,} ({setting}).",
        meta={"limit": setting, "max": limit, "got": got},
    )


def check_backpressure(limits: Limits | None = None) -> None:
    """Refuse a new import while too many are still waiting or running."""
    limits = limits or Limits.current()
    pending = ImportJob.objects.filter(status__in=ImportJob.Status.OPEN).count()
    if pending >= limits.max_pending_jobs:
        raise RateLimited(
            f"{pending} imports are still being processed; try again shortly.",
            retry_after_s=BACKPRESSURE_RETRY_S,
            meta={"limit": "HARMONY_IMPORT_MAX_PENDING_JOBS", "max": limits.max_pending_jobs},
        )


def check_size(size: int, limits: Limits | None = None) -> None:
    limits = limits or Limits.current()
    if size > limits.max_bytes:
        raise _too_large("bytes", "HARMONY_IMPORT_MAX_BYTES", limits.max_bytes, size)


def parse_input(*, data: bytes, filename: str = "", limits: Limits | None = None) -> parsers.ParseResult:
    """Parse an uploaded file or pasted text within the limits; a bad input is refused whole, with the reason."""
    limits = limits or Limits.current()
    check_size(len(data), limits)
    lines = data.count(b"\n") + (0 if data.endswith(b"\n") else 1)
    if lines > limits.max_lines:
        raise _too_large("lines", "HARMONY_IMPORT_MAX_LINES", limits.max_lines, lines)
    try:
        result = parsers.parse(data, filename=filename)
    except parsers.ParseError as exc:
        raise ValidationFailed(f"file: {exc}") from exc
    check_counts(result, limits)
    return result


def check_counts(result: parsers.ParseResult, limits: Limits | None = None) -> None:
    limits = limits or Limits.current()
    if len(result.items) > limits.max_tracks:
        raise _too_large("tracks", "HARMONY_IMPORT_MAX_TRACKS", limits.max_tracks, len(result.items))
    if len(result.links) > limits.max_links:
        raise _too_large("links", "HARMONY_IMPORT_MAX_LINKS", limits.max_links, len(result.links))


def result_from_items(rows: Sequence[dict[str, Any]]) -> parsers.ParseResult:
    """A JSON body's items (already validated by the serializer) as a parse result."""
    items = [
        parsers.ParsedItem(
            line=index, artist=row["artist"], title=row["title"], album=row.get("album") or "",
            artists=tuple(row.get("artists") or ()), duration_s=row.get("duration_s"), isrc=row.get("isrc") or "",
            spotify_id=row.get("spotify_id") or "", track_number=row.get("track_number"),
            playlist=row.get("playlist") or "",
        )
        for index, row in enumerate(rows, start=1)
    ]  # fmt: skip
    return parsers.ParseResult(format="json", items=items, rejected=[], links=[], playlists=[])


def link_skip_reason(kind: str) -> str:
    """Why a Spotify link in a file or pasted text is skipped, naming what would read it."""
    if kind == "playlist":
        return (
            "a Spotify playlist link is not read from a file or pasted text: paste it on the Spotify page (public "
            "playlists, when the runtime setting spotify.public_links is on) or import your own playlists there "
            "in PRO mode"
        )
    return f"a Spotify {kind} link is not read from a file or pasted text; export the tracks to a file instead"


def create_import(
    *,
    result: parsers.ParseResult,
    source: str,
    name: str = "",
    filename: str = "",
    user: Any = None,
    partial: bool = False,
) -> ImportJob:
    """Accept an import: the job and all of its items in bulk; resolution follows in the worker. `partial` labels
    an import read from a source that shows only part of a playlist.

    Side effects: inserts the ImportJob and its ImportItems; enqueues `ingest.process_import` after commit, and
    `ingest.expand_links` when its Spotify links can be read (PRO connected, or public links on).
    """
    rows = [
        ImportItem(
            line=item.line, raw=f"{item.artist} - {item.title}"[:RAW_LIMIT], artist=item.artist[:500],
            title=item.title[:500], album=item.album[:500], artists=list(item.artists), duration_s=item.duration_s,
            isrc=item.isrc, spotify_id=item.spotify_id, track_number=item.track_number,
            playlist=item.playlist[:300], status=ImportItem.Status.NORMALIZED,
        )
        for item in result.items
    ] + [
        ImportItem(line=rejected.line, raw=rejected.text[:RAW_LIMIT], status=ImportItem.Status.SKIPPED,
                   reason=ImportItem.Reason.INVALID, detail=rejected.reason[:300])
        for rejected in result.rejected
    ] + [
        ImportItem(line=0, raw=link.url, status=ImportItem.Status.SKIPPED, reason=ImportItem.Reason.UNSUPPORTED,
                   detail=link_skip_reason(link.kind)[:300])
        for link in result.links
    ]  # fmt: skip
    with transaction.atomic():
        job = ImportJob.objects.create(
            name=(name or (result.playlists[0] if result.playlists else ""))[:300],
            source=source,
            format=result.format,
            filename=filename[:300],
            total=len(rows),
            skipped=len(result.rejected) + len(result.links),
            partial=partial,
            processed=len(result.rejected) + len(result.links),
            created_by=user if getattr(user, "is_authenticated", False) else None,
        )
        for row in rows:
            row.job = job
        ImportItem.objects.bulk_create(rows, batch_size=2000)
        transaction.on_commit(lambda: _enqueue_processing(job.pk))
        if _links_readable(result, user):
            transaction.on_commit(lambda: _enqueue_link_expansion(job.pk))
    return job


def _links_readable(result: parsers.ParseResult, user: Any) -> bool:
    from ingest.services.links import should_expand

    return should_expand(has_links=bool(result.links), user=user)


def _enqueue_link_expansion(job_id: int) -> None:
    from ingest.tasks import expand_links

    expand_links.delay(job_id=job_id)


def _enqueue_processing(job_id: int) -> None:
    from ingest.tasks import process_import

    process_import.delay(job_id=job_id)


def process_import(*, job_id: int) -> ImportJob | None:
    """Resolve a pending import's items, a chunk at a time, updating the job's counters after each chunk.

    Side effects: creates Tracks and Downloads; updates ImportItems and the job; enqueues the search poller.
    """
    claimed = ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.PENDING).update(
        status=ImportJob.Status.RUNNING, started_at=timezone.now()
    )
    if not claimed:
        return None
    seen: dict[str, int] = {}
    ids = list(
        ImportItem.objects.filter(job_id=job_id, status=ImportItem.Status.NORMALIZED)
        .order_by("line", "id")
        .values_list("pk", flat=True)
    )
    for start in range(0, len(ids), CHUNK):
        if ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.CANCELLED).exists():
            break
        items = list(ImportItem.objects.filter(pk__in=ids[start : start + CHUNK]).order_by("line", "id"))
        with transaction.atomic():
            queued, skipped = _resolve(items, seen)
            ImportJob.objects.filter(pk=job_id).update(
                processed=_plus("processed", len(items)), queued=_plus("queued", queued),
                skipped=_plus("skipped", skipped),
            )  # fmt: skip
    ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.RUNNING).update(
        status=ImportJob.Status.COMPLETED, finished_at=timezone.now()
    )
    transaction.on_commit(_kick_search_poller)
    return ImportJob.objects.get(pk=job_id)


def _plus(field: str, amount: int) -> Any:
    from django.db.models import F

    return F(field) + amount


def _kick_search_poller() -> None:
    from matching.tasks import poll_searches

    poll_searches.delay()


def _resolve(items: list[ImportItem], seen: dict[str, int]) -> tuple[int, int]:
    """Dedupe a chunk against itself, the library and in-flight downloads, then want the rest — in bulk.

    Returns (queued, skipped)."""
    keys = {item.pk: identity_key(item.artist, item.title) for item in items}
    fresh: list[ImportItem] = []
    skipped = 0
    for item in items:
        key = keys[item.pk]
        if key in seen:
            _skip(item, ImportItem.Reason.DUPLICATE, f"the same track as line {seen[key]}")
            skipped += 1
        else:
            seen[key] = item.line
            fresh.append(item)
    tracks = _existing_tracks(fresh, keys)
    missing = [item for item in fresh if _match(item, keys, tracks) is None]
    if missing:
        Track.objects.bulk_create(
            [
                Track(
                    artist=item.artist, artists=list(item.artists) or [item.artist], title=item.title, album=item.album,
                    duration_s=item.duration_s, track_number=item.track_number, isrc=item.isrc,
                    spotify_id=item.spotify_id, identity=keys[item.pk],
                )
                for item in missing
            ],
            ignore_conflicts=True,  # a concurrent want or an ISRC owned by another identity; matched below
        )  # fmt: skip
        tracks = _existing_tracks(fresh, keys)
    live = {
        download.track_id: download
        for download in Download.objects.filter(track__in=[t.pk for t in tracks.values()]).exclude(
            status=Download.Status.CANCELLED
        )
    }
    to_want: dict[int, Track] = {}
    for item in fresh:
        track = _match(item, keys, tracks)
        if track is None:
            _skip(item, ImportItem.Reason.NOT_FOUND, "its ISRC or Spotify id belongs to a different track")
            skipped += 1
            continue
        item.track = track
        if track.status == Track.Status.OWNED:
            _skip(item, ImportItem.Reason.ALREADY_IN_LIBRARY, str(track))
            skipped += 1
        elif track.pk in live:
            item.download = live[track.pk]
            _skip(item, ImportItem.Reason.ALREADY_WANTED, f"download {live[track.pk].pk}")
            skipped += 1
        else:
            to_want[track.pk] = track
    if to_want:
        Download.objects.bulk_create(
            [Download(track=t, album_key=album_key(t.album_artist or t.artist, t.album)) for t in to_want.values()],
            ignore_conflicts=True,  # the one-live-download constraint: a concurrent want already made it
        )
        Track.objects.filter(pk__in=list(to_want)).exclude(status=Track.Status.OWNED).update(
            status=Track.Status.ACQUIRING
        )
        created = {
            d.track_id: d
            for d in Download.objects.filter(track__in=list(to_want)).exclude(status=Download.Status.CANCELLED)
        }
        for item in fresh:
            if item.track is not None and item.track.pk in to_want and not item.reason:
                item.download = created.get(item.track.pk)
                item.status = ImportItem.Status.QUEUED
    ImportItem.objects.bulk_update(items, ["status", "reason", "detail", "track", "download"], batch_size=1000)
    return sum(1 for item in items if item.status == ImportItem.Status.QUEUED), skipped


def _skip(item: ImportItem, reason: str, detail: str) -> None:
    item.status = ImportItem.Status.SKIPPED
    item.reason = reason
    item.detail = detail[:300]


def _existing_tracks(items: Iterable[ImportItem], keys: dict[int, str]) -> dict[str, Track]:
    """Tracks of these items by `id:<identity>`, `isrc:<code>` and `sp:<spotify id>`: three lookups at most."""
    items = list(items)
    identities = {keys[i.pk] for i in items}
    isrcs = {i.isrc for i in items if i.isrc}
    spotify_ids = {i.spotify_id for i in items if i.spotify_id}
    match = Q(identity__in=identities)
    if isrcs:
        match |= Q(isrc__in=isrcs)
    if spotify_ids:
        match |= Q(spotify_id__in=spotify_ids)
    found: dict[str, Track] = {}
    for track in Track.objects.filter(match):
        found[f"id:{track.identity}"] = track
        if track.isrc:
            found[f"isrc:{track.isrc}"] = track
        if track.spotify_id:
            found[f"sp:{track.spotify_id}"] = track
    return found


def _match(item: ImportItem, keys: dict[int, str], tracks: dict[str, Track]) -> Track | None:
    return (
        (tracks.get(f"isrc:{item.isrc}") if item.isrc else None)
        or (tracks.get(f"sp:{item.spotify_id}") if item.spotify_id else None)
        or tracks.get(f"id:{keys[item.pk]}")
    )


def cancel_import(*, job: ImportJob) -> ImportJob:
    """Stop an import: unprocessed items are skipped, and downloads it created that have not started are cancelled.

    Side effects: updates the job, its items and those downloads.
    """
    with transaction.atomic():
        updated = ImportJob.objects.filter(pk=job.pk, status__in=ImportJob.Status.OPEN).update(
            status=ImportJob.Status.CANCELLED, finished_at=timezone.now()
        )
        if not updated:
            raise Conflict(f"This import is already {job.status}.", meta={"status": job.status})
        left = ImportItem.objects.filter(
            job=job, status__in=[ImportItem.Status.REGISTERED, ImportItem.Status.NORMALIZED]
        ).update(status=ImportItem.Status.SKIPPED, reason=ImportItem.Reason.CANCELLED)
        Download.objects.filter(
            import_items__job=job, import_items__status=ImportItem.Status.QUEUED, status=Download.Status.WANTED
        ).update(status=Download.Status.CANCELLED)
        ImportJob.objects.filter(pk=job.pk).update(skipped=_plus("skipped", left), processed=_plus("processed", left))
    job.refresh_from_db()
    return job


def progress(job: ImportJob) -> dict[str, int]:
    """Counters, with how the queued items' downloads have ended so far (one aggregate query)."""
    outcome = ImportItem.objects.filter(job=job, status=ImportItem.Status.QUEUED).aggregate(
        completed=Count("id", filter=Q(download__status=Download.Status.COMPLETED)),
        failed=Count("id", filter=Q(download__status__in=[Download.Status.DEAD_LETTER, Download.Status.CANCELLED])),
    )
    return {
        "total": job.total, "processed": job.processed, "queued": job.queued, "skipped": job.skipped,
        "completed": outcome["completed"], "failed": outcome["failed"],
    }  # fmt: skip
