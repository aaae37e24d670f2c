"""The download state machine, advanced by the beat-driven poller (`library.poll_downloads`), never by a task
that waits. Every step is safe to repeat: a worker killed at any point leaves rows that the next pass continues
from (an attempt without a transfer id is first looked up in slskd by its filename, so nothing is queued twice).
"""

from __future__ import annotations

import logging
import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from harmony.clients import slskd
from harmony.clients.http import ClientError, ServiceUnavailable
from harmony.locks import pass_lock
from library import runtime
from library.models import Download, DownloadAttempt, Track
from library.services import verify
from matching.models import Candidate, PeerStat
from media_enrich.services import finishing

logger = logging.getLogger(__name__)

Outcome = DownloadAttempt.Outcome
FILE_APPEAR_GRACE = timedelta(seconds=60)  # slskd reports success before it has moved the file (§7.2)
_FAILURE_OUTCOMES = {
    "rejected": Outcome.REJECTED,
    "aborted": Outcome.ABORTED,
    "timed_out": Outcome.TIMED_OUT,
    "errored": Outcome.ERRORED,
    "cancelled": Outcome.CANCELLED,
}


def slskd_client(client: slskd.SlskdClient | None = None) -> slskd.SlskdClient:
    return client or slskd.from_settings()


@dataclass
class Pass:
    """What one poller pass needs, read once."""

    client: slskd.SlskdClient
    now: datetime = field(default_factory=timezone.now)
    stall_timeout: timedelta = timedelta(seconds=120)
    queue_timeout: timedelta = timedelta(seconds=1800)
    max_candidates: int = 8
    tolerance_s: float = 3.0
    _slskd_retries: int | None = None
    _slskd_downloads: str | None = None

    @classmethod
    def start(cls, client: slskd.SlskdClient) -> Pass:
        values = runtime.get_many(
            "acquisition.stall_timeout_s", "acquisition.remote_queue_timeout_s", "acquisition.max_candidates",
            "matching.duration_tolerance_s",
        )  # fmt: skip
        return cls(
            client=client,
            stall_timeout=timedelta(seconds=int(values["acquisition.stall_timeout_s"])),
            queue_timeout=timedelta(seconds=int(values["acquisition.remote_queue_timeout_s"])),
            max_candidates=int(values["acquisition.max_candidates"]),
            tolerance_s=float(values["matching.duration_tolerance_s"]),
        )

    def slskd_retries(self) -> int:
        """How many attempts slskd (0.26+) makes by itself before a TimedOut/Errored transfer is final."""
        if self._slskd_retries is None:
            self._slskd_retries = self.client.retry_attempts()
        return self._slskd_retries

    def slskd_downloads_dir(self) -> str | None:
        if self._slskd_downloads is None:
            self._slskd_downloads = self.client.downloads_directory() or ""
        return self._slskd_downloads or None


def poll_downloads(*, client: slskd.SlskdClient | None = None) -> dict[str, int]:
    """One pass over every download in flight. Side effects: slskd reads, cancels and enqueues; row updates."""
    if client is None and not settings.SLSKD_URL:
        return {"not_configured": 1}
    with pass_lock("poll-downloads") as lock:
        if lock is None:
            return {"skipped": 1}
        counts: Counter[str] = Counter()
        work = Pass.start(slskd_client(client))
        ids = list(Download.objects.filter(status__in=Download.Status.IN_FLIGHT).values_list("pk", flat=True))
        for download_id in ids:
            lock.refresh()
            try:
                counts[advance_download(download_id=download_id, work=work)] += 1
            except ServiceUnavailable as exc:
                logger.warning("download poll stopped early, slskd is unavailable: %s", exc)
                counts["unavailable"] += 1
                break
            except Exception:  # one broken download must not stop the others; it is logged with its id
                logger.exception("advancing download %s failed", download_id)
                counts["error"] += 1
        return dict(counts)


def advance_download(*, download_id: int, work: Pass) -> str:
    """Move one download on by what slskd says of its transfer. Returns a word for the pass's tally."""
    download = (
        Download.objects.select_related("track").filter(pk=download_id, status__in=Download.Status.IN_FLIGHT).first()
    )
    if download is None:
        return "gone"
    attempt = download.attempts.filter(outcome=Outcome.IN_PROGRESS).first()
    if attempt is None:
        start_next_candidate(download_id=download.pk, client=work.client, work=work)
        return "restarted"
    if attempt.transfer_id is None:
        _enqueue(download, attempt, work)
        return "enqueued"
    transfer = work.client.get_transfer(attempt.username, attempt.transfer_id)
    if transfer is None:
        _abandon(download, attempt, Outcome.ERRORED, "the transfer disappeared from slskd", work, cancel=False)
        return "vanished"
    _record(attempt, transfer, work.now)
    state = transfer.state
    if state.is_success:
        return _finish(download, attempt, work)
    if state.is_failure:
        kind = state.failure_kind or "errored"
        # 0.26+ retries TimedOut/Errored by itself and the record goes back to "Queued, Locally" (§6.6); a failed
        # state that stays put longer than the stall timer is final all the same.
        retrying = kind in ("timed_out", "errored") and transfer.attempts < work.slskd_retries()
        if retrying and work.now - attempt.state_changed_at < work.stall_timeout:
            return "slskd_retrying"
        reason = transfer.exception or transfer.state_text
        _abandon(download, attempt, _FAILURE_OUTCOMES.get(kind, Outcome.ERRORED), reason, work, cancel=False)
        return kind
    moving = state.is_in_progress or bool(state & slskd.TransferState.INITIALIZING)
    _set_status(download, Download.Status.DOWNLOADING if moving else Download.Status.QUEUED)
    if state.is_queued_remotely:
        if work.now - attempt.state_changed_at > work.queue_timeout:
            waited = int((work.now - attempt.state_changed_at).total_seconds())
            where = f" (place {transfer.place_in_queue})" if transfer.place_in_queue else ""
            _abandon(download, attempt, Outcome.QUEUE_TIMEOUT, f"waited {waited} s in the peer's queue{where}", work)
            return "queue_timeout"
    elif work.now - max(attempt.progress_at, attempt.state_changed_at) > work.stall_timeout:
        idle = int((work.now - max(attempt.progress_at, attempt.state_changed_at)).total_seconds())
        _abandon(download, attempt, Outcome.STALLED, f"no progress for {idle} s in state {transfer.state_text}", work)
        return "stalled"
    return "waiting"


def _set_status(download: Download, status: str) -> None:
    if download.status != status:
        Download.objects.filter(pk=download.pk, status__in=Download.Status.IN_FLIGHT).update(
            status=status, updated_at=timezone.now()
        )
        download.status = status


def _record(attempt: DownloadAttempt, transfer: slskd.Transfer, now: datetime) -> None:
    """Keep the trail of states and note when bytes last moved."""
    fields = []
    if transfer.state_text != attempt.state:
        attempt.state = transfer.state_text
        attempt.state_changed_at = now
        attempt.state_trail = [*attempt.state_trail, {"state": transfer.state_text, "at": now.isoformat(),
                                                      "bytes": transfer.bytes_transferred}]  # fmt: skip
        fields += ["state", "state_changed_at", "state_trail"]
    if transfer.bytes_transferred > attempt.bytes_transferred:
        attempt.bytes_transferred = transfer.bytes_transferred
        attempt.progress_at = now
        fields += ["bytes_transferred", "progress_at"]
    if fields:
        attempt.save(update_fields=fields)


def start_next_candidate(
    *, download_id: int, client: slskd.SlskdClient | None = None, work: Pass | None = None
) -> DownloadAttempt | None:
    """Open an attempt on the best untried candidate and enqueue it; with none left, the download fails.

    Side effects: Candidate/DownloadAttempt/Download writes; slskd enqueue.
    """
    work = work or Pass.start(slskd_client(client))
    with transaction.atomic():
        download = Download.objects.select_for_update().select_related("track").get(pk=download_id)
        if download.attempts.filter(outcome=Outcome.IN_PROGRESS).exists():
            return None
        quarantined = PeerStat.objects.filter(quarantined_until__gt=work.now).values_list("username", flat=True)
        candidate = (
            download.candidates.filter(rank__isnull=False, tried=False)
            .exclude(username__in=list(quarantined))
            .order_by("rank")
            .first()
        )
        tried = download.attempts.count()
        if candidate is None or tried >= work.max_candidates:
            detail = f"{tried} candidate(s) tried, none delivered a good file"
            if candidate is not None:
                detail += f" (limit {work.max_candidates} per round)"
            fail_download(download_id=download.pk, code=Download.ErrorCode.CANDIDATES_EXHAUSTED, detail=detail)
            return None
        Candidate.objects.filter(pk=candidate.pk).update(tried=True)
        attempt = DownloadAttempt.objects.create(
            download=download, candidate=candidate, username=candidate.username, filename=candidate.filename,
            size=candidate.size,
        )  # fmt: skip
        download.status = Download.Status.QUEUED
        download.error_code = ""
        download.save(update_fields=["status", "error_code", "updated_at"])
    _enqueue(download, attempt, work)
    return attempt


def _enqueue(download: Download, attempt: DownloadAttempt, work: Pass) -> None:
    """Hand the file to slskd, unless slskd already has it (a previous pass died before recording the id)."""
    existing = [
        t for t in work.client.list_user_downloads(attempt.username)
        if t.filename == attempt.filename and not t.removed and not t.state.is_failure
    ]  # fmt: skip
    try:
        transfer = max(existing, key=lambda t: t.requested_at or work.now) if existing else None
        if transfer is None:
            transfer = work.client.enqueue_download(attempt.username, attempt.filename, attempt.size)
    except slskd.PeerOffline as exc:
        _abandon(download, attempt, Outcome.OFFLINE, exc.message, work, cancel=False)
        return
    except slskd.EnqueueFailed as exc:
        _abandon(download, attempt, Outcome.ENQUEUE_FAILED, exc.message, work, cancel=False)
        return
    attempt.transfer_id = transfer.id
    attempt.state = transfer.state_text
    attempt.state_changed_at = attempt.progress_at = timezone.now()
    attempt.state_trail = [*attempt.state_trail, {"state": transfer.state_text, "at": timezone.now().isoformat(),
                                                  "bytes": transfer.bytes_transferred}]  # fmt: skip
    attempt.save(update_fields=["transfer_id", "state", "state_changed_at", "progress_at", "state_trail"])


def close_attempt(attempt: DownloadAttempt, *, outcome: str, reason: str = "") -> None:
    """Side effects: ends the attempt and records the peer's outcome."""
    from matching.services import record_peer_outcome

    closed = DownloadAttempt.objects.filter(pk=attempt.pk, outcome=Outcome.IN_PROGRESS).update(
        outcome=outcome, failure_reason=reason[:2000], ended_at=timezone.now()
    )
    attempt.outcome = outcome
    if closed and outcome != Outcome.CANCELLED:
        record_peer_outcome(username=attempt.username, outcome=outcome)


def _abandon(
    download: Download, attempt: DownloadAttempt, outcome: str, reason: str, work: Pass, *, cancel: bool = True
) -> None:
    """Give up on this candidate (cancelling its transfer in slskd) and go on with the next one."""
    close_attempt(attempt, outcome=outcome, reason=reason)
    if cancel and attempt.transfer_id is not None:
        try:
            work.client.cancel_transfer(attempt.username, attempt.transfer_id)
        except ClientError as exc:
            logger.warning("could not cancel transfer %s in slskd: %s", attempt.transfer_id, exc)
    logger.info("download %s: %s from %s (%s); trying the next candidate", download.pk, outcome, attempt.username,
                reason)  # fmt: skip
    start_next_candidate(download_id=download.pk, client=work.client, work=work)


def _finish(download: Download, attempt: DownloadAttempt, work: Pass) -> str:
    """slskd says Succeeded: find the file (only inside the downloads root) and verify it before `completed`."""
    _set_status(download, Download.Status.VERIFYING)
    root = Path(settings.HARMONY_DOWNLOADS_DIR)
    assert attempt.transfer_id is not None
    local_filename = work.client.local_filename_for(attempt.transfer_id)
    path = verify.locate(
        root, attempt.filename, attempt.size, slskd_downloads_dir=work.slskd_downloads_dir(),
        local_filename=local_filename,
    )  # fmt: skip
    if path is None:
        if work.now - attempt.state_changed_at < FILE_APPEAR_GRACE:
            return "awaiting_file"
        _abandon(download, attempt, Outcome.VERIFY_FAILED, "the finished file never appeared in the downloads "
                 "folder (is HARMONY_DOWNLOADS_DIR the folder slskd downloads to?)", work, cancel=False)  # fmt: skip
        return "file_missing"
    candidate = attempt.candidate
    reference = (candidate.length_s if candidate and candidate.length_s else None) or download.track.duration_s
    verdict = verify.verify(
        path, expected_size=attempt.size, expected_format_name=verify.expected_format(attempt.filename),
        reference_length_s=reference, tolerance_s=work.tolerance_s,
    )  # fmt: skip
    if not verdict.ok:
        path.unlink(missing_ok=True)
        _abandon(download, attempt, Outcome.VERIFY_FAILED, f"the file failed verification: {verdict.detail}", work,
                 cancel=False)  # fmt: skip
        return "verify_failed"
    with transaction.atomic():
        close_attempt(attempt, outcome=Outcome.SUCCEEDED)
        Download.objects.filter(pk=download.pk).update(
            status=Download.Status.COMPLETED, local_path=str(path.relative_to(root.resolve())),
            file_format=verdict.file_format, file_size=attempt.size, file_duration_s=verdict.duration_s,
            completed_at=timezone.now(), error_code="", error_detail="", updated_at=timezone.now(),
        )  # fmt: skip
        Track.objects.filter(pk=download.track_id).update(status=Track.Status.OWNED)
        download.refresh_from_db()
        finishing.start_finishing(download=download)
    try:
        work.client.remove_transfer(attempt.username, attempt.transfer_id)
    except ClientError as exc:
        logger.info("could not remove finished transfer %s from slskd's list: %s", attempt.transfer_id, exc)
    return "completed"


def backoff_delay(retry_count: int) -> timedelta:
    values = runtime.get_many("acquisition.retry_base_s", "acquisition.retry_max_s")
    base, cap = float(values["acquisition.retry_base_s"]), float(values["acquisition.retry_max_s"])
    delay = min(cap, base * 2 ** max(0, retry_count - 1))
    return timedelta(seconds=delay * random.uniform(0.8, 1.2))  # noqa: S311 - jitter, not a secret


def fail_download(*, download_id: int, code: str, detail: str) -> Download:
    """This round found nothing that worked: try again after a backoff, or dead-letter once the budget is spent.

    Side effects: updates the Download (and its Track when dead-lettered).
    """
    with transaction.atomic():
        download = Download.objects.select_for_update().get(pk=download_id)
        if download.status in Download.Status.TERMINAL:
            return download
        download.retry_count += 1
        download.error_code = code
        download.search_variant = 0
        download.search = None
        if download.retry_count > int(runtime.get("acquisition.max_retries")):
            download.status = Download.Status.DEAD_LETTER
            download.error_detail = f"{detail}; gave up after {download.retry_count} rounds"
            Track.objects.filter(pk=download.track_id).update(status=Track.Status.WANTED)
        else:
            download.status = Download.Status.FAILED
            download.next_attempt_at = timezone.now() + backoff_delay(download.retry_count)
            download.error_detail = f"{detail}; searching again after {download.next_attempt_at:%Y-%m-%d %H:%M} UTC"
        download.save()
    return download
