"""A wanted track through search, pick, transfer and verification, against the slskd emulator over real HTTP."""

from __future__ import annotations

import mutagen
import pytest
from django.db import IntegrityError

from emulators.slskd import Scenario
from library.models import Download, DownloadAttempt, Track
from library.services import wants
from matching.models import Candidate, PeerStat, Search
from tests.library.acquisition import connect, drive, fast_timers, flac, mp3, peer

pytestmark = pytest.mark.django_db(transaction=True)

JOY = ("Joy Division", "Love Will Tear Us Apart", "Substance", 204)
GOOD_FLAC = "@@qzmfp\\Music\\Joy Division\\Substance (1988)\\07 - Love Will Tear Us Apart.flac"


def want(artist="Joy Division", title="Love Will Tear Us Apart", album="", duration=204.0) -> Download:
    result = wants.want_track(artist=artist, title=title, album=album, duration_s=duration)
    assert result.download is not None
    return result.download


@pytest.fixture
def timers(db):
    fast_timers()


def test_good_peer_ends_completed_with_the_right_file_and_trail(settings, emulator, timers):
    # A slow peer at this scale keeps InProgress long enough for the poller to see it.
    slskd = connect(settings, emulator, Scenario(peers=[peer("qzmfp", flac(GOOD_FLAC, 203), behaviour="slow")]),
                    time_scale=0.01)  # fmt: skip

    (download,) = drive(want().pk)

    assert download.status == Download.Status.COMPLETED
    assert download.local_path == "Substance (1988)/07 - Love Will Tear Us Apart.flac"
    path = slskd.downloads / download.local_path
    audio = mutagen.File(path)
    assert type(audio).__name__ == "FLAC"
    assert abs(audio.info.length - 203) < 1
    assert download.file_format == "flac"
    (attempt,) = download.attempts.all()
    assert attempt.outcome == DownloadAttempt.Outcome.SUCCEEDED
    trail = [step["state"] for step in attempt.state_trail]
    assert trail[-1] == "Completed, Succeeded"
    assert "InProgress" in trail
    assert download.track.status == Track.Status.OWNED


def test_only_wrong_versions_ends_failed_with_reasons_and_nothing_downloaded(settings, emulator, timers):
    runtime_rounds = 0
    from library import runtime

    runtime.set_value("acquisition.max_retries", runtime_rounds, by="tests")
    slskd = connect(settings, emulator, Scenario(peers=[
        peer("taper", mp3("Shared\\Joy Division\\Live\\1980-05-02 Birmingham\\Love Will Tear Us Apart.mp3", 221)),
        peer("karaoke", mp3("D:\\MP3\\Karaoke Hits\\Joy Division - Love Will Tear Us Apart (Karaoke).mp3", 204)),
        peer("remixer", mp3("Music\\Joy Division\\Love Will Tear Us Apart (Remix).mp3", 204)),
    ]))  # fmt: skip

    (download,) = drive(want().pk)

    assert download.status == Download.Status.DEAD_LETTER
    assert download.error_code == Download.ErrorCode.NO_ELIGIBLE
    assert "version_mismatch" in download.error_detail
    assert slskd.emulator.transfers == []
    reasons = {c.username: c.reasons for c in Candidate.objects.filter(download=download, rank__isnull=True)}
    assert "version_mismatch" in reasons["karaoke"]
    assert "version_mismatch" in reasons["taper"]
    assert not any(slskd.downloads.rglob("*.mp3"))


@pytest.mark.parametrize(
    ("behaviour", "outcome"),
    [
        ("reject", DownloadAttempt.Outcome.REJECTED),
        ("offline", DownloadAttempt.Outcome.OFFLINE),
        ("queued_forever", DownloadAttempt.Outcome.QUEUE_TIMEOUT),
        ("long_queue", DownloadAttempt.Outcome.QUEUE_TIMEOUT),
        ("timeout", DownloadAttempt.Outcome.TIMED_OUT),
        ("error_midway", DownloadAttempt.Outcome.ERRORED),
        ("size_mismatch", DownloadAttempt.Outcome.ABORTED),
    ],
)
def test_failing_peer_is_abandoned_for_the_next_candidate(settings, emulator, timers, behaviour, outcome):
    better = flac(GOOD_FLAC, 203)
    fallback = mp3("Music\\Joy Division\\Substance\\07 Love Will Tear Us Apart.mp3", 204)
    slskd = connect(settings, emulator, Scenario(peers=[
        peer("first", better, behaviour=behaviour, reject_reason="Too many files", queue_seconds=1e6),
        peer("second", fallback),
    ]), version="0.25.0")  # fmt: skip

    (download,) = drive(want().pk)

    assert download.status == Download.Status.COMPLETED
    first, second = download.attempts.order_by("id")
    assert first.username == "first"
    assert first.outcome == outcome
    assert second.username == "second"
    assert second.outcome == DownloadAttempt.Outcome.SUCCEEDED
    assert PeerStat.objects.get(username="first").failures > 0
    if outcome == DownloadAttempt.Outcome.QUEUE_TIMEOUT:
        transfer = next(t for t in slskd.emulator.transfers if t.username == "first")
        assert "Cancelled" in transfer.state  # abandoned transfers are cancelled in slskd too


def test_truncated_file_fails_verification_and_is_deleted(settings, emulator, timers):
    short = flac(GOOD_FLAC, 203, actual_length_s=60)
    good = mp3("Music\\Joy Division\\Substance\\07 Love Will Tear Us Apart.mp3", 204)
    slskd = connect(settings, emulator, Scenario(peers=[peer("liar", short), peer("honest", good)]))

    (download,) = drive(want().pk)

    assert download.status == Download.Status.COMPLETED
    first = download.attempts.order_by("id").first()
    assert first.outcome == DownloadAttempt.Outcome.VERIFY_FAILED
    assert "length" in first.failure_reason
    assert not (slskd.downloads / "Substance (1988)" / "07 - Love Will Tear Us Apart.flac").exists()


def test_below_floor_only_stays_wanted_with_reason(settings, emulator, timers):
    from library import runtime

    runtime.set_value("acquisition.max_retries", 3, by="tests")
    connect(settings, emulator, Scenario(peers=[
        peer("lofi", mp3("Music\\The Verve\\Urban Hymns\\01 Bitter Sweet Symphony.mp3", 358, bit_rate=128)),
    ]))  # fmt: skip

    (download,) = drive(want("The Verve", "Bitter Sweet Symphony", duration=358.0).pk, until=(Download.Status.FAILED,))

    assert download.status == Download.Status.FAILED
    assert download.error_code == Download.ErrorCode.BELOW_FLOOR
    assert download.attempts.count() == 0
    assert download.next_attempt_at > download.updated_at


def test_one_search_serves_an_album(settings, emulator, timers):
    folder = "@@abcde\\Music\\Daft Punk\\Discovery (2001)\\"
    slskd = connect(settings, emulator, Scenario(peers=[peer("collector",
        flac(folder + "01 - One More Time.flac", 320),
        flac(folder + "02 - Aerodynamic.flac", 212),
        flac(folder + "03 - Digital Love.flac", 301),
    )]))  # fmt: skip
    ids = [
        want("Daft Punk", title, album="Discovery", duration=length).pk
        for title, length in [("One More Time", 320), ("Aerodynamic", 212), ("Digital Love", 301)]
    ]

    downloads = drive(*ids)

    assert [d.status for d in downloads] == [Download.Status.COMPLETED] * 3
    assert slskd.emulator.searches_created == 1
    assert Search.objects.count() == 1


def test_never_two_live_downloads_of_one_track(db):
    first = wants.want_track(artist="Joy Division", title="Love Will Tear Us Apart")
    again = wants.want_track(artist="joy division", title="Love Will Tear Us Apart (feat. Nobody)")

    assert again.outcome == "already_wanted"
    assert again.download.pk == first.download.pk
    with pytest.raises(IntegrityError):
        Download.objects.create(track=first.track)


def test_cancel_cancels_the_transfer_in_slskd(settings, emulator, timers):
    scenario = Scenario(peers=[peer("slowpoke", flac(GOOD_FLAC, 203), behaviour="queued_forever")])
    slskd = connect(settings, emulator, scenario)
    download = want()
    drive(download.pk, until=(Download.Status.QUEUED,))

    wants.cancel_download(download=download)

    download.refresh_from_db()
    assert download.status == Download.Status.CANCELLED
    (transfer,) = slskd.emulator.transfers
    assert "Cancelled" in transfer.state


def test_on_0_26_slskds_own_retries_run_out_before_the_next_candidate(settings, emulator, timers):
    fallback = mp3("Music\\Joy Division\\Substance\\07 Love Will Tear Us Apart.mp3", 204)
    slskd = connect(settings, emulator, Scenario(peers=[
        peer("flaky", flac(GOOD_FLAC, 203), behaviour="timeout"), peer("second", fallback),
    ]), version="0.26.0", time_scale=0.01)  # fmt: skip

    (download,) = drive(want().pk, timeout=30)

    assert download.status == Download.Status.COMPLETED
    first = download.attempts.order_by("id").first()
    assert first.outcome == DownloadAttempt.Outcome.TIMED_OUT
    flaky = next(t for t in slskd.emulator.transfers if t.username == "flaky")
    assert flaky.attempts == 3
