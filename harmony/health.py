"""Health of Harmony and what it depends on, for `/api/v1/ready` and the dashboard's home page.

Every check runs in its own thread with a deadline, so one hung dependency cannot hang the answer.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

import redis
from django.conf import settings
from django.core.cache import cache
from django.db import connections
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from harmony.clients import slskd
from harmony.clients.http import ClientError, ServiceSession

logger = logging.getLogger(__name__)

WORKER_HEARTBEAT_KEY = "harmony:worker-heartbeat"


@dataclass(frozen=True, slots=True)
class CheckResult:
    name: str
    ok: bool
    detail: str
    duration_ms: float = 0.0
    configured: bool = True

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


class CheckFailed(Exception):
    pass


def _database() -> str:
    try:
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT 1")
        return f"{connections['default'].vendor} reachable"
    finally:
        connections.close_all()


def _migrations() -> str:
    try:
        executor = MigrationExecutor(connections["default"])
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    finally:
        connections.close_all()
    if pending:
        names = ", ".join(f"{m.app_label}.{m.name}" for m, _ in pending[:5])
        raise CheckFailed(f"{len(pending)} migration(s) not applied (run `manage.py migrate`): {names}")
    return "all applied"


def _redis(timeout: float) -> str:
    where = _redis_location(settings.REDIS_URL)
    client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=timeout, socket_timeout=timeout)
    try:
        client.ping()
    except redis.RedisError as exc:
        raise CheckFailed(f"Redis at {where}: {exc.__class__.__name__}: {exc}") from exc
    finally:
        client.close()
    return f"Redis at {where} answers"


def _filesystem_broker() -> str:
    queue = Path(str(settings.CELERY_BROKER_TRANSPORT_OPTIONS["data_folder_in"]))
    if not queue.is_dir():
        raise CheckFailed(f"broker folder {queue} is missing")
    return f"filesystem queue in {queue}"


def _slskd(timeout: float) -> str:
    try:
        state = slskd.from_settings(timeout=timeout).server_state()
    except ClientError as exc:
        raise CheckFailed(str(exc)) from exc
    if not (state.is_connected and state.is_logged_in):
        raise CheckFailed(f"slskd is not logged in to Soulseek (state: {state.state})")
    return f"logged in ({state.state})"


def _searching() -> str:
    from matching.throttle import current_pause, slots_used

    try:
        pause = current_pause()
        used = slots_used()
    finally:
        connections.close_all()
    if pause is not None:
        raise CheckFailed(f"searching paused until {pause.until:%Y-%m-%d %H:%M} UTC ({pause.reason}): {pause.detail}")
    return f"{used} searches in the current window"


def _spotify(timeout: float) -> str:
    session = ServiceSession(
        service="spotify",
        base_url=settings.SPOTIFY_ACCOUNTS_URL,
        timeout=timeout,
        user_agent=settings.HARMONY_HTTP_USER_AGENT,
        retries=0,
    )
    try:
        response = session.get("/")
    except ClientError as exc:
        raise CheckFailed(str(exc)) from exc
    finally:
        session.close()
    if response.status_code >= 500:
        raise CheckFailed(f"Spotify accounts service answered {response.status_code}")
    return "accounts service reachable"


def _redis_location(url: str) -> str:
    parts = urlsplit(url)  # never the password
    return f"{parts.hostname}:{parts.port or 6379}{parts.path or ''}"


def readiness_checks() -> dict[str, Callable[[], str]]:
    """What `/api/v1/ready` needs to be true. External services only when configured."""
    timeout = settings.HARMONY_READY_CHECK_TIMEOUT
    checks: dict[str, Callable[[], str]] = {"database": _database, "migrations": _migrations}
    if settings.REDIS_URL:
        checks["redis"] = lambda: _redis(timeout)
    else:
        checks["broker"] = _filesystem_broker
    if settings.SLSKD_URL:
        checks["slskd"] = lambda: _slskd(timeout)
        checks["searching"] = _searching
    if settings.SPOTIFY_CLIENT_ID:
        checks["spotify"] = lambda: _spotify(timeout)
    return checks


def run_checks(checks: dict[str, Callable[[], str]], *, timeout: float) -> list[CheckResult]:
    """Run all checks at once; a check still running after `timeout` seconds fails as timed out."""
    executor = ThreadPoolExecutor(max_workers=max(1, len(checks)), thread_name_prefix="health")
    started = time.monotonic()
    futures = {name: executor.submit(_timed, name, check) for name, check in checks.items()}
    wait(futures.values(), timeout=timeout)
    executor.shutdown(wait=False, cancel_futures=True)
    results = []
    for name, future in futures.items():
        if future.done():
            results.append(future.result())
        else:
            elapsed = round((time.monotonic() - started) * 1000, 1)
            results.append(CheckResult(name, False, f"timed out after {timeout:g} s", elapsed))
    return results


def _timed(name: str, check: Callable[[], str]) -> CheckResult:
    started = time.monotonic()
    try:
        detail, ok = check(), True
    except CheckFailed as exc:
        detail, ok = str(exc), False
    except Exception as exc:  # a check must report, never raise: any failure is "not ready"
        logger.warning("health check %s failed", name, exc_info=True)
        detail, ok = f"{exc.__class__.__name__}: {exc}", False
    return CheckResult(name, ok, detail, round((time.monotonic() - started) * 1000, 1))


def readiness() -> list[CheckResult]:
    # The per-check deadline plus a little for thread start-up.
    return run_checks(readiness_checks(), timeout=settings.HARMONY_READY_CHECK_TIMEOUT + 0.5)


def record_worker_heartbeat(*, hostname: str, pid: int) -> None:
    """Side effects: writes the heartbeat to the shared cache."""
    cache.set(
        WORKER_HEARTBEAT_KEY,
        {"at": timezone.now().isoformat(), "hostname": hostname, "pid": pid},
        timeout=settings.HARMONY_HEARTBEAT_INTERVAL * 20,
    )


def worker_status() -> CheckResult:
    beat = cache.get(WORKER_HEARTBEAT_KEY)
    if not beat:
        return CheckResult("worker", False, "no heartbeat yet: is `celery -A harmony worker` (and beat) running?")
    age = (timezone.now() - datetime.fromisoformat(beat["at"])).total_seconds()
    ok = age <= settings.HARMONY_HEARTBEAT_INTERVAL * 3
    return CheckResult("worker", ok, f"last heartbeat {age:.0f} s ago from {beat['hostname']}")


def dashboard_status() -> list[CheckResult]:
    """DB, broker, worker, slskd and Spotify for the home page; unconfigured services say so."""
    results = {r.name: r for r in readiness()}
    try:
        results["worker"] = worker_status()
    except Exception as exc:  # the cache is the broker's Redis: its failure is already reported above
        results["worker"] = CheckResult("worker", False, f"cannot read heartbeat: {exc.__class__.__name__}")
    if "slskd" not in results:
        results["slskd"] = CheckResult(
            "slskd", False, "not configured (set SLSKD_URL and SLSKD_API_KEY)", configured=False
        )
    if "spotify" not in results:
        results["spotify"] = CheckResult("spotify", False, "not configured: FREE mode (imports only)", configured=False)
    order = ["database", "migrations", "redis", "broker", "worker", "slskd", "searching", "spotify"]
    return [results[name] for name in order if name in results]
