"""Import benchmark: a 10,000-line pasted playlist through the API.

    python benchmarks/import_bench.py [--lines 10000]

On a fresh SQLite database in a temporary data dir (or on DATABASE_URL when set), prints:
  accept_s    POST /api/v1/imports/ until its 202 (parse, validation, the job and every item written)
  process_s   resolving every item into wanted tracks (the worker's part; progress moves per 1,000 items)
  queries     database queries the processing took
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lines", type=int, default=10_000)
    args = parser.parse_args()
    os.environ.setdefault("HARMONY_DATA_DIR", tempfile.mkdtemp(prefix="harmony-import-bench-"))
    os.environ.pop("REDIS_URL", None)
    os.environ.update({"DJANGO_SETTINGS_MODULE": "harmony.settings", "HARMONY_LOG_LEVEL": "WARNING"})
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from rest_framework.test import APIClient

    from harmony.celery import app as celery_app
    from ingest import services
    from ingest.models import ImportJob
    from library.services.api_keys import create_api_key

    call_command("migrate", verbosity=0)
    from django.contrib.auth.models import User

    user, _ = User.objects.get_or_create(username="bench")
    _, key = create_api_key(user=user, name="bench")
    celery_app.conf.task_always_eager = False  # measure acceptance alone; the worker's part is timed below
    text = "".join(f"Artist {n % 700:03d} - Song {n:05d} (Take {n % 3})\n" for n in range(args.lines))

    client = APIClient(HTTP_HOST="localhost")
    client.credentials(HTTP_X_API_KEY=key)
    started = time.perf_counter()
    response = client.post("/api/v1/imports/", {"text": text}, format="json")
    accept = time.perf_counter() - started
    job_id = response.json()["job"]["id"]

    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        services.process_import(job_id=job_id)
        process = time.perf_counter() - started
    job = ImportJob.objects.get(pk=job_id)
    print(f"lines: {args.lines}")
    print(f"database: {connection.vendor}")
    print(f"status: {response.status_code}")
    print(f"accept_s: {accept:.2f}")
    print(f"process_s: {process:.2f}")
    print(f"queries: {len(queries.captured_queries)}")
    print(f"queued: {job.queued} skipped: {job.skipped}")


if __name__ == "__main__":
    main()
