"""Thin Celery entry points of the finishing app; the work is in media_enrich.services."""

from __future__ import annotations

import logging

from celery import shared_task

from media_enrich.models import LibraryFile
from media_enrich.services import finishing

logger = logging.getLogger(__name__)


@shared_task(name="media_enrich.finish_file", ignore_result=True, acks_late=True)
def finish_file(*, library_file_id: int, from_step: str = "", forced: list[str] | None = None) -> None:
    """Finish one library file (all its pending steps, or one step again and those after it). Safe to repeat:
    the file is claimed by a conditional update."""
    if not LibraryFile.objects.filter(pk=library_file_id, status=LibraryFile.Status.PENDING).exists():
        logger.info("library file %s is not pending; nothing to do", library_file_id)
        return
    finishing.finish_file(library_file_id=library_file_id, from_step=from_step, forced=tuple(forced or ()))
