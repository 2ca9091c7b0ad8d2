"""The global send-rate limit: a token bucket in Redis shared by every process, and the same
algorithm in-process for the embedded mode."""

from __future__ import annotations

import threading
import time
import uuid

import pytest

from newsletters.sending.rate_limit import LocalLimiter, RedisLimiter, get_limiter


@pytest.fixture
def redis_url(settings):
    import os

    url = os.environ.get("REDIS_URL", "")
    if not url:
        pytest.fail("REDIS_URL must point at a Redis server for these tests")
    return url


def _redis_limiter(url: str, rate: float, burst: int = 1) -> RedisLimiter:
    return RedisLimiter(url=url, rate_per_second=rate, burst=burst, key=f"test:{uuid.uuid4()}")


def test_local_limiter_spaces_calls_at_the_rate(monkeypatch):
    """21 calls at one instant are given waits of 0, 10, 20 … 200 ms (a frozen clock: no timing)."""
    limiter = LocalLimiter(rate_per_second=100, burst=1)
    monkeypatch.setattr(time, "monotonic", lambda: 1000.0)
    waits = [limiter.reserve() for _ in range(21)]
    assert waits == pytest.approx([n / 100 for n in range(21)])


def test_local_limiter_sleeps_for_its_waits():
    """Only a lower bound: a busy machine makes sleeps longer, never shorter."""
    limiter = LocalLimiter(rate_per_second=100, burst=1)
    start = time.monotonic()
    for _ in range(21):
        limiter.acquire()
    assert time.monotonic() - start >= 0.19


def test_local_limiter_allows_a_burst_then_waits():
    limiter = LocalLimiter(rate_per_second=10, burst=5)
    assert [limiter.reserve() for _ in range(5)] == [0.0] * 5
    assert limiter.reserve() > 0.05


def test_redis_limiter_is_shared_by_every_client(redis_url):
    """Two clients (as in two worker processes) on one key: together they keep the rate."""
    key = f"test:{uuid.uuid4()}"
    limiters = [RedisLimiter(url=redis_url, rate_per_second=50, burst=1, key=key) for _ in range(2)]
    stamps: list[float] = []
    lock = threading.Lock()

    def work(limiter: RedisLimiter) -> None:
        for _ in range(25):
            limiter.acquire()
            with lock:
                stamps.append(time.monotonic())

    threads = [threading.Thread(target=work, args=(limiter,)) for limiter in limiters]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    stamps.sort()
    rate = (len(stamps) - 1) / (stamps[-1] - stamps[0])
    assert rate <= 55  # the ceiling is the promise; a busy machine only makes it slower
    limiters[0].reset()


def test_redis_limiter_burst(redis_url):
    limiter = _redis_limiter(redis_url, rate=5, burst=3)
    waits = [limiter.reserve() for _ in range(4)]
    assert waits[:3] == [0.0, 0.0, 0.0]
    assert 0.1 < waits[3] <= 0.2
    limiter.reset()


def test_get_limiter_picks_redis_or_local(settings, redis_url):
    settings.NEWSLETTER_RATE_PER_SECOND, settings.NEWSLETTER_RATE_BURST = 7.0, 2
    settings.REDIS_URL = redis_url
    assert isinstance(get_limiter(), RedisLimiter)
    assert get_limiter() is get_limiter()
    settings.REDIS_URL = ""
    local = get_limiter()
    assert isinstance(local, LocalLimiter) and local.rate_per_second == 7.0


def test_a_fast_limiter_leases_slots_and_still_keeps_the_rate(redis_url):
    """At 2,000/s a process leases 100 slots per Redis call; the pace stays at the rate."""
    limiter = _redis_limiter(redis_url, rate=2000, burst=1)
    calls = 0
    original = limiter._script

    def counting(*args, **kwargs):
        nonlocal calls
        calls += 1
        return original(*args, **kwargs)

    limiter._script = counting
    start = time.monotonic()
    for _ in range(401):
        limiter.acquire()
    elapsed = time.monotonic() - start
    assert calls == 5
    assert elapsed >= 0.19  # 400 intervals of 0.5 ms: never faster (a busy machine only lags)
    limiter.reset()
