"""The watchlist's seed: the artists the connected user follows on Spotify (contract §7.12, cursor paging).

Importing again is safe: an artist is one row per Spotify id (a unique constraint), a hand-added artist of the same
name gets the id attached instead of a twin, and an artist the user switched off stays off.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db import transaction

from harmony.clients import spotify
from harmony.clients.http import ClientError
from harmony.errors import Conflict, RateLimited
from ingest.models import SpotifyAccount
from ingest.services.spotify import client_for, park
from watchlist.models import WatchedArtist


@dataclass(frozen=True)
class FollowedArtistsOutcome:
    """`wait_s` > 0: Spotify said 429 and the task should run again after it; `error` when it cannot go on."""

    created: int = 0
    linked: int = 0
    renamed: int = 0
    total: int = 0
    wait_s: float = 0.0
    error: str = ""


def start_followed_artists_import(*, user: User) -> None:
    """Side effects: enqueues `ingest.import_followed_artists` after commit."""
    from ingest.tasks import import_followed_artists

    if not SpotifyAccount.objects.filter(user=user).exists():
        raise Conflict("Spotify is not connected.", meta={"reason": "not_connected"})
    transaction.on_commit(lambda: import_followed_artists.delay(user_id=user.pk))


def import_followed_artists(*, user_id: int) -> FollowedArtistsOutcome:
    """Read every followed artist and add the new ones to the watchlist.

    Side effects: Spotify calls; WatchedArtist inserts and updates; on 429 the account is parked; a failure is
    written to the account's `last_error`.
    """
    account = SpotifyAccount.objects.filter(user_id=user_id).select_related("user").first()
    if account is None:
        return FollowedArtistsOutcome(error="Spotify is not connected.")
    try:
        _, client = client_for(user=account.user)
        artists = [artist for artist in client.followed_artists() if artist.id and artist.name]
    except RateLimited as exc:
        return FollowedArtistsOutcome(wait_s=float(exc.retry_after_s))
    except spotify.SpotifyRateLimited as exc:
        wait = exc.retry_after_s or 5.0
        park(account=account, retry_after_s=wait)
        return FollowedArtistsOutcome(wait_s=wait)
    except Conflict as exc:
        return FollowedArtistsOutcome(error=exc.message)
    except (spotify.SpotifyRejected, ClientError) as exc:
        message = f"followed artists: {exc.message}"[:300]
        SpotifyAccount.objects.filter(pk=account.pk).update(last_error=message)
        return FollowedArtistsOutcome(error=message)
    return _store(artists)


def _store(artists: list[spotify.Artist]) -> FollowedArtistsOutcome:
    by_id = {artist.id: artist for artist in artists if artist.id}
    with transaction.atomic():
        known = {w.spotify_id: w for w in WatchedArtist.objects.filter(spotify_id__in=list(by_id))}
        renamed = [w for sid, w in known.items() if w.name != by_id[sid].name]
        for watched in renamed:
            watched.name = by_id[watched.spotify_id].name[:500]
        WatchedArtist.objects.bulk_update(renamed, ["name"])
        fresh = {sid: artist for sid, artist in by_id.items() if sid not in known}
        by_name = {artist.name.casefold(): artist for artist in fresh.values()}
        manual = list(
            WatchedArtist.objects.filter(spotify_id="", name__in=[a.name for a in fresh.values()]).order_by("id")
        )
        linked: list[WatchedArtist] = []
        for watched in manual:
            artist = by_name.get(watched.name.casefold())
            if artist is not None and artist.id in fresh:
                watched.spotify_id = artist.id
                linked.append(watched)
                del fresh[artist.id]
        WatchedArtist.objects.bulk_update(linked, ["spotify_id"])
        WatchedArtist.objects.bulk_create(
            [WatchedArtist(name=a.name[:500], spotify_id=sid, source=WatchedArtist.Source.SPOTIFY)
             for sid, a in fresh.items()],
            ignore_conflicts=True,  # a concurrent import already added it
        )  # fmt: skip
    return FollowedArtistsOutcome(created=len(fresh), linked=len(linked), renamed=len(renamed), total=len(by_id))
