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
    now = time.time() if now is None else now
    key = f"rl:{bucket}:{int(now // rate.window)}"
    try:
        count = _increment(key, rate.window + 1)
    except Exception:  # the cache is down: fail open, loudly
        logger.warning("rate limit cache unavailable; allowing %s", bucket.split(":", 1)[0])
        return Decision(True, 0, 0)
    return Decision(count <= rate.limit, count, retry_after(rate, now))


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


def _increment(key: str, ttl: int) -> int:
    get_client = _redis_client()
    if get_client is not None:
        # Redis: INCR and EXPIRE in one round trip.
        full_key = cache.make_and_validate_key(key)
        client = get_client(full_key, write=True)
        pipeline = client.pipeline()
        pipeline.incr(full_key)
        pipeline.expire(full_key, ttl, nx=True)
        return int(pipeline.execute()[0])
    if cache.add(key, 1, ttl):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, ttl)
        return 1
