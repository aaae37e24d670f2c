"""What slskd answers, as typed values, and the parsing of its camelCase JSON (contracts/slskd.md §1, §4–§8).

Absent fields are None; timestamps are UTC whether or not they carry a `Z`; filenames and sizes are kept
byte-for-byte (they travel back to slskd unchanged).
"""

from __future__ import annotations

import enum
import json
import re
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from typing import Any, Literal, TypeVar

from harmony.clients.slskd.errors import SERVICE, SlskdBadResponse

JsonObject = dict[str, Any]
FailureKind = Literal["rejected", "aborted", "timed_out", "errored", "cancelled"]
_T = TypeVar("_T")


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


def _optional_parsed(raw: Mapping[str, Any], key: str, what: str, parse: Callable[[str], _T | None]) -> _T | None:
    value = _optional(raw, key, str, what)
    if value is None:
        return None
    try:
        return parse(value)
    except ValueError as exc:
        raise _bad(what, key, value) from exc


def _optional_time(raw: Mapping[str, Any], key: str, what: str) -> datetime | None:
    return _optional_parsed(raw, key, what, parse_timestamp)


def _optional_span(raw: Mapping[str, Any], key: str, what: str) -> timedelta | None:
    return _optional_parsed(raw, key, what, parse_timespan)


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


def _preview(value: object) -> str:
    return json.dumps(value)[:120] if not isinstance(value, str) else repr(value[:120])
