"""The policy as the user configured it, and what each peer's transfers did for us (failures decay; a peer that
keeps failing is quarantined for a while)."""

import logging
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from library import runtime
from library.models import DownloadAttempt
from matching import scoring
from matching.models import PeerStat

logger = logging.getLogger(__name__)


PEER_HALF_LIFE_H = 6.0
QUARANTINE_AT = 3.0
QUARANTINE_FOR = timedelta(hours=2)
_FAILURE_WEIGHT = {
    DownloadAttempt.Outcome.REJECTED: 1.0,
    DownloadAttempt.Outcome.OFFLINE: 1.0,
    DownloadAttempt.Outcome.ENQUEUE_FAILED: 1.0,
    DownloadAttempt.Outcome.ABORTED: 1.0,
    DownloadAttempt.Outcome.VERIFY_FAILED: 1.5,
    DownloadAttempt.Outcome.TIMED_OUT: 0.5,
    DownloadAttempt.Outcome.ERRORED: 0.5,
    DownloadAttempt.Outcome.STALLED: 0.5,
    DownloadAttempt.Outcome.QUEUE_TIMEOUT: 0.5,
}


def current_policy() -> scoring.Policy:
    values = runtime.get_many(
        "quality.ladder", "quality.floor_kbps", "matching.duration_tolerance_s", "matching.banned_users"
    )
    return scoring.Policy(
        ladder=tuple(values["quality.ladder"]),
        floor_kbps=int(values["quality.floor_kbps"]),
        duration_tolerance_s=float(values["matching.duration_tolerance_s"]),
        banned_users=frozenset(values["matching.banned_users"]),
    )


def _decayed(stat: PeerStat, now: Any) -> float:
    hours = max(0.0, (now - stat.updated_at).total_seconds() / 3600)
    return float(stat.failures * 0.5 ** (hours / PEER_HALF_LIFE_H))


def peer_records(usernames: Iterable[str]) -> dict[str, scoring.PeerRecord]:
    now = timezone.now()
    return {
        stat.username: scoring.PeerRecord(
            successes=stat.successes,
            failures=_decayed(stat, now),
            quarantined=bool(stat.quarantined_until and stat.quarantined_until > now),
        )
        for stat in PeerStat.objects.filter(username__in=set(usernames))
    }


def record_peer_outcome(*, username: str, outcome: str) -> PeerStat:
    """Remember how a transfer from `username` went: failures add up (and decay), enough of them quarantine it.

    Side effects: writes the PeerStat row.
    """
    now = timezone.now()
    with transaction.atomic():
        stat, _ = PeerStat.objects.select_for_update().get_or_create(username=username)
        failures = _decayed(stat, now)
        if outcome == DownloadAttempt.Outcome.SUCCEEDED:
            stat.successes += 1
            failures /= 2
        elif outcome in _FAILURE_WEIGHT:
            failures += _FAILURE_WEIGHT[DownloadAttempt.Outcome(outcome)]
            stat.last_failure_reason = outcome
            if failures >= QUARANTINE_AT:
                stat.quarantined_until = now + QUARANTINE_FOR
        stat.failures = failures
        stat.updated_at = now
        stat.save()
    return stat
