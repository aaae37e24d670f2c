"""What every parser returns: parsed items, rejected lines with reasons, Spotify links and playlist names."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final, Literal

REJECTED_TEXT_LIMIT: Final = 200

LinkKind = Literal["track", "album", "playlist", "artist"]


class ParseError(ValueError):
    """The whole input is unusable; the message says why in words a user understands."""


@dataclass(frozen=True, slots=True)
class ParsedItem:
    line: int
    artist: str
    title: str
    album: str = ""
    artists: tuple[str, ...] = ()
    duration_s: float | None = None
    isrc: str = ""
    spotify_id: str = ""
    track_number: int | None = None
    playlist: str = ""


@dataclass(frozen=True, slots=True)
class RejectedLine:
    line: int
    text: str
    reason: str


@dataclass(frozen=True, slots=True)
class SpotifyLink:
    kind: LinkKind
    id: str
    url: str


@dataclass(frozen=True, slots=True)
class ParseResult:
    format: str
    items: list[ParsedItem]
    rejected: list[RejectedLine]
    links: list[SpotifyLink]
    playlists: list[str]


def rejected_line(line: int, text: str, reason: str) -> RejectedLine:
    return RejectedLine(line=line, text=text[:REJECTED_TEXT_LIMIT], reason=reason)


@dataclass(slots=True)
class ResultBuilder:
    """Collects one input's outcome; links and playlist names are kept once each, in order of first appearance."""

    items: list[ParsedItem] = field(default_factory=list)
    rejected: list[RejectedLine] = field(default_factory=list)
    links: list[SpotifyLink] = field(default_factory=list)
    playlists: list[str] = field(default_factory=list)
    _seen_links: set[tuple[str, str]] = field(default_factory=set)
    _seen_playlists: set[str] = field(default_factory=set)

    def reject(self, line: int, text: str, reason: str) -> None:
        self.rejected.append(rejected_line(line, text, reason))

    def add_link(self, link: SpotifyLink) -> None:
        if (link.kind, link.id) not in self._seen_links:
            self._seen_links.add((link.kind, link.id))
            self.links.append(link)

    def add_playlist(self, name: str) -> None:
        if name and name not in self._seen_playlists:
            self._seen_playlists.add(name)
            self.playlists.append(name)

    def add(self, outcome: ParsedItem | RejectedLine | None) -> None:
        if isinstance(outcome, ParsedItem):
            self.add_playlist(outcome.playlist)
            self.items.append(outcome)
        elif isinstance(outcome, RejectedLine):
            self.rejected.append(outcome)

    def result(self, format_name: str) -> ParseResult:
        return ParseResult(
            format=format_name, items=self.items, rejected=self.rejected, links=self.links, playlists=self.playlists
        )
