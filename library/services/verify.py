"""Finding and checking the file slskd delivered. Remote names are untrusted: the local file is only ever looked
for inside HARMONY_DOWNLOADS_DIR, and every path is checked to stay there."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import mutagen

# slskd keeps only the last folder of the remote path (contracts/slskd.md §7.2); on Linux it replaces `/` and NUL.
_SEPARATORS = re.compile(r"[\\/]")
_FORMATS = {
    "FLAC": "flac", "MP3": "mp3", "EasyMP3": "mp3", "MP4": "m4a", "EasyMP4": "m4a", "OggVorbis": "ogg",
    "OggOpus": "opus", "WAVE": "wav", "AIFF": "aiff",
}  # fmt: skip
_EXTENSION_FORMAT = {
    "flac": "flac",
    "mp3": "mp3",
    "m4a": "m4a",
    "mp4": "m4a",
    "aac": "m4a",
    "alac": "m4a",
    "ogg": "ogg",
    "oga": "ogg",
    "opus": "opus",
    "wav": "wav",
    "aif": "aiff",
    "aiff": "aiff",
}


def remote_parts(remote_filename: str) -> tuple[str, str]:
    """(last folder, file name) of a remote path; the folder is empty when the path has none."""
    separator = "/" if "/" in remote_filename else "\\"
    pieces = remote_filename.split(separator)
    name = pieces[-1]
    folder = pieces[-2] if len(pieces) > 1 else ""
    return folder, name


def _safe_component(text: str) -> str | None:
    cleaned = _SEPARATORS.sub("_", text).replace("\x00", "_")
    return None if cleaned in ("", ".", "..") else cleaned


def confined(root: Path, relative: str | PurePosixPath) -> Path | None:
    """`root / relative`, resolved, or None when it would leave `root`."""
    candidate = (root / relative).resolve()
    root = root.resolve()
    return candidate if candidate.is_relative_to(root) and candidate != root else None


def expected_locations(root: Path, remote_filename: str) -> list[Path]:
    """Where slskd puts this remote file under the downloads root: `<folder>/<name>`, plus the `_<ticks>` renames
    it makes on a name collision (newest first)."""
    folder, name = remote_parts(remote_filename)
    safe_name = _safe_component(name)
    if safe_name is None:
        return []
    safe_folder = _safe_component(folder) if folder else ""
    if safe_folder is None:
        return []
    direct = confined(root, PurePosixPath(safe_folder, safe_name) if safe_folder else PurePosixPath(safe_name))
    if direct is None:
        return []
    stem, dot, ext = safe_name.rpartition(".")
    if not dot:
        stem, ext = safe_name, ""
    pattern = re.compile(re.escape(stem) + r"_\d{10,}" + (re.escape("." + ext) if ext else "") + "$")
    renamed = []
    if direct.parent.is_dir():
        renamed = sorted(
            (p for p in direct.parent.iterdir() if pattern.match(p.name)),
            key=lambda p: p.stat().st_mtime,
            reverse=True,
        )
    return [direct, *renamed]


def from_slskd_path(root: Path, slskd_downloads_dir: str | None, local_filename: str) -> Path | None:
    """Map slskd's own view of a path (e.g. /app/downloads/Album/x.flac) onto the downloads root here."""
    if not slskd_downloads_dir:
        return None
    base = PurePosixPath(slskd_downloads_dir.replace("\\", "/"))
    path = PurePosixPath(local_filename.replace("\\", "/"))
    try:
        relative = path.relative_to(base)
    except ValueError:
        return None
    return confined(root, relative)


def locate(
    root: Path, remote_filename: str, size: int, *, slskd_downloads_dir: str | None, local_filename: str | None
) -> Path | None:
    """The delivered file of exactly `size` bytes, or None when it is not (yet) there."""
    options: list[Path] = []
    if local_filename:
        mapped = from_slskd_path(root, slskd_downloads_dir, local_filename)
        if mapped is not None:
            options.append(mapped)
    options.extend(expected_locations(root, remote_filename))
    for path in options:
        if path.is_file() and path.stat().st_size == size:
            return path
    return None


@dataclass(frozen=True)
class Verdict:
    ok: bool
    detail: str
    file_format: str = ""
    duration_s: float | None = None


def expected_format(remote_filename: str) -> str:
    _, name = remote_parts(remote_filename)
    return _EXTENSION_FORMAT.get(name.rpartition(".")[2].lower(), "")


def verify(
    path: Path,
    *,
    expected_size: int,
    expected_format_name: str,
    reference_length_s: float | None,
    tolerance_s: float,
) -> Verdict:
    """Read the file with mutagen: it must be audio of the announced format, of the announced size, and as long
    as the peer (or the wanted track) said."""
    size = path.stat().st_size
    if size != expected_size:
        return Verdict(False, f"size {size} bytes, expected {expected_size}")
    try:
        audio = mutagen.File(path)
    except mutagen.MutagenError as exc:
        return Verdict(False, f"unreadable audio: {exc}")
    if audio is None or getattr(audio, "info", None) is None:
        return Verdict(False, "not a recognised audio file")
    found = _FORMATS.get(type(audio).__name__, type(audio).__name__.lower())
    length = float(getattr(audio.info, "length", 0.0) or 0.0)
    if expected_format_name and found != expected_format_name:
        return Verdict(False, f"format {found}, expected {expected_format_name}", found, length)
    if length <= 0:
        return Verdict(False, "the file reports no length", found, length)
    if reference_length_s is not None and abs(length - reference_length_s) > tolerance_s:
        return Verdict(
            False, f"length {length:.1f} s, expected {reference_length_s:.0f} s (±{tolerance_s:g})", found, length
        )
    return Verdict(True, f"{found}, {length:.1f} s, {size} bytes", found, length)
