"""Fixtures of the ingest tests: the Spotify emulator wired into settings, and an account connected to it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from emulators.spotify import SpotifyEmulator
from harmony import crypto
from ingest.models import SpotifyAccount

REDIRECT = "http://127.0.0.1:8000/spotify/callback"
CLIENT_ID = "harmony-test-client"


@pytest.fixture
def spotify_emulator(settings, emulator):
    app = SpotifyEmulator(client_id=CLIENT_ID, redirect_uris=(REDIRECT,))
    running = emulator(app)
    settings.SPOTIFY_CLIENT_ID = CLIENT_ID
    settings.SPOTIFY_REDIRECT_URI = REDIRECT
    settings.SPOTIFY_ACCOUNTS_URL = running.url
    settings.SPOTIFY_API_URL = running.url
    settings.SPOTIFY_EMBED_URL = running.url
    return app


@pytest.fixture
def logged_in(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def connected(user, spotify_emulator):
    """An account connected to the emulator's demo user, without the browser dance."""
    token = spotify_emulator.issue_access_token()
    return SpotifyAccount.objects.create(
        user=user, spotify_user_id="hubuser", display_name="Hub User", access_token_encrypted=crypto.encrypt(token),
        expires_at=timezone.now() + timedelta(hours=1), authorized_at=timezone.now(),
    )  # fmt: skip
