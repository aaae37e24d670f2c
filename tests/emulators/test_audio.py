"""The audio generator writes real files: mutagen reads them back, and an independent frame walker (written here,
with bit-by-bit CRCs) checks every FLAC frame and MP3 frame header to the last byte."""

from __future__ import annotations

import pytest
from mutagen.flac import FLAC
from mutagen.mp3 import MP3, BitrateMode

from emulators.audio import expected_size, write_flac, write_mp3

MPEG1_BITRATES = (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320)
MPEG1_RATES = (44100, 48000, 32000)


def crc_bitwise(data: bytes, poly: int, width: int) -> int:
    crc, top, mask = 0, 1 << (width - 1), (1 << width) - 1
    for byte in data:
        crc ^= byte << (width - 8)
        for _ in range(8):
            crc = ((crc << 1) ^ poly) & mask if crc & top else (crc << 1) & mask
    return crc


def read_frame_number(data: bytes, pos: int) -> tuple[int, int]:
    first = data[pos]
    if first < 0x80:
        return first, pos + 1
    extra = 0
    while first & (0x40 >> extra):
        extra += 1
    value = first & (0x3F >> extra)
    for offset in range(1, extra + 1):
        assert data[pos + offset] & 0xC0 == 0x80
        value = (value << 6) | (data[pos + offset] & 0x3F)
    return value, pos + extra + 1


def walk_flac(data: bytes) -> dict:
    """Parse metadata blocks and every frame; assert sync, frame numbers, CRC-8 and CRC-16."""
    assert data[:4] == b"fLaC"
    pos, last, blocks = 4, False, []
    while not last:
        last, block_type = bool(data[pos] & 0x80), data[pos] & 0x7F
        length = int.from_bytes(data[pos + 1 : pos + 4], "big")
        blocks.append((block_type, length))
        pos += 4 + length
    assert blocks[0][0] == 0
    packed = int.from_bytes(data[8 + 10 : 8 + 18], "big")
    channels, depth = ((packed >> 41) & 7) + 1, ((packed >> 36) & 31) + 1
    frames = samples = 0
    kinds = set()
    while pos < len(data):
        start = pos
        assert data[pos : pos + 2] == b"\xff\xf8", f"lost sync at {pos}"
        size_code = data[pos + 2] >> 4
        assert ((data[pos + 3] >> 4) + 1) == channels
        number, pos = read_frame_number(data, pos + 4)
        assert number == frames
        if size_code == 12:
            block = 4096
        else:
            assert size_code == 7
            block = int.from_bytes(data[pos : pos + 2], "big") + 1
            pos += 2
        assert crc_bitwise(data[start:pos], 0x07, 8) == data[pos], f"CRC-8 of frame {number}"
        pos += 1
        for _ in range(channels):
            subframe = data[pos]
            pos += 1
            if subframe == 0x00:
                kinds.add("constant")
                pos += depth // 8
            else:
                assert subframe == 0x02
                kinds.add("verbatim")
                pos += block * depth // 8
        assert crc_bitwise(data[start:pos], 0x8005, 16) == int.from_bytes(data[pos : pos + 2], "big")
        pos += 2
        frames += 1
        samples += block
    assert pos == len(data)
    return {"blocks": blocks, "samples": samples, "total": packed & (2**36 - 1), "kinds": kinds}


def walk_mp3(data: bytes) -> list[int]:
    """Skip the ID3v2 tag, then follow frame headers to exactly the end of the file; return their bitrates."""
    assert data[:3] == b"ID3"
    tag_size = 0
    for byte in data[6:10]:
        tag_size = (tag_size << 7) | byte
    pos, bitrates = 10 + tag_size, []
    while pos < len(data):
        header = data[pos : pos + 4]
        assert header[0] == 0xFF, f"lost sync at {pos}"
        assert header[1] & 0xFE == 0xFA, f"not an MPEG-1 Layer III frame at {pos}"
        bitrate = MPEG1_BITRATES[header[2] >> 4]
        rate = MPEG1_RATES[(header[2] >> 2) & 3]
        bitrates.append(bitrate)
        pos += 144_000 * bitrate // rate + ((header[2] >> 1) & 1)
    assert pos == len(data)
    return bitrates


@pytest.mark.parametrize(
    ("duration", "rate", "depth", "channels"),
    [(183.4, 44100, 16, 2), (61.0, 96000, 24, 2), (12.25, 48000, 16, 1)],
)
def test_flac_reads_back_with_its_stream_parameters(tmp_path, duration, rate, depth, channels):
    path = tmp_path / "a.flac"

    written = write_flac(path, duration_s=duration, sample_rate=rate, bit_depth=depth, channels=channels)

    info = FLAC(path).info
    assert written == path.stat().st_size
    assert info.length == pytest.approx(duration, abs=0.1)
    assert (info.sample_rate, info.bits_per_sample, info.channels) == (rate, depth, channels)


@pytest.mark.parametrize(
    "size",
    [
        expected_size("flac", duration_s=30),  # realistic
        expected_size("mp3", duration_s=30, bitrate_kbps=320),  # a transcode: FLAC at an MP3's size
        40_000,  # almost nothing but silence
        6_000_000,  # more than raw PCM: the remainder is padding
    ],
)
def test_flac_has_exactly_the_requested_size(tmp_path, size):
    path = tmp_path / "a.flac"

    written = write_flac(path, duration_s=30, size=size)

    assert written == size
    assert path.stat().st_size == size
    assert FLAC(path).info.length == pytest.approx(30, abs=0.1)


def test_flac_frames_are_valid_to_the_last_byte(tmp_path):
    path = tmp_path / "short.flac"
    write_flac(path, duration_s=2.5, size=60_000, tags={"title": "Airbag"})  # a few tone frames, then silence

    walked = walk_flac(path.read_bytes())

    assert walked["samples"] == walked["total"] == round(2.5 * 44100)
    assert walked["kinds"] == {"constant", "verbatim"}
    assert [block_type for block_type, _ in walked["blocks"]] == [0, 4, 1]  # STREAMINFO, VORBIS_COMMENT, PADDING
    assert FLAC(path)["title"] == ["Airbag"]


def test_flac_shorter_than_advertised_reads_its_real_length(tmp_path):
    path = tmp_path / "cut.flac"
    advertised = expected_size("flac", duration_s=240)

    write_flac(path, duration_s=95.0, size=advertised)

    assert path.stat().st_size == advertised
    assert FLAC(path).info.length == pytest.approx(95.0, abs=0.1)


def test_flac_refuses_a_size_that_cannot_hold_the_audio(tmp_path):
    with pytest.raises(ValueError, match="cannot hold"):
        write_flac(tmp_path / "a.flac", duration_s=300, size=1000)


@pytest.mark.parametrize(("bitrate", "rate"), [(320, 44100), (192, 48000), (128, 32000)])
def test_mp3_cbr_reads_back_at_its_bitrate(tmp_path, bitrate, rate):
    path = tmp_path / "a.mp3"

    write_mp3(path, duration_s=200.0, bitrate_kbps=bitrate, sample_rate=rate)

    info = MP3(path).info
    assert info.length == pytest.approx(200.0, abs=0.1)
    assert info.bitrate == bitrate * 1000
    assert info.sample_rate == rate
    assert set(walk_mp3(path.read_bytes())) == {bitrate}


def test_mp3_v0_has_a_xing_header_and_a_v0_average(tmp_path):
    path = tmp_path / "v0.mp3"

    write_mp3(path, duration_s=241.3, vbr=True, tags={"artist": "Portishead", "title": "Roads"})

    audio = MP3(path)
    frames = walk_mp3(path.read_bytes())
    assert audio.info.bitrate_mode == BitrateMode.VBR
    assert audio.info.encoder_settings == "-V 0"
    assert audio.info.length == pytest.approx(241.3, abs=0.1)
    assert audio.info.bitrate >= 220_000
    assert len(set(frames[1:])) > 1, "a VBR stream mixes bitrates"
    assert (audio["TPE1"].text, audio["TIT2"].text) == (["Portishead"], ["Roads"])


@pytest.mark.parametrize("vbr", [False, True])
def test_mp3_has_exactly_the_requested_size(tmp_path, vbr):
    path = tmp_path / "a.mp3"
    size = expected_size("mp3", duration_s=180, bitrate_kbps=320) + 12_345

    written = write_mp3(path, duration_s=180, vbr=vbr, size=size)

    assert written == path.stat().st_size == size
    assert MP3(path).info.length == pytest.approx(180, abs=0.1)
    walk_mp3(path.read_bytes())


def test_mp3_cut_short_reads_a_shorter_length(tmp_path):
    path = tmp_path / "cut.mp3"
    write_mp3(path, duration_s=300, bitrate_kbps=320)
    data = path.read_bytes()

    path.write_bytes(data[: len(data) // 2])

    assert MP3(path).info.length == pytest.approx(150, abs=1.0)


def test_mp3_refuses_a_size_smaller_than_its_audio(tmp_path):
    with pytest.raises(ValueError, match="cannot hold"):
        write_mp3(tmp_path / "a.mp3", duration_s=300, bitrate_kbps=320, size=1_000_000)


@pytest.mark.parametrize(
    ("fmt", "kwargs", "low_kbps", "high_kbps"),
    [
        ("flac", {}, 800, 1000),
        ("flac", {"bit_depth": 24, "sample_rate": 96000}, 2500, 3000),
        ("mp3", {"bitrate_kbps": 320}, 320, 322),
        ("mp3", {"bitrate_kbps": 128}, 128, 130),
        ("m4a", {}, 250, 260),
    ],
)
def test_expected_size_has_realistic_effective_bitrates(fmt, kwargs, low_kbps, high_kbps):
    size = expected_size(fmt, duration_s=300, **kwargs)

    assert low_kbps <= size * 8 / 300 / 1000 <= high_kbps
