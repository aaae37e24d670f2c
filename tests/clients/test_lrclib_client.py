"""The LRCLIB client against the emulator over real HTTP (contract: shared/contracts/metadata_services.md §5.2)."""

from __future__ import annotations

import json
import math
import socket

import pytest
from werkzeug.routing import Rule
from werkzeug.wrappers import Request, Response

from emulators.base import EmulatorApp, serve_in_thread
from emulators.lrclib import DURATION_OFF, INSTRUMENTAL, LIVE_PAIR, PLAIN_ONLY, LrclibEmulator, find_record
from harmony.clients.lrclib import (
    LrclibClient,
    LrclibRejected,
    LrclibUnavailable,
    LyricsRecord,
    parse_record,
    parse_records,
    request_duration,
)

CLIENT_ID = "Harmony/0.1 (+https://harmony.example)"
KARMA_POLICE = find_record(*LIVE_PAIR[0])
KARMA_POLICE_LIVE = find_record(*LIVE_PAIR[1])


@pytest.fixture
def app() -> LrclibEmulator:
    return LrclibEmulator()


@pytest.fixture
def server(emulator, app):
    return emulator(app)


@pytest.fixture
def client(server):
    client = LrclibClient(base_url=server.url, client_id=CLIENT_ID, timeout=5)
    yield client
    client.close()


def expected(record) -> LyricsRecord:
    return LyricsRecord(
        id=record.id,
        track=record.track,
        artist=record.artist,
        album=record.album,
        duration_s=record.duration,
        instrumental=record.instrumental,
        plain=record.plain,
        synced=record.synced,
    )


def test_get_parses_the_record(client):
    record = client.get(track="Karma Police", artist="Radiohead", album="OK Computer", duration_s=261.0)

    assert record == expected(KARMA_POLICE)
    assert record.synced.startswith("[")
    assert record.plain.startswith("Verse one, line one: ")


def test_get_returns_none_when_lrclib_has_no_record(client):
    assert client.get(track="Electioneering", artist="Radiohead", album="OK Computer", duration_s=230) is None


def test_get_picks_the_version_by_duration(client):
    assert client.get(track="Karma Police", artist="Radiohead", duration_s=287.4) == expected(KARMA_POLICE_LIVE)


def test_get_duration_off_record_is_none(client):
    artist, album, title = DURATION_OFF

    assert client.get(track=title, artist=artist, album=album, duration_s=183) is None


@pytest.mark.parametrize("key", INSTRUMENTAL)
def test_get_instrumental_record(client, key):
    record = client.get(track=key[2], artist=key[0], album=key[1])

    assert (record.instrumental, record.plain, record.synced) == (True, None, None)


def test_get_plain_only_record(client):
    artist, album, title = PLAIN_ONLY[0]

    record = client.get(track=title, artist=artist, album=album)

    assert record == expected(find_record(*PLAIN_ONLY[0]))
    assert record.synced is None


def test_get_sends_the_client_id_as_lrclib_client_and_user_agent(client, app):
    client.get(track="Airbag", artist="Radiohead")

    assert [(s.lrclib_client, s.user_agent) for s in app.seen] == [(CLIENT_ID, CLIENT_ID)]


@pytest.mark.parametrize(
    ("duration_s", "sent"),
    [
        (261.0, "261"),
        (261.4, "261"),
        (261.5, "262"),
        (0.5, "1"),
        (3600.4, "3600"),
        (None, None),
        (0.4, None),
        (3600.5, None),
        (-5.0, None),
        (math.nan, None),
        (math.inf, None),
    ],
)
def test_get_sends_the_duration_rounded_or_not_at_all(client, app, duration_s, sent):
    client.get(track="Airbag", artist="Radiohead", duration_s=duration_s)

    assert app.seen[-1].args.get("duration") == sent


@pytest.mark.parametrize(
    ("duration_s", "seconds"), [(1.0, 1), (2.5, 3), (3.5, 4), (3599.49, 3599), (0.49, None), (None, None)]
)
def test_request_duration(duration_s, seconds):
    assert request_duration(duration_s) == seconds


def test_get_sends_album_only_when_given(client, app):
    client.get(track="Airbag", artist="Radiohead")
    client.get(track="Airbag", artist="Radiohead", album="OK Computer")

    assert [s.args for s in app.seen] == [
        {"track_name": "Airbag", "artist_name": "Radiohead"},
        {"track_name": "Airbag", "artist_name": "Radiohead", "album_name": "OK Computer"},
    ]


def test_get_cached_only_asks_get_cached(client, app):
    record = client.get(track="Airbag", artist="Radiohead", cached_only=True)

    assert record == expected(find_record("Radiohead", "OK Computer", "Airbag"))
    assert [s.path for s in app.seen] == ["/api/get-cached"]


def test_by_id(client, app):
    assert client.by_id(KARMA_POLICE_LIVE.id) == expected(KARMA_POLICE_LIVE)
    assert client.by_id(1) is None
    assert [s.path for s in app.seen] == [f"/api/get/{KARMA_POLICE_LIVE.id}", "/api/get/1"]


def test_search_by_track_and_artist(client, app):
    records = client.search(track="Karma Police", artist="Radiohead")

    assert records == [expected(KARMA_POLICE), expected(KARMA_POLICE_LIVE)]
    assert app.seen[-1].args == {"track_name": "Karma Police", "artist_name": "Radiohead"}


def test_search_finds_the_duration_off_record(client):
    artist, _, title = DURATION_OFF

    records = client.search(track=title, artist=artist)

    assert [(r.id, r.duration_s) for r in records] == [(find_record(*DURATION_OFF).id, 193.0)]


def test_search_by_q_sends_only_q(client, app):
    records = client.search(track="ignored", artist="ignored", q="radiohead")

    assert len(records) == 20
    assert app.seen[-1].args == {"q": "radiohead"}


def test_search_without_hits_is_empty(client):
    assert client.search(track="Electioneering", artist="Radiohead") == []


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda c: c.get(track="", artist="Radiohead"), "track_name"),
        (lambda c: c.get(track="Airbag", artist=" "), "artist_name"),
        (lambda c: c.search(track=""), "q or track_name"),
    ],
)
def test_validation_error_is_rejected_naming_the_field(client, call, field):
    with pytest.raises(LrclibRejected) as caught:
        call(client)

    assert caught.value.status == 400
    assert caught.value.message.startswith(f"400 ValidationError: {field}: ")


def test_server_error_is_unavailable(client, app):
    app.fail_next(1, status=500)

    with pytest.raises(LrclibUnavailable) as caught:
        client.get(track="Airbag", artist="Radiohead")

    assert caught.value.status == 500
    assert caught.value.message == "500 UnknownError: Emulated failure (api/get)"
    assert caught.value.retry_after_s is None
    assert app.request_count == 1


def test_one_503_is_retried_by_the_session(client, app):
    app.fail_next(1, status=503)

    assert client.get(track="Airbag", artist="Radiohead").id == find_record("Radiohead", "OK Computer", "Airbag").id
    assert app.request_count == 2


def test_lasting_503_is_unavailable(server, app):
    app.fail_next(5, status=503)
    client = LrclibClient(base_url=server.url, client_id=CLIENT_ID, timeout=5, retries=0)

    with pytest.raises(LrclibUnavailable) as caught:
        client.search(track="Airbag")

    assert caught.value.status == 503
    assert caught.value.message == "503 ServiceUnavailable: Emulated failure (api/search)"
    assert app.request_count == 1


@pytest.mark.parametrize(("retry_after", "retry_after_s"), [(30, 30.0), (None, 60.0)])
def test_rate_limit_is_unavailable_with_retry_after(client, app, retry_after, retry_after_s):
    app.fail_next(1, status=429, retry_after=retry_after)

    with pytest.raises(LrclibUnavailable) as caught:
        client.by_id(KARMA_POLICE.id)

    assert caught.value.status == 429
    assert caught.value.retry_after_s == retry_after_s
    assert app.request_count == 1


def test_slow_answer_is_unavailable(server, app):
    app.latency_s = 0.5
    client = LrclibClient(base_url=server.url, client_id=CLIENT_ID, timeout=0.1, retries=0)

    with pytest.raises(LrclibUnavailable) as caught:
        client.get(track="Airbag", artist="Radiohead")

    assert caught.value.message.endswith("(timed out)")


def test_unreachable_lrclib_is_unavailable():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    client = LrclibClient(base_url=f"http://127.0.0.1:{port}", client_id=CLIENT_ID, timeout=2, retries=0)

    with pytest.raises(LrclibUnavailable) as caught:
        client.get(track="Airbag", artist="Radiohead")

    assert caught.value.message.startswith("cannot connect to 127.0.0.1")


class ScriptedLrclib(EmulatorApp):
    """Answers every path with one scripted status and raw body, for the answers the real emulator never gives."""

    name = "scripted-lrclib"
    routes = [Rule("/<path:path>", endpoint="answer")]

    def __init__(self) -> None:
        super().__init__()
        self.status = 200
        self.body = b""
        self.content_type = "application/json"

    def answer(self, request: Request, path: str) -> Response:
        return Response(self.body, status=self.status, content_type=self.content_type)


@pytest.fixture(scope="module")
def scripted_server():
    with serve_in_thread(ScriptedLrclib()) as server:
        yield server


@pytest.fixture
def scripted(scripted_server):
    client = LrclibClient(base_url=scripted_server.url, client_id=CLIENT_ID, timeout=5, retries=0)
    yield scripted_server.app, client
    client.close()


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ([], "expected a record object, got []"),
        (None, "expected a record object, got null"),
        ({"trackName": "Airbag", "artistName": "Radiohead"}, "record without an integer 'id'"),
        ({"id": True, "trackName": "Airbag", "artistName": "Radiohead"}, "record without an integer 'id'"),
        ({"id": "7", "trackName": "Airbag", "artistName": "Radiohead"}, "record without an integer 'id'"),
        ({"id": 7, "artistName": "Radiohead"}, "record without a 'trackName'"),
        ({"id": 7, "trackName": "Airbag", "artistName": None}, "record without a 'artistName'"),
    ],
)
def test_malformed_record_is_rejected(scripted, body, message):
    app, client = scripted
    app.status, app.body, app.content_type = 200, json.dumps(body).encode(), "application/json"

    with pytest.raises(LrclibRejected) as caught:
        client.get(track="Airbag", artist="Radiohead")

    assert caught.value.message.startswith(message)


def test_search_that_is_not_an_array_is_rejected(scripted):
    app, client = scripted
    app.status, app.body, app.content_type = 200, b'{"id": 1}', "application/json"

    with pytest.raises(LrclibRejected) as caught:
        client.search(track="Airbag")

    assert caught.value.message == 'expected an array of records, got {"id": 1}'


def test_html_instead_of_json_is_rejected(scripted):
    app, client = scripted
    app.status, app.body, app.content_type = 200, b"<!doctype html><title>lrclib</title>", "text/html"

    with pytest.raises(LrclibRejected) as caught:
        client.get(track="Airbag", artist="Radiohead")

    assert caught.value.message == "expected JSON from api/get, got text/html"


def test_404_that_is_not_track_not_found_is_rejected(scripted):
    app, client = scripted
    app.status, app.body, app.content_type = 404, b"<html>Not Found</html>", "text/html"

    with pytest.raises(LrclibRejected) as caught:
        client.get(track="Airbag", artist="Radiohead")

    assert caught.value.status == 404
    assert caught.value.message == "404 NOT FOUND (api/get)"


def test_parse_record_ignores_unknown_keys_and_reads_nulls_as_none():
    body = {
        "id": 3396226,
        "name": "Glass Harbour",
        "trackName": "Glass Harbour",
        "artistName": "Northline",
        "albumName": None,
        "duration": 214,
        "instrumental": False,
        "plainLyrics": "",
        "syncedLyrics": None,
        "lang": "en",
        "isrc": "GBAAA0000001",
        "lyricsfile": "version: 1",
    }

    assert parse_record(body) == LyricsRecord(
        id=3396226,
        track="Glass Harbour",
        artist="Northline",
        album=None,
        duration_s=214.0,
        instrumental=False,
        plain=None,
        synced=None,
    )


def test_parse_record_falls_back_to_name_and_tolerates_missing_fields():
    record = parse_record({"id": 1, "name": "Glass Harbour", "artistName": "Northline", "duration": "214"})

    assert record == LyricsRecord(1, "Glass Harbour", "Northline", None, None, False, None, None)


def test_parse_records_rejects_a_bad_element():
    with pytest.raises(LrclibRejected) as caught:
        parse_records([5])

    assert caught.value.message == "expected a record object, got 5"
