"""A lock shared by every worker through the cache, for the pollers: one pass at a time.

Its time-to-live is short and the holder refreshes it as it works, so a worker killed mid-pass (SIGKILL, OOM)
blocks the next pass for at most `ttl` seconds.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from django.core.cache import cache


class PassLock:
    def __init__(self, name: str, *, ttl: int = 20) -> None:
        self.key = f"harmony:lock:{name}"
        self.ttl = ttl
        self.token = uuid.uuid4().hex

    def acquire(self) -> bool:
        return bool(cache.add(self.key, self.token, timeout=self.ttl))

    def refresh(self) -> None:
        if cache.get(self.key) == self.token:
            cache.touch(self.key, timeout=self.ttl)

    def release(self) -> None:
        if cache.get(self.key) == self.token:
            cache.delete(self.key)


@contextmanager
def pass_lock(name: str, *, ttl: int = 20) -> Iterator[PassLock | None]:
    """Yields the lock when this process got it, None when another pass is running."""
    lock = PassLock(name, ttl=ttl)
    if not lock.acquire():
        yield None
        return
    try:
        yield lock
    finally:
        lock.release()
