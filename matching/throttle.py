"""The one search throttle shared by every worker: at most `search.budget` slskd searches per `search.window_s`.

The Soulseek server silently bans accounts that search too often (SELECTION_POLICY §7), so every search goes
through `acquire_search_slot`. With Redis configured the ledger is a sorted set updated by one Lua script (atomic
across processes); on the embedded default it is a table written under a database lock.
"""

from __future__ import annotations

import time
import uuid
from datetime import timedelta

import redis
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from library import runtime
from matching.models import SearchPause, SearchSlot

REDIS_KEY = "harmony:search-slots"
# KEYS[1] ledger; ARGV: now, window, budget, member. Returns 0 when a slot was taken, else seconds to wait.
_SLIDING_WINDOW = """
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1] - ARGV[2])
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[3]) then
  redis.call('ZADD', KEYS[1], ARGV[1], ARGV[4])
  redis.call('EXPIRE', KEYS[1], math.ceil(ARGV[2]) + 1)
  return '0'
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return tostring(tonumber(oldest[2]) + ARGV[2] - ARGV[1])
"""
_ADVISORY_LOCK_ID = 7_304_221  # any constant: the throttle's own Postgres advisory lock


def _redis() -> redis.Redis:
    return redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2, socket_timeout=2)


def acquire_search_slot() -> float:
    """Take a search slot if the budget allows. Returns 0.0 when taken, else the seconds until one frees up.

    Side effects: records the slot in the shared ledger.
    """
    limits = runtime.get_many("search.budget", "search.window_s")
    budget, window = int(limits["search.budget"]), float(limits["search.window_s"])
    if settings.REDIS_URL:
        client = _redis()
        try:
            wait = client.eval(_SLIDING_WINDOW, 1, REDIS_KEY, time.time(), window, budget, uuid.uuid4().hex)
        finally:
            client.close()
        return max(0.0, float(wait))
    now = timezone.now()
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_ADVISORY_LOCK_ID])
        # On SQLite the IMMEDIATE transaction mode (harmony.config) already serialises writers.
        SearchSlot.objects.filter(taken_at__lte=now - timedelta(seconds=window)).delete()
        taken = list(SearchSlot.objects.order_by("taken_at").values_list("taken_at", flat=True)[:budget])
        if len(taken) < budget:
            SearchSlot.objects.create(taken_at=now)
            return 0.0
        return max(0.0, (taken[0] + timedelta(seconds=window) - now).total_seconds())


def slots_used() -> int:
    window = float(runtime.get("search.window_s"))
    if settings.REDIS_URL:
        client = _redis()
        try:
            client.zremrangebyscore(REDIS_KEY, "-inf", time.time() - window)
            return int(client.zcard(REDIS_KEY))
        finally:
            client.close()
    return SearchSlot.objects.filter(taken_at__gt=timezone.now() - timedelta(seconds=window)).count()


def current_pause() -> SearchPause | None:
    return SearchPause.objects.filter(until__gt=timezone.now()).order_by("-until").first()


def pause_searching(*, reason: str, detail: str, seconds: float) -> SearchPause:
    """Stop starting searches until `seconds` from now.

    Side effects: writes a SearchPause row.
    """
    return SearchPause.objects.create(reason=reason, detail=detail, until=timezone.now() + timedelta(seconds=seconds))


def resume_searching() -> int:
    """End every current pause. Side effects: shortens the SearchPause rows; returns how many were current."""
    return SearchPause.objects.filter(until__gt=timezone.now()).update(until=timezone.now())
