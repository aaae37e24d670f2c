"""The slskd emulator over real HTTP on loopback, checked against shared/contracts/slskd.md (section numbers below).

Delays run at a small time_scale; tests poll the way a client does and wait on conditions, never on fixed sleeps
for the outcome itself. Exact state sequences are checked on the transfer plan, which needs no clock.
"""

from __future__ import annotations

import argparse
import json
import re
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
import requests
from mutagen.flac import FLAC
from mutagen.mp3 import MP3, BitrateMode
from werkzeug.serving import make_server

from emulators.base import RunningEmulator
from emulators.slskd import Peer, Scenario, SharedFile, SlskdEmulator, builtin_catalogue, load_scenario
from emulators.slskd.scenario import BEHAVIOURS
from emulators.slskd.transfers import plan_transfer
from emulators.slskd.wire import flag_text

KEY = "test-api-key-0123456789"
OKC = "@@abcde\\Music\\Radiohead\\1997 - OK Computer [FLAC]"
PARANOID = f"{OKC}\\02 - Paranoid Android.flac"
AIRBAG = f"{OKC}\\01 - Airbag.flac"
MP3_PARANOID = "D:\\MP3\\Radiohead\\OK Computer\\02 Paranoid Android.mp3"
NO_SURPRISES = f"{OKC}\\10 - No Surprises.flac"
LIVE_PARANOID = "Music\\Radiohead - Live 1997\\02 Paranoid Android (Live).flac"
NAIVE_TS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}$")
UTC_TS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z$")

WALK_SUCCESS = [
    "Queued, Locally",
    "Requested",
    "Queued, Remotely",
    "Initializing",
    "InProgress",
    "Completed, Succeeded",
]


def flac(path: str, length: int = 8, **extra: Any) -> SharedFile:
    return SharedFile(path=path, format="flac", length_s=length, bit_depth=16, sample_rate=44100, **extra)


def track_for(username: str, length: int = 8) -> SharedFile:
    return flac(f"Music\\{username}\\Some Album\\01 - Track.flac", length)


def catalogue() -> Scenario:
    return Scenario(
        peers=[
            Peer("fast peer", [flac(AIRBAG, 6), flac(PARANOID, 9), flac(NO_SURPRISES, locked=True)]),
            Peer(
                "audio/phile",
                [SharedFile(MP3_PARANOID, "mp3", 9, bit_rate=320, vbr=False, hide=("extension", "length"))],
                queue_length=10,
                upload_speed=800_000,
            ),
            Peer("live_guy", [flac(LIVE_PARANOID, 10)], behaviour="slow"),
            Peer("gone", [flac("Music\\Radiohead\\OK Computer\\02 Paranoid Android.flac", 9)], behaviour="offline"),
            Peer("beatle", [flac("Music\\The Beatles\\1969 - Abbey Road\\01 - Come Together.flac", 7)]),
        ],
        blocked_terms=["beatles"],
    )


def wait_for(fetch: Callable[[], Any], done: Callable[[Any], bool], timeout: float = 8.0) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = fetch()
        if done(value):
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not reached; last value: {value}")
        time.sleep(0.003)


class Slskd:
    def __init__(self, url: str, app: SlskdEmulator) -> None:
        self.base = url
        self.url = f"{url}/api/v0"
        self.app = app
        self.http = requests.Session()
        self.http.headers.update({"X-API-Key": KEY, "Content-Type": "application/json"})

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        return self.http.get(self.url + path, timeout=10, **kwargs)

    def post(self, path: str, body: Any = None) -> requests.Response:
        return self.http.post(self.url + path, data=None if body is None else json.dumps(body), timeout=20)

    def put(self, path: str) -> requests.Response:
        return self.http.put(self.url + path, timeout=10)

    def delete(self, path: str) -> requests.Response:
        return self.http.delete(self.url + path, timeout=10)

    def start_search(self, text: str, **options: Any) -> dict:
        response = self.post("/searches", {"searchText": text, "searchTimeout": 6000, **options})
        assert response.status_code == 200, response.text
        return response.json()

    def finish(self, search_id: str) -> dict:
        return wait_for(lambda: self.get(f"/searches/{search_id}").json(), lambda s: "endedAt" in s)

    def search(self, text: str, **options: Any) -> tuple[dict, list[dict]]:
        finished = self.finish(self.start_search(text, **options)["id"])
        return finished, self.get(f"/searches/{finished['id']}/responses").json()

    def enqueue(self, username: str, *paths: str, sizes: dict[str, int] | None = None) -> requests.Response:
        files = self.app.scenario.peer(username).files if self.app.scenario.peer(username) else []
        known = {shared.path: shared.effective_size for shared in files} | (sizes or {})
        body = [{"filename": path, "size": known.get(path, 0)} for path in paths]
        return self.post(f"/transfers/downloads/{quote(username, safe='')}", body)

    def transfer_id(self, username: str, path: str) -> str:
        group = self.get(f"/transfers/downloads/{quote(username, safe='')}").json()
        return next(f["id"] for d in group["directories"] for f in d["files"] if f["filename"] == path)

    def transfer(self, transfer_id: str) -> dict:
        return self.get(f"/transfers/downloads/anyone/{transfer_id}").json()

    def settle(self, transfer_id: str) -> dict:
        return wait_for(lambda: self.transfer(transfer_id), lambda t: "Completed" in t["state"])

    def walk(self, transfer_id: str, *, stop: Callable[[dict], bool] | None = None) -> tuple[list[str], dict]:
        states: list[str] = []
        stop = stop or (lambda t: "Completed" in t["state"])

        def observe() -> dict:
            current = self.transfer(transfer_id)
            if not states or states[-1] != current["state"]:
                states.append(current["state"])
            return current

        return states, wait_for(observe, stop)

    def events(self, kind: str) -> list[dict]:
        return [event for event in self.get("/events").json() if event["type"] == kind]


@pytest.fixture
def start(tmp_path) -> Iterator[Callable[..., Slskd]]:
    """Like the `emulator` fixture, with a short shutdown poll: this file starts some eighty servers."""
    running: list[RunningEmulator] = []

    def _start(scenario: Scenario | None = None, *, version: str = "0.26.0", time_scale: float = 0.01, **kw) -> Slskd:
        app = SlskdEmulator(
            scenario or catalogue(),
            downloads_dir=tmp_path / "slskd-downloads",
            version=version,
            api_key=KEY,
            time_scale=time_scale,
            **kw,
        )
        server = make_server("127.0.0.1", 0, app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
        thread.start()
        running.append(RunningEmulator(app=app, server=server, thread=thread))
        return Slskd(running[-1].url, app)

    yield _start
    for server in running:
        server.app.close()
        server.stop()


def is_subsequence(observed: list[str], expected: list[str]) -> bool:
    remaining = iter(expected)
    return all(state in remaining for state in observed)


# §1, §2: transport and authentication


def test_health_is_anonymous_plain_text(start):
    slskd = start()

    response = requests.get(f"{slskd.base}/health", timeout=5)

    assert (response.status_code, response.text) == (200, "Healthy")


@pytest.mark.parametrize("headers", [{}, {"X-API-Key": "wrong-key-0123456789"}, {"Authorization": "Bearer nope"}])
def test_missing_or_wrong_credentials_get_an_empty_401_with_a_bearer_challenge(start, headers):
    slskd = start()

    response = requests.get(f"{slskd.url}/server", headers=headers, timeout=5)

    assert response.status_code == 401
    assert response.content == b""
    assert response.headers["WWW-Authenticate"] == "Bearer"


def test_session_login_gives_a_bearer_token_that_authenticates(start):
    slskd = start()

    bad = requests.post(f"{slskd.url}/session", json={"username": "slskd", "password": "x"}, timeout=5)
    login = requests.post(f"{slskd.url}/session", json={"username": "slskd", "password": "slskd"}, timeout=5)
    token = login.json()["token"]
    check = requests.get(f"{slskd.url}/session", headers={"Authorization": f"Bearer {token}"}, timeout=5)
    enabled = requests.get(f"{slskd.url}/session/enabled", timeout=5)

    assert (bad.status_code, bad.content) == (401, b"")
    assert login.json()["tokenType"] == "Bearer"
    assert (check.status_code, check.content) == (200, b"")
    assert enabled.json() is True
    assert slskd.get("/session").status_code == 200


def test_unknown_routes_are_empty_404s_and_routes_ignore_case(start):
    slskd = start()

    missing = slskd.get("/server/state")
    upper = slskd.get("/SERVER")
    wrong_type = slskd.http.post(f"{slskd.url}/searches", data="text", headers={"Content-Type": "text/plain"})

    assert (missing.status_code, missing.content) == (404, b"")
    assert upper.json()["isLoggedIn"] is True
    assert wrong_type.status_code == 415


# §3: application, server, options


def test_version_application_and_server_state(start):
    slskd = start(version="0.24.5")

    version = slskd.get("/application/version")
    application = slskd.get("/application").json()
    server = slskd.get("/server").json()

    assert version.text == '"0.24.5.0"'
    assert application["version"]["current"] == "0.24.5.0"
    assert server["state"] == "Connected, LoggedIn"
    assert (server["isConnected"], server["isLoggedIn"]) == (True, True)


def test_logged_out_server_refuses_searches_and_downloads_with_409(start):
    slskd = start()
    slskd.app.set_logged_in(False)

    server = slskd.get("/server").json()
    search = slskd.post("/searches", {"searchText": "radiohead"})
    enqueue = slskd.enqueue("fast peer", PARANOID)
    leftovers = slskd.get("/searches").json()

    assert server["state"] == "Disconnected"
    assert "ipEndPoint" not in server
    assert search.status_code == 409
    assert search.json().startswith("The server connection must be connected and logged in")
    assert enqueue.status_code == 409
    assert [s["state"] for s in leftovers] == ["Completed, Errored"]
    assert leftovers[0]["endedAt"] == leftovers[0]["startedAt"]

    assert slskd.put("/server").status_code == 200
    assert slskd.get("/server").json()["isLoggedIn"] is True


@pytest.mark.parametrize(("version", "attempts"), [("0.26.0", 3), ("0.25.1", None)])
def test_options_expose_the_downloads_directory_and_retry_attempts(start, tmp_path, version, attempts):
    slskd = start(version=version)

    options = slskd.get("/options").json()

    assert options["directories"]["downloads"] == str(tmp_path / "slskd-downloads")
    assert options["transfers"]["download"].get("retry", {}).get("attempts") == attempts


# §4: searches


def test_search_runs_then_completes_before_its_responses_are_written(start):
    slskd = start(time_scale=0.05)

    created = slskd.start_search("radiohead paranoid android", searchTimeout=2000)
    samples = []

    def sample() -> dict:
        search = slskd.get(f"/searches/{created['id']}?includeResponses=true").json()
        completed_early = search["isComplete"] and "endedAt" not in search
        listed = slskd.get(f"/searches/{created['id']}/responses").json() if completed_early else None
        samples.append((search, listed))
        return search

    finished = wait_for(sample, lambda s: "endedAt" in s)
    responses = slskd.get(f"/searches/{created['id']}/responses").json()

    assert (created["state"], created["responses"], "endedAt" in created) == ("InProgress", [], False)
    running = [s for s, _ in samples if s["state"] == "InProgress"]
    assert all(s["responses"] == [] for s in running)
    counts = [s["responseCount"] for s in running]
    assert counts == sorted(counts), "counts only grow while responses trickle in"
    in_window = [listed for s, listed in samples if listed is not None]
    assert in_window, "the state flips to Completed before endedAt is set"
    assert in_window[0] == []
    assert finished["state"] == "Completed, TimedOut"
    assert len(responses) == finished["responseCount"] == 4
    assert {f["filename"] for r in responses for f in r["files"]} == {PARANOID, MP3_PARANOID, LIVE_PARANOID} | {
        "Music\\Radiohead\\OK Computer\\02 Paranoid Android.flac"
    }


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("radiohead paranoid", {PARANOID, MP3_PARANOID, LIVE_PARANOID}),
        ("RADIOHEAD Paranoid -live", {PARANOID, MP3_PARANOID}),
        ("*adiohead android -flac", {MP3_PARANOID}),
        ("radio paranoid", set()),
        ("a radiohead x airbag", {AIRBAG}),
        ("ok computer airbag", {AIRBAG}),
    ],
)
def test_query_terms_follow_soulseek_semantics(start, text, expected):
    slskd = start(Scenario(peers=[peer for peer in catalogue().peers if peer.username != "gone"]))

    _, responses = slskd.search(text)

    assert {f["filename"] for r in responses for f in r["files"]} == expected


@pytest.mark.parametrize("text", ["X", "a b -cd", "  -radiohead "])
def test_a_query_without_a_usable_term_is_a_400_that_leaves_an_errored_search(start, text):
    slskd = start()

    response = slskd.post("/searches", {"searchText": text})

    assert response.status_code == 400
    assert response.json() == (
        "Search query must contain at least one non-exclusion term with length greater than 1 (Parameter 'query')"
    )
    assert [s["state"] for s in slskd.get("/searches").json()] == ["Completed, Errored"]


@pytest.mark.parametrize(
    ("version", "text"),
    [
        ("0.26.0", "The field SearchText can not be null, empty, or consist of only whitespace"),
        ("0.24.3", "SearchText may not be null or empty"),
    ],
)
def test_empty_search_text_message_depends_on_the_version(start, version, text):
    slskd = start(version=version)

    response = slskd.post("/searches", {"searchText": "  "})

    assert (response.status_code, response.json()) == (400, text)
    assert slskd.get("/searches").json() == []


def test_blocked_phrases_complete_with_nothing_and_the_wildcard_gets_around_them(start):
    slskd = start()

    blocked, blocked_responses = slskd.search("beatles come together")
    _, wildcard_responses = slskd.search("*eatles come together")

    assert (blocked["state"], blocked["responseCount"], blocked_responses) == ("Completed, TimedOut", 0, [])
    assert [r["username"] for r in wildcard_responses] == ["beatle"]


def test_too_many_searches_get_the_account_silently_banned(start):
    scenario = catalogue()
    scenario.ban_after = 3
    slskd = start(scenario)

    ids = [slskd.start_search("radiohead paranoid")["id"] for _ in range(5)]
    finished = [slskd.finish(search_id) for search_id in ids]

    assert [s["responseCount"] for s in finished] == [4, 4, 4, 0, 0]
    assert slskd.app.banned is True
    assert slskd.app.searches_created == 5


@pytest.mark.parametrize(("version", "expected"), [("0.26.0", [200, 429]), ("0.23.2", [200, 200])])
def test_overlapping_search_posts_get_429_from_0_24(start, version, expected):
    slskd = start(version=version, time_scale=1.0)  # a POST stays in flight for 100 ms
    barrier = threading.Barrier(2)
    results: list[requests.Response] = []

    def post() -> None:
        barrier.wait()
        results.append(slskd.post("/searches", {"searchText": "radiohead"}))

    threads = [threading.Thread(target=post) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(r.status_code for r in results) == expected
    if 429 in expected:
        refused = next(r for r in results if r.status_code == 429)
        assert refused.json().startswith("Only one concurrent operation is permitted")


@pytest.mark.parametrize(
    ("options", "state", "usernames"),
    [
        ({"responseLimit": 1}, "Completed, ResponseLimitReached", 1),
        ({"fileLimit": 1}, "Completed, FileLimitReached", 1),
        ({"maximumPeerQueueLength": 10}, "Completed, TimedOut", 2),  # drops the peer whose queue is 10
        ({"minimumPeerUploadSpeed": 1_000_000}, "Completed, TimedOut", 2),  # drops the 800 kB/s peer
        ({"minimumResponseFileCount": 2}, "Completed, TimedOut", 1),  # only "fast peer" has two matches
        ({"minimumPeerUploadSpeed": 1_000_000, "filterResponses": False}, "Completed, TimedOut", 3),
    ],
)
def test_limits_and_response_filters(start, options, state, usernames):
    slskd = start(Scenario(peers=[peer for peer in catalogue().peers if peer.username != "gone"]))

    finished, responses = slskd.search("radiohead", **options)

    assert finished["state"] == state
    assert len(responses) == finished["responseCount"] == usernames


def test_put_cancels_a_running_search_and_delete_removes_it(start):
    slskd = start(time_scale=1.0)
    created = slskd.start_search("radiohead")

    stopped = slskd.put(f"/searches/{created['id']}")
    after_stop = slskd.finish(created["id"])
    deleted = slskd.delete(f"/searches/{created['id']}")

    assert (stopped.status_code, stopped.content) == (200, b"")
    assert after_stop["state"] == "Completed, Cancelled"
    assert deleted.status_code == 204
    assert slskd.get(f"/searches/{created['id']}").status_code == 404
    assert slskd.get("/searches/not-a-guid").status_code == 404
    assert slskd.post("/searches", {"id": created["id"].upper(), "searchText": "radiohead"}).status_code == 200
    assert slskd.post("/searches", {"id": created["id"], "searchText": "radiohead"}).status_code == 500


def test_responses_carry_locked_files_and_only_the_attributes_peers_send(start):
    slskd = start()

    _, responses = slskd.search("radiohead ok computer")

    by_user = {r["username"]: r for r in responses}
    fast = by_user["fast peer"]
    assert (fast["fileCount"], fast["lockedFileCount"]) == (2, 1)
    assert [f["filename"] for f in fast["lockedFiles"]] == [NO_SURPRISES]
    assert fast["files"][0] == {
        "bitDepth": 16,
        "code": 1,
        "extension": "flac",
        "filename": AIRBAG,
        "isLocked": False,
        "length": 6,
        "sampleRate": 44100,
        "size": SharedFile(AIRBAG, "flac", 6, bit_depth=16, sample_rate=44100).effective_size,
    }
    mp3 = by_user["audio/phile"]["files"][0]
    assert (mp3["extension"], "length" in mp3, mp3["bitRate"], mp3["isVariableBitRate"]) == ("", False, 320, False)
    assert (by_user["audio/phile"]["queueLength"], by_user["audio/phile"]["uploadSpeed"]) == (10, 800_000)


# §5: users


def test_user_status_info_and_browse(start):
    slskd = start()

    online = slskd.get("/users/fast%20peer/status").json()
    offline = slskd.get("/users/gone/status").json()
    unknown = slskd.get("/users/nobody/status").json()
    info_offline = slskd.get("/users/gone/info")
    browse = slskd.get("/users/fast%20peer/browse").json()

    assert online == {"isPrivileged": False, "presence": "Online"}
    assert offline["presence"] == unknown["presence"] == "Offline"
    assert (info_offline.status_code, info_offline.json()) == (404, "User gone appears to be offline")
    assert [d["name"] for d in browse["directories"]] == [OKC]
    assert [f["filename"] for f in browse["directories"][0]["files"]] == [
        "01 - Airbag.flac",
        "02 - Paranoid Android.flac",
    ]
    assert browse["directories"][0]["files"][0]["attributes"] == [
        {"type": "Length", "value": 6},
        {"type": "SampleRate", "value": 44100},
        {"type": "BitDepth", "value": 16},
    ]
    assert browse["lockedDirectoryCount"] == 1


@pytest.mark.parametrize(("version", "is_list"), [("0.22.2", False), ("0.22.3", True), ("0.26.0", True)])
def test_directory_listing_is_one_object_before_0_22_3_and_a_list_after(start, version, is_list):
    slskd = start(version=version)

    response = slskd.post("/users/fast%20peer/directory", {"directory": OKC})
    missing = slskd.post("/users/fast%20peer/directory", {})

    body = response.json()
    listing = body[0] if is_list else body
    assert isinstance(body, list) is is_list
    assert (listing["name"], listing["fileCount"]) == (OKC, 2)
    assert [f["filename"] for f in listing["files"]] == ["01 - Airbag.flac", "02 - Paranoid Android.flac"]
    assert missing.status_code == 400


# §6: transfers


@pytest.mark.parametrize(
    ("behaviour", "expected"),
    [
        ("fast", WALK_SUCCESS),
        ("slow", WALK_SUCCESS),
        ("long_queue", WALK_SUCCESS),
        ("queued_forever", ["Queued, Locally", "Requested", "Queued, Remotely"]),
        ("reject", ["Queued, Locally", "Requested", "Completed, Rejected"]),
        ("timeout", ["Queued, Locally", "Requested", "Completed, TimedOut"]),
        ("error_midway", [*WALK_SUCCESS[:-1], "Completed, Errored"]),
        ("size_mismatch", [*WALK_SUCCESS[:-2], "Completed, Aborted"]),
    ],
)
def test_each_behaviour_plans_its_state_walk(behaviour, expected):
    peer = Peer("p", [track_for("p")], behaviour=behaviour)
    shared = peer.files[0]

    phases, succeeds_at = plan_transfer(
        peer=peer, shared=shared, requested_size=shared.effective_size, start=0.0, time_scale=1.0, max_attempts=1
    )

    assert [flag_text(phase.state) for phase in phases] == expected
    assert (succeeds_at is not None) is (expected[-1] == "Completed, Succeeded")


REFUSED = ["Queued, Locally", "Requested"]


@pytest.mark.parametrize(
    ("behaviour", "walk", "exception"),
    [
        ("fast", WALK_SUCCESS, None),
        ("slow", WALK_SUCCESS, None),
        ("long_queue", WALK_SUCCESS, None),
        ("reject", [*REFUSED, "Completed, Rejected"], "Transfer rejected: Banned"),
        ("timeout", [*REFUSED, "Completed, TimedOut"], "Operation timed out"),
        ("error_midway", [*WALK_SUCCESS[:-1], "Completed, Errored"], "Remote connection closed"),
        ("size_mismatch", [*WALK_SUCCESS[:-2], "Completed, Aborted"], "Transfer aborted: the remote size of "),
    ],
)
def test_each_behaviour_walks_over_http(start, behaviour, walk, exception):
    peer = Peer("p", [track_for("p")], behaviour=behaviour, reject_reason="Banned", upload_speed=1_000_000)
    slskd = start(Scenario(peers=[peer]), version="0.25.1", time_scale=0.03)
    transfer_id = slskd.enqueue("p", peer.files[0].path).json()["enqueued"][0]["id"]

    states, last = slskd.walk(transfer_id)

    # Polling may miss a short phase, never reorder them.
    assert is_subsequence(states, walk), states
    assert states[-1] == walk[-1]
    assert last["attempts"] == 0, "0.25 counts no attempts"
    if exception is None:
        assert "exception" not in last
    else:
        assert last["exception"].startswith(exception)
        assert last["startedAt"] <= last["endedAt"]
    if behaviour == "long_queue":
        assert "Queued, Remotely" in states
    if behaviour == "error_midway":
        assert 0 < last["bytesTransferred"] < last["size"]


def test_queued_forever_stays_remotely_queued_and_reports_its_place(start):
    peer = Peer("p", [track_for("p")], behaviour="queued_forever", queue_length=312)
    slskd = start(Scenario(peers=[peer]))
    transfer_id = slskd.enqueue("p", peer.files[0].path).json()["enqueued"][0]["id"]

    wait_for(lambda: slskd.transfer(transfer_id), lambda t: t["state"] == "Queued, Remotely")
    time.sleep(0.3)  # ten times the whole fast walk at this time scale
    position = slskd.get(f"/transfers/downloads/p/{transfer_id}/position")
    later = slskd.transfer(transfer_id)

    assert later["state"] == "Queued, Remotely"
    assert position.json() == later["placeInQueue"] == 312
    assert "endedAt" not in later


def test_progress_fields_while_bytes_flow(start):
    peer = Peer("p", [track_for("p", length=60)], behaviour="slow")
    slskd = start(Scenario(peers=[peer]), time_scale=0.02)
    transfer_id = slskd.enqueue("p", peer.files[0].path).json()["enqueued"][0]["id"]

    flowing = wait_for(
        lambda: slskd.transfer(transfer_id), lambda t: t["state"] == "InProgress" and t["bytesTransferred"] > 0
    )

    assert 0 < flowing["bytesTransferred"] < flowing["size"]
    assert flowing["bytesRemaining"] == flowing["size"] - flowing["bytesTransferred"]
    assert 0 < flowing["percentComplete"] < 100
    assert flowing["averageSpeed"] > 0
    assert re.match(r"^\d\d:\d\d:\d\d\.\d{7}$", flowing["elapsedTime"])
    assert "remainingTime" in flowing
    assert "endedAt" not in flowing
    assert NAIVE_TS.match(flowing["requestedAt"])
    assert NAIVE_TS.match(flowing["enqueuedAt"])
    assert UTC_TS.match(flowing["startedAt"])


def test_success_writes_the_real_file_after_the_state_flips_and_raises_events(start, tmp_path):
    slskd = start(time_scale=0.3)  # the file lands 45 ms after Completed, Succeeded
    transfer_id = slskd.enqueue("fast peer", PARANOID).json()["enqueued"][0]["id"]
    target = tmp_path / "slskd-downloads" / "1997 - OK Computer [FLAC]" / "02 - Paranoid Android.flac"

    succeeded = wait_for(lambda: slskd.transfer(transfer_id), lambda t: "Completed" in t["state"], timeout=15)
    existed_at_flip = target.exists()
    event = wait_for(lambda: slskd.events("DownloadFileComplete"), bool)[0]

    data = json.loads(event["data"])
    assert succeeded["state"] == "Completed, Succeeded"
    assert existed_at_flip is False
    assert data["localFilename"] == str(target)
    assert data["remoteFilename"] == PARANOID
    assert data["transfer"]["state"] == "Completed, Succeeded"
    assert data["transfer"]["exception"] is None, "event payloads keep their nulls"
    assert UTC_TS.match(event["timestamp"])
    assert target.stat().st_size == succeeded["size"]
    assert FLAC(target).info.length == pytest.approx(9, abs=0.1)
    assert [(t.username, t.state, t.local_filename) for t in slskd.app.transfers] == [
        ("fast peer", "Completed, Succeeded", str(target))
    ]


def test_a_second_download_of_the_same_file_is_renamed_with_ticks(start, tmp_path):
    slskd = start()
    first = slskd.enqueue("fast peer", PARANOID).json()["enqueued"][0]["id"]
    slskd.settle(first)
    wait_for(lambda: slskd.events("DownloadFileComplete"), lambda events: len(events) == 1)

    second = slskd.enqueue("fast peer", PARANOID).json()["enqueued"][0]["id"]
    slskd.settle(second)
    events = wait_for(lambda: slskd.events("DownloadFileComplete"), lambda events: len(events) == 2)

    folder = tmp_path / "slskd-downloads" / "1997 - OK Computer [FLAC]"
    names = sorted(path.name for path in folder.iterdir())
    assert names[0] == "02 - Paranoid Android.flac"
    assert re.fullmatch(r"02 - Paranoid Android_\d{18}\.flac", names[1])
    assert json.loads(events[0]["data"])["localFilename"] == str(folder / names[1])
    listed = slskd.get("/transfers/downloads").json()
    assert [f["id"] for d in listed[0]["directories"] for f in d["files"]] == [second], "the old record is removed"


def test_directory_complete_fires_once_the_folder_is_done(start):
    slskd = start()

    enqueued = slskd.enqueue("fast peer", AIRBAG, PARANOID).json()["enqueued"]
    for transfer in enqueued:
        slskd.settle(transfer["id"])
    wait_for(lambda: slskd.events("DownloadFileComplete"), lambda events: len(events) == 2)

    directory_events = slskd.events("DownloadDirectoryComplete")
    assert len(directory_events) == 1
    assert json.loads(directory_events[0]["data"])["remoteDirectoryName"] == OKC


def test_delivered_files_have_the_length_the_peer_really_has(start, tmp_path):
    scenario = Scenario(
        peers=[
            Peer(
                "p",
                [
                    SharedFile("Music\\Cut\\01 cut.mp3", "mp3", 200, bit_rate=320, vbr=False, actual_length_s=80.0),
                    SharedFile("Music\\V0\\01 v0.mp3", "mp3", 30, bit_rate=245, vbr=True),
                    flac("Music\\Transcode\\01 fake.flac", 30, size=1_250_000),
                ],
            )
        ]
    )
    slskd = start(scenario)

    paths = [shared.path for shared in scenario.peers[0].files]
    for transfer in slskd.enqueue("p", *paths).json()["enqueued"]:
        slskd.settle(transfer["id"])
    wait_for(lambda: slskd.events("DownloadFileComplete"), lambda events: len(events) == 3)

    root = tmp_path / "slskd-downloads"
    assert MP3(root / "Cut" / "01 cut.mp3").info.length == pytest.approx(80, abs=0.1)
    assert (root / "Cut" / "01 cut.mp3").stat().st_size == scenario.peers[0].files[0].effective_size
    assert MP3(root / "V0" / "01 v0.mp3").info.bitrate_mode == BitrateMode.VBR
    assert (root / "Transcode" / "01 fake.flac").stat().st_size == 1_250_000
    assert FLAC(root / "Transcode" / "01 fake.flac").info.length == pytest.approx(30, abs=0.1)


@pytest.mark.parametrize("version", ["0.23.2", "0.24.5", "0.26.0"])
def test_enqueue_response_body_depends_on_the_version(start, version):
    peer = Peer("p", [track_for("p"), flac("Music\\p\\Some Album\\02 - Other.flac")], behaviour="queued_forever")
    slskd = start(Scenario(peers=[peer]), version=version)
    first_path, second_path = (shared.path for shared in peer.files)

    first = slskd.enqueue("p", first_path)
    state_after_first = slskd.transfer(slskd.transfer_id("p", first_path))["state"]
    again = slskd.enqueue("p", first_path, second_path)

    assert first.status_code == again.status_code == 201
    if version == "0.23.2":
        assert first.content == again.content == b""
        assert state_after_first == "Queued, Remotely", "≤ 0.23 answers once the peer has queued the file"
        return
    assert [t["filename"] for t in first.json()["enqueued"]] == [first_path]
    assert first.json()["enqueued"][0]["state"] == "Queued, Locally"
    assert [t["filename"] for t in again.json()["enqueued"]] == [second_path]
    expected_failed: list[object] = [{}] if version == "0.26.0" else [first_path]
    assert again.json()["failed"] == expected_failed


def test_enqueue_on_0_23_reports_rejections_as_one_500(start):
    slskd = start(version="0.23.1")

    response = slskd.enqueue("fast peer", f"{OKC}\\99 - Not Shared.flac", sizes={f"{OKC}\\99 - Not Shared.flac": 5})

    assert response.status_code == 500
    assert response.json() == "One or more errors occurred. (Transfer rejected: File not shared.)"


def test_enqueue_errors(start):
    slskd = start()

    offline = slskd.enqueue("gone", "Music\\Radiohead\\OK Computer\\02 Paranoid Android.flac")
    unknown_user = slskd.enqueue("nobody", "x\\y.flac")
    duplicated = slskd.enqueue("fast peer", PARANOID, PARANOID)
    empty_list = slskd.post("/transfers/downloads/fast%20peer", [])
    traversal = slskd.enqueue("fast peer", "Music\\..\\secret.flac")

    assert (offline.status_code, offline.json()) == (500, "User gone appears to be offline")
    assert unknown_user.status_code == 500
    assert (duplicated.status_code, duplicated.json()) == (
        500,
        "Two or more files in request are duplicated (Parameter 'files')",
    )
    assert (empty_list.status_code, empty_list.json()) == (400, "At least one file is required")
    assert traversal.status_code == 400
    assert slskd.app.transfers == []


def test_a_wrong_size_ends_in_aborted(start):
    slskd = start()

    transfer_id = slskd.enqueue("fast peer", PARANOID, sizes={PARANOID: 0}).json()["enqueued"][0]["id"]
    final = slskd.settle(transfer_id)

    assert final["state"] == "Completed, Aborted"
    assert final["exception"].endswith("does not match expected size 0")


def test_concurrent_enqueues_beyond_two_get_429(start):
    slskd = start(time_scale=1.0)  # each enqueue stays in flight for 100 ms
    barrier = threading.Barrier(3)
    statuses: list[int] = []

    def post(path: str) -> None:
        barrier.wait()
        statuses.append(slskd.enqueue("fast peer", path).status_code)

    paths = [AIRBAG, PARANOID, NO_SURPRISES]
    threads = [threading.Thread(target=post, args=(path,)) for path in paths]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(statuses) == [201, 201, 429]


def test_transfer_lists_lookups_and_encoded_usernames(start):
    slskd = start()
    slash_id = slskd.enqueue("audio/phile", MP3_PARANOID).json()["enqueued"][0]["id"]
    space_ids = [t["id"] for t in slskd.enqueue("fast peer", AIRBAG, PARANOID).json()["enqueued"]]

    listed = slskd.get("/transfers/downloads").json()
    slash_user = slskd.get("/transfers/downloads/audio%2Fphile")
    nobody = slskd.get("/transfers/downloads/nobody")
    by_id_any_user = slskd.get(f"/transfers/downloads/someone-else/{space_ids[1]}")
    not_a_guid = slskd.get("/transfers/downloads/fast%20peer/12345")

    assert [(u["username"], [d["directory"] for d in u["directories"]]) for u in listed] == [
        ("audio/phile", ["D:\\MP3\\Radiohead\\OK Computer"]),
        ("fast peer", [OKC]),
    ]
    assert [f["id"] for f in listed[1]["directories"][0]["files"]] == space_ids
    assert [f["id"] for f in slash_user.json()["directories"][0]["files"]] == [slash_id]
    assert (nobody.status_code, nobody.content) == (404, b"")
    assert by_id_any_user.json()["filename"] == PARANOID
    assert not_a_guid.status_code == 400
    assert slskd.get("/users/audio%2Fphile/status").json()["presence"] == "Online"


@pytest.mark.parametrize(
    ("version", "present", "absent"),
    [
        ("0.23.2", {"stateDescription", "startOffset"}, {"attempts", "removed"}),
        ("0.25.1", {"stateDescription", "startOffset", "attempts"}, {"removed"}),
        ("0.26.0", {"attempts", "removed"}, {"stateDescription", "startOffset"}),
    ],
)
def test_transfer_fields_depend_on_the_version(start, version, present, absent):
    peer = Peer("p", [track_for("p")], behaviour="queued_forever")
    slskd = start(Scenario(peers=[peer]), version=version)
    slskd.enqueue("p", peer.files[0].path)

    transfer = slskd.transfer(slskd.transfer_id("p", peer.files[0].path))

    assert present <= transfer.keys()
    assert not absent & transfer.keys()
    assert {"endedAt", "exception", "startedAt", "placeInQueue", "batchId"}.isdisjoint(transfer), "nulls are omitted"


def test_cancel_then_remove_on_0_26(start):
    peer = Peer("p", [track_for("p"), flac("Music\\p\\Some Album\\02 - Other.flac")], behaviour="queued_forever")
    slskd = start(Scenario(peers=[peer]))
    first, second = (t["id"] for t in slskd.enqueue("p", *(f.path for f in peer.files)).json()["enqueued"])

    cancelled = slskd.delete(f"/transfers/downloads/p/{first}")
    cancelled_state = slskd.transfer(first)
    removed = slskd.delete(f"/transfers/downloads/p/{first}?remove=true")
    remove_active = slskd.delete(f"/transfers/downloads/p/{second}?remove=true")
    unknown = slskd.delete("/transfers/downloads/p/00000000-0000-0000-0000-000000000000")

    visible = slskd.get("/transfers/downloads").json()[0]["directories"][0]["files"]
    everything = slskd.get("/transfers/downloads?includeRemoved=true").json()[0]["directories"][0]["files"]
    assert (cancelled.status_code, removed.status_code, remove_active.status_code, unknown.status_code) == (
        204,
        204,
        204,
        204,
    )
    assert (cancelled_state["state"], cancelled_state["exception"]) == (
        "Completed, Cancelled",
        "The operation was canceled.",
    )
    assert [(t["id"], t["state"], t["removed"]) for t in visible] == [(second, "Completed, Cancelled", False)]
    assert {(t["id"], t["removed"]) for t in everything} == {(first, True), (second, False)}


def test_remove_before_completion_fails_and_unknown_ids_are_404_before_0_24_2(start):
    peer = Peer("p", [track_for("p")], behaviour="queued_forever")
    slskd = start(Scenario(peers=[peer]), version="0.24.1")
    transfer_id = slskd.enqueue("p", peer.files[0].path).json()["enqueued"][0]["id"]

    remove_active = slskd.delete(f"/transfers/downloads/p/{transfer_id}?remove=true")
    unknown = slskd.delete("/transfers/downloads/p/00000000-0000-0000-0000-000000000000")

    assert (remove_active.status_code, remove_active.json()) == (
        500,
        "Invalid attempt to remove a download before it is complete",
    )
    assert slskd.transfer(transfer_id)["state"] == "Completed, Cancelled", "the cancel part still happened"
    assert (unknown.status_code, unknown.content) == (404, b"")


def test_remove_all_completed_hides_finished_downloads(start):
    slskd = start()
    transfer_id = slskd.enqueue("fast peer", AIRBAG).json()["enqueued"][0]["id"]
    slskd.settle(transfer_id)

    response = slskd.delete("/transfers/downloads/all/completed")

    assert response.status_code == 204
    assert slskd.get("/transfers/downloads").json() == []


@pytest.mark.parametrize(
    ("behaviour", "final"), [("timeout", "Completed, TimedOut"), ("error_midway", "Completed, Errored")]
)
def test_0_26_retries_timeouts_and_errors_up_to_three_attempts(start, behaviour, final):
    peer = Peer("p", [track_for("p")], behaviour=behaviour)
    slskd = start(Scenario(peers=[peer]))
    transfer_id = slskd.enqueue("p", peer.files[0].path).json()["enqueued"][0]["id"]
    seen: list[tuple[str, int]] = []

    def observe() -> dict:
        transfer = slskd.transfer(transfer_id)
        if not seen or seen[-1] != (transfer["state"], transfer["attempts"]):
            seen.append((transfer["state"], transfer["attempts"]))
        return transfer

    last = wait_for(observe, lambda t: t["attempts"] == 3 and t["state"] == final)
    time.sleep(0.3)  # longer than the next backoff would be at this scale: nothing more happens
    after = slskd.transfer(transfer_id)

    assert ("Queued, Locally", 1) in seen, "a failed attempt goes back to the local queue"
    assert (after["state"], after["attempts"]) == (final, 3)
    if behaviour == "error_midway":
        assert 0 < last["bytesTransferred"] < last["size"]


# §8: events


def test_events_page_newest_first_with_a_total(start):
    slskd = start()
    for path in (AIRBAG, PARANOID):
        slskd.settle(slskd.enqueue("fast peer", path).json()["enqueued"][0]["id"])
    wait_for(lambda: slskd.events("DownloadFileComplete"), lambda events: len(events) == 2)

    page = slskd.get("/events?offset=0&limit=1")
    bad_limit = slskd.get("/events?limit=0")
    bad_offset = slskd.get("/events?offset=-1")

    # Each file finished with nothing else pending from its folder, so each closed a "wave" (§8).
    assert page.headers["X-Total-Count"] == "4"
    assert [event["type"] for event in page.json()] == ["DownloadDirectoryComplete"]
    assert (bad_limit.status_code, bad_offset.status_code) == (400, 400)


def test_events_do_not_exist_before_0_22(start):
    slskd = start(version="0.21.4")

    assert slskd.get("/events").status_code == 404


# Scenario files, the built-in catalogue, the command line


def test_scenario_files_load_into_the_dataclasses(tmp_path):
    path = tmp_path / "scenario.json"
    path.write_text(
        json.dumps(
            {
                "peers": [
                    {
                        "username": "someone",
                        "behaviour": "long_queue",
                        "queue_seconds": 3,
                        "files": [{"path": "a\\b.mp3", "format": "mp3", "length_s": 10, "hide": ["bit_rate"]}],
                    }
                ],
                "blocked_terms": ["adele"],
                "ban_after": 5,
            }
        )
    )

    scenario = load_scenario(path)

    assert scenario.peers[0].files[0] == SharedFile("a\\b.mp3", "mp3", 10, hide=("bitRate",))
    assert (scenario.peers[0].behaviour, scenario.peers[0].queue_seconds) == ("long_queue", 3)
    assert (scenario.blocked_terms, scenario.ban_after) == (["adele"], 5)


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"peers": [{"username": "x", "files": [], "mood": "grumpy"}]}, "unknown keys"),
        ({"peers": [{"username": "x", "files": [], "behaviour": "sulky"}]}, "unknown behaviour"),
        (
            {"peers": [{"username": "x", "files": [{"path": "p", "format": "flac", "length_s": 1, "hide": ["x"]}]}]},
            "hide",
        ),
        ({"peers": {}}, "peers"),
    ],
)
def test_invalid_scenario_files_are_refused_with_a_reason(tmp_path, data, error):
    path = tmp_path / "scenario.json"
    path.write_text(json.dumps(data))

    with pytest.raises(ValueError, match=error):
        load_scenario(path)


def test_builtin_catalogue_has_the_variety_a_downloader_meets():
    scenario = builtin_catalogue()

    files = [shared for peer in scenario.peers for shared in peer.files]
    artists = {shared.tags["artist"] for shared in files if shared.tags}
    assert len(scenario.peers) >= 15
    assert len(artists) >= 10
    assert {peer.behaviour for peer in scenario.peers} == BEHAVIOURS
    assert any(shared.path.startswith("@@") for shared in files)
    assert any(re.match(r"^[A-Z]:\\", shared.path) for shared in files)
    assert any(shared.path.startswith("Music\\") for shared in files)
    assert any(shared.locked for shared in files)
    assert any(shared.actual_length_s for shared in files)
    assert any("(Live)" in shared.path or "Live" in shared.path for shared in files)
    assert any("Karaoke" in shared.path for shared in files)
    assert any("Remix" in shared.path for shared in files)
    transcodes = [s for s in files if s.format == "flac" and s.effective_size * 8 / s.length_s < 400_000]
    assert transcodes
    assert {shared.format for shared in files} >= {"flac", "mp3"}
    assert "beatles" in scenario.blocked_terms


def test_the_demo_catalogue_searches_and_delivers_end_to_end(start, tmp_path):
    slskd = start(builtin_catalogue())

    _, responses = slskd.search("radiohead karma police")
    clean = next(r for r in responses if r["username"] == "vinyl_junkie_77")
    wanted = clean["files"][0]
    transfer_id = slskd.post("/transfers/downloads/vinyl_junkie_77", [wanted]).json()["enqueued"][0]["id"]
    slskd.settle(transfer_id)
    event = wait_for(lambda: slskd.events("DownloadFileComplete"), bool)[0]

    local = Path(json.loads(event["data"])["localFilename"])
    assert {r["username"] for r in responses} >= {"vinyl_junkie_77", "karaoke_king", "live_bootlegs"}
    assert local.parent.name == "1997 - OK Computer [FLAC]"
    assert local.stat().st_size == wanted["size"]
    assert FLAC(local).info.length == pytest.approx(wanted["length"], abs=0.1)
    assert FLAC(local)["artist"] == ["Radiohead"]


def test_registry_builds_the_emulator_from_command_line_arguments(tmp_path, monkeypatch):
    from emulators.__main__ import _service_parser
    from emulators.registry import SERVICES

    service = SERVICES["slskd"]
    scenario_file = tmp_path / "s.json"
    scenario_file.write_text(json.dumps({"peers": [{"username": "solo", "files": []}]}))
    monkeypatch.setenv("HARMONY_DOWNLOADS_DIR", str(tmp_path / "from-env"))
    parser = _service_parser(service, argparse.ArgumentParser())

    configured = service.build(
        parser.parse_args(
            ["--scenario", str(scenario_file), "--version", "0.24.1", "--api-key", KEY, "--time-scale", "0.5"]
        )
    )
    defaults = service.build(parser.parse_args([]))

    assert (configured.version, configured.api_key, configured.time_scale) == ((0, 24, 1), KEY, 0.5)
    assert [peer.username for peer in configured.scenario.peers] == ["solo"]
    assert configured.downloads_dir == defaults.downloads_dir == tmp_path / "from-env"
    assert len(defaults.scenario.peers) >= 15
    assert service.demo is True
    assert service.configured_by == ("SLSKD_URL",)
    assert service.demo_env == {"SLSKD_URL": "{url}", "SLSKD_API_KEY": defaults.api_key}
