"""A Spotify emulator (accounts service + Web API) with a Development-Mode app's rules and a demo library."""

from emulators.spotify.app import DEFAULT_CLIENT_ID, DEMO_CLIENT_ID, SpotifyEmulator, add_arguments, build
from emulators.spotify.dataset import (
    CATALOGUE,
    DEMO_USER,
    EDITORIAL_ID,
    ArtistData,
    LocalFile,
    PlaylistData,
    Row,
    TrackData,
    UserData,
    demo_users,
    sid,
)

__all__ = [
    "CATALOGUE",
    "DEFAULT_CLIENT_ID",
    "DEMO_CLIENT_ID",
    "DEMO_USER",
    "EDITORIAL_ID",
    "ArtistData",
    "LocalFile",
    "PlaylistData",
    "Row",
    "SpotifyEmulator",
    "TrackData",
    "UserData",
    "add_arguments",
    "build",
    "demo_users",
    "sid",
]
