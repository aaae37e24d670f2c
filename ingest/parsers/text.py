"""Plain text, one track per line (import_formats.md §2.3 "Plain text"): `Artist - Title`, `Title by Artist`,
numbering, trailing durations, sldl-style `key=value` lines, Spotify links, comments and blank lines."""

from __future__ import annotations

import re
from typing import Final

from ingest.parsers.fields import (
    CLOCK_PATTERN,
    clean_isrc,
    clock_seconds,
    is_milliseconds_header,
    map_roles,
    normalise_header,
    parse_duration,
    parse_track_number,
    strip_quotes,
)
from ingest.parsers.results import ParsedItem, RejectedLine, ResultBuilder, rejected_line
from ingest.parsers.spotify import parse_spotify_link, spotify_link_problem, spotify_track_id

NO_SEPARATOR: Final = "no ' - ' between artist and title"
EMPTY_ARTIST: Final = "nothing before ' - ' (artist is empty)"
EMPTY_TITLE: Final = "nothing after ' - ' (title is empty)"
KV_NO_TITLE: Final = "key=value line has no title"
KV_NO_ARTIST: Final = "key=value line has no artist"
NOT_SPOTIFY_URL: Final = "a web address that is not a Spotify link"

# A dash with whitespace on both sides separates artist from title ("Jay-Z" and "a-ha" are one word).
# Lookarounds instead of consuming the whitespace keep the search linear on lines full of spaces.
_SEPARATOR_RE: Final = re.compile(r"(?:(?<=\s)|^)(?:--?|\u2013|\u2014)(?=\s|$)")
_BY_RE: Final = re.compile(r"\s[Bb][Yy]\s")
_TRAILING_DURATION_RE: Final = re.compile(
    rf"(?:\(\s*({CLOCK_PATTERN})\s*\)|\[\s*({CLOCK_PATTERN})\s*\]|(?<!\S)({CLOCK_PATTERN}))$"
)
_LEADING_DURATION_RE: Final = re.compile(rf"(?:\(\s*({CLOCK_PATTERN})\s*\)|\[\s*({CLOCK_PATTERN})\s*\])\s+(?=\S)")
_TRAILING_DASH_RE: Final = re.compile(r"\s(?:--?|\u2013|\u2014)$")
# "1. ", "1) " and zero-padded "01 " always number a line; "01 - " only when a separator follows.
_NUMBERING_RE: Final = re.compile(r"(?:\d{1,4}[.)]|0\d{0,3}(?=\s))\s+")
_NUMBER_DASH_RE: Final = re.compile(r"\d{1,4}\s*(?:-|\u2013|\u2014)\s+")
# A bare "7 " numbers the line only when it is the line's position in the list ("50 Cent - In Da Club").
_BARE_NUMBER_RE: Final = re.compile(r"(\d{1,4})\s+")
_LEADING_NUMBER_RE: Final = re.compile(r"(\d{1,4})\b")
_KEY_VALUE_START_RE: Final = re.compile(r"\s*([A-Za-z][\w -]{0,30}?)\s*=")
_KEY_VALUE_SPLIT_RE: Final = re.compile(r",\s*(?=[A-Za-z][\w-]{0,30}\s*=)")
_URL_RE: Final = re.compile(r"(?i:https?://)\S+")
_COMMENT_PREFIXES: Final = ("#", "//")


def split_lines(text: str) -> list[str]:
    """Lines as an editor numbers them: `\\r\\n`, `\\r` and `\\n` end a line, nothing else does."""
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def _clean(value: str) -> str:
    return strip_quotes(" ".join(value.split()))


def split_artist_title(text: str) -> tuple[str, str] | str:
    """(artist, title) from `Artist - Title` (first spaced dash) or `Title by Artist` (last " by "), or the
    reason it cannot be split."""
    separator = _SEPARATOR_RE.search(text)
    if separator is not None:
        artist, title = _clean(text[: separator.start()]), _clean(text[separator.end() :])
        if not artist:
            return EMPTY_ARTIST
        if not title:
            return EMPTY_TITLE
        return artist, title
    by_matches = list(_BY_RE.finditer(text))
    if by_matches:
        last = by_matches[-1]
        title, artist = _clean(text[: last.start()]), _clean(text[last.end() :])
        if title and artist:
            return artist, title
    return NO_SEPARATOR


def _without_duration(text: str) -> tuple[str, float | None] | None:
    leading = _LEADING_DURATION_RE.match(text)
    if leading is not None:
        return text[leading.end() :], clock_seconds(leading.group(1) or leading.group(2))
    match = _TRAILING_DURATION_RE.search(text)
    if match is None:
        return None
    rest = _TRAILING_DASH_RE.sub("", text[: match.start()].rstrip()).rstrip()
    clock = next(group for group in match.groups() if group is not None)
    return (rest, clock_seconds(clock)) if rest else None


def _without_numbering(text: str, position: int) -> str:
    dashed = _NUMBER_DASH_RE.match(text)
    if dashed is not None:
        return text[dashed.end() :] if _SEPARATOR_RE.search(text, dashed.end()) else text
    numbered = _NUMBERING_RE.match(text)
    if numbered is not None:
        return text[numbered.end() :]
    bare = _BARE_NUMBER_RE.match(text)
    if bare is not None and int(bare.group(1)) == position:
        return text[bare.end() :]
    return text


def parse_track_line(text: str, line: int, *, position: int = 0) -> ParsedItem | RejectedLine:
    """One line of a list. `position` (1-based, 0 = unknown) is the line's place in a list numbered so far, which
    tells a bare leading number that numbers the list ("3 Nena - ...") from one in a name ("3 Doors Down")."""
    body = text.strip()
    if _KEY_VALUE_START_RE.match(body) and _is_key_value(body):
        return _parse_key_value(body, line, text)
    body = _without_numbering(body, position)
    duration: float | None = None
    stripped = _without_duration(body)
    if stripped is not None:
        split = split_artist_title(stripped[0])
        if isinstance(split, tuple):
            duration = stripped[1]
        else:
            split = split_artist_title(body)
    else:
        split = split_artist_title(body)
    if isinstance(split, str):
        return rejected_line(line, text, split)
    return ParsedItem(line=line, artist=split[0], title=split[1], duration_s=duration)


def _key_values(body: str) -> dict[str, str]:
    pairs: dict[str, str] = {}
    for chunk in _KEY_VALUE_SPLIT_RE.split(body):
        key, _, value = chunk.partition("=")
        pairs.setdefault(normalise_header(key), strip_quotes(value))
    return pairs


def _is_key_value(body: str) -> bool:
    first = _KEY_VALUE_START_RE.match(body)
    return first is not None and bool(map_roles([normalise_header(first.group(1))]))


def _parse_key_value(body: str, line: int, text: str) -> ParsedItem | RejectedLine:
    pairs = _key_values(body)
    keys = list(pairs)
    roles = map_roles(keys)

    def value(role: str) -> str:
        return pairs[keys[roles[role]]] if role in roles else ""

    title, artist = value("title"), value("artist")
    if not title:
        return rejected_line(line, text, KV_NO_TITLE)
    if not artist:
        return rejected_line(line, text, KV_NO_ARTIST)
    duration_key = keys[roles["duration"]] if "duration" in roles else ""
    return ParsedItem(
        line=line,
        artist=artist,
        title=title,
        album=value("album"),
        duration_s=parse_duration(value("duration"), unit_ms=is_milliseconds_header(duration_key)),
        isrc=clean_isrc(value("isrc")),
        spotify_id=spotify_track_id(value("spotify")),
        track_number=parse_track_number(value("track_number")),
    )


def is_comment(stripped: str) -> bool:
    return stripped.startswith(_COMMENT_PREFIXES)


def parse_plain_text(text: str) -> tuple[str, ResultBuilder]:
    """("links" when every entry is a Spotify link, else "text", the collected outcome)."""
    builder = ResultBuilder()
    entries = 0
    # A bare leading number is the list's numbering only while every entry so far started with its position.
    numbered_so_far = True
    for number, raw in enumerate(split_lines(text), start=1):
        stripped = raw.strip()
        if not stripped or is_comment(stripped):
            continue
        entries += 1
        link = parse_spotify_link(stripped)
        if link is not None:
            builder.add_link(link)
            continue
        problem = spotify_link_problem(stripped)
        if problem is not None:
            builder.reject(number, raw, problem)
        elif _URL_RE.fullmatch(stripped):
            builder.reject(number, raw, NOT_SPOTIFY_URL)
        else:
            builder.add(parse_track_line(raw, number, position=entries if numbered_so_far else 0))
        leading = _LEADING_NUMBER_RE.match(stripped)
        numbered_so_far = numbered_so_far and leading is not None and int(leading.group(1)) == entries
    only_links = bool(builder.links) and not builder.items and not builder.rejected
    return ("links" if only_links else "text"), builder
