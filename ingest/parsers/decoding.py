"""Bytes -> text: byte-order marks, UTF-8, then Windows-1252; binary input is refused with a reason."""

from __future__ import annotations

import codecs
import re
from typing import Final

from ingest.parsers.results import ParseError

# utf-32 marks first: the utf-16-le mark is a prefix of the utf-32-le one.
_BOMS: Final = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# What people upload by mistake, named so the message can tell them what to do instead.
_MAGIC: Final = (
    (b"PK\x03\x04", "a ZIP archive (extract it and upload the files inside, e.g. Playlist1.json)"),
    (b"%PDF", "a PDF document"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"ID3", "an MP3 file"),
    (b"fLaC", "a FLAC file"),
    (b"\xd0\xcf\x11\xe0", "an old Office document (save it as CSV)"),
)
_CONTROL_RE: Final = re.compile("[\x01-\x08\x0e-\x1f\x7f-\x9f]")
# More than this share of control characters is not text anyone typed or exported.
_CONTROL_SHARE: Final = 0.05
_SNIFF_CHARS: Final = 65_536


def decode(data: bytes) -> str:
    """Text of an uploaded file: a BOM decides (UTF-8/16/32); otherwise UTF-8, then Windows-1252 (what Excel
    and Notepad on Windows write). UTF-16 without a BOM is recognised by its NUL bytes. Raises ParseError
    for binary input."""
    for signature, description in _MAGIC:
        if data.startswith(signature):
            raise ParseError(f"input looks binary: {description}")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                text = data[len(bom) :].decode(encoding)
            except UnicodeDecodeError as error:
                raise ParseError(f"input starts with a {encoding} byte-order mark but is not {encoding}") from error
            check_text(text)
            return text
    if b"\x00" in data:
        text = _bomless_utf16(data)
    else:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            # cp1252 leaves five bytes undefined; they are C1 controls in practice, as browsers decode them.
            text = data.decode("cp1252", errors="replace")
    check_text(text)
    return text


def _bomless_utf16(data: bytes) -> str:
    if len(data) % 2 == 0:
        sample = data[: _SNIFF_CHARS * 2]
        half = len(sample) // 2
        for encoding, zeros in (("utf-16-le", sample[1::2]), ("utf-16-be", sample[0::2])):
            if zeros.count(0) >= 0.9 * half:
                try:
                    return data.decode(encoding)
                except UnicodeDecodeError:
                    break
    raise ParseError("input looks binary (NUL bytes)")


def check_text(text: str) -> None:
    """Refuse decoded or pasted text that is really binary: NUL characters or mostly control characters."""
    if "\x00" in text:
        raise ParseError("input looks binary (NUL bytes)")
    sample = text[:_SNIFF_CHARS]
    if sample and len(_CONTROL_RE.findall(sample)) > _CONTROL_SHARE * len(sample):
        raise ParseError("input looks binary (mostly control characters)")
