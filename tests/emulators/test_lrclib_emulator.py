"""The LRCLIB emulator seen over raw HTTP, against metadata_services.md §5.2."""

from __future__ import annotations

import argparse
import re

import pytest
import requests

from emulators.lrclib import (
    DURATION_OFF,
    DURATION_OFF_BY_S,
    INSTRUMENTAL,
    LIVE_PAIR,
    MISSING,
    PLAIN_ONLY,
    RECORDS,
    RENAMED_ALBUM,
    RENAMED_ALBUM_NAME,
    SEARCH_LIMIT,
    TRACK_NOT_FOUND,
    LrclibEmulator,
    add_arguments,
    build,
    find_record,
    normalize,
    records_titled,
)
from emulators.lrclib.dataset import lrc_stamp, record_id
from emulators.slskd.catalogue import ALBUMS

RECORD_KEYS = [
    "id",
    "name",
    "trackName",
    "artistName",
    "albumName",
    "duration",
    "instrumental",
    "plainLyrics",
    "syncedLyrics",
]
KARMA_POLICE = find_record(*LIVE_PAIR[0])
KARMA_POLICE_LIVE = find_record(*LIVE_PAIR[1])
BAD_DURATION = "duration: must be a number from 1 to 3600"
HARDER = find_record("Daft Punk", "Discovery", "Harder, Better, Faster, Stronger")
_SYNCED_LINE = re.compile(r"\[(\d{2}):(\d{2})\.(\d{2})\] (.*)")


@pytest.fixture
def app() -> LrclibEmulator:
    return LrclibEmulator()


@pytest.fixture
def server(emulator, app):
    return emulator(app)


@pytest.fixture
def get(server):
    def call(path: str, **params: str) -> requests.Response:
        return requests.get(f"{server.url}{path}", params=params, timeout=5)

    return call


def test_record_has_exactly_the_contract_keys(get):
    response = get(f"/api/get/{KARMA_POLICE.id}")

    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json"
    body = response.json()
    assert list(body) == RECORD_KEYS
    assert body["id"] == KARMA_POLICE.id
    assert body["name"] == body["trackName"] == "Karma Police"
    assert (body["artistName"], body["albumName"], body["duration"]) == ("Radiohead", "OK Computer", 261.0)
    assert body["instrumental"] is False
    assert body["plainLyrics"] == KARMA_POLICE.plain
    assert body["syncedLyrics"] == KARMA_POLICE.synced


def test_record_may_carry_unknown_keys(get):
    body = get(f"/api/get/{find_record('Radiohead', 'OK Computer', 'Airbag').id}").json()

    assert list(body) == [*RECORD_KEYS, "lang"]
    assert body["lang"] == "en"


@pytest.mark.parametrize("path", ["/api/get", "/api/get-cached"])
def test_get_miss_is_the_exact_track_not_found_body(get, path):
    response = get(path, track_name="Electioneering", artist_name="Radiohead")

    assert response.status_code == 404
    assert response.json() == {"message": "Failed to find specified track", "name": "TrackNotFound", "statusCode": 404}
    assert response.json() == TRACK_NOT_FOUND


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"artist_name": "Radiohead"}, "track_name: must not be empty"),
        ({"track_name": " ", "artist_name": "Radiohead"}, "track_name: must not be empty"),
        ({"track_name": "Airbag"}, "artist_name: must not be empty"),
        ({"track_name": "Airbag", "artist_name": ""}, "artist_name: must not be empty"),
        *[
            ({"track_name": "Airbag", "artist_name": "Radiohead", "duration": value}, BAD_DURATION)
            for value in ("0", "0.9", "3600.1", "abc", "nan", "")
        ],
    ],
)
@pytest.mark.parametrize("path", ["/api/get", "/api/get-cached"])
def test_get_validation_error_body(get, path, params, message):
    response = get(path, **params)

    assert response.status_code == 400
    assert response.json() == {"message": message, "name": "ValidationError", "statusCode": 400}


@pytest.mark.parametrize(
    ("track", "artist", "expected"),
    [
        ("karma police", "RADIOHEAD", KARMA_POLICE.id),
        ("  Karma   Police ", "Radiohead", KARMA_POLICE.id),
        ("Kárma Pólice", "Radiohéad", KARMA_POLICE.id),
        ("Harder Better Faster Stronger", "Dàft Púnk", HARDER.id),
        ("Dont Stop", "fleetwood mac", find_record("Fleetwood Mac", "Rumours", "Don't Stop").id),
        ("exit music for a film", "radiohead", find_record("Radiohead", "OK Computer", "Exit Music (For a Film)").id),
        ("Skew It on the Bar B", "OutKast", find_record("OutKast", "Aquemini", "Skew It on the Bar-B").id),
        ("Karma", "Radiohead", None),
        ("Karma Police", "Radio head", None),
    ],
)  # fmt: skip
def test_get_matches_title_and_artist_normalised_exactly(get, track, artist, expected):
    response = get("/api/get", track_name=track, artist_name=artist)

    assert response.status_code == (404 if expected is None else 200)
    assert response.json().get("id") == expected


@pytest.mark.parametrize(
    ("duration", "expected"),
    [
        ("261", KARMA_POLICE.id),
        ("263.0", KARMA_POLICE.id),
        ("259", KARMA_POLICE.id),
        ("263.1", None),
        ("258.9", None),
        ("287", KARMA_POLICE_LIVE.id),
        ("285", KARMA_POLICE_LIVE.id),
        ("284.9", None),
    ],
)
def test_get_duration_within_two_seconds(get, duration, expected):
    response = get("/api/get", track_name="Karma Police", artist_name="Radiohead", duration=duration)

    assert response.status_code == (404 if expected is None else 200)
    assert response.json().get("id") == expected


@pytest.mark.parametrize(
    ("album", "expected"),
    [
        ("", find_record(*RENAMED_ALBUM).id),
        ("OK Computer", None),
        (RENAMED_ALBUM_NAME, find_record(*RENAMED_ALBUM).id),
        ("ok computer oknotok 1997-2017", find_record(*RENAMED_ALBUM).id),
        ("Live at Glastonbury 1997", find_record("Radiohead", "Live at Glastonbury 1997", "Lucky").id),
    ],
)
def test_get_album_filter_is_exact_when_given(get, album, expected):
    params = {"track_name": "Lucky", "artist_name": "Radiohead"} | ({"album_name": album} if album else {})

    response = get("/api/get", **params)

    assert response.status_code == (404 if expected is None else 200)
    assert response.json().get("id") == expected


def test_get_without_duration_or_album_answers_the_first_version(get):
    assert get("/api/get", track_name="Karma Police", artist_name="Radiohead").json()["id"] == KARMA_POLICE.id


def test_get_cached_answers_like_get(get):
    params = {"track_name": "Karma Police", "artist_name": "Radiohead", "duration": "287"}

    assert get("/api/get-cached", **params).json() == get("/api/get", **params).json()


def test_duration_off_record_is_missed_by_get_but_found_by_search(get):
    artist, album, title = DURATION_OFF
    wanted_s = next(seconds for name, seconds in _album_tracks(album) if name == title)

    miss = get("/api/get", track_name=title, artist_name=artist, album_name=album, duration=str(wanted_s))
    found = get("/api/search", track_name=title, artist_name=artist).json()

    assert miss.status_code == 404
    assert [(r["id"], r["duration"]) for r in found] == [(find_record(*DURATION_OFF).id, wanted_s + DURATION_OFF_BY_S)]


@pytest.mark.parametrize("key", INSTRUMENTAL)
def test_instrumental_records_have_no_lyrics(get, key):
    body = get("/api/get", track_name=key[2], artist_name=key[0], album_name=key[1]).json()

    assert (body["instrumental"], body["plainLyrics"], body["syncedLyrics"]) == (True, None, None)


@pytest.mark.parametrize("key", PLAIN_ONLY)
def test_plain_only_records_have_no_synced_lyrics(get, key):
    body = get("/api/get", track_name=key[2], artist_name=key[0]).json()

    assert body["instrumental"] is False
    assert body["syncedLyrics"] is None
    assert body["plainLyrics"] == find_record(*key).plain


@pytest.mark.parametrize("key", MISSING)
def test_missing_tracks_have_no_record_anywhere(get, key):
    assert get("/api/get", track_name=key[2], artist_name=key[0]).status_code == 404
    assert get("/api/search", track_name=key[2], artist_name=key[0]).json() == []


def test_karaoke_album_has_no_records():
    assert [r for r in RECORDS if r.album == "Karaoke Hits of the 90s Vol. 3"] == []


def test_get_by_id_unknown_is_track_not_found(get):
    response = get("/api/get/1")

    assert response.status_code == 404
    assert response.json() == TRACK_NOT_FOUND


def test_get_by_id_not_a_number_is_a_validation_error(get):
    response = get("/api/get/abc")

    assert response.status_code == 400
    assert response.json() == {
        "message": "id: must be a positive integer",
        "name": "ValidationError",
        "statusCode": 400,
    }


def test_search_by_fields_ranks_exact_titles_first(get):
    body = get("/api/search", track_name="Lucky", artist_name="Radiohead").json()

    assert [(r["trackName"], r["albumName"]) for r in body] == [
        ("Lucky", RENAMED_ALBUM_NAME),
        ("Lucky", "Live at Glastonbury 1997"),
    ]


def test_search_by_title_alone_puts_longer_titles_after_exact_ones(get):
    body = get("/api/search", track_name="lucky").json()

    assert [(r["trackName"], r["artistName"]) for r in body] == [
        ("Lucky", "Radiohead"),
        ("Lucky", "Radiohead"),
        ("Lucky Man", "The Verve"),
    ]


def test_search_by_fields_returns_album_and_live_versions(get):
    body = get("/api/search", track_name="Karma Police", artist_name="Radiohead").json()

    assert [(r["id"], r["duration"]) for r in body] == [(KARMA_POLICE.id, 261.0), (KARMA_POLICE_LIVE.id, 287.0)]
    assert records_titled("radiohead", "KARMA POLICE") == [KARMA_POLICE, KARMA_POLICE_LIVE]


def test_search_by_fields_filters_on_album(get):
    body = get("/api/search", track_name="Karma Police", artist_name="Radiohead", album_name="Glastonbury").json()

    assert [r["id"] for r in body] == [KARMA_POLICE_LIVE.id]


def test_search_q_ranks_title_hits_over_album_hits(get):
    body = get("/api/search", q="aquemini outkast").json()

    assert body[0]["trackName"] == "Aquemini"
    assert [r["trackName"] for r in body[1:3]] == ['Return of the "G"', "Rosa Parks"]
    assert len(body) == 11


def test_search_q_exact_title_first(get):
    body = get("/api/search", q="Come as You Are").json()

    assert [(r["trackName"], r["albumName"]) for r in body] == [
        ("Come as You Are", "Nevermind"),
        ("Come as You Are", "MTV Unplugged in New York"),
    ]


def test_search_is_capped_at_twenty(get):
    radiohead = [r for r in RECORDS if r.artist == "Radiohead"]

    body = get("/api/search", q="radiohead").json()

    assert len(radiohead) == 29
    assert len(body) == SEARCH_LIMIT == 20
    assert [r["id"] for r in body] == [r.id for r in radiohead[:20]]


def test_search_needs_q_or_track_name(get):
    response = get("/api/search", artist_name="Radiohead")

    assert response.status_code == 400
    assert response.json() == {
        "message": "q or track_name: one of them must not be empty",
        "name": "ValidationError",
        "statusCode": 400,
    }


def test_each_request_is_recorded_with_its_client_headers(server, app):
    requests.get(
        f"{server.url}/api/get",
        params={"track_name": "Airbag", "artist_name": "Radiohead"},
        headers={"Lrclib-Client": "Harmony/1.0 (test)", "User-Agent": "harmony-tests"},
        timeout=5,
    )
    requests.get(f"{server.url}/api/search", params={"q": "airbag"}, headers={"User-Agent": "other"}, timeout=5)

    assert app.request_count == 2
    assert [(s.path, s.args, s.lrclib_client, s.user_agent) for s in app.seen] == [
        ("/api/get", {"track_name": "Airbag", "artist_name": "Radiohead"}, "Harmony/1.0 (test)", "harmony-tests"),
        ("/api/search", {"q": "airbag"}, None, "other"),
    ]


@pytest.mark.parametrize(
    ("status", "name"), [(500, "UnknownError"), (503, "ServiceUnavailable"), (429, "TooManyRequests")]
)
def test_fail_next_answers_errors_then_recovers(get, app, status, name):
    app.fail_next(2, status=status, retry_after=7)

    answers = [get(f"/api/get/{KARMA_POLICE.id}") for _ in range(3)]

    assert [a.status_code for a in answers] == [status, status, 200]
    assert answers[0].json() == {"message": "Emulated failure", "name": name, "statusCode": status}
    assert answers[0].headers["Retry-After"] == "7"
    assert app.request_count == 3


def test_failure_without_retry_after_sends_no_header(get, app):
    app.fail_next(1, status=503)

    assert "Retry-After" not in get("/api/search", q="airbag").headers


def test_synced_lyrics_are_lrclib_lines_within_the_duration():
    synced = [r for r in RECORDS if r.synced is not None]

    for record in synced:
        lines = [_SYNCED_LINE.fullmatch(line) for line in record.synced.split("\n")]
        assert all(lines), record.track
        stamps = [int(m[1]) * 60 + int(m[2]) + int(m[3]) / 100 for m in lines]
        assert stamps == sorted(stamps)
        assert stamps[-1] < record.duration
        assert [m[4] for m in lines if m[4]] == [line for line in record.plain.split("\n") if line]
    assert len(synced) == len(RECORDS) - len(INSTRUMENTAL) - len(PLAIN_ONLY)


def test_synced_lyrics_vary_between_start_at_zero_and_blank_lines():
    synced = [r.synced for r in RECORDS if r.synced is not None]

    assert any(text.startswith("[00:00.00] ") for text in synced)
    assert any(not text.startswith("[00:00.00] ") for text in synced)
    assert any("] \n" in text for text in synced)
    assert any("] \n" not in text for text in synced)


@pytest.mark.parametrize(
    ("seconds", "stamp"), [(0, "[00:00.00]"), (5.5, "[00:05.50]"), (61.234, "[01:01.23]"), (599.999, "[10:00.00]")]
)
def test_lrc_stamp(seconds, stamp):
    assert lrc_stamp(seconds) == stamp


@pytest.mark.parametrize(
    ("text", "key"),
    [("Don't Stop", "dont stop"), ("Skew It on the Bar-B", "skew it on the bar b"), ("Sigur Rós", "sigur ros")],
)
def test_normalize(text, key):
    assert normalize(text) == key


def test_record_ids_are_stable_and_unique():
    assert KARMA_POLICE.id == record_id("Radiohead", "OK Computer", "Karma Police")
    assert len({r.id for r in RECORDS}) == len(RECORDS) == 160


def test_find_record_raises_for_a_track_without_one():
    with pytest.raises(KeyError):
        find_record(*MISSING[0])


def test_build_reads_its_arguments():
    parser = argparse.ArgumentParser()
    add_arguments(parser)

    app = build(parser.parse_args(["--latency", "0.25"]))

    assert isinstance(app, LrclibEmulator)
    assert app.latency_s == 0.25
    assert build(parser.parse_args([])).latency_s == 0.0


def _album_tracks(album: str) -> tuple[tuple[str, int], ...]:
    return next(a.tracks for a in ALBUMS.values() if a.title == album)
