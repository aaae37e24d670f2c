"""The LRCLIB emulator: the read endpoints of lrclib.net (metadata_services.md §5.2) over the demo records."""

from __future__ import annotations

import argparse
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass

from werkzeug.routing import Rule
from werkzeug.wrappers import Request, Response

from emulators.base import EmulatorApp, json_response
from emulators.lrclib.dataset import RECORDS, LyricsData, normalize

SEARCH_LIMIT = 20
DURATION_TOLERANCE_S = 2.0
DURATION_RANGE_S = (1.0, 3600.0)
TRACK_NOT_FOUND = {"message": "Failed to find specified track", "name": "TrackNotFound", "statusCode": 404}
_FIELD_WEIGHTS = (3, 2, 1)  # a word in the title counts more than in the artist, more than in the album
_FAILURE_NAMES = {429: "TooManyRequests", 500: "UnknownError", 502: "BadGateway", 503: "ServiceUnavailable"}


def api_error(status: int, name: str, message: str) -> Response:
    """LRCLIB's one error shape: `{"message", "name", "statusCode"}`."""
    return json_response({"message": message, "name": name, "statusCode": status}, status=status)


def validation_error(message: str) -> Response:
    return api_error(400, "ValidationError", message)


@dataclass(frozen=True)
class SeenRequest:
    """One request as the emulator received it; tests assert on the client id headers."""

    method: str
    path: str
    args: dict[str, str]
    lrclib_client: str | None
    user_agent: str | None


class LrclibEmulator(EmulatorApp):
    """LRCLIB's `/api/get`, `/api/get-cached`, `/api/get/{id}` and `/api/search`. Knobs for tests: `fail_next()`,
    `latency_s`; `seen` lists every request and `request_count` counts them."""

    name = "lrclib"
    routes = [
        Rule("/api/get", endpoint="get", methods=["GET"]),
        Rule("/api/get-cached", endpoint="get", methods=["GET"]),
        Rule("/api/get/<record_id>", endpoint="get_by_id", methods=["GET"]),
        Rule("/api/search", endpoint="search", methods=["GET"]),
    ]

    def __init__(self, *, records: Sequence[LyricsData] = RECORDS, latency_s: float = 0.0) -> None:
        super().__init__()
        self.records = tuple(records)
        self.latency_s = latency_s
        self.seen: list[SeenRequest] = []
        self._failures = 0
        self._failure_status = 500
        self._failure_retry_after: int | None = None

    @property
    def request_count(self) -> int:
        return len(self.seen)

    def fail_next(self, n: int = 1, *, status: int = 500, retry_after: int | None = None) -> None:
        """The next `n` requests answer `status` (LRCLIB's error shape), with `Retry-After` when given."""
        with self.lock:
            self._failures = n
            self._failure_status = status
            self._failure_retry_after = retry_after

    def dispatch(self, request: Request) -> Response:
        with self.lock:
            self.seen.append(
                SeenRequest(
                    method=request.method,
                    path=request.path,
                    args=dict(request.args.items()),
                    lrclib_client=request.headers.get("Lrclib-Client"),
                    user_agent=request.headers.get("User-Agent"),
                )
            )
            failing = self._failures > 0
            if failing:
                self._failures -= 1
            status, retry_after = self._failure_status, self._failure_retry_after
        if self.latency_s > 0:
            time.sleep(self.latency_s)
        if failing:
            response = api_error(status, _FAILURE_NAMES.get(status, "UnknownError"), "Emulated failure")
            if retry_after is not None:
                response.headers["Retry-After"] = str(retry_after)
            return response
        return super().dispatch(request)

    def get(self, request: Request) -> Response:
        track = request.args.get("track_name", "").strip()
        artist = request.args.get("artist_name", "").strip()
        album = request.args.get("album_name", "").strip()
        if not track:
            return validation_error("track_name: must not be empty")
        if not artist:
            return validation_error("artist_name: must not be empty")
        duration: float | None = None
        if "duration" in request.args:
            duration = _duration(request.args["duration"])
            if duration is None:
                low, high = DURATION_RANGE_S
                return validation_error(f"duration: must be a number from {low:.0f} to {high:.0f}")
        record = self.match(track=track, artist=artist, album=album, duration=duration)
        if record is None:
            return json_response(TRACK_NOT_FOUND, status=404)
        return json_response(record.as_json())

    def get_by_id(self, request: Request, record_id: str) -> Response:
        if not record_id.isdigit():
            return validation_error("id: must be a positive integer")
        for record in self.records:
            if record.id == int(record_id):
                return json_response(record.as_json())
        return json_response(TRACK_NOT_FOUND, status=404)

    def search(self, request: Request) -> Response:
        q = request.args.get("q", "").strip()
        track = request.args.get("track_name", "").strip()
        if not q and not track:
            return validation_error("q or track_name: one of them must not be empty")
        if q:
            hits = self.search_text(q)
        else:
            hits = self.search_fields(
                track=track,
                artist=request.args.get("artist_name", "").strip(),
                album=request.args.get("album_name", "").strip(),
            )
        return json_response([record.as_json() for record in hits[:SEARCH_LIMIT]])

    def match(self, *, track: str, artist: str, album: str = "", duration: float | None = None) -> LyricsData | None:
        """`/api/get`'s rule: normalised title and artist equal, album equal when given, duration within ±2 s when
        given; among several, the nearest duration, then database order."""
        wanted = (normalize(track), normalize(artist), normalize(album))
        candidates = [
            record
            for record in self.records
            if (normalize(record.track), normalize(record.artist)) == wanted[:2]
            and (not album or normalize(record.album) == wanted[2])
            and (duration is None or abs(record.duration - duration) <= DURATION_TOLERANCE_S)
        ]
        if not candidates:
            return None
        if duration is None:
            return candidates[0]
        return min(candidates, key=lambda record: abs(record.duration - duration))

    def search_text(self, q: str) -> list[LyricsData]:
        """`q`: every word in some field; ranked by where the words hit (title over artist over album), an exact
        title first."""
        words = normalize(q).split()
        scored = []
        for order, record in enumerate(self.records):
            fields = [set(normalize(value).split()) for value in (record.track, record.artist, record.album)]
            if not all(any(word in field for field in fields) for word in words):
                continue
            weighted = zip(_FIELD_WEIGHTS, fields, strict=True)
            score = sum(weight for weight, field in weighted for word in words if word in field)
            score += 10 if normalize(record.track) == normalize(q) else 0
            scored.append((-score, order, record))
        return [record for *_, record in sorted(scored, key=lambda item: item[:2])]

    def search_fields(self, *, track: str, artist: str = "", album: str = "") -> list[LyricsData]:
        """`track_name` (+ `artist_name`, `album_name`): each given field's words in that field; an exact title
        first, then the fewest extra title words, then database order."""
        wanted = [(normalize(value).split(), index) for index, value in enumerate((track, artist, album)) if value]
        scored = []
        for order, record in enumerate(self.records):
            fields = [normalize(value).split() for value in (record.track, record.artist, record.album)]
            if not all(set(words) <= set(fields[index]) for words, index in wanted):
                continue
            exact = normalize(record.track) == normalize(track)
            scored.append((not exact, len(fields[0]), order, record))
        return [record for *_, record in sorted(scored, key=lambda item: item[:3])]


def _duration(value: str) -> float | None:
    try:
        seconds = float(value)
    except ValueError:
        return None
    low, high = DURATION_RANGE_S
    return seconds if math.isfinite(seconds) and low <= seconds <= high else None


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--latency", type=float, default=0.0, help="seconds to wait before every answer")


def build(args: argparse.Namespace) -> LrclibEmulator:
    return LrclibEmulator(latency_s=getattr(args, "latency", 0.0))
