"""DRF throttles: per credential and per client address, counted in the shared cache.

`RequestRateThrottle` (the default) counts both budgets in one cache round trip; the two
single-budget classes remain for views that want only one.

Limits come from `PROCURE_RATE_LIMITS` (README "Rate limits"); test-mode API keys have their own,
lower limit. A refusal is `429 rate_limited` with `Retry-After` (CONTRACT §3).
"""
from __future__ import annotations

from functools import lru_cache

from django.conf import settings
from rest_framework.throttling import BaseThrottle

from procure_core import ratelimit
from procure_core.network import client_ip
from procure_core.principal import principal_of


@lru_cache(maxsize=32)
def _rate(text: str) -> ratelimit.Rate:
    return ratelimit.Rate.parse(text)


def rate(name: str) -> ratelimit.Rate:
    return _rate(settings.PROCURE_RATE_LIMITS[name])


class _CacheThrottle(BaseThrottle):
    def bucket_and_rate(self, request) -> tuple[str, ratelimit.Rate] | None:
        raise NotImplementedError

    def allow_request(self, request, view) -> bool:
        chosen = self.bucket_and_rate(request)
        if chosen is None:
            return True
        decision = ratelimit.hit(*chosen)
        self._wait = decision.retry_after
        return decision.allowed

    def wait(self):
        return self._wait


class CredentialRateThrottle(_CacheThrottle):
    """One budget per credential: an API key, an OAuth token's grant, a user's JWT/session."""

    def bucket_and_rate(self, request):
        principal = principal_of(request)
        if principal is None:
            return None
        if principal.key_id:
            identity = f"key:{principal.key_id}"
        elif principal.client_id:
            identity = f"oauth:{principal.client_id}:{principal.user_id or '-'}"
        else:
            identity = f"user:{principal.user_id}"
        return f"cred:{identity}", rate("credential" if principal.livemode else "test_credential")


class AddressRateThrottle(_CacheThrottle):
    """One budget per client address, authenticated or not."""

    def bucket_and_rate(self, request):
        return f"addr:{client_ip(request)}", rate("address")


class RequestRateThrottle(BaseThrottle):
    """Both budgets of a request, per address and per credential, counted in one round trip.

    The same counters and the same answer as AddressRateThrottle + CredentialRateThrottle (DRF
    counts every throttle of a view, refused or not), for one Redis pipeline per request instead
    of two: the only cache trip an unauthenticated request pays, and one fewer for every other.
    """

    budgets = (AddressRateThrottle, CredentialRateThrottle)

    def allow_request(self, request, view) -> bool:
        counters = [chosen for chosen in (cls().bucket_and_rate(request) for cls in self.budgets) if chosen is not None]
        refused = [decision for decision in ratelimit.hit_many(counters) if not decision.allowed]
        self._wait = max((decision.retry_after for decision in refused), default=0)
        return not refused

    def wait(self):
        return self._wait
