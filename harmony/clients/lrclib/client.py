"""The LRCLIB client: lookups by metadata and by id, and search (metadata_services.md §5.2).

It sends Harmony's client id both as `Lrclib-Client` (what LRCLIB asks for) and as the User-Agent. It does not
choose between candidates: ranking by duration window, synced-over-plain and album belongs to the caller, which
knows the wanted track.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import requests

from harmony.clients.http import ServiceSession, ServiceUnavailable, retry_after_seconds
from harmony.clients.lrclib.data import LyricsRecord, parse_record, parse_records
from harmony.clients.lrclib.errors import SERVICE, LrclibRejected, LrclibUnavailable

DURATION_RANGE_S = (1, 3600)  # what /api/get accepts; anything else is a 400
DEFAULT_RETRY_AFTER_S = 60.0  # LRCLIB documents no rate limit; a 429 without Retry-After waits a minute
_MISSING = object()  # LRCLIB's TrackNotFound, told apart from any JSON value a body can hold


class LrclibClient:
    def __init__(self, *, base_url: str, client_id: str, timeout: float = 10.0, retries: int = 2) -> None:
        """`retries`: the session's own retries of connection errors and 502/503/504 within one call."""
        self.base_url = base_url
        self.session = ServiceSession(
            service=SERVICE, base_url=base_url, timeout=timeout, user_agent=client_id, retries=retries
        )
        self.session.headers["Lrclib-Client"] = client_id

    def __repr__(self) -> str:
        return f"LrclibClient(base_url={self.base_url!r})"

    def close(self) -> None:
        self.session.close()

    def get(
        self,
        *,
        track: str,
        artist: str,
        album: str = "",
        duration_s: float | None = None,
        cached_only: bool = False,
    ) -> LyricsRecord | None:
        """The record LRCLIB matches to this track (normalised title and artist, album when given, duration within
        ±2 s when given), or None. `duration_s` is sent rounded to whole seconds, and left out when unknown or
        outside 1–3600 s. `cached_only` asks `/api/get-cached`, which never queues an external lookup."""
        params: dict[str, str | int] = {"track_name": track, "artist_name": artist}
        if album:
            params["album_name"] = album
        duration = request_duration(duration_s)
        if duration is not None:
            params["duration"] = duration
        body = self._get("api/get-cached" if cached_only else "api/get", params, missing_ok=True)
        return None if body is _MISSING else parse_record(body)

    def by_id(self, record_id: int) -> LyricsRecord | None:
        """The record with this LRCLIB id, or None."""
        body = self._get(f"api/get/{int(record_id)}", {}, missing_ok=True)
        return None if body is _MISSING else parse_record(body)

    def search(self, *, track: str = "", artist: str = "", album: str = "", q: str = "") -> list[LyricsRecord]:
        """Up to 20 records in LRCLIB's rank order: by `q` (any field) when given, else by `track` with optional
        `artist` and `album`."""
        params: dict[str, str | int] = {"q": q} if q else {"track_name": track}
        if not q:
            params.update({key: value for key, value in (("artist_name", artist), ("album_name", album)) if value})
        return parse_records(self._get("api/search", params, missing_ok=False))

    def _get(self, path: str, params: Mapping[str, str | int], *, missing_ok: bool) -> object:
        """The JSON body of a GET; `_MISSING` for LRCLIB's TrackNotFound when `missing_ok`. A 404 with any other
        body (a wrong base URL, a proxy's page) is a rejection, not "no lyrics"."""
        try:
            response = self.session.get(path, params=params)
        except ServiceUnavailable as exc:
            raise LrclibUnavailable(SERVICE, exc.message, status=exc.status) from None
        except requests.exceptions.ChunkedEncodingError:
            raise LrclibUnavailable(SERVICE, f"connection broken while reading {path}") from None
        if response.status_code == 404 and missing_ok and _error_name(response) == "TrackNotFound":
            return _MISSING
        if response.status_code >= 400:
            raise _error_for(response, path)
        try:
            body: object = response.json()
        except ValueError:
            kind = response.headers.get("Content-Type", "no content type")
            raise LrclibRejected(
                SERVICE, f"expected JSON from {path}, got {kind}", status=response.status_code
            ) from None
        return body


def request_duration(duration_s: float | None) -> int | None:
    """Seconds as /api/get takes them: rounded half up to an integer, None when unknown or out of range."""
    if duration_s is None or not math.isfinite(duration_s):
        return None
    seconds = math.floor(duration_s + 0.5)
    low, high = DURATION_RANGE_S
    return seconds if low <= seconds <= high else None


def _error_body(response: requests.Response) -> dict[str, Any]:
    """LRCLIB's error object `{"message", "name", "statusCode"}`, or {} when the body is something else."""
    try:
        body: Any = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _error_name(response: requests.Response) -> str | None:
    name = _error_body(response).get("name")
    return name if isinstance(name, str) else None


def _error_text(response: requests.Response) -> str:
    """The text `name: message` of LRCLIB's error object (a ValidationError's message names the parameter), or the
    HTTP reason."""
    message = _error_body(response).get("message")
    if not isinstance(message, str) or not message:
        return response.reason or "error"
    name = _error_name(response)
    return f"{name}: {message}" if name else message


def _error_for(response: requests.Response, path: str) -> LrclibUnavailable | LrclibRejected:
    status = response.status_code
    message = f"{status} {_error_text(response)} ({path})"[:300]
    if status == 429:
        retry_after = retry_after_seconds(response)
        return LrclibUnavailable(
            SERVICE, message, status=status, retry_after_s=DEFAULT_RETRY_AFTER_S if retry_after is None else retry_after
        )
    if status >= 500:
        return LrclibUnavailable(SERVICE, message, status=status, retry_after_s=retry_after_seconds(response))
    return LrclibRejected(SERVICE, message, status=status)
