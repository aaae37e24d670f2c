"""Real, valid audio files of an exact byte size, written fast: the files the slskd emulator "downloads".

FLAC: a STREAMINFO + VORBIS_COMMENT header, then fixed-blocksize frames. The first frames carry a quiet tone as
VERBATIM subframes (bulk that looks like audio), the rest are CONSTANT (digital silence); a PADDING block absorbs
the last few bytes so the file lands exactly on the requested size. Every frame has its CRC-8 and CRC-16.

MP3: an ID3v2.4 tag, then MPEG-1 Layer III frames whose side information says "no audio data" (silence that
every decoder accepts). CBR frames are written without an Info header, so a file cut short reads shorter; VBR
(LAME -V 0 style) starts with a Xing + LAME header giving the exact frame count. The ID3 padding takes up the
bytes between the audio and the requested size.

Only the frame bodies are shared between frames, so a 5-minute file costs a few thousand small header
computations plus one write.
"""

from __future__ import annotations

import math
import struct
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path

FLAC_BLOCK_SIZE = 4096
_FLAC_MAX_BLOCK_LENGTH = 2**24 - 1
_FLAC_VENDOR = b"reference libFLAC 1.4.3 20230623"
_TONE_HZ = 440.0
_TONE_AMPLITUDE = 0.002  # about -54 dBFS: "near-silent", yet not digital zero

# Effective FLAC compression of ordinary music relative to raw PCM (16/44.1 stereo ~ 900 kbps, 24/96 ~ 2600 kbps).
_FLAC_RATIO = {8: 0.70, 16: 0.64, 24: 0.57, 32: 0.55}
_LOSSY_DEFAULT_KBPS = {"mp3": 320, "m4a": 256, "aac": 256, "ogg": 256, "opus": 160, "wma": 192}
_LOSSLESS_LIKE_FLAC = {"flac", "alac", "ape", "wv"}
_PCM = {"wav", "aiff", "aif"}

MP3_SAMPLES_PER_FRAME = 1152
_MP3_BITRATES = (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320)
_MP3_SAMPLE_RATES = {44100: 0, 48000: 1, 32000: 2}
_MP3_SIDE_INFO = 32  # MPEG-1, two channels
_LAME_ENCODER_DELAY = 576
_ID3_HEADER = 10
_LAME_SOURCE_RATE = {32000: 0, 44100: 1, 48000: 2}


def expected_size(
    fmt: str, *, duration_s: float, bitrate_kbps: int | None = None, bit_depth: int = 16, sample_rate: int = 44100
) -> int:
    """A realistic byte size for a stereo file of this format and duration, as a peer would advertise it."""
    fmt = fmt.lower().lstrip(".")
    if fmt in _PCM:
        return int(duration_s * sample_rate * 2 * bit_depth / 8) + 44
    if fmt in _LOSSLESS_LIKE_FLAC:
        kbps = bitrate_kbps or sample_rate * bit_depth * 2 / 1000 * _FLAC_RATIO.get(bit_depth, 0.6)
        return int(duration_s * kbps * 1000 / 8) + 8192
    kbps = bitrate_kbps or _LOSSY_DEFAULT_KBPS.get(fmt, 256)
    return int(duration_s * kbps * 1000 / 8) + 4096


def _crc_table(poly: int, width: int) -> tuple[int, ...]:
    top, mask = 1 << (width - 1), (1 << width) - 1
    table = []
    for byte in range(256):
        crc = byte << (width - 8)
        for _ in range(8):
            crc = ((crc << 1) ^ poly) if crc & top else crc << 1
        table.append(crc & mask)
    return tuple(table)


_CRC8 = _crc_table(0x07, 8)
_CRC16 = _crc_table(0x8005, 16)


def _crc8(data: bytes) -> int:
    crc = 0
    for byte in data:
        crc = _CRC8[crc ^ byte]
    return crc


def _crc16(data: bytes, crc: int = 0) -> int:
    for byte in data:
        crc = ((crc << 8) & 0xFFFF) ^ _CRC16[(crc >> 8) ^ byte]
    return crc


@lru_cache(maxsize=16)
def _crc16_shift_tables(length: int) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Tables for c -> c * x^(8*length) mod P: the CRC-16 state c carried across `length` more bytes.

    CRC with zero init is linear, so crc(head + body) = shift(crc(head)) ^ crc(body); frames that share a body
    then cost only their header.
    """

    def mulmod(a: int, b: int) -> int:
        product = 0
        while b:
            if b & 1:
                product ^= a
            b >>= 1
            a <<= 1
            if a & 0x10000:
                a ^= 0x18005
        return product

    power, base, exponent = 1, 2, 8 * length  # x^(8*length) by square-and-multiply
    while exponent:
        if exponent & 1:
            power = mulmod(power, base)
        base = mulmod(base, base)
        exponent >>= 1
    high = tuple(mulmod(byte << 8, power) for byte in range(256))
    low = tuple(mulmod(byte, power) for byte in range(256))
    return high, low


def _utf8_number(value: int) -> bytes:
    """FLAC's extended UTF-8 coding of the frame number (up to 36 bits)."""
    if value < 0x80:
        return bytes([value])
    length = 2
    while value >= 1 << (5 * length + 1):
        length += 1
    lead = (0xFF << (8 - length)) & 0xFF
    out = []
    for _ in range(length - 1):
        out.append(0x80 | (value & 0x3F))
        value >>= 6
    out.append(lead | value)
    return bytes(reversed(out))


_FLAC_RATE_CODES = {
    88200: 1, 176400: 2, 192000: 3, 8000: 4, 16000: 5, 22050: 6, 24000: 7, 32000: 8, 44100: 9, 48000: 10, 96000: 11
}  # fmt: skip
_FLAC_DEPTH_CODES = {8: 1, 12: 2, 16: 4, 20: 5, 24: 6, 32: 7}


@lru_cache(maxsize=8)
def _verbatim_body(block_size: int, channels: int, bit_depth: int, sample_rate: int) -> tuple[bytes, int]:
    """The subframes of one full block of the quiet tone (big-endian samples, one VERBATIM subframe per channel)."""
    peak = (1 << (bit_depth - 1)) - 1
    step = 2 * math.pi * _TONE_HZ / sample_rate
    width = bit_depth // 8
    samples = b"".join(
        int(peak * _TONE_AMPLITUDE * math.sin(step * i)).to_bytes(width, "big", signed=True) for i in range(block_size)
    )
    body = (b"\x02" + samples) * channels
    return body, _crc16(body)


def _flac_frame_header(number: int, block_size: int, rate_code: int, channels: int, depth_code: int) -> bytes:
    if block_size == FLAC_BLOCK_SIZE:
        size_code, size_tail = 12, b""
    else:
        size_code, size_tail = 7, struct.pack(">H", block_size - 1)
    header = (
        bytes([0xFF, 0xF8, (size_code << 4) | rate_code, ((channels - 1) << 4) | (depth_code << 1)])
        + _utf8_number(number)
        + size_tail
    )
    return header + bytes([_crc8(header)])


def _metadata_block(block_type: int, payload: bytes, *, last: bool) -> bytes:
    return bytes([(0x80 if last else 0) | block_type]) + len(payload).to_bytes(3, "big") + payload


def _vorbis_comment(tags: Mapping[str, str] | None) -> bytes:
    entries = [f"{key.upper()}={value}".encode() for key, value in (tags or {}).items()]
    parts = [struct.pack("<I", len(_FLAC_VENDOR)), _FLAC_VENDOR, struct.pack("<I", len(entries))]
    for entry in entries:
        parts += [struct.pack("<I", len(entry)), entry]
    return b"".join(parts)


def _padding_blocks(total: int) -> list[bytes]:
    """PADDING blocks taking exactly `total` bytes (headers included); a block holds at most 16 MiB."""
    blocks = []
    while total > 4 + _FLAC_MAX_BLOCK_LENGTH:
        length = min(_FLAC_MAX_BLOCK_LENGTH, total - 8)  # leave room for the next block's header
        blocks.append(length)
        total -= 4 + length
    blocks.append(total - 4)
    return [_metadata_block(1, bytes(length), last=i == len(blocks) - 1) for i, length in enumerate(blocks)]


def write_flac(
    path: str | Path,
    *,
    duration_s: float,
    sample_rate: int = 44100,
    bit_depth: int = 16,
    channels: int = 2,
    size: int | None = None,
    tags: Mapping[str, str] | None = None,
) -> int:
    """Write a valid FLAC file of `duration_s` seconds; exactly `size` bytes (default: a realistic size).

    Raises ValueError when `size` is smaller than the most compact file of that duration.
    """
    if bit_depth not in (8, 16, 24, 32) or not 1 <= channels <= 8 or duration_s <= 0:
        raise ValueError(f"unsupported FLAC parameters: {bit_depth} bit, {channels} channels, {duration_s} s")
    if size is None:
        stereo = expected_size("flac", duration_s=duration_s, bit_depth=bit_depth, sample_rate=sample_rate)
        size = stereo * channels // 2
    total_samples = round(duration_s * sample_rate)
    full_frames, tail_samples = divmod(total_samples, FLAC_BLOCK_SIZE)
    rate_code = _FLAC_RATE_CODES.get(sample_rate, 0)
    depth_code = _FLAC_DEPTH_CODES[bit_depth]
    width = bit_depth // 8
    constant_body = b"\x00" * ((1 + width) * channels)
    tone_body, tone_crc = _verbatim_body(FLAC_BLOCK_SIZE, channels, bit_depth, sample_rate)

    headers = [
        _flac_frame_header(number, FLAC_BLOCK_SIZE, rate_code, channels, depth_code) for number in range(full_frames)
    ]
    if tail_samples:
        headers.append(_flac_frame_header(full_frames, tail_samples, rate_code, channels, depth_code))
    comment = _metadata_block(4, _vorbis_comment(tags), last=False)
    fixed = 4 + 4 + 34 + len(comment)
    silent_total = fixed + sum(len(header) for header in headers) + len(headers) * (len(constant_body) + 2)
    extra_per_tone_frame = len(tone_body) - len(constant_body)
    spare = size - silent_total
    if spare < 0 or 0 < spare < 4:
        raise ValueError(f"{size} bytes cannot hold {duration_s:.1f} s of FLAC (at least {silent_total + 4})")
    tone_frames = min(full_frames, max(0, (spare - 4) // extra_per_tone_frame))
    padding = spare - tone_frames * extra_per_tone_frame

    shift_high, shift_low = _crc16_shift_tables(len(tone_body))
    frames: list[bytes] = []
    min_frame, max_frame = 1 << 24, 0
    for index, header in enumerate(headers):
        if index < tone_frames:
            head_crc = _crc16(header)
            crc = shift_high[head_crc >> 8] ^ shift_low[head_crc & 0xFF] ^ tone_crc
            frames += [header, tone_body, crc.to_bytes(2, "big")]
            frame_length = len(header) + len(tone_body) + 2
        else:
            head = header + constant_body
            frames += [head, _crc16(head).to_bytes(2, "big")]
            frame_length = len(head) + 2
        min_frame, max_frame = min(min_frame, frame_length), max(max_frame, frame_length)

    streaminfo = struct.pack(
        ">HH3s3sQ16x",
        FLAC_BLOCK_SIZE,
        FLAC_BLOCK_SIZE,
        min_frame.to_bytes(3, "big"),
        max_frame.to_bytes(3, "big"),
        (sample_rate << 44) | ((channels - 1) << 41) | ((bit_depth - 1) << 36) | total_samples,
    )
    if padding:
        metadata = [_metadata_block(0, streaminfo, last=False), comment, *_padding_blocks(padding)]
    else:
        metadata = [_metadata_block(0, streaminfo, last=False), _metadata_block(4, _vorbis_comment(tags), last=True)]
    with open(path, "wb") as out:
        out.write(b"fLaC")
        out.writelines(metadata)
        out.writelines(frames)
        written = out.tell()
    assert written == size, (written, size)
    return written


def _syncsafe(value: int) -> bytes:
    return bytes([(value >> 21) & 0x7F, (value >> 14) & 0x7F, (value >> 7) & 0x7F, value & 0x7F])


def _id3_frames(tags: Mapping[str, str] | None) -> bytes:
    names = {"title": "TIT2", "artist": "TPE1", "album": "TALB", "albumartist": "TPE2", "tracknumber": "TRCK"}
    names |= {"date": "TDRC", "genre": "TCON", "encoder": "TSSE"}
    out = []
    for key, value in {"encoder": "LAME 3.100", **(tags or {})}.items():
        frame_id = names.get(key.lower())
        if frame_id is None:
            continue
        payload = b"\x03" + value.encode()  # encoding 3 = UTF-8
        out.append(frame_id.encode() + _syncsafe(len(payload)) + b"\x00\x00" + payload)
    return b"".join(out)


def _mp3_header(bitrate_kbps: int, rate_index: int, *, padded: bool) -> bytes:
    # MPEG-1 Layer III, no CRC; joint stereo; "original" bit set, like LAME.
    return bytes([0xFF, 0xFB, (_MP3_BITRATES.index(bitrate_kbps) << 4) | (rate_index << 2) | (int(padded) << 1), 0x44])


def _mp3_frame_length(bitrate_kbps: int, sample_rate: int, *, padded: bool) -> int:
    return 144 * bitrate_kbps * 1000 // sample_rate + int(padded)


@lru_cache(maxsize=64)
def _silent_mp3_frame(bitrate_kbps: int, sample_rate: int, padded: bool) -> bytes:
    """A frame whose side information declares no main data: decoders output silence for it."""
    header = _mp3_header(bitrate_kbps, _MP3_SAMPLE_RATES[sample_rate], padded=padded)
    return header + bytes(_mp3_frame_length(bitrate_kbps, sample_rate, padded=padded) - 4)


def _cbr_frames(frame_count: int, bitrate_kbps: int, sample_rate: int) -> list[bytes]:
    # The padding slot keeps the average frame length at exactly 144 * bitrate / sample_rate.
    remainder_step = 144 * bitrate_kbps * 1000 % sample_rate
    frames, accumulated = [], 0
    plain, padded = (_silent_mp3_frame(bitrate_kbps, sample_rate, flag) for flag in (False, True))
    for _ in range(frame_count):
        accumulated += remainder_step
        if accumulated >= sample_rate:
            accumulated -= sample_rate
            frames.append(padded)
        else:
            frames.append(plain)
    return frames


def _vbr_frames(frame_count: int, target_kbps: float, sample_rate: int) -> list[bytes]:
    """A V0-like mix of neighbouring bitrates whose average is just under `target_kbps`."""
    allowed = [rate for rate in _MP3_BITRATES[1:] if rate >= 128]
    target = min(max(target_kbps, allowed[0]), allowed[-1])
    low = max(rate for rate in allowed if rate <= target)
    high = min((rate for rate in allowed if rate > low), default=low)
    share_high = 0.0 if high == low else (target - low) / (high - low)
    wobble = {rate: allowed[max(0, allowed.index(rate) - 1)] for rate in allowed}
    frames, accumulated = [], 0.0
    for index in range(frame_count):
        accumulated += share_high
        rate = high if accumulated >= 1.0 else low
        if accumulated >= 1.0:
            accumulated -= 1.0
        if index % 7 == 3 and rate == low:
            rate = wobble[low]  # quieter passages: an occasional lower frame, as VBR encoders write
        frames.append(_silent_mp3_frame(rate, sample_rate, False))
    return frames


def _xing_frame(sample_rate: int, frame_count: int, audio_bytes: int, end_padding: int) -> bytes:
    """The first frame of a LAME VBR file: Xing header (frames, bytes, TOC, quality) + LAME extension."""
    frame = bytearray(_silent_mp3_frame(128, sample_rate, False))
    total_bytes = len(frame) + audio_bytes
    toc = bytes(min(255, i * 256 // 100) for i in range(100))
    xing = b"Xing" + struct.pack(">III", 0x0F, frame_count, total_bytes) + toc + struct.pack(">I", 97)
    lame = bytearray(b"LAME3.100")
    lame += bytes([0x04, 0xC4])  # tag revision 0, VBR method 4 (vbr-new = -V); lowpass 19.6 kHz
    lame += bytes(4 + 2 + 2)  # peak, track gain, album gain: not computed
    lame += bytes([0x0F, 0xFF])  # encoding flags/ATH; minimum bitrate 255 = "320 or more"
    lame += ((_LAME_ENCODER_DELAY << 12) | end_padding).to_bytes(3, "big")
    lame += bytes([_LAME_SOURCE_RATE.get(sample_rate, 1) << 6 | 3 << 2, 0, 0, 0])  # joint stereo; no gain or preset
    lame += struct.pack(">IH", total_bytes, 0)  # music length; music CRC not computed
    start = 4 + _MP3_SIDE_INFO
    frame[start : start + len(xing)] = xing
    frame[start + len(xing) : start + len(xing) + len(lame)] = lame
    tag_end = start + len(xing) + len(lame)
    frame[tag_end : tag_end + 2] = _crc16_reflected(bytes(frame[:tag_end])).to_bytes(2, "big")
    return bytes(frame)


def _crc16_reflected(data: bytes) -> int:
    """CRC-16/ARC, the checksum LAME puts at the end of its tag."""
    crc = 0
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
    return crc


def write_mp3(
    path: str | Path,
    *,
    duration_s: float,
    bitrate_kbps: int = 320,
    vbr: bool = False,
    size: int | None = None,
    sample_rate: int = 44100,
    tags: Mapping[str, str] | None = None,
) -> int:
    """Write a valid MPEG-1 Layer III file of `duration_s` seconds; exactly `size` bytes when given.

    CBR uses `bitrate_kbps` (a standard MPEG-1 rate). VBR ignores it and writes a -V 0 style mix averaging
    about 256 kbps, or just under what fits in `size`. Raises ValueError when the audio does not fit in `size`.
    """
    if sample_rate not in _MP3_SAMPLE_RATES or duration_s <= 0:
        raise ValueError(f"unsupported MP3 parameters: {sample_rate} Hz, {duration_s} s")
    if not vbr and bitrate_kbps not in _MP3_BITRATES[1:]:
        raise ValueError(f"{bitrate_kbps} kbps is not an MPEG-1 Layer III bitrate")
    samples = round(duration_s * sample_rate)
    id3_frames = _id3_frames(tags)
    if vbr:
        frame_count = math.ceil((samples + _LAME_ENCODER_DELAY) / MP3_SAMPLES_PER_FRAME)
        end_padding = frame_count * MP3_SAMPLES_PER_FRAME - _LAME_ENCODER_DELAY - samples
        target = 256.0
        if size is not None:
            room = size - _ID3_HEADER - len(id3_frames) - len(_silent_mp3_frame(128, sample_rate, False))
            target = min(target, room * 8 * sample_rate / (frame_count * MP3_SAMPLES_PER_FRAME * 1000))
        frames = _vbr_frames(frame_count, target, sample_rate)
        frames.insert(0, _xing_frame(sample_rate, frame_count, sum(map(len, frames)), end_padding))
    else:
        frames = _cbr_frames(round(samples / MP3_SAMPLES_PER_FRAME), bitrate_kbps, sample_rate)
    audio_length = sum(map(len, frames))
    needed = _ID3_HEADER + len(id3_frames) + audio_length
    padding = 1024 if size is None else size - needed
    if padding < 0:
        raise ValueError(f"{size} bytes cannot hold {duration_s:.1f} s of MP3 (needs {needed})")
    tag_body_length = len(id3_frames) + padding
    tag = b"ID3\x04\x00\x00" + _syncsafe(tag_body_length) + id3_frames
    with open(path, "wb") as out:
        out.write(tag)
        out.write(bytes(padding))
        out.writelines(frames)
        return out.tell()


AAC_SAMPLES_PER_FRAME = 1024
# The smallest AAC-LC raw data blocks that decode to silence: one SCE (mono) or one CPE (stereo, common window,
# one all-zero section per channel), then END. Decoders accept them as ordinary frames.
_AAC_SILENT_FRAME = {1: bytes.fromhex("01402007"), 2: bytes.fromhex("210049900219002380")}
_AAC_SAMPLE_RATES = (96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000)
_MP4_MATRIX = struct.pack(">9I", 0x00010000, 0, 0, 0, 0x00010000, 0, 0, 0, 0x40000000)
_MP4_TEXT_ATOMS = {"title": b"\xa9nam", "artist": b"\xa9ART", "album": b"\xa9alb", "albumartist": b"aART"}
_MP4_TEXT_ATOMS |= {"date": b"\xa9day", "genre": b"\xa9gen", "encoder": b"\xa9too"}


def _box(name: bytes, *payload: bytes) -> bytes:
    body = b"".join(payload)
    return struct.pack(">I", 8 + len(body)) + name + body


def _full_box(name: bytes, version: int, flags: int, *payload: bytes) -> bytes:
    return _box(name, struct.pack(">I", (version << 24) | flags), *payload)


def _descriptor(tag: int, payload: bytes) -> bytes:
    """An MPEG-4 descriptor with the 4-byte length form iTunes and ffmpeg write (0x80 0x80 0x80 len)."""
    length = len(payload)
    size = bytes([0x80 | (length >> 21) & 0x7F, 0x80 | (length >> 14) & 0x7F, 0x80 | (length >> 7) & 0x7F])
    return bytes([tag]) + size + bytes([length & 0x7F]) + payload


def _esds(sample_rate: int, channels: int, bitrate: int) -> bytes:
    # AudioSpecificConfig: object type 2 (AAC LC), sampling frequency index, channel configuration.
    audio_config = ((2 << 11) | (_AAC_SAMPLE_RATES.index(sample_rate) << 7) | (channels << 3)).to_bytes(2, "big")
    decoder_config = _descriptor(
        4,
        bytes([0x40, 0x15])  # object type: MPEG-4 audio; stream type: audio (5 << 2 | 1)
        + (1536 * channels).to_bytes(3, "big")
        + struct.pack(">II", bitrate, bitrate)
        + _descriptor(5, audio_config),
    )
    es = _descriptor(3, struct.pack(">HB", 1, 0) + decoder_config + _descriptor(6, b"\x02"))
    return _full_box(b"esds", 0, 0, es)


def _mp4_ilst(tags: Mapping[str, str]) -> bytes:
    items = []
    for key, value in tags.items():
        atom = _MP4_TEXT_ATOMS.get(key.lower())
        if atom is not None:
            items.append(_box(atom, _box(b"data", struct.pack(">II", 1, 0), value.encode())))  # type 1 = UTF-8
    handler = _full_box(b"hdlr", 0, 0, bytes(4), b"mdirappl", bytes(9))
    return _box(b"udta", _full_box(b"meta", 0, 0, handler, _box(b"ilst", *items)))


def write_m4a(
    path: str | Path,
    *,
    duration_s: float,
    sample_rate: int = 44100,
    channels: int = 2,
    bitrate_kbps: int = 256,
    size: int | None = None,
    tags: Mapping[str, str] | None = None,
) -> int:
    """Write a valid AAC-LC M4A file of `duration_s` seconds; exactly `size` bytes (default: a realistic size).

    Layout as iTunes/ffmpeg "faststart" files: ftyp, moov (one sound track whose sample table describes every
    frame, plus an iTunes `ilst` for `tags` and an encoder name), mdat with one chunk of silent AAC frames, then a
    top-level `free` box absorbing the bytes up to `size`. The esds declares `bitrate_kbps` as the average
    bitrate. Raises ValueError when `size` is smaller than the file without padding.
    """
    if sample_rate not in _AAC_SAMPLE_RATES or channels not in _AAC_SILENT_FRAME or duration_s <= 0:
        raise ValueError(f"unsupported M4A parameters: {sample_rate} Hz, {channels} channels, {duration_s} s")
    if size is None:
        size = expected_size("m4a", duration_s=duration_s, bitrate_kbps=bitrate_kbps)
    samples = round(duration_s * sample_rate)
    frame_count = math.ceil(samples / AAC_SAMPLES_PER_FRAME)
    frame = _AAC_SILENT_FRAME[channels]
    ftyp = _box(b"ftyp", b"M4A ", struct.pack(">I", 0), b"M4A mp42isom\x00\x00\x00\x00")

    def moov(chunk_offset: int) -> bytes:
        sample_entry = _box(
            b"mp4a",
            bytes(6),
            struct.pack(">H", 1),  # data reference index
            bytes(8),
            struct.pack(">HHHHI", channels, 16, 0, 0, sample_rate << 16 if sample_rate < 1 << 16 else 0),
            _esds(sample_rate, channels, bitrate_kbps * 1000),
        )
        stbl = _box(
            b"stbl",
            _full_box(b"stsd", 0, 0, struct.pack(">I", 1), sample_entry),
            _full_box(b"stts", 0, 0, struct.pack(">III", 1, frame_count, AAC_SAMPLES_PER_FRAME)),
            _full_box(b"stsc", 0, 0, struct.pack(">IIII", 1, 1, frame_count, 1)),
            _full_box(b"stsz", 0, 0, struct.pack(">II", len(frame), frame_count)),
            _full_box(b"stco", 0, 0, struct.pack(">II", 1, chunk_offset)),
        )
        minf = _box(
            b"minf",
            _full_box(b"smhd", 0, 0, bytes(4)),
            _box(b"dinf", _full_box(b"dref", 0, 0, struct.pack(">I", 1), _full_box(b"url ", 0, 1))),
            stbl,
        )
        language = b"\x55\xc4"  # "und", packed ISO-639-2/T
        mdia = _box(
            b"mdia",
            _full_box(b"mdhd", 0, 0, struct.pack(">IIII", 0, 0, sample_rate, samples), language, bytes(2)),
            _full_box(b"hdlr", 0, 0, bytes(4), b"soun", bytes(12), b"SoundHandler\x00"),
            minf,
        )
        duration_ms = round(samples * 1000 / sample_rate)
        tkhd = _full_box(
            b"tkhd",
            0,
            7,  # enabled, in movie, in preview
            struct.pack(">IIIII", 0, 0, 1, 0, duration_ms),
            bytes(8),
            struct.pack(">hhhH", 0, 1, 0x0100, 0),
            _MP4_MATRIX,
            struct.pack(">II", 0, 0),
        )
        mvhd = _full_box(
            b"mvhd",
            0,
            0,
            struct.pack(">IIII", 0, 0, 1000, duration_ms),
            struct.pack(">IH", 0x00010000, 0x0100),
            bytes(10),
            _MP4_MATRIX,
            bytes(24),
            struct.pack(">I", 2),
        )
        return _box(
            b"moov", mvhd, _box(b"trak", tkhd, mdia), _mp4_ilst({"encoder": "iTunes 12.13.2.3", **(tags or {})})
        )

    header_length = len(ftyp) + len(moov(0))
    chunk_offset = header_length + 8
    mdat = _box(b"mdat", frame * frame_count)
    needed = header_length + len(mdat)
    padding = size - needed
    if padding < 0 or 0 < padding < 8:
        raise ValueError(f"{size} bytes cannot hold {duration_s:.1f} s of M4A (at least {needed + 8})")
    with open(path, "wb") as out:
        out.write(ftyp)
        out.write(moov(chunk_offset))
        out.write(mdat)
        if padding:
            out.write(struct.pack(">I", padding) + b"free")
            out.write(bytes(padding - 8))
        return out.tell()


VORBIS_SAMPLES_PER_PACKET = 1024
_VORBIS_BLOCK_EXPONENT = 11  # both block sizes 2048: every packet after the first adds 1024 samples
_VORBIS_VENDOR = b"Xiph.Org libVorbis I 20200704 (Reducing Environment)"
_OGG_CRC = _crc_table(0x04C11DB7, 32)
_OGG_MAX_SEGMENTS = 255


def _ogg_crc(data: bytes) -> int:
    crc = 0
    for byte in data:
        crc = ((crc << 8) & 0xFFFFFFFF) ^ _OGG_CRC[(crc >> 24) ^ byte]
    return crc


def _ogg_page(packets: list[bytes], *, granule: int, serial: int, sequence: int, flags: int) -> bytes:
    lacing = bytearray()
    for packet in packets:
        lacing += b"\xff" * (len(packet) // 255) + bytes([len(packet) % 255])
    assert len(lacing) <= _OGG_MAX_SEGMENTS
    header = struct.pack("<4sBBqIII", b"OggS", 0, flags, granule, serial, sequence, 0) + bytes([len(lacing)]) + lacing
    page = bytearray(header + b"".join(packets))
    page[22:26] = struct.pack("<I", _ogg_crc(bytes(page)))
    return bytes(page)


class _BitWriter:
    """Vorbis packs setup fields least-significant bit first."""

    def __init__(self) -> None:
        self.value = 0
        self.length = 0

    def put(self, value: int, bits: int) -> None:
        self.value |= (value & ((1 << bits) - 1)) << self.length
        self.length += bits

    def bytes(self) -> bytes:
        return self.value.to_bytes((self.length + 7) // 8, "little")


def _vorbis_setup() -> bytes:
    """The smallest setup a decoder accepts: one two-entry codebook, a floor 1 without partitions, an empty
    residue 2, one mapping and one short-block mode. Audio packets then only say "floor unused" per channel."""
    bits = _BitWriter()
    bits.put(0, 8)  # one codebook
    bits.put(0x564342, 24)
    bits.put(1, 16)  # dimensions
    bits.put(2, 24)  # entries
    bits.put(0, 1)  # not ordered
    bits.put(0, 1)  # not sparse
    bits.put(0, 5)  # entry 0: codeword length 1
    bits.put(0, 5)  # entry 1: codeword length 1 (a complete tree)
    bits.put(0, 4)  # no value lookup
    bits.put(0, 6)  # one time-domain transform
    bits.put(0, 16)
    bits.put(0, 6)  # one floor
    bits.put(1, 16)  # floor type 1
    bits.put(0, 5)  # no partitions: the curve is just its two end points
    bits.put(0, 2)  # multiplier 1
    bits.put(8, 4)  # range bits
    bits.put(0, 6)  # one residue
    bits.put(2, 16)  # residue type 2
    bits.put(0, 24)  # begin
    bits.put(0, 24)  # end
    bits.put(31, 24)  # partition size 32
    bits.put(0, 6)  # one classification
    bits.put(0, 8)  # classbook 0
    bits.put(0, 3)  # cascade: no books
    bits.put(0, 1)
    bits.put(0, 6)  # one mapping
    bits.put(0, 16)  # mapping type 0
    bits.put(0, 1)  # one submap
    bits.put(0, 1)  # no channel coupling
    bits.put(0, 2)  # reserved
    bits.put(0, 8)  # submap 0: time config (unused)
    bits.put(0, 8)  # floor 0
    bits.put(0, 8)  # residue 0
    bits.put(0, 6)  # one mode
    bits.put(0, 1)  # short blocks
    bits.put(0, 16)  # window type
    bits.put(0, 16)  # transform type
    bits.put(0, 8)  # mapping 0
    bits.put(1, 1)  # framing
    return b"\x05vorbis" + bits.bytes()


def write_ogg_vorbis(
    path: str | Path,
    *,
    duration_s: float,
    sample_rate: int = 44100,
    channels: int = 2,
    bitrate_kbps: int = 256,
    tags: Mapping[str, str] | None = None,
) -> int:
    """Write a valid Ogg Vorbis file of `duration_s` seconds of digital silence; returns its size.

    Three header packets (identification with `bitrate_kbps` as the nominal bitrate, comments with `tags`, a
    minimal setup), then one-byte audio packets whose floors are all "unused" (silence), 255 to a page. The last
    page's granule position trims the stream to the exact sample count. Far smaller than a real encode: unlike
    the FLAC/MP3/M4A writers this one has no `size`.
    """
    if channels not in (1, 2) or not 8000 <= sample_rate <= 192000 or duration_s <= 0:
        raise ValueError(f"unsupported Ogg Vorbis parameters: {sample_rate} Hz, {channels} channels, {duration_s} s")
    samples = round(duration_s * sample_rate)
    serial = 0x48524D59  # fixed: the same arguments give the same bytes
    identification = (
        b"\x01vorbis"
        + struct.pack("<IBIiii", 0, channels, sample_rate, 0, bitrate_kbps * 1000, 0)
        + bytes([_VORBIS_BLOCK_EXPONENT << 4 | _VORBIS_BLOCK_EXPONENT, 1])
    )
    comments = [f"{key.upper()}={value}".encode() for key, value in (tags or {}).items()]
    comment = b"\x03vorbis" + struct.pack("<I", len(_VORBIS_VENDOR)) + _VORBIS_VENDOR + struct.pack("<I", len(comments))
    comment += b"".join(struct.pack("<I", len(entry)) + entry for entry in comments) + b"\x01"
    pages = [
        _ogg_page([identification], granule=0, serial=serial, sequence=0, flags=0x02),
        _ogg_page([comment, _vorbis_setup()], granule=0, serial=serial, sequence=1, flags=0),
    ]
    # The first audio packet only primes the overlap; each later one completes VORBIS_SAMPLES_PER_PACKET samples.
    packet_count = 1 + math.ceil(samples / VORBIS_SAMPLES_PER_PACKET)
    silent = b"\x00"
    for first in range(0, packet_count, _OGG_MAX_SEGMENTS):
        count = min(_OGG_MAX_SEGMENTS, packet_count - first)
        last = first + count == packet_count
        granule = samples if last else (first + count - 1) * VORBIS_SAMPLES_PER_PACKET
        flags = 0x04 if last else 0
        pages.append(_ogg_page([silent] * count, granule=granule, serial=serial, sequence=len(pages), flags=flags))
    with open(path, "wb") as out:
        out.writelines(pages)
        return out.tell()
