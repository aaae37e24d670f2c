"""The slskd emulator: the route table, plus application, server, options, session and events (§2, §3, §8)."""

from __future__ import annotations

import argparse
import base64
import hashlib
import hmac
import json
import os
import time
from pathlib import Path
from typing import Any

from werkzeug.wrappers import Request, Response

from emulators.slskd.api_searches import SearchRoutes
from emulators.slskd.api_transfers import RETRY_ATTEMPTS, TransferRoutes
from emulators.slskd.api_users import UserRoutes
from emulators.slskd.core import DEFAULT_API_KEY, INVALID, route
from emulators.slskd.scenario import Scenario, load_scenario
from emulators.slskd.wire import ClientStates, compact, empty, flag_text, json_body, message

SESSION_USERNAME = SESSION_PASSWORD = "slskd"  # noqa: S105 - slskd's documented default login
SESSION_TTL_S = 7 * 24 * 3600
_REPO_ROOT = Path(__file__).resolve().parents[2]


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class SlskdEmulator(TransferRoutes, SearchRoutes, UserRoutes):
    """slskd's REST API over a scenario of Soulseek peers; see shared/contracts/slskd.md."""

    api_routes = [
        route("GET", "/api/v0/application", "application"),
        route("GET", "/api/v0/application/version", "application_version"),
        route("GET", "/api/v0/server", "server"),
        route("PUT", "/api/v0/server", "connect"),
        route("DELETE", "/api/v0/server", "disconnect"),
        route("GET", "/api/v0/options", "options"),
        route("GET", "/api/v0/session", "check_session"),
        route("POST", "/api/v0/session", "login", anonymous=True),
        route("GET", "/api/v0/session/enabled", "session_enabled", anonymous=True),
        route("GET", "/api/v0/events", "list_events"),
        route("GET", "/api/v0/searches", "list_searches"),
        route("POST", "/api/v0/searches", "create_search"),
        route("GET", "/api/v0/searches/{search_id}", "get_search"),
        route("PUT", "/api/v0/searches/{search_id}", "stop_search"),
        route("DELETE", "/api/v0/searches/{search_id}", "delete_search"),
        route("GET", "/api/v0/searches/{search_id}/responses", "search_responses"),
        route("GET", "/api/v0/users/{username}/status", "user_status"),
        route("GET", "/api/v0/users/{username}/info", "user_info"),
        route("GET", "/api/v0/users/{username}/endpoint", "user_endpoint"),
        route("GET", "/api/v0/users/{username}/browse", "user_browse"),
        route("GET", "/api/v0/users/{username}/browse/status", "user_browse_status"),
        route("POST", "/api/v0/users/{username}/directory", "user_directory"),
        route("GET", "/api/v0/transfers/uploads", "list_uploads"),
        route("GET", "/api/v0/transfers/downloads", "list_downloads"),
        # Listed before "{username}/{transfer_id}": the first route that matches path and method wins.
        route("DELETE", "/api/v0/transfers/downloads/all/completed", "remove_completed_downloads"),
        route("POST", "/api/v0/transfers/downloads/{username}", "enqueue_downloads"),
        route("GET", "/api/v0/transfers/downloads/{username}", "user_downloads"),
        route("GET", "/api/v0/transfers/downloads/{username}/{transfer_id}", "get_download"),
        route("DELETE", "/api/v0/transfers/downloads/{username}/{transfer_id}", "cancel_download"),
        route("GET", "/api/v0/transfers/downloads/{username}/{transfer_id}/position", "download_position"),
    ]

    def _version4(self) -> str:
        return ".".join(str(part) for part in (*self.version, 0))

    def _server_json(self) -> dict[str, Any]:
        state = ClientStates.Connected | ClientStates.LoggedIn if self.logged_in else ClientStates.Disconnected
        server = {
            "address": "vps.slsknet.org",
            "ipEndPoint": "208.76.170.59:2271" if self.logged_in else None,
            "state": flag_text(state),
            "isConnected": self.logged_in,
            "isConnecting": False if self.at_least((0, 24, 0)) else None,
            "isLoggedIn": self.logged_in,
            "isLoggingIn": False if self.at_least((0, 24, 0)) else None,
            "isTransitioning": False,
        }
        return compact(server)

    def application(self, request: Request) -> Response:
        with self.lock:
            current = self._version4()
            newer = self.at_least((0, 24, 0))
            files = sum(len(peer.files) for peer in self.scenario.peers)
            body = {
                "version": {
                    "full": f"{current} ({current}+5770c7e4)",
                    "current": current,
                    "latest": current,
                    "isUpdateAvailable": False,
                    "isCanary": False,
                    "isDevelopment": False,
                },
                "pendingReconnect": False,
                "pendingRestart": False,
                "server": self._server_json(),
                "connectionWatchdog": (
                    {"isEnabled": False, "isAttemptingConnection": False, "isAwaitingVpn": False} if newer else None
                ),
                "vpn": {"isReady": False, "isConnected": False} if newer else None,
                "relay": {"mode": "Controller", "controller": {"state": "Disconnected"}, "agents": []},
                "user": {
                    "username": "harmony_demo",
                    "privileges": {"isPrivileged": False, "privilegesRemaining": 0},
                    "statistics": {"averageSpeed": 512000, "directoryCount": 42, "fileCount": 380, "uploadCount": 17},
                },
                "shares": {
                    "scanPending": False,
                    "scanning": False,
                    "ready": True,
                    "faulted": False,
                    "cancelled": False,
                    "scanProgress": 1,
                    "hosts": ["local"],
                    "directories": 42,
                    "files": files,
                },
                "rooms": [],
                "users": [],
            }
            return json_body(compact(body))

    def application_version(self, request: Request) -> Response:
        with self.lock:
            return json_body(self._version4())

    def server(self, request: Request) -> Response:
        with self.lock:
            return json_body(self._server_json())

    def connect(self, request: Request) -> Response:
        self.set_logged_in(True)
        return empty(200)

    def disconnect(self, request: Request) -> Response:
        self.set_logged_in(False)
        return empty(204)

    def options(self, request: Request) -> Response:
        with self.lock:
            download: dict[str, Any] = {"slots": 2147483647, "speedLimit": 2147483647}
            if self.at_least((0, 26, 0)):
                download["retry"] = {"attempts": RETRY_ATTEMPTS}
                download["destination"] = {"subdirectory": "${SOURCE_DIRECTORY}"}
            incomplete = (
                self.incomplete_dir if self.incomplete_dir is not None else self.downloads_dir.parent / "incomplete"
            )
            body = {
                "directories": {"downloads": str(self.downloads_dir), "incomplete": str(incomplete)},
                "transfers": {"download": download, "upload": {"slots": 2}},
                "soulseek": {
                    "address": "vps.slsknet.org",
                    "port": 2271,
                    "username": "harmony_demo",
                    "password": "*****",
                },
                "web": {
                    "port": 5030,
                    "urlBase": "/",
                    "authentication": {
                        "disabled": False,
                        "apiKeys": {"harmony": {"key": "*****", "role": "administrator"}},
                    },
                },
            }
            return json_body(body)

    def check_session(self, request: Request) -> Response:
        return empty(200)  # only reached when authenticated

    def session_enabled(self, request: Request) -> Response:
        return json_body(True)

    def login(self, request: Request) -> Response:
        body = self.json_of(request)
        if body is INVALID or not isinstance(body, dict) or not body.get("username") or not body.get("password"):
            return message("Username and password are required.", 400)
        valid_user = hmac.compare_digest(str(body["username"]), SESSION_USERNAME)
        if not (valid_user and hmac.compare_digest(str(body["password"]), SESSION_PASSWORD)):
            return empty(401)
        issued = int(time.time())
        header = _b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
        claims = {"name": SESSION_USERNAME, "role": "Administrator", "nbf": issued, "iat": issued}
        claims["exp"] = issued + SESSION_TTL_S
        payload = _b64(json.dumps(claims).encode())
        signature = _b64(hmac.new(self.jwt_key, f"{header}.{payload}".encode(), hashlib.sha256).digest())
        token = f"{header}.{payload}.{signature}"
        with self.lock:
            self.tokens.add(token)
        return json_body(
            {
                "expires": issued + SESSION_TTL_S,
                "issued": issued,
                "name": SESSION_USERNAME,
                "notBefore": issued,
                "token": token,
                "tokenType": "Bearer",
            }
        )

    def list_events(self, request: Request) -> Response:
        if not self.at_least((0, 22, 0)):
            return empty(404)  # events arrived in 0.22.0
        try:
            offset = int(request.args.get("offset", "0"))
            limit = int(request.args.get("limit", "100"))
        except ValueError:
            return message("Offset and limit must be integers", 400)
        if offset < 0:
            return message("Offset must be greater than or equal to zero", 400)
        if limit <= 0:
            return message("Limit must be greater than zero", 400)
        with self.lock:
            newest_first = list(reversed(self.events))
            page = [event.to_json() for event in newest_first[offset : offset + limit]]
            return json_body(page, headers={"X-Total-Count": str(len(self.events))})


def default_downloads_dir() -> Path:
    """Where Harmony looks for downloads: $HARMONY_DOWNLOADS_DIR, else $HARMONY_DATA_DIR/downloads, else var/."""
    if os.environ.get("HARMONY_DOWNLOADS_DIR"):
        return Path(os.environ["HARMONY_DOWNLOADS_DIR"])
    if os.environ.get("HARMONY_DATA_DIR"):
        return Path(os.environ["HARMONY_DATA_DIR"]) / "downloads"
    return _REPO_ROOT / "var" / "downloads"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--scenario", type=Path, help="scenario JSON file (default: the built-in catalogue)")
    parser.add_argument("--version", dest="slskd_version", default="0.26.0", help="slskd version to emulate")
    parser.add_argument("--api-key", default=DEFAULT_API_KEY, help="the accepted X-API-Key")
    parser.add_argument("--time-scale", type=float, default=1.0, help="multiplies every delay (0.1 = ten times faster)")
    parser.add_argument("--downloads-dir", type=Path, default=None, help="where finished downloads are written")


def build(args: argparse.Namespace) -> SlskdEmulator:
    scenario: Scenario | None = load_scenario(args.scenario) if getattr(args, "scenario", None) else None
    downloads_dir = getattr(args, "downloads_dir", None) or default_downloads_dir()
    downloads_dir.mkdir(parents=True, exist_ok=True)
    return SlskdEmulator(
        scenario,
        downloads_dir=downloads_dir,
        version=getattr(args, "slskd_version", "0.26.0"),
        api_key=getattr(args, "api_key", DEFAULT_API_KEY),
        time_scale=getattr(args, "time_scale", 1.0),
    )
