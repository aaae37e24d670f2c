"""The dashboard shell: navigation, the status board, settings with secrets masked, honest unbuilt sections."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture
def logged_in(client, user):
    client.force_login(user)
    return client


def test_home_shows_every_dependency_and_the_navigation(logged_in, settings):
    response = logged_in.get("/")

    html = response.content.decode()
    assert response.status_code == 200
    for name in ("Database", "Redis" if settings.REDIS_URL else "Broker", "Worker", "slskd", "Spotify"):
        assert f"<h2>{name}</h2>" in html
    for label in ("Downloads", "Imports", "Watchlist", "Library", "Settings"):
        assert f">{label}</a>" in html
    assert "no heartbeat yet" in html
    assert 'hx-trigger="every 15s"' in html


def test_status_fragment_is_the_board_alone(logged_in):
    html = logged_in.get("/status/").content.decode()

    assert html.lstrip().startswith('<div id="status-board"')
    assert "<nav" not in html


def test_pages_carry_no_inline_css_or_js(logged_in):
    html = logged_in.get("/").content.decode()

    assert "<style" not in html
    assert " style=" not in html
    assert "<script>" not in html
    assert "onclick=" not in html


def test_settings_page_masks_secrets(logged_in, settings):
    settings.SLSKD_API_KEY = "super-secret-slskd-key"
    settings.SLSKD_URL = "http://slskd:5030"

    html = logged_in.get("/settings/").content.decode()

    assert "super-secret-slskd-key" not in html
    assert "set (hidden)" in html
    assert "http://slskd:5030" in html


@pytest.mark.parametrize("section", ["watchlist"])
def test_unbuilt_sections_say_so_with_501(logged_in, section):
    response = logged_in.get(f"/{section}/")

    assert response.status_code == 501
    assert "Not built yet." in response.content.decode()


def test_logout_is_a_post_and_ends_the_session(logged_in):
    response = logged_in.post("/logout/")

    assert response.status_code == 302
    assert logged_in.get("/").status_code == 302


def test_disallowed_host_on_the_api_is_an_envelope(api_client):
    response = api_client.get("/api/v1/health", HTTP_HOST="evil.example")

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "VALIDATION_ERROR"
