"""The Cover Art Archive client against the emulator over real HTTP (contract: metadata_services.md §4.4)."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from emulators.coverart import ORIGINAL_PX, CoverArtEmulator, images_of
from emulators.musicbrainz import WORLD, release_group_id, release_id
from harmony.clients import coverart
from harmony.clients.http import OutboundBlocked

AGENT = "Harmony/1.0 ( https://example.org/contact )"
OK_COMPUTER = release_id("Radiohead", "OK Computer")
SUBSTANCE = release_id("Joy Division", "Substance")
KARAOKE = release_id("Sing Along Stars", "Karaoke Hits of the 90s Vol. 3")
FRONT_ID = str(images_of(WORLD.releases[OK_COMPUTER])[0].id)


def make_client(server, **kwargs) -> coverart.CoverArtClient:
    return coverart.CoverArtClient(base_url=server.url, user_agent=AGENT, timeout=5, **kwargs)


@pytest.fixture
def app() -> CoverArtEmulator:
    return CoverArtEmulator()


@pytest.fixture
def server(emulator, app):
    return emulator(app)


@pytest.fixture
def client(server) -> coverart.CoverArtClient:
    return make_client(server)


def test_images_follow_the_307_to_the_listing(client, server, app):
    front, back = client.images("release", OK_COMPUTER)
    base = f"{server.url}/release/{OK_COMPUTER}/{FRONT_ID}"
    assert (front.id, front.types, front.front, front.back, front.approved) == (FRONT_ID, ("Front",), True, False, True)
    assert (front.image_url, front.thumbnail_1200, front.thumbnail(250)) == (
        f"{base}.jpg",
        f"{base}-1200.jpg",
        f"{base}-250.jpg",
    )
    assert back.types == ("Back",)
    assert app.requests_seen == 2  # the redirect and the index


def test_images_unknown_or_without_art_is_empty(client):
    assert client.images("release", KARAOKE) == []
    assert client.images("release", "00000000-0000-4000-8000-000000000000") == []


def test_images_bad_uuid_is_rejected(client):
    with pytest.raises(coverart.CoverArtRejected) as caught:
        client.images("release", "not-a-uuid")
    assert caught.value.status == 400


@pytest.mark.parametrize(("size", "pixels"), [(1200, 1200), (500, 500), (250, 250), (0, ORIGINAL_PX)])
def test_front_is_a_real_jpeg_of_the_size(client, server, size, pixels):
    fetched = client.front("release", OK_COMPUTER, size=size)
    image = Image.open(io.BytesIO(fetched.data))
    suffix = f"-{size}" if size else ""
    assert (image.format, image.size) == ("JPEG", (pixels, pixels))
    assert fetched.url == f"{server.url}/release/{OK_COMPUTER}/{FRONT_ID}{suffix}.jpg"
    assert fetched.final_url == f"{server.url}/archive/release/{OK_COMPUTER}/{FRONT_ID}{suffix}.jpg"
    assert (fetched.content_type, fetched.image_id, fetched.size) == ("image/jpeg", FRONT_ID, size or None)


def test_front_falls_back_from_1200_to_500(client):
    fetched = client.front("release", SUBSTANCE, size=1200)
    assert fetched.size == 500
    assert Image.open(io.BytesIO(fetched.data)).size == (500, 500)


def test_front_of_a_release_group(client):
    fetched = client.front("release-group", release_group_id("Radiohead", "OK Computer"))
    assert fetched.image_id == FRONT_ID


def test_front_without_art_is_none(client):
    assert client.front("release", KARAOKE) is None


def test_front_refuses_an_unknown_size(client):
    with pytest.raises(ValueError, match="size"):
        client.front("release", OK_COMPUTER, size=300)


def test_redirect_to_a_host_outside_the_allow_list_is_blocked(emulator):
    archive = emulator(CoverArtEmulator())
    server = emulator(CoverArtEmulator(archive_url=archive.url.replace("127.0.0.1", "localhost")))
    with pytest.raises(OutboundBlocked) as caught:
        make_client(server).images("release", OK_COMPUTER)
    assert isinstance(caught.value, coverart.CoverArtRejected)


@pytest.mark.parametrize("allowance", [{"allowed_hosts": ("localhost",)}, {"allowed_host_suffixes": ("host",)}])
def test_redirect_to_an_allowed_host_is_followed(emulator, allowance):
    archive_app = CoverArtEmulator()
    archive = emulator(archive_app)
    server = emulator(CoverArtEmulator(archive_url=archive.url.replace("127.0.0.1", "localhost")))
    fetched = make_client(server, **allowance).front("release", OK_COMPUTER, size=250)
    assert fetched.final_url.startswith(archive.url.replace("127.0.0.1", "localhost"))
    assert Image.open(io.BytesIO(fetched.data)).size == (250, 250)
    # The index, then the image URL it lists (built from its own host): a redirect and the file.
    assert archive_app.requests_seen == 3


def test_redirect_loop_stops_after_the_limit(emulator):
    looping = CoverArtEmulator()
    server = emulator(looping)
    looping.archive_url = f"{server.url}/release/{OK_COMPUTER}/front?"  # every hop redirects again
    with pytest.raises(coverart.CoverArtRejected, match="more than 5 redirects"):
        make_client(server).images("release", OK_COMPUTER)


def test_max_bytes_refuses_a_large_image(server):
    with pytest.raises(coverart.CoverArtRejected, match="image larger than 20000 bytes"):
        make_client(server, max_bytes=20_000).front("release", OK_COMPUTER, size=0)


def test_server_error_is_unavailable(client, app):
    app.fail_next(3, status=503)
    with pytest.raises(coverart.CoverArtUnavailable) as caught:
        client.images("release", OK_COMPUTER)
    assert caught.value.status == 503
