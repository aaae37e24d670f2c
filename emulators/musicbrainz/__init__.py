"""A MusicBrainz web-service emulator (`/ws/2/`, JSON) over a demo world that agrees with the other emulators."""

from emulators.musicbrainz.app import MusicBrainzEmulator, add_arguments, build, parse_query
from emulators.musicbrainz.dataset import (
    NAMESPACE,
    WORLD,
    isrc_of,
    mbid,
    recording_id,
    release_group_id,
    release_id,
)

__all__ = [
    "NAMESPACE",
    "WORLD",
    "MusicBrainzEmulator",
    "add_arguments",
    "build",
    "isrc_of",
    "mbid",
    "parse_query",
    "recording_id",
    "release_group_id",
    "release_id",
]
