"""`manage.py fetch "Artist - Title" [--album A] [--duration S]` — one track, end to end, with its progress."""

from __future__ import annotations

import re
import time
from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from library.models import Download, DownloadAttempt
from library.services import transfers, wants
from matching import services as matching

_SEPARATOR = re.compile(r"\s+[-\u2013\u2014]\s+")


class Command(BaseCommand):
    help = "Want one track and drive its search and download to the end, printing each step."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("track", help='"Artist - Title" (a spaced hyphen, en or em dash separates them)')
        parser.add_argument("--album", default="")
        parser.add_argument("--duration", type=float, default=None, help="the track's length in seconds")
        parser.add_argument("--timeout", type=float, default=600, help="give up waiting after this many seconds")
        parser.add_argument("--interval", type=float, default=1.0, help="seconds between polls")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.SLSKD_URL:
            raise CommandError("SLSKD_URL is not set: fetch needs slskd (or its emulator, see the README)")
        parts = _SEPARATOR.split(options["track"].strip(), maxsplit=1)
        if len(parts) != 2 or not all(p.strip() for p in parts):
            raise CommandError('track: expected "Artist - Title", with spaces around the dash')
        artist, title = (p.strip() for p in parts)
        result = wants.want_track(artist=artist, title=title, album=options["album"], duration_s=options["duration"])
        if result.download is None:
            self.stdout.write(f"{result.track} is already in the library.")
            return
        if result.download.status in (Download.Status.FAILED, Download.Status.DEAD_LETTER, Download.Status.CANCELLED):
            wants.retry_download(download=result.download)
        self.stdout.write(f"wanted: {result.track} (download {result.download.pk}, {result.outcome})")
        self._drive(result.download.pk, timeout=options["timeout"], interval=options["interval"])

    def _drive(self, download_id: int, *, timeout: float, interval: float) -> None:
        deadline = time.monotonic() + timeout
        last = ""
        while time.monotonic() < deadline:
            matching.poll_searches()
            transfers.poll_downloads()
            download = Download.objects.select_related("track").get(pk=download_id)
            attempt = download.attempts.order_by("-id").first()
            line = self._describe(download, attempt)
            if line != last:
                self.stdout.write(line)
                last = line
            if download.status == Download.Status.COMPLETED:
                self.stdout.write(self.style.SUCCESS(f"completed: {download.local_path}"))
                return
            if download.status in (Download.Status.FAILED, Download.Status.DEAD_LETTER, Download.Status.CANCELLED):
                raise CommandError(f"{download.status}: {download.error_code} — {download.error_detail}")
            time.sleep(interval)
        raise CommandError(f"still {download.status} after {timeout:g} s; it goes on in the background")

    @staticmethod
    def _describe(download: Download, attempt: DownloadAttempt | None) -> str:
        text = f"  {download.status}"
        if download.status == Download.Status.SEARCHING and download.search:
            text += f": {download.search.query!r}"
        if attempt is not None and download.status in Download.Status.IN_FLIGHT:
            percent = 100 * attempt.bytes_transferred / attempt.size if attempt.size else 0
            text += f": {attempt.username} · {attempt.filename} · {attempt.state or 'enqueueing'} · {percent:.0f}%"
        if attempt is not None and attempt.outcome not in (DownloadAttempt.Outcome.IN_PROGRESS, ""):
            text += f" (last attempt {attempt.outcome}: {attempt.failure_reason})" if attempt.failure_reason else ""
        return text
