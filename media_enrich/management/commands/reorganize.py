"""`manage.py reorganize [--dry-run]` — move library files to where the current path template puts them."""

from __future__ import annotations

import json
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from media_enrich.models import LibraryFile
from media_enrich.paths import TemplateError
from media_enrich.services import organize


class Command(BaseCommand):
    help = (
        "Move finished files (and their .lrc) to the paths the library.path_template setting gives now. "
        "--dry-run prints the planned moves as JSON lines and changes nothing."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--dry-run", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        files = LibraryFile.objects.filter(status__in=(LibraryFile.Status.FINISHED, LibraryFile.Status.ATTENTION))
        moves = unchanged = 0
        for file in files.exclude(organized_path="").exclude(tags={}).order_by("organized_path"):
            try:
                current, planned = organize.plan_reorganize(file)
            except TemplateError as exc:
                self.stderr.write(f"{file.pk}: {exc}")
                continue
            if current.rsplit(".", 1)[0] == planned.rsplit(".", 1)[0]:
                unchanged += 1
                continue
            moves += 1
            if options["dry_run"]:
                self.stdout.write(json.dumps({"id": file.pk, "from": current, "to": planned}, ensure_ascii=False))
            else:
                final = organize.reorganize_file(library_file=file)
                self.stdout.write(f"{file.pk}: {current} → {final}")
        verb = "would move" if options["dry_run"] else "moved"
        self.stdout.write(f"{verb} {moves} file(s); {unchanged} already in place")
