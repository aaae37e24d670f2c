"""Where a finished file goes in the library: path templates, file-name sanitising, album names from folders.

Pure (stdlib only). TAGGING contract §3.3 rules 4–5: `NN - Title` zero-padded (3 digits past 99 tracks),
`D-NN - Title` on multi-disc albums, artist folder = album artist ("Various Artists" for compilations), names
safe on Windows/SMB shares (no `/ \\ : * ? " < > |`, no control characters, no trailing dots or spaces), NFC,
each component capped at about 200 UTF-8 bytes.

Replacements in names (chosen to read well and stay ASCII for SMB): `/` and `\\` become `_` ("AC/DC" ->
"AC_DC"); `: ` becomes ` - ` and any other `:` a `-` ("Live: Tokyo" -> "Live - Tokyo", "12:34" -> "12-34");
`*` becomes `_`; `?` is dropped ("Where Is My Mind?"); `"` becomes `'`; `<` and `>` become `(` and `)` (so the
fallback "<Unknown Album>" reads "(Unknown Album)"); `|` becomes `-`. Leading dots are dropped as well as
trailing ones: a leading dot hides a folder on Unix and library scanners skip hidden folders
("...And Justice for All" -> "And Justice for All").
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Final

DEFAULT_TEMPLATE: Final = "{albumartist}/{album}/[{disc}-][{track} - ]{title}"
FIELDS: Final = frozenset(("artist", "albumartist", "album", "title", "track", "disc", "year", "ext"))
UNKNOWN_ALBUM: Final = "<Unknown Album>"
UNKNOWN_ARTIST: Final = "<Unknown Artist>"
VARIOUS_ARTISTS: Final = "Various Artists"
MAX_COMPONENT_BYTES: Final = 200

_REPLACEMENTS: Final = str.maketrans(
    {"/": "_", "\\": "_", ":": "-", "*": "_", "?": "", '"': "'", "<": "(", ">": ")", "|": "-"}
)
_COLON_SPACE_RE: Final = re.compile(r"\s*:\s+")
# Windows refuses these as a file's base name whatever follows the first dot ("CON.flac"), including the
# superscript-digit forms of COM and LPT.
_RESERVED_RE: Final = re.compile(r"(?:con|prn|aux|nul|(?:com|lpt)[1-9\u00b9\u00b2\u00b3])", re.IGNORECASE)
_EXT_RE: Final = re.compile(r"[^0-9a-z]")
_SEGMENT_RE: Final = re.compile(r"\s+[-\u2013\u2014~]+\s+")
_YEAR_ONLY_RE: Final = re.compile(r"[(\[{]?(?:19|20)\d\d[)\]}]?")
_DISC_RE: Final = re.compile(r"(?:cd|disc|disk|dvd)[\s._-]*\d{1,2}(?:\s*(?:of|/)\s*\d{1,2})?", re.IGNORECASE)
_FORMAT_WORDS: Final = (
    r"flac|mp3|aac|m4a|alac|ogg|opus|wav|aiff|ape|wv|lossless|web|cd|vinyl|cdrip|webrip|vinylrip|hi-?res|24bit|"
    r"16bit|320|256|224|192|160|128|\d{2,3}\s*k(?:bps)?|v[0-2]|cbr|vbr|24[-/ ]\d{2,3}|16[-/ ]44|\d{2,3}(?:\.\d)?\s*khz"
)
_FORMAT_FOLDER_RE: Final = re.compile(rf"(?:{_FORMAT_WORDS})(?:[\s,+_-]+(?:{_FORMAT_WORDS}))*", re.IGNORECASE)
_GENERIC_RE: Final = re.compile(
    r"music|my music|musik|musique|audio|media|downloads?|complete|completed|incomplete|shared?|soulseek|slsk|"
    r"albums?|singles|various|misc|new folder|untitled|unknown|unknown album|desktop|documents|users?|home|"
    r"@@.*|[a-z]:",
    re.IGNORECASE,
)
# No file system holds a longer name; refusing them also bounds the regex work on a hostile peer's path.
_MAX_FOLDER_CHARS: Final = 255
_EDITION_WORDS: Final = frozenset(
    """remaster remastered remasters deluxe edition expanded anniversary bonus tracks special limited collector's
    collectors reissue version explicit clean mono stereo original album ep lp single cd web vinyl lossless flac
    mp3 aac alac ogg opus wav hi-res hires bit khz kbps 24bit 16bit cbr vbr v0 v2 320 256 192 128 24 16 44 48 96
    44.1 and""".split()  # noqa: SIM905 - a word list reads better as text
)
_TRAILING_TAG_RE: Final = re.compile(r"\s*(?:\[[^\[\]]*\]|\{[^{}]*\})\s*$")
_PAREN_RE: Final = re.compile(r"\s*\(([^()]*)\)")
_WORD_SPLIT_RE: Final = re.compile(r"[\s,/+_-]+")
_NUMBER_WORD_RE: Final = re.compile(r"\d+(?:\.\d+)?(?:bit|khz|k|kbps)?")


class TemplateError(ValueError):
    """A path template that cannot be used; the message names what is wrong."""


@dataclass(frozen=True)
class PathFields:
    """What a library path is rendered from: the track's tags and the file's extension."""

    artist: str = ""
    album_artist: str = ""
    album: str = ""
    title: str = ""
    track_number: int | None = None
    track_total: int | None = None
    disc_number: int | None = None
    disc_total: int | None = None
    year: int | str | None = None  # a number or the year part of a date tag
    compilation: bool = False
    ext: str = ""


@dataclass(frozen=True)
class _Literal:
    text: str


@dataclass(frozen=True)
class _Field:
    name: str


@dataclass(frozen=True)
class _Optional:
    parts: tuple[_Literal | _Field, ...]


_Node = _Literal | _Field | _Optional


def sanitize_component(text: str, *, max_bytes: int = MAX_COMPONENT_BYTES) -> str:
    """One folder or file name (without extension) that is safe on Linux, macOS and Windows/SMB shares.

    Never returns an empty string, "." or "..": those become "_". See the module docstring for the replacements.
    """
    text = unicodedata.normalize("NFC", text)
    text = _COLON_SPACE_RE.sub(" - ", text).translate(_REPLACEMENTS)
    text = "".join(char for char in text if char.isspace() or unicodedata.category(char) != "Cc")
    text = _strip_edges(_truncate_utf8(" ".join(text.split()), max_bytes))
    head, dot, tail = text.partition(".")
    if _RESERVED_RE.fullmatch(head.rstrip()):
        text = f"{head.rstrip()}_{dot}{tail}"
    return text or "_"


def validate_template(template: str) -> None:
    """Raise TemplateError when `template` cannot render a safe relative path that names the track."""
    _parse(template)


def render_path(template: str, fields: PathFields, *, max_bytes: int = MAX_COMPONENT_BYTES) -> PurePosixPath:
    """The relative library path of a file: `template` filled from `fields`, plus the lower-case extension.

    Each field value is sanitised as one component before substitution ("AC/DC" stays one folder), and each
    rendered component again (literal text of the template, the byte cap). `[...]` is dropped when a field
    inside it is empty. A folder component that renders empty is dropped; the file name never is.
    """
    nodes = _parse(template)
    values = _field_values(fields, max_bytes)
    rendered = "".join(_render_node(node, values) for node in nodes)
    *folders, stem = rendered.split("/")
    components = [sanitize_component(folder, max_bytes=max_bytes) for folder in folders if folder.strip()]
    ext = values["ext"]
    name = sanitize_component(stem, max_bytes=max_bytes) + (f".{ext}" if ext else "")
    return PurePosixPath(*components, name)


def guess_album_from_folder(folder: str, *, artist: str = "") -> str:
    """The album title a Soulseek folder name suggests, or "" when the name says nothing about an album.

    "1997 - OK Computer [FLAC]", "Radiohead - OK Computer (1997) [320]" (with artist "Radiohead") and
    "OK Computer (Remastered) {2009}" all give "OK Computer". Uploaders' annotations go: every trailing `[...]`
    and `{...}` group, `(...)` groups made only of years, formats and edition words, a leading or trailing year,
    and a leading or trailing segment equal to `artist`. Edition words ("Remastered", "Deluxe Edition") are
    dropped on purpose: the folder name is only a fallback for untagged files, and one album title per album
    keeps every edition's tracks in one library folder (Navidrome splits albums whose tags differ). Generic
    names (Music, Downloads, CD1, Disc 2, FLAC, mp3, @@share, C:) and the artist's own folder give "".
    """
    name = unicodedata.normalize("NFC", folder).strip().strip("/\\").strip()
    if not name or len(name) > _MAX_FOLDER_CHARS or _is_generic(name):
        return ""
    name = _strip_annotations(name)
    folded_artist = _fold(artist)

    def is_noise(segment: str) -> bool:
        return bool(_YEAR_ONLY_RE.fullmatch(segment)) or (bool(folded_artist) and _fold(segment) == folded_artist)

    segments = [segment.strip() for segment in _SEGMENT_RE.split(name) if segment.strip()]
    while len(segments) > 1 and is_noise(segments[0]):
        segments.pop(0)
    while len(segments) > 1 and is_noise(segments[-1]):
        segments.pop()
    album = " - ".join(segments)
    return "" if not album or is_noise(album) or _is_generic(album) else album


def album_from_remote_path(remote_path: str, *, artist: str = "") -> str:
    """The album a peer's file path suggests: its folder's name, or the parent's when that folder is a disc or
    format subfolder ("…\\OK Computer\\CD1\\01.flac", "…\\OK Computer [1997]\\FLAC\\01.flac"); "" when the
    nearest meaningful folder is generic ("@@share\\Music\\01.flac") or the artist's own folder."""
    folders = [part for part in re.split(r"[\\/]+", remote_path)[:-1] if part.strip()]
    for folder in reversed(folders):
        name = folder.strip()
        if _DISC_RE.fullmatch(name) or _FORMAT_FOLDER_RE.fullmatch(name):
            continue
        return guess_album_from_folder(name, artist=artist)
    return ""


def _is_generic(name: str) -> bool:
    return bool(_GENERIC_RE.fullmatch(name) or _DISC_RE.fullmatch(name) or _FORMAT_FOLDER_RE.fullmatch(name))


def _strip_edges(text: str) -> str:
    return text.strip(" .")


def _truncate_utf8(text: str, max_bytes: int) -> str:
    encoded = text.encode("utf-8")
    if len(encoded) <= max_bytes:
        return text
    # errors="ignore" drops the partial character the byte cut leaves at the end.
    return encoded[:max_bytes].decode("utf-8", errors="ignore")


def _parse(template: str) -> tuple[_Node, ...]:
    """Template text -> literals, fields and optional groups; TemplateError names the first problem."""
    if not template.strip():
        raise TemplateError("the path template is empty")
    if template.startswith("/") or re.match(r"[A-Za-z]:", template):
        raise TemplateError("the path template must be relative to the music folder (it starts with / or a drive)")
    if "\\" in template:
        raise TemplateError("use / to separate folders in the path template, not \\")
    nodes: list[_Node] = []
    group: list[_Literal | _Field] | None = None
    position = 0
    for match in re.finditer(r"\{([^{}\[\]]*)\}|[{}\[\]]", template):
        literal = template[position : match.start()]
        position = match.end()
        if literal:
            _append(nodes, group, _Literal(literal))
        mark = match.group(0)
        if match.group(1) is not None:
            name = match.group(1)
            if name not in FIELDS:
                raise TemplateError(f"unknown field {{{name}}} in the path template; known: {_known()}")
            _append(nodes, group, _Field(name))
        elif mark == "[":
            if group is not None:
                raise TemplateError("optional segments [...] cannot be nested in the path template")
            group = []
        elif mark == "]":
            if group is None:
                raise TemplateError("unbalanced brackets: ']' without '[' in the path template")
            if not any(isinstance(part, _Field) for part in group):
                raise TemplateError("an optional segment [...] in the path template holds no {field}")
            nodes.append(_Optional(tuple(group)))
            group = None
        else:
            raise TemplateError(f"unbalanced braces: stray '{mark}' in the path template")
    if group is not None:
        raise TemplateError("unbalanced brackets: '[' without ']' in the path template")
    if template[position:]:
        nodes.append(_Literal(template[position:]))
    _check_components(template, nodes)
    return tuple(nodes)


def _append(nodes: list[_Node], group: list[_Literal | _Field] | None, node: _Literal | _Field) -> None:
    if group is None:
        nodes.append(node)
    else:
        group.append(node)


def _check_components(template: str, nodes: list[_Node]) -> None:
    components = template.split("/")
    for component in components:
        if not component.strip():
            raise TemplateError("the path template has an empty folder name (// or a trailing /)")
        if component.strip() in (".", ".."):
            raise TemplateError(f"the path template may not contain '{component.strip()}' as a folder")
    if not any(isinstance(node, _Field) and node.name == "title" for node in _flatten(nodes)):
        raise TemplateError("the path template must contain {title}")
    if "{title}" not in components[-1]:
        raise TemplateError("{title} must be in the file name (after the last /) of the path template")


def _flatten(nodes: list[_Node]) -> list[_Literal | _Field]:
    flat: list[_Literal | _Field] = []
    for node in nodes:
        flat.extend(node.parts if isinstance(node, _Optional) else (node,))
    return flat


def _known() -> str:
    return ", ".join(f"{{{name}}}" for name in sorted(FIELDS))


def _render_node(node: _Node, values: dict[str, str]) -> str:
    if isinstance(node, _Literal):
        return node.text
    if isinstance(node, _Field):
        return values[node.name]
    if any(isinstance(part, _Field) and not values[part.name] for part in node.parts):
        return ""
    return "".join(_render_node(part, values) for part in node.parts)


def _field_values(fields: PathFields, max_bytes: int) -> dict[str, str]:
    artist = fields.artist.strip() or UNKNOWN_ARTIST
    album_artist = VARIOUS_ARTISTS if fields.compilation else (fields.album_artist.strip() or artist)
    track = ""
    if fields.track_number:
        width = 3 if (fields.track_total or 0) > 99 else 2
        track = f"{fields.track_number:0{width}d}"
    disc = str(fields.disc_number) if fields.disc_number and (fields.disc_total or 0) > 1 else ""
    raw = {
        "artist": artist,
        "albumartist": album_artist,
        "album": fields.album.strip() or UNKNOWN_ALBUM,
        "title": fields.title,
        "track": track,
        "disc": disc,
        "year": str(fields.year or ""),
    }
    values = {
        name: sanitize_component(value, max_bytes=max_bytes) if value.strip() else "" for name, value in raw.items()
    }
    values["ext"] = _EXT_RE.sub("", fields.ext.lower())[:16]
    return values


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).casefold().split())


def _strip_annotations(name: str) -> str:
    """Drop uploaders' tags: trailing [...] / {...} groups and (...) groups of years, formats and edition words."""
    while True:
        stripped = _TRAILING_TAG_RE.sub("", name)
        if stripped == name or not stripped.strip():
            break
        name = stripped
    kept = _PAREN_RE.sub(lambda match: "" if _is_annotation(match.group(1)) else match.group(0), name).strip()
    return kept or name


def _is_annotation(text: str) -> bool:
    words = [word for word in _WORD_SPLIT_RE.split(text.casefold()) if word]
    return bool(words) and all(word in _EDITION_WORDS or _NUMBER_WORD_RE.fullmatch(word) for word in words)
