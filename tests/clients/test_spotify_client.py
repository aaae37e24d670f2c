"""The Spotify client against the emulator over real HTTP (contract: shared/contracts/spotify.md)."""

from __future__ import annotations

import json
import time
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from emulators.spotify import DEMO_USER, EDITORIAL_ID, ArtistData, SpotifyEmulator, UserData, sid
from harmony.clients import spotify
from harmony.clients.http import OutboundBlocked
from harmony.clients.spotify.data import parse_playlist_row
from harmony.clients.spotify.embed import EmbedShapeChanged, EmbedTrack, SpotifyEmbedClient, parse_embed_page

REDIRECT = "http://127.0.0.1:8000/spotify/callback"
NIGHT_DRIVE = sid("playlist:hubuser:Night Drive")
DEEP_DIVE = sid("playlist:hubuser:Deep Dive")
ROAD_TRIP = sid("playlist:indiefan:Road Trip")
MANCHESTER = sid("playlist:indiefan:Manchester 1979")
KARMA_POLICE = sid("track:Radiohead:OK Computer:Karma Police")


@pytest.fixture
def app() -> SpotifyEmulator:
    return SpotifyEmulator(redirect_uris=(REDIRECT,))


@pytest.fixture
def server(emulator, app):
    return emulator(app)


def make_auth(server, **kwargs) -> spotify.SpotifyAuth:
    return spotify.SpotifyAuth(
        accounts_url=server.url,
        client_id="harmony-test-client",
        redirect_uri=REDIRECT,
        timeout=5,
        user_agent="harmony-tests",
        **kwargs,
    )


def connect(server) -> spotify.Token:
    """The whole PKCE flow: authorize URL → the browser's redirect → code exchange."""
    auth = make_auth(server)
    verifier, challenge = spotify.new_pkce_pair()
    url = auth.authorize_url(state="xyz-state", code_challenge=challenge)
    answer = requests.get(url, allow_redirects=False, timeout=5)
    assert answer.status_code == 302
    location = answer.headers["Location"]
    assert location.startswith(REDIRECT + "?")
    query = parse_qs(urlsplit(location).query)
    assert query["state"] == ["xyz-state"]
    return auth.exchange_code(code=query["code"][0], code_verifier=verifier)


def client_for(server, token: str) -> spotify.SpotifyClient:
    return spotify.SpotifyClient(api_url=server.url, access_token=token, timeout=5, user_agent="harmony-tests")


@pytest.fixture
def client(server) -> spotify.SpotifyClient:
    return client_for(server, connect(server).access_token)


def test_pkce_pair_is_s256():
    verifier, challenge = spotify.new_pkce_pair()
    assert 43 <= len(verifier) <= 128
    assert challenge == spotify.pkce_challenge(verifier)
    assert "=" not in challenge
    assert spotify.new_pkce_pair()[0] != verifier


def test_authorize_url_carries_the_pkce_parameters(server):
    url = make_auth(server).authorize_url(state="s1", code_challenge="c" * 43)
    query = parse_qs(urlsplit(url).query)
    assert url.startswith(f"{server.url}/authorize?")
    assert query["scope"] == [" ".join(spotify.SCOPES)]
    assert query["code_challenge_method"] == ["S256"]
    assert query["response_type"] == ["code"]
    assert query["redirect_uri"] == [REDIRECT]


def test_full_pkce_flow_gives_a_working_token(server):
    token = connect(server)
    assert token.refresh_token
    assert token.scope == spotify.SCOPES
    assert token.expires_at > token.expires_at.now(token.expires_at.tzinfo)
    assert token.access_token not in repr(token)
    assert client_for(server, token.access_token).me().id == DEMO_USER


def test_a_code_is_single_use_and_needs_the_right_verifier(server):
    auth = make_auth(server)
    verifier, challenge = spotify.new_pkce_pair()
    location = requests.get(
        auth.authorize_url(state="s", code_challenge=challenge), allow_redirects=False, timeout=5
    ).headers["Location"]
    code = parse_qs(urlsplit(location).query)["code"][0]
    wrong = spotify.new_pkce_pair()[0]
    with pytest.raises(spotify.SpotifyRejected) as excinfo:
        auth.exchange_code(code=code, code_verifier=wrong)
    assert not isinstance(excinfo.value, spotify.SpotifyReauthorize)
    assert wrong not in str(excinfo.value)
    assert code not in str(excinfo.value)
    with pytest.raises(spotify.SpotifyReauthorize):
        auth.exchange_code(code=code, code_verifier=verifier)


def test_refresh_keeps_the_old_refresh_token_when_none_comes_back(server):
    token = connect(server)
    refreshed = make_auth(server).refresh(refresh_token=token.refresh_token)
    assert refreshed.access_token != token.access_token
    assert refreshed.refresh_token == token.refresh_token
    assert client_for(server, refreshed.access_token).me().id == DEMO_USER


def test_refresh_takes_a_rotated_refresh_token(server, app):
    app.rotate_refresh_tokens = True
    token = connect(server)
    refreshed = make_auth(server).refresh(refresh_token=token.refresh_token)
    assert refreshed.refresh_token not in (None, token.refresh_token)
    with pytest.raises(spotify.SpotifyReauthorize):
        make_auth(server).refresh(refresh_token=token.refresh_token)


def test_revoked_refresh_token_asks_for_reauthorisation_without_leaking_it(server, app):
    token = connect(server)
    app.revoke_refresh_tokens()
    with pytest.raises(spotify.SpotifyReauthorize) as excinfo:
        make_auth(server, client_secret="s3cr3t-value").refresh(refresh_token=token.refresh_token)
    assert excinfo.value.status == 400
    assert "invalid_grant" in str(excinfo.value)
    for secret in (token.refresh_token, token.access_token, "s3cr3t-value"):
        assert secret not in str(excinfo.value)
        assert secret not in repr(excinfo.value)


def test_refresh_token_expires_six_months_after_consent(emulator):
    server = emulator(SpotifyEmulator(redirect_uris=(REDIRECT,), refresh_token_ttl_s=-1))
    token = connect(server)
    with pytest.raises(spotify.SpotifyReauthorize):
        make_auth(server).refresh(refresh_token=token.refresh_token)


def test_expired_access_token_raises_token_expired_without_the_token(server, app):
    token = connect(server)
    app.expire_access_tokens()
    with pytest.raises(spotify.SpotifyTokenExpired) as excinfo:
        client_for(server, token.access_token).me()
    assert "expired" in str(excinfo.value)
    assert token.access_token not in str(excinfo.value)
    assert token.access_token not in repr(client_for(server, token.access_token))


def test_me(client):
    me = client.me()
    assert (me.id, me.display_name, me.product) == (DEMO_USER, "Hub User", None)
    assert me.account_id


def test_my_playlists_lists_owned_collaborative_and_followed(client):
    playlists = {p.id: p for p in client.my_playlists()}
    assert set(playlists) == {NIGHT_DRIVE, DEEP_DIVE, ROAD_TRIP, MANCHESTER, EDITORIAL_ID}
    assert playlists[ROAD_TRIP].collaborative
    assert playlists[MANCHESTER].owner_id == "indiefan"
    assert playlists[DEEP_DIVE].items_total == 54


def test_playlist_entries_follow_next_through_pages(client, app):
    before = app.api_calls
    entries = list(client.playlist_entries(DEEP_DIVE))
    assert len(entries) == 54
    assert app.api_calls - before == 2  # 50 + 4
    assert all(entry.track and entry.track.isrc for entry in entries)
    assert entries[0].track.name == "Airbag"
    assert entries[0].added_at.tzinfo is not None


def test_playlist_entries_cover_local_files_episodes_and_removed_items(client):
    entries = list(client.playlist_entries(NIGHT_DRIVE))
    assert len(entries) == 9
    local = entries[5].track
    assert local is not None
    assert (local.id, local.is_local, local.name, local.artists[0].name) == (None, True, "Basement Song", "Some Band")
    assert entries[6].track is None  # removed
    assert entries[7].track is None  # episode
    assert entries[8].track.id == entries[2].track.id == KARMA_POLICE  # duplicates are kept


def test_playlist_row_falls_back_to_track():
    old = {"added_at": "2020-01-01T00:00:00Z", "track": {"type": "track", "id": "a" * 22, "name": "Old Shape"}}
    assert parse_playlist_row(old).track.name == "Old Shape"
    new = {"added_at": None, "item": {"type": "track", "id": "b" * 22, "name": "New"}, "track": {"name": "Stale"}}
    assert parse_playlist_row(new).track.name == "New"
    episode = {"added_at": None, "item": {"type": "episode", "id": "c" * 22, "name": "Pod"}}
    assert parse_playlist_row(episode).track is None


def test_collaborative_playlist_items_are_readable(client):
    assert len(list(client.playlist_entries(ROAD_TRIP))) == 4


def test_non_owned_playlist_items_are_forbidden_but_metadata_is_not(client):
    with pytest.raises(spotify.SpotifyForbidden) as excinfo:
        list(client.playlist_entries(MANCHESTER))
    assert excinfo.value.status == 403
    playlist = client.playlist(MANCHESTER)
    assert (playlist.name, playlist.owner_id, playlist.items_total) == ("Manchester 1979", "indiefan", None)
    assert client.playlist(NIGHT_DRIVE).items_total == 9


def test_editorial_playlists_are_not_found(client):
    with pytest.raises(spotify.SpotifyNotFound):
        list(client.playlist_entries(EDITORIAL_ID))
    with pytest.raises(spotify.SpotifyNotFound):
        client.playlist(EDITORIAL_ID)


def test_429_raises_rate_limited_with_retry_after_and_never_sleeps(client, app):
    app.rate_limit_next(1, retry_after=86400, quota=True)
    started = time.monotonic()
    with pytest.raises(spotify.SpotifyRateLimited) as excinfo:
        client.me()
    assert time.monotonic() - started < 2
    assert excinfo.value.retry_after_s == 86400
    assert excinfo.value.quota_exceeded
    assert isinstance(excinfo.value, spotify.SpotifyUnavailable)
    assert client.me().id == DEMO_USER


def test_429_without_header_or_body_defaults_to_five_seconds(client, app):
    app.rate_limit_next(1, retry_after=None, empty=True)
    with pytest.raises(spotify.SpotifyRateLimited) as excinfo:
        list(client.saved_tracks())
    assert excinfo.value.retry_after_s == 5
    assert not excinfo.value.quota_exceeded


def test_saved_tracks(client):
    liked = list(client.saved_tracks())
    assert len(liked) == 19
    assert liked[0].added_at > liked[-1].added_at  # newest first
    assert all(entry.track and entry.track.album for entry in liked)


def test_followed_artists_use_cursor_paging(emulator):
    artists = [ArtistData(sid(f"artist:many:{n}"), f"Artist {n}") for n in range(120)]
    app = SpotifyEmulator(redirect_uris=(REDIRECT,), users={"fan": UserData("fan", "Fan", followed_artists=artists)})
    server = emulator(app)
    found = list(client_for(server, app.issue_access_token("fan")).followed_artists())
    assert [a.name for a in found] == [a.name for a in artists]
    assert app.api_calls == 3


def test_followed_artists_of_the_demo_user(client):
    assert [a.name for a in client.followed_artists()] == ["Radiohead", "Daft Punk", "Joy Division"]


def test_track(client):
    track = client.track(KARMA_POLICE)
    assert (track.name, track.artists[0].name, track.album.name) == ("Karma Police", "Radiohead", "OK Computer")
    assert (track.track_number, track.disc_number, track.duration_ms) == (6, 1, 261000)
    assert track.isrc == "GBHMY9700006"
    assert track.album.release_date == "1997-05-21"
    with pytest.raises(spotify.SpotifyNotFound):
        client.track("0" * 22)


def test_search_clamps_the_limit_to_ten(client):
    tracks = client.search_tracks("artist:Radiohead", limit=50)
    assert len(tracks) == 10
    assert all(t.artists[0].name == "Radiohead" for t in tracks)
    assert len(client.search_tracks("artist:Radiohead", limit=0)) == 1
    isrc = client.search_tracks("isrc:GBHMY9700006")
    assert [t.id for t in isrc] == [KARMA_POLICE]
    assert client.search_tracks('track:"Love Will Tear Us Apart" artist:"Joy Division"')[0].name == (
        "Love Will Tear Us Apart"
    )
    assert client.search_tracks("nothing matches this") == []


def test_unreachable_spotify_is_transient():
    client = client_for(type("Down", (), {"url": "http://127.0.0.1:9"})(), "tok-never-shown")
    with pytest.raises(spotify.SpotifyUnavailable) as excinfo:
        client.me()
    assert "tok-never-shown" not in str(excinfo.value)


def test_saved_tracks_summary_is_one_call(server, app):
    client = client_for(server, app.issue_access_token())
    before = app.api_calls

    summary = client.saved_tracks_summary()

    assert app.api_calls == before + 1
    newest = app.users[DEMO_USER].saved[0].added_at
    assert (summary.total, summary.newest_added_at) == (19, spotify.parse_timestamp(newest))


def embed_client(server, **kwargs) -> SpotifyEmbedClient:
    return SpotifyEmbedClient(embed_url=server.url, timeout=5, user_agent="harmony-tests", **kwargs)


def test_embed_client_reads_a_public_playlist(server):
    playlist = embed_client(server).playlist(NIGHT_DRIVE)

    assert (playlist.id, playlist.name, playlist.owner, len(playlist.tracks)) == (NIGHT_DRIVE, "Night Drive",
                                                                                  "Hub User", 6)  # fmt: skip
    assert playlist.tracks[2] == EmbedTrack(id=KARMA_POLICE, title="Karma Police", artists=("Radiohead",),
                                            duration_ms=261000)  # fmt: skip


def test_embed_client_private_and_dead_playlists_are_not_found(server, app):
    app.dead_embeds.add(NIGHT_DRIVE)

    for playlist in (DEEP_DIVE, NIGHT_DRIVE):
        with pytest.raises(spotify.SpotifyNotFound):
            embed_client(server).playlist(playlist)


def test_embed_client_caps_the_page_size(server):
    with pytest.raises(spotify.SpotifyRejected, match="larger than 1000 bytes"):
        embed_client(server, max_bytes=1000).playlist(NIGHT_DRIVE)


def _page(next_data: str) -> str:
    return f'<html><script id="__NEXT_DATA__" type="application/json">{next_data}</script></html>'


@pytest.mark.parametrize(
    ("html", "missing"),
    [
        ("<html>no data</html>", "script#__NEXT_DATA__"),
        (_page("{not json"), "script#__NEXT_DATA__ (not JSON)"),
        (_page('{"props": {}}'), "props.pageProps"),
        (_page('{"props": {"pageProps": {"state": {"data": {}}}}}'), "props.pageProps.state.data.entity"),
        (_page('{"props": {"pageProps": {"state": {"data": {"entity": {"items": []}}}}}}'),
         "props.pageProps.state.data.entity.trackList"),
        (_page('{"props": {"pageProps": {"state": {"data": {"entity": {"trackList": [{"uri": "x"}]}}}}}}'),
         "props.pageProps.state.data.entity.trackList[0].title/subtitle"),
    ],
)  # fmt: skip
def test_embed_page_shape_changes_name_the_missing_path(html, missing):
    with pytest.raises(EmbedShapeChanged) as caught:
        parse_embed_page(html, NIGHT_DRIVE)

    assert caught.value.missing == missing


def test_embed_page_splits_artists_only_on_the_no_break_separator():
    row = {"uri": f"spotify:track:{KARMA_POLICE}", "title": "Song", "subtitle": "Tyler, the Creator,\u00a0Kali Uchis",
           "duration": 1000, "entityType": "track"}  # fmt: skip
    data = json.dumps({"props": {"pageProps": {"state": {"data": {"entity": {"name": "P", "trackList": [row]}}}}}})

    (track,) = parse_embed_page(_page(data), NIGHT_DRIVE).tracks

    assert track.artists == ("Tyler, the Creator", "Kali Uchis")


def test_embed_client_refuses_other_hosts(server):
    client = embed_client(server)

    with pytest.raises(OutboundBlocked):
        client.session.get("https://open.spotify.com/embed/playlist/x")


def test_album_tracks_carry_the_album_but_no_isrc(server, app):
    album, tracks = client_for(server, app.issue_access_token()).album_tracks(sid("album:Radiohead:Kid A"))

    assert (album.name, album.release_date, album.album_type) == ("Kid A", "2000", "album")
    assert [t.track_number for t in tracks] == list(range(1, 11))
    assert {(t.album, t.isrc) for t in tracks} == {(album, None)}
