"""Finishing tests: the three metadata emulators wired into settings, and completed downloads with real files."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from emulators.audio import write_flac, write_m4a, write_mp3
from emulators.coverart import CoverArtEmulator
from emulators.lrclib import LrclibEmulator
from emulators.musicbrainz import MusicBrainzEmulator
from library.models import Download, DownloadAttempt, Track
from matching.query import identity_key
from media_enrich.services import ratelimit

WRITERS: dict[str, Callable[..., int]] = {"flac": write_flac, "mp3": write_mp3, "m4a": write_m4a}


@dataclass
class Metadata:
    musicbrainz: MusicBrainzEmulator
    coverart: CoverArtEmulator
    lrclib: LrclibEmulator


@pytest.fixture
def metadata(settings, emulator, monkeypatch) -> Metadata:
    """MusicBrainz (its 1 req/s rule off: the gate is tested on its own), Cover Art Archive and LRCLIB."""
    services = Metadata(MusicBrainzEmulator(rate_limit_per_s=0), CoverArtEmulator(), LrclibEmulator())
    settings.HARMONY_MUSICBRAINZ_URL = emulator(services.musicbrainz).url
    settings.HARMONY_COVERART_URL = emulator(services.coverart).url
    settings.HARMONY_LRCLIB_URL = emulator(services.lrclib).url
    monkeypatch.setattr(ratelimit, "MUSICBRAINZ_INTERVAL_S", 0.0)
    settings.HARMONY_FINISHING = True
    return services


def completed_download(
    settings,
    *,
    artist: str,
    title: str,
    album: str = "",
    seconds: int,
    number: int = 1,
    fmt: str = "flac",
    isrc: str = "",
    remote_folder: str = "",
    **writer_options: object,
) -> Download:
    """A completed download: its track, the succeeded attempt (the peer's path) and a real file in the downloads dir."""
    folder = remote_folder or f"{album or 'Misc'} [{fmt.upper()}]"
    name = f"{number:02d} - {title}.{fmt}"
    relative = f"{folder}/{name}"
    path = Path(settings.HARMONY_DOWNLOADS_DIR) / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    WRITERS[fmt](path, duration_s=seconds, **writer_options)
    track = Track.objects.create(
        artist=artist,
        artists=[artist],
        title=title,
        album=album,
        duration_s=seconds,
        isrc=isrc,
        identity=identity_key(artist, title),
        status=Track.Status.OWNED,
    )
    download = Download.objects.create(
        track=track,
        status=Download.Status.COMPLETED,
        local_path=relative,
        file_format=fmt,
        file_size=path.stat().st_size,
        file_duration_s=seconds,
    )
    DownloadAttempt.objects.create(
        download=download,
        username="peer",
        filename=f"@@qwert\\Music\\{artist}\\{folder}\\{name}",
        size=path.stat().st_size,
        outcome=DownloadAttempt.Outcome.SUCCEEDED,
    )
    return download
