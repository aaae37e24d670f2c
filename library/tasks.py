"""Thin Celery entry points of the library app; the work is in library.services."""

from __future__ import annotations

from celery import shared_task

from library.services import transfers


@shared_task(name="library.poll_downloads", ignore_result=True)
def poll_downloads() -> None:
    """Beat: advance every download in flight (transfers, timers, verification)."""
    transfers.poll_downloads()
