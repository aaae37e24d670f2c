"""The local side of a finished download: the real audio file in the downloads directory (§7.2) and events (§8)."""

from __future__ import annotations

import logging
import shutil
import threading
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from emulators.audio import write_flac, write_mp3
from emulators.slskd.scenario import SharedFile
from emulators.slskd.wire import dotnet_ticks, dumps, iso_utc

logger = logging.getLogger(__name__)

_MP3_RATES = (320, 256, 224, 192, 160, 128, 112, 96, 80, 64, 56, 48, 40, 32)


def _safe_component(name: str) -> str:
    # On Linux only "/" and NUL are invalid; "." and ".." would leave the directory, so they are replaced too.
    cleaned = name.replace("/", "_").replace("\0", "_")
    return "_" if cleaned in ("", ".", "..") else cleaned


def _remote_parts(remote_path: str) -> list[str]:
    separator = "/" if "/" in remote_path else "\\"
    return remote_path.split(separator)


def destination(downloads_dir: Path, remote_path: str) -> Path:
    """`<downloads>/<last remote folder>/<file name>`; a file without a folder goes straight into downloads."""
    parts = _remote_parts(remote_path)
    if len(parts) == 1:
        return downloads_dir / _safe_component(parts[0])
    return downloads_dir / _safe_component(parts[-2]) / _safe_component(parts[-1])


def incomplete_location(
    incomplete_dir: Path, *, username: str, remote_path: str, version: tuple[int, int, int]
) -> Path:
    """≤ 0.25: `<incomplete>/<parent>/<file>`; 0.26+: `<incomplete>/<username>/<whole remote folder>/<file>`."""
    if version < (0, 26, 0):
        return destination(incomplete_dir, remote_path)
    parts = [part for part in _remote_parts(remote_path) if part]
    return incomplete_dir.joinpath(_safe_component(username), *map(_safe_component, parts))


def _renamed(target: Path) -> Path:
    return target.with_name(f"{target.stem}_{dotnet_ticks()}{target.suffix}")


def write_audio(path: Path, shared: SharedFile, size: int) -> None:
    """The file the peer sends: real audio of the file's (actual) length, exactly `size` bytes.

    Formats without a generator here (m4a, ogg, …) get `size` zero bytes.
    """
    length = shared.delivered_length_s
    fmt = shared.format.lower()
    try:
        if fmt == "flac":
            write_flac(
                path,
                duration_s=length,
                sample_rate=shared.sample_rate or 44100,
                bit_depth=shared.bit_depth or 16,
                size=size,
                tags=shared.tags,
            )
            return
        if fmt == "mp3":
            _write_mp3_fitting(path, shared, size, length)
            return
    except ValueError:
        logger.warning("%s: %d bytes cannot hold %.0f s of %s; writing filler", shared.path, size, length, fmt)
    with open(path, "wb") as handle:
        handle.truncate(size)


def _write_mp3_fitting(path: Path, shared: SharedFile, size: int, length: float) -> None:
    sample_rate = shared.sample_rate if shared.sample_rate in (32000, 44100, 48000) else 44100
    if shared.vbr:
        write_mp3(path, duration_s=length, vbr=True, size=size, sample_rate=sample_rate, tags=shared.tags)
        return
    wanted = shared.bit_rate or 320
    candidates = [rate for rate in _MP3_RATES if rate <= wanted] or [_MP3_RATES[-1]]
    for rate in candidates:
        try:
            write_mp3(path, duration_s=length, bitrate_kbps=rate, size=size, sample_rate=sample_rate, tags=shared.tags)
            return
        except ValueError:
            continue
    raise ValueError(f"no MP3 bitrate fits {size} bytes")


class Deliverer:
    """Writes finished downloads; one lock makes the "exists? then rename" decision race-free."""

    def __init__(self, downloads_dir: Path, incomplete_dir: Path | None) -> None:
        self.downloads_dir = downloads_dir
        self.incomplete_dir = incomplete_dir
        self._placing = threading.Lock()

    def deliver(
        self,
        *,
        transfer_id: str,
        username: str,
        remote_path: str,
        shared: SharedFile,
        size: int,
        version: tuple[int, int, int],
    ) -> Path:
        target = destination(self.downloads_dir, remote_path)
        if self.incomplete_dir is not None:
            staging = incomplete_location(
                self.incomplete_dir, username=username, remote_path=remote_path, version=version
            )
        else:
            staging = target.with_name(f".{target.name}.{transfer_id[:8]}.part")
        staging.parent.mkdir(parents=True, exist_ok=True)
        write_audio(staging, shared, size)
        with self._placing:
            target.parent.mkdir(parents=True, exist_ok=True)
            if target.exists():
                target = _renamed(target)
            shutil.move(staging, target)
        if self.incomplete_dir is not None:
            _remove_empty_parents(staging.parent, stop=self.incomplete_dir)
        return target


def _remove_empty_parents(folder: Path, *, stop: Path) -> None:
    while folder != stop and stop in folder.parents:
        try:
            folder.rmdir()
        except OSError:
            return
        folder = folder.parent


@dataclass
class Event:
    id: str
    type: str
    at: float  # wall-clock seconds
    data: dict[str, Any]

    def to_json(self) -> dict[str, Any]:
        # `data` is itself a JSON document in a string, with its nulls kept (§8).
        return {"timestamp": iso_utc(self.at), "type": self.type, "data": dumps(self.data), "id": self.id}


def new_event(event_type: str, at: float, data: dict[str, Any]) -> Event:
    return Event(id=str(uuid.uuid4()), type=event_type, at=at, data={"version": 0, **data})
