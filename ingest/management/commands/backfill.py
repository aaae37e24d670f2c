"""`manage.py backfill [--user NAME]` — fill in Spotify ids, ISRCs, lengths and albums (PRO), chunk by chunk."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from harmony.errors import HarmonyError
from ingest.models import BackfillJob, SpotifyAccount
from ingest.services import backfill


class Command(BaseCommand):
    help = (
        "Look up wanted and owned tracks that lack a Spotify id on Spotify (ISRC first, else artist + title) and "
        "fill in the Spotify id, ISRC, length and album. Needs a connected Spotify account. Runs here, chunk by "
        "chunk; when Spotify asks to wait, the job is left running for the worker to resume."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--user", default="", help="whose Spotify connection to use (default: the only one)")

    def handle(self, *args: Any, **options: Any) -> None:
        user = self._user(options["user"])
        try:
            job = backfill.start_backfill(user=user, enqueue=False)
        except HarmonyError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(f"backfill {job.pk}: {job.total} tracks to look up")
        while True:
            outcome = backfill.run_backfill_chunk(job_id=job.pk, enqueue_next=False)
            job.refresh_from_db()
            self.stdout.write(
                f"  {job.processed}/{job.total}: {job.matched} matched, {job.not_found} not found, "
                f"{job.conflicts} conflicts, {job.errors} errors"
            )
            if outcome.wait_s:
                self.stdout.write(
                    f"Spotify asked to wait {outcome.wait_s:.0f} s; the worker resumes backfill {job.pk}."
                )
                return
            if job.status != BackfillJob.Status.RUNNING:
                break
        self.stdout.write(f"backfill {job.pk} {job.status}")

    def _user(self, name: str) -> Any:
        accounts = SpotifyAccount.objects.select_related("user")
        if name:
            account = accounts.filter(user__username=name).first()
            if account is None:
                raise CommandError(f"--user: {name} has no Spotify connection")
            return account.user
        found = list(accounts[:2])
        if len(found) != 1:
            raise CommandError("--user: name the user whose Spotify connection to use" if found else
                               "no Spotify account is connected (Spotify page → Connect)")  # fmt: skip
        return found[0].user
