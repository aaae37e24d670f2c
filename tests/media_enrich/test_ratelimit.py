"""The MusicBrainz gate: one request per interval across every worker."""

from __future__ import annotations

import os

import pytest

from media_enrich.services import ratelimit


def test_file_gate_spaces_reservations_by_the_interval(settings):
    settings.REDIS_URL = ""

    waits = [ratelimit.reserve_slot("test-gate", 1.0) for _ in range(3)]

    assert waits[0] == pytest.approx(0.0, abs=0.05)
    assert waits[1] == pytest.approx(1.0, abs=0.05)
    assert waits[2] == pytest.approx(2.0, abs=0.05)


def test_gate_sleeps_for_its_turn(settings):
    settings.REDIS_URL = ""
    slept: list[float] = []
    wait_turn = ratelimit.gate("test-sleep", 0.5, sleep=slept.append)

    wait_turn()
    wait_turn()

    assert len(slept) == 1
    assert slept[0] == pytest.approx(0.5, abs=0.05)


@pytest.mark.integration
def test_redis_gate_is_shared_between_clients(settings):
    import redis

    settings.REDIS_URL = os.environ["REDIS_URL"]
    redis.Redis.from_url(settings.REDIS_URL).delete(f"{ratelimit.REDIS_KEY}:test-shared")

    first = ratelimit.reserve_slot("test-shared", 1.0)
    second = ratelimit.reserve_slot("test-shared", 1.0)

    assert first == pytest.approx(0.0, abs=0.05)
    assert second == pytest.approx(1.0, abs=0.05)
