"""Tasks of the hub itself (not of one app)."""

from __future__ import annotations

import os
import socket

from celery import shared_task

from harmony import health


@shared_task(name="harmony.heartbeat", ignore_result=True)
def heartbeat() -> None:
    """Beat sends this every HARMONY_HEARTBEAT_INTERVAL seconds; its arrival shows that worker and beat run."""
    health.record_worker_heartbeat(hostname=socket.gethostname(), pid=os.getpid())
