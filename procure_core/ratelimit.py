"""Fixed-window counters in the shared cache: the one mechanism behind every rate limit and the
login lockout. With REDIS_URL set, the counts are shared by every app instance.

When the cache does not answer, limits fail open (logged): rate limiting protects capacity, and
the fail-closed rules (HMAC nonces) live elsewhere. See README "Failure behaviour".
"""
from __future__ import annotations

import logging
import math
import re
import time
from dataclasses import dataclass

from django.core.cache import cache

logger = logging.getLogger("procure_core.ratelimit")

_RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*(s|sec|second|m|min|minute|h|hour|d|day)\s*$")
_UNIT_SECONDS = {"s": 1, "sec": 1, "second": 1, "m": 60, "min": 60, "minute": 60, "h": 3600, "hour": 3600, "d": 86400, "day": 86400}


@dataclass(frozen=True)
class Rate:
    limit: int
    window: int  # seconds

    @classmethod
    def parse(cls, text: str) -> "Rate":
        """"100/min", "5/15min", "1000/hour", "10/s"."""
        match = _RATE.match(text or "")
        if not match:
            raise ValueError(f"not a rate: {text!r} (expected e.g. '100/min' or '5/15min')")
        count, multiplier, unit = match.groups()
        return cls(int(count), int(multiplier or 1) * _UNIT_SECONDS[unit])


@dataclass(frozen=True)
class Decision:
    allowed: bool
    count: int
    retry_after: int


def _redis_client():
    backend = getattr(cache, "_cache", None)
    get_client = getattr(backend, "get_client", None)
    return get_client


def retry_after(rate: Rate, now: float | None = None) -> int:
    """Seconds until the current window ends."""
    now = time.time() if now is None else now
    return max(1, math.ceil((int(now // rate.window) + 1) * rate.window - now))


def hit(bucket: str, rate: Rate, now: float | None = None) -> Decision:
    """Count one event in `bucket` and say whether it is within `rate`."""
    return hit_many([(bucket, rate)], now)[0]


def hit_many(counters: list[tuple[str, Rate]], now: float | None = None) -> list[Decision]:
    """Count one event in each `(bucket, rate)`, all in one cache round trip with Redis (a request
    is counted per address and per credential: one trip, not two, on every API call)."""
    now = time.time() if now is None else now
    keys = [(f"rl:{bucket}:{int(now // rate.window)}", rate.window + 1) for bucket, rate in counters]
    try:
        counts = _increment_many(keys)
    except Exception:  # the cache is down: fail open, loudly
        logger.warning("rate limit cache unavailable; allowing %s", ", ".join(b.split(":", 1)[0] for b, _ in counters))
        return [Decision(True, 0, 0) for _ in counters]
    return [Decision(count <= rate.limit, count, retry_after(rate, now)) for count, (_, rate) in zip(counts, counters)]


def peek(bucket: str, rate: Rate, now: float | None = None) -> int:
    now = time.time() if now is None else now
    try:
        return int(cache.get(f"rl:{bucket}:{int(now // rate.window)}") or 0)
    except Exception:
        return 0


def reset(bucket: str, rate: Rate, now: float | None = None) -> None:
    now = time.time() if now is None else now
    try:
        cache.delete(f"rl:{bucket}:{int(now // rate.window)}")
    except Exception:
        logger.warning("rate limit cache unavailable; could not reset a counter")


def _increment_many(keys: list[tuple[str, int]]) -> list[int]:
    get_client = _redis_client()
    if get_client is None:
        return [_increment(key, ttl) for key, ttl in keys]
    # Redis: INCR and EXPIRE of every counter in one round trip. No MULTI/EXEC needed: INCR is
    # atomic on its own, and EXPIRE NX only ever sets the first TTL of the window's key.
    full_keys = [(cache.make_and_validate_key(key), ttl) for key, ttl in keys]
    pipeline = get_client(full_keys[0][0], write=True).pipeline(transaction=False)
    for full_key, ttl in full_keys:
        pipeline.incr(full_key)
        pipeline.expire(full_key, ttl, nx=True)
    return [int(count) for count in pipeline.execute()[::2]]


def _increment(key: str, ttl: int) -> int:
    """The in-process cache (development, tests): add, then incr."""
    if cache.add(key, 1, ttl):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, ttl)
        return 1
