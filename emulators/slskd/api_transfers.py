"""`/api/v0/transfers/downloads…` (§6) and the delivery of finished downloads (§7.2, §8)."""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections import defaultdict
from typing import Any

from werkzeug.wrappers import Request, Response

from emulators.slskd.api_searches import CONCURRENCY_MESSAGE, canonical_guid
from emulators.slskd.core import INVALID, EmulatorCore
from emulators.slskd.downloads import new_event
from emulators.slskd.transfers import TransferRecord, plan_transfer
from emulators.slskd.wire import TransferStates, empty, json_body, message

logger = logging.getLogger(__name__)

ENQUEUE_LATENCY_S = 0.1  # 0.24+: resolving and connecting to the peer, at time_scale 1
MOVE_DELAY_S = 0.15  # the file reaches the downloads directory this long after the state says Succeeded
MAX_ENQUEUES_IN_FLIGHT = 2
RETRY_ATTEMPTS = 3  # transfers.download.retry.attempts (0.26+)


class TransferRoutes(EmulatorCore):
    def max_attempts(self) -> int:
        return RETRY_ATTEMPTS if self.at_least((0, 26, 0)) else 1

    def transfer_json(self, record: TransferRecord, now: float, *, nulls: bool = False) -> dict[str, Any]:
        return record.to_json(now, wall=self.clock.wall, version=self.version, nulls=nulls)

    def _validate_files(self, body: Any) -> list[dict[str, Any]] | Response:
        if body is INVALID:
            return message("The request body is not valid JSON.", 400)
        if not isinstance(body, list) or not body:
            return message("At least one file is required", 400)
        if any(item is None for item in body):
            return message("One or more files in the request are null", 400)
        if not all(isinstance(item, dict) and isinstance(item.get("filename"), str) for item in body):
            return message("Each file requires a filename", 400)
        if self.at_least((0, 26, 0)) and any(
            part in (".", "..") for item in body for part in item["filename"].replace("/", "\\").split("\\")
        ):
            return message("One or more files in the request contain a dangerous path traversal segment", 400)
        return body

    def enqueue_downloads(self, request: Request, username: str) -> Response:
        files = self._validate_files(self.json_of(request))
        if isinstance(files, Response):
            return files
        if not self.logged_in:
            return message(
                "The server connection must be connected and logged in to download files (currently: Disconnected)",
                409,
            )
        filenames = [item["filename"] for item in files]
        if len(set(filenames)) != len(filenames):
            return message("Two or more files in request are duplicated (Parameter 'files')", 500)
        guarded = self.at_least((0, 24, 0))
        with self.lock:
            if guarded and self.enqueues_in_flight >= MAX_ENQUEUES_IN_FLIGHT:
                return message(CONCURRENCY_MESSAGE, 429)
            self.enqueues_in_flight += 1
        try:
            if guarded:
                time.sleep(self.scaled(ENQUEUE_LATENCY_S))
            peer = self.online_peer(username)
            if peer is None:
                return message(f"User {username} appears to be offline", 500)
            enqueued, failed = self._enqueue(username, files)
        finally:
            with self.lock:
                self.enqueues_in_flight -= 1
        if not guarded:
            return self._legacy_enqueue_answer(enqueued)
        with self.lock:
            now = self.now()
            # 0.26 serializes each failure as a value tuple, which comes out as {} (§6.1).
            failures: list[Any] = [{} for _ in failed] if self.at_least((0, 26, 0)) else list(failed)
            body = {"enqueued": [self.transfer_json(record, now) for record in enqueued], "failed": failures}
        return json_body(body, status=201)

    def _enqueue(self, username: str, files: list[dict[str, Any]]) -> tuple[list[TransferRecord], list[str]]:
        peer = self.scenario.peer(username)
        assert peer is not None
        enqueued: list[TransferRecord] = []
        failed: list[str] = []
        with self.lock:
            now = self.now()
            for item in files:
                filename = item["filename"]
                size = item["size"] if isinstance(item.get("size"), int) else 0
                previous = [
                    record
                    for record in self.transfer_records.values()
                    if record.username == username and record.filename == filename and not record.removed
                ]
                if any(not record.finished(now) for record in previous):
                    failed.append(filename)
                    continue
                for record in previous:
                    record.removed = True  # re-enqueueing a finished file replaces its record (§6.1)
                shared = peer.shared_file(filename)
                phases, succeeds_at = plan_transfer(
                    peer=peer,
                    shared=shared,
                    requested_size=size,
                    start=now,
                    time_scale=self.time_scale,
                    max_attempts=self.max_attempts(),
                )
                record = TransferRecord(
                    id=str(uuid.uuid4()),
                    username=username,
                    filename=filename,
                    size=size,
                    requested_at=now,
                    phases=phases,
                    succeeds_at=succeeds_at,
                    queue_length=peer.queue_length,
                    queue_seconds=self.scaled(peer.queue_seconds) if peer.behaviour == "long_queue" else 0.0,
                )
                self.transfer_records[record.id] = record
                self._schedule_delivery(record, now)
                enqueued.append(record)
        return enqueued, failed

    def _legacy_enqueue_answer(self, enqueued: list[TransferRecord]) -> Response:
        """≤ 0.23 answers once every file is queued at the peer or has failed; any failure makes it a 500."""
        if enqueued:
            time.sleep(max(0.0, max(record.reached_peer_at() for record in enqueued) - self.now()))
        with self.lock:
            now = self.now()
            errors = [
                record.snapshot(now).exception or "Transfer failed"
                for record in enqueued
                if record.state(now) & TransferStates.Completed
            ]
        if errors:
            return message("One or more errors occurred. " + " ".join(f"({text})" for text in errors), 500)
        return empty(201)

    def _schedule_delivery(self, record: TransferRecord, now: float) -> None:
        if record.succeeds_at is None:
            return
        delay = record.succeeds_at + self.scaled(MOVE_DELAY_S) - now
        record.timer = threading.Timer(max(0.0, delay), self._deliver, args=(record.id,))
        record.timer.daemon = True
        record.timer.start()

    def on_request(self) -> None:
        # Timers deliver on their own; a request that arrives first must not see a stale world either.
        with self.lock:
            now = self.now()
            due = [
                record.id
                for record in self.transfer_records.values()
                if record.succeeds_at is not None
                and not record.delivery_claimed
                and now >= record.succeeds_at + self.scaled(MOVE_DELAY_S)
            ]
        for transfer_id in due:
            self._deliver(transfer_id)

    def _deliver(self, transfer_id: str) -> None:
        with self.lock:
            record = self.transfer_records.get(transfer_id)
            if record is None or record.succeeds_at is None or record.delivery_claimed:
                return
            record.delivery_claimed = True
            peer = self.scenario.peer(record.username)
            shared = peer.shared_file(record.filename) if peer is not None else None
            version = self.version
        if shared is None:
            return
        try:
            target = self.deliverer.deliver(
                transfer_id=record.id,
                username=record.username,
                remote_path=record.filename,
                shared=shared,
                size=record.size,
                version=version,
            )
        except OSError:
            logger.exception("could not write the download of %s", record.filename)
            return
        with self.lock:
            record.local_filename = str(target)
            if self.at_least((0, 22, 0)):
                self._raise_completion_events(record, target)

    def _raise_completion_events(self, record: TransferRecord, target: Any) -> None:
        now = self.now()
        wall = self.clock.wall(now)
        assert wall is not None
        data = {
            "localFilename": str(target),
            "remoteFilename": record.filename,
            "transfer": self.transfer_json(record, now, nulls=True),
        }
        self.events.append(new_event("DownloadFileComplete", wall, data))
        pending = [
            other
            for other in self.transfer_records.values()
            if other.username == record.username
            and other.directory == record.directory
            and not other.removed
            and (not other.finished(now) or (other.succeeds_at is not None and other.local_filename is None))
        ]
        if not pending:
            directory = {
                "localDirectoryName": str(target.parent),
                "remoteDirectoryName": record.directory,
                "username": record.username,
            }
            self.events.append(new_event("DownloadDirectoryComplete", wall, directory))

    def _grouped(self, records: list[TransferRecord], now: float) -> list[dict[str, Any]]:
        users: dict[str, dict[str, list[TransferRecord]]] = defaultdict(lambda: defaultdict(list))
        for record in records:
            users[record.username][record.directory].append(record)
        return [
            {
                "username": username,
                "directories": [
                    {
                        "directory": directory,
                        "fileCount": len(members),
                        "files": [self.transfer_json(record, now) for record in members],
                    }
                    for directory, members in directories.items()
                ],
            }
            for username, directories in users.items()
        ]

    def list_downloads(self, request: Request) -> Response:
        include_removed = self.flag(request, "includeRemoved")
        with self.lock:
            now = self.now()
            records = [r for r in self.transfer_records.values() if include_removed or not r.removed]
            return json_body(self._grouped(records, now))

    def user_downloads(self, request: Request, username: str) -> Response:
        with self.lock:
            now = self.now()
            records = [r for r in self.transfer_records.values() if r.username == username and not r.removed]
            if not records:
                return empty(404)
            return json_body(self._grouped(records, now)[0])

    def _record(self, transfer_id: str) -> TransferRecord | Response:
        key = canonical_guid(transfer_id)
        if key is None:
            return empty(400)
        record = self.transfer_records.get(key)
        return record if record is not None else empty(404)

    def get_download(self, request: Request, username: str, transfer_id: str) -> Response:
        with self.lock:
            record = self._record(transfer_id)  # the username segment is ignored (§6.3)
            if isinstance(record, Response):
                return record
            return json_body(self.transfer_json(record, self.now()))

    def download_position(self, request: Request, username: str, transfer_id: str) -> Response:
        with self.lock:
            record = self._record(transfer_id)
            if isinstance(record, Response):
                return record
            place = record.position(self.now())
            if place is None:
                return empty(404)
            record.place_in_queue = place
            return json_body(place)

    def cancel_download(self, request: Request, username: str, transfer_id: str) -> Response:
        remove = self.flag(request, "remove")
        silent = self.at_least((0, 24, 2))
        with self.lock:
            record = self._record(transfer_id)
            if isinstance(record, Response):
                return empty(204) if silent and record.status_code == 404 else record
            now = self.now()
            was_finished = record.finished(now)
            record.cancel(now)
            if remove:
                # Cancelling is asynchronous in slskd, so removal only ever applies to an already finished one.
                if was_finished:
                    record.removed = True
                elif not silent:
                    return message("Invalid attempt to remove a download before it is complete", 500)
            return empty(204)

    def remove_completed_downloads(self, request: Request) -> Response:
        with self.lock:
            now = self.now()
            for record in self.transfer_records.values():
                if record.finished(now):
                    record.removed = True
            return empty(204)

    def list_uploads(self, request: Request) -> Response:
        return json_body([])
