"""Thin Celery entry points of the ingest app; the work is in ingest.services."""

from __future__ import annotations

import logging
from typing import Any

from celery import shared_task

from ingest import services
from ingest.models import ImportJob

logger = logging.getLogger(__name__)


@shared_task(name="ingest.process_import", ignore_result=True, acks_late=True)
def process_import(*, job_id: int) -> None:
    """Resolve a pending import; safe to repeat (the job is claimed by a conditional update)."""
    if not ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.PENDING).exists():
        logger.info("import %s is not pending; nothing to do", job_id)
        return
    services.process_import(job_id=job_id)


@shared_task(name="ingest.fetch_spotify_import", bind=True, ignore_result=True, acks_late=True)
def fetch_spotify_import(self: Any, *, job_id: int) -> None:
    """Read a Spotify playlist (or Liked Songs) into a pending import. A 429 reschedules this task for after
    Spotify's Retry-After instead of blocking the worker."""
    from ingest.services import spotify

    wait = spotify.fetch_import(job_id=job_id)
    if wait and not self.request.is_eager:
        self.apply_async(kwargs={"job_id": job_id}, countdown=wait)


@shared_task(name="ingest.import_followed_artists", bind=True, ignore_result=True, acks_late=True)
def import_followed_artists(self: Any, *, user_id: int) -> None:
    """Add the artists a user follows on Spotify to the watchlist; safe to repeat. A 429 reschedules this task."""
    from ingest.services import followed

    outcome = followed.import_followed_artists(user_id=user_id)
    if outcome.error:
        logger.warning("followed artists of user %s: %s", user_id, outcome.error)
    if outcome.wait_s and not self.request.is_eager:
        self.apply_async(kwargs={"user_id": user_id}, countdown=outcome.wait_s)


@shared_task(name="ingest.sync_playlists", ignore_result=True)
def sync_playlists() -> None:
    """Beat: enqueue a sync of each mirrored playlist that is due (one query when none is)."""
    from ingest.services import mirrors

    mirrors.dispatch_due_mirrors()


@shared_task(name="ingest.sync_playlist", ignore_result=True, acks_late=True)
def sync_playlist(*, mirror_id: int) -> None:
    """Sync one mirrored playlist; safe to repeat (the mirror is claimed by a conditional update). A 429 moves the
    mirror's next sync past Spotify's Retry-After; the beat picks it up then."""
    from ingest.services import mirrors

    outcome = mirrors.sync_mirror(mirror_id=mirror_id)
    if outcome is None:
        logger.info("mirror %s is not due; nothing to do", mirror_id)


@shared_task(name="ingest.run_backfill", bind=True, ignore_result=True, acks_late=True)
def run_backfill(self: Any, *, job_id: int) -> None:
    """One chunk of a running backfill; the service enqueues the next. A 429 reschedules this chunk after
    Spotify's Retry-After instead of blocking the worker."""
    from ingest.services import backfill

    outcome = backfill.run_backfill_chunk(job_id=job_id)
    if outcome.wait_s and not self.request.is_eager:
        self.apply_async(kwargs={"job_id": job_id}, countdown=outcome.wait_s)


@shared_task(name="ingest.expand_links", bind=True, ignore_result=True, acks_late=True)
def expand_links(self: Any, *, job_id: int) -> None:
    """Read the Spotify links a FREE import skipped into a follow-up import; safe to repeat (a link already read
    says so). A 429 reschedules this task after Spotify's Retry-After."""
    from ingest.services import links

    wait = links.expand_links(job_id=job_id)
    if wait and not self.request.is_eager:
        self.apply_async(kwargs={"job_id": job_id}, countdown=wait)
