"""The emulator's shared state, its router and authentication; the endpoint groups build on this class."""

from __future__ import annotations

import hmac
import json
import logging
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from werkzeug.wrappers import Request, Response

from emulators.base import EmulatorApp
from emulators.slskd.catalogue import builtin_catalogue
from emulators.slskd.downloads import Deliverer, Event
from emulators.slskd.scenario import Peer, Scenario
from emulators.slskd.searches import BanTracker, SearchRecord
from emulators.slskd.transfers import TransferRecord
from emulators.slskd.wire import Clock, empty, flag_text, message, parse_version

logger = logging.getLogger(__name__)

DEFAULT_API_KEY = "harmony-emulator-key"
_JSON_TYPES = ("application/json", "text/json")


@dataclass(frozen=True)
class Route:
    method: str
    segments: tuple[str, ...]  # literal segments, or "{name}" placeholders
    endpoint: str
    anonymous: bool = False

    def match(self, segments: list[str]) -> dict[str, str] | None:
        if len(segments) != len(self.segments):
            return None
        values = {}
        for pattern, segment in zip(self.segments, segments, strict=True):
            if pattern.startswith("{"):
                values[pattern[1:-1]] = segment
            elif pattern.lower() != segment.lower():  # ASP.NET routes are case-insensitive (§1)
                return None
        return values


def route(method: str, path: str, endpoint: str, *, anonymous: bool = False) -> Route:
    return Route(method, tuple(part for part in path.split("/") if part), endpoint, anonymous)


@dataclass(frozen=True)
class TransferView:
    """A transfer as `SlskdEmulator.transfers` reports it, for test assertions."""

    id: str
    username: str
    filename: str
    size: int
    state: str
    attempts: int
    bytes_transferred: int
    removed: bool
    local_filename: str | None


def _raw_segments(request: Request) -> list[str]:
    """Path segments decoded one by one, so an encoded `/` (%2F) in a username stays inside its segment."""
    raw = request.environ.get("RAW_URI") or request.environ.get("REQUEST_URI")
    if raw is None:
        path = request.path
        return [segment for segment in path.split("/") if segment]
    path = urlsplit(raw).path if "://" in raw else raw.split("?", 1)[0]
    # The WSGI server hands the raw request line over as latin-1; percent-escapes carry UTF-8.
    path = path.encode("latin-1", "replace").decode("utf-8", "replace")
    return [unquote(segment) for segment in path.split("/") if segment]


class EmulatorCore(EmulatorApp):
    name = "slskd"
    api_routes: list[Route] = []

    def __init__(
        self,
        scenario: Scenario | None = None,
        *,
        downloads_dir: Path,
        incomplete_dir: Path | None = None,
        version: str = "0.26.0",
        api_key: str = DEFAULT_API_KEY,
        time_scale: float = 1.0,
    ) -> None:
        super().__init__()
        if time_scale <= 0:
            raise ValueError("time_scale must be positive")
        scenario = scenario if scenario is not None else builtin_catalogue()
        self.scenario = scenario
        self.downloads_dir = Path(downloads_dir)
        self.incomplete_dir = Path(incomplete_dir) if incomplete_dir is not None else None
        self.api_key = api_key
        self.time_scale = time_scale
        self.clock = Clock()
        self.version = parse_version(version)
        self.logged_in = scenario.logged_in
        self.searches: dict[str, SearchRecord] = {}
        self.transfer_records: dict[str, TransferRecord] = {}
        self.events: list[Event] = []
        self.ban = BanTracker(
            limit=scenario.ban_after,
            window=scenario.ban_window_s * time_scale,
            duration=scenario.ban_duration_s * time_scale,
        )
        self.deliverer = Deliverer(self.downloads_dir, self.incomplete_dir)
        self.search_count = 0
        self.enqueues_in_flight = 0
        self.search_post_guard = threading.Lock()
        self.tokens: set[str] = set()
        self.jwt_key = secrets.token_bytes(32)

    def set_logged_in(self, logged_in: bool) -> None:
        with self.lock:
            self.logged_in = logged_in

    def set_version(self, version: str) -> None:
        with self.lock:
            self.version = parse_version(version)

    @property
    def searches_created(self) -> int:
        with self.lock:
            return self.search_count

    @property
    def banned(self) -> bool:
        with self.lock:
            return self.ban.banned(self.clock.now())

    @property
    def transfers(self) -> list[TransferView]:
        with self.lock:
            now = self.clock.now()
            views = []
            for record in self.transfer_records.values():
                snap = record.snapshot(now)
                views.append(
                    TransferView(
                        id=record.id,
                        username=record.username,
                        filename=record.filename,
                        size=record.size,
                        state=flag_text(snap.state),
                        attempts=snap.attempts,
                        bytes_transferred=snap.bytes_transferred,
                        removed=record.removed,
                        local_filename=record.local_filename,
                    )
                )
            return views

    def close(self) -> None:
        """Stop pending delivery timers (the server itself is stopped by its runner)."""
        with self.lock:
            for record in self.transfer_records.values():
                if record.timer is not None:
                    record.timer.cancel()

    def now(self) -> float:
        return self.clock.now()

    def scaled(self, seconds: float) -> float:
        return seconds * self.time_scale

    def at_least(self, version: tuple[int, int, int]) -> bool:
        return self.version >= version

    def online_peer(self, username: str) -> Peer | None:
        peer = self.scenario.peer(username)
        return peer if peer is not None and peer.online else None

    def on_request(self) -> None:
        """Hook run before every API call (finishes downloads whose moment has come)."""

    def dispatch(self, request: Request) -> Response:
        segments = _raw_segments(request)
        if segments == ["health"] and request.method in ("GET", "HEAD"):
            return Response("Healthy", mimetype="text/plain")
        matched = [(candidate, candidate.match(segments)) for candidate in self.api_routes]
        found = [(candidate, values) for candidate, values in matched if values is not None]
        if not found:
            return empty(404)
        chosen = next(((candidate, values) for candidate, values in found if candidate.method == request.method), None)
        if chosen is None:
            return empty(405, {"Allow": ", ".join(sorted({candidate.method for candidate, _ in found}))})
        endpoint, values = chosen
        if not endpoint.anonymous and not self.authenticated(request):
            return empty(401, {"WWW-Authenticate": "Bearer"})
        if request.content_length and request.mimetype not in _JSON_TYPES and not request.mimetype.endswith("+json"):
            return empty(415)
        self.on_request()
        handler: Callable[..., Response] = getattr(self, endpoint.endpoint)
        try:
            return handler(request, **values)
        except Exception as exc:  # slskd answers any unhandled exception with its message (§1)
            logger.exception("slskd emulator: %s %s failed", request.method, request.path)
            return message(str(exc) or type(exc).__name__, 500)

    def authenticated(self, request: Request) -> bool:
        key = request.headers.get("X-API-Key")
        if key is not None and hmac.compare_digest(key.encode(), self.api_key.encode()):
            return True
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        return scheme.lower() == "bearer" and token.strip() in self.tokens

    @staticmethod
    def json_of(request: Request) -> Any:
        """The parsed body, or a sentinel `INVALID` when it is not JSON."""
        raw = request.get_data(cache=True)
        if not raw.strip():
            return None
        try:
            return json.loads(raw)
        except ValueError:
            return INVALID

    @staticmethod
    def flag(request: Request, name: str) -> bool:
        return request.args.get(name, "false").strip().lower() == "true"


class _Invalid:
    pass


INVALID = _Invalid()
