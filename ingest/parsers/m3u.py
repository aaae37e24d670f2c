"""M3U / M3U8 playlists (import_formats.md §2.3 "M3U / M3U8"): `#EXTINF:<seconds>,Artist - Title` before each
path, `#PLAYLIST:`, `#EXTALB:`, `#EXTART:`; without `#EXTINF` the file name `Artist - Title.ext` is used."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final
from urllib.parse import unquote, urlsplit

from ingest.parsers.fields import parse_duration
from ingest.parsers.results import ParsedItem, ResultBuilder
from ingest.parsers.spotify import parse_spotify_link
from ingest.parsers.text import split_artist_title, split_lines

NO_NAME: Final = "no ' - ' between artist and title in #EXTINF or the file name"

# "#EXTINF:-1 tvg-id="x",Display": attributes may sit between the length and the comma.
_EXTINF_RE: Final = re.compile(r"#EXTINF:\s*(-?\d+(?:\.\d+)?)?[^,]*,?(.*)", re.IGNORECASE)
# A track number in front of a file name: "01 - ", "01. ", "01 ", "1-01 " (disc-track).
_FILE_NUMBER_RE: Final = re.compile(r"(?:\d{1,2}-)?\d{1,3}(?:\s*[-.]\s*|\s+)(?=\D)")
_EXTENSION_RE: Final = re.compile(r"\.[A-Za-z0-9]{2,5}$")


def looks_like_m3u(text: str) -> bool:
    head = text.lstrip()[:7].upper()
    return head == "#EXTM3U" or "#EXTINF:" in text[:65_536].upper()


@dataclass(slots=True)
class _Pending:
    line: int = 0
    display: str = ""
    duration: float | None = None
    artist: str = ""
    album: str = ""


def file_name_stem(location: str) -> str:
    """`file:///music/Nena%20-%2099.flac`, `C:\\Music\\Nena - 99.mp3`, `https://host/a/b.mp3?x` -> the name
    without folders and extension."""
    if re.match(r"(?i:file|https?)://", location):
        location = unquote(urlsplit(location).path)
    name = re.split(r"[\\/]", location.rstrip("\\/"))[-1]
    return _EXTENSION_RE.sub("", name).strip()


def parse_m3u(text: str) -> ResultBuilder:
    builder = ResultBuilder()
    playlist = ""
    pending = _Pending()
    for number, raw in enumerate(split_lines(text), start=1):
        stripped = raw.strip()
        upper = stripped.upper()
        if not stripped:
            continue
        if upper.startswith("#EXTINF:"):
            if pending.line:
                _emit(builder, pending, "", playlist)
                pending = _Pending()
            match = _EXTINF_RE.match(stripped)
            length, display = (match.group(1), match.group(2)) if match else (None, "")
            pending.line, pending.display, pending.duration = number, display.strip(), parse_duration(length or "")
        elif upper.startswith("#PLAYLIST:"):
            playlist = stripped[len("#PLAYLIST:") :].strip()
            builder.add_playlist(playlist)
        elif upper.startswith("#EXTALB:"):
            pending.album = stripped[len("#EXTALB:") :].strip()
        elif upper.startswith("#EXTART:"):
            pending.artist = stripped[len("#EXTART:") :].strip()
        elif stripped.startswith("#"):
            continue
        else:
            if not pending.line:
                pending.line = number
            _emit(builder, pending, stripped, playlist)
            pending = _Pending()
    if pending.line:
        _emit(builder, pending, "", playlist)
    return builder


def _emit(builder: ResultBuilder, pending: _Pending, location: str, playlist: str) -> None:
    link = parse_spotify_link(location) if location else None
    spotify_id = link.id if link is not None and link.kind == "track" else ""
    split: tuple[str, str] | str = NO_NAME
    for candidate in (pending.display, _numberless(file_name_stem(location)) if location and not link else ""):
        if not candidate:
            continue
        split = split_artist_title(candidate)
        if isinstance(split, tuple):
            break
        if pending.artist:
            split = (pending.artist, candidate)
            break
    if isinstance(split, str):
        if link is not None and not pending.display:
            builder.add_link(link)
            return
        builder.reject(pending.line, pending.display or location, NO_NAME)
        return
    builder.add(
        ParsedItem(
            line=pending.line,
            artist=split[0],
            title=split[1],
            album=pending.album,
            duration_s=pending.duration,
            spotify_id=spotify_id,
            playlist=playlist,
        )
    )


def _numberless(stem: str) -> str:
    numbered = _FILE_NUMBER_RE.match(stem)
    return stem[numbered.end() :] if numbered else stem
