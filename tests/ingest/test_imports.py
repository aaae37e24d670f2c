"""Imports through the API, the page and the command: acceptance, limits, backpressure, dedupe, progress."""

from __future__ import annotations

import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from ingest.models import ImportItem, ImportJob
from library.models import Download, Track
from library.services import wants

# Real transactions: accepting an import enqueues its processing on commit, as in production.
pytestmark = pytest.mark.django_db(transaction=True)

LINES = "Joy Division - Atmosphere\nNew Order - Blue Monday\nthis line has no separator\nBlink-182 - Adam's Song\n"


def post_text(client, text: str, **extra):
    return client.post("/api/v1/imports/", {"text": text, **extra}, format="json")


def test_items_body_is_accepted_and_becomes_wanted_tracks(authed_client):
    rows = [{"artist": "Daft Punk", "title": f"Track {n}", "album": "Discovery", "duration_s": 200 + n}
            for n in range(1, 4)]  # fmt: skip

    response = authed_client.post("/api/v1/imports/", {"items": rows, "name": "Discovery"}, format="json")

    assert response.status_code == 202
    job = ImportJob.objects.get(pk=response.json()["job"]["id"])
    assert (job.status, job.name, job.total, job.queued, job.skipped) == ("completed", "Discovery", 3, 3, 0)
    downloads = Download.objects.filter(import_items__job=job)
    assert downloads.count() == 3
    assert len({d.album_key for d in downloads}) == 1, "one album: one search can serve it"


def test_text_with_a_bad_line_is_207_naming_the_line(authed_client):
    response = post_text(authed_client, LINES)

    assert response.status_code == 207
    body = response.json()
    assert body["accepted"] == {"count": 3}
    assert body["skipped"]["count"] == 1
    (line,) = body["skipped"]["lines"]
    assert line["line"] == 3
    assert line["text"] == "this line has no separator"
    assert line["reason"]
    assert Track.objects.filter(artist="Blink-182", title="Adam's Song").exists()


def test_dedupe_within_the_import_the_library_and_wanted_tracks(authed_client):
    owned = wants.want_track(artist="Joy Division", title="Atmosphere").track
    Track.objects.filter(pk=owned.pk).update(status=Track.Status.OWNED)
    wanted = wants.want_track(artist="New Order", title="Blue Monday").download
    text = "Joy Division - Atmosphere\nNew Order - Blue Monday\nThe Cure - Lovesong\nthe cure - LOVESONG\n"

    job_id = post_text(authed_client, text).json()["job"]["id"]

    items = {i.line: i for i in ImportItem.objects.filter(job_id=job_id)}
    assert (items[1].status, items[1].reason) == ("skipped", "already_in_library")
    assert (items[2].status, items[2].reason, items[2].download_id) == ("skipped", "already_wanted", wanted.pk)
    assert items[3].status == "queued"
    assert (items[4].status, items[4].reason, items[4].detail) == ("skipped", "duplicate", "the same track as line 3")
    assert Track.objects.filter(identity__startswith="the cure").count() == 1


def test_over_the_byte_limit_is_413_naming_it(authed_client, settings):
    settings.HARMONY_IMPORT_MAX_BYTES = 100

    response = post_text(authed_client, "Artist - Title\n" * 20)

    assert response.status_code == 413
    assert response.json()["error"]["meta"] == {"limit": "HARMONY_IMPORT_MAX_BYTES", "max": 100, "got": 300}
    assert "HARMONY_IMPORT_MAX_BYTES" in response.json()["error"]["message"]
    assert ImportJob.objects.count() == 0


def test_over_the_line_limit_is_413_naming_it(authed_client, settings):
    settings.HARMONY_IMPORT_MAX_LINES = 5

    response = post_text(authed_client, "".join(f"Artist - Song {n}\n" for n in range(6)))

    assert response.status_code == 413
    assert response.json()["error"]["meta"]["limit"] == "HARMONY_IMPORT_MAX_LINES"


def test_too_many_pending_imports_is_429_with_retry_after(authed_client, settings):
    settings.HARMONY_IMPORT_MAX_PENDING_JOBS = 1
    ImportJob.objects.create(source="text", status=ImportJob.Status.RUNNING)

    response = post_text(authed_client, "Artist - Title")

    assert response.status_code == 429
    assert response["Retry-After"] == "30"
    assert response.json()["error"]["meta"]["limit"] == "HARMONY_IMPORT_MAX_PENDING_JOBS"


def test_binary_upload_is_a_clear_400_and_nothing_is_written(authed_client):
    upload = SimpleUploadedFile("playlist.csv", b"\x00\x01\x02PK\x03\x04" * 200, content_type="text/csv")

    response = authed_client.post("/api/v1/imports/", {"file": upload}, format="multipart")

    assert response.status_code == 400
    assert response.json()["error"]["message"].startswith("file: ")
    assert ImportJob.objects.count() == ImportItem.objects.count() == 0


def test_text_plain_body_is_accepted(authed_client):
    response = authed_client.generic("POST", "/api/v1/imports/", "Air - La Femme d'Argent\n", content_type="text/plain")

    assert response.status_code == 202
    assert Track.objects.get().title == "La Femme d'Argent"


def test_exactly_one_input_is_required(authed_client):
    response = authed_client.post("/api/v1/imports/", {"text": "A - B", "items": [{"artist": "A", "title": "B"}]},
                                  format="json")  # fmt: skip

    assert response.status_code == 400
    assert response.json()["error"]["message"] == "give exactly one of items, text or file"


def test_preview_creates_nothing(authed_client):
    response = authed_client.post("/api/v1/imports/preview/", {"text": LINES}, format="json")

    body = response.json()
    assert response.status_code == 200
    assert [i["artist"] for i in body["accepted"]["items"]] == ["Joy Division", "New Order", "Blink-182"]
    assert body["skipped"]["lines"][0]["line"] == 3
    assert ImportJob.objects.count() == 0


def test_detail_and_items_show_progress_and_state(authed_client):
    job_id = post_text(authed_client, LINES).json()["job"]["id"]
    download = Download.objects.filter(import_items__job_id=job_id).first()
    Download.objects.filter(pk=download.pk).update(status=Download.Status.COMPLETED)

    detail = authed_client.get(f"/api/v1/imports/{job_id}/").json()
    items = authed_client.get(f"/api/v1/imports/{job_id}/items/").json()["results"]

    assert detail["progress"] == {"total": 4, "processed": 4, "queued": 3, "skipped": 1, "completed": 1, "failed": 0}
    assert sorted(i["state"] for i in items) == ["completed", "queued", "queued", "skipped"]


def test_cancel_of_a_finished_import_is_a_conflict(authed_client):
    job_id = post_text(authed_client, LINES).json()["job"]["id"]

    response = authed_client.post(f"/api/v1/imports/{job_id}/cancel/")

    assert response.status_code == 409


def test_cancel_stops_a_pending_import_and_its_unstarted_downloads(db):
    from ingest import parsers, services

    result = parsers.parse_text("Joy Division - Atmosphere\nJoy Division - Isolation\n")
    job = ImportJob.objects.create(source="text", total=2, status=ImportJob.Status.PENDING)
    ImportItem.objects.bulk_create([ImportItem(job=job, line=i.line, artist=i.artist, title=i.title,
                                               status=ImportItem.Status.NORMALIZED) for i in result.items])  # fmt: skip

    services.cancel_import(job=job)
    ran = services.process_import(job_id=job.pk)

    assert ran is None
    assert set(job.items.values_list("reason", flat=True)) == {"cancelled"}


def test_processing_makes_no_query_per_item(django_assert_max_num_queries):
    from ingest import parsers, services

    result = parsers.parse_text("".join(f"Artist {n % 50} - Song number {n}\n" for n in range(3000)))
    job = ImportJob.objects.create(source="text", total=3000)
    ImportItem.objects.bulk_create([ImportItem(job=job, line=i.line, artist=i.artist, title=i.title,
                                               status=ImportItem.Status.NORMALIZED) for i in result.items])  # fmt: skip

    # Batches only: SQLite caps the variables of one statement, so its bulk inserts hold ~80 rows each.
    with django_assert_max_num_queries(300):
        services.process_import(job_id=job.pk)

    assert Track.objects.count() == 3000
    assert ImportJob.objects.get(pk=job.pk).queued == 3000


def test_dashboard_preview_then_import(client, user):
    client.force_login(user)

    preview = client.post("/imports/", {"text": LINES, "name": "mix"})
    html = preview.content.decode()
    committed = client.post("/imports/", {"text": LINES, "name": "mix", "commit": "1"})

    assert "Preview: 3 tracks understood, 1 line not" in html
    assert "this line has no separator" in html
    job = ImportJob.objects.get()
    assert committed["Location"] == f"/imports/{job.pk}/"
    assert "3 wanted" in client.get(f"/imports/{job.pk}/").content.decode()


def test_dashboard_upload_is_kept_between_preview_and_import(client, user):
    client.force_login(user)
    upload = SimpleUploadedFile("mix.m3u8", b"#EXTM3U\n#EXTINF:215,Air - Sexy Boy\nAir - Sexy Boy.mp3\n")

    html = client.post("/imports/", {"file": upload}).content.decode()
    token = html.split('name="token" value="')[1].split('"')[0]
    client.post("/imports/", {"token": token, "filename": "mix.m3u8", "commit": "1"})

    assert ImportJob.objects.get().filename == "mix.m3u8"
    assert Track.objects.get().duration_s == 215


def test_command_dry_run_prints_json_and_creates_nothing(tmp_path):
    path = tmp_path / "list.txt"
    path.write_text(LINES)
    out = io.StringIO()

    call_command("import_playlist", str(path), "--dry-run", stdout=out)

    printed = json.loads(out.getvalue())
    assert [i["title"] for i in printed["items"]] == ["Atmosphere", "Blue Monday", "Adam's Song"]
    assert printed["rejected"][0]["line"] == 3
    assert ImportJob.objects.count() == 0


def test_command_imports_and_refuses_links(tmp_path):
    path = tmp_path / "list.txt"
    path.write_text(LINES)
    out = io.StringIO()

    call_command("import_playlist", str(path), stdout=out)

    assert out.getvalue().startswith("import ")
    assert "3 wanted, 1 skipped" in out.getvalue()
    with pytest.raises(CommandError, match="FEATURE_DISABLED"):
        call_command("import_playlist", "https://open.spotify.com/playlist/37i9dQZF1DXcBWIGoYBM5M")
