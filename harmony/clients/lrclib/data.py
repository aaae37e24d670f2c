"""An LRCLIB record as a typed value, and the parsing of its JSON (metadata_services.md §5.2).

Parsing is lenient where LRCLIB is: unknown keys (`lang`, `isrc`, `lyricsfile`, …) are ignored, null or empty
lyrics are None. It is strict about what a record cannot lack (`id`, track and artist names): a body without them
is malformed and raises LrclibRejected.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from harmony.clients.lrclib.errors import SERVICE, LrclibRejected


@dataclass(frozen=True, slots=True)
class LyricsRecord:
    """One LRCLIB record. `synced` is LRC text (`[mm:ss.xx] text` lines); `plain` the same without stamps. Either
    may be None while `instrumental` is False; an instrumental record has neither."""

    id: int
    track: str
    artist: str
    album: str | None
    duration_s: float | None
    instrumental: bool
    plain: str | None
    synced: str | None


def _preview(value: object) -> str:
    text = value if isinstance(value, str) else json.dumps(value, default=str)
    return text if len(text) <= 120 else text[:117] + "..."


def _text(value: object) -> str | None:
    """A string with something in it; LRCLIB has empty strings where it means "none"."""
    return value if isinstance(value, str) and value.strip() else None


def _required_str(body: dict[str, Any], *keys: str) -> str:
    for key in keys:
        value = body.get(key)
        if isinstance(value, str):
            return value
    raise LrclibRejected(SERVICE, f"record without a {keys[0]!r}: {_preview(body)}")


def parse_record(body: object) -> LyricsRecord:
    """One record; raises LrclibRejected when `body` is not a record."""
    if not isinstance(body, dict):
        raise LrclibRejected(SERVICE, f"expected a record object, got {_preview(body)}")
    record_id = body.get("id")
    if not isinstance(record_id, int) or isinstance(record_id, bool):
        raise LrclibRejected(SERVICE, f"record without an integer 'id': {_preview(body)}")
    duration = body.get("duration")
    return LyricsRecord(
        id=record_id,
        track=_required_str(body, "trackName", "name"),
        artist=_required_str(body, "artistName"),
        album=_text(body.get("albumName")),
        duration_s=float(duration) if isinstance(duration, int | float) and not isinstance(duration, bool) else None,
        instrumental=body.get("instrumental") is True,
        plain=_text(body.get("plainLyrics")),
        synced=_text(body.get("syncedLyrics")),
    )


def parse_records(body: object) -> list[LyricsRecord]:
    """A search answer: a JSON array of records."""
    if not isinstance(body, list):
        raise LrclibRejected(SERVICE, f"expected an array of records, got {_preview(body)}")
    return [parse_record(item) for item in body]
