"""slskd REST API client (contract: shared/contracts/slskd.md).

Every method returns dataclasses parsed from slskd's camelCase JSON and raises the transient/permanent split:
`SlskdUnavailable` (and its `SlskdBusy`, `SlskdNotLoggedIn`) is worth retrying later; `SlskdRejected` (and its
`EnqueueFailed`, `PeerOffline`, `SlskdBadResponse`) is not. Remote filenames and sizes are untrusted data that must
travel back to slskd byte-for-byte, so they are never normalised.
"""

from __future__ import annotations

import enum
import json
import logging
import re
import time
import uuid
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from typing import Any, Literal, TypeVar
from urllib.parse import quote

import requests

from harmony.clients.http import ServiceRejected, ServiceSession, ServiceUnavailable, retry_after_seconds

logger = logging.getLogger(__name__)

SERVICE = "slskd"

JsonObject = dict[str, Any]
FailureKind = Literal["rejected", "aborted", "timed_out", "errored", "cancelled"]
_T = TypeVar("_T")


class SlskdUnavailable(ServiceUnavailable):
    """Transient: slskd is down, unreachable, slow or failing (connection errors, timeouts, 5xx)."""


class SlskdBusy(SlskdUnavailable):
    """429: slskd allows only one search creation and two enqueues in flight at a time (§4.1, §6.1)."""


class SlskdNotLoggedIn(SlskdUnavailable):
    """409 on search creation: slskd is not logged in to Soulseek right now; it reconnects by itself (§3)."""


class SlskdRejected(ServiceRejected):
    """Permanent: slskd refused the request (bad API key, validation error, unknown resource)."""


class SlskdBadResponse(SlskdRejected):
    """slskd answered with something this client cannot read: a wrong base path (the web UI's HTML), or a shape
    this client does not know."""


class EnqueueFailed(SlskdRejected):
    """slskd did not queue this file from this peer; permanent for this candidate, try the next one."""

    def __init__(self, message: str, *, username: str, filename: str, status: int | None = None) -> None:
        super().__init__(SERVICE, message, status=status)
        self.username = username
        self.filename = filename


class PeerOffline(EnqueueFailed):
    """The peer is offline (or blacklisted locally), so nothing can be fetched from it now."""


@dataclass(frozen=True, slots=True)
class ServerState:
    """`GET /api/v0/server` (§3): the Soulseek connection of the slskd daemon."""

    state: str
    is_connected: bool
    is_logged_in: bool
    address: str | None


@dataclass(frozen=True, slots=True)
class SearchFile:
    """One shared file (§4.4). `filename` is the full remote path, exactly as the peer sent it; `extension` is what
    the peer claims and is often empty (derive it from `filename`). Any attribute may be missing."""

    filename: str
    size: int
    extension: str
    bit_rate: int | None
    bit_depth: int | None
    sample_rate: int | None
    length: int | None
    is_variable_bit_rate: bool | None
    is_locked: bool


@dataclass(frozen=True, slots=True)
class SearchResponse:
    """One peer's answer to a search (§4.4). `locked_files` cannot be downloaded."""

    username: str
    files: tuple[SearchFile, ...]
    locked_files: tuple[SearchFile, ...]
    has_free_upload_slot: bool
    queue_length: int
    upload_speed: int
    file_count: int
    locked_file_count: int
    token: int | None


@dataclass(frozen=True, slots=True)
class Search:
    """A search's state (§4.2). Responses are readable only once `ended_at` is set (`results_ready`, §4.3)."""

    id: uuid.UUID
    search_text: str
    state: str
    is_complete: bool
    started_at: datetime
    ended_at: datetime | None
    response_count: int
    file_count: int
    locked_file_count: int

    @property
    def results_ready(self) -> bool:
        # The state flips to Completed slightly before the responses are written; endedAt comes with them.
        return self.ended_at is not None


class TransferState(enum.IntFlag):
    """Soulseek.NET `TransferStates` (§6.6). slskd writes them as member names joined by ", "."""

    NONE = 0
    REQUESTED = 1
    QUEUED = 2
    INITIALIZING = 4
    IN_PROGRESS = 8
    COMPLETED = 16
    SUCCEEDED = 32
    CANCELLED = 64
    TIMED_OUT = 128
    ERRORED = 256
    REJECTED = 512
    ABORTED = 1024
    LOCALLY = 2048
    REMOTELY = 4096

    @classmethod
    def parse(cls, value: str | int) -> TransferState:
        """`"Completed, Succeeded"` → COMPLETED|SUCCEEDED. Unknown names (a newer slskd) are ignored: the raw text
        stays in `Transfer.state_text`."""
        if isinstance(value, int):
            return cls(value)
        state = cls.NONE
        for name in value.split(","):
            state |= _TRANSFER_STATE_NAMES.get(name.strip().lower(), cls.NONE)
        return state

    @property
    def is_terminal(self) -> bool:
        return TransferState.COMPLETED in self

    @property
    def is_success(self) -> bool:
        # Only exactly "Completed, Succeeded": "Completed, TimedOut" with 0 bytes is not a download (§6.6).
        return self == TransferState.COMPLETED | TransferState.SUCCEEDED

    @property
    def is_failure(self) -> bool:
        return self.is_terminal and not self.is_success

    @property
    def is_queued_locally(self) -> bool:
        return not self.is_terminal and TransferState.QUEUED | TransferState.LOCALLY in self

    @property
    def is_queued_remotely(self) -> bool:
        return not self.is_terminal and TransferState.QUEUED | TransferState.REMOTELY in self

    @property
    def is_in_progress(self) -> bool:
        """Bytes are flowing (the `InProgress` state), as opposed to merely not finished."""
        return not self.is_terminal and TransferState.IN_PROGRESS in self

    @property
    def failure_kind(self) -> FailureKind | None:
        """Why a terminal transfer failed; None unless `is_failure`. Rejected/aborted are permanent for that
        peer and file, timed_out/errored worth another try, cancelled was us (§6.6)."""
        if not self.is_failure:
            return None
        for flag, kind in _FAILURE_KINDS:
            if flag in self:
                return kind
        return "errored"


_TRANSFER_STATE_NAMES: dict[str, TransferState] = {
    "none": TransferState.NONE,
    "requested": TransferState.REQUESTED,
    "queued": TransferState.QUEUED,
    "initializing": TransferState.INITIALIZING,
    "inprogress": TransferState.IN_PROGRESS,
    "completed": TransferState.COMPLETED,
    "succeeded": TransferState.SUCCEEDED,
    "cancelled": TransferState.CANCELLED,
    "timedout": TransferState.TIMED_OUT,
    "errored": TransferState.ERRORED,
    "rejected": TransferState.REJECTED,
    "aborted": TransferState.ABORTED,
    "locally": TransferState.LOCALLY,
    "remotely": TransferState.REMOTELY,
}

_FAILURE_KINDS: tuple[tuple[TransferState, FailureKind], ...] = (
    (TransferState.REJECTED, "rejected"),
    (TransferState.ABORTED, "aborted"),
    (TransferState.TIMED_OUT, "timed_out"),
    (TransferState.ERRORED, "errored"),
    (TransferState.CANCELLED, "cancelled"),
)


@dataclass(frozen=True, slots=True)
class Transfer:
    """One download (§6.5). `exception` is slskd's failure text; `attempts`/`removed` are 0/False before 0.25/0.26."""

    id: uuid.UUID
    username: str
    filename: str
    size: int
    state: TransferState
    state_text: str
    bytes_transferred: int
    average_speed: float
    percent_complete: float
    requested_at: datetime | None
    enqueued_at: datetime | None
    started_at: datetime | None
    ended_at: datetime | None
    place_in_queue: int | None
    exception: str | None
    attempts: int
    removed: bool
    elapsed_time: timedelta | None
    remaining_time: timedelta | None


@dataclass(frozen=True, slots=True)
class DirectoryListing:
    """One remote folder (§5). Each file's `filename` is the full remote path, ready to enqueue."""

    name: str
    files: tuple[SearchFile, ...]


@dataclass(frozen=True, slots=True)
class Event:
    """An entry of `GET /api/v0/events` (§8); `data` is the event payload without id/type/timestamp."""

    id: uuid.UUID
    type: str
    timestamp: datetime
    data: dict[str, Any]


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


def _preview(value: object) -> str:
    return json.dumps(value)[:120] if not isinstance(value, str) else repr(value[:120])


def _same_id(value: object, wanted: uuid.UUID) -> bool:
    if not isinstance(value, str):
        return False
    try:
        return uuid.UUID(value) == wanted
    except ValueError:
        return False


_TIMESTAMP = re.compile(
    r"(?P<date>\d{4}-\d{2}-\d{2})[T ](?P<time>\d{2}:\d{2}:\d{2})(?:\.(?P<fraction>\d{1,7}))?"
    r"(?P<zone>Z|[+-]\d{2}:\d{2})?"
)
_TIMESPAN = re.compile(
    r"(?P<sign>-)?(?:(?P<days>\d+)\.)?(?P<hours>\d{1,2}):(?P<minutes>\d{2}):(?P<seconds>\d{2})"
    r"(?:\.(?P<fraction>\d{1,7}))?"
)


def parse_timestamp(value: str) -> datetime | None:
    """An slskd DateTime as an aware UTC datetime. slskd writes UTC with or without `Z` and up to 7 fractional
    digits (§1); .NET's default value (year 1) means "not set" and becomes None."""
    match = _TIMESTAMP.fullmatch(value.strip())
    if match is None:
        raise ValueError(f"not an ISO-8601 timestamp: {value!r}")
    fraction = (match["fraction"] or "").ljust(6, "0")[:6]
    naive = datetime.fromisoformat(f"{match['date']}T{match['time']}.{fraction}")
    if naive.year == 1:
        return None
    zone = match["zone"]
    if zone is None or zone == "Z":
        return naive.replace(tzinfo=UTC)
    sign = 1 if zone[0] == "+" else -1
    offset = timedelta(hours=int(zone[1:3]), minutes=int(zone[4:6])) * sign
    return naive.replace(tzinfo=timezone(offset)).astimezone(UTC)


def parse_timespan(value: str) -> timedelta:
    """A .NET TimeSpan (`"00:00:41.2034567"`, `"1.02:03:04"`) as a timedelta (§1)."""
    match = _TIMESPAN.fullmatch(value.strip())
    if match is None:
        raise ValueError(f"not a TimeSpan: {value!r}")
    ticks = int((match["fraction"] or "").ljust(7, "0"))
    span = timedelta(
        days=int(match["days"] or 0),
        hours=int(match["hours"]),
        minutes=int(match["minutes"]),
        seconds=int(match["seconds"]),
        microseconds=ticks // 10,
    )
    return -span if match["sign"] else span


def _bad(what: str, key: str, value: object) -> SlskdBadResponse:
    return SlskdBadResponse(SERVICE, f"{what}: field {key!r} is {_preview(value)}")


def _required(raw: Mapping[str, Any], key: str, kind: type[_T], what: str) -> _T:
    value = _optional(raw, key, kind, what)
    if value is None:
        raise _bad(what, key, None)
    return value


def _optional(raw: Mapping[str, Any], key: str, kind: type[_T], what: str) -> _T | None:
    value = raw.get(key)
    if value is None:
        return None
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)  # type: ignore[return-value]  # int → float for a float field
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise _bad(what, key, value)
    return value


def _optional_time(raw: Mapping[str, Any], key: str, what: str) -> datetime | None:
    value = _optional(raw, key, str, what)
    if value is None:
        return None
    try:
        return parse_timestamp(value)
    except ValueError as exc:
        raise _bad(what, key, value) from exc


def _optional_span(raw: Mapping[str, Any], key: str, what: str) -> timedelta | None:
    value = _optional(raw, key, str, what)
    if value is None:
        return None
    try:
        return parse_timespan(value)
    except ValueError as exc:
        raise _bad(what, key, value) from exc


def _uuid(raw: Mapping[str, Any], key: str, what: str) -> uuid.UUID:
    value = _required(raw, key, str, what)
    try:
        return uuid.UUID(value)
    except ValueError as exc:
        raise _bad(what, key, value) from exc


def _list_of_objects(value: object, what: str) -> list[JsonObject]:
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise SlskdBadResponse(SERVICE, f"{what}: expected a list of objects, got {_preview(value)}")
    return value


def _parse_search(raw: JsonObject) -> Search:
    what = "search"
    state = _required(raw, "state", str, what)
    started_at = _optional_time(raw, "startedAt", what)
    if started_at is None:
        raise _bad(what, "startedAt", raw.get("startedAt"))
    is_complete = _optional(raw, "isComplete", bool, what)
    return Search(
        id=_uuid(raw, "id", what),
        search_text=_required(raw, "searchText", str, what),
        state=state,
        is_complete="Completed" in state if is_complete is None else is_complete,
        started_at=started_at,
        ended_at=_optional_time(raw, "endedAt", what),
        response_count=_optional(raw, "responseCount", int, what) or 0,
        file_count=_optional(raw, "fileCount", int, what) or 0,
        locked_file_count=_optional(raw, "lockedFileCount", int, what) or 0,
    )


_ATTRIBUTE_FIELDS = {
    "BitRate": "bitRate",
    "BitDepth": "bitDepth",
    "SampleRate": "sampleRate",
    "Length": "length",
    "VariableBitRate": "isVariableBitRate",
}


def _parse_file(raw: JsonObject, *, filename: str | None = None, locked: bool = False) -> SearchFile:
    what = "file"
    # Browse results also carry a generic attribute list; the named fields win where both exist.
    values = dict(raw)
    attributes = raw.get("attributes")
    if isinstance(attributes, list):
        for attribute in attributes:
            if isinstance(attribute, dict) and attribute.get("type") in _ATTRIBUTE_FIELDS:
                field = _ATTRIBUTE_FIELDS[attribute["type"]]
                if values.get(field) is None:
                    value = attribute.get("value")
                    values[field] = bool(value) if field == "isVariableBitRate" and isinstance(value, int) else value
    return SearchFile(
        filename=filename if filename is not None else _required(raw, "filename", str, what),
        size=_required(values, "size", int, what),
        extension=_optional(values, "extension", str, what) or "",
        bit_rate=_optional(values, "bitRate", int, what),
        bit_depth=_optional(values, "bitDepth", int, what),
        sample_rate=_optional(values, "sampleRate", int, what),
        length=_optional(values, "length", int, what),
        is_variable_bit_rate=_optional(values, "isVariableBitRate", bool, what),
        # slskd writes isLocked false even inside lockedFiles (§4.4); the list it came from is the truth.
        is_locked=locked or bool(_optional(values, "isLocked", bool, what)),
    )


def _parse_search_response(raw: JsonObject) -> SearchResponse:
    what = "search response"
    files = tuple(_parse_file(item) for item in _list_of_objects(raw.get("files", []), "files"))
    locked = tuple(
        _parse_file(item, locked=True) for item in _list_of_objects(raw.get("lockedFiles") or [], "lockedFiles")
    )
    file_count = _optional(raw, "fileCount", int, what)
    locked_count = _optional(raw, "lockedFileCount", int, what)
    return SearchResponse(
        username=_required(raw, "username", str, what),
        files=files,
        locked_files=locked,
        has_free_upload_slot=bool(_optional(raw, "hasFreeUploadSlot", bool, what)),
        queue_length=_optional(raw, "queueLength", int, what) or 0,
        upload_speed=_optional(raw, "uploadSpeed", int, what) or 0,
        file_count=len(files) if file_count is None else file_count,
        locked_file_count=len(locked) if locked_count is None else locked_count,
        token=_optional(raw, "token", int, what),
    )


def _parse_directory(raw: JsonObject) -> DirectoryListing:
    name = _required(raw, "name", str, "directory")
    # slskd guesses the separator the same way: a path with "/" in it uses "/", any other "\" (§7.1).
    separator = "/" if "/" in name else "\\"
    prefix = name if not name or name.endswith(separator) else name + separator
    files = tuple(
        _parse_file(item, filename=prefix + _required(item, "filename", str, "file"))
        for item in _list_of_objects(raw.get("files") or [], "files")
    )
    return DirectoryListing(name=name, files=files)


def _parse_transfer(raw: JsonObject) -> Transfer:
    what = "transfer"
    state_value = raw.get("state")
    if isinstance(state_value, bool) or not isinstance(state_value, str | int):
        raise _bad(what, "state", state_value)
    return Transfer(
        id=_uuid(raw, "id", what),
        username=_required(raw, "username", str, what),
        filename=_required(raw, "filename", str, what),
        size=_required(raw, "size", int, what),
        state=TransferState.parse(state_value),
        state_text=str(state_value),
        bytes_transferred=_optional(raw, "bytesTransferred", int, what) or 0,
        average_speed=_optional(raw, "averageSpeed", float, what) or 0.0,
        percent_complete=_optional(raw, "percentComplete", float, what) or 0.0,
        requested_at=_optional_time(raw, "requestedAt", what),
        enqueued_at=_optional_time(raw, "enqueuedAt", what),
        started_at=_optional_time(raw, "startedAt", what),
        ended_at=_optional_time(raw, "endedAt", what),
        place_in_queue=_optional(raw, "placeInQueue", int, what),
        exception=_optional(raw, "exception", str, what),
        attempts=_optional(raw, "attempts", int, what) or 0,
        removed=bool(_optional(raw, "removed", bool, what)),
        elapsed_time=_optional_span(raw, "elapsedTime", what),
        remaining_time=_optional_span(raw, "remainingTime", what),
    )


def _parse_event(raw: JsonObject) -> Event:
    what = "event"
    timestamp = _optional_time(raw, "timestamp", what)
    if timestamp is None:
        raise _bad(what, "timestamp", raw.get("timestamp"))
    data = raw.get("data")
    if isinstance(data, str):
        try:
            data = json.loads(data) if data.strip() else {}
        except ValueError as exc:
            raise _bad(what, "data", data) from exc
    if not isinstance(data, dict):
        raise _bad(what, "data", data)
    return Event(id=_uuid(raw, "id", what), type=_required(raw, "type", str, what), timestamp=timestamp, data=data)


def from_settings(*, timeout: float = 10.0) -> SlskdClient:
    from django.conf import settings

    return SlskdClient(
        base_url=settings.SLSKD_URL,
        api_key=settings.SLSKD_API_KEY,
        timeout=timeout,
        user_agent=settings.HARMONY_HTTP_USER_AGENT,
    )
