"""`manage.py import_playlist FILE|URL [--dry-run]` — import a playlist export, a text file of tracks, or (when the
runtime setting spotify.public_links is on) a public Spotify playlist link."""

from __future__ import annotations

import json
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from harmony.errors import FeatureDisabled, HarmonyError
from ingest import parsers, services


class Command(BaseCommand):
    help = (
        "Import wanted tracks from an export file (Exportify, TuneMyMusic, Soundiiz, Spotify data export, M3U) or a "
        "text file of 'Artist - Title' lines. --dry-run prints what was understood and what was not, as JSON."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("source", help="a file path ('-' for standard input) or a public Spotify playlist link")
        parser.add_argument("--dry-run", action="store_true", help="parse and print; create nothing")
        parser.add_argument("--name", default="", help="the import's name (default: the playlist's)")

    def handle(self, *args: Any, **options: Any) -> None:
        source: str = options["source"]
        if parsers.parse_spotify_link(source) is not None or source.startswith(("http://", "https://")):
            self._import_link(source, options)
            return
        data = self._read(source)
        try:
            result = services.parse_input(data=data, filename=Path(source).name)
        except HarmonyError as exc:
            raise CommandError(exc.message) from exc
        if options["dry_run"]:
            self.stdout.write(json.dumps(_dry_run(result), indent=2, ensure_ascii=False))
            return
        services.check_backpressure()
        job = services.create_import(result=result, source="file", name=options["name"], filename=Path(source).name)
        services.process_import(job_id=job.pk)  # inline; the worker's copy of the task then finds nothing to do
        job.refresh_from_db()
        counts = services.progress(job)
        self.stdout.write(
            f"import {job.pk} ({result.format}): {counts['total']} lines, {counts['queued']} wanted, "
            f"{counts['skipped']} skipped"
        )
        for rejected in result.rejected[:50]:
            self.stdout.write(f"  line {rejected.line}: {rejected.reason}: {rejected.text}")

    def _import_link(self, source: str, options: dict[str, Any]) -> None:
        from ingest.services import public_links

        try:
            public_links.require_enabled()
            if options["dry_run"]:
                playlist = public_links.fetch_public_playlist(link=source)
                result = public_links.playlist_result(playlist)
                self.stdout.write(json.dumps(_dry_run(result), indent=2, ensure_ascii=False))
                return
            job = public_links.import_public_playlist(link=source)
        except FeatureDisabled as exc:
            raise CommandError(
                f"source: {exc.message} (FEATURE_DISABLED); or export the playlist to a file (e.g. with Exportify) "
                "and import that"
            ) from exc
        except HarmonyError as exc:
            raise CommandError(exc.message) from exc
        services.process_import(job_id=job.pk)  # inline; the worker's copy of the task then finds nothing to do
        job.refresh_from_db()
        counts = services.progress(job)
        self.stdout.write(
            f"import {job.pk} (public page, partial: about the first 50 tracks, no album or ISRC): "
            f"{counts['total']} tracks, {counts['queued']} wanted, {counts['skipped']} skipped"
        )

    def _read(self, source: str) -> bytes:
        import sys

        if source == "-":
            return sys.stdin.buffer.read()
        path = Path(source)
        try:
            services.check_size(path.stat().st_size)
            return path.read_bytes()
        except HarmonyError as exc:
            raise CommandError(exc.message) from exc
        except OSError as exc:
            raise CommandError(f"source: cannot read {source}: {exc.strerror}") from exc


def _dry_run(result: parsers.ParseResult) -> dict[str, Any]:
    return {
        "format": result.format,
        "playlists": result.playlists,
        "items": [
            {
                "line": i.line,
                "artist": i.artist,
                "title": i.title,
                "album": i.album,
                "artists": list(i.artists),
                "duration_s": i.duration_s,
                "isrc": i.isrc,
                "spotify_id": i.spotify_id,
                "playlist": i.playlist,
            }
            for i in result.items
        ],
        "rejected": [{"line": r.line, "reason": r.reason, "text": r.text} for r in result.rejected],
        "links": [{"kind": link.kind, "id": link.id, "url": link.url} for link in result.links],
    }
