"""How slskd writes things on the wire (§1): System.Text.Json bodies, flag enums, .NET dates and time spans."""

from __future__ import annotations

import enum
import json
import math
import time
from datetime import UTC, datetime
from typing import Any

from werkzeug.wrappers import Response

_DOTNET_EPOCH_OFFSET_S = 62_135_596_800  # seconds from 0001-01-01 to 1970-01-01


class TransferStates(enum.IntFlag):
    NONE = 0
    Requested = 1
    Queued = 2
    Initializing = 4
    InProgress = 8
    Completed = 16
    Succeeded = 32
    Cancelled = 64
    TimedOut = 128
    Errored = 256
    Rejected = 512
    Aborted = 1024
    Locally = 2048
    Remotely = 4096


class SearchStates(enum.IntFlag):
    NONE = 0
    Requested = 1
    InProgress = 2
    Completed = 4
    Cancelled = 8
    TimedOut = 16
    ResponseLimitReached = 32
    FileLimitReached = 64
    Errored = 128
    Queued = 256


class ClientStates(enum.IntFlag):
    NONE = 0
    Disconnected = 1
    Connected = 2
    LoggedIn = 4
    Connecting = 8
    LoggingIn = 16
    Disconnecting = 32


def flag_text(value: enum.IntFlag) -> str:
    """A [Flags] enum as System.Text.Json writes it: member names in ascending value, joined by ", "."""
    members = [member for member in type(value) if member.value and member.value & value.value == member.value]
    if not members:
        return "None"
    return ", ".join(str(member.name) for member in sorted(members, key=lambda member: member.value))


def compact(obj: dict[str, Any]) -> dict[str, Any]:
    """Drop null members: slskd's serializer omits them instead of writing null."""
    return {key: value for key, value in obj.items() if value is not None}


def dumps(body: Any) -> str:
    # Compact separators and \uXXXX escapes for non-ASCII, like System.Text.Json's defaults.
    return json.dumps(body, separators=(",", ":"))


def json_body(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(dumps(body), status=status, headers=headers, content_type="application/json; charset=utf-8")


def message(text: str, status: int) -> Response:
    """A controller's error message: a JSON string literal, quotes included."""
    return json_body(text, status=status)


def empty(status: int, headers: dict[str, str] | None = None) -> Response:
    return Response(b"", status=status, headers=headers)


def _fraction_7(timestamp: float) -> tuple[int, int]:
    seconds = math.floor(timestamp)
    ticks = round((timestamp - seconds) * 10_000_000)
    if ticks == 10_000_000:
        seconds, ticks = seconds + 1, 0
    return seconds, ticks


def iso_utc(timestamp: float | None, *, zulu: bool = True) -> str | None:
    """ISO-8601 with 7 fractional digits; `zulu=False` for the values read back from SQLite without a kind."""
    if timestamp is None:
        return None
    seconds, ticks = _fraction_7(timestamp)
    text = datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%S") + f".{ticks:07d}"
    return text + "Z" if zulu else text


def timespan(seconds: float | None) -> str | None:
    """A .NET TimeSpan: "hh:mm:ss.fffffff", with a "d." prefix from one day on."""
    if seconds is None:
        return None
    whole, ticks = _fraction_7(max(0.0, seconds))
    days, rest = divmod(whole, 86_400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    text = f"{hours:02d}:{minutes:02d}:{secs:02d}.{ticks:07d}"
    return f"{days}.{text}" if days else text


def dotnet_ticks(timestamp: float | None = None) -> int:
    """100-ns ticks since 0001-01-01, the number slskd appends to a file name on collision."""
    now = time.time() if timestamp is None else timestamp
    return int((now + _DOTNET_EPOCH_OFFSET_S) * 10_000_000)


def parse_version(text: str) -> tuple[int, int, int]:
    """ "0.26.0", "0.26.0.0" or "v0.22.3" -> (0, 26, 0)."""
    parts = text.strip().lstrip("vV").split("-")[0].split(".")
    try:
        numbers = [int(part) for part in parts[:3]]
    except ValueError:
        raise ValueError(f"not an slskd version: {text!r}") from None
    while len(numbers) < 3:
        numbers.append(0)
    return numbers[0], numbers[1], numbers[2]


class Clock:
    """Monotonic time for scheduling, mapped onto the wall clock for the timestamps slskd shows."""

    def __init__(self) -> None:
        self._wall_at_start = time.time()
        self._mono_at_start = time.monotonic()

    def now(self) -> float:
        return time.monotonic()

    def wall(self, moment: float | None) -> float | None:
        return None if moment is None else self._wall_at_start + (moment - self._mono_at_start)

    def wall_iso(self, moment: float | None) -> str | None:
        return iso_utc(self.wall(moment))
