"""Which format an input is, from its content first and its file name second."""

from __future__ import annotations

from typing import Final

from ingest.parsers.csv_formats import detect_csv, parse_csv
from ingest.parsers.decoding import check_text, decode
from ingest.parsers.json_formats import parse_json
from ingest.parsers.m3u import looks_like_m3u, parse_m3u
from ingest.parsers.results import ParseError, ParseResult
from ingest.parsers.text import parse_plain_text

_CSV_EXTENSIONS: Final = (".csv", ".tsv")
_M3U_EXTENSIONS: Final = (".m3u", ".m3u8")


def parse(data: bytes, *, filename: str = "") -> ParseResult:
    """Parse an uploaded file. The content decides the format; a `.json`, `.csv`/`.tsv` or `.m3u`/`.m3u8` name
    makes that format required (ParseError if the content is not it), other names are ignored."""
    if not data:
        raise ParseError("input is empty")
    return _parse(decode(data), filename.lower())


def parse_text(text: str) -> ParseResult:
    """Parse pasted text: plain lines and links, M3U, CSV or JSON."""
    check_text(text)
    return _parse(text, "")


def _parse(text: str, filename: str) -> ParseResult:
    text = text.removeprefix("\ufeff")
    if not text.strip():
        raise ParseError("input is empty")
    head = text.lstrip()[:1]
    if filename.endswith(".json") or head in ("{", "["):
        try:
            format_name, builder = parse_json(text)
        except ParseError:
            if filename.endswith(".json") or head == "{":
                raise
        else:
            return builder.result(format_name)
    if filename.endswith(_M3U_EXTENSIONS) or looks_like_m3u(text):
        return parse_m3u(text).result("m3u")
    layout, why_not = detect_csv(text)
    if layout is not None:
        return parse_csv(text, layout).result(layout.format)
    if filename.endswith(_CSV_EXTENSIONS):
        raise ParseError(f"not a CSV export we can read: {why_not}")
    format_name, builder = parse_plain_text(text)
    return builder.result(format_name)
