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
