"""Spotify Web API and accounts client (contract: shared/contracts/spotify.md), Development-Mode profile.

`SpotifyAuth` runs the authorization-code flow with PKCE and refreshes tokens; `SpotifyClient` reads one user's
profile, playlists, Liked Songs, followed artists and tracks, returning dataclasses. Failures follow the
transient/permanent split: `SpotifyUnavailable` (and `SpotifyRateLimited`, never slept on) is worth retrying
later; `SpotifyRejected` (and `SpotifyForbidden`, `SpotifyNotFound`, `SpotifyTokenExpired`,
`SpotifyReauthorize`) is not.
"""

from harmony.clients.spotify.auth import SCOPES, SpotifyAuth, Token, new_pkce_pair, pkce_challenge
from harmony.clients.spotify.client import SpotifyClient
from harmony.clients.spotify.data import (
    Album,
    Artist,
    LibrarySummary,
    Playlist,
    PlaylistEntry,
    Track,
    User,
    parse_timestamp,
)
from harmony.clients.spotify.errors import (
    SERVICE,
    SpotifyForbidden,
    SpotifyNotFound,
    SpotifyRateLimited,
    SpotifyReauthorize,
    SpotifyRejected,
    SpotifyTokenExpired,
    SpotifyUnavailable,
)

__all__ = [
    "SCOPES",
    "SERVICE",
    "Album",
    "Artist",
    "LibrarySummary",
    "Playlist",
    "PlaylistEntry",
    "SpotifyAuth",
    "SpotifyClient",
    "SpotifyForbidden",
    "SpotifyNotFound",
    "SpotifyRateLimited",
    "SpotifyReauthorize",
    "SpotifyRejected",
    "SpotifyTokenExpired",
    "SpotifyUnavailable",
    "Token",
    "Track",
    "User",
    "new_pkce_pair",
    "parse_timestamp",
    "pkce_challenge",
]
