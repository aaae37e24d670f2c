"""The search side against the emulator: the throttle, pauses for a logged-out slskd or a suspected ban, the
manual search and pick, and explain_pick."""

from __future__ import annotations

import io
import json
import threading
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from emulators.slskd import Scenario
from library import runtime
from library.models import Download
from library.services import wants
from matching import throttle
from matching.models import SearchPause, SearchSlot
from matching.services import poll_searches
from tests.library.acquisition import connect, drive, fast_timers, flac, mp3, peer

JOY = "@@qzmfp\\Music\\Joy Division\\Substance (1988)\\07 - Love Will Tear Us Apart.flac"


@pytest.mark.django_db
def test_throttle_never_exceeds_the_budget_and_says_how_long_to_wait(settings):
    settings.REDIS_URL = ""  # the database ledger of the embedded default
    runtime.set_value("search.budget", 3, by="t")
    runtime.set_value("search.window_s", 60, by="t")

    waits = [throttle.acquire_search_slot() for _ in range(5)]

    assert waits[:3] == [0.0, 0.0, 0.0]
    assert 59 < waits[3] <= 60
    assert throttle.slots_used() == 3


@pytest.mark.django_db
def test_throttle_frees_slots_as_the_window_moves_on(settings):
    settings.REDIS_URL = ""
    runtime.set_value("search.budget", 1, by="t")
    runtime.set_value("search.window_s", 60, by="t")
    throttle.acquire_search_slot()
    SearchSlot.objects.update(taken_at=timezone.now() - timedelta(seconds=61))

    assert throttle.acquire_search_slot() == 0.0


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_redis_throttle_holds_across_concurrent_workers(settings):
    runtime.set_value("search.budget", 7, by="t")  # committed, so every thread's connection sees it
    results: list[float] = []

    def take() -> None:
        results.append(throttle.acquire_search_slot())

    threads = [threading.Thread(target=take) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(results).count(0.0) == 7
    assert all(wait > 200 for wait in results if wait)


@pytest.mark.django_db(transaction=True)
def test_logged_out_slskd_pauses_searching_and_ready_says_so(settings, emulator, api_client):
    fast_timers()
    slskd = connect(settings, emulator, Scenario(peers=[peer("p", flac(JOY, 203))]))
    slskd.emulator.set_logged_in(False)
    download = wants.want_track(artist="Joy Division", title="Love Will Tear Us Apart").download

    poll_searches()

    pause = throttle.current_pause()
    assert pause is not None
    assert pause.reason == "logged_out"
    assert Download.objects.get(pk=download.pk).status == Download.Status.WANTED
    assert slskd.emulator.searches_created == 0
    response = api_client.get("/api/v1/ready")
    assert response.status_code == 503
    assert sorted(response.json()["error"]["meta"]["failed"]) == ["searching", "slskd"]


@pytest.mark.django_db(transaction=True)
def test_a_run_of_empty_searches_looks_like_a_ban_and_pauses_searching(settings, emulator):
    fast_timers()
    runtime.set_value("acquisition.max_retries", 0, by="t")
    scenario = Scenario(peers=[peer("p", flac(JOY, 203))], ban_after=1, ban_window_s=600)
    connect(settings, emulator, scenario)
    titles = ["Atmosphere", "Transmission", "Isolation", "Disorder", "Shadowplay", "Dead Souls", "Digital"]
    ids = [wants.want_track(artist="Joy Division", title=title).download.pk for title in titles]

    drive(*ids, timeout=10)

    pause = throttle.current_pause()
    assert pause is not None
    assert pause.reason == "suspected_ban"
    assert "in a row found nothing" in pause.detail
    assert Download.objects.filter(pk__in=ids, status=Download.Status.WANTED).exists()


@pytest.mark.django_db(transaction=True)
def test_manual_search_ranks_and_rejects_and_pick_downloads(settings, emulator, authed_client):
    fast_timers()
    live = "Shared\\Joy Division\\Live\\1980-05-02 Birmingham\\Love Will Tear Us Apart.mp3"
    connect(settings, emulator, Scenario(peers=[peer("good", flac(JOY, 203)), peer("taper", mp3(live, 221))]))

    started = authed_client.post(
        "/api/v1/soulseek/searches/",
        {"artist": "Joy Division", "title": "Love Will Tear Us Apart", "duration_s": 204},
        format="json",
    )
    search_id = started.json()["id"]
    body = started.json()
    for _ in range(200):
        body = authed_client.get(f"/api/v1/soulseek/searches/{search_id}/").json()
        if body["status"] != "running":
            break

    assert started.status_code == 202
    assert body["status"] == "completed"
    assert [(r["username"], r["filename"]) for r in body["ranked"]] == [("good", JOY)]
    (rejected,) = body["rejected"]
    assert rejected["username"] == "taper"
    assert "version_mismatch" in rejected["reasons"]

    picked = authed_client.post(
        f"/api/v1/soulseek/searches/{search_id}/pick/", {"username": "good", "filename": JOY}, format="json"
    )
    assert picked.status_code == 201
    (download,) = drive(picked.json()["id"])
    assert download.status == Download.Status.COMPLETED
    assert download.candidates.get(rank=0).breakdown == {"picked_by": "a person"}


@pytest.mark.django_db
def test_manual_search_while_paused_is_a_conflict(settings, authed_client):
    settings.SLSKD_URL = "http://127.0.0.1:9"
    throttle.pause_searching(reason="suspected_ban", detail="quiet", seconds=60)

    response = authed_client.post("/api/v1/soulseek/searches/", {"artist": "Air", "title": "Playground Love"},
                                  format="json")  # fmt: skip

    assert response.status_code == 409
    assert response.json()["error"]["meta"] == {"reason": "suspected_ban"}
    assert SearchPause.objects.count() == 1


def _explain(tmp_path, document) -> dict:
    path = tmp_path / "case.json"
    path.write_text(json.dumps(document))
    out = io.StringIO()
    call_command("explain_pick", str(path), "--default-policy", stdout=out)
    return json.loads(out.getvalue())


def test_explain_pick_prints_pick_ranked_and_rejected(tmp_path):
    document = {
        "wanted": {"artist": "Joy Division", "title": "Love Will Tear Us Apart", "duration_s": 204},
        "responses": [
            {"username": "good", "hasFreeUploadSlot": True, "queueLength": 0, "uploadSpeed": 1000000, "files": [
                {"filename": JOY, "size": 26_000_000, "length": 203, "bitDepth": 16, "sampleRate": 44100,
                 "extension": ""}]},
            {"username": "cover", "hasFreeUploadSlot": True, "queueLength": 0, "uploadSpeed": 1000000, "files": [
                {"filename": "D:\\MP3\\Love Will Tear Us Apart - Joy Division (Paul Young cover).mp3",
                 "size": 8_160_000, "length": 204, "bitRate": 320}]},
        ],
    }  # fmt: skip

    result = _explain(tmp_path, document)

    assert result["pick"] == {"username": "good", "filename": JOY}
    assert [r["username"] for r in result["ranked"]] == ["good"]
    assert result["ranked"][0]["score"] > 0
    assert result["rejected"][0]["username"] == "cover"
    assert "version_mismatch" in result["rejected"][0]["reasons"]


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ({"responses": []}, "wanted: expected an object"),
        ({"wanted": {"artist": "A"}, "responses": []}, "wanted.title: required"),
        ({"wanted": {"artist": "A", "title": "B", "duration_s": "long"}, "responses": []}, "wanted.duration_s"),
        ({"wanted": {"artist": "A", "title": "B"}, "responses": {}}, "responses: expected a list"),
    ],
)
def test_explain_pick_names_the_bad_field(tmp_path, document, message):
    with pytest.raises(CommandError, match=message):
        _explain(tmp_path, document)


def test_explain_pick_refuses_what_is_not_json(tmp_path):
    path = tmp_path / "x.json"
    path.write_bytes(b"\xff\xfe not json")

    with pytest.raises(CommandError, match="file: not valid UTF-8 JSON"):
        call_command("explain_pick", str(path))


@pytest.mark.django_db(transaction=True)
def test_fetch_command_runs_one_track_end_to_end(settings, emulator):
    fast_timers()
    connect(settings, emulator, Scenario(peers=[peer("good", flac(JOY, 203))]))
    out = io.StringIO()

    call_command("fetch", "Joy Division - Love Will Tear Us Apart", "--duration", "204", "--interval", "0.05",
                 stdout=out)  # fmt: skip

    lines = out.getvalue().splitlines()
    assert lines[0].startswith("wanted: Joy Division – Love Will Tear Us Apart")
    assert lines[1:-1], "progress lines between the want and the end"
    assert lines[-1] == "completed: Substance (1988)/07 - Love Will Tear Us Apart.flac"


def test_fetch_needs_artist_and_title(settings):
    settings.SLSKD_URL = "http://127.0.0.1:9"
    with pytest.raises(CommandError, match='track: expected "Artist - Title"'):
        call_command("fetch", "just a title")


@pytest.mark.django_db
def test_manual_search_with_nothing_searchable_is_a_clear_400(settings, authed_client):
    settings.SLSKD_URL = "http://127.0.0.1:9"

    response = authed_client.post("/api/v1/soulseek/searches/", {"artist": "A", "title": "B"}, format="json")

    assert response.status_code == 400
    assert response.json()["error"]["message"].startswith("query: nothing searchable")


@pytest.mark.django_db(transaction=True)
def test_a_track_with_nothing_searchable_fails_with_that_reason(settings, emulator):
    fast_timers()
    connect(settings, emulator, Scenario(peers=[]))
    download = wants.want_track(artist="X", title="Y").download

    poll_searches()

    download.refresh_from_db()
    assert download.status == Download.Status.FAILED
    assert download.error_detail.startswith("nothing searchable")


@pytest.mark.django_db(transaction=True)
def test_soulseek_status_reports_login_version_budget_and_pause(settings, emulator, authed_client):
    runtime.set_value("search.budget", 30, by="t")
    slskd = connect(settings, emulator, Scenario(peers=[]), version="0.25.1")
    throttle.acquire_search_slot()

    status = authed_client.get("/api/v1/soulseek/status").json()
    slskd.emulator.set_logged_in(False)
    throttle.pause_searching(reason="logged_out", detail="slskd is not logged in", seconds=60)
    paused = authed_client.get("/api/v1/soulseek/status").json()

    assert (status["reachable"], status["logged_in"], status["version"]) == (True, True, "0.25.1.0")
    assert status["search"]["used"] == 1
    assert status["search"]["budget"] == 30
    assert status["search"]["paused"] is False
    assert paused["logged_in"] is False
    assert (paused["search"]["paused"], paused["search"]["pause_reason"]) == (True, "logged_out")


@pytest.mark.django_db
def test_soulseek_status_when_slskd_is_not_configured(settings, authed_client):
    settings.SLSKD_URL = ""

    status = authed_client.get("/api/v1/soulseek/status").json()

    assert status["configured"] is False
    assert "reachable" not in status
