"""The slskd client: parsing rules as tables, HTTP behaviour against a scripted server that answers exactly what the
contract says slskd answers (shared/contracts/slskd.md), and whole flows against the slskd emulator."""

from __future__ import annotations

import json
import logging
import socket
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from werkzeug.routing import Rule
from werkzeug.wrappers import Request, Response

from emulators.base import EmulatorApp, serve_in_thread
from emulators.slskd import Peer, Scenario, SharedFile, SlskdEmulator
from harmony.clients.slskd import (
    DirectoryListing,
    EnqueueFailed,
    Event,
    PeerOffline,
    Search,
    SearchFile,
    SearchResponse,
    SlskdBadResponse,
    SlskdBusy,
    SlskdClient,
    SlskdNotLoggedIn,
    SlskdRejected,
    SlskdUnavailable,
    Transfer,
    TransferState,
    parse_timespan,
    parse_timestamp,
)

API_KEY = "test-api-key-0123456789"
ALICE = "vinyl_junkie_77"
FLAC = "@@kqzvh\\Music\\Radiohead\\1997 - OK Computer [FLAC]\\02 - Paranoid Android.flac"
TRANSFER_ID = uuid.UUID("6a1f0c2e-8d4b-4f7a-9c3e-1b2d3e4f5a6b")
SEARCH_ID = uuid.UUID("0f3c5a7e-2b6d-4c8e-9b1a-5d7e8f9a0b1c")
ONLY_ONE = "Only one concurrent operation is permitted. Wait until the previous request completes"


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0, micro: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, second, micro, tzinfo=UTC)


def transfer_json(**overrides: Any) -> dict[str, Any]:
    body = {
        "id": str(TRANSFER_ID),
        "username": ALICE,
        "direction": "Download",
        "filename": FLAC,
        "size": 42811904,
        "state": "Queued, Locally",
        "requestedAt": "2026-08-16T14:15:02.1234567",
        "bytesTransferred": 0,
        "averageSpeed": 0,
        "bytesRemaining": 42811904,
        "percentComplete": 0,
    }
    body.update(overrides)
    return {key: value for key, value in body.items() if value is not None}


def search_json(**overrides: Any) -> dict[str, Any]:
    body = {
        "fileCount": 0,
        "id": str(SEARCH_ID),
        "isComplete": False,
        "lockedFileCount": 0,
        "responseCount": 0,
        "responses": [],
        "searchText": "radiohead paranoid android",
        "startedAt": "2026-08-16T14:14:08.9824013Z",
        "state": "InProgress",
        "token": 1839204,
    }
    body.update(overrides)
    return {key: value for key, value in body.items() if value is not None}


def user_downloads_json(*transfers: dict[str, Any]) -> dict[str, Any]:
    return {
        "username": ALICE,
        "directories": [
            {"directory": t["filename"].rsplit("\\", 1)[0], "fileCount": 1, "files": [t]} for t in transfers
        ],
    }


@pytest.mark.parametrize(
    ("text", "value", "terminal", "success", "queued_remotely", "in_progress", "failure_kind"),
    [
        ("None", 0, False, False, False, False, None),
        ("Requested", 1, False, False, False, False, None),
        ("Queued, Locally", 2050, False, False, False, False, None),
        ("Queued, Remotely", 4098, False, False, True, False, None),
        ("Initializing", 4, False, False, False, False, None),
        ("InProgress", 8, False, False, False, True, None),
        ("Completed, Succeeded", 48, True, True, False, False, None),
        ("Completed, Cancelled", 80, True, False, False, False, "cancelled"),
        ("Completed, TimedOut", 144, True, False, False, False, "timed_out"),
        ("Completed, Errored", 272, True, False, False, False, "errored"),
        ("Completed, Rejected", 528, True, False, False, False, "rejected"),
        ("Completed, Aborted", 1040, True, False, False, False, "aborted"),
    ],
)
def test_transfer_state_parse(text, value, terminal, success, queued_remotely, in_progress, failure_kind):
    state = TransferState.parse(text)

    assert int(state) == value
    assert state.is_terminal is terminal
    assert state.is_success is success
    assert state.is_failure is (terminal and not success)
    assert state.is_queued_remotely is queued_remotely
    assert state.is_in_progress is in_progress
    assert state.failure_kind == failure_kind


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (48, TransferState.COMPLETED | TransferState.SUCCEEDED),
        ("Succeeded, Completed", TransferState.COMPLETED | TransferState.SUCCEEDED),
        ("completed,succeeded", TransferState.COMPLETED | TransferState.SUCCEEDED),
        ("Completed, Teleported", TransferState.COMPLETED),
    ],
)
def test_transfer_state_parse_tolerates_order_case_numbers_and_unknown_names(raw, expected):
    assert TransferState.parse(raw) == expected


def test_a_completed_state_without_a_known_reason_is_an_error():
    assert TransferState.COMPLETED.failure_kind == "errored"
    assert (TransferState.COMPLETED | TransferState.SUCCEEDED | TransferState.ERRORED).is_success is False


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-08-16T14:14:08.9824013Z", utc(2026, 8, 16, 14, 14, 8, 982401)),
        ("2026-08-16T14:14:08.9824013", utc(2026, 8, 16, 14, 14, 8, 982401)),
        ("2026-08-16T14:14:08.5", utc(2026, 8, 16, 14, 14, 8, 500000)),
        ("2026-08-16T14:14:08", utc(2026, 8, 16, 14, 14, 8)),
        ("2026-08-16T14:14:08Z", utc(2026, 8, 16, 14, 14, 8)),
        ("2026-08-16T16:14:08.000001+02:00", utc(2026, 8, 16, 14, 14, 8, 1)),
        ("0001-01-01T00:00:00", None),
    ],
)
def test_parse_timestamp_is_utc_with_or_without_z(text, expected):
    parsed = parse_timestamp(text)

    assert parsed == expected
    assert parsed is None or parsed.tzinfo is UTC


@pytest.mark.parametrize("text", ["", "yesterday", "2026-08-16", "2026-08-16T14:14:08.12345678Z"])
def test_parse_timestamp_refuses_what_is_not_one(text):
    with pytest.raises(ValueError, match="not an ISO-8601 timestamp"):
        parse_timestamp(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("00:00:41.2034567", timedelta(seconds=41, microseconds=203456)),
        ("00:00:12.7500000", timedelta(seconds=12, microseconds=750000)),
        ("01:02:03", timedelta(hours=1, minutes=2, seconds=3)),
        ("1.02:03:04", timedelta(days=1, hours=2, minutes=3, seconds=4)),
        ("12.00:00:00.5", timedelta(days=12, microseconds=500000)),
        ("-00:00:01", timedelta(seconds=-1)),
    ],
)
def test_parse_timespan(text, expected):
    assert parse_timespan(text) == expected


@pytest.mark.parametrize("text", ["", "41", "00:41", "1:02:03:04"])
def test_parse_timespan_refuses_what_is_not_one(text):
    with pytest.raises(ValueError, match="not a TimeSpan"):
        parse_timespan(text)


@dataclass
class Reply:
    status: int = 200
    body: Any = None  # JSON-able; bytes are sent as they are; None is an empty body
    headers: dict[str, str] | None = None

    def response(self) -> Response:
        if self.body is None:
            return Response(b"", status=self.status, headers=self.headers)
        raw = self.body if isinstance(self.body, bytes) else json.dumps(self.body).encode()
        kind = "text/html" if isinstance(self.body, bytes) else "application/json; charset=utf-8"
        return Response(raw, status=self.status, headers=self.headers, content_type=kind)


@dataclass
class Seen:
    method: str
    path: str  # as sent on the wire, still percent-encoded
    query: str
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.body)


class ScriptedSlskd(EmulatorApp):
    """Replies are queued per (method, raw path); the last one repeats. Anything unscripted is slskd's empty 404."""

    name = "scripted-slskd"
    routes = [Rule("/<path:path>", endpoint="answer")]

    def __init__(self) -> None:
        super().__init__()
        self.replies: dict[tuple[str, str], list[Reply]] = {}
        self.seen: list[Seen] = []

    def reset(self) -> None:
        with self.lock:
            self.replies.clear()
            self.seen.clear()

    def on(self, method: str, path: str, *replies: Reply) -> ScriptedSlskd:
        self.replies[(method, path)] = list(replies)
        return self

    def answer(self, request: Request, path: str) -> Response:
        raw_path, _, query = request.environ["REQUEST_URI"].partition("?")
        with self.lock:
            self.seen.append(Seen(request.method, raw_path, query, dict(request.headers), request.get_data()))
            queue = self.replies.get((request.method, raw_path))
            if not queue:
                return Response(b"", status=404)
            reply = queue.pop(0) if len(queue) > 1 else queue[0]
        return reply.response()

    def requests_to(self, method: str, path: str) -> list[Seen]:
        return [s for s in self.seen if (s.method, s.path) == (method, path)]


@pytest.fixture(scope="module")
def scripted_server():
    # One server for the module: stopping a server waits for its half-second poll, which adds up over many tests.
    with serve_in_thread(ScriptedSlskd()) as server:
        yield server


@pytest.fixture
def scripted(scripted_server):
    app = scripted_server.app
    app.reset()
    client = SlskdClient(
        base_url=scripted_server.url, api_key=API_KEY, timeout=5.0, user_agent="Harmony-test", retries=0
    )
    yield app, client
    client.close()


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.parametrize(
    ("reply", "error", "message", "retry_after"),
    [
        (Reply(401, headers={"WWW-Authenticate": "Bearer"}), SlskdRejected, "the API key was not accepted (401)", None),
        (Reply(403), SlskdRejected, "the API key was not accepted (403)", None),
        (Reply(409, "Conflict"), SlskdRejected, "409 Conflict", None),
        (Reply(404), SlskdRejected, "404 NOT FOUND", None),
        (
            Reply(400, "SearchText may not be null or empty"),
            SlskdRejected,
            "400 SearchText may not be null or empty",
            None,
        ),
        (Reply(429, ONLY_ONE, {"Retry-After": "3"}), SlskdBusy, f"429 {ONLY_ONE}", 3.0),
        (Reply(429, ONLY_ONE), SlskdBusy, f"429 {ONLY_ONE}", 1.0),
        (Reply(500, "Object reference not set"), SlskdUnavailable, "500 Object reference not set", None),
        (Reply(500), SlskdUnavailable, "500 INTERNAL SERVER ERROR", None),
        (Reply(502, b"<html>Bad Gateway</html>"), SlskdUnavailable, "502 BAD GATEWAY", None),
        (Reply(503, "", {"Retry-After": "20"}), SlskdUnavailable, "503 SERVICE UNAVAILABLE", 20.0),
    ],
)
def test_error_answers_map_to_the_transient_permanent_split(scripted, reply, error, message, retry_after):
    app, client = scripted
    app.on("GET", "/api/v0/server", reply)

    with pytest.raises(SlskdRejected if error is SlskdRejected else SlskdUnavailable) as caught:
        client.server_state()

    assert type(caught.value) is error
    assert caught.value.message == message
    assert caught.value.status == reply.status
    assert getattr(caught.value, "retry_after_s", None) == retry_after


def test_unreachable_slskd_is_transient():
    client = SlskdClient(
        base_url=f"http://127.0.0.1:{_closed_port()}", api_key=API_KEY, timeout=2, user_agent="t", retries=0
    )

    with pytest.raises(SlskdUnavailable) as caught:
        client.server_state()

    assert type(caught.value) is SlskdUnavailable
    assert caught.value.message.startswith("cannot connect to 127.0.0.1")


def test_html_where_json_belongs_points_at_the_url_base(scripted):
    app, client = scripted
    app.on("GET", "/api/v0/server", Reply(200, b"<!doctype html><title>slskd</title>"))

    with pytest.raises(SlskdBadResponse, match=r"got text/html.*URL base"):
        client.server_state()


def test_every_request_carries_the_key_and_the_json_content_type(scripted):
    app, client = scripted
    app.on("GET", "/api/v0/server", Reply(200, {"state": "Connected, LoggedIn", "isConnected": True}))
    app.on("DELETE", f"/api/v0/searches/{SEARCH_ID}", Reply(204))

    client.server_state()
    client.delete_search(SEARCH_ID)

    assert [(s.headers["X-Api-Key"], s.headers["Content-Type"]) for s in app.seen] == [
        (API_KEY, "application/json"),
        (API_KEY, "application/json"),
    ]


def test_the_api_key_appears_in_no_error_and_no_log(scripted, caplog):
    app, client = scripted
    app.on("GET", "/api/v0/server", Reply(401))
    caplog.set_level(logging.DEBUG)

    with pytest.raises(SlskdRejected) as caught:
        client.server_state()

    assert API_KEY not in str(caught.value)
    assert API_KEY not in caplog.text


def test_server_state(scripted):
    app, client = scripted
    app.on(
        "GET",
        "/api/v0/server",
        Reply(
            200, {"address": "vps.slsknet.org", "state": "Connected, LoggedIn", "isConnected": True, "isLoggedIn": True}
        ),
    )

    state = client.server_state()

    assert (state.state, state.is_connected, state.is_logged_in, state.address) == (
        "Connected, LoggedIn",
        True,
        True,
        "vps.slsknet.org",
    )


def test_the_version_is_asked_once_per_client(scripted):
    app, client = scripted
    app.on("GET", "/api/v0/application/version", Reply(200, "0.26.0.0"))

    versions = [client.application_version(), client.application_version()]

    assert versions == ["0.26.0.0", "0.26.0.0"]
    assert len(app.requests_to("GET", "/api/v0/application/version")) == 1


@pytest.mark.parametrize(
    ("version", "options", "attempts"),
    [
        ("0.25.1.0", {"transfers": {"download": {"retry": {"attempts": 5}}}}, 0),
        ("0.23.2.0", {}, 0),
        ("0.26.0.0", {"transfers": {"download": {"retry": {"attempts": 5}}}}, 5),
        ("0.26.0.0", {"transfers": {"download": {}}}, 3),
        ("0.27.0.65534-canary", {"transfers": {"download": {"retry": {"attempts": 1}}}}, 1),
    ],
)
def test_retry_attempts_by_version(scripted, version, options, attempts):
    app, client = scripted
    app.on("GET", "/api/v0/application/version", Reply(200, version))
    app.on("GET", "/api/v0/options", Reply(200, options))

    assert client.retry_attempts() == attempts


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ({"directories": {"downloads": "/app/downloads", "incomplete": "/app/incomplete"}}, "/app/downloads"),
        ({"directories": {}}, None),
        ({}, None),
    ],
)
def test_downloads_directory(scripted, options, expected):
    app, client = scripted
    app.on("GET", "/api/v0/options", Reply(200, options))

    assert client.downloads_directory() == expected


@pytest.mark.parametrize(
    ("username", "segment"),
    [
        ("vinyl_junkie_77", "vinyl_junkie_77"),
        ("dj shadow", "dj%20shadow"),
        ("AC/DC fan", "AC%2FDC%20fan"),
        ("100%", "100%25"),
        ("who?", "who%3F"),
        ("#1 fan", "%231%20fan"),
        ("łukasz", "%C5%82ukasz"),
        ("a+b&c=d", "a%2Bb%26c%3Dd"),
    ],
)
def test_usernames_are_one_percent_encoded_path_segment(scripted, username, segment):
    app, client = scripted

    transfers = client.list_user_downloads(username)

    assert transfers == []
    assert [s.path for s in app.seen] == [f"/api/v0/transfers/downloads/{segment}"]


def test_create_search_sends_its_own_id_and_the_limits(scripted):
    app, client = scripted
    app.on("POST", "/api/v0/searches", Reply(200, search_json()))

    search = client.create_search("radiohead paranoid android", search_id=SEARCH_ID, timeout_ms=8000)

    assert app.seen[0].json == {
        "id": str(SEARCH_ID),
        "searchText": "radiohead paranoid android",
        "searchTimeout": 8000,
        "responseLimit": 250,
        "fileLimit": 25000,
    }
    assert search == Search(
        id=SEARCH_ID,
        search_text="radiohead paranoid android",
        state="InProgress",
        is_complete=False,
        started_at=utc(2026, 8, 16, 14, 14, 8, 982401),
        ended_at=None,
        response_count=0,
        file_count=0,
        locked_file_count=0,
    )
    assert search.results_ready is False


def test_create_search_makes_up_an_id_when_none_is_given(scripted):
    app, client = scripted
    app.on("POST", "/api/v0/searches", Reply(200, search_json()))

    client.create_search("radiohead")

    assert uuid.UUID(app.seen[0].json["id"]).version == 4


@pytest.mark.parametrize(
    ("reply", "error", "message"),
    [
        (Reply(429, ONLY_ONE), SlskdBusy, f"429 {ONLY_ONE}"),
        (
            Reply(
                409,
                "The server connection must be connected and logged in to perform a search (currently: Disconnected)",
            ),
            SlskdNotLoggedIn,
            "409 The server connection must be connected and logged in to perform a search (currently: Disconnected)",
        ),
        (
            Reply(400, "The field SearchText can not be null, empty, or consist of only whitespace"),
            SlskdRejected,
            "400 The field SearchText can not be null, empty, or consist of only whitespace",
        ),
    ],
)
def test_create_search_errors(scripted, reply, error, message):
    app, client = scripted
    app.on("POST", "/api/v0/searches", reply)

    with pytest.raises((SlskdRejected, SlskdUnavailable)) as caught:
        client.create_search("x y", search_id=SEARCH_ID)

    assert type(caught.value) is error
    assert caught.value.message == message


def test_create_search_again_after_a_lost_answer_returns_the_running_search(scripted):
    app, client = scripted
    app.on("POST", "/api/v0/searches", Reply(500, "duplicate key"))
    app.on("GET", f"/api/v0/searches/{SEARCH_ID}", Reply(200, search_json()))

    search = client.create_search("radiohead paranoid android", search_id=SEARCH_ID)

    assert (search.id, search.state) == (SEARCH_ID, "InProgress")


def test_create_search_again_after_a_failed_start_replaces_the_errored_record(scripted):
    app, client = scripted
    errored = search_json(state="Completed, Errored", endedAt="2026-08-16T14:14:08.9824013Z", isComplete=True)
    app.on("POST", "/api/v0/searches", Reply(500, "duplicate key"), Reply(200, search_json()))
    app.on("GET", f"/api/v0/searches/{SEARCH_ID}", Reply(200, errored))
    app.on("DELETE", f"/api/v0/searches/{SEARCH_ID}", Reply(204))

    search = client.create_search("radiohead paranoid android", search_id=SEARCH_ID)

    assert search.state == "InProgress"
    assert [(s.method, s.path) for s in app.seen] == [
        ("POST", "/api/v0/searches"),
        ("GET", f"/api/v0/searches/{SEARCH_ID}"),
        ("DELETE", f"/api/v0/searches/{SEARCH_ID}"),
        ("POST", "/api/v0/searches"),
    ]


def test_create_search_500_without_a_record_is_transient(scripted):
    app, client = scripted
    app.on("POST", "/api/v0/searches", Reply(500, "database is locked"))

    with pytest.raises(SlskdUnavailable, match="500 database is locked"):
        client.create_search("radiohead", search_id=SEARCH_ID)


def test_get_search_unknown_is_none_and_ended_search_is_ready(scripted):
    app, client = scripted
    other = uuid.uuid4()
    ended = search_json(
        state="Completed, TimedOut", isComplete=True, endedAt="2026-08-16T14:14:24.0191782Z", responseCount=37
    )
    app.on("GET", f"/api/v0/searches/{SEARCH_ID}", Reply(200, ended))

    assert client.get_search(other) is None
    search = client.get_search(SEARCH_ID)
    assert (search.state, search.is_complete, search.ended_at, search.response_count, search.results_ready) == (
        "Completed, TimedOut",
        True,
        utc(2026, 8, 16, 14, 14, 24, 19178),
        37,
        True,
    )


def test_wait_for_search_waits_for_ended_at_not_is_complete(scripted):
    app, client = scripted
    app.on(
        "GET",
        f"/api/v0/searches/{SEARCH_ID}",
        Reply(200, search_json()),
        Reply(200, search_json(state="Completed, TimedOut", isComplete=True)),
        Reply(200, search_json(state="Completed, TimedOut", isComplete=True, endedAt="2026-08-16T14:14:24Z")),
    )
    sleeps: list[float] = []

    search = client.wait_for_search(SEARCH_ID, poll_s=0.5, sleep=sleeps.append)

    assert search.ended_at == utc(2026, 8, 16, 14, 14, 24)
    assert sleeps == [0.5, 0.5]


def test_wait_for_search_stops_it_past_the_cap(scripted):
    app, client = scripted
    app.on(
        "GET",
        f"/api/v0/searches/{SEARCH_ID}",
        Reply(200, search_json()),
        Reply(200, search_json(state="Completed, Cancelled", isComplete=True, endedAt="2026-08-16T14:15:00Z")),
    )
    app.on("PUT", f"/api/v0/searches/{SEARCH_ID}", Reply(200))

    search = client.wait_for_search(SEARCH_ID, cap_s=0, sleep=lambda _: None)

    assert search.state == "Completed, Cancelled"
    assert [s.method for s in app.seen] == ["GET", "PUT", "GET"]


def test_search_responses_keep_files_exact_and_missing_attributes_none(scripted):
    app, client = scripted
    odd_name = "Shared\\Ünïcödé  spaced \\\u00e9\u0301 track .FLAC"
    responses = [
        {
            "fileCount": 2,
            "files": [
                {
                    "bitDepth": 16,
                    "code": 1,
                    "extension": "flac",
                    "filename": FLAC,
                    "length": 383,
                    "sampleRate": 44100,
                    "size": 42811904,
                    "isLocked": False,
                },
                {"code": 1, "extension": "", "filename": odd_name, "size": 9007199254740993, "isLocked": False},
            ],
            "hasFreeUploadSlot": True,
            "lockedFileCount": 1,
            "lockedFiles": [
                {
                    "code": 1,
                    "filename": "Music\\private.mp3",
                    "size": 1,
                    "bitRate": 320,
                    "isVariableBitRate": False,
                    "isLocked": False,
                }
            ],
            "queueLength": 0,
            "token": 1839204,
            "uploadSpeed": 1845120,
            "username": ALICE,
        }
    ]
    app.on("GET", f"/api/v0/searches/{SEARCH_ID}/responses", Reply(200, responses))

    parsed = client.search_responses(SEARCH_ID)

    assert parsed == [
        SearchResponse(
            username=ALICE,
            files=(
                SearchFile(FLAC, 42811904, "flac", None, 16, 44100, 383, None, False),
                SearchFile(odd_name, 9007199254740993, "", None, None, None, None, None, False),
            ),
            locked_files=(SearchFile("Music\\private.mp3", 1, "", 320, None, None, None, False, True),),
            has_free_upload_slot=True,
            queue_length=0,
            upload_speed=1845120,
            file_count=2,
            locked_file_count=1,
            token=1839204,
        )
    ]


def test_a_response_without_a_filename_is_a_bad_response(scripted):
    app, client = scripted
    app.on("GET", f"/api/v0/searches/{SEARCH_ID}/responses", Reply(200, [{"username": ALICE, "files": [{"size": 1}]}]))

    with pytest.raises(SlskdBadResponse, match="file: field 'filename' is null"):
        client.search_responses(SEARCH_ID)


@pytest.mark.parametrize(("method", "path"), [("PUT", "stop_search"), ("DELETE", "delete_search")])
def test_stop_and_delete_search_tolerate_unknown_ids(scripted, method, path):
    app, client = scripted

    getattr(client, path)(SEARCH_ID)

    assert [(s.method, s.path) for s in app.seen] == [(method, f"/api/v0/searches/{SEARCH_ID}")]


DIRECTORY = {
    "name": "@@kqzvh\\Music\\Radiohead\\1997 - OK Computer [FLAC]",
    "fileCount": 2,
    "files": [
        {
            "attributeCount": 3,
            "attributes": [
                {"type": "Length", "value": 383},
                {"type": "SampleRate", "value": 44100},
                {"type": "BitDepth", "value": 16},
            ],
            "bitDepth": 16,
            "code": 1,
            "extension": "flac",
            "filename": "02 - Paranoid Android.flac",
            "length": 383,
            "sampleRate": 44100,
            "size": 42811904,
        },
        {
            "attributeCount": 2,
            "attributes": [{"type": "BitRate", "value": 320}, {"type": "VariableBitRate", "value": 0}],
            "code": 1,
            "extension": "",
            "filename": "cover.mp3",
            "size": 2048,
        },
    ],
}
DIRECTORY_LISTING = DirectoryListing(
    name=DIRECTORY["name"],
    files=(
        SearchFile(FLAC, 42811904, "flac", None, 16, 44100, 383, None, False),
        SearchFile(DIRECTORY["name"] + "\\cover.mp3", 2048, "", 320, None, None, None, False, False),
    ),
)


@pytest.mark.parametrize("body", [DIRECTORY, [DIRECTORY]], ids=["0.22.0-object", "0.22.3-array"])
def test_browse_directory_gives_full_remote_paths(scripted, body):
    app, client = scripted
    app.on("POST", "/api/v0/users/vinyl_junkie_77/directory", Reply(200, body))

    listings = client.browse_directory(ALICE, DIRECTORY["name"])

    assert listings == [DIRECTORY_LISTING]
    assert app.seen[0].json == {"directory": DIRECTORY["name"]}


def test_browse_directory_with_forward_slashes_joins_with_a_slash(scripted):
    app, client = scripted
    body = [{"name": "music/artist/album", "files": [{"filename": "01 track.mp3", "size": 5}]}]
    app.on("POST", "/api/v0/users/vinyl_junkie_77/directory", Reply(200, body))

    [listing] = client.browse_directory(ALICE, "music/artist/album")

    assert [f.filename for f in listing.files] == ["music/artist/album/01 track.mp3"]


def test_browse_directory_of_an_offline_peer(scripted):
    app, client = scripted
    app.on("POST", "/api/v0/users/vinyl_junkie_77/directory", Reply(404, "User vinyl_junkie_77 appears to be offline"))

    with pytest.raises(PeerOffline) as caught:
        client.browse_directory(ALICE, DIRECTORY["name"])

    assert caught.value.message == "404 User vinyl_junkie_77 appears to be offline"


ENQUEUE = "/api/v0/transfers/downloads/vinyl_junkie_77"
FULL_TRANSFER = transfer_json(
    state="InProgress",
    enqueuedAt="2026-08-16T14:15:03.0120000",
    startedAt="2026-08-16T14:15:04.5550000Z",
    bytesTransferred=18874368,
    averageSpeed=1480321.6,
    placeInQueue=3,
    attempts=1,
    removed=False,
    elapsedTime="00:00:12.7500000",
    percentComplete=44.08,
    remainingTime="00:00:16.1700000",
    batchId=str(uuid.uuid4()),
    stateDescription="InProgress",
)


def test_transfer_fields(scripted):
    app, client = scripted
    app.on("GET", f"{ENQUEUE}/{TRANSFER_ID}", Reply(200, FULL_TRANSFER))

    transfer = client.get_transfer(ALICE, TRANSFER_ID)

    assert transfer == Transfer(
        id=TRANSFER_ID,
        username=ALICE,
        filename=FLAC,
        size=42811904,
        state=TransferState.IN_PROGRESS,
        state_text="InProgress",
        bytes_transferred=18874368,
        average_speed=1480321.6,
        percent_complete=44.08,
        requested_at=utc(2026, 8, 16, 14, 15, 2, 123456),
        enqueued_at=utc(2026, 8, 16, 14, 15, 3, 12000),
        started_at=utc(2026, 8, 16, 14, 15, 4, 555000),
        ended_at=None,
        place_in_queue=3,
        exception=None,
        attempts=1,
        removed=False,
        elapsed_time=timedelta(seconds=12, microseconds=750000),
        remaining_time=timedelta(seconds=16, microseconds=170000),
    )


def test_get_transfer_unknown_is_none_and_user_without_downloads_has_none(scripted):
    _, client = scripted

    assert client.get_transfer(ALICE, TRANSFER_ID) is None
    assert client.list_user_downloads(ALICE) == []


def _enqueued(transfer: dict[str, Any]) -> dict[str, Any]:
    return {"enqueued": [transfer], "failed": []}


def test_enqueue_sends_the_exact_path_and_size(scripted):
    app, client = scripted
    tricky = "@@abcde\\Mü\\x\u00a0y\\\udce9.flac"
    app.on("POST", ENQUEUE, Reply(201, _enqueued(transfer_json(filename=tricky, size=12))))

    transfer = client.enqueue_download(ALICE, tricky, 12)

    assert app.seen[0].json == [{"filename": tricky, "size": 12}]
    assert (transfer.filename, transfer.size) == (tricky, 12)


@pytest.mark.parametrize(
    "replies",
    [
        pytest.param([Reply(201, _enqueued(transfer_json()))], id="0.24-enqueued-body"),
        pytest.param([Reply(201)], id="0.23-empty-body"),
        pytest.param([Reply(201, {"enqueued": [], "failed": [FLAC]})], id="0.24-already-in-progress"),
        pytest.param([Reply(201, {"enqueued": [], "failed": [{}]})], id="0.26-already-in-progress"),
    ],
)
def test_enqueue_finds_the_transfer_id(scripted, replies):
    app, client = scripted
    older = transfer_json(
        id=str(uuid.uuid4()), state="Completed, Rejected", requestedAt="2026-08-10T10:00:00", exception="x"
    )
    app.on("POST", ENQUEUE, *replies)
    app.on("GET", ENQUEUE, Reply(200, user_downloads_json(older, transfer_json())))

    transfer = client.enqueue_download(ALICE, FLAC, 42811904)

    assert (transfer.id, transfer.state) == (TRANSFER_ID, TransferState.QUEUED | TransferState.LOCALLY)


def test_enqueue_lookup_skips_removed_records(scripted):
    app, client = scripted
    removed = transfer_json(id=str(uuid.uuid4()), requestedAt="2026-08-20T00:00:00", removed=True)
    app.on("POST", ENQUEUE, Reply(201))
    app.on("GET", ENQUEUE, Reply(200, user_downloads_json(removed, transfer_json())))

    assert client.enqueue_download(ALICE, FLAC, 42811904).id == TRANSFER_ID


@pytest.mark.parametrize(
    ("reply", "error", "message"),
    [
        (Reply(201, {"enqueued": [], "failed": [FLAC]}), EnqueueFailed, f"slskd did not queue {FLAC!r} from {ALICE!r}"),
        (Reply(201, {"enqueued": [], "failed": [{}]}), EnqueueFailed, f"slskd did not queue {FLAC!r} from {ALICE!r}"),
        (
            Reply(500, "One or more errors occurred. (Transfer rejected: File not shared.)"),
            EnqueueFailed,
            "500 One or more errors occurred. (Transfer rejected: File not shared.)",
        ),
        (Reply(500, f"User {ALICE} appears to be offline"), PeerOffline, f"500 User {ALICE} appears to be offline"),
        (Reply(404), PeerOffline, "404 peer is offline or unknown"),
        (
            Reply(400, "One or more files in the request contain a dangerous path traversal segment"),
            EnqueueFailed,
            "400 One or more files in the request contain a dangerous path traversal segment",
        ),
        (Reply(429, ONLY_ONE), SlskdBusy, f"429 {ONLY_ONE}"),
        (
            Reply(500, "One or more errors occurred. (Operation timed out)"),
            EnqueueFailed,
            "500 One or more errors occurred. (Operation timed out)",
        ),
        (
            Reply(
                409, "The server connection must be connected and logged in to download files (currently: Disconnected)"
            ),
            SlskdNotLoggedIn,
            "409 The server connection must be connected and logged in to download files (currently: Disconnected)",
        ),
        (Reply(500, "Failed to connect"), SlskdUnavailable, "500 Failed to connect"),
        (Reply(401), SlskdRejected, "the API key was not accepted (401)"),
    ],
)
def test_enqueue_failures(scripted, reply, error, message):
    app, client = scripted
    app.on("POST", ENQUEUE, reply)
    app.on("GET", ENQUEUE, Reply(200, user_downloads_json(transfer_json(state="Completed, Rejected"))))

    with pytest.raises((SlskdRejected, SlskdUnavailable)) as caught:
        client.enqueue_download(ALICE, FLAC, 42811904)

    assert type(caught.value) is error
    assert caught.value.message == message
    if isinstance(caught.value, EnqueueFailed):
        assert (caught.value.username, caught.value.filename) == (ALICE, FLAC)


def test_enqueue_of_a_slash_username_is_refused_before_0_24_2(scripted):
    app, client = scripted
    app.on("GET", "/api/v0/application/version", Reply(200, "0.24.1.0"))

    with pytest.raises(EnqueueFailed, match="cannot address usernames containing '/'"):
        client.enqueue_download("AC/DC", FLAC, 1)

    assert [s.path for s in app.seen] == ["/api/v0/application/version"]


@pytest.mark.parametrize(
    "reply", [Reply(204), Reply(404), Reply(500, "Invalid attempt to remove a download before it is complete")]
)
def test_remove_transfer_tolerates_what_older_versions_answer(scripted, reply):
    app, client = scripted
    app.on("DELETE", f"{ENQUEUE}/{TRANSFER_ID}", reply)

    client.remove_transfer(ALICE, TRANSFER_ID)

    assert [(s.method, s.query) for s in app.seen] == [("DELETE", "remove=true")]


def test_cancel_transfer_sends_no_remove_flag_and_surfaces_real_failures(scripted):
    app, client = scripted
    app.on("DELETE", f"{ENQUEUE}/{TRANSFER_ID}", Reply(204), Reply(500, "disk full"))

    client.cancel_transfer(ALICE, TRANSFER_ID)
    with pytest.raises(SlskdUnavailable, match="500 disk full"):
        client.cancel_transfer(ALICE, TRANSFER_ID)

    assert [s.query for s in app.seen] == ["", ""]


def _event(transfer_id: uuid.UUID, local: str, *, kind: str = "DownloadFileComplete") -> dict[str, Any]:
    data = {
        "version": 0,
        "localFilename": local,
        "remoteFilename": FLAC,
        "transfer": transfer_json(id=str(transfer_id)),
    }
    return {
        "timestamp": "2026-08-16T14:15:22.8939864Z",
        "type": kind,
        "data": json.dumps(data),
        "id": str(uuid.uuid4()),
    }


def test_events_parse_the_data_string(scripted):
    app, client = scripted
    raw = _event(TRANSFER_ID, "/app/downloads/1997 - OK Computer [FLAC]/02 - Paranoid Android.flac")
    app.on("GET", "/api/v0/events", Reply(200, [raw], {"X-Total-Count": "1"}))

    events = client.events(offset=5, limit=10)

    assert events == [
        Event(
            uuid.UUID(raw["id"]), "DownloadFileComplete", utc(2026, 8, 16, 14, 15, 22, 893986), json.loads(raw["data"])
        )
    ]
    assert app.seen[0].query == "offset=5&limit=10"


def test_events_of_a_version_without_them_are_empty(scripted):
    _, client = scripted

    assert client.events() == []


def test_local_filename_for_pages_back_through_events(scripted):
    app, client = scripted
    wanted = "/app/downloads/1997 - OK Computer [FLAC]/02 - Paranoid Android_638912345678901234.flac"
    first_page = [_event(uuid.uuid4(), f"/app/downloads/x/{n}.flac") for n in range(99)]
    first_page.append(_event(TRANSFER_ID, "/not/this/one", kind="UploadFileComplete"))
    app.on("GET", "/api/v0/events", Reply(200, first_page), Reply(200, [_event(TRANSFER_ID, wanted)]))

    assert client.local_filename_for(TRANSFER_ID) == wanted
    assert [s.query for s in app.seen] == ["offset=0&limit=100", "offset=100&limit=100"]


def test_local_filename_for_is_none_without_its_event(scripted):
    app, client = scripted
    app.on("GET", "/api/v0/events", Reply(200, [_event(uuid.uuid4(), "/app/downloads/a.flac")]))

    assert client.local_filename_for(TRANSFER_ID) is None


EMU_KEY = "emulator-api-key-0123456789"
ALBUM = "@@abcde\\Music\\Artist\\Album"
SONG = f"{ALBUM}\\01 - Song.flac"
OTHER_SONG = f"{ALBUM}\\02 - Other Song.flac"


def _shared(path: str = SONG) -> SharedFile:
    return SharedFile(path=path, format="flac", length_s=2, bit_depth=16, sample_rate=44100)


def _peers() -> list[Peer]:
    return [
        Peer("alice", files=[_shared(), _shared(OTHER_SONG)], behaviour="fast"),
        Peer("bob", files=[_shared()], behaviour="reject"),
        Peer("carol", files=[_shared()], behaviour="offline"),
        Peer("dave", files=[_shared()], behaviour="queued_forever"),
        Peer("erin", files=[_shared()], behaviour="error_midway"),
        Peer("frank", files=[_shared()], behaviour="size_mismatch"),
        Peer("Mr. 100% /Fresh? #1", files=[_shared()], behaviour="fast"),
    ]


@dataclass
class Slskd:
    emulator: SlskdEmulator
    client: SlskdClient
    downloads: Path


@pytest.fixture
def start_slskd(emulator, tmp_path):
    started: list[Slskd] = []

    def start(version: str = "0.26.0", *, time_scale: float = 0.01, api_key: str = EMU_KEY) -> Slskd:
        downloads = tmp_path / f"slskd-{version}-{len(started)}"
        emu = SlskdEmulator(
            Scenario(peers=_peers()), downloads_dir=downloads, version=version, api_key=EMU_KEY, time_scale=time_scale
        )
        server = emulator(emu)
        client = SlskdClient(base_url=server.url, api_key=api_key, timeout=10.0, user_agent="Harmony-test", retries=0)
        started.append(Slskd(emu, client, downloads))
        return started[-1]

    yield start
    for slskd in started:
        slskd.client.close()
        slskd.emulator.close()


def wait_for(read, done, *, timeout_s: float = 10.0):
    """Poll `read()` until `done(value)`; the emulator runs at a hundredth of real time, so this is quick."""
    deadline = time.monotonic() + timeout_s
    value = read()
    while not done(value):
        assert time.monotonic() < deadline, f"still waiting, last value: {value!r}"
        time.sleep(0.02)
        value = read()
    return value


def finished(slskd: Slskd, transfer: Transfer) -> Transfer:
    return wait_for(lambda: slskd.client.get_transfer(transfer.username, transfer.id), lambda t: t.state.is_terminal)


ALL_VERSIONS = ["0.22.0", "0.22.3", "0.23.0", "0.24.1", "0.24.5", "0.25.1", "0.26.0"]


def test_emulator_search_flow(start_slskd):
    slskd = start_slskd()
    client = slskd.client

    server = client.server_state()
    search = client.create_search("artist song", search_id=SEARCH_ID)
    ended = client.wait_for_search(search.id, poll_s=0.02)
    responses = client.search_responses(search.id)
    client.delete_search(search.id)

    assert (server.is_connected, server.is_logged_in) == (True, True)
    assert (search.id, search.state, search.ended_at) == (SEARCH_ID, "InProgress", None)
    assert (ended.state, ended.is_complete, ended.response_count) == ("Completed, TimedOut", True, len(responses))
    assert ended.ended_at >= ended.started_at
    by_user = {response.username: response for response in responses}
    # carol answered the search and is offline by the time anyone asks her for a file.
    assert sorted(by_user) == sorted(["alice", "bob", "carol", "dave", "erin", "frank", "Mr. 100% /Fresh? #1"])
    assert [(f.filename, f.extension, f.bit_depth, f.sample_rate, f.length) for f in by_user["alice"].files] == [
        (SONG, "flac", 16, 44100, 2),
        (OTHER_SONG, "flac", 16, 44100, 2),
    ]
    assert by_user["alice"].files[0].size == _shared().effective_size
    assert client.get_search(search.id) is None


def test_emulator_responses_are_empty_until_the_search_ends(start_slskd):
    client = start_slskd(time_scale=1.0).client

    search = client.create_search("artist song", timeout_ms=5000)

    assert client.search_responses(search.id) == []
    client.stop_search(search.id)
    stopped = client.wait_for_search(search.id, poll_s=0.05)
    assert stopped.state == "Completed, Cancelled"


@pytest.mark.parametrize("version", ALL_VERSIONS)
def test_emulator_download_flow(start_slskd, version):
    slskd = start_slskd(version)
    client = slskd.client

    [listing] = client.browse_directory("alice", ALBUM)
    song = listing.files[0]
    transfer = client.enqueue_download("alice", song.filename, song.size)
    done = finished(slskd, transfer)
    local = wait_for(lambda: client.local_filename_for(transfer.id), lambda name: name is not None)
    client.remove_transfer("alice", transfer.id)

    assert [f.filename for f in listing.files] == [SONG, OTHER_SONG]
    assert (transfer.username, transfer.filename, transfer.size) == ("alice", SONG, _shared().effective_size)
    assert (done.id, done.state, done.state_text, done.bytes_transferred) == (
        transfer.id,
        TransferState.COMPLETED | TransferState.SUCCEEDED,
        "Completed, Succeeded",
        song.size,
    )
    assert done.requested_at <= done.enqueued_at <= done.started_at <= done.ended_at
    assert local == str(slskd.downloads / "Album" / "01 - Song.flac")
    assert Path(local).stat().st_size == song.size
    assert client.list_user_downloads("alice") == []


@pytest.mark.parametrize(("version", "attempts"), [("0.25.1", 0), ("0.26.0", 3)])
def test_emulator_options(start_slskd, version, attempts):
    slskd = start_slskd(version)

    assert slskd.client.application_version() == f"{version}.0"
    assert slskd.client.retry_attempts() == attempts
    assert slskd.client.downloads_directory() == str(slskd.downloads)


def test_emulator_before_0_22_has_no_events(start_slskd):
    slskd = start_slskd("0.21.4")
    transfer = slskd.client.enqueue_download("alice", SONG, _shared().effective_size)

    assert finished(slskd, transfer).state.is_success
    assert slskd.client.events() == []
    assert slskd.client.local_filename_for(transfer.id) is None


@pytest.mark.parametrize("version", ["0.24.5", "0.26.0"])
def test_emulator_enqueue_of_a_file_already_on_its_way_returns_that_transfer(start_slskd, version):
    slskd = start_slskd(version)

    first = slskd.client.enqueue_download("dave", SONG, _shared().effective_size)
    again = slskd.client.enqueue_download("dave", SONG, _shared().effective_size)

    assert again.id == first.id
    assert [t.id for t in slskd.client.list_user_downloads("dave")] == [first.id]


def test_emulator_reenqueue_after_a_finished_transfer_gets_a_new_one(start_slskd):
    slskd = start_slskd()
    first = finished(slskd, slskd.client.enqueue_download("alice", SONG, _shared().effective_size))

    second = slskd.client.enqueue_download("alice", SONG, _shared().effective_size)

    assert second.id != first.id
    assert [t.id for t in slskd.client.list_user_downloads("alice")] == [second.id]


@pytest.mark.parametrize("version", ["0.22.0", "0.23.0"])
def test_emulator_rejection_before_0_24_fails_the_enqueue(start_slskd, version):
    slskd = start_slskd(version)

    with pytest.raises(EnqueueFailed) as caught:
        slskd.client.enqueue_download("bob", SONG, _shared().effective_size)

    assert type(caught.value) is EnqueueFailed
    assert caught.value.message == "500 One or more errors occurred. (Transfer rejected: File not shared.)"


@pytest.mark.parametrize("version", ["0.24.5", "0.26.0"])
def test_emulator_rejection_from_0_24_ends_the_transfer(start_slskd, version):
    slskd = start_slskd(version)

    done = finished(slskd, slskd.client.enqueue_download("bob", SONG, _shared().effective_size))

    assert (done.state.failure_kind, done.exception) == ("rejected", "Transfer rejected: File not shared.")


@pytest.mark.parametrize("version", ["0.23.0", "0.26.0"])
def test_emulator_offline_peer(start_slskd, version):
    client = start_slskd(version).client

    with pytest.raises(PeerOffline) as enqueue:
        client.enqueue_download("carol", SONG, 1)
    with pytest.raises(PeerOffline) as browse:
        client.browse_directory("carol", ALBUM)

    assert (enqueue.value.message, enqueue.value.username) == ("500 User carol appears to be offline", "carol")
    assert browse.value.message == "404 User carol appears to be offline"


def test_emulator_path_traversal_is_refused_for_this_candidate(start_slskd):
    client = start_slskd("0.26.0").client

    with pytest.raises(EnqueueFailed) as caught:
        client.enqueue_download("alice", f"{ALBUM}\\..\\..\\secret.flac", 1)

    assert caught.value.message == "400 One or more files in the request contain a dangerous path traversal segment"


def test_emulator_size_mismatch_aborts(start_slskd):
    slskd = start_slskd()

    done = finished(slskd, slskd.client.enqueue_download("frank", SONG, _shared().effective_size))

    assert done.state.failure_kind == "aborted"
    assert done.exception.startswith("Transfer aborted: the remote size of")


def test_emulator_0_26_retries_an_errored_download_itself(start_slskd):
    slskd = start_slskd("0.26.0")
    attempts = slskd.client.retry_attempts()
    transfer = slskd.client.enqueue_download("erin", SONG, _shared().effective_size)

    final = wait_for(
        lambda: slskd.client.get_transfer("erin", transfer.id),
        lambda t: t.state.is_terminal and t.attempts >= attempts,
    )

    assert (final.state.failure_kind, final.attempts, final.exception) == ("errored", 3, "Remote connection closed")


@pytest.mark.parametrize("version", ["0.24.5", "0.26.0"])
def test_emulator_busy_search_creation(start_slskd, version):
    slskd = start_slskd(version)
    # Holding the emulator's in-flight guard stands for another worker's POST that has not been answered yet.
    with slskd.emulator.search_post_guard, pytest.raises(SlskdBusy) as caught:
        slskd.client.create_search("artist song")

    assert (caught.value.status, caught.value.retry_after_s, caught.value.message) == (429, 1.0, f"429 {ONLY_ONE}")
    assert slskd.client.create_search("artist song").state == "InProgress"


def test_emulator_logged_out_then_back(start_slskd):
    slskd = start_slskd()
    slskd.emulator.set_logged_in(False)

    state = slskd.client.server_state()
    with pytest.raises(SlskdNotLoggedIn) as caught:
        slskd.client.create_search("artist song", search_id=SEARCH_ID)
    slskd.emulator.set_logged_in(True)
    # The failed start left a "Completed, Errored" record under this id; the retry replaces it.
    search = slskd.client.create_search("artist song", search_id=SEARCH_ID)

    assert (state.state, state.is_logged_in) == ("Disconnected", False)
    assert caught.value.message == (
        "409 The server connection must be connected and logged in to perform a search (currently: Disconnected)"
    )
    assert (search.id, search.state) == (SEARCH_ID, "InProgress")


def test_emulator_retrying_a_started_search_returns_it(start_slskd):
    client = start_slskd().client

    first = client.create_search("artist song", search_id=SEARCH_ID)
    again = client.create_search("artist song", search_id=SEARCH_ID)

    assert (again.id, again.started_at) == (first.id, first.started_at)


@pytest.mark.parametrize("version", ["0.24.1", "0.26.0"])
def test_emulator_cancel_then_remove(start_slskd, version):
    slskd = start_slskd(version)
    client = slskd.client
    transfer = client.enqueue_download("dave", SONG, _shared().effective_size)
    queued = wait_for(lambda: client.get_transfer("dave", transfer.id), lambda t: t.state.is_queued_remotely)

    client.remove_transfer("dave", transfer.id)  # too early: 500 up to 0.24.1, a no-op later; tolerated either way
    still_listed = client.list_user_downloads("dave")
    client.cancel_transfer("dave", transfer.id)
    cancelled = finished(slskd, transfer)
    client.remove_transfer("dave", transfer.id)
    client.cancel_transfer("dave", uuid.uuid4())
    client.remove_transfer("dave", uuid.uuid4())

    assert queued.state_text == "Queued, Remotely"
    assert [t.id for t in still_listed] == [transfer.id]
    assert (cancelled.state.failure_kind, cancelled.state_text) == ("cancelled", "Completed, Cancelled")
    assert client.list_user_downloads("dave") == []


def test_emulator_usernames_with_punctuation_round_trip(start_slskd):
    slskd = start_slskd("0.26.0")
    name = "Mr. 100% /Fresh? #1"

    [listing] = slskd.client.browse_directory(name, ALBUM)
    done = finished(slskd, slskd.client.enqueue_download(name, SONG, listing.files[0].size))

    assert (done.username, done.state.is_success) == (name, True)
    assert [t.id for t in slskd.client.list_user_downloads(name)] == [done.id]


def test_emulator_slash_usernames_are_refused_before_0_24_2(start_slskd):
    client = start_slskd("0.24.1").client

    with pytest.raises(EnqueueFailed, match="cannot address usernames containing '/'"):
        client.enqueue_download("Mr. 100% /Fresh? #1", SONG, 1)


def test_emulator_wrong_api_key(start_slskd):
    client = start_slskd(api_key="not-the-key-0123456789").client

    with pytest.raises(SlskdRejected) as caught:
        client.server_state()

    assert (type(caught.value), caught.value.message) == (SlskdRejected, "the API key was not accepted (401)")


def test_emulator_unknown_ids(start_slskd):
    client = start_slskd().client

    assert client.get_transfer("alice", uuid.uuid4()) is None
    assert client.get_search(uuid.uuid4()) is None
    assert client.list_user_downloads("nobody") == []
    client.delete_search(uuid.uuid4())
    client.stop_search(uuid.uuid4())
