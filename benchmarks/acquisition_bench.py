"""Acquisition benchmark: a 100-track, 10-album playlist against the slskd emulator.

    python benchmarks/acquisition_bench.py [--tracks-per-album 10] [--albums 10] [--time-scale 0.01]

Runs Harmony's search and download pollers in this process (as a Celery worker would run them) on a fresh SQLite
database in a temporary data dir, and prints:
  searches_per_acquired_track   slskd searches spent per track that ended completed (target <= 0.3)
  wall_time_s / budget_floor_s  the run's duration, and the least the search budget alone would allow
  max_rss_mb                    the process's peak resident memory while it ran (target < 300)
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--albums", type=int, default=10)
    parser.add_argument("--tracks-per-album", type=int, default=10)
    parser.add_argument("--time-scale", type=float, default=0.01, help="emulator delays multiplied by this")
    parser.add_argument("--timeout", type=float, default=600)
    parser.add_argument("--budget", type=int, default=None, help="search budget (default: the setting, 34)")
    parser.add_argument("--window", type=int, default=None, help="budget window in seconds (default: 220)")
    args = parser.parse_args()

    data = Path(tempfile.mkdtemp(prefix="harmony-bench-"))
    for name in ("DATABASE_URL", "REDIS_URL", "SLSKD_URL"):
        os.environ.pop(name, None)
    os.environ.update({"HARMONY_DATA_DIR": str(data), "DJANGO_SETTINGS_MODULE": "harmony.settings",
                       "HARMONY_LOG_LEVEL": "WARNING"})  # fmt: skip
    import django

    django.setup()
    import logging

    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    from django.conf import settings
    from django.core.management import call_command

    from emulators.base import serve_in_thread
    from emulators.slskd import Peer, Scenario, SharedFile, SlskdEmulator
    from library import runtime
    from library.models import Download
    from library.services import transfers, wants
    from matching import services as matching

    call_command("migrate", verbosity=0)
    runtime.set_value("acquisition.stall_timeout_s", 30, by="bench")
    if args.budget:
        runtime.set_value("search.budget", args.budget, by="bench")
    if args.window:
        runtime.set_value("search.window_s", args.window, by="bench")

    albums = []
    peers = []
    for a in range(args.albums):
        artist, album = f"Benchmark Artist {a:02d}", f"Record Number {a:02d}"
        tracks = [(f"Song {chr(65 + t)} of {a:02d}", 180 + 7 * t) for t in range(args.tracks_per_album)]
        albums.append((artist, album, tracks))
        folder = f"@@bench{a % 10}\\Music\\{artist}\\{album} (2001) [FLAC]\\"
        files = [SharedFile(path=f"{folder}{t + 1:02d} - {title}.flac", format="flac", length_s=length,
                            bit_depth=16, sample_rate=44100) for t, (title, length) in enumerate(tracks)]  # fmt: skip
        mp3_folder = f"Shared\\MP3\\{artist} - {album}\\"
        mp3s = [SharedFile(path=f"{mp3_folder}{t + 1:02d} {title}.mp3", format="mp3", length_s=length, bit_rate=320,
                           vbr=False) for t, (title, length) in enumerate(tracks)]  # fmt: skip
        peers.append(Peer(username=f"flac_peer_{a:02d}", files=files, upload_speed=4_000_000))
        peers.append(Peer(username=f"mp3_peer_{a:02d}", files=mp3s, queue_length=12, has_free_upload_slot=False))
    downloads_dir = Path(settings.HARMONY_DOWNLOADS_DIR)
    emulator = SlskdEmulator(Scenario(peers=peers), downloads_dir=downloads_dir, api_key="bench",
                             time_scale=args.time_scale)  # fmt: skip
    running = serve_in_thread(emulator)
    settings.SLSKD_URL = running.url
    settings.SLSKD_API_KEY = "bench"

    started = time.monotonic()
    peak = rss_mb()
    ids = []
    for artist, album, tracks in albums:
        for title, length in tracks:
            download = wants.want_track(artist=artist, title=title, album=album, duration_s=float(length)).download
            assert download is not None
            ids.append(download.pk)
    settled = (Download.Status.COMPLETED, Download.Status.FAILED, Download.Status.DEAD_LETTER)
    while time.monotonic() - started < args.timeout:
        matching.poll_searches()
        transfers.poll_downloads()
        peak = max(peak, rss_mb())
        if Download.objects.filter(pk__in=ids).exclude(status__in=settled).count() == 0:
            break
        time.sleep(0.05)
    wall = time.monotonic() - started
    running.stop()

    completed = Download.objects.filter(pk__in=ids, status=Download.Status.COMPLETED).count()
    searches = emulator.searches_created
    budget, window = runtime.get("search.budget"), runtime.get("search.window_s")
    floor = max(0, -(-searches // budget) - 1) * window
    print(f"tracks_wanted: {len(ids)}")
    print(f"tracks_completed: {completed}")
    print(f"searches: {searches}")
    print(f"searches_per_acquired_track: {searches / completed if completed else float('inf'):.3f}")
    print(f"wall_time_s: {wall:.1f}")
    print(f"budget_floor_s: {floor:.0f} (budget {budget} searches per {window} s)")
    print(f"emulator_time_scale: {args.time_scale}")
    print(f"max_rss_mb: {peak:.0f}")


if __name__ == "__main__":
    main()
