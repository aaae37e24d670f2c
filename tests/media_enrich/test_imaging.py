from __future__ import annotations

import io
import random
import struct
import zlib

import pytest
from PIL import Image, ImageCms

from media_enrich.imaging import CoverImage, InvalidImage, better_cover, inspect_image, normalize_cover

ORIENTATION = 0x0112


def encode(image: Image.Image, fmt: str = "JPEG", **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **options)
    return buffer.getvalue()


def rgb(size=(800, 800), color=(200, 30, 30)) -> Image.Image:
    return Image.new("RGB", size, color)


def decoded(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def png_header_only(width: int, height: int) -> bytes:
    """A PNG whose header claims `width`×`height`: enough for Pillow to report the size without pixels."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"")) + chunk(b"IEND", b"")


def with_orientation(image: Image.Image, orientation: int) -> bytes:
    exif = Image.Exif()
    exif[ORIENTATION] = orientation
    return encode(image, exif=exif.tobytes())


def assert_baseline_rgb_jpeg(data: bytes) -> Image.Image:
    image = decoded(data)
    assert image.format == "JPEG"
    assert image.mode == "RGB"
    assert "progressive" not in image.info
    assert "progression" not in image.info
    assert "exif" not in image.info
    assert "comment" not in image.info
    return image


def close_to(pixel, expected, tolerance=12) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(pixel, expected, strict=True))


@pytest.mark.parametrize(
    ("data", "mime", "size"),
    [
        (encode(rgb((640, 480))), "image/jpeg", (640, 480)),
        (encode(rgb((10, 20)), "PNG"), "image/png", (10, 20)),
        (encode(rgb((32, 32)), "WEBP"), "image/webp", (32, 32)),
        (encode(Image.new("P", (16, 16)), "GIF"), "image/gif", (16, 16)),
    ],
)
def test_inspect_image_describes_valid_images(data, mime, size):
    assert inspect_image(data) == CoverImage(data=data, mime=mime, width=size[0], height=size[1])


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty data"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "a PDF document"),
        (random.Random(7).randbytes(4096), "not a readable image"),
        (b"<html><body>404</body></html>", "not a readable image"),
        (encode(rgb((1000, 1000)))[:3000], "broken or truncated image"),
        (png_header_only(8000, 8000), "too many pixels: 8000×8000 > 50 MP"),
        (png_header_only(20000, 20000), "too many pixels (possible decompression bomb)"),
        (encode(rgb((8, 8)), "PDF"), "a PDF document"),
        (encode(rgb((8, 8)), "ICO"), "unsupported image format ICO"),
    ],
)
def test_inspect_image_rejects(data, message):
    with pytest.raises(InvalidImage) as excinfo:
        inspect_image(data)

    assert message in str(excinfo.value)


def test_invalid_image_is_a_value_error():
    assert issubclass(InvalidImage, ValueError)


def test_normalize_cover_returns_clean_jpeg_byte_identical():
    data = encode(rgb((1000, 1000)), quality=85)

    result = normalize_cover(data)

    assert result == CoverImage(data=data, mime="image/jpeg", width=1000, height=1000)


def test_normalize_cover_downscales_large_image_with_lanczos():
    data = encode(rgb((3000, 3000)), quality=95)

    result = normalize_cover(data)

    image = assert_baseline_rgb_jpeg(result.data)
    assert (result.width, result.height, image.size) == (1200, 1200, (1200, 1200))
    assert result.mime == "image/jpeg"
    assert close_to(image.getpixel((600, 600)), (200, 30, 30))


def test_normalize_cover_keeps_aspect_of_non_square_image():
    result = normalize_cover(encode(rgb((2400, 1800))))

    assert (result.width, result.height) == (1200, 900)


def test_normalize_cover_accepts_letterboxed_aspect():
    result = normalize_cover(encode(rgb((1000, 600))))

    assert (result.width, result.height) == (1000, 600)


@pytest.mark.parametrize(("size", "message"), [((300, 300), "too small: 300×300 < 500 px"), ((1200, 499), "1200×499")])
def test_normalize_cover_rejects_small_images(size, message):
    with pytest.raises(InvalidImage) as excinfo:
        normalize_cover(encode(rgb(size)))

    assert message in str(excinfo.value)


def test_normalize_cover_min_px_is_a_parameter():
    assert normalize_cover(encode(rgb((300, 300))), min_px=250).width == 300


def test_normalize_cover_reencodes_progressive_jpeg_as_baseline():
    data = encode(rgb(), progressive=True)
    assert decoded(data).info.get("progressive")

    result = normalize_cover(data)

    assert result.data != data
    assert_baseline_rgb_jpeg(result.data)


def test_normalize_cover_converts_cmyk_to_rgb():
    data = encode(Image.new("CMYK", (800, 800), (0, 255, 255, 0)))

    result = normalize_cover(data)

    image = assert_baseline_rgb_jpeg(result.data)
    assert close_to(image.getpixel((10, 10)), (255, 0, 0), tolerance=20)


def test_normalize_cover_composites_alpha_over_white():
    image = Image.new("RGBA", (800, 800), (0, 0, 0, 0))
    image.paste((0, 0, 255, 255), (400, 0, 800, 800))

    result = normalize_cover(encode(image, "PNG"))

    out = assert_baseline_rgb_jpeg(result.data)
    assert close_to(out.getpixel((100, 400)), (255, 255, 255))
    assert close_to(out.getpixel((700, 400)), (0, 0, 255))


@pytest.mark.parametrize(
    ("image", "fmt", "expected"),
    [
        (Image.new("LA", (600, 600), (0, 0)), "PNG", (255, 255, 255)),
        (Image.new("L", (600, 600), 128), "PNG", (128, 128, 128)),
        (Image.new("P", (600, 600), 3), "GIF", None),
        (rgb((600, 600)), "PNG", (200, 30, 30)),
        (rgb((600, 600)), "WEBP", (200, 30, 30)),
    ],
)
def test_normalize_cover_converts_other_modes_to_rgb(image, fmt, expected):
    result = normalize_cover(encode(image, fmt))

    out = assert_baseline_rgb_jpeg(result.data)
    assert (result.width, result.height) == (600, 600)
    if expected is not None:
        assert close_to(out.getpixel((300, 300)), expected)


def test_normalize_cover_palette_transparency_becomes_white():
    image = Image.new("P", (600, 600), 0)
    image.putpalette([0, 0, 0] * 256)

    result = normalize_cover(encode(image, "GIF", transparency=0))

    assert close_to(decoded(result.data).getpixel((5, 5)), (255, 255, 255))


def test_normalize_cover_applies_exif_orientation_and_strips_exif():
    image = rgb((800, 600))
    image.paste((0, 200, 0), (0, 0, 100, 100))
    data = with_orientation(image, 6)

    result = normalize_cover(data)

    out = assert_baseline_rgb_jpeg(result.data)
    assert (result.width, result.height) == (600, 800)
    assert close_to(out.getpixel((550, 50)), (0, 200, 0))
    assert not out.getexif()


def test_normalize_cover_strips_exif_without_orientation():
    exif = Image.Exif()
    exif[0x010F] = "Camera maker"
    data = encode(rgb(), exif=exif.tobytes(), comment=b"ripped by someone")

    result = normalize_cover(data)

    assert_baseline_rgb_jpeg(result.data)
    assert (result.width, result.height) == (800, 800)


def test_normalize_cover_keeps_icc_profile_of_rgb_source():
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()

    result = normalize_cover(encode(rgb((1600, 1600)), icc_profile=icc))

    assert decoded(result.data).info.get("icc_profile") == icc


def test_normalize_cover_drops_icc_profile_of_cmyk_source():
    icc = b"not really a cmyk profile" * 4

    result = normalize_cover(encode(Image.new("CMYK", (600, 600)), icc_profile=icc))

    assert "icc_profile" not in decoded(result.data).info


def test_normalize_cover_honours_max_px_and_quality():
    small = normalize_cover(encode(rgb((1000, 1000))), max_px=500, quality=50)

    assert (small.width, small.height) == (500, 500)
    assert_baseline_rgb_jpeg(small.data)


@pytest.mark.parametrize("quality", [0, 96])
def test_normalize_cover_rejects_bad_quality(quality):
    with pytest.raises(ValueError, match="quality"):
        normalize_cover(encode(rgb()), quality=quality)


@pytest.mark.parametrize("data", [b"", b"%PDF-1.4", random.Random(3).randbytes(100), encode(rgb((1000, 1000)))[:2000]])
def test_normalize_cover_rejects_invalid_data(data):
    with pytest.raises(InvalidImage):
        normalize_cover(data)


def cover(width: int, height: int) -> CoverImage:
    return CoverImage(data=b"", mime="image/jpeg", width=width, height=height)


@pytest.mark.parametrize(
    ("existing", "new", "expected"),
    [
        (None, cover(500, 500), True),
        (cover(500, 500), cover(551, 551), True),
        (cover(500, 500), cover(550, 550), False),
        (cover(500, 500), cover(500, 500), False),
        (cover(1200, 1200), cover(640, 640), False),
        (cover(300, 300), cover(1200, 1200), True),
        (cover(1000, 400), cover(600, 600), True),
        (cover(600, 600), cover(2000, 600), False),
    ],
)
def test_better_cover_table(existing, new, expected):
    assert better_cover(existing, new) is expected
