"""Backfill against the Spotify emulator: ISRC first, then names + length, conflicts, the cache, chunks with
pause/resume/cancel, 429s, the API, the command and the page."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from emulators.spotify import sid
from ingest.models import BackfillJob, SpotifyAccount, SpotifyLookup
from ingest.services import backfill
from library.models import Track
from matching.query import identity_key

pytestmark = pytest.mark.django_db(transaction=True)

KARMA_POLICE = sid("track:Radiohead:OK Computer:Karma Police")
DIGITAL_LOVE = sid("track:Daft Punk:Discovery:Digital Love")
AIRBAG = sid("track:Radiohead:OK Computer:Airbag")
LUCKY = sid("track:Radiohead:OK Computer:Lucky")


def make_track(artist: str, title: str, **fields) -> Track:
    return Track.objects.create(artist=artist, title=title, identity=identity_key(artist, title), **fields)


@pytest.fixture
def library_tracks():
    """Tracks as FREE imports leave them, and two that already hold ids other tracks would match."""
    make_track("Radiohead", "Airbag (Live at the BBC)", spotify_id=AIRBAG)
    make_track("Someone Else", "Lucky Cover", isrc="GBHMY9700011", spotify_id=sid("track:other"))
    return {
        "by_isrc": make_track("Radiohead", "Karma Police", isrc="GBHMY9700006"),
        "by_name": make_track("Daft Punk", "Digital Love", duration_s=297.0, status=Track.Status.OWNED),
        "too_long": make_track("Joy Division", "Atmosphere", duration_s=260.0),
        "unknown": make_track("Nobody", "Nothing At All"),
        "id_taken": make_track("Radiohead", "Airbag"),
        "isrc_taken": make_track("Radiohead", "Lucky"),
        "ignored": make_track("Daft Punk", "Aerodynamic", status=Track.Status.IGNORED),
    }


@pytest.mark.parametrize(
    ("duration_s", "hit_ms", "accepted"),
    [(None, 250_000, True), (250.0, 252_000, True), (250.0, 247_900, False), (250.0, None, True)],
)
def test_accepts_within_two_seconds(duration_s, hit_ms, accepted):
    track = Track(artist="Joy Division", title="Atmosphere", duration_s=duration_s)

    hit = {"name": "Atmosphere", "artists": ["Joy Division"], "duration_ms": hit_ms}

    assert backfill.accepts(track, hit) is accepted


@pytest.mark.parametrize(
    ("name", "artists", "accepted"),
    [
        ("Atmosphere - 2010 Remaster", ["Joy Division"], True),
        ("atmosphere", ["JOY DIVISION", "Someone"], True),
        ("Atmospheres", ["Joy Division"], True),
        ("Transmission", ["Joy Division"], False),
        ("Atmosphere", ["Russ"], False),
    ],
)
def test_accepts_only_matching_names(name, artists, accepted):
    track = Track(artist="Joy Division", title="Atmosphere")

    assert backfill.accepts(track, {"name": name, "artists": artists, "duration_ms": None}) is accepted


def test_backfill_fills_in_what_it_finds_and_counts_the_rest(authed_client, connected, library_tracks):
    response = authed_client.post("/api/v1/spotify/backfill")

    assert response.status_code == 202
    job = BackfillJob.objects.get(pk=response.json()["id"])
    counts = (job.status, job.total, job.processed, job.matched, job.not_found, job.conflicts, job.errors)
    assert counts == ("completed", 6, 6, 2, 2, 2, 0)
    by_isrc = Track.objects.get(pk=library_tracks["by_isrc"].pk)
    assert (by_isrc.spotify_id, by_isrc.album, by_isrc.duration_s) == (KARMA_POLICE, "OK Computer", 261.0)
    by_name = Track.objects.get(pk=library_tracks["by_name"].pk)
    assert (by_name.spotify_id, by_name.isrc, by_name.duration_s) == (DIGITAL_LOVE, "FRHMY0100003", 297.0)
    assert Track.objects.get(pk=library_tracks["too_long"].pk).spotify_id == ""
    assert Track.objects.get(pk=library_tracks["id_taken"].pk).spotify_id == ""
    isrc_taken = Track.objects.get(pk=library_tracks["isrc_taken"].pk)
    assert (isrc_taken.spotify_id, isrc_taken.isrc) == (LUCKY, "")
    owner_of = {t.spotify_id: t.pk for t in Track.objects.exclude(spotify_id="")}
    assert job.conflict_log == [
        {"track": library_tracks["id_taken"].pk, "field": "spotify_id", "value": AIRBAG,
         "other_track": owner_of[AIRBAG]},
        {"track": library_tracks["isrc_taken"].pk, "field": "isrc", "value": "GBHMY9700011",
         "other_track": owner_of[sid("track:other")]},
    ]  # fmt: skip
    assert Track.objects.get(pk=library_tracks["ignored"].pk).spotify_id == ""


def test_a_second_run_answers_from_the_cache(user, connected, spotify_emulator, library_tracks):
    backfill.start_backfill(user=user)
    calls = spotify_emulator.api_calls

    job = backfill.start_backfill(user=user)

    job.refresh_from_db()
    assert (job.status, job.total, job.not_found, job.conflicts) == ("completed", 3, 2, 1)
    assert spotify_emulator.api_calls == calls
    assert SpotifyLookup.objects.filter(key="track:nobody\x1fnothing at all", result__isnull=True).exists()


def test_a_stale_cache_entry_is_asked_again(user, connected, spotify_emulator, library_tracks, settings):
    backfill.start_backfill(user=user)
    SpotifyLookup.objects.update(fetched_at=timezone.now() - timedelta(days=31))
    calls = spotify_emulator.api_calls

    backfill.start_backfill(user=user)

    assert spotify_emulator.api_calls == calls + 3


def test_pause_takes_effect_between_chunks_and_resume_finishes(user, connected, library_tracks):
    job = backfill.start_backfill(user=user, enqueue=False)

    first = backfill.run_backfill_chunk(job_id=job.pk, chunk=2, enqueue_next=False)
    backfill.pause_backfill(job=job)
    paused = backfill.run_backfill_chunk(job_id=job.pk, chunk=2, enqueue_next=False)

    job.refresh_from_db()
    assert first.more is True
    assert paused.more is False
    assert (job.status, job.processed) == ("paused", 2)
    backfill.resume_backfill(job=job)
    job.refresh_from_db()
    assert (job.status, job.processed, job.matched) == ("completed", 6, 2)


def test_cancel_stops_the_next_chunk(user, connected, library_tracks):
    job = backfill.start_backfill(user=user, enqueue=False)
    backfill.run_backfill_chunk(job_id=job.pk, chunk=2, enqueue_next=False)

    backfill.cancel_backfill(job=job)
    outcome = backfill.run_backfill_chunk(job_id=job.pk, chunk=2, enqueue_next=False)

    job.refresh_from_db()
    assert (outcome.more, job.status, job.processed) == (False, "cancelled", 2)
    assert job.finished_at is not None


def test_a_429_parks_the_account_and_keeps_the_job_running(user, connected, spotify_emulator, library_tracks):
    job = backfill.start_backfill(user=user, enqueue=False)
    spotify_emulator.rate_limit_next(1, retry_after=900)

    outcome = backfill.run_backfill_chunk(job_id=job.pk, enqueue_next=False)

    job.refresh_from_db()
    assert outcome.wait_s == 900
    assert (job.status, job.processed) == ("running", 0)
    assert job.error_detail.startswith("waiting for Spotify until ")
    assert SpotifyAccount.objects.get().rate_limited_until > timezone.now() + timedelta(minutes=14)
    again = backfill.run_backfill_chunk(job_id=job.pk, enqueue_next=False)
    assert again.wait_s > 800  # parked: no call until Retry-After has passed


def test_only_one_backfill_at_a_time(authed_client, user, connected, library_tracks):
    backfill.start_backfill(user=user, enqueue=False)

    response = authed_client.post("/api/v1/spotify/backfill")

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "CONFLICT"


def test_api_controls_answer_409_when_not_allowed(authed_client, user, connected):
    job = backfill.start_backfill(user=user)

    response = authed_client.post(f"/api/v1/spotify/backfill/{job.pk}/pause")

    assert response.status_code == 409
    assert response.json()["error"]["meta"] == {"status": "completed"}
    assert authed_client.get(f"/api/v1/spotify/backfill/{job.pk}").json()["status"] == "completed"


@pytest.mark.parametrize("rows", [1, 3])
def test_backfill_list_is_a_fixed_number_of_queries(authed_client, django_assert_num_queries, rows):
    BackfillJob.objects.bulk_create([BackfillJob(status="completed") for _ in range(rows)])
    authed_client.get("/api/v1/spotify/backfill")

    with django_assert_num_queries(3):  # API key, count, page
        response = authed_client.get("/api/v1/spotify/backfill")

    assert response.json()["count"] == rows


def test_command_runs_the_chunks_and_prints_progress(user, connected, library_tracks):
    out = io.StringIO()

    call_command("backfill", stdout=out)

    lines = out.getvalue().splitlines()
    assert lines[0].endswith(": 6 tracks to look up")
    assert lines[-2] == "  6/6: 2 matched, 2 not found, 2 conflicts, 0 errors"
    assert lines[-1].endswith(" completed")


def test_spotify_page_shows_progress_and_controls(logged_in, user, connected, library_tracks):
    job = backfill.start_backfill(user=user, enqueue=False)
    backfill.run_backfill_chunk(job_id=job.pk, chunk=2, enqueue_next=False)

    page = logged_in.get("/spotify/").content.decode()

    assert "2 of 6 tracks" in page
    assert f"/spotify/backfill/{job.pk}/pause/" in page
    assert f"/spotify/backfill/{job.pk}/cancel/" in page
