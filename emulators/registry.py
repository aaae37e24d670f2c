"""The emulated services by name, for `python -m emulators` and for the demo mode of `scripts/dev.py up`."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass, field

from emulators import coverart, echo, lrclib, musicbrainz, slskd, spotify
from emulators.base import EmulatorApp


@dataclass(frozen=True)
class Service:
    name: str
    build: Callable[[argparse.Namespace], EmulatorApp]
    help: str
    # Demo mode: when none of `configured_by` is set, `dev.py up` starts this emulator and points Harmony at it
    # through `demo_env` (variable -> value, `{url}` replaced by the emulator's base URL).
    demo: bool = False
    configured_by: tuple[str, ...] = ()
    demo_env: dict[str, str] = field(default_factory=dict)
    add_arguments: Callable[[argparse.ArgumentParser], None] | None = None


SERVICES: dict[str, Service] = {
    "echo": Service("echo", echo.build, "an example service that proves the emulator base"),
    "slskd": Service(
        "slskd",
        slskd.build,
        "slskd REST API 0.22–0.26 with a Soulseek catalogue",
        demo=True,
        configured_by=("SLSKD_URL",),
        demo_env={"SLSKD_URL": "{url}", "SLSKD_API_KEY": slskd.DEFAULT_API_KEY},
        add_arguments=slskd.add_arguments,
    ),
    "spotify": Service(
        "spotify",
        spotify.build,
        "Spotify Web API + accounts (Development Mode)",
        demo=True,
        configured_by=("SPOTIFY_CLIENT_ID",),
        demo_env={
            "SPOTIFY_CLIENT_ID": "harmony-demo-client",
            "SPOTIFY_ACCOUNTS_URL": "{url}",
            "SPOTIFY_API_URL": "{url}",
            "SPOTIFY_EMBED_URL": "{url}",
            "SPOTIFY_REDIRECT_URI": "http://127.0.0.1:8000/spotify/callback",
        },
        add_arguments=spotify.add_arguments,
    ),
    "lrclib": Service(
        "lrclib",
        lrclib.build,
        "LRCLIB lyrics API (get, get-cached, get by id, search)",
        demo=True,
        configured_by=("HARMONY_LRCLIB_URL",),
        demo_env={"HARMONY_LRCLIB_URL": "{url}"},
        add_arguments=lrclib.add_arguments,
    ),
    "musicbrainz": Service(
        "musicbrainz",
        musicbrainz.build,
        "MusicBrainz web service /ws/2 (JSON, 1 request/s per address, the User-Agent rule)",
        demo=True,
        configured_by=("HARMONY_MUSICBRAINZ_URL",),
        demo_env={"HARMONY_MUSICBRAINZ_URL": "{url}"},
        add_arguments=musicbrainz.add_arguments,
    ),
    "coverart": Service(
        "coverart",
        coverart.build,
        "Cover Art Archive (307 redirects to an archive stand-in, real JPEG/PNG files)",
        demo=True,
        configured_by=("HARMONY_COVERART_URL",),
        demo_env={"HARMONY_COVERART_URL": "{url}"},
        add_arguments=coverart.add_arguments,
    ),
}
