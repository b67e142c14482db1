"""The shared cache, for lookups that may fail open.

Caching a user's or a key's state is an optimisation: when Redis does not answer, these helpers
log and behave as a miss, so the request falls back to the database instead of failing. Replay
protection (HMAC nonces) must fail closed and does not use them.
"""
from __future__ import annotations

import logging
from typing import Any

from django.core.cache import cache

logger = logging.getLogger("procure_core.cache")

# The default of a lookup's `cached` argument: "read the entry yourself". None means "read, missed".
NOT_READ: Any = object()


def get(key: str) -> Any:
    try:
        return cache.get(key)
    except Exception:  # redis.ConnectionError, TimeoutError, ...
        logger.warning("cache unavailable: read treated as a miss")
        return None


def get_many(keys: list[str]) -> dict[str, Any]:
    """Several entries in one round trip (Redis MGET); the missing ones are absent."""
    try:
        return cache.get_many(keys)
    except Exception:
        logger.warning("cache unavailable: reads treated as misses")
        return {}


def set(key: str, value: Any, timeout: int) -> None:  # noqa: A001 - mirrors the cache API
    try:
        cache.set(key, value, timeout)
    except Exception:
        logger.warning("cache unavailable: write skipped")


def delete(key: str) -> None:
    try:
        cache.delete(key)
    except Exception:
        # The entry expires by its TTL; README "Failure behaviour" states the bound.
        logger.warning("cache unavailable: invalidation skipped")
