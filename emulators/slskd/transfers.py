"""Downloads (§6): each transfer's course is planned when it is enqueued, as timed phases per peer behaviour.

The state shown at any moment is the last phase that has begun, with bytes interpolated while data flows.
Cancelling cuts the plan short. Only the side effects of success (writing the file, raising events) need to
happen at a moment of their own; `emulators.slskd.downloads` does those.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from emulators.slskd.scenario import Peer, SharedFile, split_remote_path
from emulators.slskd.wire import TransferStates, compact, flag_text, iso_utc, timespan

S = TransferStates
QUEUED_LOCALLY = S.Queued | S.Locally
QUEUED_REMOTELY = S.Queued | S.Remotely
SUCCEEDED = S.Completed | S.Succeeded
CANCELLED = S.Completed | S.Cancelled
TIMED_OUT = S.Completed | S.TimedOut
ERRORED = S.Completed | S.Errored
REJECTED = S.Completed | S.Rejected
ABORTED = S.Completed | S.Aborted
RETRYABLE = (TIMED_OUT, ERRORED)  # 0.26 retries these, never Rejected/Aborted/Cancelled (§6.6)

# Seconds at time_scale 1.
REQUEST_DELAY_S = 0.3  # Queued, Locally -> Requested
ANSWER_DELAY_S = 0.7  # Requested -> the peer's answer
PEER_TIMEOUT_S = 8.0  # Requested -> TimedOut for a peer that never answers
QUEUE_WAIT_S = {"fast": 0.4, "slow": 3.0, "error_midway": 0.6, "size_mismatch": 0.6}
INITIALIZING_S = 0.5  # Initializing -> InProgress (or Aborted)
MIN_FLOW_S = 0.05
SLOW_SPEED_DIVISOR = 8
ERROR_AT_FRACTION = 0.4  # error_midway drops after 40 % of what was left
CHANGED_FILE_DELTA = 48_213  # how much a size_mismatch peer's file grew since it was indexed
RETRY_BASE_S, RETRY_CAP_S = 5.0, 60.0
FAILURE_SHOWN_S = 1.0  # 0.26: a failed attempt stays visible this long before Queued, Locally

CANCELLED_MESSAGE = "The operation was canceled."
TIMEOUT_MESSAGE = "Operation timed out"
ERRORED_MESSAGE = "Remote connection closed"


@dataclass(frozen=True)
class Phase:
    at: float
    state: TransferStates
    updates: dict[str, Any] = field(default_factory=dict)
    # While this phase is current, bytes grow linearly: (from_time, to_time, from_bytes, to_bytes).
    flow: tuple[float, float, int, int] | None = None


@dataclass(frozen=True)
class Snapshot:
    state: TransferStates
    attempts: int
    enqueued_at: float | None
    started_at: float | None
    ended_at: float | None
    exception: str | None
    bytes_transferred: int
    average_speed: float


@dataclass
class TransferRecord:
    id: str
    username: str
    filename: str
    size: int
    requested_at: float
    phases: list[Phase]
    succeeds_at: float | None  # when the plan reaches Completed, Succeeded (None: it never does)
    removed: bool = False
    place_in_queue: int | None = None
    queue_length: int = 0
    queue_seconds: float = 0.0
    local_filename: str | None = None
    delivery_claimed: bool = False
    timer: threading.Timer | None = None

    @property
    def directory(self) -> str:
        return split_remote_path(self.filename)[0]

    def snapshot(self, now: float) -> Snapshot:
        values: dict[str, Any] = {
            "attempts": 0,
            "enqueued_at": None,
            "started_at": None,
            "ended_at": None,
            "exception": None,
            "bytes": 0,
            "speed": 0.0,
        }
        current = self.phases[0]
        for phase in self.phases:
            if phase.at > now:
                break
            values.update(phase.updates)
            current = phase
        transferred, speed = values["bytes"], values["speed"]
        if current.flow is not None:
            start, end, from_bytes, to_bytes = current.flow
            fraction = min(1.0, max(0.0, (now - start) / (end - start)))
            transferred = from_bytes + int((to_bytes - from_bytes) * fraction)
            speed = (transferred - from_bytes) / (now - start) if now > start else 0.0
        return Snapshot(
            state=current.state,
            attempts=values["attempts"],
            enqueued_at=values["enqueued_at"],
            started_at=values["started_at"],
            ended_at=values["ended_at"],
            exception=values["exception"],
            bytes_transferred=transferred,
            average_speed=speed,
        )

    def state(self, now: float) -> TransferStates:
        return self.snapshot(now).state

    def finished(self, now: float) -> bool:
        """Completed with nothing more planned (a 0.26 failure awaiting its retry is not finished)."""
        return bool(self.state(now) & S.Completed) and self.phases[-1].at <= now

    def reached_peer_at(self) -> float:
        """When the peer had answered: remotely queued, started or failed (what ≤ 0.23's enqueue waits for)."""
        for phase in self.phases:
            if phase.state & (S.Remotely | S.Initializing | S.InProgress | S.Completed):
                return phase.at
        return self.phases[-1].at

    def cancel(self, now: float) -> None:
        if self.finished(now):
            return
        snap = self.snapshot(now)
        self.phases = [phase for phase in self.phases if phase.at <= now]
        self.succeeds_at = None
        if self.timer is not None:
            self.timer.cancel()
        if snap.state & S.Completed:
            return  # a failed attempt whose retry is dropped stays as it is
        updates = {
            "ended_at": now,
            "started_at": snap.started_at if snap.started_at is not None else now,
            "exception": CANCELLED_MESSAGE,
            "bytes": snap.bytes_transferred,
            "speed": snap.average_speed,
        }
        self.phases.append(Phase(now, CANCELLED, updates))

    def position(self, now: float) -> int | None:
        """Place in the peer's queue while remotely queued (long queues shrink as time passes)."""
        if self.state(now) != QUEUED_REMOTELY:
            return None
        if self.queue_seconds <= 0:
            return max(1, self.queue_length)
        queued_at = next(phase.at for phase in self.phases if phase.state == QUEUED_REMOTELY)
        left = max(0.0, 1 - (now - queued_at) / self.queue_seconds)
        return max(1, round(self.queue_length * left))

    def to_json(
        self, now: float, *, wall: Callable[[float | None], float | None], version: tuple[int, int, int], nulls: bool
    ) -> dict[str, Any]:
        """The Transfer object of §6.5 as `version` writes it; `nulls=True` keeps null members (event payloads)."""
        snap = self.snapshot(now)
        state = flag_text(snap.state)
        active = not snap.state & S.Completed
        elapsed = None
        if snap.started_at is not None:
            elapsed = (snap.ended_at if not active and snap.ended_at is not None else now) - snap.started_at
        remaining_bytes = max(0, self.size - snap.bytes_transferred)
        remaining_time = None
        if active and snap.state == S.InProgress and snap.average_speed > 0:
            remaining_time = remaining_bytes / snap.average_speed
        values: dict[str, Any] = {
            "id": self.id,
            "username": self.username,
            "direction": "Download",
            "filename": self.filename,
            "size": self.size,
        }
        if version < (0, 26, 0):
            values["startOffset"] = 0
        values["state"] = state
        if (0, 23, 0) <= version < (0, 26, 0):
            values["stateDescription"] = state
        values |= {
            "requestedAt": iso_utc(wall(self.requested_at), zulu=False),
            "enqueuedAt": iso_utc(wall(snap.enqueued_at), zulu=False),
            "startedAt": iso_utc(wall(snap.started_at)),
            "endedAt": iso_utc(wall(snap.ended_at)),
            "bytesTransferred": snap.bytes_transferred,
            "averageSpeed": snap.average_speed,
            "placeInQueue": self.place_in_queue,
            "exception": snap.exception,
        }
        if version >= (0, 25, 0):
            # Attempts are only counted since automatic retries exist (0.26); 0.25 always shows 0 (§6.6).
            attempts = snap.attempts if version >= (0, 26, 0) else 0
            values |= {"batchId": None, "attempts": attempts, "nextAttemptAt": None}
        if version >= (0, 26, 0):
            values["removed"] = self.removed
        values |= {
            "bytesRemaining": remaining_bytes,
            "elapsedTime": timespan(elapsed),
            "percentComplete": 100.0 * snap.bytes_transferred / self.size if self.size else 0.0,
            "remainingTime": timespan(remaining_time),
        }
        return values if nulls else compact(values)


def _failure(at: float, state: TransferStates, exception: str, *, started_at: float | None, done: int) -> Phase:
    # A transfer that fails before data flows reports startedAt == endedAt (§6.5).
    updates = {"ended_at": at, "exception": exception, "bytes": done, "speed": 0.0}
    updates["started_at"] = at if started_at is None else started_at
    return Phase(at, state, updates)


def plan_transfer(
    *, peer: Peer, shared: SharedFile | None, requested_size: int, start: float, time_scale: float, max_attempts: int
) -> tuple[list[Phase], float | None]:
    """Every phase of the transfer from enqueue to its end, and the moment it succeeds (None if it never does)."""
    phases = [Phase(start, QUEUED_LOCALLY, {"attempts": 0})]
    moment = start + REQUEST_DELAY_S * time_scale
    done = 0
    for attempt in range(1, max_attempts + 1):
        outcome = _plan_attempt(
            phases,
            peer=peer,
            shared=shared,
            size=requested_size,
            at=moment,
            attempt=attempt,
            done=done,
            scale=time_scale,
        )
        last = phases[-1]
        if outcome == "succeeded":
            return phases, last.at
        if outcome == "waiting" or last.state not in RETRYABLE or attempt == max_attempts:
            return phases, None
        done = last.updates["bytes"]
        backoff = min(RETRY_BASE_S * 2 ** (attempt - 1), RETRY_CAP_S) * time_scale
        phases.append(Phase(last.at + min(FAILURE_SHOWN_S * time_scale, backoff / 2), QUEUED_LOCALLY))
        moment = last.at + backoff
    return phases, None


def _plan_attempt(
    phases: list[Phase],
    *,
    peer: Peer,
    shared: SharedFile | None,
    size: int,
    at: float,
    attempt: int,
    done: int,
    scale: float,
) -> str:
    phases.append(Phase(at, S.Requested, {"attempts": attempt}))
    answered = at + ANSWER_DELAY_S * scale
    if peer.behaviour == "timeout":
        phases.append(_failure(at + PEER_TIMEOUT_S * scale, TIMED_OUT, TIMEOUT_MESSAGE, started_at=None, done=done))
        return "failed"
    if shared is None or shared.locked or peer.behaviour == "reject":
        reason = peer.reject_reason if shared is not None and not shared.locked else "File not shared."
        phases.append(_failure(answered, REJECTED, f"Transfer rejected: {reason}", started_at=None, done=done))
        return "failed"
    phases.append(Phase(answered, QUEUED_REMOTELY, {"enqueued_at": answered}))
    if peer.behaviour == "queued_forever":
        return "waiting"
    wait = peer.queue_seconds if peer.behaviour == "long_queue" else QUEUE_WAIT_S.get(peer.behaviour, 0.4)
    initializing = answered + wait * scale
    phases.append(Phase(initializing, S.Initializing))
    begins = initializing + INITIALIZING_S * scale
    remote_size = shared.effective_size + (CHANGED_FILE_DELTA if peer.behaviour == "size_mismatch" else 0)
    if remote_size != size:
        message = f"Transfer aborted: the remote size of {remote_size} does not match expected size {size}"
        phases.append(_failure(begins, ABORTED, message, started_at=None, done=done))
        return "failed"
    speed = peer.upload_speed / (SLOW_SPEED_DIVISOR if peer.behaviour == "slow" else 1)
    target = done + int((size - done) * ERROR_AT_FRACTION) if peer.behaviour == "error_midway" else size
    ends = begins + max((target - done) / max(speed, 1.0), MIN_FLOW_S) * scale
    phases.append(Phase(begins, S.InProgress, {"started_at": begins}, flow=(begins, ends, done, target)))
    average = (target - done) / (ends - begins)
    if peer.behaviour == "error_midway":
        phases.append(
            Phase(ends, ERRORED, {"ended_at": ends, "exception": ERRORED_MESSAGE, "bytes": target, "speed": average})
        )
        return "failed"
    phases.append(Phase(ends, SUCCEEDED, {"ended_at": ends, "bytes": size, "speed": average}))
    return "succeeded"
