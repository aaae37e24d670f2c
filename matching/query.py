"""Soulseek query texts for a wanted track (pure). SELECTION_POLICY §7: spend searches well.

Soulseek matches every term of a query against the file's path, so a query carries only the words that a
correct file's path is sure to contain: no "feat." credits, no "Remastered 2011" suffixes, no punctuation,
no one-letter terms (the server drops them anyway). Artist names the server ignores get their first letter
wildcarded (`*eatles`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence

_CREDIT_RE = re.compile(r"[(\[]\s*(?:feat|ft|featuring|with)\b[^)\]]*[)\]]|\s(?:feat|ft|featuring)\.?\s.*$", re.I)
# "Song - 2011 Remaster", "Song (Remastered 2009)", "Song - Remastered Version": the file rarely says so.
_REMASTER_RE = re.compile(
    r"\s+-\s+(?:\d{4}\s+)?remaster(?:ed)?(?:\s+\d{4})?(?:\s+version)?\s*$"
    r"|[(\[]\s*(?:\d{4}\s+)?remaster(?:ed)?(?:\s+\d{4})?(?:\s+version)?\s*[)\]]",
    re.I,
)
_PUNCTUATION_RE = re.compile(r"[^\w*]+")
_LEADING_ARTICLES = ("the",)


def words(text: str) -> list[str]:
    """Lower-case words of `text`: punctuation folded to spaces, apostrophes dropped."""
    text = unicodedata.normalize("NFC", text).replace("'", "").replace("\u2019", "")
    return _PUNCTUATION_RE.sub(" ", text.lower()).split()


def terms(text: str) -> list[str]:
    """Search terms of `text`: its words without one-letter ones (the Soulseek server drops those)."""
    return [w for w in words(text) if len(w) > 1]


def clean_title(title: str) -> str:
    """The title without featured-artist credits or remaster suffixes."""
    return _REMASTER_RE.sub("", _CREDIT_RE.sub("", title)).strip()


def _artist_terms(artist: str, blocked: Iterable[str]) -> list[str]:
    words = terms(artist)
    folded = " ".join(words)
    if folded in {" ".join(terms(name)) for name in blocked}:
        significant = [w for w in words if w not in _LEADING_ARTICLES] or words
        return [f"*{w[1:]}" if len(w) > 2 else w for w in significant]
    return words


def _join(*parts: Sequence[str]) -> str:
    seen: list[str] = []
    for part in parts:
        for word in part:
            if word not in seen:
                seen.append(word)
    return " ".join(seen)


def track_queries(artist: str, title: str, album: str = "", *, blocked_artists: Iterable[str] = ()) -> list[str]:
    """Queries for one track, most precise first; a later one runs only when the earlier found nothing eligible."""
    artist_words = _artist_terms(artist, blocked_artists)
    title_words = terms(clean_title(title))
    queries = [_join(artist_words, title_words)]
    if album and len(title_words) < 3:
        queries.append(_join(title_words, terms(album)))
    if len(title_words) >= 2 or (title_words and len(title_words[0]) >= 6):
        queries.append(_join(title_words))
    return [q for i, q in enumerate(queries) if q and q not in queries[:i]]


def album_query(artist: str, album: str, *, blocked_artists: Iterable[str] = ()) -> str:
    """One query that finds the album folder: it serves every wanted track of that album."""
    return _join(_artist_terms(artist, blocked_artists), terms(album))


def album_key(artist: str, album: str) -> str:
    """Groups wanted tracks of one album (empty when the album is unknown)."""
    if not album.strip():
        return ""
    return f"{' '.join(words(artist))}\x1f{' '.join(words(album))}"


def identity_key(artist: str, title: str) -> str:
    """One wanted recording: the normalised primary artist and title (credits and remaster notes ignored)."""
    # Every word counts here: "Part 1" and "Part 2" are different recordings.
    return f"{' '.join(words(artist))}\x1f{' '.join(words(clean_title(title)))}"
