"""Reads of the music library shared by the API, the Library page and the commands."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Prefetch, QuerySet

from media_enrich.imaging import CoverImage
from media_enrich.models import AlbumRelease, FinishStep, LibraryFile
from media_enrich.services import artwork
from media_enrich.services.work import StepError, current_path
from media_enrich.tags import TagError, read_cover


def library_files() -> QuerySet[LibraryFile]:
    return LibraryFile.objects.select_related("track", "track__lyrics", "album", "download").prefetch_related(
        Prefetch("steps", queryset=FinishStep.objects.order_by("id"))
    )


def album_cover(album: AlbumRelease | None) -> CoverImage | None:
    """The album's cached front cover, if any (the same file the artwork step embeds)."""
    return artwork.cached_cover(album)


def cover_of(file: LibraryFile) -> CoverImage | None:
    """The cover embedded in the file, else its album's cached cover."""
    try:
        embedded = read_cover(current_path(file))
    except (TagError, StepError, OSError):
        embedded = None
    if embedded is not None:
        return CoverImage(embedded.data, embedded.mime, embedded.width, embedded.height)
    return album_cover(file.album)


@dataclass
class AlbumEntry:
    name: str
    album: AlbumRelease | None
    year: str
    files: list[LibraryFile] = field(default_factory=list)


@dataclass
class ArtistEntry:
    name: str
    albums: dict[str, AlbumEntry] = field(default_factory=dict)


def library_tree(queryset: QuerySet[LibraryFile]) -> list[ArtistEntry]:
    """Artists → albums → tracks of the given files, by their written tags (album artist, album, disc, number)."""
    artists: dict[str, ArtistEntry] = {}
    for file in queryset:
        tags = file.tags or {}
        artist_name = tags.get("album_artist") or tags.get("artist") or file.track.artist
        album_name = tags.get("album") or file.track.album or "<Unknown Album>"
        artist = artists.setdefault(artist_name.casefold(), ArtistEntry(artist_name))
        album = artist.albums.setdefault(
            album_name.casefold(), AlbumEntry(album_name, file.album, str(tags.get("date") or "")[:4])
        )
        album.files.append(file)
    for artist in artists.values():
        for album in artist.albums.values():
            album.files.sort(
                key=lambda f: ((f.tags or {}).get("disc_number") or 1, (f.tags or {}).get("track_number") or 999)
            )
    return sorted(artists.values(), key=lambda a: a.name.casefold())
