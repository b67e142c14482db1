"""Brute-force protection for password logins (/auth/login and the web login page).

Failures are counted per (account, address), per account and per address in fixed windows in the
shared cache. Counting uses the submitted email, whether or not such an account exists, so a
lockout reveals nothing; and every window ends, so nobody is locked out for longer than one window.
"""
from __future__ import annotations

import hashlib

from rest_framework.exceptions import Throttled

from procure_core import ratelimit
from procure_core.throttling import rate

# (bucket prefix, PROCURE_RATE_LIMITS entry, what the bucket is keyed on)
_RULES = (
    ("login:acct-addr", "login_account_address", "both"),
    ("login:acct", "login_account", "account"),
    ("login:addr", "login_address", "address"),
)


def _account(email: str) -> str:
    # Hashed so the cache never holds a list of attempted emails.
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]


def _buckets(email: str, ip: str):
    account = _account(email)
    keys = {"both": f"{account}:{ip}", "account": account, "address": ip}
    for prefix, rate_name, keyed_on in _RULES:
        yield f"{prefix}:{keys[keyed_on]}", rate(rate_name)


def check(email: str, ip: str) -> None:
    """Raise Throttled (429 rate_limited) when this login may not even be tried now."""
    for bucket, limit in _buckets(email, ip):
        if ratelimit.peek(bucket, limit) >= limit.limit:
            raise Throttled(wait=ratelimit.retry_after(limit), detail="Too many failed sign-in attempts.")


def failed(email: str, ip: str) -> None:
    for bucket, limit in _buckets(email, ip):
        ratelimit.hit(bucket, limit)


def succeeded(email: str, ip: str) -> None:
    account = _account(email)
    ratelimit.reset(f"login:acct-addr:{account}:{ip}", rate("login_account_address"))
