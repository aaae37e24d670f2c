"""The emulator's world: a catalogue of tracks and the users who own, follow and like things in it.

Ids are deterministic base-62 strings derived from names, so a test can compute any id it needs with `sid()`.
The demo catalogue overlaps the slskd emulator's (OK Computer, Discovery, Substance), so an import can be followed
all the way to a download in demo mode. ISRCs are made up (registrant "HMY").
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
EDITORIAL_PREFIX = "37i9dQZF1"  # Spotify-owned editorial/algorithmic playlists: 404 for Development Mode


def sid(text: str) -> str:
    """A stable 22-character base-62 id for `text` (e.g. "track:Radiohead:Karma Police")."""
    number = int.from_bytes(hashlib.sha256(text.encode()).digest(), "big")
    chars = []
    for _ in range(22):
        number, digit = divmod(number, 62)
        chars.append(BASE62[digit])
    return "".join(chars)


@dataclass(frozen=True)
class ArtistData:
    id: str
    name: str


@dataclass(frozen=True)
class AlbumData:
    id: str
    name: str
    album_type: str
    release_date: str
    release_date_precision: str
    artists: tuple[ArtistData, ...]
    total_tracks: int


@dataclass(frozen=True)
class TrackData:
    id: str
    name: str
    artists: tuple[ArtistData, ...]
    album: AlbumData
    duration_ms: int
    isrc: str
    disc_number: int = 1
    track_number: int = 1


@dataclass(frozen=True)
class LocalFile:
    artist: str
    album: str
    title: str
    seconds: int


@dataclass(frozen=True)
class Row:
    """A playlist or Liked Songs row: a track, a local file, a podcast episode, or an unavailable (null) item."""

    added_at: str | None
    track: TrackData | None = None
    local: LocalFile | None = None
    episode: str | None = None  # the episode's name

    @property
    def key(self) -> str:
        if self.track:
            return self.track.id
        if self.local:
            return f"local:{self.local.title}"
        return f"episode:{self.episode}" if self.episode else "null"


@dataclass
class PlaylistData:
    id: str
    name: str
    owner_id: str
    rows: list[Row] = field(default_factory=list)
    collaborative: bool = False
    collaborators: tuple[str, ...] = ()
    public: bool = True
    description: str | None = None

    @property
    def snapshot_id(self) -> str:
        return sid("snapshot:" + "|".join(row.key for row in self.rows))[:16]

    @property
    def editorial(self) -> bool:
        return self.id.startswith(EDITORIAL_PREFIX)

    def readable_by(self, user_id: str) -> bool:
        """Development Mode: items only for the owner and collaborators (contract rule 2)."""
        return not self.editorial and (
            self.owner_id == user_id or (self.collaborative and user_id in self.collaborators)
        )


@dataclass
class UserData:
    id: str
    display_name: str
    account_id: str = ""
    product: str | None = None  # deprecated, absent in Development Mode unless set
    playlists: list[PlaylistData] = field(default_factory=list)  # owned
    followed_playlists: list[str] = field(default_factory=list)  # ids of playlists owned by others
    saved: list[Row] = field(default_factory=list)  # Liked Songs, newest first
    followed_artists: list[ArtistData] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.account_id:
            self.account_id = sid(f"account:{self.id}")[:10]


def artist(name: str) -> ArtistData:
    return ArtistData(sid(f"artist:{name}"), name)


def album_tracks(
    artist_name: str,
    title: str,
    release_date: str,
    titles: list[tuple[str, int]],
    *,
    isrc_base: str,
    kind: str = "album",
) -> list[TrackData]:
    """The tracks of one album; `isrc_base` is the 7-character ISRC prefix (country, registrant, year)."""
    performer = artist(artist_name)
    precision = {4: "year", 7: "month"}.get(len(release_date), "day")
    album = AlbumData(
        sid(f"album:{artist_name}:{title}"), title, kind, release_date, precision, (performer,), len(titles)
    )
    return [
        TrackData(
            id=sid(f"track:{artist_name}:{title}:{name}"),
            name=name,
            artists=(performer,),
            album=album,
            duration_ms=seconds * 1000,
            isrc=f"{isrc_base}{number:05d}",
            track_number=number,
        )
        for number, (name, seconds) in enumerate(titles, start=1)
    ]


OK_COMPUTER = album_tracks(
    "Radiohead",
    "OK Computer",
    "1997-05-21",
    [
        ("Airbag", 284), ("Paranoid Android", 383), ("Subterranean Homesick Alien", 267),
        ("Exit Music (For a Film)", 264), ("Let Down", 299), ("Karma Police", 261), ("Fitter Happier", 117),
        ("Electioneering", 230), ("Climbing Up the Walls", 285), ("No Surprises", 228), ("Lucky", 259),
        ("The Tourist", 324),
    ],
    isrc_base="GBHMY97",
)  # fmt: skip
DISCOVERY = album_tracks(
    "Daft Punk",
    "Discovery",
    "2001-03-12",
    [
        ("One More Time", 320), ("Aerodynamic", 207), ("Digital Love", 298),
        ("Harder, Better, Faster, Stronger", 224), ("Crescendolls", 211), ("Nightvision", 104),
        ("Superheroes", 237), ("High Life", 202), ("Something About Us", 231), ("Voyager", 227),
        ("Veridis Quo", 344), ("Short Circuit", 206), ("Face to Face", 238), ("Too Long", 600),
    ],
    isrc_base="FRHMY01",
)  # fmt: skip
SUBSTANCE = album_tracks(
    "Joy Division",
    "Substance",
    "1988-07",
    [
        ("Warsaw", 146), ("Leaders of Men", 154), ("Digital", 170), ("Autosuggestion", 368),
        ("Transmission", 216), ("She's Lost Control", 285), ("Incubation", 172), ("Dead Souls", 295),
        ("Atmosphere", 250), ("Love Will Tear Us Apart", 205),
    ],
    isrc_base="GBHMY88",
    kind="compilation",
)  # fmt: skip
KID_A = album_tracks(
    "Radiohead",
    "Kid A",
    "2000",
    [
        ("Everything in Its Right Place", 251), ("Kid A", 284), ("The National Anthem", 351),
        ("How to Disappear Completely", 356), ("Treefingers", 222), ("Optimistic", 315), ("In Limbo", 211),
        ("Idioteque", 309), ("Morning Bell", 275), ("Motion Picture Soundtrack", 421),
    ],
    isrc_base="GBHMY00",
)  # fmt: skip
ONE_MORE_TIME_SINGLE = album_tracks(
    "Daft Punk", "One More Time", "2000-11-13", [("One More Time", 320)], isrc_base="FRHMY00", kind="single"
)
CATALOGUE: list[TrackData] = [*OK_COMPUTER, *DISCOVERY, *SUBSTANCE, *KID_A, *ONE_MORE_TIME_SINGLE]

DEMO_USER = "hubuser"
EDITORIAL_ID = EDITORIAL_PREFIX + "DXcBWIGoYBM5M"


def _stamp(day: int, *, year: int = 2024) -> str:
    return f"{year}-{(day // 28) % 12 + 1:02d}-{day % 28 + 1:02d}T20:{day % 60:02d}:00Z"


def _rows(tracks: list[TrackData], *, start: int = 0) -> list[Row]:
    return [Row(added_at=_stamp(start + index), track=track) for index, track in enumerate(tracks)]


def demo_users() -> dict[str, UserData]:
    """One Development-Mode user ("hubuser") with owned, collaborative, followed and editorial playlists, Liked
    Songs and followed artists; "indiefan" owns what hubuser follows; "spotify" owns an editorial playlist."""
    night_drive = PlaylistData(
        id=sid("playlist:hubuser:Night Drive"),
        name="Night Drive",
        owner_id=DEMO_USER,
        description="late, loud, long",
        rows=[
            *_rows([DISCOVERY[0], DISCOVERY[3], OK_COMPUTER[5], SUBSTANCE[9], DISCOVERY[2]]),
            Row(added_at="2019-06-30T08:00:00Z", local=LocalFile("Some Band", "Demo Tape", "Basement Song", 187)),
            Row(added_at="2021-01-15T12:00:00Z"),  # a removed track: item and track are null
            Row(added_at="2023-03-03T10:10:10Z", episode="Some Podcast Ep. 12"),
            Row(added_at="2024-12-24T18:00:00Z", track=OK_COMPUTER[5]),  # duplicates are legal
        ],
    )
    # More than one page of 50: the importer has to follow `next`.
    deep_dive = PlaylistData(
        id=sid("playlist:hubuser:Deep Dive"),
        name="Deep Dive",
        owner_id=DEMO_USER,
        public=False,
        rows=_rows([*OK_COMPUTER, *DISCOVERY, *SUBSTANCE, *KID_A, *OK_COMPUTER[:8]], start=40),
    )
    road_trip = PlaylistData(
        id=sid("playlist:indiefan:Road Trip"),
        name="Road Trip",
        owner_id="indiefan",
        collaborative=True,
        public=False,
        collaborators=(DEMO_USER,),
        rows=_rows([DISCOVERY[6], SUBSTANCE[4], OK_COMPUTER[1], DISCOVERY[9]], start=200),
    )
    manchester = PlaylistData(
        id=sid("playlist:indiefan:Manchester 1979"),
        name="Manchester 1979",
        owner_id="indiefan",
        rows=_rows(SUBSTANCE[:6], start=300),
    )
    editorial = PlaylistData(
        id=EDITORIAL_ID, name="Today's Top Hits", owner_id="spotify", rows=_rows(DISCOVERY[:3], start=400)
    )
    liked = list(reversed(_rows([*OK_COMPUTER[:6], *DISCOVERY[:8], *SUBSTANCE[5:]], start=500)))
    hubuser = UserData(
        id=DEMO_USER,
        display_name="Hub User",
        playlists=[night_drive, deep_dive],
        followed_playlists=[road_trip.id, manchester.id, editorial.id],
        saved=liked,
        followed_artists=[artist("Radiohead"), artist("Daft Punk"), artist("Joy Division")],
    )
    indiefan = UserData(id="indiefan", display_name="Indie Fan", playlists=[road_trip, manchester])
    spotify = UserData(id="spotify", display_name="Spotify", playlists=[editorial])
    return {user.id: user for user in (hubuser, indiefan, spotify)}
