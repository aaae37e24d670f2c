"""Reading the playlists people bring: exports (Exportify, exportify.net, TuneMyMusic, Soundiiz, Spotify's GDPR
export), generic CSV/JSON, M3U, plain text and Spotify links (contracts/import_formats.md §2.3).

Pure (stdlib only): bytes or text in, a `ParseResult` out — parsed items, rejected lines with their line number
and reason, Spotify links and playlist names. Size limits are the caller's; parsing is linear in the input.
"""

from ingest.parsers.decoding import decode
from ingest.parsers.detect import parse, parse_text
from ingest.parsers.results import ParsedItem, ParseError, ParseResult, RejectedLine, SpotifyLink
from ingest.parsers.spotify import parse_spotify_link

__all__ = [
    "ParseError",
    "ParseResult",
    "ParsedItem",
    "RejectedLine",
    "SpotifyLink",
    "decode",
    "parse",
    "parse_spotify_link",
    "parse_text",
]
