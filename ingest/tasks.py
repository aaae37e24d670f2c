"""Thin Celery entry points of the ingest app; the work is in ingest.services."""

from __future__ import annotations

import logging

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
