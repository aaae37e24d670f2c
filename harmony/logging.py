"""Log context: the request id (or Celery task id) carried on every line, and secrets kept out of lines."""

from __future__ import annotations

import logging
import re
from contextvars import ContextVar

request_id_var: ContextVar[str] = ContextVar("request_id", default="-")
task_id_var: ContextVar[str] = ContextVar("task_id", default="-")

# API keys look like `hmy_<prefix>_<secret>`; whatever logs one by accident keeps only the visible prefix.
_API_KEY_RE = re.compile(r"\b(hmy_[A-Za-z0-9]{8})_[A-Za-z0-9_-]{16,}")


def redact(text: str) -> str:
    return _API_KEY_RE.sub(r"\1_***", text)


class ContextFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        record.task_id = task_id_var.get()
        if isinstance(record.msg, str) and "hmy_" in record.msg:
            record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        elif isinstance(record.args, dict):
            record.args = {k: redact(v) if isinstance(v, str) else v for k, v in record.args.items()}
        return True
