"""The demo's Soulseek network: well-known albums shared by peers with different clients, habits and manners.

It holds what a downloader meets in practice: clean FLAC and MP3 rips, hi-res FLAC, wrong versions (live
bootlegs, remixes, karaoke), transcodes (FLAC files at MP3 sizes), truncated rips, buddies-only (locked) files,
peers that are slow, queue forever, refuse, vanish, time out, drop mid-transfer or have changed files, a
blocked artist name, and the path conventions of SoulseekQt (`@@xxxxx`), Nicotine+ (share names) and Windows
clients (drive letters).
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field
from typing import Any

from emulators.audio import expected_size
from emulators.slskd.scenario import Peer, Scenario, SharedFile

Tracks = tuple[tuple[str, int], ...]


@dataclass(frozen=True)
class Album:
    artist: str
    title: str
    year: int
    tracks: Tracks  # (title, seconds)


ALBUMS = {
    "ok_computer": Album("Radiohead", "OK Computer", 1997, (
        ("Airbag", 284), ("Paranoid Android", 383), ("Subterranean Homesick Alien", 267),
        ("Exit Music (For a Film)", 264), ("Let Down", 299), ("Karma Police", 261), ("Fitter Happier", 117),
        ("Electioneering", 230), ("Climbing Up the Walls", 285), ("No Surprises", 228), ("Lucky", 259),
        ("The Tourist", 324),
    )),
    "kid_a": Album("Radiohead", "Kid A", 2000, (
        ("Everything in Its Right Place", 251), ("Kid A", 284), ("The National Anthem", 351),
        ("How to Disappear Completely", 356), ("Treefingers", 222), ("Optimistic", 315), ("In Limbo", 211),
        ("Idioteque", 309), ("Morning Bell", 275), ("Motion Picture Soundtrack", 421),
    )),
    "glastonbury": Album("Radiohead", "Live at Glastonbury 1997", 1997, (
        ("Lucky", 290), ("Airbag", 300), ("Paranoid Android", 412), ("Karma Police", 287), ("No Surprises", 241),
        ("Exit Music (For a Film)", 280), ("Climbing Up the Walls", 301), ("The Tourist", 330),
    )),
    "discovery": Album("Daft Punk", "Discovery", 2001, (
        ("One More Time", 320), ("Aerodynamic", 207), ("Digital Love", 298), ("Harder, Better, Faster, Stronger", 224),
        ("Crescendolls", 211), ("Nightvision", 104), ("Superheroes", 237), ("High Life", 202),
        ("Something About Us", 231), ("Voyager", 227), ("Veridis Quo", 344), ("Short Circuit", 206),
        ("Face to Face", 238), ("Too Long", 600),
    )),
    "discovery_remixes": Album("Daft Punk", "Discovery Remixes", 2003, (
        ("One More Time (Romanthony's Unplugged)", 380), ("Aerodynamic (Slum Village Remix)", 246),
        ("Digital Love (Boris Dlugosch Remix)", 402), ("Harder, Better, Faster, Stronger (The Neptunes Remix)", 255),
        ("Face to Face (Cosmo Vitelli Remix)", 312), ("Something About Us (Love Theme from Interstella 5555)", 230),
        ("Too Long (Gonzales Version)", 309), ("Superheroes (Alan Braxe & Fred Falke Remix)", 420),
    )),
    "substance": Album("Joy Division", "Substance", 1988, (
        ("Warsaw", 146), ("Leaders of Men", 154), ("Digital", 170), ("Autosuggestion", 368), ("Transmission", 216),
        ("She's Lost Control", 285), ("Incubation", 172), ("Dead Souls", 295), ("Atmosphere", 250),
        ("Love Will Tear Us Apart", 205),
    )),
    "aquemini": Album("OutKast", "Aquemini", 1998, (
        ("Hold On, Be Strong", 53), ('Return of the "G"', 289), ("Rosa Parks", 324), ("Skew It on the Bar-B", 195),
        ("Aquemini", 319), ("Synthesizer", 310), ("Slump", 189), ("West Savannah", 243),
        ("Da Art of Storytellin' (Part 1)", 223), ("Da Art of Storytellin' (Part 2)", 189), ("Mamacita", 328),
        ("SpottieOttieDopaliscious", 427),
    )),
    "urban_hymns": Album("The Verve", "Urban Hymns", 1997, (
        ("Bitter Sweet Symphony", 358), ("Sonnet", 261), ("The Rolling People", 421), ("The Drugs Don't Work", 305),
        ("Catching the Butterfly", 386), ("Neon Wilderness", 157), ("Space and Time", 336), ("Weeping Willow", 289),
        ("Lucky Man", 293), ("One Day", 303), ("This Time", 230), ("Velvet Morning", 297), ("Come On", 399),
    )),
    "mezzanine": Album("Massive Attack", "Mezzanine", 1998, (
        ("Angel", 378), ("Risingson", 298), ("Teardrop", 329), ("Inertia Creeps", 356), ("Exchange", 251),
        ("Dissolved Girl", 366), ("Man Next Door", 355), ("Black Milk", 380), ("Mezzanine", 354),
        ("Group Four", 493), ("(Exchange)", 251),
    )),
    "dummy": Album("Portishead", "Dummy", 1994, (
        ("Mysterons", 302), ("Sour Times", 251), ("Strangers", 238), ("It Could Be Sweet", 256),
        ("Wandering Star", 291), ("It's a Fire", 229), ("Numb", 234), ("Roads", 305), ("Pedestal", 219),
        ("Biscuit", 301), ("Glory Box", 306),
    )),
    "nevermind": Album("Nirvana", "Nevermind", 1991, (
        ("Smells Like Teen Spirit", 301), ("In Bloom", 254), ("Come as You Are", 219), ("Breed", 183),
        ("Lithium", 257), ("Polly", 177), ("Territorial Pissings", 142), ("Drain You", 223), ("Lounge Act", 156),
        ("Stay Away", 212), ("On a Plain", 196), ("Something in the Way", 232),
    )),
    "unplugged": Album("Nirvana", "MTV Unplugged in New York", 1994, (
        ("About a Girl", 217), ("Come as You Are", 253), ("Jesus Doesn't Want Me for a Sunbeam", 277),
        ("The Man Who Sold the World", 260), ("Pennyroyal Tea", 220), ("Dumb", 172), ("Polly", 196),
        ("On a Plain", 224), ("Something in the Way", 241), ("Plateau", 218), ("Oh Me", 206),
        ("Lake of Fire", 175), ("All Apologies", 263), ("Where Did You Sleep Last Night", 308),
    )),
    "rumours": Album("Fleetwood Mac", "Rumours", 1977, (
        ("Second Hand News", 163), ("Dreams", 254), ("Never Going Back Again", 122), ("Don't Stop", 191),
        ("Go Your Own Way", 218), ("Songbird", 200), ("The Chain", 268), ("You Make Loving Fun", 211),
        ("I Don't Want to Know", 191), ("Oh Daddy", 234), ("Gold Dust Woman", 291),
    )),
    "abbey_road": Album("The Beatles", "Abbey Road", 1969, (
        ("Come Together", 259), ("Something", 182), ("Maxwell's Silver Hammer", 207), ("Oh! Darling", 206),
        ("Octopus's Garden", 171), ("I Want You (She's So Heavy)", 467), ("Here Comes the Sun", 185),
        ("Because", 165), ("You Never Give Me Your Money", 242), ("Sun King", 146), ("Mean Mr. Mustard", 66),
        ("Polythene Pam", 72), ("She Came In Through the Bathroom Window", 117), ("Golden Slumbers", 91),
        ("Carry That Weight", 96), ("The End", 139), ("Her Majesty", 23),
    )),
    "karaoke": Album("Sing Along Stars", "Karaoke Hits of the 90s Vol. 3", 2009, (
        ("Radiohead - Karma Police (Karaoke Version)", 262), ("Radiohead - No Surprises (Karaoke Version)", 230),
        ("The Verve - Bitter Sweet Symphony (Karaoke Version)", 355),
        ("Nirvana - Smells Like Teen Spirit (Karaoke Version)", 298),
        ("Portishead - Glory Box (Karaoke Version)", 301), ("Massive Attack - Teardrop (Karaoke Version)", 326),
        ("Fleetwood Mac - Go Your Own Way (Karaoke Version)", 220), ("Fleetwood Mac - Dreams (Karaoke Version)", 250),
    )),
}  # fmt: skip

FLAC_FOLDER = "{root}\\{artist}\\{year} - {album} [FLAC]"
FLAC_TRACK = "{n:02d} - {title}.flac"


@dataclass(frozen=True)
class Rip:
    """One album as one peer shares it."""

    album: str
    root: str
    folder: str = FLAC_FOLDER
    track: str = FLAC_TRACK
    fmt: str = "flac"
    bit_depth: int | None = 16
    sample_rate: int | None = 44100
    bit_rate: int | None = None
    vbr: bool | None = None
    transcode: bool = False  # a FLAC made from an MP3: the size of the 320 kbps file
    truncated: tuple[int, ...] = ()  # track numbers whose file holds less than its header claims
    locked: bool = False
    hide: tuple[str, ...] = ()
    only: tuple[int, ...] = ()  # share just these track numbers


def _path_safe(text: str) -> str:
    """Windows clients cannot store these characters, so peers' file names never contain them."""
    for char, replacement in (('"', "'"), (":", " -"), ("?", ""), ("*", ""), ("/", "-"), ("\\", "-")):
        text = text.replace(char, replacement)
    return text


def _jitter(path: str, low: float, high: float) -> float:
    return low + (zlib.crc32(path.encode()) % 10_000) / 10_000 * (high - low)


def _size(rip: Rip, path: str, seconds: int) -> int:
    if rip.transcode:
        return int(expected_size("mp3", duration_s=seconds, bitrate_kbps=320) * _jitter(path, 1.0, 1.02))
    if rip.fmt == "flac":
        base = expected_size(
            "flac", duration_s=seconds, bit_depth=rip.bit_depth or 16, sample_rate=rip.sample_rate or 44100
        )
        return int(base * _jitter(path, 0.9, 1.08))
    if rip.fmt == "mp3" and rip.vbr:
        return int(expected_size("mp3", duration_s=seconds, bitrate_kbps=250) * _jitter(path, 0.96, 1.04))
    # CBR and other lossy files: the audio plus a tag of a few KB to ~100 KB (artwork), never less.
    return expected_size(rip.fmt, duration_s=seconds, bitrate_kbps=rip.bit_rate) + int(_jitter(path, 0, 100_000))


def rip_files(rip: Rip) -> list[SharedFile]:
    album = ALBUMS[rip.album]
    names = {"root": rip.root, "artist": album.artist, "album": _path_safe(album.title), "year": album.year}
    folder = rip.folder.format(**names)
    files = []
    for number, (title, seconds) in enumerate(album.tracks, start=1):
        if rip.only and number not in rip.only:
            continue
        path = folder + "\\" + rip.track.format(n=number, title=_path_safe(title), **names)
        files.append(
            SharedFile(
                path=path,
                format=rip.fmt,
                length_s=seconds,
                bit_rate=rip.bit_rate,
                bit_depth=rip.bit_depth if rip.fmt == "flac" else None,
                sample_rate=rip.sample_rate if rip.fmt == "flac" else None,
                vbr=rip.vbr,
                size=_size(rip, path, seconds),
                locked=rip.locked,
                actual_length_s=round(seconds * _jitter(path, 0.3, 0.6), 1) if number in rip.truncated else None,
                hide=rip.hide,
                tags={
                    "artist": album.artist,
                    "album": album.title,
                    "title": title,
                    "tracknumber": str(number),
                    "date": str(album.year),
                },
            )
        )
    return files


MP3_320: dict[str, Any] = {"fmt": "mp3", "bit_rate": 320, "vbr": False, "bit_depth": None, "sample_rate": None}
MP3_V0: dict[str, Any] = {"fmt": "mp3", "bit_rate": 245, "vbr": True, "bit_depth": None, "sample_rate": None}


@dataclass(frozen=True)
class PeerSpec:
    username: str
    rips: tuple[Rip, ...]
    options: dict[str, Any] = field(default_factory=dict)


PEERS = (
    PeerSpec("vinyl_junkie_77", (
        Rip("ok_computer", "@@kqzvh\\Music"), Rip("kid_a", "@@kqzvh\\Music"), Rip("dummy", "@@kqzvh\\Music"),
    ), {"upload_speed": 6_200_000}),
    PeerSpec("nicotine_nerd", (
        Rip("ok_computer", "Music", "{root}\\{artist} - {album} ({year}) [MP3 320]", "{n:02d}. {artist} - {title}.mp3",
            **MP3_320),
        Rip("discovery", "Music", "{root}\\{artist} - {album} ({year}) [MP3 320]", "{n:02d}. {artist} - {title}.mp3",
            **MP3_320),
        Rip("urban_hymns", "Music", "{root}\\{artist} - {album} ({year}) [MP3 320]", "{n:02d}. {artist} - {title}.mp3",
            **MP3_320),
    ), {"behaviour": "long_queue", "has_free_upload_slot": False, "queue_length": 14, "queue_seconds": 25.0}),
    PeerSpec("DJ Shadowfax", (
        Rip("discovery", "D:\\MP3", "{root}\\{artist}\\{album} [V0]", "{artist} - {album} - {n:02d} - {title}.mp3",
            hide=("extension",), **MP3_V0),
        Rip("mezzanine", "D:\\MP3", "{root}\\{artist}\\{album} [V0]", "{artist} - {album} - {n:02d} - {title}.mp3",
            hide=("extension",), **MP3_V0),
    ), {"behaviour": "slow", "upload_speed": 900_000}),
    PeerSpec("audiophile/24bit", (
        Rip("dummy", "Shared\\FLAC\\Hi-Res", "{root}\\{artist} - {album} ({year}) [24-96]", bit_depth=24,
            sample_rate=96000),
        Rip("mezzanine", "Shared\\FLAC\\Hi-Res", "{root}\\{artist} - {album} ({year}) [24-44]", bit_depth=24),
        Rip("discovery", "Shared\\FLAC", "{root}\\{artist} - {album} ({year})", hide=("length",)),
    ), {"upload_speed": 11_000_000}),
    PeerSpec("karaoke_king", (
        Rip("karaoke", "@@pwxyz\\Karaoke", "{root}\\{album}", "{n:02d} {title}.mp3", **{**MP3_320, "bit_rate": 192}),
    )),
    PeerSpec("live_bootlegs", (
        Rip("unplugged", "Music\\Bootlegs", "{root}\\{artist} - {album} ({year}) [FLAC]"),
        Rip("glastonbury", "Music\\Bootlegs", "{root}\\{artist} - {album} [MP3]", "{n:02d} {title} (Live).mp3",
            **MP3_320),
    )),
    PeerSpec("remix_addict", (
        Rip("discovery_remixes", "@@rmxqz\\Electronic", "{root}\\{artist}\\{album}", "{n:02d} - {title}.mp3",
            **MP3_320),
    ), {"upload_speed": 2_400_000}),
    PeerSpec("lossless_lol", (
        Rip("discovery", "@@trnsc\\FLAC", transcode=True, hide=("bitDepth",)),
        Rip("nevermind", "@@trnsc\\FLAC", transcode=True),
    )),
    PeerSpec("cutoff_carl", (
        Rip("substance", "C:\\Users\\Carl\\Music", "{root}\\{artist}\\{album}", "{n:02d} {title}.mp3",
            truncated=(3, 7, 10), **MP3_320),
        Rip("nevermind", "C:\\Users\\Carl\\Music", "{root}\\{artist}\\{album}", "{n:02d} {title}.mp3",
            truncated=(1, 5), **MP3_320),
    )),
    PeerSpec("buddies_only", (
        Rip("rumours", "@@lckdx\\Music", locked=True),
        Rip("rumours", "@@lckdx\\Music", "{root}\\{artist}\\{year} - {album} [AAC]", "{n:02d} - {title}.m4a",
            fmt="m4a", bit_rate=256, bit_depth=None, sample_rate=None, locked=True),
        Rip("aquemini", "@@lckdx\\Music", "{root}\\{artist}\\{year} - {album}", "{n:02d} - {title}.mp3",
            **{**MP3_320, "bit_rate": 256}),
    )),
    PeerSpec("picky_pete", (
        Rip("urban_hymns", "Music"),
        Rip("urban_hymns", "Music", "{root}\\{artist}\\{year} - {album} [OGG]", "{n:02d} - {title}.ogg", fmt="ogg",
            bit_rate=320, bit_depth=None, sample_rate=None),
    ), {"behaviour": "reject", "reject_reason": "Too many megabytes"}),
    PeerSpec("ghost_of_napster", (
        Rip("ok_computer", "C:\\My Music", "{root}\\{artist}\\{album}"), Rip("urban_hymns", "C:\\My Music"),
    ), {"behaviour": "offline"}),
    PeerSpec("dialup_dave", (
        Rip("aquemini", "Music", "{root}\\{artist}\\{year} - {album} [FLAC]"),
    ), {"behaviour": "timeout", "upload_speed": 56_000}),
    PeerSpec("flaky_wifi", (
        Rip("nevermind", "@@flkyw\\Audio"), Rip("rumours", "@@flkyw\\Audio"),
    ), {"behaviour": "error_midway"}),
    PeerSpec("retagger", (
        Rip("substance", "Music\\Library"),
        Rip("dummy", "Music\\Library", "{root}\\{artist}\\{album} (MP3)", "{n:02d} {title}.mp3", **MP3_320),
    ), {"behaviour": "size_mismatch"}),
    PeerSpec("forever_in_line", (
        Rip("substance", "@@qqqqq\\share"),
        Rip("kid_a", "@@qqqqq\\share", "{root}\\{artist} - {album} [V0]", "{n:02d} {title}.mp3", **MP3_V0),
    ), {"behaviour": "queued_forever", "has_free_upload_slot": False, "queue_length": 312}),
    PeerSpec("beatles_fan", (
        Rip("abbey_road", "Music\\The Beatles", "{root}\\{year} - {album} [FLAC]"),
    )),
    PeerSpec("atl_bass", (
        Rip("aquemini", "Music\\Hip-Hop", "{root}\\{artist}\\{album} ({year})", "{n:02d} {title}.mp3", **MP3_320),
    ), {"upload_speed": 3_100_000}),
    PeerSpec("blue_monday_88", (
        Rip("substance", "E:\\FLAC"), Rip("urban_hymns", "E:\\FLAC"),
    ), {"upload_speed": 4_000_000}),
    PeerSpec("seattle_sound", (
        Rip("nevermind", "@@sttls\\Music", only=tuple(range(1, 13))),
        Rip("rumours", "@@sttls\\Music", "{root}\\{artist}\\{album} [320]", "{n:02d} - {title}.mp3", **MP3_320),
    ), {"upload_speed": 5_500_000}),
)  # fmt: skip

BLOCKED_TERMS = ["beatles", "adele", "lady gaga", "michael jackson", "kanye west", "kendrick lamar", "weeknd"]


def builtin_catalogue() -> Scenario:
    """A fresh demo Scenario (a new object each call, so one emulator's changes never leak into another)."""
    peers = [
        Peer(username=spec.username, files=[shared for rip in spec.rips for shared in rip_files(rip)], **spec.options)
        for spec in PEERS
    ]
    return Scenario(peers=peers, blocked_terms=list(BLOCKED_TERMS))
