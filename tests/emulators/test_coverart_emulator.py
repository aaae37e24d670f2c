"""The Cover Art Archive emulator over raw HTTP, against shared/contracts/metadata_services.md §4.4."""

from __future__ import annotations

import argparse
import io

import pytest
import requests
from PIL import Image

from emulators.coverart import ORIGINAL_PX, CoverArtEmulator, add_arguments, build, colour_of, images_of
from emulators.musicbrainz import WORLD, release_group_id, release_id

OK_COMPUTER = release_id("Radiohead", "OK Computer")
SUBSTANCE = release_id("Joy Division", "Substance")
MEZZANINE = release_id("Massive Attack", "Mezzanine")
RUMOURS = release_id("Fleetwood Mac", "Rumours")
KARAOKE = release_id("Sing Along Stars", "Karaoke Hits of the 90s Vol. 3")


@pytest.fixture
def server(emulator):
    return emulator(CoverArtEmulator())


def get(server, path: str) -> requests.Response:
    return requests.get(f"{server.url}{path}", allow_redirects=False, timeout=5)


def follow(server, path: str) -> requests.Response:
    return requests.get(f"{server.url}{path}", timeout=5)


def test_listing_redirects_to_the_archive_index(server):
    answer = get(server, f"/release/{OK_COMPUTER}")
    assert answer.status_code == 307
    assert answer.headers["Location"] == f"{server.url}/archive/release/{OK_COMPUTER}/index.json"


def test_index_is_shaped_as_the_contract(server):
    body = follow(server, f"/release/{OK_COMPUTER}").json()
    front_id = images_of(WORLD.releases[OK_COMPUTER])[0].id
    base = f"{server.url}/release/{OK_COMPUTER}/{front_id}"
    assert set(body) == {"release", "images"}
    assert body["release"] == f"https://musicbrainz.org/release/{OK_COMPUTER}"
    front, back = body["images"]
    assert set(front) == {"id", "types", "front", "back", "approved", "comment", "edit", "image", "thumbnails"}
    assert (front["id"], front["types"], front["front"], front["back"]) == (front_id, ["Front"], True, False)
    assert back["types"] == ["Back"]
    assert front["image"] == f"{base}.jpg"
    assert front["thumbnails"] == {
        "250": f"{base}-250.jpg",
        "500": f"{base}-500.jpg",
        "1200": f"{base}-1200.jpg",
        "small": f"{base}-250.jpg",
        "large": f"{base}-500.jpg",
    }


def test_old_image_lacks_1200(server):
    front = follow(server, f"/release/{SUBSTANCE}").json()["images"][0]
    assert sorted(front["thumbnails"]) == ["250", "500", "large", "small"]
    assert get(server, f"/release/{SUBSTANCE}/front-1200").status_code == 404


def test_release_group_redirects_to_its_release(server):
    answer = get(server, f"/release-group/{release_group_id('Radiohead', 'OK Computer')}")
    assert answer.headers["Location"] == f"{server.url}/archive/release/{OK_COMPUTER}/index.json"


@pytest.mark.parametrize(
    ("path", "status"),
    [
        (f"/release/{KARAOKE}", 404),
        (f"/release/{KARAOKE}/front", 404),
        ("/release/00000000-0000-4000-8000-000000000000", 404),
        ("/release/not-a-uuid", 400),
        ("/release/not-a-uuid/front", 400),
        (f"/release/{SUBSTANCE}/back", 404),
        (f"/release/{OK_COMPUTER}/123.jpg", 404),
    ],
)
def test_missing_and_malformed(server, path, status):
    assert get(server, path).status_code == status


@pytest.mark.parametrize(("suffix", "pixels"), [("-250", 250), ("-500", 500), ("-1200", 1200), ("", ORIGINAL_PX)])
def test_front_shortcut_serves_a_real_jpeg_of_the_size(server, suffix, pixels):
    redirect = get(server, f"/release/{OK_COMPUTER}/front{suffix}")
    answer = follow(server, f"/release/{OK_COMPUTER}/front{suffix}")
    image = Image.open(io.BytesIO(answer.content))
    assert redirect.status_code == 307
    assert redirect.headers["Location"].startswith(f"{server.url}/archive/release/{OK_COMPUTER}/")
    assert (answer.headers["Content-Type"], image.format, image.size) == ("image/jpeg", "JPEG", (pixels, pixels))
    assert image.getpixel((0, 0)) == pytest.approx(colour_of(images_of(WORLD.releases[OK_COMPUTER])[0]), abs=3)
    assert bool(image.info.get("progressive")) is (pixels == ORIGINAL_PX)


def test_image_id_shortcut(server):
    back = images_of(WORLD.releases[OK_COMPUTER])[1]
    answer = follow(server, f"/release/{OK_COMPUTER}/{back.id}-250.jpg")
    assert Image.open(io.BytesIO(answer.content)).size == (250, 250)


def test_png_and_cmyk_originals(server):
    png = follow(server, f"/release/{MEZZANINE}/front")
    cmyk = follow(server, f"/release/{RUMOURS}/front-500")
    assert png.headers["Content-Type"] == "image/png"
    assert Image.open(io.BytesIO(png.content)).format == "PNG"
    assert Image.open(io.BytesIO(cmyk.content)).mode == "CMYK"


def test_formats_override_and_archive_url(emulator):
    app = CoverArtEmulator(formats={OK_COMPUTER: "png"}, archive_url="http://localhost:1")
    server = emulator(app)
    answer = get(server, f"/release/{OK_COMPUTER}/front")
    assert answer.headers["Location"].startswith(f"http://localhost:1/archive/release/{OK_COMPUTER}/")
    assert answer.headers["Location"].endswith(".png")
    assert app.requests_seen == 1


def test_build_reads_the_archive_url_argument():
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    assert build(parser.parse_args([])).archive_url is None
    assert build(parser.parse_args(["--archive-url", "http://127.0.0.1:5"])).archive_url == "http://127.0.0.1:5"
