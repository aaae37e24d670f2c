"""The emulated LRCLIB database, derived from the slskd demo catalogue so the offline demo finds lyrics for what it
downloads. The lyrics are made up here from each title and a few numbered verse words; none are real lyrics.

Beside ordinary records it holds the cases a lyrics fetcher meets (metadata_services.md §5.2): instrumental tracks
(both lyrics null), plain-only records, tracks with no record at all, a record whose duration is 10 s off, a title
with an album version and a live version of different durations, and a record filed under a different album name.
"""

from __future__ import annotations

import re
import unicodedata
import zlib
from dataclasses import dataclass, field
from typing import Any

from emulators.slskd.catalogue import ALBUMS

# (artist, album, title) of the special cases, with the catalogue's own spelling.
INSTRUMENTAL = (
    ("Radiohead", "Kid A", "Treefingers"),
    ("Daft Punk", "Discovery", "Nightvision"),
    ("Daft Punk", "Discovery", "Veridis Quo"),
)
PLAIN_ONLY = (
    ("Joy Division", "Substance", "Warsaw"),
    ("Joy Division", "Substance", "Digital"),
    ("Fleetwood Mac", "Rumours", "Songbird"),
    ("Nirvana", "Nevermind", "Polly"),
)
MISSING = (
    ("Radiohead", "OK Computer", "Electioneering"),
    ("The Beatles", "Abbey Road", "Her Majesty"),
    ("OutKast", "Aquemini", "Hold On, Be Strong"),
)
# Karaoke versions are not in LRCLIB under their own names: no records for the whole album.
MISSING_ALBUMS = ("Karaoke Hits of the 90s Vol. 3",)
# 10 s is outside /api/get's ±2 s and outside a caller's max(2 s, 5 %) window for a 183 s track.
DURATION_OFF = ("Nirvana", "Nevermind", "Breed")
DURATION_OFF_BY_S = 10.0
RENAMED_ALBUM = ("Radiohead", "OK Computer", "Lucky")
RENAMED_ALBUM_NAME = "OK Computer OKNOTOK 1997 2017"
# The catalogue's "Live at Glastonbury 1997" gives Karma Police a second, live record (287 s against 261 s).
LIVE_PAIR = (("Radiohead", "OK Computer", "Karma Police"), ("Radiohead", "Live at Glastonbury 1997", "Karma Police"))
LANG_EN = (
    ("Radiohead", "OK Computer", "Airbag"),
    ("Portishead", "Dummy", "Glory Box"),
    ("Fleetwood Mac", "Rumours", "Dreams"),
)

_VERSE_WORDS = (
    "amber", "harbour", "lantern", "signal", "paper", "river", "static", "window",
    "engine", "meadow", "silver", "compass", "orbit", "velvet", "thunder", "candle",
)  # fmt: skip
_ORDINALS = ("one", "two", "three", "four")


@dataclass(frozen=True)
class LyricsData:
    """One LRCLIB record. `extra` holds keys newer responses carry (e.g. `lang`) that clients must ignore."""

    id: int
    track: str
    artist: str
    album: str
    duration: float
    instrumental: bool
    plain: str | None
    synced: str | None
    extra: dict[str, str] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        """The record as LRCLIB serialises it (`name` repeats `trackName`)."""
        return {
            "id": self.id,
            "name": self.track,
            "trackName": self.track,
            "artistName": self.artist,
            "albumName": self.album,
            "duration": self.duration,
            "instrumental": self.instrumental,
            "plainLyrics": self.plain,
            "syncedLyrics": self.synced,
            **self.extra,
        }


def normalize(text: str) -> str:
    """LRCLIB-style comparison key: without diacritics, case-folded, punctuation dropped ("Don't" → "dont"),
    hyphens and slashes as word breaks, whitespace collapsed."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    spaced = re.sub(r"[-/_]", " ", stripped)
    return " ".join(re.sub(r"[^\w\s]", "", spaced).split())


def record_id(artist: str, album: str, title: str) -> int:
    """A stable id per (artist, album, title): the demo and the tests can name a record across runs."""
    return 100_000 + zlib.crc32(f"{artist}\x1f{album}\x1f{title}".encode()) % 9_000_000


def lyric_lines(title: str, seed: int) -> list[str]:
    """Made-up lyrics: two numbered verses and a chorus on the title, stanzas separated by empty lines."""
    lines: list[str] = []
    for verse, verse_name in enumerate(_ORDINALS[:2]):
        for line, line_name in enumerate(_ORDINALS):
            first = _VERSE_WORDS[(seed + verse * 7 + line * 3) % len(_VERSE_WORDS)]
            second = _VERSE_WORDS[(seed + verse * 5 + line * 11 + 1) % len(_VERSE_WORDS)]
            lines.append(f"Verse {verse_name}, line {line_name}: {first} and {second}")
        lines += ["", f"Oh, {title}", f"Sing {title} once more", ""]
    return lines[:-1]


def lrc_stamp(seconds: float) -> str:
    """`[mm:ss.xx]`, centiseconds zero-padded (the only form beets accepts, tagging.md §5.1)."""
    centis = round(seconds * 100)
    return f"[{centis // 6000:02d}:{centis // 100 % 60:02d}.{centis % 100:02d}]"


def synced_lyrics(lines: list[str], duration: float, seed: int) -> str:
    """Timed lines spread from an intro (none on every third track) to ten percent before the end. Stanza breaks
    become blank timed lines on odd seeds and are left out on even ones."""
    keep_blank = seed % 2 == 1
    timed = [line for line in lines if line or keep_blank]
    start = 0.0 if seed % 3 == 0 else 5.0 + seed % 15
    end = duration * 0.9
    step = (end - start) / max(len(timed) - 1, 1)
    # A blank timed line keeps the space after the stamp, as LRCLIB stores it.
    return "\n".join(f"{lrc_stamp(start + i * step)} {line}" for i, line in enumerate(timed))


def _build_records() -> tuple[LyricsData, ...]:
    records: list[LyricsData] = []
    for album in ALBUMS.values():
        if album.title in MISSING_ALBUMS:
            continue
        for title, seconds in album.tracks:
            key = (album.artist, album.title, title)
            if key in MISSING:
                continue
            rid = record_id(*key)
            duration = float(seconds) + (DURATION_OFF_BY_S if key == DURATION_OFF else 0.0)
            extra = {"lang": "en"} if key in LANG_EN else {}
            album_name = RENAMED_ALBUM_NAME if key == RENAMED_ALBUM else album.title
            if key in INSTRUMENTAL:
                records.append(LyricsData(rid, title, album.artist, album_name, duration, True, None, None, extra))
                continue
            lines = lyric_lines(title, rid)
            plain = "\n".join(lines)
            synced = None if key in PLAIN_ONLY else synced_lyrics(lines, duration, rid)
            records.append(LyricsData(rid, title, album.artist, album_name, duration, False, plain, synced, extra))
    ids = [record.id for record in records]
    if len(set(ids)) != len(ids):
        raise RuntimeError("two LRCLIB emulator records share an id: change record_id's key")
    return tuple(records)


RECORDS: tuple[LyricsData, ...] = _build_records()


def find_record(artist: str, album: str, title: str) -> LyricsData:
    """The record of a catalogue track by its catalogue names (the album as the catalogue spells it, also for the
    renamed-album record); KeyError when the track has none."""
    rid = record_id(artist, album, title)
    for record in RECORDS:
        if record.id == rid:
            return record
    raise KeyError((artist, album, title))


def records_titled(artist: str, title: str) -> list[LyricsData]:
    """Every record of a title by an artist (album and live versions), in database order."""
    return [r for r in RECORDS if normalize(r.artist) == normalize(artist) and normalize(r.track) == normalize(title)]
