"""Cell values every format shares: durations, ISRCs, track numbers, header names and the alias table
(import_formats.md §2.3 "Header alias table")."""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Sequence
from typing import Final

ISRC_RE: Final = re.compile(r"[A-Z]{2}[A-Z0-9]{3}\d{7}")
CLOCK_PATTERN: Final = r"(?:\d{1,2}:)?\d{1,3}:[0-5]\d"
_CLOCK_RE: Final = re.compile(r"(?:(\d{1,2}):)?(\d{1,3}):([0-5]\d)(?:\.\d+)?")
_NUMBER_RE: Final = re.compile(r"\d+(?:\.\d+)?")
# Bare numbers above this are milliseconds (no track lasts 2 h 46 min; few last under 10 s).
_MS_THRESHOLD: Final = 10_000

# "Artist Name(s)", German "Künstlername(n)": the plural mark is dropped before matching.
_PLURAL_MARK_RE: Final = re.compile(r"\((?:s|n|en|es|e)\)")
_CAMEL_RE: Final = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_NON_ALNUM_RE: Final = re.compile(r"[\W_]+")

# Role -> accepted normalised header names, most specific first (the first matching column wins).
ROLE_ALIASES: Final[dict[str, tuple[str, ...]]] = {
    "artist": ("artist name", "artist", "artists", "artist names", "artistname"),
    "title": ("track name", "title", "song name", "trackname", "song", "track"),
    "album": ("album name", "album", "albumname"),
    "duration": (
        "track duration ms",
        "duration ms",
        "track duration",
        "duration",
        "length",
        "length ms",
        "duration s",
    ),
    "isrc": ("isrc",),
    "spotify": ("track uri", "spotify uri", "spotify id", "trackuri", "spotify track id", "uri", "url"),
    "playlist": ("playlist name", "playlist"),
    "track_number": ("track number", "tracknumber", "track no"),
}


def normalise_header(name: str) -> str:
    """`"Track Duration (ms)"` -> `"track duration ms"`, `"trackUri"` -> `"track uri"`, `"Spotify - id"` ->
    `"spotify id"`."""
    name = unicodedata.normalize("NFKC", name).replace("\ufeff", "").strip()
    name = _PLURAL_MARK_RE.sub("", _CAMEL_RE.sub(" ", name).lower())
    return _NON_ALNUM_RE.sub(" ", name).strip()


def map_roles(headers: Sequence[str]) -> dict[str, int]:
    """Column index per role for normalised headers; roles without a column are absent."""
    positions: dict[str, int] = {}
    for index, header in enumerate(headers):
        positions.setdefault(header, index)
    roles: dict[str, int] = {}
    for role, aliases in ROLE_ALIASES.items():
        for alias in aliases:
            if alias in positions and positions[alias] not in roles.values():
                roles[role] = positions[alias]
                break
    return roles


def is_milliseconds_header(header: str) -> bool:
    return "ms" in header.split()


def clean_isrc(value: str) -> str:
    """Upper-case ISRC without the hyphens some tools print (`US-RC1-76-07839`), or "" when it is not one."""
    candidate = value.strip().upper().replace("-", "").replace(" ", "")
    return candidate if ISRC_RE.fullmatch(candidate) else ""


def clock_seconds(value: str) -> float | None:
    """`"3:45"` / `"1:02:03"` -> seconds; None for anything else."""
    match = _CLOCK_RE.fullmatch(value.strip())
    if match is None:
        return None
    hours, minutes, seconds = match.groups()
    total = int(hours or 0) * 3600 + int(minutes) * 60 + int(seconds)
    return float(total) if total > 0 else None


def parse_duration(value: object, *, unit_ms: bool = False) -> float | None:
    """Seconds from a number or string: milliseconds when the column says so or the number exceeds 10 000,
    seconds otherwise; `m:ss` clocks; None when absent, unknown (`-1`, 0) or not a duration."""
    number: float
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        number = float(value)
    elif isinstance(value, str):
        text = value.strip()
        if ":" in text:
            return clock_seconds(text)
        if not _NUMBER_RE.fullmatch(text):
            return None
        number = float(text)
    else:
        return None
    if not math.isfinite(number) or number <= 0:
        return None
    if unit_ms or number > _MS_THRESHOLD:
        number /= 1000
    return round(number, 3)


def parse_track_number(value: object) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return value if value > 0 else None
    if isinstance(value, str):
        text = value.strip().split("/", 1)[0]
        if text.isdecimal() and len(text) <= 4 and int(text) > 0:
            return int(text)
    return None


def unique(values: Iterable[str]) -> tuple[str, ...]:
    """Non-empty stripped values, each once, in order."""
    return tuple(dict.fromkeys(value.strip() for value in values if value.strip()))


def strip_quotes(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1].strip()
    if len(value) >= 2 and value[0] in "\u201c\u201e" and value[-1] == "\u201d":
        return value[1:-1].strip()
    return value
