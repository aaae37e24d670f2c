"""`manage.py retag [--file ID ...] [--identify]` — write the tags of library files again."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from harmony.errors import HarmonyError
from media_enrich.models import FinishStep, LibraryFile
from media_enrich.services import finishing


class Command(BaseCommand):
    help = (
        "Write the tags of finished library files again (after changing tags.id3_v23, say). With --identify, "
        "ask MusicBrainz again first. Runs here, not in the worker, and prints each file."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--file", type=int, action="append", default=[], help="a library file id (repeatable)")
        parser.add_argument("--identify", action="store_true", help="identify again before tagging")

    def handle(self, *args: Any, **options: Any) -> None:
        files = LibraryFile.objects.filter(origin=LibraryFile.Origin.DOWNLOAD).exclude(
            status__in=(LibraryFile.Status.DISCARDED, LibraryFile.Status.RUNNING)
        )
        if options["file"]:
            files = files.filter(pk__in=options["file"])
            missing = set(options["file"]) - set(files.values_list("pk", flat=True))
            if missing:
                raise CommandError(f"file: no finished library file with id {', '.join(map(str, sorted(missing)))}")
        step = FinishStep.Name.IDENTIFY if options["identify"] else FinishStep.Name.TAG
        counts = {"finished": 0, "attention": 0, "skipped": 0}
        for file in files.order_by("pk"):
            try:
                finishing.refresh_step(library_file=file, step=step, enqueue=False)
            except HarmonyError as exc:
                counts["skipped"] += 1
                self.stdout.write(f"{file.pk}: skipped ({exc})")
                continue
            result = finishing.finish_file(library_file_id=file.pk, from_step=step, forced=(step,))
            status = result.status if result else "busy"
            counts["finished" if status == LibraryFile.Status.FINISHED else "attention"] += 1
            self.stdout.write(f"{file.pk}: {status} {result.organized_path if result else ''}")
        self.stdout.write(
            f"retagged {counts['finished']}, needing attention {counts['attention']}, skipped {counts['skipped']}"
        )
