"""The slskd REST client: the contract's canonical flow over one `ServiceSession`."""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from collections.abc import Callable, Collection, Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

import requests

from harmony.clients.http import ServiceSession, ServiceUnavailable, retry_after_seconds
from harmony.clients.slskd.data import (
    DirectoryListing,
    Event,
    JsonObject,
    Search,
    SearchResponse,
    ServerState,
    Transfer,
    _list_of_objects,
    _parse_directory,
    _parse_event,
    _parse_search,
    _parse_search_response,
    _parse_transfer,
    _preview,
)
from harmony.clients.slskd.errors import (
    SERVICE,
    EnqueueFailed,
    PeerOffline,
    SlskdBadResponse,
    SlskdBusy,
    SlskdNotLoggedIn,
    SlskdRejected,
    SlskdUnavailable,
)

logger = logging.getLogger(__name__)


class SlskdClient:
    def __init__(
        self,
        *,
        base_url: str,
        api_key: str,
        timeout: float,
        user_agent: str,
        retries: int = 2,
        enqueue_timeout: float = 60.0,
    ) -> None:
        self.session = ServiceSession(
            service=SERVICE, base_url=base_url, timeout=timeout, user_agent=user_agent, retries=retries
        )
        # slskd's web UI sends the JSON content type on every request, bodiless ones included (§1).
        self.session.headers["Content-Type"] = "application/json"
        if api_key:
            self.session.headers["X-API-Key"] = api_key
        # Up to 0.23 the enqueue request only answers once the peer has queued the file (§6.1): seconds.
        self.enqueue_timeout = max(timeout, enqueue_timeout)
        self._version: str | None = None

    def close(self) -> None:
        self.session.close()

    def application_version(self) -> str:
        """slskd's version, e.g. "0.26.0.0"; asked once per client."""
        if self._version is None:
            body = self._json(self._call("GET", "api/v0/application/version"))
            if not isinstance(body, str) or not body:
                raise SlskdBadResponse(SERVICE, f"application version is not a string: {_preview(body)}")
            self._version = body
        return self._version

    def server_state(self) -> ServerState:
        body = self._object(self._call("GET", "api/v0/server"))
        return ServerState(
            state=str(body.get("state", "None")),
            is_connected=bool(body.get("isConnected", False)),
            is_logged_in=bool(body.get("isLoggedIn", False)),
            address=body.get("address"),
        )

    def downloads_directory(self) -> str | None:
        """Where slskd stores finished downloads, as a path in slskd's own filesystem (§3, §7.2)."""
        directories = self._options().get("directories")
        downloads = directories.get("downloads") if isinstance(directories, dict) else None
        return downloads if isinstance(downloads, str) and downloads else None

    def retry_attempts(self) -> int:
        """How many attempts slskd itself makes per download (0.26+, default 3). 0 on older versions: they do not
        retry automatically, so a failed transfer is final there (§6.6)."""
        if _version_tuple(self.application_version()) < (0, 26):
            return 0
        node: Any = self._options()
        for key in ("transfers", "download", "retry", "attempts"):
            node = node.get(key) if isinstance(node, dict) else None
        return node if isinstance(node, int) and not isinstance(node, bool) else 3

    def create_search(
        self,
        text: str,
        *,
        search_id: uuid.UUID | None = None,
        timeout_ms: int = 15000,
        response_limit: int = 250,
        file_limit: int = 25000,
    ) -> Search:
        """Start a network-wide search (§4.1); returns at once. Always sends its own id, so a retry with the same
        `search_id` after a lost answer finds the search instead of failing.

        Raises SlskdBusy (another search creation in flight), SlskdNotLoggedIn, SlskdRejected (query refused;
        the message is slskd's)."""
        search_id = search_id or uuid.uuid4()
        body = {
            "id": str(search_id),
            "searchText": text,
            "searchTimeout": timeout_ms,
            "responseLimit": response_limit,
            "fileLimit": file_limit,
        }
        response = self._call("POST", "api/v0/searches", body=body, passthrough={409, 500})
        if response.status_code == 409:
            # The only conflict slskd reports here is a Soulseek connection that is not logged in (§4.1).
            raise SlskdNotLoggedIn(SERVICE, _message(response), status=409)
        if response.status_code == 500:
            return self._recover_search(search_id, body, response)
        return _parse_search(self._object(response))

    def _recover_search(self, search_id: uuid.UUID, body: JsonObject, failed: requests.Response) -> Search:
        # Re-using an id answers 500 (a key violation, §4.1). Either an earlier attempt did start the search (its
        # answer was lost), or it failed to start (409/400 leave a "Completed, Errored" record behind): then the
        # id is free to reuse once that record is gone.
        existing = self.get_search(search_id)
        if existing is None:
            raise _error_for(failed)
        if "Errored" not in existing.state:
            logger.info("slskd search %s already existed; using it", search_id)
            return existing
        self.delete_search(search_id)
        response = self._call("POST", "api/v0/searches", body=body, passthrough={409})
        if response.status_code == 409:
            raise SlskdNotLoggedIn(SERVICE, _message(response), status=409)
        return _parse_search(self._object(response))

    def get_search(self, search_id: uuid.UUID) -> Search | None:
        response = self._call("GET", f"api/v0/searches/{search_id}", passthrough={404})
        if response.status_code == 404:
            return None
        return _parse_search(self._object(response))

    def wait_for_search(
        self,
        search_id: uuid.UUID,
        *,
        poll_s: float = 1.0,
        cap_s: float = 90.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> Search:
        """Poll until the search's results are readable (`ended_at`, §4.3); past `cap_s` stop it and wait for the
        stop to land. Raises SlskdRejected if the search disappears."""
        deadline = time.monotonic() + cap_s
        stopped = False
        while True:
            search = self.get_search(search_id)
            if search is None:
                raise SlskdRejected(SERVICE, f"search {search_id} no longer exists", status=404)
            if search.results_ready:
                return search
            if not stopped and time.monotonic() >= deadline:
                self.stop_search(search_id)
                stopped = True
                deadline = time.monotonic() + max(poll_s * 10, 5.0)
            elif stopped and time.monotonic() >= deadline:
                raise SlskdUnavailable(SERVICE, f"search {search_id} did not end after it was stopped")
            sleep(poll_s)

    def search_responses(self, search_id: uuid.UUID) -> list[SearchResponse]:
        """All responses of a finished search; empty while it runs (§4.3)."""
        body = self._json(self._call("GET", f"api/v0/searches/{search_id}/responses"))
        return [_parse_search_response(item) for item in _list_of_objects(body, "search responses")]

    def stop_search(self, search_id: uuid.UUID) -> None:
        self._call("PUT", f"api/v0/searches/{search_id}", passthrough={404})

    def delete_search(self, search_id: uuid.UUID) -> None:
        self._call("DELETE", f"api/v0/searches/{search_id}", passthrough={404})

    def browse_directory(self, username: str, directory: str) -> list[DirectoryListing]:
        """The contents of one remote folder (§5). Raises PeerOffline when slskd says the peer is unreachable."""
        response = self._call(
            "POST", f"api/v0/users/{_segment(username)}/directory", body={"directory": directory}, passthrough={404}
        )
        if response.status_code == 404:
            message = _message(response, empty="peer is offline or unknown")
            raise PeerOffline(message, username=username, filename=directory, status=404)
        body = self._json(response)
        # 0.22.0 to 0.22.2 answer one directory object, later versions an array of them.
        items = [body] if isinstance(body, dict) else _list_of_objects(body, "directory listing")
        return [_parse_directory(item) for item in items]

    def enqueue_download(self, username: str, filename: str, size: int) -> Transfer:
        """Queue one file from one peer (§6.1) and return its transfer.

        Raises EnqueueFailed (slskd did not queue it; its reason when it gave one), PeerOffline, SlskdBusy."""
        if username in {".", ".."}:
            # requests and slskd both resolve dot segments, so such a name cannot be put in a URL path.
            raise EnqueueFailed(f"username {username!r} cannot be addressed", username=username, filename=filename)
        if "/" in username and _version_tuple(self.application_version()) < (0, 24, 2):
            raise EnqueueFailed(
                "slskd before 0.24.2 cannot address usernames containing '/' (§1)", username=username, filename=filename
            )
        response = self._call(
            "POST",
            f"api/v0/transfers/downloads/{_segment(username)}",
            body=[{"filename": filename, "size": size}],
            passthrough={400, 404, 500},
            timeout=self.enqueue_timeout,
        )
        if response.status_code >= 400:
            raise _enqueue_error(response, username=username, filename=filename)
        body = self._json(response) if response.content.strip() else None
        if body is None:
            # 0.23: an empty 201 once the file is queued; the id is only in the listing.
            found = self._newest_transfer(username, filename)
            if found is None:
                raise SlskdUnavailable(SERVICE, f"slskd accepted {filename!r} but does not list it")
            return found
        if not isinstance(body, dict):
            raise SlskdBadResponse(SERVICE, f"enqueue answered {_preview(body)}")
        enqueued = [_parse_transfer(item) for item in _list_of_objects(body.get("enqueued", []), "enqueued")]
        for transfer in enqueued:
            if transfer.filename == filename:
                return transfer
        # Listed under `failed` (0.24: names, 0.26: `{}`), or an unexpected shape. A file that already has an
        # unfinished transfer from this peer is refused in the same way: that transfer is the one we want.
        found = self._newest_transfer(username, filename)
        if found is not None and not found.state.is_terminal:
            return found
        if body.get("failed"):
            raise EnqueueFailed(
                f"slskd did not queue {filename!r} from {username!r}",
                username=username,
                filename=filename,
                status=response.status_code,
            )
        raise SlskdBadResponse(SERVICE, f"enqueue answered {_preview(body)} without {filename!r}")

    def _newest_transfer(self, username: str, filename: str) -> Transfer | None:
        matches = [t for t in self.list_user_downloads(username) if t.filename == filename and not t.removed]
        if not matches:
            return None
        return max(matches, key=lambda t: t.requested_at or datetime.min.replace(tzinfo=UTC))

    def get_transfer(self, username: str, transfer_id: uuid.UUID) -> Transfer | None:
        response = self._call(
            "GET", f"api/v0/transfers/downloads/{_segment(username)}/{transfer_id}", passthrough={404}
        )
        if response.status_code == 404:
            return None
        return _parse_transfer(self._object(response))

    def list_user_downloads(self, username: str) -> list[Transfer]:
        """Every download from this peer slskd still lists, finished ones included (§6.3)."""
        response = self._call("GET", f"api/v0/transfers/downloads/{_segment(username)}", passthrough={404})
        if response.status_code == 404:
            return []
        body = self._object(response)
        transfers: list[Transfer] = []
        for directory in _list_of_objects(body.get("directories", []), "directories"):
            transfers.extend(_parse_transfer(item) for item in _list_of_objects(directory.get("files", []), "files"))
        return transfers

    def cancel_transfer(self, username: str, transfer_id: uuid.UUID) -> None:
        """Cancel (asynchronously: the state becomes "Completed, Cancelled" a moment later). Unknown ids are fine."""
        self._delete_transfer(username, transfer_id, params={})

    def remove_transfer(self, username: str, transfer_id: uuid.UUID) -> None:
        """Hide a finished transfer from slskd's lists. A no-op for unknown or unfinished ones (§6.4): cancel first
        and wait for a terminal state."""
        self._delete_transfer(username, transfer_id, params={"remove": "true"})

    def _delete_transfer(self, username: str, transfer_id: uuid.UUID, *, params: dict[str, str]) -> None:
        path = f"api/v0/transfers/downloads/{_segment(username)}/{transfer_id}"
        response = self._call("DELETE", path, params=params, passthrough={404, 500})
        # Up to 0.24.1 removing an unfinished transfer is a 500 where later versions do nothing (§6.4).
        if response.status_code == 500 and "before it is complete" not in _message(response):
            raise _error_for(response)

    def events(self, offset: int = 0, limit: int = 100) -> list[Event]:
        """Events, newest first (§8). Empty on slskd < 0.22, which has no events."""
        response = self._call("GET", "api/v0/events", params={"offset": offset, "limit": limit}, passthrough={404})
        if response.status_code == 404:
            return []
        return [_parse_event(item) for item in _list_of_objects(self._json(response), "events")]

    def local_filename_for(self, transfer_id: uuid.UUID, *, max_events: int = 1000) -> str | None:
        """Where slskd put a succeeded download, from its `DownloadFileComplete` event (raised after the file was
        moved, §7.2), looking back at most `max_events` events. None if there is no such event (yet)."""
        page = 100
        for offset in range(0, max_events, page):
            events = self.events(offset=offset, limit=min(page, max_events - offset))
            for event in events:
                if event.type != "DownloadFileComplete":
                    continue
                transfer = event.data.get("transfer")
                local = event.data.get("localFilename")
                if isinstance(transfer, dict) and _same_id(transfer.get("id"), transfer_id) and isinstance(local, str):
                    return local
            if len(events) < page:
                return None
        return None

    def _options(self) -> JsonObject:
        return self._object(self._call("GET", "api/v0/options"))

    def _call(
        self,
        method: str,
        path: str,
        *,
        body: object = None,
        params: Mapping[str, str | int] | None = None,
        passthrough: Collection[int] = (),
        timeout: float | None = None,
    ) -> requests.Response:
        """Send one request; answers that are not 2xx nor in `passthrough` become the matching exception."""
        kwargs: dict[str, Any] = {"params": params}
        if body is not None:
            # ASCII-escaped JSON round-trips any string, lone surrogates in a peer's filename included.
            kwargs["data"] = json.dumps(body, ensure_ascii=True).encode("ascii")
        if timeout is not None:
            kwargs["timeout"] = timeout
        try:
            response = self.session.request(method, path, **kwargs)
        except ServiceUnavailable as exc:
            raise SlskdUnavailable(SERVICE, exc.message, status=exc.status) from exc
        except requests.exceptions.ChunkedEncodingError as exc:
            raise SlskdUnavailable(SERVICE, f"connection broken while reading {method} {path}") from exc
        if response.status_code < 400 or response.status_code in passthrough:
            return response
        raise _error_for(response)

    @staticmethod
    def _json(response: requests.Response) -> Any:
        try:
            return response.json()
        except ValueError as exc:
            kind = response.headers.get("Content-Type", "no content type")
            raise SlskdBadResponse(
                SERVICE,
                f"expected JSON from {response.request.method} {response.url}, got {kind} "
                "(is SLSKD_URL the slskd address with its URL base?)",
                status=response.status_code,
            ) from exc

    def _object(self, response: requests.Response) -> JsonObject:
        body = self._json(response)
        if not isinstance(body, dict):
            raise SlskdBadResponse(SERVICE, f"expected a JSON object, got {_preview(body)}")
        return body


def _segment(value: str) -> str:
    """One URL path segment: everything percent-encoded, `/`, `%`, `?`, `#` and spaces included (§1)."""
    if not value:
        raise ValueError("an empty username cannot be part of a URL")
    return quote(value, safe="")


def _message(response: requests.Response, *, empty: str | None = None) -> str:
    """slskd error bodies are a JSON string literal or empty (§1); a proxy may answer with anything."""
    try:
        body: Any = response.json()
    except ValueError:
        body = response.text if response.headers.get("Content-Type", "").startswith("text/plain") else ""
    if isinstance(body, dict):
        body = body.get("detail") or body.get("title") or body.get("message") or json.dumps(body)
    text = body.strip() if isinstance(body, str) and body.strip() else empty or response.reason or "error"
    return f"{response.status_code} {text}"[:300]


def _error_for(response: requests.Response) -> SlskdUnavailable | SlskdRejected:
    status = response.status_code
    if status in (401, 403):
        # 403 also means the instance runs as a relay agent or the key's role is too low (§2).
        return SlskdRejected(SERVICE, f"the API key was not accepted ({status})", status=status)
    if status == 429:
        return SlskdBusy(SERVICE, _message(response), status=429, retry_after_s=retry_after_seconds(response) or 1.0)
    if status == 409 and "logged in" in _message(response):
        return SlskdNotLoggedIn(SERVICE, _message(response), status=409)
    if status >= 500:
        return SlskdUnavailable(SERVICE, _message(response), status=status, retry_after_s=retry_after_seconds(response))
    return SlskdRejected(SERVICE, _message(response), status=status)


def _enqueue_error(response: requests.Response, *, username: str, filename: str) -> SlskdUnavailable | SlskdRejected:
    status = response.status_code
    message = _message(response, empty="peer is offline or unknown" if status == 404 else None)
    lowered = message.lower()
    if status == 404 or "appears to be offline" in lowered:
        return PeerOffline(message, username=username, filename=filename, status=status)
    # 400: the file was refused as such (e.g. a path traversal segment in the peer's path, 0.26+).
    # 500: up to 0.23 the request waits for the peer, and a refusal or any other per-file failure comes back as
    # an aggregated exception message (§6.1).
    per_file = "rejected" in lowered or "one or more errors occurred" in lowered
    if status == 400 or (status == 500 and per_file):
        return EnqueueFailed(message, username=username, filename=filename, status=status)
    return _error_for(response)


def _version_tuple(version: str) -> tuple[int, ...]:
    parts: list[int] = []
    for part in version.split("."):
        digits = re.match(r"\d+", part)
        if digits is None:
            break
        parts.append(int(digits.group()))
    return tuple(parts)


def _same_id(value: object, wanted: uuid.UUID) -> bool:
    if not isinstance(value, str):
        return False
    try:
        return uuid.UUID(value) == wanted
    except ValueError:
        return False


def from_settings(*, timeout: float = 10.0) -> SlskdClient:
    from django.conf import settings

    return SlskdClient(
        base_url=settings.SLSKD_URL,
        api_key=settings.SLSKD_API_KEY,
        timeout=timeout,
        user_agent=settings.HARMONY_HTTP_USER_AGENT,
    )
