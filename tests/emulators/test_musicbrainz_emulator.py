"""The MusicBrainz emulator over raw HTTP, against shared/contracts/metadata_services.md §4.4."""

from __future__ import annotations

import argparse

import pytest
import requests

from emulators.musicbrainz import (
    WORLD,
    MusicBrainzEmulator,
    add_arguments,
    build,
    isrc_of,
    parse_query,
    recording_id,
    release_id,
)
from emulators.musicbrainz.app import Clause, QueryError

AGENT = {"User-Agent": "Harmony/1.0 ( https://example.org/contact )"}
DISCOVERY = release_id("Daft Punk", "Discovery")
SINGLE = release_id("Daft Punk", "One More Time")
ONE_MORE_TIME = recording_id("Daft Punk", "Discovery", "One More Time")
AIRBAG = recording_id("Radiohead", "OK Computer", "Airbag")


@pytest.fixture
def app() -> MusicBrainzEmulator:
    return MusicBrainzEmulator(rate_limit_per_s=0)


@pytest.fixture
def get(emulator, app):
    server = emulator(app)

    def call(path: str, headers: dict[str, str] | None = None, **params) -> requests.Response:
        params.setdefault("fmt", "json")
        return requests.get(f"{server.url}/ws/2/{path}", params=params, headers=headers or AGENT, timeout=5)

    return call


def test_dataset_every_catalogue_album_is_a_release():
    from emulators.slskd.catalogue import ALBUMS

    titles = {(r.credits[0].name, r.title) for r in WORLD.releases.values()}
    assert {(a.artist, a.title) for a in ALBUMS.values()} <= titles
    assert len(WORLD.releases) == len(ALBUMS) + 2  # the "One More Time" single and the two-disc edition


def test_dataset_spotify_isrcs_resolve_to_the_same_recording():
    assert isrc_of("Daft Punk", "Discovery", "One More Time") == "FRHMY0100001"
    assert isrc_of("Daft Punk", "One More Time", "One More Time") == "FRHMY0000001"
    assert recording_id("Daft Punk", "One More Time", "One More Time") == ONE_MORE_TIME
    assert WORLD.recordings[ONE_MORE_TIME].isrcs == ["FRHMY0100001", "FRHMY0000001"]
    assert isrc_of("Radiohead", "OK Computer", "Karma Police") == "GBHMY9700006"


def test_dataset_lengths_are_catalogue_seconds_plus_under_a_second():
    lengths = [r.length_ms - (r.length_ms // 1000) * 1000 for r in WORLD.recordings.values()]
    assert all(0 <= extra <= 900 for extra in lengths)
    assert WORLD.recordings[AIRBAG].length_ms // 1000 == 284


def test_isrc_lookup_is_shaped_as_the_contract(get):
    answer = get("isrc/FRHMY0000001", inc="releases+release-groups+artist-credits")
    body = answer.json()
    assert answer.status_code == 200
    assert list(body) == ["isrc", "recordings"]
    recording = body["recordings"][0]
    assert set(recording) == {
        "id", "title", "length", "disambiguation", "video", "first-release-date", "artist-credit", "releases"
    }  # fmt: skip
    assert recording["id"] == ONE_MORE_TIME
    assert recording["first-release-date"] == "2000-11-13"
    assert [r["id"] for r in recording["releases"]] == [DISCOVERY, SINGLE]
    release = recording["releases"][0]
    assert {"id", "title", "status", "date", "country", "barcode", "release-group"} <= set(release)
    assert set(release["release-group"]) >= {"id", "title", "primary-type", "secondary-types"}
    assert set(recording["artist-credit"][0]) == {"name", "joinphrase", "artist"}
    assert set(recording["artist-credit"][0]["artist"]) >= {"id", "name", "sort-name"}


def test_isrc_lookup_leaves_out_what_inc_did_not_ask_for(get):
    recording = get("isrc/FRHMY0000001").json()["recordings"][0]
    assert "releases" not in recording
    assert "artist-credit" not in recording


@pytest.mark.parametrize(
    ("path", "params", "status"),
    [
        ("isrc/XX0000000000", {}, 404),
        ("isrc/not-an-isrc", {}, 400),
        ("isrc/FRHMY0000001", {"inc": "bogus"}, 400),
        ("recording/not-a-uuid", {}, 400),
        ("recording/00000000-0000-4000-8000-000000000000", {}, 404),
        ("release/00000000-0000-4000-8000-000000000000", {}, 404),
        ("release/1234", {}, 400),
        (f"release/{DISCOVERY}", {"fmt": "xml"}, 400),
        ("recording", {"query": 'recording:"x" OR artist:"y"'}, 400),
    ],
)
def test_errors_have_the_contract_body(get, path, params, status):
    answer = get(path, **params)
    assert answer.status_code == status
    assert set(answer.json()) == {"error", "help"}


def test_not_found_body_says_not_found(get):
    assert get("isrc/XX0000000000").json()["error"] == "Not Found"


@pytest.mark.parametrize(
    ("query", "clauses"),
    [
        ("isrc:GBHMY9700001", [Clause("isrc", "GBHMY9700001")]),
        ('recording:"Exit Music \\(For a Film\\)"', [Clause("recording", "Exit Music (For a Film)")]),
        ('artist:"AC\\/DC" and dur:[1 TO 20]', [Clause("artist", "AC/DC"), Clause("dur", low=1, high=20)]),
        ('release:"Say \\"Hi\\""', [Clause("release", 'Say "Hi"')]),
        ("recording:Airbag AND artist:Radiohead", [Clause("recording", "Airbag"), Clause("artist", "Radiohead")]),
    ],
)
def test_parse_query_reads_the_subset(query, clauses):
    assert parse_query(query) == clauses


@pytest.mark.parametrize(
    "query",
    [
        "Airbag",
        'recording:"Airbag" OR artist:"Radiohead"',
        "recording:Air*",
        "recording:Airbag~",
        "title:Airbag",
        '(recording:"Airbag")',
        'recording:"unterminated',
        "dur:[1 TO]",
        'NOT recording:"Airbag"',
    ],
)
def test_parse_query_refuses_other_syntax(query):
    with pytest.raises(QueryError):
        parse_query(query)


def test_search_exact_match_scores_100_with_media(get):
    query = 'recording:"one more time" AND artist:"DAFT PUNK" AND dur:[318000 TO 324000]'
    body = get("recording", query=query, limit=10).json()
    assert body["count"] == 1
    assert set(body) == {"created", "count", "offset", "recordings"}
    found = body["recordings"][0]
    assert (found["id"], found["score"]) == (ONE_MORE_TIME, 100)
    assert found["isrcs"] == ["FRHMY0100001", "FRHMY0000001"]
    medium = found["releases"][0]["media"][0]
    assert set(medium) >= {"position", "format", "track-count", "track-offset", "track"}
    assert (medium["position"], medium["track-count"], medium["track-offset"]) == (1, 14, 0)
    assert medium["track"][0]["number"] == "1"


def test_search_folds_diacritics_and_ranks_fuzzy_lower(get):
    body = get("recording", query='recording:"Hárder, Better" AND artist:"daft punk"').json()
    assert [(r["title"], r["score"]) for r in body["recordings"]] == [
        ("Harder, Better, Faster, Stronger", 90),
        ("Harder, Better, Faster, Stronger (The Neptunes Remix)", 90),
    ]


def test_search_duration_window_excludes_other_lengths(get):
    length = WORLD.recordings[AIRBAG].length_ms
    inside = get("recording", query=f'recording:"Airbag" AND dur:[{length - 1000} TO {length + 1000}]').json()
    outside = get("recording", query=f'recording:"Airbag" AND dur:[{length + 1} TO 310000]').json()
    assert [r["id"] for r in inside["recordings"]] == [AIRBAG]
    assert [r["title"] for r in outside["recordings"]] == ["Airbag"]  # only the longer live version
    assert outside["recordings"][0]["id"] == recording_id("Radiohead", "Live at Glastonbury 1997", "Airbag")


def test_search_by_isrc_and_featured_artist(get):
    by_isrc = get("recording", query="isrc:GBHMY9700001").json()
    featured = get("recording", query='recording:"Teardrop" AND artist:"Elizabeth Fraser"').json()
    assert [r["id"] for r in by_isrc["recordings"]] == [AIRBAG]
    credit = featured["recordings"][0]["artist-credit"]
    assert [(c["name"], c["joinphrase"]) for c in credit] == [("Massive Attack", " feat. "), ("Elizabeth Fraser", "")]


def test_search_pages_with_limit_and_offset(get):
    first = get("recording", query='artist:"Radiohead"', limit=5).json()
    second = get("recording", query='artist:"Radiohead"', limit=5, offset=5).json()
    assert first["count"] == second["count"] == 30
    assert len(first["recordings"]) == len(second["recordings"]) == 5
    assert not {r["id"] for r in first["recordings"]} & {r["id"] for r in second["recordings"]}


def test_recording_lookup_has_credits_relations_and_genres(get):
    inc = "artist-credits+isrcs+releases+genres+artist-rels+work-rels+work-level-rels"
    body = get(f"recording/{AIRBAG}", inc=inc).json()
    producer, performance = body["relations"]
    assert (producer["type"], producer["target-type"], producer["direction"]) == ("producer", "artist", "backward")
    assert producer["artist"]["name"] == "Nigel Godrich"
    assert performance["target-type"] == "work"
    work_relations = [(r["type"], r["artist"]["name"]) for r in performance["work"]["relations"]]
    assert work_relations == [("composer", "Thom Yorke"), ("composer", "Jonny Greenwood"), ("lyricist", "Thom Yorke")]
    assert [g["name"] for g in body["genres"]] == ["alternative rock", "art rock"]
    assert set(body["genres"][0]) == {"id", "name", "count"}


def test_recording_lookup_without_rels_has_no_relations(get):
    assert "relations" not in get(f"recording/{AIRBAG}", inc="isrcs").json()


def test_release_lookup_has_media_labels_and_art(get):
    inc = "recordings+artist-credits+labels+release-groups+genres"
    body = get(f"release/{release_id('Joy Division', 'Substance')}", inc=inc).json()
    assert body["cover-art-archive"] == {"artwork": True, "count": 1, "front": True, "back": False, "darkened": False}
    assert body["release-group"]["secondary-types"] == ["Compilation"]
    assert body["label-info"][0]["catalog-number"] == "FACT 250"
    assert set(body["label-info"][0]["label"]) >= {"id", "name"}
    track = body["media"][0]["tracks"][0]
    assert set(track) == {"id", "number", "position", "title", "length", "recording", "artist-credit"}
    assert set(track["recording"]) >= {"id", "title", "length"}
    assert (body["status"], body["country"], len(body["barcode"])) == ("Official", "GB", 13)


def test_release_lookup_two_discs(get):
    body = get(f"release/{release_id('Northline', 'Tidal Lines (Deluxe Edition)')}", inc="recordings").json()
    assert [(m["position"], m["track-count"]) for m in body["media"]] == [(1, 4), (2, 2)]
    assert [t["number"] for t in body["media"][1]["tracks"]] == ["1", "2"]


def test_release_without_artwork(get):
    body = get(f"release/{release_id('Sing Along Stars', 'Karaoke Hits of the 90s Vol. 3')}").json()
    assert body["cover-art-archive"]["artwork"] is False
    assert body["cover-art-archive"]["count"] == 0


def test_release_group_types_live_and_single(get):
    live = get(f"release/{release_id('Radiohead', 'Live at Glastonbury 1997')}", inc="release-groups").json()
    single = get(f"release/{SINGLE}", inc="release-groups").json()
    assert (live["release-group"]["primary-type"], live["release-group"]["secondary-types"]) == ("Album", ["Live"])
    assert single["release-group"]["primary-type"] == "Single"


@pytest.mark.parametrize("agent", ["", "python-requests/2.32.3", "Python-urllib/3.11", "Go-http-client/1.1"])
def test_generic_user_agent_is_forbidden(get, agent):
    answer = get(f"release/{DISCOVERY}", headers={"User-Agent": agent})
    assert answer.status_code == 403
    assert set(answer.json()) == {"error", "help"}


def test_rate_limit_second_quick_request_gets_503(emulator):
    app = MusicBrainzEmulator(rate_limit_per_s=1)
    server = emulator(app)
    url = f"{server.url}/ws/2/release/{DISCOVERY}"
    first = requests.get(url, params={"fmt": "json"}, headers=AGENT, timeout=5)
    second = requests.get(url, params={"fmt": "json"}, headers=AGENT, timeout=5)
    assert (first.status_code, second.status_code) == (200, 503)
    assert second.headers["Retry-After"] == "1"
    assert (app.requests_seen, app.rate_limited) == (2, 1)


def test_rate_limit_window_reopens_after_a_second():
    now = [100.0]
    app = MusicBrainzEmulator(rate_limit_per_s=2, clock=lambda: now[0])
    assert [app._over_rate("a"), app._over_rate("a"), app._over_rate("a"), app._over_rate("b")] == [
        False, False, True, False
    ]  # fmt: skip
    now[0] += 1.0
    assert app._over_rate("a") is False


def test_build_reads_the_rate_limit_argument():
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    assert build(parser.parse_args([])).rate_limit_per_s == 1
    assert build(parser.parse_args(["--rate-limit", "0"])).rate_limit_per_s == 0
