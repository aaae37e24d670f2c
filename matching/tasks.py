"""Thin Celery entry points of the matching app; the work is in matching.services."""

from __future__ import annotations

from celery import shared_task

from matching import services


@shared_task(name="matching.poll_searches", ignore_result=True)
def poll_searches() -> None:
    """Beat (and after a new want): advance running searches and start the due ones within the throttle."""
    services.poll_searches()
