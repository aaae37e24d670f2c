"""One canonical tag vocabulary (`TagSet`) and its per-format maps, written with mutagen the way Picard does.

Contract: tagging.md §3 (field table, write rules) and §4.1 (embedding the front cover). Every field of `TagSet`
is managed: a non-empty value is written, an empty one removes the field, including the aliases peers read
first (a stale `ALBUM ARTIST` would otherwise shadow our `ALBUMARTIST` in beets). Tags outside the vocabulary
(ReplayGain, comments, encoder, other involved people) are left alone. A file is changed by tagging a copy in the
same directory and renaming it over the original, so a failure never leaves it half written.
"""

from __future__ import annotations

import base64
import binascii
import io
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import mutagen
from mutagen.flac import FLAC, Picture
from mutagen.id3 import Frames, PictureType
from mutagen.mp3 import MP3
from mutagen.mp4 import MP4, AtomDataType, MP4Cover, MP4FreeForm
from mutagen.oggopus import OggOpus
from mutagen.oggvorbis import OggVorbis
from PIL import Image, UnidentifiedImageError

ALBUM_FIELDS: frozenset[str] = frozenset(
    {
        "album",
        "album_artist",
        "date",
        "original_date",
        "release_date",
        "track_total",
        "disc_total",
        "label",
        "copyright",
        "barcode",
        "release_type",
        "compilation",
        "musicbrainz_release_id",
        "musicbrainz_album_artist_ids",
        "musicbrainz_release_group_id",
        "spotify_album_id",
    }
)

MUSICBRAINZ_UFID_OWNER = "http://musicbrainz.org"
ID3_V23_SEPARATOR = "; "
_UTF8 = 3
_FRONT_COVER = PictureType.COVER_FRONT
_DATE = re.compile(r"\d{4}(?:-\d{2}(?:-\d{2})?)?")
_FORMATS: dict[type[mutagen.FileType], str] = {
    FLAC: "flac",
    MP3: "mp3",
    MP4: "m4a",
    OggVorbis: "ogg",
    OggOpus: "opus",
}
_MP4_FREEFORM = "----:com.apple.iTunes:"
# mutagen's frame and atom classes are unannotated: calling them through Callable[..., Any] keeps this module
# strictly typed while saying plainly that their results are untyped.
_ID3_FRAME: Mapping[str, Callable[..., Any]] = Frames
_NEW_FREEFORM: Callable[..., Any] = MP4FreeForm
_NEW_MP4_COVER: Callable[..., Any] = MP4Cover
_NEW_PICTURE: Callable[..., Any] = Picture
_PIL_DEPTH = {"1": 1, "L": 8, "P": 8, "LA": 16, "I;16": 16, "RGB": 24, "YCbCr": 24, "RGBA": 32, "CMYK": 32}


@dataclass(frozen=True)
class Cover:
    """An embedded picture: JPEG or PNG bytes and their pixel size."""

    data: bytes
    mime: str
    width: int
    height: int


@dataclass(frozen=True)
class TagSet:
    """Everything Harmony writes into an audio file; empty values mean "this file must not carry the field"."""

    title: str = ""
    artist: str = ""
    artists: tuple[str, ...] = ()
    album: str = ""
    album_artist: str = ""
    track_number: int | None = None
    track_total: int | None = None
    disc_number: int | None = None
    disc_total: int | None = None
    date: str = ""
    original_date: str = ""
    release_date: str = ""
    genres: tuple[str, ...] = ()
    isrc: str = ""
    label: str = ""
    copyright: str = ""
    barcode: str = ""
    release_type: str = ""
    compilation: bool = False
    composers: tuple[str, ...] = ()
    lyricists: tuple[str, ...] = ()
    producers: tuple[str, ...] = ()
    musicbrainz_recording_id: str = ""
    musicbrainz_release_id: str = ""
    musicbrainz_artist_ids: tuple[str, ...] = ()
    musicbrainz_album_artist_ids: tuple[str, ...] = ()
    musicbrainz_release_group_id: str = ""
    spotify_track_id: str = ""
    spotify_album_id: str = ""
    spotify_artist_ids: tuple[str, ...] = ()
    lyrics: str = ""


class TagError(Exception):
    """The file cannot be read or tagged (not audio, truncated, unsupported format)."""


def with_album_fields(tags: TagSet, album: TagSet) -> TagSet:
    """`tags` with every non-empty album-level field taken from `album` (§3.3 rule 2: identical on every track)."""
    return replace(tags, **{name: value for name in ALBUM_FIELDS if (value := getattr(album, name))})


def audio_format(path: Path) -> str:
    """The container of `path` judged by its content: "flac", "mp3", "m4a", "ogg" (Vorbis) or "opus"."""
    return _kind(_open(path))


def write_tags(path: Path, tags: TagSet, *, cover: Cover | None = None, id3_v23: bool = False) -> None:
    """Write `tags` (and `cover` as the front cover, when given) into `path`.

    Side effects: replaces `path` by a tagged copy (same directory, fsynced, os.replace). ID3 is v2.4 UTF-8, or
    v2.3 UTF-16 with "; " between values when `id3_v23`; ID3v1 is removed, and FLAC files lose any ID3 header.
    Raises TagError (the original file untouched) when the file cannot be read or saved.
    """
    _open(path)
    fd, temporary_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tagging", dir=path.parent)
    temporary = Path(temporary_name)
    try:
        with os.fdopen(fd, "wb") as copy, path.open("rb") as original:
            shutil.copyfileobj(original, copy)
        shutil.copymode(path, temporary)
        audio = _open(temporary, shown_as=path)
        try:
            _write(audio, tags, cover, id3_v23=id3_v23)
        except (mutagen.MutagenError, OSError, ValueError) as exc:
            raise TagError(f"{path}: cannot save tags: {exc}") from exc
        with temporary.open("rb+") as written:
            os.fsync(written.fileno())
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def read_tags(path: Path) -> TagSet:
    """The vocabulary fields found in `path`, whoever wrote them (peer aliases and v2.3 "; " lists included)."""
    audio = _open(path)
    kind = _kind(audio)
    if kind == "mp3":
        return _read_id3(audio.tags)
    if kind == "m4a":
        return _read_mp4(audio.tags)
    return _read_vorbis(audio.tags)


def read_cover(path: Path) -> Cover | None:
    """The embedded front cover of `path` (ID3 APIC type 3, FLAC/Ogg picture type 3, MP4 first `covr`), if any."""
    audio = _open(path)
    kind = _kind(audio)
    data: bytes | None = None
    if kind == "mp3":
        data = next((frame.data for frame in audio.tags.getall("APIC") if frame.type == _FRONT_COVER), None)
    elif kind == "m4a":
        covers = audio.tags.get("covr", [])
        data = bytes(covers[0]) if covers else None
    else:
        front = [picture for picture in _pictures(audio) if picture.type == _FRONT_COVER]
        data = front[0].data if front else None
    if data is None:
        return None
    try:
        with Image.open(io.BytesIO(data)) as image:
            width, height = image.size
            mime = Image.MIME.get(image.format or "", "application/octet-stream")
    except (UnidentifiedImageError, OSError) as exc:
        raise TagError(f"{path}: the embedded cover is not a readable image: {exc}") from exc
    return Cover(data=data, mime=mime, width=width, height=height)


def _open(path: Path, *, shown_as: Path | None = None) -> Any:
    name = shown_as or path
    try:
        file_type = _sniff(path)
        if file_type is None:
            raise TagError(f"{name}: not a FLAC, MP3, M4A, Ogg Vorbis or Opus file")
        audio: Any = file_type(path)
    except (mutagen.MutagenError, OSError) as exc:
        raise TagError(f"{name}: not readable audio: {exc}") from exc
    if audio.tags is None:
        audio.add_tags()
    return audio


def _sniff(path: Path) -> type[mutagen.FileType] | None:
    """The container by its magic bytes, not by name or mutagen's scoring (which favours an ID3 header over the
    `fLaC` behind it). An ID3v2 tag in front is skipped: normal for MP3, tolerated in FLAC."""
    with path.open("rb") as file:
        head = file.read(10)
        start = 0
        if head[:3] == b"ID3" and len(head) == 10:
            size = (head[6] & 0x7F) << 21 | (head[7] & 0x7F) << 14 | (head[8] & 0x7F) << 7 | head[9] & 0x7F
            start = 10 + size + (10 if head[5] & 0x10 else 0)  # the footer flag adds a copy of the header
        file.seek(start)
        magic = file.read(64)
    if magic[:4] == b"fLaC":
        return FLAC
    if magic[:4] == b"OggS":
        return OggOpus if b"OpusHead" in magic else OggVorbis if b"\x01vorbis" in magic else None
    if magic[4:8] == b"ftyp":
        return MP4
    if start or (len(magic) > 1 and magic[0] == 0xFF and magic[1] & 0xE0 == 0xE0):
        return MP3
    return None


def _kind(audio: Any) -> str:
    return _FORMATS[type(audio)]


def _write(audio: Any, tags: TagSet, cover: Cover | None, *, id3_v23: bool) -> None:
    kind = _kind(audio)
    if kind == "mp3":
        _write_id3(audio.tags, tags, cover)
        if id3_v23:
            audio.tags.update_to_v23()
            audio.save(v1=0, v2_version=3, v23_sep=ID3_V23_SEPARATOR)
        else:
            audio.save(v1=0, v2_version=4)
    elif kind == "m4a":
        _write_mp4(audio.tags, tags, cover)
        audio.save()
    elif kind == "flac":
        _write_vorbis(audio.tags, tags)
        if cover is not None:
            kept = [picture for picture in audio.pictures if picture.type != _FRONT_COVER]
            audio.clear_pictures()
            for picture in [_flac_picture(cover), *kept]:
                audio.add_picture(picture)
        audio.save(deleteid3=True)
    else:
        _write_vorbis(audio.tags, tags)
        if cover is not None:
            kept = [picture for picture in _pictures(audio) if picture.type != _FRONT_COVER]
            audio.tags["METADATA_BLOCK_PICTURE"] = [
                base64.b64encode(picture.write()).decode("ascii") for picture in [_flac_picture(cover), *kept]
            ]
        audio.save()


def _text(values: Iterable[str]) -> list[str]:
    return [value for value in values if value]


def _number_pair(number: int | None, total: int | None) -> str:
    if number is None:
        return ""
    return f"{number}/{total}" if total else str(number)


def _write_id3(id3: Any, tags: TagSet, cover: Cover | None) -> None:
    def put(frame_id: str, values: Sequence[str]) -> None:
        id3.delall(frame_id)
        if _text(values):
            id3.add(_ID3_FRAME[frame_id](encoding=_UTF8, text=_text(values)))

    def put_txxx(desc: str, values: Sequence[str]) -> None:
        id3.delall(f"TXXX:{desc}")
        if _text(values):
            id3.add(_ID3_FRAME["TXXX"](encoding=_UTF8, desc=desc, text=_text(values)))

    put("TIT2", [tags.title])
    put("TPE1", [tags.artist])
    put_txxx("ARTISTS", tags.artists)
    put("TALB", [tags.album])
    put("TPE2", [tags.album_artist])
    put("TRCK", [_number_pair(tags.track_number, tags.track_total)])
    put("TPOS", [_number_pair(tags.disc_number, tags.disc_total)])
    put("TDRC", [tags.date])
    put("TDOR", [tags.original_date])
    put("TDRL", [tags.release_date])
    put("TCON", tags.genres)
    put("TCOM", tags.composers)
    put("TEXT", tags.lyricists)
    put("TSRC", [tags.isrc])
    put("TPUB", [tags.label])
    put_txxx("LABEL", [])
    put("TCOP", [tags.copyright])
    put_txxx("BARCODE", [tags.barcode])
    put_txxx("MusicBrainz Album Type", [tags.release_type])
    put("TCMP", ["1" if tags.compilation else ""])
    put_txxx("MusicBrainz Album Id", [tags.musicbrainz_release_id])
    put_txxx("MusicBrainz Artist Id", tags.musicbrainz_artist_ids)
    put_txxx("MusicBrainz Album Artist Id", tags.musicbrainz_album_artist_ids)
    put_txxx("MusicBrainz Release Group Id", [tags.musicbrainz_release_group_id])
    put_txxx("SPOTIFY_TRACK_ID", [tags.spotify_track_id])
    put_txxx("SPOTIFY_ALBUM_ID", [tags.spotify_album_id])
    put_txxx("SPOTIFY_ARTIST_ID", tags.spotify_artist_ids)

    id3.delall(f"UFID:{MUSICBRAINZ_UFID_OWNER}")
    if tags.musicbrainz_recording_id:
        id3.add(_ID3_FRAME["UFID"](owner=MUSICBRAINZ_UFID_OWNER, data=tags.musicbrainz_recording_id.encode()))

    # Producers live in the involved-people list next to roles we do not manage (engineer, mix), which stay.
    # A TXXX:PRODUCER would be counted twice by Navidrome (§3.2), so a peer's one is dropped.
    people = [pair for frame in id3.getall("TIPL") for pair in frame.people if pair[0].lower() != "producer"]
    people += [["producer", name] for name in _text(tags.producers)]
    id3.delall("TIPL")
    put_txxx("PRODUCER", [])
    if people:
        id3.add(_ID3_FRAME["TIPL"](encoding=_UTF8, people=people))

    for frame in id3.getall("USLT"):
        if frame.desc == "":
            del id3[frame.HashKey]
    if tags.lyrics:
        id3.add(_ID3_FRAME["USLT"](encoding=_UTF8, lang="XXX", desc="", text=tags.lyrics))

    if cover is not None:
        # mutagen keys APIC frames by description, so any "" picture would collide with the new front cover.
        for frame in id3.getall("APIC"):
            if frame.type == _FRONT_COVER or frame.desc == "":
                del id3[frame.HashKey]
        id3.add(_ID3_FRAME["APIC"](encoding=_UTF8, mime=cover.mime, type=_FRONT_COVER, desc="", data=cover.data))


def _vorbis_fields(tags: TagSet) -> dict[str, Sequence[str]]:
    """Vorbis comment keys (upper case, repeated for lists) → values; aliases peers read are managed as empty."""
    track_total = str(tags.track_total) if tags.track_total else ""
    disc_total = str(tags.disc_total) if tags.disc_total else ""
    return {
        "TITLE": [tags.title],
        "ARTIST": [tags.artist],
        "ARTISTS": tags.artists,
        "ALBUM": [tags.album],
        "ALBUMARTIST": [tags.album_artist],
        "ALBUM ARTIST": [],
        "ALBUM_ARTIST": [],
        "TRACKNUMBER": [str(tags.track_number) if tags.track_number is not None else ""],
        "TRACKTOTAL": [track_total],
        "TOTALTRACKS": [track_total],
        "TRACKC": [],
        "DISCNUMBER": [str(tags.disc_number) if tags.disc_number is not None else ""],
        "DISCTOTAL": [disc_total],
        "TOTALDISCS": [disc_total],
        "DISCC": [],
        "DATE": [tags.date],
        "YEAR": [],
        "ORIGINALDATE": [tags.original_date],
        "ORIGINALYEAR": [tags.original_date[:4]],
        "RELEASEDATE": [tags.release_date],
        "GENRE": tags.genres,
        "COMPOSER": tags.composers,
        "LYRICIST": tags.lyricists,
        "PRODUCER": tags.producers,
        "ISRC": [tags.isrc],
        "COPYRIGHT": [tags.copyright],
        "LABEL": [tags.label],
        "ORGANIZATION": [],
        "PUBLISHER": [],
        "BARCODE": [tags.barcode],
        "RELEASETYPE": [tags.release_type],
        "MUSICBRAINZ_ALBUMTYPE": [],
        "COMPILATION": ["1" if tags.compilation else ""],
        "MUSICBRAINZ_TRACKID": [tags.musicbrainz_recording_id],
        "MUSICBRAINZ_ALBUMID": [tags.musicbrainz_release_id],
        "MUSICBRAINZ_ARTISTID": tags.musicbrainz_artist_ids,
        "MUSICBRAINZ_ALBUMARTISTID": tags.musicbrainz_album_artist_ids,
        "MUSICBRAINZ_RELEASEGROUPID": [tags.musicbrainz_release_group_id],
        "SPOTIFY_TRACK_ID": [tags.spotify_track_id],
        "SPOTIFY_ALBUM_ID": [tags.spotify_album_id],
        "SPOTIFY_ARTIST_ID": tags.spotify_artist_ids,
        "LYRICS": [tags.lyrics],
        "UNSYNCEDLYRICS": [],
    }


def _write_vorbis(comment: Any, tags: TagSet) -> None:
    for key, values in _vorbis_fields(tags).items():
        if key in comment:
            del comment[key]  # case-insensitive: also drops a peer's lower-case "title"
        if _text(values):
            comment[key] = _text(values)


def _mp4_freeform_fields(tags: TagSet) -> dict[str, Sequence[str]]:
    return {
        "ARTISTS": tags.artists,
        "originaldate": [tags.original_date],
        "ORIGINALDATE": [],
        "ORIGINAL YEAR": [],
        "RELEASEDATE": [tags.release_date],
        "LYRICIST": tags.lyricists,
        "PRODUCER": tags.producers,
        "ISRC": [tags.isrc],
        "LABEL": [tags.label],
        "publisher": [],
        "BARCODE": [tags.barcode],
        "MusicBrainz Album Type": [tags.release_type],
        "MusicBrainz Track Id": [tags.musicbrainz_recording_id],
        "MusicBrainz Album Id": [tags.musicbrainz_release_id],
        "MusicBrainz Artist Id": tags.musicbrainz_artist_ids,
        "MusicBrainz Album Artist Id": tags.musicbrainz_album_artist_ids,
        "MusicBrainz Release Group Id": [tags.musicbrainz_release_group_id],
        "SPOTIFY_TRACK_ID": [tags.spotify_track_id],
        "SPOTIFY_ALBUM_ID": [tags.spotify_album_id],
        "SPOTIFY_ARTIST_ID": tags.spotify_artist_ids,
    }


def _write_mp4(mp4: Any, tags: TagSet, cover: Cover | None) -> None:
    def put(key: str, value: object) -> None:
        mp4.pop(key, None)
        if value:
            mp4[key] = value

    put("\xa9nam", _text([tags.title]))
    put("\xa9ART", _text([tags.artist]))
    put("\xa9alb", _text([tags.album]))
    put("aART", _text([tags.album_artist]))
    put("trkn", [(tags.track_number, tags.track_total or 0)] if tags.track_number is not None else [])
    put("disk", [(tags.disc_number, tags.disc_total or 0)] if tags.disc_number is not None else [])
    put("\xa9day", _text([tags.date]))
    put("gnre", [])
    put("\xa9gen", _text(tags.genres))
    put("\xa9wrt", _text(tags.composers))
    put("cprt", _text([tags.copyright]))
    put("cpil", tags.compilation)
    put("\xa9lyr", _text([tags.lyrics]))
    for name, values in _mp4_freeform_fields(tags).items():
        put(
            _MP4_FREEFORM + name,
            [_NEW_FREEFORM(value.encode(), dataformat=AtomDataType.UTF8) for value in _text(values)],
        )
    if cover is not None:
        image_format = MP4Cover.FORMAT_PNG if cover.mime == "image/png" else MP4Cover.FORMAT_JPEG
        mp4["covr"] = [_NEW_MP4_COVER(cover.data, imageformat=image_format), *mp4.get("covr", [])[1:]]


def _flac_picture(cover: Cover) -> Any:
    picture = _NEW_PICTURE()
    picture.type = _FRONT_COVER
    picture.mime = cover.mime
    picture.desc = ""
    picture.width = cover.width
    picture.height = cover.height
    with Image.open(io.BytesIO(cover.data)) as image:
        picture.depth = _PIL_DEPTH.get(image.mode, 24)
    picture.data = cover.data
    return picture


def _pictures(audio: Any) -> list[Any]:
    if _kind(audio) == "flac":
        return list(audio.pictures)
    pictures = []
    for encoded in audio.tags.get("METADATA_BLOCK_PICTURE", []):
        try:
            pictures.append(_NEW_PICTURE(base64.b64decode(encoded)))
        except (binascii.Error, mutagen.MutagenError):
            continue  # a peer's broken picture is not ours to repair or report
    return pictures


def _date(value: str) -> str:
    """The leading `YYYY[-MM[-DD]]` of a stored date (ID3 timestamps and iTunes `…T07:00:00Z` carry more)."""
    match = _DATE.match(value.strip())
    return match.group(0) if match else ""


def _int(value: str) -> int | None:
    digits = value.strip()
    return int(digits) if digits.isdigit() else None


def _pair(value: str) -> tuple[int | None, int | None]:
    number, _, total = value.partition("/")
    return _int(number), _int(total) or None


def _read_id3(id3: Any) -> TagSet:
    v23 = id3.version < (2, 4, 0)

    def values(key: str) -> tuple[str, ...]:
        found = [str(text) for frame in id3.getall(key) for text in frame.text]
        if v23:
            found = [part for text in found for part in text.split(ID3_V23_SEPARATOR)]
        return tuple(_text(found))

    def first(key: str) -> str:
        found = [str(text) for frame in id3.getall(key) for text in frame.text]
        return found[0] if found else ""

    artist_texts = [str(text) for frame in id3.getall("TPE1") for text in frame.text]
    track_number, track_total = _pair(first("TRCK"))
    disc_number, disc_total = _pair(first("TPOS"))
    ufid = id3.getall(f"UFID:{MUSICBRAINZ_UFID_OWNER}")
    lyrics = [frame.text for frame in id3.getall("USLT") if frame.desc == ""] or [
        frame.text for frame in id3.getall("USLT")
    ]
    producers = [pair[1] for frame in id3.getall("TIPL") for pair in frame.people if pair[0].lower() == "producer"]
    return TagSet(
        title=first("TIT2"),
        artist=ID3_V23_SEPARATOR.join(artist_texts),
        artists=values("TXXX:ARTISTS") or (tuple(artist_texts) if len(artist_texts) > 1 else ()),
        album=first("TALB"),
        album_artist=first("TPE2"),
        track_number=track_number,
        track_total=track_total,
        disc_number=disc_number,
        disc_total=disc_total,
        date=_date(first("TDRC")),
        original_date=_date(first("TDOR")),
        release_date=_date(first("TDRL")),
        genres=tuple(_text(genre for frame in id3.getall("TCON") for genre in _split_v23(frame.genres, v23))),
        isrc=first("TSRC"),
        label=first("TPUB") or first("TXXX:LABEL"),
        copyright=first("TCOP"),
        barcode=first("TXXX:BARCODE"),
        release_type=first("TXXX:MusicBrainz Album Type"),
        compilation=first("TCMP") == "1",
        composers=values("TCOM"),
        lyricists=values("TEXT"),
        producers=tuple(_text(producers)),
        musicbrainz_recording_id=ufid[0].data.decode("utf-8", "replace") if ufid else "",
        musicbrainz_release_id=first("TXXX:MusicBrainz Album Id"),
        musicbrainz_artist_ids=values("TXXX:MusicBrainz Artist Id"),
        musicbrainz_album_artist_ids=values("TXXX:MusicBrainz Album Artist Id"),
        musicbrainz_release_group_id=first("TXXX:MusicBrainz Release Group Id"),
        spotify_track_id=first("TXXX:SPOTIFY_TRACK_ID"),
        spotify_album_id=first("TXXX:SPOTIFY_ALBUM_ID"),
        spotify_artist_ids=values("TXXX:SPOTIFY_ARTIST_ID"),
        lyrics=lyrics[0] if lyrics else "",
    )


def _split_v23(genres: list[str], v23: bool) -> list[str]:
    return [part for genre in genres for part in genre.split(ID3_V23_SEPARATOR)] if v23 else genres


def _read_vorbis(comment: Any) -> TagSet:
    def values(*keys: str) -> tuple[str, ...]:
        for key in keys:
            found = _text(comment.get(key, []))
            if found:
                return tuple(found)
        return ()

    def first(*keys: str) -> str:
        found = values(*keys)
        return found[0] if found else ""

    artist_values = values("ARTIST")
    return TagSet(
        title=first("TITLE"),
        artist=ID3_V23_SEPARATOR.join(artist_values),
        artists=values("ARTISTS") or (artist_values if len(artist_values) > 1 else ()),
        album=first("ALBUM"),
        album_artist=first("ALBUMARTIST", "ALBUM ARTIST", "ALBUM_ARTIST"),
        track_number=_pair(first("TRACKNUMBER"))[0],
        track_total=_int(first("TRACKTOTAL", "TOTALTRACKS", "TRACKC")) or _pair(first("TRACKNUMBER"))[1],
        disc_number=_pair(first("DISCNUMBER"))[0],
        disc_total=_int(first("DISCTOTAL", "TOTALDISCS", "DISCC")) or _pair(first("DISCNUMBER"))[1],
        date=_date(first("DATE", "YEAR")),
        original_date=_date(first("ORIGINALDATE", "ORIGINALYEAR")),
        release_date=_date(first("RELEASEDATE")),
        genres=values("GENRE"),
        isrc=first("ISRC"),
        label=first("LABEL", "ORGANIZATION", "PUBLISHER"),
        copyright=first("COPYRIGHT"),
        barcode=first("BARCODE"),
        release_type=first("RELEASETYPE", "MUSICBRAINZ_ALBUMTYPE"),
        compilation=first("COMPILATION") == "1",
        composers=values("COMPOSER"),
        lyricists=values("LYRICIST"),
        producers=values("PRODUCER"),
        musicbrainz_recording_id=first("MUSICBRAINZ_TRACKID"),
        musicbrainz_release_id=first("MUSICBRAINZ_ALBUMID"),
        musicbrainz_artist_ids=values("MUSICBRAINZ_ARTISTID"),
        musicbrainz_album_artist_ids=values("MUSICBRAINZ_ALBUMARTISTID"),
        musicbrainz_release_group_id=first("MUSICBRAINZ_RELEASEGROUPID"),
        spotify_track_id=first("SPOTIFY_TRACK_ID"),
        spotify_album_id=first("SPOTIFY_ALBUM_ID"),
        spotify_artist_ids=values("SPOTIFY_ARTIST_ID"),
        lyrics=first("LYRICS", "UNSYNCEDLYRICS"),
    )


def _read_mp4(mp4: Any) -> TagSet:
    freeform = {key[len(_MP4_FREEFORM) :].lower(): value for key, value in mp4.items() if key.startswith(_MP4_FREEFORM)}

    def free(*names: str) -> tuple[str, ...]:
        for name in names:
            found = _text(bytes(value).decode("utf-8", "replace") for value in freeform.get(name.lower(), []))
            if found:
                return tuple(found)
        return ()

    def text(key: str) -> tuple[str, ...]:
        return tuple(_text(str(value) for value in mp4.get(key, [])))

    def first(found: tuple[str, ...]) -> str:
        return found[0] if found else ""

    track = mp4.get("trkn", [(None, None)])[0]
    disc = mp4.get("disk", [(None, None)])[0]
    artist_values = text("\xa9ART")
    return TagSet(
        title=first(text("\xa9nam")),
        artist=ID3_V23_SEPARATOR.join(artist_values),
        artists=free("ARTISTS") or (artist_values if len(artist_values) > 1 else ()),
        album=first(text("\xa9alb")),
        album_artist=first(text("aART")),
        track_number=track[0] or None,
        track_total=track[1] or None,
        disc_number=disc[0] or None,
        disc_total=disc[1] or None,
        date=_date(first(text("\xa9day"))),
        original_date=_date(first(free("originaldate", "ORIGINAL YEAR"))),
        release_date=_date(first(free("RELEASEDATE"))),
        genres=text("\xa9gen"),
        isrc=first(free("ISRC")),
        label=first(free("LABEL", "publisher")),
        copyright=first(text("cprt")),
        barcode=first(free("BARCODE")),
        release_type=first(free("MusicBrainz Album Type")),
        compilation=bool(mp4.get("cpil", False)),
        composers=text("\xa9wrt"),
        lyricists=free("LYRICIST"),
        producers=free("PRODUCER"),
        musicbrainz_recording_id=first(free("MusicBrainz Track Id")),
        musicbrainz_release_id=first(free("MusicBrainz Album Id")),
        musicbrainz_artist_ids=free("MusicBrainz Artist Id"),
        musicbrainz_album_artist_ids=free("MusicBrainz Album Artist Id"),
        musicbrainz_release_group_id=first(free("MusicBrainz Release Group Id")),
        spotify_track_id=first(free("SPOTIFY_TRACK_ID")),
        spotify_album_id=first(free("SPOTIFY_ALBUM_ID")),
        spotify_artist_ids=free("SPOTIFY_ARTIST_ID"),
        lyrics=first(text("\xa9lyr")),
    )
