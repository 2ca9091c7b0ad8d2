"""A global send-rate limit shared by every worker process (DESIGN.md, sending protocol, step 5).

The limiter is a token bucket kept in Redis and updated by one Lua script, so all Celery workers
on all machines draw from the same bucket (Celery's own ``rate_limit`` is per worker and could
not keep a provider's account-wide limit). It is written in the GCRA form: the bucket is a
single "theoretical arrival time" (TAT). Each call *reserves* the next slot and is told how long
to sleep until that slot, so waiting workers never poll Redis. Redis' own clock is used, so the
workers' clocks need not agree.

Without Redis (embedded mode) the same algorithm runs in-process under a lock.
"""

from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass, field
from typing import Protocol

import redis
from django.conf import settings

# KEYS[1] = bucket key; ARGV[1] = microseconds per token; ARGV[2] = burst (tokens);
# ARGV[3] = tokens reserved by this call. Returns the microseconds the caller must wait before
# using the first of its tokens (0 = now); the others follow one interval apart.
_RESERVE_LUA = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local interval = tonumber(ARGV[1])
local tolerance = interval * (tonumber(ARGV[2]) - 1)
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat < now then tat = now end
local start = tat - tolerance
local wait = 0
if start > now then wait = start - now end
local new_tat = tat + interval * tonumber(ARGV[3])
local ttl_ms = math.floor((new_tat - now) / 1000) + 1000
redis.call('SET', KEYS[1], string.format('%d', new_tat), 'PX', ttl_ms)
return wait
"""

BUCKET_KEY = "cityrelations:newsletters:send-rate"


class Limiter(Protocol):
    def acquire(self) -> float:
        """Block until one message may be sent; return the seconds spent waiting."""
        ...


def _interval_us(rate_per_second: float) -> int:
    return max(1, int(1_000_000 / rate_per_second))


@dataclass
class LocalLimiter:
    """The same reservation algorithm for one process (embedded mode, no Redis)."""

    rate_per_second: float
    burst: int = 1
    _tat: float = 0.0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def reserve(self) -> float:
        interval = 1.0 / self.rate_per_second
        tolerance = interval * (max(self.burst, 1) - 1)
        with self._lock:
            now = time.monotonic()
            tat = max(self._tat, now)
            wait = max(0.0, tat - tolerance - now)
            self._tat = tat + interval
        return wait

    def acquire(self) -> float:
        wait = self.reserve()
        if wait > 0:
            time.sleep(wait)
        return wait


@dataclass
class RedisLimiter:
    """Token bucket in Redis, shared by every process that uses the same ``key``.

    At high rates a process leases the slots of the next ~50 ms in one round trip and spaces
    them itself, so the bucket costs one Redis call per lease rather than per message; the
    global rate is unchanged (a lease holds consecutive slots of the shared schedule).
    """

    url: str
    rate_per_second: float
    burst: int = 1
    key: str = BUCKET_KEY
    lease_seconds: float = 0.05

    def __post_init__(self) -> None:
        self._client = redis.Redis.from_url(self.url)
        self._script = self._client.register_script(_RESERVE_LUA)
        self._interval = 1.0 / self.rate_per_second
        self._lease = max(1, min(100, int(self.rate_per_second * self.lease_seconds)))
        self._left = 0
        self._next_slot = 0.0
        self._lock = threading.Lock()

    def reserve(self, tokens: int = 1) -> float:
        """Reserve ``tokens`` consecutive slots; the seconds until the first one."""
        wait_us = self._script(
            keys=[self.key],
            args=[_interval_us(self.rate_per_second), max(self.burst, 1), tokens],
        )
        return int(wait_us) / 1_000_000

    def acquire(self) -> float:
        with self._lock:
            now = time.monotonic()
            if self._left and self._next_slot < now - self.lease_seconds:
                self._left = 0  # a stale lease (the batch paused): its slots are gone
            if not self._left:
                self._next_slot = now + self.reserve(self._lease)
                self._left = self._lease
            wait = max(0.0, self._next_slot - time.monotonic())
            self._next_slot += self._interval
            self._left -= 1
        if wait > 0:
            time.sleep(wait)
        return wait

    def reset(self) -> None:
        self._client.delete(self.key)


# One limiter per process: a forked Celery child must not share its parent's Redis socket.
_limiters: dict[tuple[int, str, float, int], Limiter] = {}


def get_limiter() -> Limiter:
    rate = float(settings.NEWSLETTER_RATE_PER_SECOND)
    burst = int(settings.NEWSLETTER_RATE_BURST)
    url = settings.REDIS_URL
    cache_key = (os.getpid(), url, rate, burst)
    limiter = _limiters.get(cache_key)
    if limiter is None:
        limiter = (
            RedisLimiter(url=url, rate_per_second=rate, burst=burst)
            if url
            else LocalLimiter(rate_per_second=rate, burst=burst)
        )
        _limiters[cache_key] = limiter
    return limiter
