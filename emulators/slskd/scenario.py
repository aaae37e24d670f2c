"""What the emulated Soulseek network holds: peers, their shared files and how each peer behaves."""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from emulators.audio import expected_size

BEHAVIOURS = frozenset(
    {
        "fast",  # free slot: queued remotely for a moment, then transfers at `upload_speed`
        "slow",  # short remote queue, then transfers at an eighth of `upload_speed`
        "long_queue",  # waits `queue_seconds` in the peer's queue first
        "queued_forever",  # accepted into the peer's queue, never started
        "reject",  # refuses every request with `reject_reason`
        "offline",  # answered searches earlier, now gone: enqueue fails, status is Offline
        "timeout",  # never answers a transfer request
        "error_midway",  # the connection drops part-way through
        "size_mismatch",  # the file changed since it was indexed: the transfer is aborted
    }
)

# Search-result attribute names as they appear in JSON, with the spellings a scenario file may use instead.
HIDEABLE = {"length", "bitRate", "bitDepth", "sampleRate", "isVariableBitRate", "extension"}
_HIDE_ALIASES = {
    "length_s": "length",
    "bit_rate": "bitRate",
    "bitrate": "bitRate",
    "bit_depth": "bitDepth",
    "sample_rate": "sampleRate",
    "vbr": "isVariableBitRate",
}
_DEFAULT_LENGTH_S = 240.0


@dataclass
class SharedFile:
    path: str  # the remote path exactly as the peer shares it, backslashes and all
    format: str
    length_s: int | None
    bit_rate: int | None = None
    bit_depth: int | None = None
    sample_rate: int | None = None
    vbr: bool | None = None
    size: int | None = None  # None: a realistic size for the format and length
    locked: bool = False
    actual_length_s: float | None = None  # what the delivered file really holds (truncated or wrong files)
    hide: tuple[str, ...] = ()
    tags: dict[str, str] | None = None  # written into the delivered file

    def __post_init__(self) -> None:
        self.hide = tuple(_HIDE_ALIASES.get(name, name) for name in self.hide)
        unknown = set(self.hide) - HIDEABLE
        if unknown:
            raise ValueError(f"{self.path}: cannot hide {sorted(unknown)}; choose from {sorted(HIDEABLE)}")

    @property
    def effective_size(self) -> int:
        if self.size is not None:
            return self.size
        return expected_size(
            self.format,
            duration_s=self.length_s or _DEFAULT_LENGTH_S,
            bitrate_kbps=self.bit_rate,
            bit_depth=self.bit_depth or 16,
            sample_rate=self.sample_rate or 44100,
        )

    @property
    def delivered_length_s(self) -> float:
        if self.actual_length_s is not None:
            return self.actual_length_s
        if self.length_s is not None:
            return float(self.length_s)
        if self.bit_rate:
            return self.effective_size * 8 / (self.bit_rate * 1000)
        return _DEFAULT_LENGTH_S

    @property
    def directory(self) -> str:
        return split_remote_path(self.path)[0]

    @property
    def name(self) -> str:
        return split_remote_path(self.path)[1]

    @property
    def extension(self) -> str:
        name = self.name
        return name.rsplit(".", 1)[1].lower() if "." in name else ""


@dataclass
class Peer:
    username: str
    files: list[SharedFile]
    behaviour: str = "fast"
    reject_reason: str = "File not shared."
    has_free_upload_slot: bool = True
    queue_length: int = 0
    upload_speed: int = 5_000_000  # bytes/s, as the server advertises it
    queue_seconds: float = 20.0  # how long `long_queue` keeps a request in its queue

    def __post_init__(self) -> None:
        if self.behaviour not in BEHAVIOURS:
            raise ValueError(f"peer {self.username!r}: unknown behaviour {self.behaviour!r}")

    @property
    def online(self) -> bool:
        return self.behaviour != "offline"

    def shared_file(self, remote_path: str) -> SharedFile | None:
        return next((shared for shared in self.files if shared.path == remote_path), None)


@dataclass
class Scenario:
    peers: list[Peer]
    blocked_terms: list[str] = field(default_factory=list)
    logged_in: bool = True
    # The central server's silent search ban: more than `ban_after` searches within `ban_window_s`
    # and every search for the next `ban_duration_s` returns nothing.
    ban_after: int = 34
    ban_window_s: float = 220.0
    ban_duration_s: float = 1800.0

    def __post_init__(self) -> None:
        names = [peer.username for peer in self.peers]
        duplicated = {name for name in names if names.count(name) > 1}
        if duplicated:
            raise ValueError(f"duplicate peer usernames: {sorted(duplicated)}")

    def peer(self, username: str) -> Peer | None:
        return next((peer for peer in self.peers if peer.username == username), None)


def split_remote_path(path: str) -> tuple[str, str]:
    """(directory, file name) of a remote path; slskd guesses `/` as separator when present, else `\\` (§7.1)."""
    separator = "/" if "/" in path else "\\"
    if separator not in path:
        return "", path
    directory, name = path.rsplit(separator, 1)
    return directory, name


def _build(cls: type[Any], data: Any, where: str) -> Any:
    if not isinstance(data, dict):
        raise ValueError(f"{where}: expected an object, got {type(data).__name__}")
    known = {item.name for item in fields(cls)}
    unknown = set(data) - known
    if unknown:
        raise ValueError(f"{where}: unknown keys {sorted(unknown)} (known: {sorted(known)})")
    return cls(**data)


def scenario_from_dict(data: dict[str, Any]) -> Scenario:
    """A Scenario from plain JSON data of the dataclasses' shape (snake_case keys)."""
    if not isinstance(data, dict) or not isinstance(data.get("peers"), list):
        raise ValueError('a scenario is an object with a "peers" list')
    peers = []
    for index, peer_data in enumerate(data["peers"]):
        where = f"peers[{index}]"
        if not isinstance(peer_data, dict) or not isinstance(peer_data.get("files", []), list):
            raise ValueError(f'{where}: expected an object with a "files" list')
        files = [
            _build(SharedFile, {**file_data, "hide": tuple(file_data.get("hide", ()))}, f"{where}.files[{i}]")
            if isinstance(file_data, dict)
            else _build(SharedFile, file_data, f"{where}.files[{i}]")
            for i, file_data in enumerate(peer_data.get("files", []))
        ]
        peers.append(_build(Peer, {**peer_data, "files": files}, where))
    scenario: Scenario = _build(Scenario, {**data, "peers": peers}, "scenario")
    return scenario


def load_scenario(path: str | Path) -> Scenario:
    r"""Read a scenario JSON file: the dataclasses' shape with their snake_case field names, for example

    {"peers": [{"username": "vinyl_junkie_77", "behaviour": "long_queue", "queue_seconds": 60,
                "files": [{"path": "@@kqzvh\\Music\\Radiohead\\OK Computer\\02 - Paranoid Android.flac",
                           "format": "flac", "length_s": 383, "bit_depth": 16, "sample_rate": 44100,
                           "hide": ["bitDepth"]}]}],
     "blocked_terms": ["beatles"], "ban_after": 34}
    """
    with open(path, encoding="utf-8") as handle:
        return scenario_from_dict(json.load(handle))
