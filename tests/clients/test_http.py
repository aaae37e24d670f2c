"""The shared session factory against a small scripted HTTP server: base URL, allow-list, retries, Retry-After."""

from __future__ import annotations

import socket
import threading
import time
from dataclasses import dataclass, field

import pytest
import requests
from werkzeug.routing import Rule
from werkzeug.wrappers import Request, Response

from emulators.base import EmulatorApp, json_response
from harmony.clients.http import OutboundBlocked, ServiceSession, ServiceUnavailable, retry_after_seconds


@dataclass
class Seen:
    method: str
    path: str
    user_agent: str | None
    at: float = field(default_factory=time.monotonic)


class ScriptedApp(EmulatorApp):
    """Answers each path with the next scripted (status, headers) pair, then 200; `/slow` takes a second."""

    name = "scripted"
    routes = [
        Rule("/slow", endpoint="slow"),
        Rule("/", endpoint="answer", defaults={"path": ""}),
        Rule("/<path:path>", endpoint="answer"),
    ]

    def __init__(self, script: dict[str, list[tuple[int, dict[str, str]]]] | None = None) -> None:
        super().__init__()
        self.script = {path: list(steps) for path, steps in (script or {}).items()}
        self.seen: list[Seen] = []
        self.release = threading.Event()

    def answer(self, request: Request, path: str) -> Response:
        with self.lock:
            self.seen.append(Seen(request.method, request.path, request.headers.get("User-Agent")))
            steps = self.script.get(request.path)
            status, headers = steps.pop(0) if steps else (200, {})
        return json_response({"path": request.path}, status=status, headers=headers)

    def slow(self, request: Request) -> Response:
        self.release.wait(timeout=2)
        return json_response({"slow": True})


def _session(url: str, **kwargs) -> ServiceSession:
    options = {"service": "demo", "base_url": url, "timeout": 5.0, "user_agent": "Harmony-test/1"} | kwargs
    return ServiceSession(**options)


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.parametrize("path", ["api/v0/server", "/api/v0/server"])
def test_paths_join_the_base_url_including_its_base_path(emulator, path):
    app = ScriptedApp()
    server = emulator(app)

    response = _session(f"{server.url}/slskd/").get(path)

    assert response.json() == {"path": "/slskd/api/v0/server"}
    assert [(s.method, s.path, s.user_agent) for s in app.seen] == [("GET", "/slskd/api/v0/server", "Harmony-test/1")]


def test_a_scheme_relative_path_stays_on_the_base_host(emulator):
    app = ScriptedApp()
    server = emulator(app)

    response = _session(server.url).get("//elsewhere.invalid/x")

    assert response.json() == {"path": "/elsewhere.invalid/x"}


def test_hosts_outside_the_allow_list_are_refused_before_any_request(emulator):
    app = ScriptedApp()
    server = emulator(app)
    session = _session(server.url)

    with pytest.raises(OutboundBlocked) as caught:
        session.get("http://elsewhere.invalid/steal")

    assert caught.value.message == "host 'elsewhere.invalid' is not an allowed destination"
    assert caught.value.service == "demo"
    assert app.seen == []


def test_extra_allowed_hosts_match_case_insensitively(emulator):
    app = ScriptedApp()
    server = emulator(app)
    session = _session(server.url, allowed_hosts=["LocalHost"])

    response = session.get(f"http://localhost:{server.port}/other")

    assert response.json() == {"path": "/other"}


def test_idempotent_requests_are_retried_on_503(emulator):
    app = ScriptedApp({"/flaky": [(503, {})]})
    server = emulator(app)

    response = _session(server.url, retries=1).get("flaky")

    assert response.status_code == 200
    assert [s.path for s in app.seen] == ["/flaky", "/flaky"]


def test_post_is_not_retried(emulator):
    app = ScriptedApp({"/flaky": [(503, {})]})
    server = emulator(app)

    response = _session(server.url, retries=1).post("flaky", json={})

    assert response.status_code == 503
    assert len(app.seen) == 1


def test_500_is_not_retried(emulator):
    app = ScriptedApp({"/broken": [(500, {})]})
    server = emulator(app)

    response = _session(server.url, retries=1).get("broken")

    assert response.status_code == 500
    assert len(app.seen) == 1


def test_the_last_answer_is_returned_when_retries_run_out(emulator):
    app = ScriptedApp({"/down": [(502, {}), (502, {})]})
    server = emulator(app)

    response = _session(server.url, retries=1).get("down")

    assert response.status_code == 502
    assert len(app.seen) == 2


def test_retry_after_is_waited_for_before_retrying(emulator):
    app = ScriptedApp({"/later": [(503, {"Retry-After": "1"})]})
    server = emulator(app)

    response = _session(server.url, retries=1).get("later")

    assert response.status_code == 200
    first, second = app.seen
    assert second.at - first.at >= 0.9


def test_a_429_is_never_waited_for_inside_the_session(emulator):
    app = ScriptedApp({"/busy": [(429, {"Retry-After": "86400"})]})
    server = emulator(app)

    started = time.monotonic()
    response = _session(server.url, retries=2).get("busy")

    assert response.status_code == 429
    assert len(app.seen) == 1
    assert time.monotonic() - started < 2


def test_a_long_retry_after_on_503_is_capped(emulator):
    app = ScriptedApp({"/later": [(503, {"Retry-After": "3600"})]})
    server = emulator(app)

    started = time.monotonic()
    response = _session(server.url, retries=1).get("later")

    assert response.status_code == 200
    assert time.monotonic() - started < 8


def test_connection_refused_is_transient():
    session = _session(f"http://127.0.0.1:{_closed_port()}", retries=0)

    with pytest.raises(ServiceUnavailable) as caught:
        session.get("anything")

    assert caught.value.message.startswith("cannot connect to 127.0.0.1 (")
    assert caught.value.retry_after_s is None


def test_a_slow_answer_times_out_as_transient(emulator):
    app = ScriptedApp()
    server = emulator(app)
    session = _session(server.url, timeout=0.2)

    try:
        with pytest.raises(ServiceUnavailable) as caught:
            session.get("slow")
    finally:
        app.release.set()

    # With read retries off, urllib3 wraps the read timeout so that requests reports a connection error: still
    # transient, but the message says "cannot connect" (reported to the owner of http.py).
    assert caught.value.message in {"cannot connect to 127.0.0.1 (timed out)", "timed out after 0.2 s"}


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, None),
        ("5", 5.0),
        ("0.5", 0.5),
        ("-3", 0.0),
        ("Wed, 21 Oct 2026 07:28:00 GMT", None),
        ("soon", None),
    ],
)
def test_retry_after_seconds(header, expected):
    response = requests.Response()
    if header is not None:
        response.headers["Retry-After"] = header

    assert retry_after_seconds(response) == expected
