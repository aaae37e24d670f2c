"""Synced lyrics: reading and writing LRC, and choosing among LRCLIB's candidates.

Pure (stdlib only). Format per TAGGING contract §5.1: we read every timestamp variant met in the wild and write
only `[mm:ss.xx]` (the one form beets accepts), UTF-8 without BOM, `\\n` line ends. Candidate ranking per
METADATA_SERVICES contract §5.2.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Final

_STAMP_RE: Final = re.compile(r"\[(?:(\d{1,2}):)?(\d{1,3}):(\d{1,2})(?:[.,](\d{1,3}))?\]")
_STAMPS_RE: Final = re.compile(rf"(?:{_STAMP_RE.pattern})+")
_ID_TAG_RE: Final = re.compile(r"\[([A-Za-z#][A-Za-z]*):(.*)\]\s*")
_OFFSET_RE: Final = re.compile(r"[+-]?\d+")
# Enhanced LRC word timing (`<mm:ss.xx>`); we keep line timing only.
_WORD_STAMP_RE: Final = re.compile(r"<\d{1,3}:\d{1,2}(?:[.,]\d{1,3})?>")
_FEAT_BRACKET_RE: Final = re.compile(r"\s*[(\[](?:feat\.?|ft\.?|featuring)\s[^)\]]*[)\]]", re.IGNORECASE)
_FEAT_BARE_RE: Final = re.compile(
    r"\s+(?:feat\.|ft\.|featuring)\s.*?(?=\s*[(\[]|\s+-\s|$)",
    re.IGNORECASE,
)
_REMASTER_RE: Final = re.compile(
    r"\s+-\s+(?:(?:\d{4}\s+)?remaster(?:ed)?(?:\s+\d{4})?(?:\s+version)?)\s*$"
    r"|\s*[(\[](?:\d{4}\s+)?remaster(?:ed)?(?:\s+\d{4})?(?:\s+version)?[)\]]",
    re.IGNORECASE,
)
_LIVE_RE: Final = re.compile(r"\s*[(\[]live(?:\s[^)\]]*)?[)\]]|\s+-\s+live(?:\s.*)?$", re.IGNORECASE)
_LIVE_ANY_RE: Final = re.compile(r"\blive\b", re.IGNORECASE)

DURATION_TOLERANCE_S: Final = 2.0
DURATION_TOLERANCE_RATIO: Final = 0.05


class LrcError(ValueError):
    """Text that holds no timed lyric line."""


@dataclass(frozen=True)
class LyricLine:
    """One timed line; `text` may be empty (an instrumental gap)."""

    at_ms: int
    text: str


@dataclass(frozen=True)
class LyricsCandidate:
    """One LRCLIB record (contract §5.2) as the client returns it."""

    id: int
    track: str
    artist: str
    album: str
    duration_s: float | None
    instrumental: bool
    plain: str | None
    synced: str | None


def parse_synced(text: str) -> list[LyricLine]:
    """Timed lines of LRC `text`, sorted by time (stable), with `[offset:±ms]` applied.

    Accepts `[mm:ss]`, `[mm:ss.x]`, `[mm:ss.xx]`, `[mm:ss.xxx]`, `[hh:mm:ss.xx]`, several stamps before one text
    (one line per stamp), LRCLIB's single space after the stamps, enhanced-LRC word stamps (removed). ID tags
    and untimed lines are skipped. LrcError when no line is timed.
    """
    stamped: list[tuple[int, str]] = []
    offset_ms = 0
    for raw in text.removeprefix("\ufeff").splitlines():
        line = raw.strip()
        stamps = _STAMPS_RE.match(line)
        if stamps is None:
            tag = _ID_TAG_RE.fullmatch(line)
            if tag is not None and tag.group(1).lower() == "offset" and _OFFSET_RE.fullmatch(tag.group(2).strip()):
                offset_ms = int(tag.group(2).strip())
            continue
        lyric = _WORD_STAMP_RE.sub("", line[stamps.end() :].removeprefix(" ")).strip()
        for stamp in _STAMP_RE.finditer(stamps.group(0)):
            at_ms = _stamp_ms(stamp)
            if at_ms is not None:
                stamped.append((at_ms, lyric))
    if not stamped:
        raise LrcError("no timed line in the lyrics")
    # A positive offset shows lyrics earlier (contract §5.1).
    lines = [LyricLine(at_ms=max(0, at_ms - offset_ms), text=lyric) for at_ms, lyric in stamped]
    return sorted(lines, key=lambda line: line.at_ms)


def format_lrc(
    lines: Iterable[LyricLine], *, title: str, artist: str, album: str = "", length_s: float | None = None
) -> str:
    """An LRC document: `[ti:]`, `[ar:]`, `[al:]`, `[length:mm:ss]` (each only when known; a length ≤ 0 is
    unknown), `[by:Harmony]`, then `[mm:ss.xx]text` lines in time order. Encode as UTF-8 without BOM to write it."""
    header = [("ti", title), ("ar", artist), ("al", album)]
    if length_s is not None and length_s > 0:
        minutes, seconds = divmod(round(length_s), 60)
        header.append(("length", f"{minutes:02d}:{seconds:02d}"))
    header.append(("by", "Harmony"))
    out = [f"[{name}:{_one_line(value)}]" for name, value in header if value.strip()]
    for line in sorted(lines, key=lambda line: line.at_ms):
        out.append(f"[{_format_stamp(line.at_ms)}]{_one_line(line.text)}")
    return "\n".join(out) + "\n"


def choose_lyrics(
    candidates: Sequence[LyricsCandidate], *, duration_s: float | None, album: str = ""
) -> LyricsCandidate | None:
    """The best candidate for a track of `duration_s` seconds, or None (contract §5.2).

    A candidate qualifies when it has lyrics and, if both durations are known, lies within max(2 s, 5 %) of ours.
    Order: synced first, then the smaller duration difference (unknown last), then album match (case- and
    diacritics-folded), then the server's order. A synced text that does not parse or whose last line comes after
    the end of our recording belongs to another version: that candidate competes as plain text (returned with
    `synced=None`) and is dropped when it has no plain text.

    Instrumental: a candidate flagged instrumental without text is returned only when no candidate with lyrics
    qualifies, both durations are known and within the tolerance (the closest such one). The caller records
    instrumental tracks as never to be asked again, so that verdict needs a firm duration match.
    """
    ranked: list[tuple[tuple[bool, bool, float, bool, int], LyricsCandidate]] = []
    instrumentals: list[tuple[float, int, LyricsCandidate]] = []
    wanted_album = _fold(album)
    for index, candidate in enumerate(candidates):
        delta = _delta(candidate.duration_s, duration_s)
        if delta is not None and delta > _tolerance(duration_s):
            continue
        usable = _usable_synced(candidate, duration_s)
        has_plain = bool(candidate.plain and candidate.plain.strip())
        if usable is None and not has_plain:
            if candidate.instrumental and delta is not None and not (candidate.synced or "").strip():
                instrumentals.append((delta, index, candidate))
            continue
        if usable is None and candidate.synced is not None:
            candidate = dataclasses.replace(candidate, synced=None)
        album_miss = bool(wanted_album) and _fold(candidate.album) != wanted_album
        key = (usable is None, delta is None, delta or 0.0, album_miss, index)
        ranked.append((key, candidate))
    if ranked:
        return min(ranked, key=lambda pair: pair[0])[1]
    if instrumentals:
        return min(instrumentals, key=lambda triple: triple[:2])[2]
    return None


def clean_title(title: str, *, wanted: str) -> str:
    """`title` for a second lookup (contract §5.2 step 3): without `(feat. …)`, `[feat. …]`, ` ft. …` and remaster
    notes (` - Remastered 2011`, `(2011 Remaster)`), which LRCLIB's titles rarely carry; without `(Live)` / ` - Live`
    only when `wanted` lacks it, because a live recording's lyrics and timing differ from the studio one.
    Returns `title` unchanged when nothing would remain."""
    cleaned = _REMASTER_RE.sub("", _FEAT_BARE_RE.sub("", _FEAT_BRACKET_RE.sub("", title)))
    if not _LIVE_ANY_RE.search(wanted):
        cleaned = _LIVE_RE.sub("", cleaned)
    cleaned = " ".join(cleaned.split())
    return cleaned or title


def _stamp_ms(stamp: re.Match[str]) -> int | None:
    hours, minutes, seconds, fraction = stamp.groups()
    if int(seconds) >= 60 or (hours is not None and int(minutes) >= 60):
        return None
    # One digit is tenths, two are centiseconds, three milliseconds.
    fraction_ms = int(fraction.ljust(3, "0")) if fraction else 0
    return ((int(hours or 0) * 60 + int(minutes)) * 60 + int(seconds)) * 1000 + fraction_ms


def _format_stamp(at_ms: int) -> str:
    centiseconds = (max(0, at_ms) + 5) // 10
    minutes, rest = divmod(centiseconds, 6000)
    seconds, hundredths = divmod(rest, 100)
    return f"{minutes:02d}:{seconds:02d}.{hundredths:02d}"


def _one_line(text: str) -> str:
    return " ".join(text.splitlines()).strip()


def _delta(theirs: float | None, ours: float | None) -> float | None:
    if theirs is None or ours is None:
        return None
    return abs(theirs - ours)


def _tolerance(ours: float | None) -> float:
    return max(DURATION_TOLERANCE_S, DURATION_TOLERANCE_RATIO * (ours or 0.0))


def _usable_synced(candidate: LyricsCandidate, duration_s: float | None) -> str | None:
    if not candidate.synced or not candidate.synced.strip():
        return None
    try:
        lines = parse_synced(candidate.synced)
    except LrcError:
        return None
    if duration_s is not None and lines[-1].at_ms > duration_s * 1000:
        return None
    return candidate.synced


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).casefold().split())
