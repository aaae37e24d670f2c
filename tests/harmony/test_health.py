"""Liveness and readiness: /api/v1/health never does I/O; /api/v1/ready names what failed and never hangs."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Iterator

import pytest

from harmony import __version__, health
from tests.helpers import child_env, run_manage, run_python

pytestmark = pytest.mark.django_db


@pytest.fixture
def silent_server() -> Iterator[str]:
    """A TCP server on loopback that accepts connections and never answers."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"127.0.0.1:{listener.getsockname()[1]}"
    stop.set()
    thread.join()
    for conn in accepted:
        conn.close()
    listener.close()


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_health_answers_without_credentials_or_io(api_client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = api_client.get("/api/v1/health")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["version"] == __version__
    assert body["uptime_s"] >= 0


def test_ready_is_200_when_everything_answers(api_client, settings):
    response = api_client.get("/api/v1/ready")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ready"
    assert set(body["checks"]) == {"database", "migrations", "redis" if settings.REDIS_URL else "broker"}
    assert all(check["ok"] for check in body["checks"].values())


def test_ready_is_503_naming_redis_when_redis_does_not_answer(api_client, settings):
    settings.REDIS_URL = f"redis://127.0.0.1:{_closed_port()}/0"

    response = api_client.get("/api/v1/ready")

    assert response.status_code == 503
    error = response.json()["error"]
    assert error["code"] == "DEPENDENCY_ERROR"
    assert error["meta"]["failed"] == ["redis"]
    assert error["message"].startswith("Not ready: redis (Redis at 127.0.0.1:")
    assert error["meta"]["checks"]["database"]["ok"] is True


def test_ready_never_shows_the_redis_password(api_client, settings):
    settings.REDIS_URL = f"redis://:hunter2-secret@127.0.0.1:{_closed_port()}/0"

    response = api_client.get("/api/v1/ready")

    assert response.status_code == 503
    assert "hunter2" not in response.content.decode()


def test_ready_is_503_naming_migrations_when_one_is_not_applied(api_client, settings):
    settings.MIGRATION_MODULES = {"watchlist": "tests.harmony.pending_migrations"}

    response = api_client.get("/api/v1/ready")

    assert response.status_code == 503
    error = response.json()["error"]
    assert error["meta"]["failed"] == ["migrations"]
    assert "watchlist.0001_pending" in error["message"]


def test_ready_is_503_naming_slskd_when_it_is_configured_and_down(api_client, settings):
    settings.SLSKD_URL = f"http://127.0.0.1:{_closed_port()}"

    response = api_client.get("/api/v1/ready")

    assert response.status_code == 503
    assert response.json()["error"]["meta"]["failed"] == ["slskd"]
    assert "connection refused" in response.json()["error"]["message"]


def test_ready_is_503_naming_spotify_when_it_is_configured_and_down(api_client, settings):
    settings.SPOTIFY_CLIENT_ID = "abc"
    settings.SPOTIFY_ACCOUNTS_URL = f"http://127.0.0.1:{_closed_port()}"

    response = api_client.get("/api/v1/ready")

    assert response.status_code == 503
    assert response.json()["error"]["meta"]["failed"] == ["spotify"]


def test_ready_does_not_hang_on_a_service_that_never_answers(api_client, settings, silent_server):
    settings.SLSKD_URL = f"http://{silent_server}"
    settings.REDIS_URL = f"redis://{silent_server}/0"
    settings.HARMONY_READY_CHECK_TIMEOUT = 1.0

    started = time.monotonic()
    response = api_client.get("/api/v1/ready")
    elapsed = time.monotonic() - started

    assert response.status_code == 503
    checks = response.json()["error"]["meta"]["checks"]
    assert checks["redis"]["ok"] is False
    assert checks["slskd"]["ok"] is False
    assert "timed out" in checks["slskd"]["detail"]
    assert elapsed < 5


def test_run_checks_fails_a_check_that_outlives_its_deadline():
    release = threading.Event()

    def stuck() -> str:
        release.wait(10)
        return "late"

    results = health.run_checks({"stuck": stuck, "quick": lambda: "fine"}, timeout=0.2)
    release.set()

    by_name = {r.name: r for r in results}
    assert by_name["quick"].ok is True
    assert by_name["stuck"].ok is False
    assert by_name["stuck"].detail == "timed out after 0.2 s"


def test_a_check_that_raises_anything_reports_instead_of_raising():
    def broken() -> str:
        raise KeyError("surprise")

    (result,) = health.run_checks({"broken": broken}, timeout=1)

    assert result.ok is False
    assert result.detail == "KeyError: 'surprise'"


def test_ready_is_503_naming_the_database_when_it_is_down(tmp_path):
    env = child_env(tmp_path, DATABASE_URL=f"postgresql://harmony@127.0.0.1:{_closed_port()}/harmony")
    code = (
        "import django, json; django.setup()\n"
        "from django.test import Client\n"
        "r = Client(HTTP_HOST='localhost').get('/api/v1/ready')\n"
        "print(json.dumps({'status': r.status_code, 'body': r.json()}))"
    )

    result = run_python(code, env)

    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout.strip().splitlines()[-1])
    assert answer["status"] == 503
    assert set(answer["body"]["error"]["meta"]["failed"]) == {"database", "migrations"}


def test_worker_status_reports_the_heartbeat(settings):
    from harmony.tasks import heartbeat

    assert health.worker_status().ok is False

    heartbeat.delay()

    status = health.worker_status()
    assert status.ok is True
    assert status.detail.startswith("last heartbeat 0 s ago from ")


@pytest.mark.integration
@pytest.mark.skipif(shutil.which("redis-server") is None, reason="needs the redis-server binary")
def test_ready_turns_503_naming_redis_when_a_real_redis_stops(api_client, settings, tmp_path):
    port = _closed_port()
    server = subprocess.Popen(
        [
            "redis-server",
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(tmp_path),
        ],
        stdout=subprocess.DEVNULL,
    )
    try:
        settings.REDIS_URL = f"redis://127.0.0.1:{port}/0"
        deadline = time.monotonic() + 10
        while api_client.get("/api/v1/ready").status_code != 200 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert api_client.get("/api/v1/ready").status_code == 200
    finally:
        server.terminate()
        server.wait(10)

    response = api_client.get("/api/v1/ready")

    assert response.status_code == 503
    assert response.json()["error"]["meta"]["failed"] == ["redis"]


def test_manage_check_passes_on_the_embedded_defaults(tmp_path):
    result = run_manage("check", env=child_env(tmp_path))

    assert result.returncode == 0, result.stderr
