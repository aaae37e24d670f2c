"""The MusicBrainz world of the demo: every album the slskd emulator shares, as releases with recordings.

Ids are UUIDv5 under one fixed namespace, so a test can compute any id with `release_id()`, `recording_id()`
or `mbid()`. Tracks of the albums the Spotify emulator also has (OK Computer, Discovery, Substance, Kid A and
the "One More Time" single) carry the Spotify dataset's ISRC, so an ISRC from a Spotify import resolves here;
every other track gets a made-up ISRC with registrant "HMY" (country "QZ", never used by the Spotify dataset).
Recording lengths are the catalogue's seconds plus a deterministic 0–900 ms, as real rips and MusicBrainz differ.

Special cases the clients and the enrichment pipeline must meet: featured-artist credits (" feat. "), works with
composers and lyricists, producer relations (Nigel Godrich on OK Computer and Kid A), a recording on two releases
("One More Time" on Discovery and on its single), a compilation and two live release groups, a two-disc edition,
a release without any cover art, one whose front lacks the 1200 px thumbnail, one whose front is a PNG and one
whose front is a CMYK JPEG.
"""

from __future__ import annotations

import hashlib
import uuid
import zlib
from dataclasses import dataclass, field

from emulators.slskd.catalogue import ALBUMS, Album
from emulators.spotify.dataset import CATALOGUE as SPOTIFY_CATALOGUE

NAMESPACE = uuid.UUID("6f1d4c2e-8a3b-5e7f-9c0d-1b2a3c4d5e6f")


def mbid(kind: str, *parts: str) -> str:
    """The deterministic MBID of an entity, e.g. `mbid("artist", "Radiohead")`."""
    return str(uuid.uuid5(NAMESPACE, ":".join((kind, *parts))))


@dataclass(frozen=True)
class Artist:
    id: str
    name: str
    sort_name: str


@dataclass(frozen=True)
class Credit:
    artist: Artist
    name: str
    joinphrase: str = ""


@dataclass(frozen=True)
class Work:
    id: str
    title: str
    composers: tuple[Artist, ...] = ()
    lyricists: tuple[Artist, ...] = ()
    writers: tuple[Artist, ...] = ()


@dataclass
class Recording:
    id: str
    title: str
    length_ms: int
    credits: tuple[Credit, ...]
    isrcs: list[str] = field(default_factory=list)
    genres: tuple[str, ...] = ()
    producers: tuple[Artist, ...] = ()
    work: Work | None = None


@dataclass(frozen=True)
class Track:
    id: str
    position: int
    title: str
    length_ms: int
    recording: Recording
    credits: tuple[Credit, ...]
    isrc: str  # the ISRC this release's track carries

    @property
    def number(self) -> str:
        return str(self.position)


@dataclass(frozen=True)
class Medium:
    position: int
    format: str
    tracks: tuple[Track, ...]


@dataclass(frozen=True)
class ReleaseGroup:
    id: str
    title: str
    primary_type: str
    secondary_types: tuple[str, ...]


@dataclass(frozen=True)
class Art:
    """The release's Cover Art Archive images. `front_format` is "jpeg", "png" or "cmyk" (a CMYK JPEG);
    `sizes` are the thumbnails the front and back have (old images lack 1200)."""

    count: int = 2
    front_format: str = "jpeg"
    sizes: tuple[int, ...] = (250, 500, 1200)

    @property
    def front(self) -> bool:
        return self.count >= 1

    @property
    def back(self) -> bool:
        return self.count >= 2


@dataclass(frozen=True)
class Release:
    id: str
    title: str
    date: str
    country: str
    barcode: str
    status: str
    credits: tuple[Credit, ...]
    group: ReleaseGroup
    label: str
    catalog_number: str
    media: tuple[Medium, ...]
    genres: tuple[str, ...]
    art: Art
    key: str  # the slskd catalogue key, or this module's own for releases the Soulseek demo does not share


@dataclass(frozen=True)
class AlbumInfo:
    date: str
    country: str
    label: str
    catalog_number: str
    genres: tuple[str, ...]
    primary_type: str = "Album"
    secondary_types: tuple[str, ...] = ()
    art: Art = Art()
    medium_format: str = "CD"


_INFO: dict[str, AlbumInfo] = {
    "ok_computer": AlbumInfo("1997-05-21", "GB", "Parlophone", "HMY-97001", ("alternative rock", "art rock")),
    "kid_a": AlbumInfo("2000-10-02", "GB", "Parlophone", "HMY-00001", ("art rock", "electronic")),
    "glastonbury": AlbumInfo(
        "1997-06-28", "XE", "Parlophone", "HMY-97002", ("alternative rock",), secondary_types=("Live",)
    ),
    "discovery": AlbumInfo("2001-03-12", "FR", "Virgin", "HMY-01001", ("french house", "electronic")),
    "discovery_remixes": AlbumInfo(
        "2003-06-02", "FR", "Virgin", "HMY-03001", ("house",), secondary_types=("Remix",), medium_format="Digital Media"
    ),
    "substance": AlbumInfo(
        "1988-07",
        "GB",
        "Factory",
        "FACT 250",
        ("post-punk",),
        secondary_types=("Compilation",),
        art=Art(count=1, sizes=(250, 500)),
    ),
    "aquemini": AlbumInfo("1998-09-29", "US", "LaFace", "HMY-98001", ("hip hop", "southern hip hop")),
    "urban_hymns": AlbumInfo("1997-09-29", "GB", "Hut", "HMY-97003", ("britpop", "alternative rock")),
    "mezzanine": AlbumInfo(
        "1998-04-20", "GB", "Virgin", "HMY-98002", ("trip hop",), art=Art(count=1, front_format="png")
    ),
    "dummy": AlbumInfo("1994-08-22", "GB", "Go! Beat", "HMY-94001", ("trip hop",)),
    "nevermind": AlbumInfo("1991-09-24", "US", "DGC", "HMY-91001", ("grunge", "alternative rock")),
    "unplugged": AlbumInfo(
        "1994-11-01", "US", "DGC", "HMY-94002", ("grunge", "acoustic rock"), secondary_types=("Live",)
    ),
    "rumours": AlbumInfo(
        "1977-02-04", "US", "Warner Bros.", "HMY-77001", ("soft rock",), art=Art(count=2, front_format="cmyk")
    ),
    "abbey_road": AlbumInfo("1969-09-26", "GB", "Apple", "HMY-69001", ("rock", "pop rock")),
    "karaoke": AlbumInfo(
        "2009-03-02",
        "XE",
        "Sing Along Records",
        "HMY-09001",
        ("karaoke",),
        secondary_types=("Compilation",),
        art=Art(count=0),
        medium_format="Digital Media",
    ),
}

ONE_MORE_TIME_SINGLE = Album("Daft Punk", "One More Time", 2000, (("One More Time", 320),))
TIDAL_LINES = Album(
    "Northline",
    "Tidal Lines (Deluxe Edition)",
    2021,
    (
        ("Low Tide", 201), ("Glass Harbour", 214), ("Salt on the Window", 188), ("Pier Lights", 243),
        ("Undertow", 276), ("Harbour Reprise", 95),
    ),
)  # fmt: skip
TIDAL_LINES_DISC_1 = 4  # tracks on disc 1; the rest are disc 2's bonus tracks
_EXTRA_ALBUMS = {"one_more_time_single": ONE_MORE_TIME_SINGLE, "tidal_lines_deluxe": TIDAL_LINES}
_EXTRA_INFO = {
    "one_more_time_single": AlbumInfo(
        "2000-11-13", "FR", "Virgin", "HMY-00002", ("french house",), primary_type="Single"
    ),
    "tidal_lines_deluxe": AlbumInfo(
        "2021-04-16", "XW", "Harbour Sound", "HS-021", ("indie pop", "dream pop"), art=Art(count=3)
    ),
}

_PERSON_SORT = {
    "Nigel Godrich": "Godrich, Nigel",
    "Thom Yorke": "Yorke, Thom",
    "Jonny Greenwood": "Greenwood, Jonny",
    "Ian Curtis": "Curtis, Ian",
    "Elizabeth Fraser": "Fraser, Elizabeth",
    "Romanthony": "Romanthony",
    "Thomas Bangalter": "Bangalter, Thomas",
    "Guy-Manuel de Homem-Christo": "de Homem-Christo, Guy-Manuel",
    "Mira Vale": "Vale, Mira",
    "Kurt Cobain": "Cobain, Kurt",
}

# Featured artists: (album key, track title) -> the guest credited after " feat. ".
_FEATURING = {
    ("mezzanine", "Teardrop"): "Elizabeth Fraser",
    ("discovery_remixes", "One More Time (Romanthony's Unplugged)"): "Romanthony",
    ("tidal_lines_deluxe", "Glass Harbour"): "Mira Vale",
}
# Producers and songwriters by album key.
_PRODUCERS = {"ok_computer": ("Nigel Godrich",), "kid_a": ("Nigel Godrich",)}
_SONGWRITING: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {
    # album key: (composers, lyricists, writers)
    "ok_computer": (("Thom Yorke", "Jonny Greenwood"), ("Thom Yorke",), ()),
    "kid_a": (("Thom Yorke", "Jonny Greenwood"), ("Thom Yorke",), ()),
    "substance": ((), ("Ian Curtis",), ()),
    "discovery": ((), (), ("Thomas Bangalter", "Guy-Manuel de Homem-Christo")),
    "nevermind": (("Kurt Cobain",), ("Kurt Cobain",), ()),
}
# Tracks that are the same recording as one on another release: (album key, title) -> (album key, title).
_SAME_RECORDING = {("one_more_time_single", "One More Time"): ("discovery", "One More Time")}


def _sort_name(name: str) -> str:
    if name in _PERSON_SORT:
        return _PERSON_SORT[name]
    return f"{name[4:]}, The" if name.startswith("The ") else name


def _artist(name: str) -> Artist:
    return Artist(mbid("artist", name), name, _sort_name(name))


def _offset_ms(key: str) -> int:
    return zlib.crc32(key.encode()) % 901


def _barcode(key: str) -> str:
    digits = [int(c) for c in str(int(hashlib.sha256(f"barcode:{key}".encode()).hexdigest(), 16))[:12]]
    check = (10 - sum(d * (3 if i % 2 else 1) for i, d in enumerate(digits)) % 10) % 10
    return "".join(map(str, digits)) + str(check)


def _spotify_isrcs() -> dict[tuple[str, str, str], str]:
    return {(t.artists[0].name, t.album.name, t.name): t.isrc for t in SPOTIFY_CATALOGUE}


@dataclass
class World:
    artists: dict[str, Artist] = field(default_factory=dict)
    releases: dict[str, Release] = field(default_factory=dict)
    recordings: dict[str, Recording] = field(default_factory=dict)
    works: dict[str, Work] = field(default_factory=dict)
    by_isrc: dict[str, list[Recording]] = field(default_factory=dict)
    # recording id -> every (release, medium, track) it appears on, in release order
    appearances: dict[str, list[tuple[Release, Medium, Track]]] = field(default_factory=dict)

    def group_releases(self, group_id: str) -> list[Release]:
        return [release for release in self.releases.values() if release.group.id == group_id]

    def first_release_date(self, recording_id: str) -> str:
        return min((release.date for release, _, _ in self.appearances.get(recording_id, [])), default="")


def _credits(performer: Artist, guest: str | None) -> tuple[Credit, ...]:
    if guest is None:
        return (Credit(performer, performer.name),)
    featured = _artist(guest)
    return Credit(performer, performer.name, " feat. "), Credit(featured, featured.name)


def _build() -> World:
    world = World()
    spotify_isrcs = _spotify_isrcs()
    albums = [(key, album, _INFO[key]) for key, album in ALBUMS.items()]
    albums += [(key, album, _EXTRA_INFO[key]) for key, album in _EXTRA_ALBUMS.items()]
    by_title: dict[tuple[str, str], Recording] = {}
    for album_no, (key, album, info) in enumerate(albums, start=1):
        performer = _artist(album.artist)
        world.artists[performer.id] = performer
        composers, lyricists, writers = _SONGWRITING.get(key, ((), (), ()))
        producers = tuple(_artist(name) for name in _PRODUCERS.get(key, ()))
        release_key = f"{album.artist}:{album.title}"
        tracks: list[Track] = []
        for position, (title, seconds) in enumerate(album.tracks, start=1):
            shared = _SAME_RECORDING.get((key, title))
            recording = by_title[shared] if shared else None
            credits = _credits(performer, _FEATURING.get((key, title)))
            if recording is None:
                work = None
                if composers or lyricists or writers:
                    work = Work(
                        mbid("work", album.artist, title),
                        title,
                        tuple(map(_artist, composers)),
                        tuple(map(_artist, lyricists)),
                        tuple(map(_artist, writers)),
                    )
                    world.works[work.id] = work
                recording = Recording(
                    id=mbid("recording", album.artist, album.title, title),
                    title=title,
                    length_ms=seconds * 1000 + _offset_ms(f"{release_key}:{title}"),
                    credits=credits,
                    genres=info.genres,
                    producers=producers,
                    work=work,
                )
                world.recordings[recording.id] = recording
            made_up = f"QZHMY{album.year % 100:02d}{album_no:03d}{position:02d}"
            isrc = spotify_isrcs.get((album.artist, album.title, title), made_up)
            if isrc not in recording.isrcs:
                recording.isrcs.append(isrc)
                world.by_isrc.setdefault(isrc, []).append(recording)
            by_title[(key, title)] = recording
            for credit in credits:
                world.artists[credit.artist.id] = credit.artist
            tracks.append(
                Track(
                    id=mbid("track", album.artist, album.title, title),
                    position=position,
                    title=title,
                    length_ms=recording.length_ms,
                    recording=recording,
                    credits=credits,
                    isrc=isrc,
                )
            )
        media = _media(key, tracks, info.medium_format)
        group = ReleaseGroup(
            mbid("release-group", album.artist, album.title), album.title, info.primary_type, info.secondary_types
        )
        release = Release(
            id=release_id(album.artist, album.title),
            title=album.title,
            date=info.date,
            country=info.country,
            barcode=_barcode(release_key),
            status="Official",
            credits=(Credit(performer, performer.name),),
            group=group,
            label=info.label,
            catalog_number=info.catalog_number,
            media=media,
            genres=info.genres,
            art=info.art,
            key=key,
        )
        world.releases[release.id] = release
        for medium in media:
            for track in medium.tracks:
                world.appearances.setdefault(track.recording.id, []).append((release, medium, track))
    return world


def _media(key: str, tracks: list[Track], medium_format: str) -> tuple[Medium, ...]:
    if key != "tidal_lines_deluxe":
        return (Medium(1, medium_format, tuple(tracks)),)
    second = [
        Track(t.id, t.position - TIDAL_LINES_DISC_1, t.title, t.length_ms, t.recording, t.credits, t.isrc)
        for t in tracks[TIDAL_LINES_DISC_1:]
    ]
    return Medium(1, medium_format, tuple(tracks[:TIDAL_LINES_DISC_1])), Medium(2, medium_format, tuple(second))


def release_id(artist: str, album: str) -> str:
    """The MBID of the release of `album` by `artist`, e.g. `release_id("Radiohead", "OK Computer")`."""
    return mbid("release", artist, album)


def release_group_id(artist: str, album: str) -> str:
    return mbid("release-group", artist, album)


def recording_id(artist: str, album: str, title: str) -> str:
    """The MBID of the recording behind `title` on `album` (the single's "One More Time" is Discovery's)."""
    return _track(artist, album, title).recording.id


def isrc_of(artist: str, album: str, title: str) -> str:
    """The ISRC this track carries on `album` (a recording on two releases has one ISRC per release)."""
    return _track(artist, album, title).isrc


def _track(artist: str, album: str, title: str) -> Track:
    release = WORLD.releases[release_id(artist, album)]
    for medium in release.media:
        for track in medium.tracks:
            if track.title == title:
                return track
    raise KeyError((artist, album, title))


WORLD = _build()
