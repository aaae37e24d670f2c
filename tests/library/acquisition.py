"""Helpers for the acquisition tests: an slskd emulator wired into Harmony's settings, and a driver that runs the
two pollers the way beat does, until a download settles."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from emulators.slskd import Peer, Scenario, SharedFile, SlskdEmulator
from library import runtime
from library.models import Download
from library.services import transfers
from matching import services as matching

API_KEY = "test-emulator-key"
SETTLED = (Download.Status.COMPLETED, Download.Status.FAILED, Download.Status.DEAD_LETTER, Download.Status.CANCELLED)


@dataclass
class Slskd:
    emulator: SlskdEmulator
    url: str
    downloads: Path


def connect(settings, emulator_fixture, scenario: Scenario, *, version: str = "0.26.0", time_scale: float = 0.002):
    downloads = Path(settings.HARMONY_DOWNLOADS_DIR)
    emulator = SlskdEmulator(scenario, downloads_dir=downloads, version=version, api_key=API_KEY, time_scale=time_scale)
    running = emulator_fixture(emulator)
    settings.SLSKD_URL = running.url
    settings.SLSKD_API_KEY = API_KEY
    return Slskd(emulator=emulator, url=running.url, downloads=downloads)


def fast_timers(**overrides: object) -> None:
    """Timers in seconds that suit an emulator running at a small time scale."""
    values = {
        "acquisition.stall_timeout_s": 1,
        "acquisition.remote_queue_timeout_s": 1,
        "acquisition.retry_base_s": 1,
        "acquisition.retry_max_s": 1,
        **overrides,
    }
    for key, value in values.items():
        runtime.set_value(key, value, by="tests")


def drive(*download_ids: int, timeout: float = 20.0, until: tuple[str, ...] = SETTLED) -> list[Download]:
    """Run the search and download pollers until every download reaches one of `until`."""
    deadline = time.monotonic() + timeout
    while True:
        matching.poll_searches()
        transfers.poll_downloads()
        downloads = list(Download.objects.filter(pk__in=download_ids).select_related("track").order_by("pk"))
        if all(d.status in until for d in downloads) or time.monotonic() > deadline:
            return downloads
        time.sleep(0.02)


def flac(path: str, length: int, **extra: object) -> SharedFile:
    return SharedFile(path=path, format="flac", length_s=length, bit_depth=16, sample_rate=44100, **extra)


def mp3(path: str, length: int, bit_rate: int = 320, **extra: object) -> SharedFile:
    return SharedFile(path=path, format="mp3", length_s=length, bit_rate=bit_rate, vbr=False, **extra)


def peer(username: str, *files: SharedFile, **options: object) -> Peer:
    return Peer(username=username, files=list(files), **options)
