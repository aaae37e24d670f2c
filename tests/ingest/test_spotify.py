"""Spotify PRO mode: the OAuth flow with PKCE and state against the Spotify emulator, token refresh, a revoked
authorisation, the six-month warning and a 429 that parks the account."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.utils import timezone

from harmony.errors import Conflict, RateLimited
from ingest.models import SpotifyAccount, SpotifyAuthRequest
from ingest.services import spotify

pytestmark = pytest.mark.django_db

REDIRECT = "http://127.0.0.1:8000/spotify/callback"
CLIENT_ID = "harmony-test-client"


def _consent(authorize_url: str) -> dict[str, str]:
    """What Spotify's consent page does: redirect back to us with code and state."""
    answer = requests.get(authorize_url, allow_redirects=False, timeout=5)
    assert answer.status_code in (302, 303)
    location = answer.headers["Location"]
    assert location.startswith(REDIRECT)
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}


def connect(client) -> dict[str, str]:
    started = client.post("/spotify/connect/")
    assert started.status_code == 302
    query = parse_qs(urlsplit(started["Location"]).query)
    assert query["code_challenge_method"] == ["S256"]
    assert query["client_id"] == [CLIENT_ID]
    return _consent(started["Location"])


def test_connect_flow_stores_encrypted_tokens(logged_in, user, spotify_emulator):
    back = connect(logged_in)

    response = logged_in.get(f"/spotify/callback?code={back['code']}&state={back['state']}")

    assert response.status_code == 302
    account = SpotifyAccount.objects.get(user=user)
    assert account.status == SpotifyAccount.Status.CONNECTED
    assert account.spotify_user_id
    token = spotify.access_token(account=account)
    assert token not in account.access_token_encrypted
    assert SpotifyAuthRequest.objects.count() == 0
    status = logged_in.get("/spotify/").content.decode()
    assert "PRO mode." in status


def test_state_is_single_use_and_belongs_to_its_user(logged_in, user, spotify_emulator):
    back = connect(logged_in)
    logged_in.get(f"/spotify/callback?code={back['code']}&state={back['state']}")

    replay = logged_in.get(f"/spotify/callback?code={back['code']}&state={back['state']}", follow=True)

    assert "unknown or expired authorisation" in replay.content.decode()


def test_declined_consent_is_said_plainly(logged_in, user, spotify_emulator):
    state = urlsplit(logged_in.post("/spotify/connect/")["Location"]).query
    state_value = parse_qs(state)["state"][0]

    page = logged_in.get(f"/spotify/callback?error=access_denied&state={state_value}", follow=True)

    assert "you declined access on Spotify" in page.content.decode()
    assert not SpotifyAccount.objects.exists()


def test_an_expiring_token_is_refreshed(logged_in, user, spotify_emulator):
    back = connect(logged_in)
    logged_in.get(f"/spotify/callback?code={back['code']}&state={back['state']}")
    account = SpotifyAccount.objects.get(user=user)
    before = spotify.access_token(account=account)
    SpotifyAccount.objects.filter(pk=account.pk).update(expires_at=timezone.now() + timedelta(seconds=10))
    account.refresh_from_db()

    after = spotify.access_token(account=account)

    assert after != before
    assert SpotifyAccount.objects.get(pk=account.pk).expires_at > timezone.now() + timedelta(minutes=30)


def test_a_revoked_authorisation_needs_reconnecting(logged_in, user, spotify_emulator):
    back = connect(logged_in)
    logged_in.get(f"/spotify/callback?code={back['code']}&state={back['state']}")
    account = SpotifyAccount.objects.get(user=user)
    SpotifyAccount.objects.filter(pk=account.pk).update(expires_at=timezone.now())
    account.refresh_from_db()
    spotify_emulator.revoke_refresh_tokens()

    with pytest.raises(Conflict) as caught:
        spotify.access_token(account=account)

    assert caught.value.meta == {"reason": "needs_reauth"}
    assert SpotifyAccount.objects.get(pk=account.pk).status == SpotifyAccount.Status.NEEDS_REAUTH


def test_six_months_after_consent_the_user_is_warned(user):
    SpotifyAccount.objects.create(
        user=user, spotify_user_id="u", access_token_encrypted="x", expires_at=timezone.now(),
        authorized_at=timezone.now() - timedelta(days=172),
    )  # fmt: skip

    assert spotify.status(user=user)["reauthorize_soon"] is True


def test_a_429_parks_the_account_instead_of_waiting(user):
    account = SpotifyAccount.objects.create(
        user=user, spotify_user_id="u", access_token_encrypted="x", expires_at=timezone.now(),
        authorized_at=timezone.now(),
    )  # fmt: skip

    spotify.park(account=account, retry_after_s=86_400)
    account.refresh_from_db()

    with pytest.raises(RateLimited) as caught:
        spotify.access_token(account=account)
    assert caught.value.retry_after_s > 86_000


def test_unconfigured_connect_is_feature_disabled(authed_client, settings):
    settings.SPOTIFY_CLIENT_ID = ""

    response = authed_client.post("/api/v1/spotify/connect")

    assert response.status_code == 503
    assert response.json()["error"]["code"] == "FEATURE_DISABLED"
    assert response.json()["error"]["meta"] == {"reason": "not_configured"}
    assert authed_client.get("/api/v1/spotify/status").json()["mode"] == "free"


def _playlist_id(client, name: str) -> str:
    playlists = client.get("/api/v1/spotify/playlists").json()["playlists"]
    return next(p["id"] for p in playlists if p["name"] == name)


@pytest.mark.django_db(transaction=True)
def test_playlists_say_which_can_be_imported(authed_client, connected):
    playlists = {p["name"]: p["importable"] for p in authed_client.get("/api/v1/spotify/playlists").json()["playlists"]}

    assert playlists["Night Drive"] is True
    assert playlists["Road Trip"] is True  # collaborative
    assert playlists["Manchester 1979"] is False  # followed, someone else's


@pytest.mark.django_db(transaction=True)
def test_own_playlist_becomes_wanted_tracks(authed_client, connected):
    from ingest.models import ImportJob

    response = authed_client.post(
        "/api/v1/spotify/imports", {"playlist": _playlist_id(authed_client, "Night Drive")}, format="json"
    )

    assert response.status_code == 202
    job = ImportJob.objects.get(pk=response.json()["id"])
    assert (job.status, job.name, job.total) == ("completed", "Night Drive", 9)
    reasons = sorted(job.items.exclude(reason="").values_list("reason", flat=True))
    assert reasons == ["duplicate", "invalid", "invalid"]  # the repeated track; the removed row and the episode
    assert job.queued == 6
    with_ids = job.items.filter(status="queued").exclude(spotify_id="")
    assert with_ids.count() == 5  # the local file has no Spotify id but is still wanted by name


@pytest.mark.django_db(transaction=True)
def test_liked_songs_import(authed_client, connected):
    from ingest.models import ImportJob

    response = authed_client.post("/api/v1/spotify/imports", {"playlist": "liked"}, format="json")

    job = ImportJob.objects.get(pk=response.json()["id"])
    assert (job.status, job.name, job.queued) == ("completed", "Liked Songs", 19)


@pytest.mark.django_db(transaction=True)
def test_someone_elses_playlist_fails_with_what_to_do_instead(authed_client, connected):
    from ingest.models import ImportJob

    response = authed_client.post(
        "/api/v1/spotify/imports", {"playlist": _playlist_id(authed_client, "Manchester 1979")}, format="json"
    )

    job = ImportJob.objects.get(pk=response.json()["id"])
    assert job.status == "failed"
    assert "export this playlist" in job.error_detail


@pytest.mark.django_db(transaction=True)
def test_a_429_leaves_the_import_waiting_and_parks_the_account(authed_client, connected, spotify_emulator):
    from ingest.models import ImportJob

    playlist = _playlist_id(authed_client, "Night Drive")
    spotify_emulator.rate_limit_next(5, retry_after=86400)

    response = authed_client.post("/api/v1/spotify/imports", {"playlist": playlist}, format="json")

    job = ImportJob.objects.get(pk=response.json()["id"])
    assert job.status == "pending"
    assert job.error_detail.startswith("waiting for Spotify until ")
    connected.refresh_from_db()
    assert connected.rate_limited_until > timezone.now() + timedelta(hours=23)
