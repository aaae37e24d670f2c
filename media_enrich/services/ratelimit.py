"""One request per second to MusicBrainz from every worker together (metadata_services.md §4.4: 503 beyond that).

Each caller reserves the next free instant and sleeps until it. With Redis the reservation is one Lua script
(atomic across hosts); on the embedded default (one machine) it is a file under the data dir held with `flock`.
The waits are short (a second per waiting caller), unlike Soulseek's day-long waits that are rescheduled instead.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Callable

import redis
from django.conf import settings

REDIS_KEY = "harmony:musicbrainz-next"
# KEYS[1] next free instant; ARGV: now, interval. Reserves max(now, next) and returns the wait before it.
_RESERVE = """
local free = tonumber(redis.call('GET', KEYS[1]) or '0')
local now = tonumber(ARGV[1])
local at = math.max(now, free)
local ttl = math.ceil((at - now + tonumber(ARGV[2])) * 1000) + 1000
redis.call('SET', KEYS[1], tostring(at + tonumber(ARGV[2])), 'PX', ttl)
return tostring(at - now)
"""
# A little above one second: the server counts by its own clock.
MUSICBRAINZ_INTERVAL_S = 1.05


def reserve_slot(name: str, interval_s: float) -> float:
    """Reserve the next free instant of the shared gate `name`; returns how long to wait before using it.

    Side effects: moves the gate's next free instant in Redis or in `<data>/<name>.gate`.
    """
    now = time.time()
    if settings.REDIS_URL:
        client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2, socket_timeout=2)
        try:
            return max(0.0, float(client.eval(_RESERVE, 1, f"{REDIS_KEY}:{name}", now, interval_s)))
        finally:
            client.close()
    path = settings.HARMONY_DATA_DIR / f"{name}.gate"
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        raw = os.pread(fd, 64, 0).decode(errors="replace").strip()
        free = float(raw) if raw else 0.0
        at = max(now, free)
        stamp = f"{at + interval_s:.6f}".encode().ljust(32)
        os.pwrite(fd, stamp, 0)
        return at - now
    finally:
        os.close(fd)


def gate(name: str, interval_s: float, *, sleep: Callable[[float], None] = time.sleep) -> Callable[[], None]:
    """A callable that waits for this caller's turn; clients call it before every request."""

    def wait_turn() -> None:
        delay = reserve_slot(name, interval_s)
        if delay > 0:
            sleep(delay)

    return wait_turn


def musicbrainz_gate() -> Callable[[], None]:
    return gate("musicbrainz", MUSICBRAINZ_INTERVAL_S)
