"""Mirrored playlists against the Spotify emulator: the beat task, snapshot changes, removed-track reports, 429s,
the claim, the API and the page."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from emulators.spotify import Row, sid
from emulators.spotify.dataset import KID_A, OK_COMPUTER
from ingest import tasks
from ingest.models import ImportJob, PlaylistMirror, SpotifyAccount
from ingest.services import mirrors
from library.models import Download, Track

pytestmark = pytest.mark.django_db(transaction=True)

NIGHT_DRIVE = sid("playlist:hubuser:Night Drive")


def start(client, playlist: str = NIGHT_DRIVE, **extra):
    return client.post("/api/v1/spotify/imports", {"playlist": playlist, **extra}, format="json")


def make_due(mirror: PlaylistMirror) -> None:
    PlaylistMirror.objects.filter(pk=mirror.pk).update(next_sync_at=timezone.now() - timedelta(seconds=1))


def test_an_own_playlist_import_is_mirrored_by_default(authed_client, connected, spotify_emulator):
    job_id = start(authed_client).json()["id"]

    mirror = PlaylistMirror.objects.get()
    assert (mirror.playlist_id, mirror.name, mirror.last_job_id, mirror.enabled) == (NIGHT_DRIVE, "Night Drive", job_id,
                                                                                       True)  # fmt: skip
    assert mirror.snapshot_id == spotify_emulator.playlists[NIGHT_DRIVE].snapshot_id
    assert mirror.last_synced_at is not None
    assert mirror.next_sync_at > timezone.now() + timedelta(minutes=55)  # spotify.sync_interval_s: 3600


def test_an_import_can_opt_out_of_mirroring(authed_client, connected):
    response = start(authed_client, mirror=False)

    assert response.status_code == 202
    assert PlaylistMirror.objects.count() == 0


def test_unchanged_snapshot_makes_no_job(authed_client, connected, spotify_emulator):
    start(authed_client)
    mirror = PlaylistMirror.objects.get()
    make_due(mirror)

    tasks.sync_playlists.delay()

    assert ImportJob.objects.count() == 1
    after = PlaylistMirror.objects.get()
    assert after.last_job_id == mirror.last_job_id
    assert after.next_sync_at > timezone.now() + timedelta(minutes=55)
    assert after.last_synced_at > mirror.last_synced_at


def test_a_changed_playlist_wants_new_tracks_and_reports_removed_ones(authed_client, connected, spotify_emulator):
    start(authed_client)
    playlist = spotify_emulator.playlists[NIGHT_DRIVE]
    before = playlist.snapshot_id
    # Remove "Digital Love" (row 5), add two Kid A tracks at the end.
    playlist.rows = [row for row in playlist.rows if not (row.track and row.track.name == "Digital Love")]
    playlist.rows += [Row(added_at="2026-11-01T10:00:00Z", track=KID_A[0]),
                      Row(added_at="2026-11-01T10:01:00Z", track=KID_A[7])]  # fmt: skip
    assert playlist.snapshot_id != before
    make_due(PlaylistMirror.objects.get())

    tasks.sync_playlists.delay()

    mirror = PlaylistMirror.objects.get()
    job = ImportJob.objects.get(pk=mirror.last_job_id or 0)
    assert (job.status, job.name, job.format) == ("completed", "Night Drive", "spotify_playlist")
    assert (mirror.last_added, mirror.last_removed, mirror.snapshot_id) == (2, 1, playlist.snapshot_id)
    assert mirror.removed_tracks == [
        {"artist": "Daft Punk", "title": "Digital Love", "spotify_id": sid("track:Daft Punk:Discovery:Digital Love"),
         "position": 5}
    ]  # fmt: skip
    queued = list(job.items.filter(status="queued").order_by("line").values_list("title", "line"))
    assert queued == [("Everything in Its Right Place", 9), ("Idioteque", 10)]  # playlist positions
    reasons = sorted(set(job.items.exclude(status="queued").values_list("reason", flat=True)))
    assert reasons == ["already_wanted", "duplicate", "invalid"]
    assert Track.objects.filter(title="Digital Love").exists(), "a removed track stays in the library"
    assert Download.objects.filter(track__title="Idioteque").count() == 1


def test_liked_songs_change_is_seen_without_a_snapshot(authed_client, connected, spotify_emulator):
    start(authed_client, playlist="liked")
    user = spotify_emulator.users["hubuser"]
    user.saved.insert(0, Row(added_at="2026-11-20T09:00:00Z", track=OK_COMPUTER[9]))
    make_due(PlaylistMirror.objects.get())

    outcome = mirrors.sync_mirror(mirror_id=PlaylistMirror.objects.get().pk)

    assert (outcome.result, outcome.added, outcome.removed) == ("changed", 1, 0)
    mirror = PlaylistMirror.objects.get()
    assert mirror.snapshot_id == f"liked:20:{datetime(2026, 11, 20, 9, tzinfo=UTC).isoformat()}"


def test_a_mirror_is_synced_once_even_when_two_workers_pick_it(authed_client, connected, spotify_emulator):
    start(authed_client)
    mirror = PlaylistMirror.objects.get()
    make_due(mirror)
    spotify_emulator.playlists[NIGHT_DRIVE].rows.append(Row(added_at="2026-11-02T00:00:00Z", track=KID_A[1]))

    first = mirrors.sync_mirror(mirror_id=mirror.pk)
    second = mirrors.sync_mirror(mirror_id=mirror.pk)

    assert first is not None
    assert first.result == "changed"
    assert second is None
    assert ImportJob.objects.count() == 2


def test_a_429_parks_and_reschedules_the_mirror(authed_client, connected, spotify_emulator):
    start(authed_client)
    mirror = PlaylistMirror.objects.get()
    make_due(mirror)
    spotify_emulator.rate_limit_next(1, retry_after=7200)

    outcome = mirrors.sync_mirror(mirror_id=mirror.pk)

    assert (outcome.result, outcome.wait_s) == ("waiting", 7200)
    mirror.refresh_from_db()
    assert mirror.next_sync_at > timezone.now() + timedelta(minutes=119)
    assert mirror.last_error.startswith("waiting for Spotify until ")
    assert SpotifyAccount.objects.get().rate_limited_until > timezone.now() + timedelta(minutes=119)
    assert ImportJob.objects.count() == 1


def test_a_playlist_no_longer_readable_stops_its_mirror(authed_client, connected, spotify_emulator):
    start(authed_client)
    mirror = PlaylistMirror.objects.get()
    make_due(mirror)
    playlist = spotify_emulator.playlists[NIGHT_DRIVE]
    playlist.owner_id = "indiefan"  # no longer the user's, and changed since
    playlist.rows.append(Row(added_at="2026-11-02T00:00:00Z", track=KID_A[3]))

    outcome = mirrors.sync_mirror(mirror_id=mirror.pk)

    assert outcome.result == "failed"
    mirror.refresh_from_db()
    assert mirror.enabled is False
    assert "only playlists you own" in mirror.last_error


def test_the_beat_task_is_cheap_when_nothing_is_due(connected, django_assert_num_queries):
    with django_assert_num_queries(1):
        tasks.sync_playlists.delay()


def test_sync_now_and_stop_through_the_api(authed_client, connected, spotify_emulator):
    start(authed_client)
    mirror = PlaylistMirror.objects.get()
    spotify_emulator.playlists[NIGHT_DRIVE].rows.append(Row(added_at="2026-11-02T00:00:00Z", track=KID_A[2]))

    synced = authed_client.post(f"/api/v1/spotify/mirrors/{mirror.pk}/sync")

    assert synced.status_code == 202
    assert PlaylistMirror.objects.get().last_added == 1
    stopped = authed_client.delete(f"/api/v1/spotify/mirrors/{mirror.pk}")
    assert stopped.status_code == 204
    assert PlaylistMirror.objects.count() == 0
    assert ImportJob.objects.count() == 2


@pytest.mark.parametrize("rows", [1, 4])
def test_mirror_list_is_a_fixed_number_of_queries(authed_client, connected, django_assert_num_queries, rows):
    PlaylistMirror.objects.bulk_create(
        [PlaylistMirror(account=connected, playlist_id=sid(f"playlist:{n}"), name=f"List {n}") for n in range(rows)]
    )
    authed_client.get("/api/v1/spotify/mirrors")

    with django_assert_num_queries(3):  # API key, count, page
        response = authed_client.get("/api/v1/spotify/mirrors")

    assert [m["name"] for m in response.json()["results"]] == [f"List {n}" for n in range(rows)]


def test_spotify_page_shows_mirrors_with_removed_titles(logged_in, connected):
    PlaylistMirror.objects.create(
        account=connected, playlist_id=NIGHT_DRIVE, name="Night Drive", last_synced_at=timezone.now(), last_added=2,
        last_removed=1, removed_tracks=[{"artist": "Daft Punk", "title": "Digital Love", "spotify_id": "",
                                         "position": 5}],
    )  # fmt: skip

    page = logged_in.get("/spotify/").content.decode()

    assert "<li>Daft Punk – Digital Love</li>" in page
    assert "Sync now" in page
    assert "Stop mirroring" in page
