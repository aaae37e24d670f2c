"""Sealed by default: only loopback connections (pytest-socket, see pyproject addopts), data roots in tmp_path,
Celery eager, a per-test memory cache. Tests marked `integration` talk to the real PostgreSQL / Redis / worker
processes configured by DATABASE_URL / REDIS_URL and are skipped without them."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from emulators.base import EmulatorApp, RunningEmulator, serve_in_thread
from harmony.celery import app as celery_app
from tests.factories import ApiKeyFactory, UserFactory

REPO_ROOT = Path(__file__).resolve().parent.parent

# The emulators' servers log every request; in tests that drowns the lines that explain a failure.
logging.getLogger("werkzeug").setLevel(logging.WARNING)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    missing = [name for name in ("DATABASE_URL", "REDIS_URL") if not os.environ.get(name)]
    if not missing:
        return
    skip = pytest.mark.skip(reason=f"integration test: set {' and '.join(missing)} to run it")
    for item in items:
        if "integration" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def harmony_roots(settings, tmp_path: Path) -> dict[str, Path]:
    roots = {
        "HARMONY_DATA_DIR": tmp_path / "data",
        "HARMONY_MUSIC_DIR": tmp_path / "music",
        "HARMONY_DOWNLOADS_DIR": tmp_path / "downloads",
    }
    for name, path in roots.items():
        path.mkdir()
        setattr(settings, name, path)
    # A completed download stays in the downloads folder unless a test finishes it (tests/media_enrich).
    settings.HARMONY_FINISHING = False
    # Metadata services answer only where a test starts their emulator; elsewhere a closed loopback port.
    for name in ("HARMONY_MUSICBRAINZ_URL", "HARMONY_COVERART_URL", "HARMONY_LRCLIB_URL"):
        setattr(settings, name, "http://127.0.0.1:9")
    return roots


@pytest.fixture(autouse=True)
def isolated_cache(request: pytest.FixtureRequest, settings) -> Iterator[None]:
    """A fresh in-memory cache per test; integration tests keep the real (Redis) one."""
    if request.node.get_closest_marker("integration") is None:
        settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    yield
    if request.node.get_closest_marker("integration") is None:
        cache.clear()


@pytest.fixture(autouse=True)
def fresh_search_ledger(settings) -> Iterator[None]:
    """With Redis configured the search throttle's ledger lives there, shared by every test: empty it per test."""
    if not settings.REDIS_URL:
        yield
        return
    import redis

    from matching.throttle import REDIS_KEY

    client = redis.Redis.from_url(settings.REDIS_URL)
    client.delete(REDIS_KEY)
    yield
    client.delete(REDIS_KEY)
    client.close()


@pytest.fixture(autouse=True)
def eager_celery(request: pytest.FixtureRequest) -> Iterator[None]:
    if request.node.get_closest_marker("integration") is not None:
        yield
        return
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True
    yield
    celery_app.conf.task_always_eager = False


@pytest.fixture
def user(db):
    return UserFactory()


@pytest.fixture
def admin_user(db):
    return UserFactory(is_staff=True, is_superuser=True)


@pytest.fixture
def api_key(user) -> str:
    """A raw API key of `user`."""
    return ApiKeyFactory(user=user).raw_key


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture
def authed_client(api_key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_X_API_KEY=api_key)
    return client


@pytest.fixture
def emulator() -> Iterator[Callable[[EmulatorApp], RunningEmulator]]:
    """Start emulator apps as real HTTP servers on loopback; all stop when the test ends."""
    running: list[RunningEmulator] = []

    def start(app: EmulatorApp) -> RunningEmulator:
        server = serve_in_thread(app)
        running.append(server)
        return server

    yield start
    for server in running:
        server.stop()
        close = getattr(server.app, "close", None)
        if close is not None:  # emulators with timers of their own (slskd's file deliveries) stop them here
            close()
