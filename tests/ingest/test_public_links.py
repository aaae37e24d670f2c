"""Public playlist links (setting spotify.public_links) read from the emulator's embed page."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from emulators.spotify import sid
from ingest.models import ImportJob
from library import runtime

pytestmark = pytest.mark.django_db(transaction=True)

NIGHT_DRIVE = sid("playlist:hubuser:Night Drive")
DEEP_DIVE = sid("playlist:hubuser:Deep Dive")  # private
LINK = f"https://open.spotify.com/playlist/{NIGHT_DRIVE}?si=abc"


@pytest.fixture
def public_links_on(db):
    runtime.set_value("spotify.public_links", True, by="test")


def test_off_by_default_answers_feature_disabled(authed_client, spotify_emulator):
    response = authed_client.post("/api/v1/spotify/public-imports", {"url": LINK}, format="json")

    assert response.status_code == 503
    body = response.json()["error"]
    assert (body["code"], body["meta"]) == (
        "FEATURE_DISABLED",
        {"reason": "setting_off", "setting": "spotify.public_links"},
    )
    assert ImportJob.objects.count() == 0


def test_a_free_import_skips_a_playlist_link_naming_the_setting(authed_client):
    response = authed_client.post("/api/v1/imports/", {"text": f"Joy Division - Atmosphere\n{LINK}\n"}, format="json")

    assert response.status_code == 207
    (link,) = response.json()["skipped"]["links"]
    assert "runtime setting spotify.public_links" in link["reason"]
    job = ImportJob.objects.get()
    assert "spotify.public_links" in job.items.get(reason="unsupported").detail


def test_on_imports_the_page_rows_as_a_partial_import(authed_client, spotify_emulator, public_links_on):
    response = authed_client.post("/api/v1/spotify/public-imports", {"url": LINK}, format="json")

    assert response.status_code == 202
    job = ImportJob.objects.get(pk=response.json()["id"])
    assert (job.status, job.partial, job.format, job.name, job.total) == (
        "completed", True, "spotify_embed", "Night Drive", 6)  # fmt: skip
    rows = list(job.items.order_by("line").values_list("line", "artist", "title", "album", "isrc", "status"))
    assert rows[0] == (1, "Daft Punk", "One More Time", "", "", "queued")
    assert rows[5] == (6, "Radiohead", "Karma Police", "", "", "skipped")  # the playlist holds it twice
    assert job.items.get(line=2).spotify_id == sid("track:Daft Punk:Discovery:Harder, Better, Faster, Stronger")
    assert job.items.get(line=2).duration_s == 224.0


def test_a_changed_page_imports_nothing_and_names_what_is_missing(authed_client, spotify_emulator, public_links_on):
    spotify_emulator.embed_shape_changed = True

    response = authed_client.post("/api/v1/spotify/public-imports", {"url": LINK}, format="json")

    assert response.status_code == 503
    error = response.json()["error"]
    assert error["code"] == "DEPENDENCY_ERROR"
    assert error["meta"] == {"dependency": "spotify", "missing": "props.pageProps.state.data.entity.trackList"}
    assert "nothing was imported" in error["message"]
    assert ImportJob.objects.count() == 0


@pytest.mark.parametrize("playlist", [DEEP_DIVE, sid("playlist:nobody:Gone")])
def test_a_private_or_unknown_playlist_is_not_found(authed_client, spotify_emulator, public_links_on, playlist):
    response = authed_client.post(
        "/api/v1/spotify/public-imports", {"url": f"https://open.spotify.com/playlist/{playlist}"}, format="json"
    )

    assert response.status_code == 404
    assert response.json()["error"]["message"] == "This playlist is not public (or no longer exists) on Spotify."


def test_a_link_that_is_not_a_playlist_is_refused(authed_client, spotify_emulator, public_links_on):
    url = f"https://open.spotify.com/track/{sid('track:x')}"

    response = authed_client.post("/api/v1/spotify/public-imports", {"url": url}, format="json")

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "VALIDATION_ERROR"


def test_command_refuses_a_link_while_the_setting_is_off(spotify_emulator):
    with pytest.raises(CommandError, match=r"runtime setting spotify\.public_links.*FEATURE_DISABLED"):
        call_command("import_playlist", LINK)


def test_command_imports_a_public_link_when_on(spotify_emulator, public_links_on):
    out = io.StringIO()

    call_command("import_playlist", LINK, stdout=out)

    job = ImportJob.objects.get()
    assert out.getvalue().strip() == (
        f"import {job.pk} (public page, partial: about the first 50 tracks, no album or ISRC): 6 tracks, 5 wanted, "
        "1 skipped"
    )


def test_spotify_page_offers_the_link_form_only_when_on(logged_in, spotify_emulator):
    off = logged_in.get("/spotify/").content.decode()
    runtime.set_value("spotify.public_links", True, by="test")
    on = logged_in.get("/spotify/").content.decode()

    assert "Reading public playlist links is off" in off
    assert 'name="url"' not in off
    assert 'name="url"' in on
