"""Per-download finishing endpoints and the library files list."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from emulators.musicbrainz import release_id
from library import runtime
from media_enrich.models import FinishStep, LibraryFile
from media_enrich.services import finishing
from tests.media_enrich.conftest import completed_download

pytestmark = pytest.mark.django_db


@pytest.fixture
def finished(settings, metadata):
    download = completed_download(
        settings, artist="Radiohead", title="Karma Police", album="OK Computer", seconds=261, number=6
    )
    file = finishing.start_finishing(download=download)
    finishing.finish_file(library_file_id=file.pk)
    return download


def test_metadata_shows_tags_steps_and_release(authed_client, finished):
    response = authed_client.get(f"/api/v1/downloads/{finished.pk}/metadata")

    body = response.json()
    assert response.status_code == 200
    assert body["organized_path"] == "Radiohead/OK Computer/06 - Karma Police.flac"
    assert body["tags"]["album"] == "OK Computer"
    assert body["album"]["musicbrainz_release_id"] == release_id("Radiohead", "OK Computer")
    assert [(s["name"], s["status"]) for s in body["steps"]] == [(n, "done") for n in FinishStep.Name.ORDER]
    assert body["lyrics"]["kind"] == "synced"


def test_artwork_is_the_embedded_jpeg(authed_client, finished):
    response = authed_client.get(f"/api/v1/downloads/{finished.pk}/artwork")

    assert (response.status_code, response["Content-Type"]) == (200, "image/jpeg")
    assert response.content[:3] == b"\xff\xd8\xff"


def test_lyrics_are_the_lrc_text_or_plain(authed_client, finished):
    synced = authed_client.get(f"/api/v1/downloads/{finished.pk}/lyrics")
    plain = authed_client.get(f"/api/v1/downloads/{finished.pk}/lyrics?kind=plain")

    assert synced.status_code == 200
    assert synced.content.decode().startswith("[ti:Karma Police]\n")
    assert "[00:" not in plain.content.decode()


@pytest.mark.parametrize(("feature", "path"), [("features.artwork", "artwork"), ("features.lyrics", "lyrics")])
def test_disabled_feature_endpoints_answer_503(authed_client, finished, feature, path):
    runtime.set_value(feature, False, by="test")

    get = authed_client.get(f"/api/v1/downloads/{finished.pk}/{path}")
    refresh = authed_client.post(f"/api/v1/downloads/{finished.pk}/{path}/refresh")

    assert (get.status_code, get.json()["error"]["code"]) == (503, "FEATURE_DISABLED")
    assert (refresh.status_code, refresh.json()["error"]["code"]) == (503, "FEATURE_DISABLED")


def test_refresh_reruns_one_step_and_the_later_ones(authed_client, finished, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = authed_client.post(f"/api/v1/downloads/{finished.pk}/lyrics/refresh")

    assert response.status_code == 202
    file = LibraryFile.objects.get(download=finished)
    runs = {step.name: step.runs for step in file.steps.all()}
    assert runs == {"verify": 1, "identify": 1, "tag": 1, "artwork": 1, "lyrics": 2, "organize": 2}
    assert file.status == LibraryFile.Status.FINISHED


def test_refresh_of_an_unknown_step_names_the_choices(authed_client, finished):
    response = authed_client.post(f"/api/v1/downloads/{finished.pk}/polish/refresh")

    assert response.status_code == 400
    assert response.json()["error"]["message"].startswith("step: one of verify, identify, tag")


def test_metadata_before_the_download_finished_is_404(authed_client, settings):
    from library.models import Download, Track

    track = Track.objects.create(artist="A", title="B", identity="a\x1fb")
    download = Download.objects.create(track=track)

    response = authed_client.get(f"/api/v1/downloads/{download.pk}/metadata")

    assert (response.status_code, response.json()["error"]["code"]) == (404, "NOT_FOUND")


def test_library_files_list_has_no_n_plus_one(authed_client, settings, metadata):
    for number, title in enumerate(("Airbag", "Paranoid Android", "Let Down"), start=1):
        download = completed_download(settings, artist="Radiohead", title=title, album="OK Computer", seconds=200,
                                      number=number)  # fmt: skip
        finishing.start_finishing(download=download)
    authed_client.get("/api/v1/library/files")
    with CaptureQueriesContext(connection) as three:
        response = authed_client.get("/api/v1/library/files")
    LibraryFile.objects.filter(pk=LibraryFile.objects.first().pk).delete()
    with CaptureQueriesContext(connection) as two:
        authed_client.get("/api/v1/library/files")

    assert response.json()["count"] == 3
    assert len(three.captured_queries) == len(two.captured_queries)


def test_library_page_lists_artists_albums_and_covers(client, user, finished):
    client.force_login(user)

    page = client.get("/library/")
    file = LibraryFile.objects.get(download=finished)
    detail = client.get(f"/library/files/{file.pk}/")
    cover = client.get(f"/library/covers/{file.album_id}/")

    assert page.status_code == 200
    assert "OK Computer" in page.content.decode()
    assert "Karma Police" in page.content.decode()
    assert "[ti:Karma Police]" in detail.content.decode()
    assert (cover.status_code, cover["Content-Type"]) == (200, "image/jpeg")
    first = page.context["artists"][0].albums["ok computer"].files[0]
    assert Path(first.organized_path).name == "06 - Karma Police.flac"
