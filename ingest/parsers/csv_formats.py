"""CSV exports (import_formats.md §2.3): Exportify (current, 2015–2018 and localised headers), the exportify.net
fork, TuneMyMusic, Soundiiz and any CSV whose header names artist and title columns (the alias table)."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Final

from ingest.parsers.fields import (
    ISRC_RE,
    clean_isrc,
    is_milliseconds_header,
    map_roles,
    normalise_header,
    parse_duration,
    parse_track_number,
    unique,
)
from ingest.parsers.results import ParsedItem, ParseError, RejectedLine, ResultBuilder, rejected_line
from ingest.parsers.spotify import spotify_track_id

MISSING_TITLE: Final = "missing title column value"
MISSING_ARTIST: Final = "missing artist column value"

_DELIMITERS: Final = (",", ";", "\t")
_SNIFF_ROWS: Final = 20
# Exportify joins artists with ", " and escapes commas inside a name as "\,".
_EXPORTIFY_ARTISTS_RE: Final = re.compile(r"(?<!\\), ")
# exportify.net joins with a bare ","; a comma followed by a space belongs to a name ("Tyler, The Creator").
_EXPORTIFY_NET_ARTISTS_RE: Final = re.compile(r"(?<!\\),(?! )")
_INTEGER_RE: Final = re.compile(r"\d+")


@dataclass(frozen=True, slots=True)
class CsvLayout:
    format: str
    delimiter: str
    roles: dict[str, int]
    duration_in_ms: bool


def _delimiter(header_line: str) -> str | None:
    counts = {delimiter: header_line.count(delimiter) for delimiter in _DELIMITERS}
    best = max(_DELIMITERS, key=lambda delimiter: counts[delimiter])
    return best if counts[best] else None


def _rows(text: str, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    """(first physical line of the record, cells) for every non-blank record; a quoted field may span lines."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    start = 1
    try:
        for row in reader:
            if any(cell.strip() for cell in row):
                yield start, row
            start = reader.line_num + 1
    except csv.Error as error:
        raise ParseError(f"CSV is malformed near line {reader.line_num}: {error}") from error


def _column_share(rows: Sequence[list[str]], index: int, test: re.Pattern[str] | str) -> float:
    values = [row[index].strip() for row in rows if index < len(row) and row[index].strip()]
    if not values:
        return 0.0
    if isinstance(test, str):
        hits = sum(1 for value in values if value.startswith(test))
    else:
        hits = sum(1 for value in values if test.fullmatch(value))
    return hits / len(values)


def _column_where(rows: Sequence[list[str]], width: int, test: re.Pattern[str] | str) -> int | None:
    for index in range(width):
        if _column_share(rows, index, test) >= 0.5:
            return index
    return None


def _shape_roles(rows: Sequence[list[str]], width: int) -> dict[str, int]:
    """Roles of a localised Exportify file from its content: the `spotify:track:` column is followed by the track
    name, then (since 2018) artist URIs and names, and the album name follows the `spotify:album:` column."""
    track_uri = _column_where(rows, width, "spotify:track:")
    if track_uri is None:
        return {}
    roles = {"spotify": track_uri, "title": track_uri + 1}
    artist_uris = _column_where(rows, width, "spotify:artist:")
    roles["artist"] = artist_uris + 1 if artist_uris is not None else track_uri + 2
    album_uri = _column_where(rows, width, "spotify:album:")
    roles["album"] = album_uri + 1 if album_uri is not None else roles["artist"] + 1
    isrc = _column_where(rows, width, ISRC_RE)
    if isrc is not None:
        roles["isrc"] = isrc
    for index in range(width):
        values = [row[index].strip() for row in rows if index < len(row) and row[index].strip()]
        if values and all(_INTEGER_RE.fullmatch(value) and 10_000 < int(value) < 100_000_000 for value in values):
            roles["duration"] = index
            break
    return roles


def _format_name(headers: set[str], delimiter: str) -> str:
    if "artist ids" in headers or {"spotify id", "duration ms"} <= headers:
        return "exportify_net"
    if "track duration ms" in headers and headers & {"track uri", "spotify uri"}:
        return "exportify"
    if "playlist name" in headers and "track name" in headers:
        return "tunemymusic"
    if {"title", "artist"} <= headers and ("added date" in headers or (delimiter == ";" and "url" in headers)):
        return "soundiiz"
    return "csv"


def detect_csv(text: str) -> tuple[CsvLayout | None, str]:
    """The layout of a CSV export, or (None, why not) when the text is not one."""
    head = text.split("\n", _SNIFF_ROWS * 2)[: _SNIFF_ROWS * 2]
    delimiter = _delimiter(next((line for line in head if line.strip()), ""))
    if delimiter is None:
        return None, "the first line has no commas, semicolons or tabs"
    sample: list[list[str]] = []
    try:
        for _, row in _rows("\n".join(head), delimiter):
            sample.append(row)
            if len(sample) > _SNIFF_ROWS:
                break
    except ParseError:
        return None, "the first lines are not valid CSV"
    header = [normalise_header(cell) for cell in sample[0]] if sample else []
    roles = map_roles(header)
    format_name = _format_name(set(header), delimiter)
    if not {"title", "artist"} <= roles.keys():
        shaped = _shape_roles(sample[1:], len(header))
        if not shaped:
            names = ", ".join(cell for cell in sample[0][:12]) if sample else ""
            return None, f"the header names no artist and title columns (columns: {names})"
        roles = {**shaped, **{role: index for role, index in roles.items() if role not in shaped}}
        format_name = "exportify"
    duration_header = header[roles["duration"]] if "duration" in roles else ""
    in_ms = is_milliseconds_header(duration_header) or (format_name == "exportify" and "duration" in roles)
    return CsvLayout(format=format_name, delimiter=delimiter, roles=roles, duration_in_ms=in_ms), ""


def _split_artists(value: str, format_name: str) -> tuple[str, ...]:
    if format_name == "exportify":
        parts = _EXPORTIFY_ARTISTS_RE.split(value)
    elif format_name == "exportify_net":
        parts = _EXPORTIFY_NET_ARTISTS_RE.split(value)
    else:
        return ()
    return unique(part.replace("\\,", ",") for part in parts)


def _row_outcome(line: int, row: list[str], layout: CsvLayout) -> ParsedItem | RejectedLine:
    def cell(role: str) -> str:
        index = layout.roles.get(role)
        return row[index].strip() if index is not None and index < len(row) else ""

    artists = _split_artists(cell("artist"), layout.format)
    artist = artists[0] if artists else cell("artist").replace("\\,", ",")
    title = cell("title")
    if not title:
        return rejected_line(line, layout.delimiter.join(row), MISSING_TITLE)
    if not artist:
        return rejected_line(line, layout.delimiter.join(row), MISSING_ARTIST)
    return ParsedItem(
        line=line,
        artist=artist,
        title=title,
        album=cell("album"),
        artists=artists,
        duration_s=parse_duration(cell("duration"), unit_ms=layout.duration_in_ms),
        isrc=clean_isrc(cell("isrc")),
        spotify_id=spotify_track_id(cell("spotify")),
        track_number=parse_track_number(cell("track_number")),
        playlist=cell("playlist"),
    )


def parse_csv(text: str, layout: CsvLayout) -> ResultBuilder:
    builder = ResultBuilder()
    rows = _rows(text, layout.delimiter)
    next(rows, None)
    for line, row in rows:
        builder.add(_row_outcome(line, row, layout))
    return builder
