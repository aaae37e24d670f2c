"""Background work runs in a separate worker process: over real Redis, and over the embedded filesystem broker."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.core.cache import cache

from harmony import health
from harmony.celery import app as celery_app
from harmony.tasks import heartbeat
from tests.helpers import REPO_ROOT, child_env, run_python


def _start_worker(env: dict[str, str], queue: str, log: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "harmony",
            "worker",
            "--pool",
            "solo",
            "-Q",
            queue,
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            "-l",
            "INFO",
        ],
        cwd=REPO_ROOT,
        env=env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )


def _stop(worker: subprocess.Popen[bytes]) -> None:
    worker.terminate()
    try:
        worker.wait(15)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait(5)


def test_celery_defaults_suit_tasks_that_are_safe_to_repeat():
    assert celery_app.conf.task_acks_late is True
    assert celery_app.conf.worker_prefetch_multiplier == 1
    assert celery_app.conf.task_reject_on_worker_lost is True
    assert "harmony-heartbeat" in celery_app.conf.beat_schedule


@pytest.mark.integration
def test_task_enqueued_here_runs_in_a_separate_worker_over_redis(tmp_path):
    queue = f"test-{uuid.uuid4().hex[:8]}"
    cache.delete(health.WORKER_HEARTBEAT_KEY)
    env = child_env(tmp_path, REDIS_URL=os.environ["REDIS_URL"], DATABASE_URL=os.environ["DATABASE_URL"])
    worker = _start_worker(env, queue, tmp_path / "worker.log")
    try:
        heartbeat.apply_async(queue=queue)
        deadline = time.monotonic() + 60
        beat = None
        while beat is None and time.monotonic() < deadline and worker.poll() is None:
            time.sleep(0.2)
            beat = cache.get(health.WORKER_HEARTBEAT_KEY)
    finally:
        _stop(worker)

    assert beat is not None, (tmp_path / "worker.log").read_text()[-3000:]
    assert beat["pid"] == worker.pid
    assert beat["pid"] != os.getpid()


def test_task_enqueued_by_one_process_runs_in_a_worker_over_the_filesystem_broker(tmp_path):
    env = child_env(tmp_path)
    enqueue = run_python(
        "import django; django.setup()\nfrom harmony.tasks import heartbeat\nheartbeat.delay()\nprint('sent')", env
    )
    assert enqueue.returncode == 0, enqueue.stderr
    assert list((tmp_path / "broker" / "queue").iterdir()), "the message should wait in the broker folder"

    worker = _start_worker(env, "celery", tmp_path / "worker.log")
    read_status = "import django; django.setup()\nfrom harmony.health import worker_status\nprint(worker_status().ok)"
    try:
        deadline = time.monotonic() + 60
        ok = False
        while not ok and time.monotonic() < deadline and worker.poll() is None:
            time.sleep(0.5)
            ok = run_python(read_status, env).stdout.strip().endswith("True")
    finally:
        _stop(worker)

    assert ok, (tmp_path / "worker.log").read_text()[-3000:]
    assert not list((tmp_path / "broker" / "queue").iterdir()), "the worker should have taken the message"
