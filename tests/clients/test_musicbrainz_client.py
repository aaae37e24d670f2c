"""The MusicBrainz client against the emulator over real HTTP (contract: metadata_services.md §4.4)."""

from __future__ import annotations

import pytest

from emulators.musicbrainz import WORLD, MusicBrainzEmulator, isrc_of, recording_id, release_id
from harmony.clients import musicbrainz as mb

AGENT = "Harmony/1.0 ( https://example.org/contact )"
DISCOVERY = release_id("Daft Punk", "Discovery")
SINGLE = release_id("Daft Punk", "One More Time")
ONE_MORE_TIME = recording_id("Daft Punk", "Discovery", "One More Time")
AIRBAG = recording_id("Radiohead", "OK Computer", "Airbag")
TIDAL_LINES = release_id("Northline", "Tidal Lines (Deluxe Edition)")


@pytest.fixture
def app() -> MusicBrainzEmulator:
    return MusicBrainzEmulator(rate_limit_per_s=0)


@pytest.fixture
def calls() -> list[int]:
    return []


@pytest.fixture
def client(emulator, app, calls) -> mb.MusicBrainzClient:
    server = emulator(app)
    return mb.MusicBrainzClient(base_url=server.url, user_agent=AGENT, timeout=5, throttle=lambda: calls.append(1))


def test_recordings_by_isrc_resolves_a_spotify_isrc(client):
    (recording,) = client.recordings_by_isrc(isrc_of("Daft Punk", "One More Time", "One More Time"))
    assert recording.id == ONE_MORE_TIME
    assert recording.length_ms == WORLD.recordings[ONE_MORE_TIME].length_ms
    assert recording.isrcs == ("FRHMY0100001", "FRHMY0000001")
    assert recording.first_release_date == "2000-11-13"
    assert [(r.id, r.release_group.primary_type) for r in recording.releases] == [
        (DISCOVERY, "Album"),
        (SINGLE, "Single"),
    ]
    assert recording.releases[0].track_position is None
    assert recording.score is None


def test_recordings_by_isrc_accepts_hyphens_and_unknown_is_empty(client):
    assert [r.id for r in client.recordings_by_isrc("gb-hmy-97-00001")] == [AIRBAG]
    assert client.recordings_by_isrc("XXHMY9900001") == []


def test_recordings_by_isrc_malformed_is_rejected(client):
    with pytest.raises(mb.MusicBrainzRejected) as caught:
        client.recordings_by_isrc("nope")
    assert caught.value.status == 400


def test_search_with_duration_window(client):
    length_s = WORLD.recordings[AIRBAG].length_ms / 1000
    found = client.search_recordings(title="Airbag", artist="Radiohead", duration_s=length_s + 2.5)
    assert [(r.id, r.score) for r in found] == [(AIRBAG, 100)]
    release = found[0].releases[0]
    assert (release.title, release.track_position, release.track_number, release.track_count) == (
        "OK Computer",
        1,
        "1",
        12,
    )
    assert release.medium_position == 1
    assert client.search_recordings(title="Airbag", artist="Radiohead", duration_s=length_s + 4) == []


def test_search_escapes_lucene_syntax(client):
    found = client.search_recordings(title="Exit Music (For a Film)", artist="Radiohead", album="OK Computer")
    assert [r.id for r in found] == [recording_id("Radiohead", "OK Computer", "Exit Music (For a Film)")]


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("AC/DC", '"AC\\/DC"'),
        ('Say "Hi"', '"Say \\"Hi\\""'),
        ("a+b-c && d || !e", '"a\\+b\\-c \\&\\& d \\|\\| \\!e"'),
        ("(x){y}[z]^~*?:\\", '"\\(x\\)\\{y\\}\\[z\\]\\^\\~\\*\\?\\:\\\\"'),
    ],
)
def test_lucene_phrase_escapes_every_special_character(text, phrase):
    assert mb.lucene_phrase(text) == phrase


def test_featured_credit_display(client):
    found = client.search_recordings(title="Glass Harbour", artist="Northline")
    recording = found[0]
    assert [(r.title, r.score) for r in found] == [("Glass Harbour", 100), ("Harbour Reprise", 40)]
    assert mb.credit_display(recording.artist_credit) == "Northline feat. Mira Vale"
    assert recording.artist_credit[1] == mb.ArtistCredit(
        name="Mira Vale",
        joinphrase="",
        artist_id=WORLD.recordings[recording.id].credits[1].artist.id,
        artist_name="Mira Vale",
        sort_name="Vale, Mira",
    )


def test_recording_detail_has_credits(client):
    detail = client.recording(AIRBAG)
    assert detail.producers == ("Nigel Godrich",)
    assert detail.composers == ("Thom Yorke", "Jonny Greenwood")
    assert detail.lyricists == ("Thom Yorke",)
    assert detail.writers == ()
    assert detail.genres == ("alternative rock", "art rock")
    assert detail.isrcs == ("GBHMY9700001",)
    assert [r.id for r in detail.releases] == [release_id("Radiohead", "OK Computer")]


def test_recording_detail_writers(client):
    detail = client.recording(ONE_MORE_TIME)
    assert detail.writers == ("Thomas Bangalter", "Guy-Manuel de Homem-Christo")
    assert detail.producers == ()


def test_release_with_media_and_labels(client):
    release = client.release(TIDAL_LINES)
    assert (release.title, release.date, release.country, release.status) == (
        "Tidal Lines (Deluxe Edition)",
        "2021-04-16",
        "XW",
        "Official",
    )
    assert release.labels == (mb.Label(name="Harbour Sound", catalog_number="HS-021"),)
    assert [(m.position, m.format, m.track_count) for m in release.media] == [(1, "CD", 4), (2, "CD", 2)]
    assert [(t.number, t.title) for t in release.media[1].tracks] == [("1", "Undertow"), ("2", "Harbour Reprise")]
    glass = release.media[0].tracks[1]
    assert glass.recording_id == recording_id("Northline", "Tidal Lines (Deluxe Edition)", "Glass Harbour")
    assert mb.credit_display(glass.artist_credit) == "Northline feat. Mira Vale"
    assert (release.has_front_art, release.art_count) == (True, 3)
    assert release.genres == ("indie pop", "dream pop")
    assert release.release_group is not None
    assert release.release_group.first_release_date == "2021-04-16"
    assert mb.credit_display(release.artist_credit) == "Northline"


def test_release_without_art(client):
    release = client.release(release_id("Sing Along Stars", "Karaoke Hits of the 90s Vol. 3"))
    assert (release.has_front_art, release.art_count) == (False, 0)


@pytest.mark.parametrize("lookup", ["recording", "release"])
def test_lookup_unknown_is_not_found(client, lookup):
    with pytest.raises(mb.MusicBrainzNotFound) as caught:
        getattr(client, lookup)("00000000-0000-4000-8000-000000000000")
    assert caught.value.status == 404


def test_lookup_malformed_id_is_rejected(client):
    with pytest.raises(mb.MusicBrainzRejected) as caught:
        client.release("not-a-uuid")
    assert not isinstance(caught.value, mb.MusicBrainzNotFound)
    assert caught.value.status == 400


def test_generic_user_agent_is_rejected(emulator, app):
    server = emulator(app)
    client = mb.MusicBrainzClient(base_url=server.url, user_agent="python-requests/2.32", timeout=5)
    with pytest.raises(mb.MusicBrainzRejected) as caught:
        client.release(DISCOVERY)
    assert caught.value.status == 403


def test_persistent_503_is_unavailable_with_retry_after(client, app, calls):
    app.fail_next(3, retry_after="0")  # the first try and the session's two inline retries
    with pytest.raises(mb.MusicBrainzUnavailable) as caught:
        client.release(DISCOVERY)
    assert (caught.value.status, caught.value.retry_after_s) == (503, 0.0)
    assert (app.requests_seen, calls) == (3, [1])


def test_503_without_retry_after_defaults_to_a_second(client, app):
    app.fail_next(3, retry_after=None)
    with pytest.raises(mb.MusicBrainzUnavailable) as caught:
        client.recording(AIRBAG)
    assert caught.value.retry_after_s == 1.0


def test_rate_limit_503_is_retried_inline_once_the_second_passes(emulator):
    app = MusicBrainzEmulator(rate_limit_per_s=1)
    server = emulator(app)
    client = mb.MusicBrainzClient(base_url=server.url, user_agent=AGENT, timeout=5)
    client.release(DISCOVERY)
    assert client.release(SINGLE).id == SINGLE
    assert (app.requests_seen, app.rate_limited) == (3, 1)


def test_throttle_is_called_once_per_request(client, calls):
    client.recordings_by_isrc("GBHMY9700001")
    client.search_recordings(title="Airbag", artist="Radiohead")
    client.recording(AIRBAG)
    client.release(DISCOVERY)
    assert calls == [1, 1, 1, 1]


@pytest.mark.parametrize("suffix", ["", "/", "/ws/2", "/ws/2/"])
def test_base_url_with_or_without_the_service_path(emulator, app, suffix):
    server = emulator(app)
    client = mb.MusicBrainzClient(base_url=server.url + suffix, user_agent=AGENT, timeout=5)
    assert client.base_url == f"{server.url}/ws/2"
    assert client.release(DISCOVERY).id == DISCOVERY


def test_connection_refused_is_unavailable():
    client = mb.MusicBrainzClient(base_url="http://127.0.0.1:9", user_agent=AGENT, timeout=2)
    with pytest.raises(mb.MusicBrainzUnavailable):
        client.release(DISCOVERY)
