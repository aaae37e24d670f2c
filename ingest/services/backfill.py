"""Backfill (PRO): Spotify id, ISRC, length and album for wanted and owned tracks that came in without them.

Each track is looked up by its ISRC first (`isrc:XXXX`), else by a track search (artist + title) whose result is
accepted only when the normalised names match (rapidfuzz) and, when we know our length, it is within 2 s. Search
answers are cached (SpotifyLookup) for the runtime setting backfill.cache_ttl_days, so a re-run costs no calls.
Track's unique ISRC and Spotify id are respected: a match that belongs to another track is a recorded conflict.

The work runs fifty tracks per task; the job keeps a cursor (the last track id looked at), so pause and cancel take
effect between chunks, progress moves after each, and a 429 parks the account and reschedules the chunk.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from rapidfuzz import fuzz

from harmony.clients import spotify
from harmony.clients.http import ClientError
from harmony.errors import Conflict, RateLimited
from ingest.models import BackfillJob, SpotifyAccount, SpotifyLookup
from ingest.services.spotify import client_for, park
from library import runtime
from library.models import Track
from matching.query import clean_title, words

logger = logging.getLogger(__name__)

CHUNK = 50
DURATION_TOLERANCE_S = 2.0
NAME_SIMILARITY = 90.0
CONFLICTS_KEPT = 200
SEARCH_LIMIT = 10


@dataclass(frozen=True)
class ChunkOutcome:
    """`more`: another chunk was enqueued; `wait_s` > 0: Spotify said 429 and this chunk should run again then."""

    more: bool = False
    wait_s: float = 0.0


def candidates() -> QuerySet[Track]:
    """Tracks the backfill looks at: wanted, being acquired or owned, without a Spotify id."""
    return Track.objects.filter(spotify_id="").exclude(status=Track.Status.IGNORED)


def start_backfill(*, user: User, enqueue: bool = True) -> BackfillJob:
    """Side effects: creates a pending BackfillJob; enqueues its first chunk after commit (unless `enqueue` is
    false: the caller runs the chunks itself)."""
    if not SpotifyAccount.objects.filter(user=user).exists():
        raise Conflict("Spotify is not connected.", meta={"reason": "not_connected"})
    with transaction.atomic():
        open_job = BackfillJob.objects.select_for_update().filter(status__in=BackfillJob.Status.OPEN).first()
        if open_job is not None:
            raise Conflict(f"Backfill {open_job.pk} is still {open_job.status}.", meta={"backfill": open_job.pk})
        job = BackfillJob.objects.create(total=candidates().count(), created_by=user)
        if enqueue:
            transaction.on_commit(lambda: _enqueue(job.pk))
    return job


def _enqueue(job_id: int) -> None:
    from ingest.tasks import run_backfill

    run_backfill.delay(job_id=job_id)


def _transition(job: BackfillJob, allowed: tuple[str, ...], to: str, **extra: Any) -> BackfillJob:
    updated = BackfillJob.objects.filter(pk=job.pk, status__in=allowed).update(status=to, **extra)
    if not updated:
        job.refresh_from_db()
        raise Conflict(f"This backfill is {job.status}.", meta={"status": job.status})
    job.refresh_from_db()
    return job


def pause_backfill(*, job: BackfillJob) -> BackfillJob:
    """Stop after the chunk in progress. Side effects: writes the job."""
    return _transition(job, (BackfillJob.Status.PENDING, BackfillJob.Status.RUNNING), BackfillJob.Status.PAUSED)


def resume_backfill(*, job: BackfillJob) -> BackfillJob:
    """Side effects: writes the job; enqueues the next chunk after commit."""
    with transaction.atomic():
        job = _transition(job, (BackfillJob.Status.PAUSED,), BackfillJob.Status.RUNNING, error_detail="")
        transaction.on_commit(lambda: _enqueue(job.pk))
    return job


def cancel_backfill(*, job: BackfillJob) -> BackfillJob:
    """Side effects: writes the job (what was filled in stays)."""
    return _transition(job, BackfillJob.Status.OPEN, BackfillJob.Status.CANCELLED, finished_at=timezone.now())


def run_backfill_chunk(*, job_id: int, chunk: int | None = None, enqueue_next: bool = True) -> ChunkOutcome:
    """Look up the next `chunk` (default CHUNK) tracks of a running backfill and fill in what was found.

    Side effects: Spotify calls; SpotifyLookup rows; Track updates; the job's cursor and counters (one conditional
    update on the cursor, so a chunk run twice counts once); enqueues the next chunk after commit (unless
    `enqueue_next` is false: the caller loops); on 429 parks the account.
    """
    BackfillJob.objects.filter(pk=job_id, status=BackfillJob.Status.PENDING).update(
        status=BackfillJob.Status.RUNNING, started_at=timezone.now()
    )
    job = BackfillJob.objects.filter(pk=job_id, status=BackfillJob.Status.RUNNING).select_related("created_by").first()
    if job is None or job.created_by is None:
        return ChunkOutcome()
    account = SpotifyAccount.objects.filter(user=job.created_by).first()
    try:
        if account is None:
            raise Conflict("Spotify is not connected.", meta={"reason": "not_connected"})
        _, client = client_for(user=job.created_by)
    except RateLimited as exc:
        return _waiting(job, float(exc.retry_after_s))
    except Conflict as exc:
        BackfillJob.objects.filter(pk=job.pk, status=BackfillJob.Status.RUNNING).update(
            status=BackfillJob.Status.FAILED, error_detail=exc.message, finished_at=timezone.now()
        )
        return ChunkOutcome()
    chunk = chunk or CHUNK
    tracks = list(candidates().filter(pk__gt=job.cursor).order_by("pk")[:chunk])
    ttl = timedelta(days=int(runtime.get("backfill.cache_ttl_days")))
    counts = {"matched": 0, "not_found": 0, "conflicts": 0, "errors": 0}
    conflicts: list[dict[str, Any]] = []
    cursor, wait = job.cursor, 0.0
    for track in tracks:
        try:
            found = _lookup(client, track, ttl)
        except spotify.SpotifyRateLimited as exc:
            wait = exc.retry_after_s or 5.0
            park(account=account, retry_after_s=wait)
            break
        except (spotify.SpotifyRejected, ClientError) as exc:
            logger.info("backfill %s: track %s: %s", job.pk, track.pk, exc)
            counts["errors"] += 1
        else:
            if found is None:
                counts["not_found"] += 1
            else:
                problems = _apply(track, found)
                conflicts.extend(problems)
                counts["conflicts" if problems else "matched"] += 1
        cursor = track.pk
    done = sum(counts.values())
    with transaction.atomic():
        advanced = BackfillJob.objects.filter(pk=job.pk, cursor=job.cursor).update(
            cursor=cursor, processed=F("processed") + done, matched=F("matched") + counts["matched"],
            not_found=F("not_found") + counts["not_found"], conflicts=F("conflicts") + counts["conflicts"],
            errors=F("errors") + counts["errors"], conflict_log=(job.conflict_log + conflicts)[:CONFLICTS_KEPT],
            error_detail="",
        )  # fmt: skip
        if not advanced:
            return ChunkOutcome()  # a twin of this chunk got there first
        if wait:
            return _waiting(job, wait)
        if len(tracks) < chunk:
            BackfillJob.objects.filter(pk=job.pk, status=BackfillJob.Status.RUNNING).update(
                status=BackfillJob.Status.COMPLETED, finished_at=timezone.now()
            )
            return ChunkOutcome()
        if BackfillJob.objects.filter(pk=job.pk, status=BackfillJob.Status.RUNNING).exists():
            if enqueue_next:
                transaction.on_commit(lambda: _enqueue(job.pk))
            return ChunkOutcome(more=True)
    return ChunkOutcome()


def _waiting(job: BackfillJob, seconds: float) -> ChunkOutcome:
    until = timezone.now() + timedelta(seconds=seconds)
    BackfillJob.objects.filter(pk=job.pk).update(error_detail=f"waiting for Spotify until {until:%Y-%m-%d %H:%M} UTC")
    return ChunkOutcome(wait_s=max(1.0, seconds))


def _normal(text: str) -> str:
    return " ".join(words(clean_title(text)))


def _as_json(track: spotify.Track) -> dict[str, Any]:
    return {
        "id": track.id, "name": track.name, "artists": [a.name for a in track.artists],
        "album": track.album.name if track.album else "", "duration_ms": track.duration_ms, "isrc": track.isrc,
    }  # fmt: skip


def _search(client: spotify.SpotifyClient, key: str, query: str, ttl: timedelta) -> list[dict[str, Any]]:
    """Search results through the cache; an empty list is a cached miss."""
    fresh = SpotifyLookup.objects.filter(key=key[:700], fetched_at__gte=timezone.now() - ttl).first()
    if fresh is not None:
        return list(fresh.result or [])
    results = [_as_json(t) for t in client.search_tracks(query, limit=SEARCH_LIMIT) if t.id]
    SpotifyLookup.objects.update_or_create(
        key=key[:700], defaults={"result": results or None, "fetched_at": timezone.now()}
    )
    return results


def _quoted(value: str) -> str:
    return '"' + value.replace('"', " ").strip() + '"'


def _lookup(client: spotify.SpotifyClient, track: Track, ttl: timedelta) -> dict[str, Any] | None:
    if track.isrc:
        hits = _search(client, f"isrc:{track.isrc}", f"isrc:{track.isrc}", ttl)
        exact = [hit for hit in hits if (hit.get("isrc") or "").upper() == track.isrc.upper()]
        if exact:
            return exact[0]
    key = f"track:{_normal(track.artist)}\x1f{_normal(track.title)}"
    hits = _search(client, key, f"track:{_quoted(track.title)} artist:{_quoted(track.artist)}", ttl)
    return next((hit for hit in hits if accepts(track, hit)), None)


def accepts(track: Track, hit: dict[str, Any]) -> bool:
    """A search result is this track when the normalised title and one of its artists match ours closely, and
    (when we know our length) its length is within two seconds."""
    if fuzz.ratio(_normal(track.title), _normal(str(hit.get("name") or ""))) < NAME_SIMILARITY:
        return False
    ours = _normal(track.artist)
    if not any(fuzz.ratio(ours, _normal(str(name))) >= NAME_SIMILARITY for name in hit.get("artists") or []):
        return False
    duration_ms = hit.get("duration_ms")
    if track.duration_s and isinstance(duration_ms, int):
        return abs(track.duration_s - duration_ms / 1000) <= DURATION_TOLERANCE_S
    return True


def _apply(track: Track, hit: dict[str, Any]) -> list[dict[str, Any]]:
    """Fill in what the track lacks; returns the conflicts (empty when everything was applied)."""
    spotify_id = str(hit.get("id") or "")
    isrc = str(hit.get("isrc") or "")
    problems: list[dict[str, Any]] = []
    other = Track.objects.filter(spotify_id=spotify_id).exclude(pk=track.pk).values_list("pk", flat=True).first()
    if other is not None:
        return [{"track": track.pk, "field": "spotify_id", "value": spotify_id, "other_track": other}]
    changes: dict[str, Any] = {"spotify_id": spotify_id}
    if isrc and not track.isrc:
        owner = Track.objects.filter(isrc=isrc).exclude(pk=track.pk).values_list("pk", flat=True).first()
        if owner is None:
            changes["isrc"] = isrc
        else:
            problems.append({"track": track.pk, "field": "isrc", "value": isrc, "other_track": owner})
    if track.duration_s is None and isinstance(hit.get("duration_ms"), int):
        changes["duration_s"] = hit["duration_ms"] / 1000
    if not track.album and hit.get("album"):
        changes["album"] = str(hit["album"])[:500]
    try:
        with transaction.atomic():
            Track.objects.filter(pk=track.pk, spotify_id="").update(**changes, updated_at=timezone.now())
    except IntegrityError:  # a concurrent write took the id or the ISRC
        return [{"track": track.pk, "field": "spotify_id", "value": spotify_id, "other_track": None}]
    return problems
