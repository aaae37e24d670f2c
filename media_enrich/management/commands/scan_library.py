"""`manage.py scan_library PATH` — index files already in the music library so they are not wanted again."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from media_enrich.fileops import UnsafePath
from media_enrich.services.scan import scan_library


class Command(BaseCommand):
    help = (
        "Index audio files under PATH (inside HARMONY_MUSIC_DIR): each becomes a library file and its track is "
        "owned, so imports skip it as already_in_library and downloads not yet started stop."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("path", help="a folder inside HARMONY_MUSIC_DIR (the whole library: that folder)")
        parser.add_argument("--verbose-files", action="store_true", help="print every file")

    def handle(self, *args: Any, **options: Any) -> None:
        root = Path(options["path"]).expanduser()
        if not root.is_dir():
            raise CommandError(f"path: {root} is not a folder")
        printer = (lambda path, what: self.stdout.write(f"{what}: {path}")) if options["verbose_files"] else None
        try:
            report = scan_library(root=root.resolve(), on_file=printer)
        except UnsafePath as exc:
            raise CommandError(f"path: {exc}") from exc
        for relative, reason in report.unreadable:
            self.stderr.write(f"skipped {relative}: {reason}")
        self.stdout.write(
            f"scanned {report.scanned}: added {report.added}, already indexed {report.known}, "
            f"unreadable {len(report.unreadable)}; tracks now owned {report.tracks_owned}, "
            f"downloads stopped {report.downloads_stopped}"
        )
