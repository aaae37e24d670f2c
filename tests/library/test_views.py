"""The Downloads page, its live rows and actions, and the Soulseek search page."""

from __future__ import annotations

import re

import pytest

from library.models import Download, DownloadAttempt
from library.services import wants
from matching.models import Candidate, Search

pytestmark = pytest.mark.django_db


@pytest.fixture
def logged_in(client, user):
    client.force_login(user)
    return client


def make(title: str, status: str = Download.Status.WANTED, **fields) -> Download:
    download = wants.want_track(artist="Joy Division", title=title).download
    assert download is not None
    Download.objects.filter(pk=download.pk).update(status=status, **fields)
    download.refresh_from_db()
    return download


def test_page_lists_downloads_with_a_failed_badge(logged_in):
    make("Atmosphere", Download.Status.FAILED, error_detail="nothing eligible")
    make("Isolation", Download.Status.DEAD_LETTER)
    make("Transmission", Download.Status.COMPLETED)

    html = logged_in.get("/downloads/").content.decode()

    assert "Joy Division – Atmosphere" in html
    assert re.search(r"Failed <strong>2</strong>", html)
    assert "nothing eligible" in html


def test_failed_badge_filters(logged_in):
    make("Atmosphere", Download.Status.FAILED)
    make("Transmission", Download.Status.COMPLETED)

    html = logged_in.get("/downloads/?status=failed&status=dead_letter").content.decode()

    assert "Atmosphere" in html
    assert "Transmission" not in html


def test_page_is_a_fixed_number_of_queries(logged_in, django_assert_num_queries):
    make("One", Download.Status.DOWNLOADING)
    logged_in.get("/downloads/")
    with django_assert_num_queries(7):
        logged_in.get("/downloads/")
    for n in range(8):
        d = make(f"Song {n}", Download.Status.DOWNLOADING)
        DownloadAttempt.objects.create(download=d, username="peer", filename=f"{n}.flac", size=10, bytes_transferred=5)
    with django_assert_num_queries(7):
        html = logged_in.get("/downloads/").content.decode()
    assert html.count('<progress max="10" value="5">') == 8


def test_rows_fragment_polls_only_the_visible_rows(logged_in):
    shown = make("Atmosphere", Download.Status.DOWNLOADING)
    make("Isolation", Download.Status.DOWNLOADING)

    html = logged_in.get(f"/downloads/rows/?ids={shown.pk}").content.decode()

    assert html.lstrip().startswith('<tbody id="download-rows"')
    assert f'hx-get="/downloads/rows/?ids={shown.pk}"' in html
    assert "Atmosphere" in html
    assert "Isolation" not in html


def test_retry_and_remove_buttons_call_the_services(logged_in):
    failed = make("Atmosphere", Download.Status.FAILED)
    running = make("Isolation", Download.Status.QUEUED)

    retried = logged_in.post(f"/downloads/{failed.pk}/retry/", {"next": "/downloads/?status=failed"})
    removed = logged_in.post(f"/downloads/{running.pk}/remove/", {"next": "https://evil.example/"})

    assert retried["Location"] == "/downloads/?status=failed"
    assert removed["Location"] == "/downloads/"
    assert Download.objects.get(pk=failed.pk).status == Download.Status.WANTED
    assert Download.objects.get(pk=running.pk).status == Download.Status.CANCELLED


def test_detail_shows_why_each_candidate_was_ranked_or_rejected(logged_in):
    download = make("Atmosphere", Download.Status.FAILED)
    Candidate.objects.create(download=download, username="good", filename="a\\Atmosphere.flac", size=1, rank=1,
                             score=0.98, tier="lossless", breakdown={"penalties": {"queue": 0.3}})  # fmt: skip
    Candidate.objects.create(download=download, username="taper", filename="Live\\Atmosphere.mp3", size=1,
                             reasons=["version_mismatch", "duration_mismatch"])  # fmt: skip

    html = logged_in.get(f"/downloads/{download.pk}/").content.decode()

    assert "queue 0.30" in html
    assert "version_mismatch, duration_mismatch" in html


def test_search_page_shows_ranked_and_rejected(logged_in):
    search = Search.objects.create(
        query="joy division atmosphere", status=Search.Status.COMPLETED,
        wanted={"artist": "Joy Division", "title": "Atmosphere", "album": None, "year": None, "duration_s": 250,
                "isrc": None, "artists": []},
        files=[
            {"username": "good", "filename": "Music\\Joy Division\\Closer\\Atmosphere.flac", "size": 28_000_000,
             "length_s": 250, "bit_depth": 16, "sample_rate": 44100},
            {"username": "karaoke", "filename": "Karaoke Hits\\Joy Division - Atmosphere (Karaoke).mp3",
             "size": 10_000_000, "length_s": 250, "bit_rate": 320},
        ],
    )  # fmt: skip

    html = logged_in.get(f"/downloads/search/{search.pk}/").content.decode()

    assert "Ranked (1)" in html
    assert "Rejected (1)" in html
    assert "version_mismatch" in html
    assert 'name="filename" value="Music\\Joy Division\\Closer\\Atmosphere.flac"' in html


def test_search_form_names_the_missing_field(logged_in, settings):
    settings.SLSKD_URL = "http://127.0.0.1:9"

    html = logged_in.post("/downloads/search/", {"artist": "Joy Division"}).content.decode()

    assert "title: This field is required." in html
