"""The common runner: a WSGI app built on werkzeug's routing, served as a real HTTP server on loopback."""

from __future__ import annotations

import ipaddress
import json
import logging
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from types import TracebackType
from typing import Any

from werkzeug.exceptions import HTTPException
from werkzeug.routing import Map, Rule
from werkzeug.serving import BaseWSGIServer, make_server
from werkzeug.wrappers import Request, Response

logger = logging.getLogger(__name__)

Handler = Callable[..., Response]


def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(json.dumps(body), status=status, headers=headers, mimetype="application/json")


class EmulatorApp:
    """Subclass, declare `routes` as werkzeug Rules whose endpoint names a method, and implement the methods.

    Each method receives the request and the URL's variables as keyword arguments and returns a Response.
    `not_found` and `method_not_allowed` can be overridden to mimic the emulated service's own error bodies.
    """

    name = "emulator"
    routes: list[Rule] = []

    def __init__(self) -> None:
        # Rules bind to one Map; each instance gets unbound copies so several emulators can run at once.
        self.url_map = Map([rule.empty() for rule in self.routes], strict_slashes=False)
        self.lock = threading.RLock()

    def not_found(self, request: Request) -> Response:
        return json_response({"error": "not found"}, status=404)

    def method_not_allowed(self, request: Request, allowed: Iterable[str]) -> Response:
        return json_response({"error": "method not allowed"}, status=405, headers={"Allow": ", ".join(allowed)})

    def dispatch(self, request: Request) -> Response:
        adapter = self.url_map.bind_to_environ(request.environ)
        try:
            endpoint, values = adapter.match()
        except HTTPException as exc:
            if exc.code == 405:
                return self.method_not_allowed(request, getattr(exc, "valid_methods", None) or [])
            if exc.code == 404:
                return self.not_found(request)
            return exc.get_response(request.environ)
        handler: Handler = getattr(self, endpoint)
        return handler(request, **values)

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        request = Request(environ)
        response = self.dispatch(request)
        return response(environ, start_response)


@dataclass
class RunningEmulator:
    """A server running in a background thread; `url` is its base URL. Use as a context manager."""

    app: EmulatorApp
    server: BaseWSGIServer
    thread: threading.Thread

    @property
    def port(self) -> int:
        return int(self.server.server_port)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)

    def __enter__(self) -> RunningEmulator:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


def _require_loopback(host: str) -> None:
    # Emulators only ever listen on this machine: they stand in for services on the internet.
    if host == "localhost":
        return
    if not ipaddress.ip_address(host).is_loopback:
        raise ValueError(f"emulators listen on loopback only, not {host}")


def serve_in_thread(app: EmulatorApp, *, host: str = "127.0.0.1", port: int = 0) -> RunningEmulator:
    """Start `app` on `host:port` (0 = a free port) in a daemon thread and return once it accepts connections."""
    _require_loopback(host)
    server = make_server(host, port, app, threaded=True)
    # A short poll interval: stopping waits for the next poll, and tests start and stop many servers.
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, name=f"emulator-{app.name}", daemon=True
    )
    thread.start()
    return RunningEmulator(app=app, server=server, thread=thread)


def serve_forever(app: EmulatorApp, *, host: str = "127.0.0.1", port: int) -> None:
    """Serve in the foreground until interrupted (the process mode of `python -m emulators`)."""
    _require_loopback(host)
    server = make_server(host, port, app, threaded=True)
    # One line on stdout that a supervisor (scripts/dev.py, a test) can wait for.
    print(f"emulator {app.name} listening on http://{host}:{server.server_port}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
