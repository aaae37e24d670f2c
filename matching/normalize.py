"""Names of Soulseek files and folders against a wanted track: SELECTION_POLICY §2 "Identity".

Pure (stdlib only). Text normalisation, the version-marker vocabulary and per-folder work do not depend on the
wanted track and are cached process-wide; `NameMatcher` holds one wanted track's names and memoises its
verdicts for one `matching.scoring.rank()` call.
"""

from __future__ import annotations

import re
import string
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from typing import Final, NamedTuple

Tokens = tuple[str, ...]

# Apostrophes vanish ("Don't" = "Dont"); typographic ones are written as escapes to keep the source ASCII.
_APOSTROPHES: Final = "'`\u2019\u2018\u00b4\u02bc"
_ASCII_TABLE: Final = {ord(c): " " for c in string.punctuation}
_ASCII_TABLE.update({ord(c): "" for c in _APOSTROPHES})
_ASCII_TABLE.update({ord("&"): " and ", ord("+"): " and "})
# Letters that NFKD does not split into a base letter and a combining mark: o-slash, ae, oe, l-stroke, ...
_WIDE_TABLE: Final = {
    **_ASCII_TABLE,
    **str.maketrans({"\u00f8": "o", "\u00e6": "ae", "\u0153": "oe", "\u0142": "l", "\u0111": "d"}),
    **str.maketrans({"\u00f0": "d", "\u00fe": "th", "\u0131": "i"}),
}
_COMBINING_RE: Final = re.compile(r"[\u0300-\u036f\u1ab0-\u1aff\u20d0-\u20ff]+")
_NON_WORD_RE: Final = re.compile(r"[^\w]+")

# A dash (or tilde) with whitespace on at least one side separates "01 - Artist - Title"; "Jay-Z" is one word.
# Lookarounds instead of consuming the whitespace keep the split linear on hostile names full of spaces.
SEGMENT_RE: Final = re.compile(r"(?<=\s)[-~\u2013\u2014]+|[-~\u2013\u2014]+(?=\s)")
BRACKET_RE: Final = re.compile(r"[(\[{]([^()\[\]{}]*)[)\]}]")
# Taper/bootleg folders are named after the show date: 2003-06-28, 1980.05.02, 28-06-2003.
_DATE_RE: Final = re.compile(
    r"(?<!\d)(?:(?:19|20)\d\d[-._/](?:0?[1-9]|1[0-2])[-._/](?:0?[1-9]|[12]\d|3[01])"
    r"|(?:0?[1-9]|[12]\d|3[01])[-._/](?:0?[1-9]|[12]\d|3[01])[-._/](?:19|20)\d\d)(?!\d)"
)
# Cheaper supersets tried first: most names have no digit pair like "1-0", and few have three digit groups.
_DATE_HINT_RE: Final = re.compile(r"\d[-._/]\d")
_DATE_SHAPE_RE: Final = re.compile(r"\d{1,4}[-._/]\d{1,2}[-._/]\d{1,4}")
_TRACK_NUMBER_RE: Final = re.compile(r"\d{1,3}|[a-h]\d{1,2}|(?:cd|disc|disk|side)\d{0,2}|track")
_FORMAT_RE: Final = re.compile(r"\d+(?:kbps|kbit|kbs|k|bits?|khz|hz)|cd\d{1,2}|disc\d{1,2}|\d*x?lp|v[0-2]")
_BRACKET_CHARS: Final = re.compile(r"[(\[{]")
# "07 - ", "1-03 ", "A2. ": names differing only in this prefix share one analysis (NameMatcher.file_name).
_TRACK_PREFIX_RE: Final = re.compile(r"\s*[A-Ha-h]?\d{1,3}(?:[-.]\d{1,3})?(?:\s*[-._)]+\s*|\s+)(?=\S)")
_YEAR_RE: Final = re.compile(r"(?:19|20)\d\d")
_VINYL_TOKEN_RE: Final = re.compile(r"vinyl|vinylrip|vinyls|needledrop|lprip|\d*x?lp")

NOISE_WORDS: Final = frozenset(
    """remaster remastered remasters remastering digital digitally deluxe edition expanded anniversary bonus
    track tracks explicit uncensored mono stereo version original album single ep lp cd cds cdrip web webrip
    vinyl vinylrip needledrop flac mp3 aac m4a ogg opus alac wav aiff lossless cbr vbr kbps kbit khz bit hq
    hd hifi hires res official audio reissue""".split()  # noqa: SIM905 - a word list reads better as text
)
FORMAT_NUMBERS: Final = frozenset(("320", "256", "224", "192", "160", "128", "24", "16", "44", "48", "96"))
CREDIT_WORDS: Final = frozenset(("feat", "ft", "featuring", "with", "prod", "produced"))
FEAT_WORDS: Final = frozenset(("feat", "ft", "featuring"))
CONNECTOR_WORDS: Final = frozenset(("and", "x", "vs", "versus", "with", "by", "feat", "ft", "presents"))
VARIOUS_ARTISTS: Final = frozenset((("various", "artists"), ("various",), ("va",)))

# Version markers, one kind per line: "kinds: phrase | phrase ...", phrases in normalised words. A "-" line
# lists neutral phrases (the same recording) that must be read before their last word counts as a marker.
_MARKER_TABLE: Final = """
live: live | concert | in concert | soundboard | live session | peel session | peel sessions | bbc session
live: bbc sessions
live acoustic: unplugged
remix: remix | remixes | remixed | rmx | rework | reworked | reinterpreted | reinterpretation | mashup
remix: mash up
mix: mix | mixes | mixed
dub: dub
extended mix: 12 mix
extended: extended | 12 inch | 12 version
-: original mix | original version | album version | lp version | stereo version | mono version
-: remastered version | explicit version | full version
edit: edit | edits | re edit | reedit | single edit
radio_edit: radio edit | radio version
single_version: single version
instrumental: instrumental | instrumentals | off vocal
acapella: acapella | acapellas | acappella | a cappella | a capella | vocals | vocals only | vocal only
acapella: isolated vocals
stems: stem | stems | multitrack | multitracks
karaoke: karaoke | backing track | backing tracks | minus one | sing along
style_of: in the style of | made famous by | as made famous by | originally performed by | as performed by
cover: cover | covers | covered by
tribute: tribute | tributes
parody: parody
demo: demo | demos | rehearsal | rehearsals
slowed: slowed | slowed reverb | slowed and reverb | daycore
sped_up: sped up | speed up | spedup
nightcore: nightcore
8d: 8d
acoustic: acoustic
clean: clean | censored | radio clean
taylors_version: taylors version
rerecorded: rerecorded | re recorded | rerecording | re recording
reprise: reprise
"""


def _phrase_index(table: str) -> dict[str, list[tuple[Tokens, Tokens]]]:
    """First word -> [(phrase words, kinds)], longest phrase first so "radio edit" wins over "edit"."""
    index: dict[str, list[tuple[Tokens, Tokens]]] = {}
    for line in filter(None, table.splitlines()):
        kinds, _, phrases = line.partition(":")
        for phrase in phrases.split("|"):
            words = tuple(phrase.split())
            index.setdefault(words[0], []).append((words, () if kinds == "-" else tuple(kinds.split())))
    for entries in index.values():
        entries.sort(key=lambda entry: -len(entry[0]))
    return index


_PHRASES_BY_FIRST: Final = _phrase_index(_MARKER_TABLE)


def fold(text: str) -> str:
    """Lower-case, strip diacritics, drop apostrophes, turn every other punctuation mark into a space."""
    if text.isascii():
        return text.lower().translate(_ASCII_TABLE)
    text = _COMBINING_RE.sub("", unicodedata.normalize("NFKD", text)).casefold().translate(_WIDE_TABLE)
    return _NON_WORD_RE.sub(" ", text).replace("_", " ")


def tokens(text: str) -> Tokens:
    """Normalised words; runs of single letters are joined so "R.E.M." and "REM" agree."""
    words = fold(text).split()
    if len(words) < 2 or min(map(len, words)) > 1:
        return tuple(words)
    merged: list[str] = []
    run: list[str] = []
    for word in [*words, ""]:
        if len(word) == 1:
            run.append(word)
            continue
        if run:
            merged.extend(["".join(run)] if len(run) > 1 else run)
            run = []
        if word:
            merged.append(word)
    return tuple(merged)


def find_seq(hay: Tokens, needle: Tokens, start: int = 0) -> int:
    """Index of `needle` as a contiguous run in `hay`, or -1."""
    if not needle:
        return -1
    first, n = needle[0], len(needle)
    for i in range(start, len(hay) - n + 1):
        if hay[i] == first and hay[i : i + n] == needle:
            return i
    return -1


def contains_name(hay: Tokens, name: Tokens) -> bool:
    """`name` appears as a token run in `hay`, or written without its spaces ("Jay Z" vs "JayZ", "ACDC")."""
    if find_seq(hay, name) >= 0:
        return True
    compact = "".join(name)
    if len(compact) < 3:
        return False
    for i in range(len(hay)):
        joined = ""
        for word in hay[i:]:
            joined += word
            if len(joined) >= len(compact):
                break
        if joined == compact:
            return True
    return False


def remove_seq(hay: Tokens, needle: Tokens) -> Tokens:
    """`hay` without any contiguous occurrence of `needle`."""
    i = find_seq(hay, needle)
    while i >= 0:
        hay = hay[:i] + hay[i + len(needle) :]
        i = find_seq(hay, needle, i)
    return hay


def has_date(text: str) -> bool:
    """A show date (2003-06-28, 28.06.2003) in a folder or file name: a live recording (policy §2)."""
    return bool(_DATE_HINT_RE.search(text) and _DATE_SHAPE_RE.search(text) and _DATE_RE.search(text))


@lru_cache(maxsize=65_536)
def is_track_number(word: str) -> bool:
    return _TRACK_NUMBER_RE.fullmatch(word) is not None


@lru_cache(maxsize=65_536)
def is_noise(word: str) -> bool:
    """Words that describe the file or release, not the recording: formats, remaster notes, years."""
    return word in NOISE_WORDS or bool(_FORMAT_RE.fullmatch(word) or _YEAR_RE.fullmatch(word))


def is_tail_noise(word: str) -> bool:
    """Noise allowed right after a title: stricter than `is_noise` about bare numbers ("Part 2")."""
    return is_noise(word) or word in FORMAT_NUMBERS


def strip_noise(words: Iterable[str]) -> Tokens:
    return tuple(w for w in words if not is_noise(w) and not w.isdigit())


class MarkerScan(NamedTuple):
    kinds: frozenset[str]
    first_index: int  # index of the first word that belongs to a marker phrase, -1 when none
    leftover: Tokens  # words not part of any marker or neutral phrase ("original mix" is neutral)


def scan_markers(words: Tokens, *, generic_version: bool = False) -> MarkerScan:
    """Version-marker kinds named in `words` (SELECTION_POLICY §2 "Version").

    With `generic_version`, "<qualifier> version" ("Piano Version") is a marker of its own unless the
    qualifier is noise or a year; folders do not get this ("Album (US Version)" is a release, not a take).
    """
    kinds: set[str] = set()
    leftover: list[str] = []
    last_leftover = -1  # index in `words` of the newest leftover word
    first = -1
    i, n = 0, len(words)
    while i < n:
        word = words[i]
        step = 0
        for phrase, phrase_kinds in _PHRASES_BY_FIRST.get(word, ()):
            if words[i : i + len(phrase)] == phrase:
                step = len(phrase)
                if phrase_kinds:
                    kinds.update(phrase_kinds)
                    first = i if first < 0 else first
                break
        else:
            if word == "take" and i + 1 < n and words[i + 1].isdigit():
                kinds.add(f"take_{int(words[i + 1])}")
                first, step = (i if first < 0 else first), 2
            elif generic_version and word == "version" and last_leftover == i - 1 >= 0:
                previous = words[i - 1]
                if not is_noise(previous) and not previous.isdigit():
                    kinds.add(f"{previous}_version")
                    first = i - 1 if first < 0 else first
                    leftover.pop()
                    step = 1
        if not step:
            leftover.append(word)
            last_leftover, step = i, 1
        i += step
    return MarkerScan(frozenset(kinds), first, tuple(leftover))


def is_vinyl(words: Tokens) -> bool:
    """Folder or file name says vinyl / LP / needle drop ("LP Version" is radio-promo wording, not vinyl)."""
    joined = "".join(words)
    if "lp" not in joined and "vinyl" not in joined and "needle" not in joined:
        return False
    for i, word in enumerate(words):
        if _VINYL_TOKEN_RE.fullmatch(word) and not (i + 1 < len(words) and words[i + 1] == "version"):
            return True
        if word == "needle" and i + 1 < len(words) and words[i + 1] == "drop":
            return True
    return False


class Component(NamedTuple):
    """One folder name of a remote path, normalised once per process."""

    words: Tokens
    is_dated: bool
    is_vinyl: bool
    compact: str  # the words without spaces, for cheap substring pre-checks
    kinds: frozenset[str]  # markers in the whole name, before the artist/album/title are taken out
    segments: tuple[Tokens, ...]  # the words of each " - " part


@lru_cache(maxsize=65_536)
def component(name: str) -> Component:
    words = tokens(name)
    kinds = scan_markers(words).kinds
    segments = tuple(tokens(part) for part in SEGMENT_RE.split(name)) if kinds else ()
    return Component(words, has_date(name), is_vinyl(words), "".join(words), kinds, segments)


def split_remote_path(filename: str) -> tuple[str, str]:
    """(directory, file name) of an slskd remote path; `/` separates only if present (slskd.md §7.1)."""
    sep = "/" if "/" in filename else "\\"
    directory, _, name = filename.rpartition(sep)
    return directory, name


@lru_cache(maxsize=16_384)
def directory_components(directory: str) -> tuple[Component, ...]:
    sep = "/" if "/" in directory else "\\"
    return tuple(component(part) for part in directory.split(sep) if part)


class MarkerGroup(NamedTuple):
    """Version markers found in one bracket, dash segment or folder name, with that text's words."""

    kinds: frozenset[str]
    words: frozenset[str]


class NameInfo(NamedTuple):
    title_ok: bool
    title_detail: str | None
    groups: tuple[MarkerGroup, ...]
    kinds: frozenset[str]
    has_artist: bool
    vinyl: bool


class FolderInfo(NamedTuple):
    has_artist: bool
    album_match: bool
    vinyl: bool
    groups: tuple[MarkerGroup, ...]
    kinds: frozenset[str]


_LIVE_DATE: Final = MarkerGroup(frozenset(("live",)), frozenset())


def _kinds(groups: tuple[MarkerGroup, ...]) -> frozenset[str]:
    return frozenset(k for g in groups for k in g.kinds) if groups else frozenset()


class NameMatcher:
    """One wanted track's names, normalised once, judging file and folder names (title, artist, markers).

    Its memo tables grow with every distinct name it sees: build one per ranking, not one per process.
    """

    def __init__(self, artists: Iterable[str], title: str, album: str | None) -> None:
        # Per-call memo tables: peers share folder names, and names share their parts ("07", "(Live)").
        self.stems: dict[str, NameInfo] = {}
        self.dirs: dict[str, FolderInfo] = {}
        self.brackets: dict[str, tuple[str, MarkerGroup | None]] = {}
        self.parts: dict[str, Tokens] = {}
        self.titled: dict[Tokens, MarkerGroup | None] = {}
        self.explained: dict[Tokens, tuple[bool, MarkerGroup | None]] = {}
        names = dict.fromkeys(n for n in artists if n and n.strip())
        variants: dict[Tokens, None] = {}  # ordered and unique
        for name in names:
            words = tokens(name)
            variants[words] = None
            if len(words) > 1 and words[0] == "the":
                variants[words[1:]] = None
        self.artists: tuple[Tokens, ...] = tuple(a for a in variants if a)
        # A band called "Live" names folders "Live - Throwing Copper"; only such whole parts are its name.
        self.marker_named = frozenset(a for a in self.artists if not scan_markers(a).leftover)
        self.compacts = tuple("".join(a) for a in self.artists)
        # Names with no letters or digits ("!!!") can only be found as written.
        self.raw_artists = tuple(name.casefold() for name in names if not tokens(name))
        self.album: Tokens = strip_noise(tokens(BRACKET_RE.sub(" ", album))) if album else ()
        segments, groups = self._split(title)
        base: list[Tokens] = [segments[0]] if segments else []
        for seg in segments[1:]:
            scan = scan_markers(seg, generic_version=True)
            if scan.kinds:
                groups.append(MarkerGroup(scan.kinds, frozenset(strip_noise(seg))))
            elif seg[0] != "from" and not all(is_noise(w) for w in seg):
                base.append(seg)
        self.title_segments: tuple[Tokens, ...] = tuple(base)
        self.title: Tokens = tuple(w for seg in base for w in seg)
        self.compact_title = "".join(self.title)
        # One analysis may serve every track number only if no digit can belong to the title or an artist.
        self.share_track_numbers = bool(self.title) and not (
            is_track_number(self.title[0]) or any(c.isdigit() for c in "".join(self.compacts))
        )
        self.groups: tuple[MarkerGroup, ...] = tuple(groups)
        self.kinds: frozenset[str] = frozenset(k for g in groups for k in g.kinds)

    def has_artist(self, words: Tokens, compact: str | None = None) -> bool:
        compact = "".join(words) if compact is None else compact
        pairs = zip(self.artists, self.compacts, strict=True)
        return any(c in compact and contains_name(words, a) for a, c in pairs)

    def _artist_at(self, words: Tokens, i: int) -> int:
        for a in self.artists:
            if words[i : i + len(a)] == a:
                return len(a)
        return 0

    def _split(self, text: str) -> tuple[list[Tokens], list[MarkerGroup]]:
        """Dash segments of a title or file name (feat. credits dropped) and the marker groups of its
        brackets; a bracket that is no marker, credit, noise or artist stays: "Don't You (Forget About Me)".
        """
        groups: list[MarkerGroup] = []
        text = text.replace("_", " ")
        if " " not in text:
            text = text.replace(".", " ")
        if _BRACKET_CHARS.search(text):
            pieces: list[str] = []
            last = 0
            for match in BRACKET_RE.finditer(text):
                replacement, group = self._bracket(match.group(1))
                pieces += (text[last : match.start()], replacement)
                last = match.end()
                if group is not None:
                    groups.append(group)
            text = "".join((*pieces, text[last:]))
        segments = []
        for part in SEGMENT_RE.split(text):
            words = self.parts.get(part)
            if words is None:
                words = tokens(part)
                cut = next((i for i, w in enumerate(words) if w in FEAT_WORDS), len(words))
                words = self.parts[part] = words[:cut]
            if words:
                segments.append(words)
        return segments, groups

    def _bracket(self, content: str) -> tuple[str, MarkerGroup | None]:
        """What a bracket becomes: dropped (credit, noise, artist), a marker group, or inline title text."""
        known = self.brackets.get(content)
        if known is None:
            words = tokens(content)
            scan = scan_markers(words, generic_version=True)
            if not words or words[0] in CREDIT_WORDS or words[0] == "from":
                known = (" ", None)
            elif scan.kinds:
                known = (" ", MarkerGroup(scan.kinds, frozenset(strip_noise(words))))
            elif all(is_noise(w) or w.isdigit() for w in scan.leftover) or self.has_artist(words):
                known = (" ", None)
            else:
                known = (f" {content} ", None)
            self.brackets[content] = known
        return known

    def file_name(self, stem: str) -> NameInfo:
        """Verdict on a file name without its extension; memoised, and shared across leading track numbers."""
        prefix = _TRACK_PREFIX_RE.match(stem) if self.share_track_numbers else None
        key = stem[prefix.end() :] if prefix else stem
        info = self.stems.get(key)
        if info is None:
            info = self.stems[key] = self._analyse_stem(key)
        if prefix and "live" not in info.kinds and has_date(stem):  # "28-06-2003 ..." lost its date
            found = (*info.groups, _LIVE_DATE)
            info = info._replace(groups=found, kinds=_kinds(found))
        return info

    def _analyse_stem(self, stem: str) -> NameInfo:
        words = tokens(stem)
        compact = "".join(words)
        has_artist = self.has_artist(words, compact) or any(a in stem.casefold() for a in self.raw_artists)
        vinyl = is_vinyl(words)
        dated = (_LIVE_DATE,) if has_date(stem) else ()
        # Cheap necessary condition: the title's letters appear contiguously somewhere in the name.
        if not self.title or self.compact_title not in compact:
            brackets = BRACKET_RE.findall(stem) if _BRACKET_CHARS.search(stem) else ()
            found = (*dated, *(g for b in brackets if (g := self._bracket(b)[1]) is not None))
            return NameInfo(False, "title not in file name", found, _kinds(found), has_artist, vinyl)
        if self._is_plain_title(words):
            return NameInfo(True, None, dated, _kinds(dated), has_artist, vinyl)
        segments, groups = self._split(stem)
        detail = "file name is not the title"
        n_title = len(self.title_segments)
        first_word = self.title[0]
        for i in range(len(segments)):
            if first_word not in segments[i] and n_title == 1:
                continue
            for span in range(1, min(n_title, len(segments) - i) + 1):
                tail = self._match_title(segments[i] if span == 1 else sum(segments[i : i + span], ()))
                if tail is None:
                    continue
                extra: list[MarkerGroup] = [tail] if tail.kinds else []
                unknown = []
                for seg in segments[:i] + segments[i + span :]:
                    ok, group = self._explain(seg)
                    if not ok:
                        unknown.append(seg)
                    elif group is not None:
                        extra.append(group)
                if not unknown:
                    found = (*dated, *groups, *extra)
                    return NameInfo(True, None, found, _kinds(found), has_artist, vinyl)
                detail = "unexpected text: " + " / ".join(" ".join(seg) for seg in unknown)
        found = (*dated, *groups)
        return NameInfo(False, detail, found, _kinds(found), has_artist, vinyl)

    def _is_plain_title(self, words: Tokens) -> bool:
        """Fast path for the common names: [track numbers] [artist] title [artist], nothing else."""
        n = len(self.title)
        for k in range(min(4, len(words)) + 1):
            if k and not is_track_number(words[k - 1]):
                break
            skip = self._artist_at(words, k)
            for start in (k, k + skip) if skip else (k,):
                if words[start : start + n] == self.title:
                    rest = words[start + n :]
                    return not rest or (rest in self.artists and rest not in self.marker_named)
        return False

    def _match_title(self, words: Tokens) -> MarkerGroup | None:
        """The title's words at the start of `words` after optional track numbers and an artist, followed only
        by markers or noise: "Runaway" must not match "Runaway Train". Returns the tail's markers."""
        if words not in self.titled:
            self.titled[words] = self._find_title(words)
        return self.titled[words]

    def _find_title(self, words: Tokens) -> MarkerGroup | None:
        title, n = self.title, len(self.title)
        for k in range(min(4, len(words)) + 1):
            if k and not is_track_number(words[k - 1]):
                break
            skip = self._artist_at(words, k)
            for start in (k, k + skip) if skip else (k,):
                group = self._tail(words[start + n :]) if words[start : start + n] == title else None
                if group is not None:
                    return group
        return None

    def _tail(self, tail: Tokens) -> MarkerGroup | None:
        scan = scan_markers(tail, generic_version=True)
        end = scan.first_index if scan.kinds else len(tail)
        i = 0
        while i < end:
            if is_tail_noise(tail[i]):
                i += 1
            elif size := self._artist_at(tail, i):
                i += size
            elif tail[i] in CONNECTOR_WORDS and (size := self._artist_at(tail, i + 1)):
                i += 1 + size
            else:
                return None
        return MarkerGroup(scan.kinds, frozenset(strip_noise(tail)))

    def _explain(self, seg: Tokens) -> tuple[bool, MarkerGroup | None]:
        """A dash segment beside the title is fine if it is markers (returned), noise, artist or album."""
        known = self.explained.get(seg)
        if known is None:
            scan = scan_markers(seg, generic_version=True)
            if seg[0] == "from" or seg in self.marker_named:
                known = (True, None)
            elif scan.kinds:
                known = (True, MarkerGroup(scan.kinds, frozenset(strip_noise(seg))))
            else:
                fine = (
                    all(is_noise(w) or w.isdigit() or is_track_number(w) for w in scan.leftover)
                    or seg in VARIOUS_ARTISTS
                    or self.has_artist(seg)
                    or (bool(self.album) and find_seq(seg, self.album) >= 0)
                )
                known = (fine, None)
            self.explained[seg] = known
        return known

    def directory(self, directory: str) -> FolderInfo:
        """Verdict on the folders of a remote path (artist, album, vinyl, version markers); memoised."""
        info = self.dirs.get(directory)
        if info is None:
            info = self.dirs[directory] = self._analyse_directory(directory)
        return info

    def _analyse_directory(self, directory: str) -> FolderInfo:
        parts = directory_components(directory)
        has_artist = any(self.has_artist(p.words, p.compact) for p in parts) or any(
            a in directory.casefold() for a in self.raw_artists
        )
        album_match = bool(self.album) and any(find_seq(p.words, self.album) >= 0 for p in parts)
        groups: list[MarkerGroup] = []
        for part in parts:
            if part.is_dated:
                groups.append(MarkerGroup(frozenset(("live",)), frozenset(strip_noise(part.words))))
            if not part.kinds:
                continue
            # The artist ("Live", "Clean Bandit"), the wanted album ("Live at Leeds") and the title itself
            # ("Oasis - Live Forever (single)") name the folder; only the rest of its name marks a version.
            rest = tuple(w for seg in part.segments if seg not in self.marker_named for w in seg)
            for name in (*self.artists, self.album, self.title):
                if name and name not in self.marker_named:
                    rest = remove_seq(rest, name)
            # Markers the wanted track has itself stay: its live album is named "Live at Leeds".
            kinds = scan_markers(rest).kinds | (part.kinds & self.kinds)
            if kinds:
                groups.append(MarkerGroup(kinds, frozenset(strip_noise(part.words))))
        found = tuple(groups)
        return FolderInfo(has_artist, album_match, any(p.is_vinyl for p in parts), found, _kinds(found))


def qualifiers_match(wanted: tuple[MarkerGroup, ...], found: tuple[MarkerGroup, ...]) -> bool:
    """Each wanted marker's own words ("Hands and Feet Mix") are in one marker text of the file or folders."""
    return all(any(w.words <= f.words for f in found) for w in wanted if w.words)
