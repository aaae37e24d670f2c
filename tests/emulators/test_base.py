"""The emulator base serves a werkzeug app as a real HTTP server: in a thread, or as its own process."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
import requests

from emulators.base import serve_in_thread
from emulators.echo import EchoEmulator
from tests.helpers import REPO_ROOT


def test_thread_server_answers_real_http(emulator):
    server = emulator(EchoEmulator())

    response = requests.get(f"{server.url}/ping", timeout=5)

    assert response.status_code == 200
    assert response.json() == {"pong": True}
    assert server.url.startswith("http://127.0.0.1:")


def test_routes_methods_and_state(emulator):
    server = emulator(EchoEmulator())

    created = requests.post(f"{server.url}/notes", json={"text": "hello"}, timeout=5)
    fetched = requests.get(f"{server.url}/notes/{created.json()['id']}", timeout=5)
    bad = requests.post(f"{server.url}/notes", json={"txt": 1}, timeout=5)

    assert created.status_code == 201
    assert fetched.json() == {"id": 1, "text": "hello"}
    assert bad.status_code == 400


def test_unknown_route_and_wrong_method_use_the_apps_error_answers(emulator):
    server = emulator(EchoEmulator())

    missing = requests.get(f"{server.url}/nowhere", timeout=5)
    wrong = requests.delete(f"{server.url}/ping", timeout=5)

    assert missing.status_code == 404
    assert missing.json() == {"error": "not found"}
    assert wrong.status_code == 405
    assert "GET" in wrong.headers["Allow"]


def test_stop_frees_the_port():
    server = serve_in_thread(EchoEmulator())
    url = server.url
    server.stop()

    with pytest.raises(requests.ConnectionError):
        requests.get(f"{url}/ping", timeout=2)


@pytest.mark.parametrize("host", ["0.0.0.0", "10.0.0.1"])  # noqa: S104 - the point is that it is refused
def test_emulators_refuse_to_listen_beyond_loopback(host):
    with pytest.raises(ValueError, match="loopback only"):
        serve_in_thread(EchoEmulator(), host=host)


def test_process_mode_serves_until_terminated():
    process = subprocess.Popen(
        [sys.executable, "-m", "emulators", "echo", "--port", "0"],
        cwd=REPO_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        line = process.stdout.readline()
        url = line.strip().rsplit(" ", 1)[-1]
        response = requests.post(f"{url}/echo", json={"a": 1}, timeout=5)
    finally:
        process.terminate()
        process.wait(10)

    assert line.startswith("emulator echo listening on http://127.0.0.1:")
    assert response.json() == {"method": "POST", "json": {"a": 1}}


def test_demo_runner_starts_nothing_for_a_configured_service(monkeypatch):
    from emulators import __main__ as cli
    from emulators.registry import Service

    demo = Service("echo-demo", lambda args: EchoEmulator(), "demo echo", demo=True, configured_by=("ECHO_URL",),
                   demo_env={"ECHO_URL": "{url}"})  # fmt: skip
    monkeypatch.setattr(cli, "SERVICES", {"echo-demo": demo})
    monkeypatch.setenv("ECHO_URL", "http://configured.example")
    lines: list[str] = []
    monkeypatch.setattr("builtins.print", lambda text, **_: lines.append(text))

    cli.run_demo()

    assert lines == ["{}"]


def test_demo_process_points_harmony_at_the_emulators_it_started(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "SLSKD_URL"}
    env["HARMONY_DOWNLOADS_DIR"] = str(tmp_path)
    process = subprocess.Popen(
        [sys.executable, "-m", "emulators", "demo"], cwd=REPO_ROOT, env=env, stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL, text=True,
    )  # fmt: skip
    try:
        demo_env = json.loads(process.stdout.readline())
        version = requests.get(
            f"{demo_env['SLSKD_URL']}/api/v0/application/version",
            headers={"X-API-Key": demo_env["SLSKD_API_KEY"]}, timeout=5,
        )  # fmt: skip
    finally:
        process.terminate()
        process.wait(10)

    expected = {"SLSKD_URL", "SLSKD_API_KEY", "SPOTIFY_CLIENT_ID", "SPOTIFY_ACCOUNTS_URL", "SPOTIFY_API_URL"}
    assert expected <= set(demo_env)
    assert version.status_code == 200
    assert version.json().startswith("0.2")
