"""`manage.py explain_pick FILE.json` — which file the policy picks for a wanted track, and why."""

from __future__ import annotations

import json
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from matching import scoring, services

MAX_INPUT_BYTES = 64 * 1024 * 1024


class Command(BaseCommand):
    help = (
        'Read {"wanted": {"artist", "title", "album"?, "year"?, "duration_s"?}, "responses": [slskd search '
        "responses]} and print the pick, the ranked candidates and the rejected files with reason codes as JSON."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", help="the JSON file ('-' for standard input)")
        parser.add_argument(
            "--default-policy", action="store_true", help="ignore the runtime settings; use the policy's defaults"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        document = self._read(options["file"])
        wanted = _wanted(document.get("wanted"))
        responses = document.get("responses")
        if not isinstance(responses, list) or not all(isinstance(r, dict) for r in responses):
            raise CommandError("responses: expected a list of slskd search responses (objects)")
        policy = scoring.Policy() if options["default_policy"] else services.current_policy()
        ranking = scoring.rank(wanted, scoring.candidates_from_responses(responses), policy=policy)
        result = {
            "pick": None if ranking.pick is None else {
                "username": ranking.pick.candidate.username, "filename": ranking.pick.candidate.filename,
            },
            **ranking.to_dict(),
        }  # fmt: skip
        self.stdout.write(json.dumps(result, indent=2, ensure_ascii=False))

    def _read(self, name: str) -> dict[str, Any]:
        import sys

        try:
            if name == "-":
                raw = sys.stdin.buffer.read(MAX_INPUT_BYTES + 1)
            else:
                path = Path(name)
                if path.stat().st_size > MAX_INPUT_BYTES:
                    raise CommandError(f"file: larger than the limit of {MAX_INPUT_BYTES // (1024 * 1024)} MiB")
                raw = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"file: cannot read {name}: {exc.strerror}") from exc
        if len(raw) > MAX_INPUT_BYTES:
            raise CommandError(f"file: larger than the limit of {MAX_INPUT_BYTES // (1024 * 1024)} MiB")
        try:
            document = json.loads(raw.decode("utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise CommandError(f"file: not valid UTF-8 JSON ({exc})") from exc
        if not isinstance(document, dict):
            raise CommandError("file: expected a JSON object with 'wanted' and 'responses'")
        return document


def _wanted(value: Any) -> scoring.Wanted:
    if not isinstance(value, dict):
        raise CommandError("wanted: expected an object with artist and title")
    for key in ("artist", "title"):
        if not isinstance(value.get(key), str) or not value[key].strip():
            raise CommandError(f"wanted.{key}: required, a non-empty string")
    duration = value.get("duration_s")
    if duration is not None and (isinstance(duration, bool) or not isinstance(duration, int | float)):
        raise CommandError("wanted.duration_s: expected a number of seconds")
    year = value.get("year")
    if year is not None and (isinstance(year, bool) or not isinstance(year, int)):
        raise CommandError("wanted.year: expected a whole number")
    album = value.get("album")
    if album is not None and not isinstance(album, str):
        raise CommandError("wanted.album: expected a string")
    artists = value.get("artists") or ()
    return scoring.Wanted(
        artist=value["artist"], title=value["title"], album=album or None, year=year,
        duration_s=float(duration) if duration is not None else None, isrc=value.get("isrc") or None,
        artists=tuple(a for a in artists if isinstance(a, str)),
    )  # fmt: skip
