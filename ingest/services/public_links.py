"""Public playlist links (FREE mode, off by default): what Spotify's public embed page shows of a playlist.

Partial by nature — about the first 50 tracks, no album, no ISRC — and labelled so on the import. It runs only
when the runtime setting `spotify.public_links` is on; the page is read as a page (contract §11), never through a
private API or a scraped token. A page whose shape changed imports nothing and says what was missing.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

from harmony.clients.http import ClientError
from harmony.clients.spotify import SpotifyNotFound
from harmony.clients.spotify.embed import EmbedPlaylist, EmbedShapeChanged, SpotifyEmbedClient
from harmony.errors import DependencyError, FeatureDisabled, NotFound, ValidationFailed
from ingest import parsers
from ingest.models import ImportJob
from ingest.parsers.results import rejected_line
from ingest.services.imports import check_backpressure, create_import
from library import runtime

SETTING = "spotify.public_links"
EMBED_FORMAT = "spotify_embed"


def enabled() -> bool:
    return bool(runtime.get(SETTING))


def require_enabled() -> None:
    if not enabled():
        raise FeatureDisabled(
            f"Importing public playlist links is off: turn on the runtime setting {SETTING}.",
            meta={"reason": "setting_off", "setting": SETTING},
        )


def _client() -> SpotifyEmbedClient:
    return SpotifyEmbedClient(
        embed_url=settings.SPOTIFY_EMBED_URL, timeout=10, user_agent=settings.HARMONY_HTTP_USER_AGENT
    )


def fetch_public_playlist(*, link: str) -> EmbedPlaylist:
    """Side effects: one GET of the playlist's embed page."""
    require_enabled()
    parsed = parsers.parse_spotify_link(link.strip())
    if parsed is None or parsed.kind != "playlist":
        raise ValidationFailed("url: a Spotify playlist link (https://open.spotify.com/playlist/…)")
    client = _client()
    try:
        return client.playlist(parsed.id)
    except EmbedShapeChanged as exc:
        raise DependencyError(
            f"Spotify's public playlist page changed ({exc.missing} is missing); nothing was imported. Export the "
            "playlist to a file (e.g. with Exportify) and import that instead.",
            meta={"dependency": "spotify", "missing": exc.missing},
        ) from exc
    except SpotifyNotFound as exc:
        raise NotFound("This playlist is not public (or no longer exists) on Spotify.") from exc
    except ClientError as exc:
        raise DependencyError(f"Spotify's public page: {exc.message}", meta={"dependency": "spotify"}) from exc
    finally:
        client.close()


def import_public_playlist(*, link: str, user: Any = None) -> ImportJob:
    """Import what a public playlist's embed page lists, as a partial import through the ordinary pipeline.

    Side effects: one GET of the embed page; the ImportJob and its items (see create_import), enqueued after commit.
    """
    playlist = fetch_public_playlist(link=link)
    check_backpressure()
    result = playlist_result(playlist)
    return create_import(
        result=result, source=ImportJob.Source.SPOTIFY, name=playlist.name, filename=playlist.id, user=user,
        partial=True,
    )  # fmt: skip


def playlist_result(playlist: EmbedPlaylist) -> parsers.ParseResult:
    """The page's rows as a parse result: one item per track, in page order (line = position, from 1)."""
    items: list[parsers.ParsedItem] = []
    rejected: list[parsers.RejectedLine] = []
    for line, track in enumerate(playlist.tracks, start=1):
        if not track.title or not track.artists:
            rejected.append(rejected_line(line, track.title, "no title or artist on the public page"))
            continue
        items.append(parsers.ParsedItem(
            line=line, artist=track.artists[0], title=track.title, artists=track.artists,
            duration_s=track.duration_ms / 1000 if track.duration_ms else None, spotify_id=track.id or "",
            playlist=playlist.name,
        ))  # fmt: skip
    return parsers.ParseResult(
        format=EMBED_FORMAT,
        items=items,
        rejected=rejected,
        links=[],
        playlists=[playlist.name] if playlist.name else [],
    )
