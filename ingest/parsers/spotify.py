"""Spotify IDs, URIs and open.spotify.com links (contracts/spotify.md §3)."""

from __future__ import annotations

import re
from typing import Final, cast
from urllib.parse import unquote_plus

from ingest.parsers.results import LinkKind, SpotifyLink

_ID: Final = r"[0-9A-Za-z]{22}"
ID_RE: Final = re.compile(_ID)
_KINDS: Final = frozenset({"track", "album", "playlist", "artist"})
_OTHER_KINDS: Final = "episode|show|user|audiobook|chapter|collection"

# spotify:track:ID, legacy spotify:user:UID:playlist:ID.
_URI_RE: Final = re.compile(rf"spotify:(?:user:[^:\s]+:)?(track|album|playlist|artist|{_OTHER_KINDS}):({_ID})")
# open.spotify.com with optional intl-xx/ and embed/ segments, legacy play.spotify.com and user/UID/ prefix;
# the query (?si=, &pi=, &context=) and any fragment are ignored.
_URL_RE: Final = re.compile(
    rf"(?:(?i:https?)://)?(?i:open|play)\.(?i:spotify\.com)/"
    rf"(?:(?:intl-[A-Za-z]{{2}}(?:[-_][A-Za-z]{{2,4}})?|embed)/){{0,2}}"
    rf"(?:user/[^/\s?#]+/)?({'|'.join(sorted(_KINDS))}|{_OTHER_KINDS})/({_ID})/?(?:[?#]\S*)?"
)
_SHORT_LINK_RE: Final = re.compile(r"(?:(?i:https?)://)?(?i:spotify\.link|spoti\.fi)/\S+")
_ANY_SPOTIFY_RE: Final = re.compile(r"(?i:spotify:|(?:https?://)?(?:[\w.-]*spotify\.com/|spotify\.link/|spoti\.fi/))")


def _strip_wrapping(text: str) -> str:
    text = text.strip()
    if len(text) >= 2 and text[0] == "<" and text[-1] == ">":
        text = text[1:-1].strip()
    return text


def _match(text: str) -> tuple[str, str] | None:
    candidate = _strip_wrapping(text)
    found = _URI_RE.fullmatch(candidate) or _URL_RE.fullmatch(candidate)
    if found is None:
        return None
    return found.group(1), found.group(2)


def canonical_url(kind: str, spotify_id: str) -> str:
    return f"https://open.spotify.com/{kind}/{spotify_id}"


def parse_spotify_link(text: str) -> SpotifyLink | None:
    """A track/album/playlist/artist URI or link in canonical form; None for anything else, including episodes,
    shows, users and short links (spotify.link needs an HTTP redirect to resolve)."""
    found = _match(text)
    if found is None or found[0] not in _KINDS:
        return None
    kind, spotify_id = found
    return SpotifyLink(kind=cast(LinkKind, kind), id=spotify_id, url=canonical_url(kind, spotify_id))


def spotify_track_id(value: str) -> str:
    """The track ID in a bare ID, a `spotify:track:` URI or a track link; "" otherwise."""
    value = value.strip()
    if ID_RE.fullmatch(value):
        return value
    link = parse_spotify_link(value)
    return link.id if link is not None and link.kind == "track" else ""


def spotify_link_problem(text: str) -> str | None:
    """Why a line that is clearly meant as a Spotify reference cannot be used; None when it is not one."""
    candidate = _strip_wrapping(text)
    if " " in candidate or not _ANY_SPOTIFY_RE.match(candidate):
        return None
    if _SHORT_LINK_RE.fullmatch(candidate):
        return "spotify.link short links need a browser to resolve; paste the open.spotify.com address instead"
    if candidate.startswith("spotify:local:"):
        return "a local file on someone's device cannot be looked up"
    found = _match(candidate)
    if found is not None:
        return f"a Spotify {found[0]} link is not music we can import"
    return "not a recognisable Spotify link (a 22-character ID is expected)"


def parse_local_uri(uri: str) -> tuple[str, str, str, float | None] | None:
    """`spotify:local:{artist}:{album}:{title}:{seconds}` (URL-encoded, fields may be empty) ->
    (artist, album, title, seconds)."""
    parts = uri.strip().split(":")
    if len(parts) != 6 or parts[:2] != ["spotify", "local"]:
        return None
    artist, album, title = (unquote_plus(part).strip() for part in parts[2:5])
    seconds = float(parts[5]) if parts[5].isdecimal() and int(parts[5]) > 0 else None
    return artist, album, title, seconds
