"""Finishing benchmark: completed downloads of mixed formats through the whole pipeline.

    python benchmarks/finishing_bench.py [--files 200] [--max-seconds 120]

Real FLAC, MP3 and M4A files (the sizes of real encodes of each track's length; about 3.5 GB in all) are
finished one after another: verify, identify (MusicBrainz), tag, artwork (Cover Art Archive), lyrics (LRCLIB),
organise. The three services are the project's emulators on loopback, with MusicBrainz's one-request-per-second
gate off, and the time spent waiting on HTTP is measured and taken out, so the figure is Harmony's own work.
Prints files per minute (with and without network time), the steps' outcomes, and the resident memory every 25
files (it should stay flat: nothing accumulates per file).
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
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
    parser.add_argument("--files", type=int, default=200)
    parser.add_argument(
        "--max-seconds", type=int, default=3600, help="cap each file's length (to save disk; identify then misses)"
    )
    args = parser.parse_args()
    data = Path(tempfile.mkdtemp(prefix="harmony-finishing-bench-"))
    os.environ.update(
        {
            "HARMONY_DATA_DIR": str(data),
            "DJANGO_SETTINGS_MODULE": "harmony.settings",
            "HARMONY_LOG_LEVEL": "WARNING",
            "CELERY_TASK_ALWAYS_EAGER": "false",
        }
    )
    for name in ("REDIS_URL", "DATABASE_URL"):
        os.environ.pop(name, None)
    import django

    django.setup()
    import requests
    from django.conf import settings
    from django.core.management import call_command

    from emulators.audio import write_flac, write_m4a, write_mp3
    from emulators.base import serve_in_thread
    from emulators.coverart import CoverArtEmulator
    from emulators.lrclib import LrclibEmulator
    from emulators.musicbrainz import MusicBrainzEmulator, isrc_of
    from emulators.slskd.catalogue import ALBUMS
    from library.models import Download, DownloadAttempt, Track
    from matching.query import identity_key
    from media_enrich.models import FinishStep, LibraryFile
    from media_enrich.services import finishing, ratelimit

    call_command("migrate", verbosity=0)
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    servers = [serve_in_thread(app) for app in (MusicBrainzEmulator(rate_limit_per_s=0), CoverArtEmulator(),
                                                 LrclibEmulator())]  # fmt: skip
    settings.HARMONY_MUSICBRAINZ_URL, settings.HARMONY_COVERART_URL, settings.HARMONY_LRCLIB_URL = (
        s.url for s in servers
    )
    ratelimit.MUSICBRAINZ_INTERVAL_S = 0.0
    network = [0.0]
    send = requests.Session.send

    def timed_send(self: requests.Session, request: requests.PreparedRequest, **kwargs: object) -> requests.Response:
        started = time.perf_counter()
        try:
            return send(self, request, **kwargs)  # type: ignore[arg-type]
        finally:
            network[0] += time.perf_counter() - started

    requests.Session.send = timed_send  # type: ignore[method-assign]

    writers: dict[str, Callable[..., int]] = {"flac": write_flac, "mp3": write_mp3, "m4a": write_m4a}
    formats = ("flac", "mp3", "m4a")
    tracks = [
        (album.artist, album.title, number, title, seconds)
        for key, album in ALBUMS.items()
        if key != "karaoke"
        for number, (title, seconds) in enumerate(album.tracks, start=1)
    ]
    downloads_dir = Path(settings.HARMONY_DOWNLOADS_DIR)
    ids = []
    for index in range(args.files):
        artist, album, number, title, seconds = tracks[index % len(tracks)]
        fmt = formats[index % 3]
        relative = f"{album} [{fmt}] {index // len(tracks)}/{number:02d} - {title}.{fmt}"
        path = downloads_dir / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        length = min(seconds, args.max_seconds)
        writers[fmt](path, duration_s=length)
        track = Track.objects.create(
            artist=artist, artists=[artist], title=title, album=album, duration_s=length,
            isrc=isrc_of(artist, album, title) if index < len(tracks) else "",
            identity=f"{identity_key(artist, title)}\x1f{index}", status=Track.Status.OWNED,
        )  # fmt: skip
        download = Download.objects.create(
            track=track, status=Download.Status.COMPLETED, local_path=relative, file_format=fmt,
            file_size=path.stat().st_size, file_duration_s=length,
        )  # fmt: skip
        DownloadAttempt.objects.create(
            download=download, username="bench", filename=f"Music\\{artist}\\{relative}", size=path.stat().st_size,
            outcome=DownloadAttempt.Outcome.SUCCEEDED,
        )  # fmt: skip
        ids.append(finishing.start_finishing(download=download).pk)
    size_mb = sum((downloads_dir / d).stat().st_size for d in Download.objects.values_list("local_path", flat=True))
    memory = [rss_mb()]
    started = time.perf_counter()
    for done, file_id in enumerate(ids, start=1):
        finishing.finish_file(library_file_id=file_id)
        if done % 25 == 0:
            memory.append(rss_mb())
    wall = time.perf_counter() - started
    local = wall - network[0]
    outcomes = Counter(
        f"{name}:{status}" for name, status in FinishStep.objects.values_list("name", "status")
    )  # one row per step of every file
    statuses = Counter(LibraryFile.objects.values_list("status", flat=True))
    mix = Counter(formats[i % 3] for i in range(args.files))
    print(f"files: {args.files} ({', '.join(f'{n} {f}' for f, n in mix.items())})")
    print(f"audio: {size_mb / 1e6:.0f} MB, each capped at {args.max_seconds} s")
    print(f"wall_s: {wall:.1f}  network_s: {network[0]:.1f}  local_s: {local:.1f}")
    print(f"files_per_min (network excluded): {args.files / local * 60:.0f}")
    print(f"files_per_min (wall, emulators on loopback): {args.files / wall * 60:.0f}")
    print(f"library files: {dict(statuses)}")
    print(f"steps: {dict(sorted(outcomes.items()))}")
    print(f"rss_mb every 25 files: {' '.join(f'{m:.0f}' for m in memory)}")
    for server in servers:
        server.stop()


if __name__ == "__main__":
    main()
