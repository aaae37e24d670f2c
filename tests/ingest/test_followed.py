"""Followed artists into the watchlist: cursor paging against the emulator, idempotence, 429, list and page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from emulators.spotify import ArtistData, sid
from ingest.models import SpotifyAccount
from ingest.services import followed
from watchlist.models import WatchedArtist

pytestmark = pytest.mark.django_db(transaction=True)

DEMO_ARTISTS = ["Daft Punk", "Joy Division", "Radiohead"]


def test_followed_artists_become_watched_artists(authed_client, connected):
    response = authed_client.post("/api/v1/spotify/followed-artists")

    assert response.status_code == 202
    rows = list(WatchedArtist.objects.order_by("name").values_list("name", "spotify_id", "source", "active"))
    assert rows == [(name, sid(f"artist:{name}"), "spotify", True) for name in DEMO_ARTISTS]


def test_followed_artists_walk_every_cursor_page(user, connected, spotify_emulator):
    many = [ArtistData(sid(f"artist:Band {n}"), f"Band {n}") for n in range(120)]
    spotify_emulator.users["hubuser"].followed_artists = many

    outcome = followed.import_followed_artists(user_id=user.pk)

    assert (outcome.created, outcome.total) == (120, 120)
    assert WatchedArtist.objects.count() == 120


def test_importing_again_adds_nothing_and_keeps_switched_off_artists_off(user, connected):
    followed.import_followed_artists(user_id=user.pk)
    WatchedArtist.objects.filter(name="Radiohead").update(active=False)

    again = followed.import_followed_artists(user_id=user.pk)

    assert (again.created, again.linked, again.total) == (0, 0, 3)
    assert WatchedArtist.objects.count() == 3
    assert WatchedArtist.objects.get(name="Radiohead").active is False


def test_a_hand_added_artist_gets_the_spotify_id_instead_of_a_twin(user, connected):
    manual = WatchedArtist.objects.create(name="Joy Division", source=WatchedArtist.Source.MANUAL)

    outcome = followed.import_followed_artists(user_id=user.pk)

    assert (outcome.created, outcome.linked) == (2, 1)
    manual.refresh_from_db()
    assert (manual.spotify_id, manual.source) == (sid("artist:Joy Division"), "manual")
    assert WatchedArtist.objects.count() == 3


def test_a_429_parks_the_account_and_asks_to_wait(user, connected, spotify_emulator):
    spotify_emulator.rate_limit_next(1, retry_after=600)

    outcome = followed.import_followed_artists(user_id=user.pk)

    assert outcome.wait_s == 600
    assert WatchedArtist.objects.count() == 0
    account = SpotifyAccount.objects.get(pk=connected.pk)
    assert account.rate_limited_until > timezone.now() + timedelta(minutes=9)


def test_start_without_a_connection_is_a_conflict(authed_client):
    response = authed_client.post("/api/v1/spotify/followed-artists")

    assert response.status_code == 409
    assert response.json()["error"]["meta"] == {"reason": "not_connected"}


@pytest.mark.parametrize("rows", [1, 5])
def test_watchlist_list_is_one_query_per_page(authed_client, django_assert_num_queries, rows):
    WatchedArtist.objects.bulk_create([WatchedArtist(name=f"Artist {n}") for n in range(rows)])
    authed_client.get("/api/v1/watchlist/artists")  # the API key's first use writes last_used_at

    with django_assert_num_queries(3):  # API key, count, page
        response = authed_client.get("/api/v1/watchlist/artists")

    assert response.json()["count"] == rows
    assert [a["name"] for a in response.json()["results"]] == sorted(f"Artist {n}" for n in range(rows))


def test_spotify_page_has_the_button_and_the_list(logged_in, user, connected):
    followed.import_followed_artists(user_id=user.pk)

    page = logged_in.get("/spotify/").content.decode()

    assert "Add the artists I follow to the watchlist" in page
    assert "3 artists on the watchlist." in page
    assert '<li class="badge">Joy Division</li>' in page
