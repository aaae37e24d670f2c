"""The M4A and Ogg Vorbis generators write real files: mutagen and beets' mediafile read them, mutagen can tag and
save them, and independent walkers (written here: MP4 boxes; Ogg pages with a bit-by-bit CRC) check the layout to
the last byte."""

from __future__ import annotations

import struct

import mediafile
import pytest
from mutagen.mp4 import MP4
from mutagen.oggvorbis import OggVorbis

from emulators.audio import AAC_SAMPLES_PER_FRAME, expected_size, write_m4a, write_ogg_vorbis

CONTAINERS = {b"moov", b"trak", b"mdia", b"minf", b"stbl", b"dinf", b"udta"}


def walk_boxes(data: bytes, start: int = 0, end: int | None = None) -> dict[bytes, list[tuple[int, int]]]:
    """Every box by path ("moov/trak/…") → (payload offset, payload length); boxes must tile their parent exactly."""
    end = len(data) if end is None else end
    found: dict[bytes, list[tuple[int, int]]] = {}
    pos = start
    while pos < end:
        size, name = struct.unpack(">I4s", data[pos : pos + 8])
        assert size >= 8, f"box {name!r} at {pos} has size {size}"
        found.setdefault(name, []).append((pos + 8, size - 8))
        if name in CONTAINERS:
            for child, places in walk_boxes(data, pos + 8, pos + size).items():
                found.setdefault(name + b"/" + child, []).extend(places)
        elif name == b"meta":  # a full box: version and flags before its children
            for child, places in walk_boxes(data, pos + 12, pos + size).items():
                found.setdefault(name + b"/" + child, []).extend(places)
        pos += size
    assert pos == end, f"boxes overrun their parent: {pos} != {end}"
    return found


def sample_table(data: bytes) -> dict[str, int]:
    boxes = walk_boxes(data)
    stbl = b"moov/trak/mdia/minf/stbl/"

    def payload(path: bytes) -> bytes:
        (offset, length), *_ = boxes[path]
        return data[offset : offset + length]

    stts = payload(stbl + b"stts")
    stsz = payload(stbl + b"stsz")
    stco = payload(stbl + b"stco")
    mdhd = payload(b"moov/trak/mdia/mdhd")
    (mdat_offset, mdat_length), *_ = boxes[b"mdat"]
    entries, count, delta = struct.unpack(">III", stts[4:16])
    sample_size, sample_count = struct.unpack(">II", stsz[4:12])
    chunks, chunk_offset = struct.unpack(">II", stco[4:12])
    timescale, duration = struct.unpack(">II", mdhd[12:20])
    assert (entries, chunks, delta) == (1, 1, AAC_SAMPLES_PER_FRAME)
    assert count == sample_count
    return {
        "chunk_offset": chunk_offset,
        "mdat_offset": mdat_offset,
        "mdat_length": mdat_length,
        "frame_bytes": sample_size * sample_count,
        "frames": count,
        "timescale": timescale,
        "duration": duration,
    }


@pytest.mark.parametrize(
    ("duration", "rate", "channels", "bitrate"),
    [(183.4, 44100, 2, 256), (61.0, 48000, 1, 128), (5.0, 96000, 2, 320)],
)
def test_m4a_reads_back_with_its_stream_parameters(tmp_path, duration, rate, channels, bitrate):
    path = tmp_path / "a.m4a"

    written = write_m4a(path, duration_s=duration, sample_rate=rate, channels=channels, bitrate_kbps=bitrate)

    info = MP4(path).info
    assert written == path.stat().st_size == expected_size("m4a", duration_s=duration, bitrate_kbps=bitrate)
    assert info.length == pytest.approx(duration, abs=0.001)
    assert (info.sample_rate, info.channels, info.bitrate) == (rate, channels, bitrate * 1000)
    assert info.codec == "mp4a.40.2"  # AAC LC


def test_m4a_sample_table_points_at_every_frame_in_mdat(tmp_path):
    path = tmp_path / "a.m4a"
    write_m4a(path, duration_s=10.0)

    table = sample_table(path.read_bytes())

    assert table["chunk_offset"] == table["mdat_offset"]
    assert table["frame_bytes"] == table["mdat_length"]
    assert table["frames"] == 431  # ceil(10 s * 44100 / 1024)
    assert (table["timescale"], table["duration"]) == (44100, 441_000)


@pytest.mark.parametrize("size", [None, 50_000, 2_000_000])
def test_m4a_has_exactly_the_requested_size(tmp_path, size):
    path = tmp_path / "a.m4a"

    written = write_m4a(path, duration_s=20.0, size=size)

    expected = expected_size("m4a", duration_s=20.0) if size is None else size
    assert written == path.stat().st_size == expected
    assert MP4(path).info.length == pytest.approx(20.0, abs=0.001)


def test_m4a_refuses_a_size_that_cannot_hold_the_audio(tmp_path):
    with pytest.raises(ValueError, match="cannot hold"):
        write_m4a(tmp_path / "a.m4a", duration_s=300, size=1000)


def test_m4a_unsupported_parameters_are_refused(tmp_path):
    with pytest.raises(ValueError, match="unsupported M4A parameters"):
        write_m4a(tmp_path / "a.m4a", duration_s=10, sample_rate=44000)


def test_m4a_tags_are_read_by_mutagen_and_mediafile(tmp_path):
    path = tmp_path / "a.m4a"

    write_m4a(path, duration_s=12.5, tags={"title": "Roads", "artist": "坂本龍一", "album": "Dummy", "date": "1994"})

    assert MP4(path).tags["\xa9nam"] == ["Roads"]
    read = mediafile.MediaFile(str(path))
    assert (read.title, read.artist, read.album, read.year, read.encoder) == (
        "Roads",
        "坂本龍一",
        "Dummy",
        1994,
        "iTunes 12.13.2.3",
    )
    assert (read.format, read.samplerate, read.channels, read.bitrate) == ("AAC", 44100, 2, 256_000)
    assert read.length == pytest.approx(12.5, abs=0.001)


def test_m4a_tagged_and_saved_by_mutagen_keeps_its_chunk_offset_right(tmp_path):
    path = tmp_path / "a.m4a"
    write_m4a(path, duration_s=30.0, size=1_000_000)
    audio = MP4(path)
    audio["\xa9alb"] = ["A longer album title than before, to grow the moov box"]
    audio["covr"] = [b"\xff\xd8" + bytes(5000)]

    audio.save()

    table = sample_table(path.read_bytes())
    assert table["chunk_offset"] == table["mdat_offset"]
    assert table["frame_bytes"] == table["mdat_length"]
    assert MP4(path).tags["\xa9alb"] == ["A longer album title than before, to grow the moov box"]
    assert MP4(path).info.length == pytest.approx(30.0, abs=0.001)


def crc32_bitwise(data: bytes) -> int:
    crc = 0
    for byte in data:
        crc ^= byte << 24
        for _ in range(8):
            crc = ((crc << 1) ^ 0x04C11DB7) & 0xFFFFFFFF if crc & 0x80000000 else (crc << 1) & 0xFFFFFFFF
    return crc


def walk_ogg(data: bytes) -> list[dict]:
    """Every page to the end of the file: CRC, sequence, flags, granule and its packets (reassembled)."""
    pages, pos, packet = [], 0, b""
    while pos < len(data):
        assert data[pos : pos + 5] == b"OggS\x00", f"lost capture at {pos}"
        flags, granule, _, sequence, crc, segments = struct.unpack("<BqIIIB", data[pos + 5 : pos + 27])
        lacing = data[pos + 27 : pos + 27 + segments]
        end = pos + 27 + segments + sum(lacing)
        page = bytearray(data[pos:end])
        page[22:26] = bytes(4)
        assert crc32_bitwise(bytes(page)) == crc, f"CRC of page {sequence}"
        packets, body = [], pos + 27 + segments
        for value in lacing:
            packet += data[body : body + value]
            body += value
            if value < 255:
                packets.append(packet)
                packet = b""
        pages.append({"flags": flags, "granule": granule, "sequence": sequence, "packets": packets})
        pos = end
    assert pos == len(data)
    assert packet == b"", "a packet runs past the last page"
    return pages


@pytest.mark.parametrize(("duration", "rate", "channels"), [(183.4, 44100, 2), (61.3, 48000, 1), (0.5, 22050, 2)])
def test_ogg_vorbis_reads_back_with_its_stream_parameters(tmp_path, duration, rate, channels):
    path = tmp_path / "a.ogg"

    written = write_ogg_vorbis(path, duration_s=duration, sample_rate=rate, channels=channels, bitrate_kbps=192)

    info = OggVorbis(path).info
    assert written == path.stat().st_size
    assert info.length == pytest.approx(duration, abs=0.001)
    assert (info.sample_rate, info.channels, info.bitrate) == (rate, channels, 192_000)


def test_ogg_vorbis_pages_are_valid_to_the_last_byte(tmp_path):
    path = tmp_path / "a.ogg"
    write_ogg_vorbis(path, duration_s=10.0, tags={"title": "Roads"})

    pages = walk_ogg(path.read_bytes())

    assert [page["sequence"] for page in pages] == list(range(len(pages)))
    assert (pages[0]["flags"], pages[-1]["flags"], {page["flags"] for page in pages[1:-1]}) == (2, 4, {0})
    assert [packet[:7] for packet in pages[0]["packets"] + pages[1]["packets"]] == [
        b"\x01vorbis",
        b"\x03vorbis",
        b"\x05vorbis",
    ]
    audio = [packet for page in pages[2:] for packet in page["packets"]]
    assert len(audio) == 1 + 431  # a priming packet, then 1024 samples each: ceil(441000 / 1024)
    assert pages[-1]["granule"] == 441_000
    assert [page["granule"] for page in pages[2:-1]] == sorted(page["granule"] for page in pages[2:-1])


def test_ogg_vorbis_tags_are_read_by_mediafile_and_saved_by_mutagen(tmp_path):
    path = tmp_path / "a.ogg"
    write_ogg_vorbis(path, duration_s=30.0, tags={"title": "Roads", "artist": "坂本龍一"})
    audio = OggVorbis(path)
    audio["ALBUM"] = ["Dummy " * 2000]  # the comment packet now spans several pages
    audio.save()

    read = mediafile.MediaFile(str(path))
    walk_ogg(path.read_bytes())
    assert (read.title, read.artist, read.album, read.format) == ("Roads", "坂本龍一", "Dummy " * 2000, "OGG")
    assert read.length == pytest.approx(30.0, abs=0.001)


def test_ogg_vorbis_unsupported_parameters_are_refused(tmp_path):
    with pytest.raises(ValueError, match="unsupported Ogg Vorbis parameters"):
        write_ogg_vorbis(tmp_path / "a.ogg", duration_s=10, channels=6)
