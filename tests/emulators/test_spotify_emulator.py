"""The Spotify emulator's Development-Mode behaviour, seen over raw HTTP."""

from __future__ import annotations

import argparse
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from emulators.registry import SERVICES
from emulators.spotify import DEMO_USER, SpotifyEmulator, sid

REDIRECT = "http://127.0.0.1:8000/spotify/callback"
DEEP_DIVE = sid("playlist:hubuser:Deep Dive")


@pytest.fixture
def app() -> SpotifyEmulator:
    return SpotifyEmulator(redirect_uris=(REDIRECT,))


@pytest.fixture
def server(emulator, app):
    return emulator(app)


@pytest.fixture
def get(server, app):
    headers = {"Authorization": f"Bearer {app.issue_access_token(DEMO_USER)}"}

    def call(path: str, **params) -> requests.Response:
        return requests.get(f"{server.url}{path}", params=params, headers=headers, timeout=5)

    call.headers = headers
    return call


def authorize(server, **overrides) -> requests.Response:
    params = {"client_id": "harmony-test-client", "response_type": "code", "redirect_uri": REDIRECT, "state": "st"}
    params.update(overrides)
    return requests.get(f"{server.url}/authorize", params=params, allow_redirects=False, timeout=5)


def test_refused_consent_redirects_with_access_denied(server, app):
    app.deny_consent = True
    query = parse_qs(urlsplit(authorize(server).headers["Location"]).query)
    assert query == {"error": ["access_denied"], "state": ["st"]}


def test_redirect_uris_must_be_registered_and_localhost_is_refused(server):
    assert authorize(server, redirect_uri="http://localhost:8000/spotify/callback").status_code == 400
    assert authorize(server, redirect_uri="https://evil.example/cb").status_code == 400
    assert authorize(server, redirect_uri="http://127.0.0.1:9999/spotify/callback").status_code == 302
    assert authorize(server, client_id="someone-else").status_code == 400


def test_token_endpoint_errors_are_oauth_shaped(server):
    answer = requests.post(
        f"{server.url}/api/token",
        data={"grant_type": "refresh_token", "refresh_token": "nope", "client_id": "harmony-test-client"},
        timeout=5,
    )
    assert answer.status_code == 400
    assert answer.json() == {"error": "invalid_grant", "error_description": "Invalid refresh token"}
    unknown = requests.post(f"{server.url}/api/token", data={"grant_type": "x", "client_id": "x"}, timeout=5)
    assert unknown.json()["error"] == "invalid_client"


def test_client_credentials_need_the_secret_and_see_no_user(emulator):
    app = SpotifyEmulator(client_secret="shh")
    server = emulator(app)
    answer = requests.post(
        f"{server.url}/api/token",
        data={"grant_type": "client_credentials"},
        auth=("harmony-test-client", "shh"),
        timeout=5,
    )
    token = answer.json()["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    assert requests.get(f"{server.url}/v1/me", headers=headers, timeout=5).status_code == 403
    assert requests.get(f"{server.url}/v1/search?q=Airbag&type=track", headers=headers, timeout=5).status_code == 200


def test_paging_links_are_absolute_on_the_emulator(server, get):
    page = get(f"/v1/playlists/{DEEP_DIVE}/items", limit=50).json()
    assert page["total"] == 54
    assert page["next"].startswith(f"{server.url}/v1/playlists/{DEEP_DIVE}/items?")
    second = requests.get(page["next"], headers=get.headers, timeout=5).json()
    assert (second["offset"], len(second["items"]), second["next"]) == (50, 4, None)
    assert second["items"][0]["item"] == second["items"][0]["track"]


def test_removed_endpoints_answer_403(get):
    for path in (f"/v1/playlists/{DEEP_DIVE}/tracks", "/v1/tracks", "/v1/users/hubuser/playlists", "/v1/markets"):
        answer = get(path, ids="a,b") if path == "/v1/tracks" else get(path)
        assert answer.status_code == 403, path
        assert answer.json() == {"error": {"status": 403, "message": "Forbidden"}}


def test_limits_ids_and_tokens_are_checked(server, get):
    assert get("/v1/search", q="Airbag", type="track", limit=11).json() == {
        "error": {"status": 400, "message": "Invalid limit"}
    }
    assert get("/v1/me/tracks", limit=51).status_code == 400
    assert get("/v1/search", q="Airbag", type="track").json()["tracks"]["limit"] == 5
    assert get("/v1/tracks/not-an-id").json()["error"]["message"] == "Invalid base62 id"
    assert requests.get(f"{server.url}/v1/me", timeout=5).json()["error"]["message"] == "No token provided"


def test_rate_limit_knob_answers_429_then_recovers(get, app):
    app.rate_limit_next(2, retry_after=30)
    for _ in range(2):
        answer = get("/v1/me")
        assert answer.status_code == 429
        assert answer.headers["Retry-After"] == "30"
    assert get("/v1/me").status_code == 200


def test_expired_tokens_answer_401(get, app):
    app.expire_access_tokens()
    assert get("/v1/me").json() == {"error": {"status": 401, "message": "The access token expired"}}


def test_registry_builds_the_demo_emulator():
    service = SERVICES["spotify"]
    parser = argparse.ArgumentParser()
    assert service.add_arguments is not None
    service.add_arguments(parser)
    app = service.build(parser.parse_args([]))
    assert isinstance(app, SpotifyEmulator)
    assert app.client_id == service.demo_env["SPOTIFY_CLIENT_ID"]
    assert app._redirect_allowed(service.demo_env["SPOTIFY_REDIRECT_URI"])


def _next_data(html: str) -> dict:
    import json
    import re

    found = re.search(r'<script id="__NEXT_DATA__" type="application/json">(.*?)</script>', html, re.DOTALL)
    assert found is not None
    return json.loads(found.group(1))


def test_embed_page_serves_a_public_playlist_without_a_token(server):
    response = requests.get(f"{server.url}/embed/playlist/{sid('playlist:hubuser:Night Drive')}", timeout=5)

    assert (response.status_code, response.headers["Content-Type"]) == (200, "text/html; charset=utf-8")
    entity = _next_data(response.text)["props"]["pageProps"]["state"]["data"]["entity"]
    assert (entity["type"], entity["name"], entity["subtitle"]) == ("playlist", "Night Drive", "Hub User")
    assert [row["title"] for row in entity["trackList"]][:2] == ["One More Time", "Harder, Better, Faster, Stronger"]
    assert len(entity["trackList"]) == 6  # tracks only: no local file, removed row or episode


def test_embed_page_caps_rows_and_hides_private_playlists(server):
    private = requests.get(f"{server.url}/embed/playlist/{DEEP_DIVE}", timeout=5)
    app = server.app
    app.playlists[DEEP_DIVE].public = True
    public = requests.get(f"{server.url}/embed/playlist/{DEEP_DIVE}", timeout=5)

    assert private.status_code == 404
    assert len(_next_data(public.text)["props"]["pageProps"]["state"]["data"]["entity"]["trackList"]) == 50


def test_embed_page_knobs_change_the_shape_and_kill_the_entity(server, app):
    playlist = sid("playlist:hubuser:Night Drive")
    app.embed_shape_changed = True
    changed = _next_data(requests.get(f"{server.url}/embed/playlist/{playlist}", timeout=5).text)
    app.dead_embeds.add(playlist)
    dead = _next_data(requests.get(f"{server.url}/embed/playlist/{playlist}", timeout=5).text)

    assert "trackList" not in changed["props"]["pageProps"]["state"]["data"]["entity"]
    assert dead["props"]["pageProps"] == {"status": 404, "forbiddenReason": "ENTITY_REMOVED"}


def test_album_endpoints_serve_simplified_tracks(get):
    album_id = sid("album:Radiohead:OK Computer")

    album = get(f"/v1/albums/{album_id}").json()
    page = get(f"/v1/albums/{album_id}/tracks", limit=5, offset=10).json()

    assert (album["name"], album["tracks"]["total"], album["tracks"]["next"]) == ("OK Computer", 12, None)
    assert "external_ids" not in album["tracks"]["items"][0]
    assert "album" not in album["tracks"]["items"][0]
    assert [t["name"] for t in page["items"]] == ["Lucky", "The Tourist"]
    assert get(f"/v1/albums/{sid('album:none')}").status_code == 404
