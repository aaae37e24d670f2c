"""The Celery app: `celery -A harmony worker` and `celery -A harmony beat` (django-celery-beat's scheduler)."""

from __future__ import annotations

import os
from typing import Any

from celery import Celery
from celery.signals import before_task_publish, task_postrun, task_prerun

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "harmony.settings")

app = Celery("harmony")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
app.conf.include = ["harmony.tasks"]

_context_tokens: dict[str, Any] = {}


@before_task_publish.connect
def _carry_request_id(headers: dict[str, Any] | None = None, **_: Any) -> None:
    """The request id of the web request (or task) that enqueued a task goes along with it, for the logs."""
    from harmony.logging import request_id_var

    if headers is not None and "request_id" not in headers:
        headers["request_id"] = request_id_var.get()


@task_prerun.connect
def _set_log_context(task_id: str = "", task: Any = None, **_: Any) -> None:
    from harmony.logging import request_id_var, task_id_var

    request_id = getattr(task.request, "request_id", None) if task is not None else None
    _context_tokens[task_id] = (request_id_var.set(request_id or "-"), task_id_var.set(task_id))


@task_postrun.connect
def _clear_log_context(task_id: str = "", **_: Any) -> None:
    from harmony.logging import request_id_var, task_id_var

    tokens = _context_tokens.pop(task_id, None)
    if tokens:
        request_token, task_token = tokens
        request_id_var.reset(request_token)
        task_id_var.reset(task_token)
