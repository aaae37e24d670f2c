"""The downloads API, the dead-letter queue and runtime settings, through HTTP."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from library import runtime
from library.models import Download, DownloadAttempt, RuntimeSettingChange, Track
from library.services import wants

pytestmark = pytest.mark.django_db


def make(artist: str, title: str, status: str = Download.Status.WANTED, **fields) -> Download:
    download = wants.want_track(artist=artist, title=title).download
    assert download is not None
    Download.objects.filter(pk=download.pk).update(status=status, **fields)
    download.refresh_from_db()
    return download


def test_post_wants_a_track_once(authed_client):
    first = authed_client.post("/api/v1/downloads/", {"artist": "Outkast", "title": "Hey Ya!"}, format="json")
    again = authed_client.post("/api/v1/downloads/", {"artist": "OutKast", "title": "Hey Ya"}, format="json")

    assert first.status_code == 201
    assert first.json()["outcome"] == "created"
    assert first.json()["track"]["title"] == "Hey Ya!"
    assert again.status_code == 200
    assert again.json()["outcome"] == "already_wanted"
    assert again.json()["id"] == first.json()["id"]
    assert Track.objects.count() == 1


def test_post_with_a_bad_field_names_it(authed_client):
    response = authed_client.post("/api/v1/downloads/", {"artist": "A", "title": "", "isrc": "x"}, format="json")

    assert response.status_code == 400
    assert response.json()["error"]["message"].startswith("title: ")
    assert set(response.json()["error"]["meta"]["fields"]) == {"title", "isrc"}


def test_list_filters_by_status_peer_date_and_text(authed_client):
    failed = make("Joy Division", "Atmosphere", Download.Status.FAILED)
    make("Joy Division", "Transmission", Download.Status.COMPLETED)
    old = make("Radiohead", "Airbag", created_at=timezone.now() - timedelta(days=30))
    DownloadAttempt.objects.create(download=failed, username="peer one", filename="x\\a.flac", size=1)

    def ids(query: str) -> list[int]:
        return [item["id"] for item in authed_client.get(f"/api/v1/downloads/?{query}").json()["results"]]

    assert ids("status=failed") == [failed.pk]
    assert ids("peer=peer%20one") == [failed.pk]
    assert ids("q=joy%20atmos") == [failed.pk]
    assert old.pk not in ids(f"created_after={(timezone.now() - timedelta(days=1)).isoformat().replace('+', '%2B')}")
    assert len(ids("status=failed&status=completed")) == 2


def test_list_is_a_fixed_number_of_queries(authed_client, django_assert_num_queries):
    make("A", "One")
    authed_client.get("/api/v1/downloads/")
    with django_assert_num_queries(4):
        authed_client.get("/api/v1/downloads/")
    for n in range(6):
        d = make("Artist", f"Song {n}", Download.Status.DOWNLOADING)
        DownloadAttempt.objects.create(download=d, username="p", filename=f"f{n}.flac", size=100, bytes_transferred=40)
    with django_assert_num_queries(4):
        response = authed_client.get("/api/v1/downloads/")
    downloading = [item for item in response.json()["results"] if item["status"] == "downloading"]
    assert len(downloading) == 6
    assert downloading[0]["progress"] == 40.0
    assert downloading[0]["current_attempt"]["username"] == "p"


def test_detail_has_attempts_and_candidates(authed_client):
    download = make("A", "One", Download.Status.FAILED)
    DownloadAttempt.objects.create(download=download, username="p", filename="f.flac", size=1, outcome="rejected",
                                   failure_reason="Transfer rejected: File not shared.")  # fmt: skip

    body = authed_client.get(f"/api/v1/downloads/{download.pk}/").json()

    assert body["attempts"][0]["failure_reason"] == "Transfer rejected: File not shared."
    assert body["candidates"] == []


def test_retry_resets_a_failed_download(authed_client):
    download = make("A", "One", Download.Status.FAILED, retry_count=3, error_code="no_eligible")

    response = authed_client.post(f"/api/v1/downloads/{download.pk}/retry/")

    assert response.status_code == 200
    assert response.json()["status"] == "wanted"
    assert response.json()["retry_count"] == 0
    assert response.json()["error_code"] == ""


def test_retry_of_a_running_download_is_a_conflict(authed_client):
    download = make("A", "One", Download.Status.DOWNLOADING)

    response = authed_client.post(f"/api/v1/downloads/{download.pk}/retry/")

    assert response.status_code == 409
    assert response.json()["error"]["meta"] == {"status": "downloading"}


def test_cancel_then_want_again_makes_a_new_download(authed_client):
    download = make("A", "One")

    cancelled = authed_client.post(f"/api/v1/downloads/{download.pk}/cancel/")
    again = authed_client.post("/api/v1/downloads/", {"artist": "A", "title": "One"}, format="json")

    assert cancelled.json()["status"] == "cancelled"
    assert again.status_code == 201
    assert again.json()["id"] != download.pk


def test_priority_action_validates(authed_client):
    download = make("A", "One")

    ok = authed_client.post(f"/api/v1/downloads/{download.pk}/priority/", {"priority": 10}, format="json")
    bad = authed_client.post(f"/api/v1/downloads/{download.pk}/priority/", {"priority": 1000}, format="json")

    assert ok.json()["priority"] == 10
    assert bad.status_code == 400
    assert bad.json()["error"]["message"].startswith("priority: ")


def test_dead_letter_queue_list_stats_requeue_and_purge(authed_client):
    one = make("A", "One", Download.Status.DEAD_LETTER, error_code="no_eligible")
    two = make("A", "Two", Download.Status.DEAD_LETTER, error_code="not_found")
    make("A", "Three", Download.Status.FAILED)

    listed = authed_client.get("/api/v1/dlq/").json()
    stats = authed_client.get("/api/v1/dlq/stats/").json()
    requeued = authed_client.post("/api/v1/dlq/requeue/", {"ids": [one.pk]}, format="json").json()
    purged = authed_client.post("/api/v1/dlq/purge/", {}, format="json").json()

    assert [item["id"] for item in listed["results"]] == [one.pk, two.pk]
    assert stats["total"] == 2
    assert stats["by_error_code"] == {"no_eligible": 1, "not_found": 1}
    assert requeued == {"requeued": 1}
    assert purged == {"purged": 1}
    assert Download.objects.get(pk=one.pk).status == Download.Status.WANTED
    assert not Download.objects.filter(pk=two.pk).exists()
    assert Track.objects.get(title="Two").status == Track.Status.IGNORED


def test_runtime_settings_patch_validates_all_before_writing(authed_client, user):
    bad = authed_client.patch(
        "/api/v1/settings/", {"quality.floor_kbps": 256, "quality.ladder": ["lossless", "vinyl"]}, format="json"
    )
    good = authed_client.patch(
        "/api/v1/settings/", {"quality.floor_kbps": 256, "matching.banned_users": ["leech"]}, format="json"
    )

    assert bad.status_code == 400
    assert bad.json()["error"]["message"].startswith("quality.ladder: ")
    assert good.status_code == 200
    values = {row["key"]: row["value"] for row in good.json()}
    assert values["quality.floor_kbps"] == 256
    assert values["matching.banned_users"] == ["leech"]
    assert runtime.get("quality.floor_kbps") == 256
    change = RuntimeSettingChange.objects.get(key="quality.floor_kbps")
    assert (change.old_value, change.new_value, change.changed_by) == (None, 256, user.username)


def test_runtime_setting_null_restores_the_default(authed_client):
    runtime.set_value("quality.floor_kbps", 320, by="x")

    authed_client.patch("/api/v1/settings/", {"quality.floor_kbps": None}, format="json")

    assert runtime.get("quality.floor_kbps") == 192


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("nope", 1, "nope: unknown setting"),
        ("quality.floor_kbps", "192", "quality.floor_kbps: expected int, got str"),
        ("quality.floor_kbps", True, "quality.floor_kbps: expected int, got bool"),
        ("quality.floor_kbps", -1, "quality.floor_kbps: must be at least 0"),
        ("matching.banned_users", [1], "matching.banned_users: every item must be a string"),
        ("quality.ladder", [], "quality.ladder: a non-empty ordering"),
    ],
)
def test_runtime_setting_errors_name_the_key(key, value, message):
    from harmony.errors import ValidationFailed

    with pytest.raises(ValidationFailed) as caught:
        runtime.validate(key, value)
    assert caught.value.message.startswith(message)
