"""Writes on API keys: create, rotate, revoke, and the throttled last-used stamp.

Each multi-row write is one transaction. Validation errors are Django `ValidationError`s keyed by
field, so the API, the admin and the management command report them the same way.
"""
from __future__ import annotations

import ipaddress
import time
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from apikeys import keys
from apikeys.lookup import secret_box
from apikeys.models import ApiKey
from procure_core import network
from procure_core import scopes as scope_registry

MAX_ALLOWED_IPS = 100
MAX_GRACE_PERIOD_SECONDS = 7 * 24 * 3600
LAST_USED_INTERVAL_SECONDS = 60


def clean_name(name) -> str:
    if not isinstance(name, str) or not name.strip():
        raise ValidationError({"name": ["A name is required."]})
    name = name.strip()
    if len(name) > 100:
        raise ValidationError({"name": ["At most 100 characters."]})
    return name


def clean_mode(mode) -> str:
    if mode not in keys.MODES:
        raise ValidationError({"mode": ['Must be "live" or "test".']})
    return mode


def clean_scopes(owner_scopes: Iterable[str], requested) -> list[str]:
    """The requested scopes, in registry order; each must be one the owner holds (CONTRACT §2)."""
    if not isinstance(requested, (str, list, tuple, set, frozenset)) or (
        not isinstance(requested, str) and not all(isinstance(s, str) for s in requested)
    ):
        raise ValidationError({"scopes": ["A list of scope names."]})
    try:
        parsed = scope_registry.parse(requested)
    except scope_registry.UnknownScope as error:
        raise ValidationError({"scopes": [str(error)]}) from error
    beyond = parsed - scope_registry.expand(owner_scopes)
    if beyond:
        raise ValidationError({"scopes": [
            "A key cannot have scopes its owner does not have: " + ", ".join(scope_registry.ordered(beyond)) + "."
        ]})
    return scope_registry.ordered(parsed)


def clean_allowed_ips(entries) -> list[str]:
    """Addresses and CIDR ranges, as given (stripped, without duplicates); the bad entry is named."""
    if entries is None:
        return []
    if not isinstance(entries, (list, tuple)) or not all(isinstance(e, str) for e in entries):
        raise ValidationError({"allowed_ips": ["A list of IP addresses or CIDR ranges."]})
    if len(entries) > MAX_ALLOWED_IPS:
        raise ValidationError({"allowed_ips": [f"At most {MAX_ALLOWED_IPS} entries."]})
    cleaned: list[str] = []
    for entry in entries:
        text = entry.strip()
        try:
            if not text or len(text) > 64:
                raise ValueError
            network.parse_network(text)
        except ValueError:
            hint = ""
            try:
                hint = f"; did you mean {ipaddress.ip_network(text, strict=False)}?" if "/" in text else ""
            except ValueError:
                pass
            raise ValidationError({"allowed_ips": [f"{entry!r} is not an IP address or CIDR range{hint}"]})
        if text not in cleaned:
            cleaned.append(text)
    return cleaned


def clean_expires_at(expires_at: datetime | None, now: datetime) -> datetime | None:
    if expires_at is None:
        return None
    if timezone.is_naive(expires_at):
        raise ValidationError({"expires_at": ["Give a time zone (e.g. 2030-01-01T00:00:00Z)."]})
    if expires_at <= now:
        raise ValidationError({"expires_at": ["Must be in the future."]})
    return expires_at


def _issue(owner, *, name: str, mode: str, scopes: list[str], allowed_ips: list[str],
           expires_at: datetime | None, now: datetime, rotated_from: ApiKey | None = None) -> tuple[ApiKey, str]:
    raw = keys.generate(mode)
    derived = keys.derive(raw)
    key = ApiKey.objects.create(
        key_id=derived.key_id,
        prefix=keys.display_prefix(raw),
        verifier=derived.verifier,
        sealed_secret=secret_box().seal(raw, derived.key_id),
        owner=owner,
        name=name,
        mode=mode,
        scopes=scopes,
        allowed_ips=allowed_ips,
        expires_at=expires_at,
        created_at=now,
        rotated_from=rotated_from,
    )
    return key, raw


def create_key(owner, *, name, mode=keys.LIVE, scopes=None, allowed_ips=None, expires_at=None) -> tuple[ApiKey, str]:
    """A new key for `owner`; returns (ApiKey, the key). The key is not kept: show it once.

    `scopes=None` means the owner's own scopes. Raises ValidationError keyed by field.
    """
    now = timezone.now()
    errors: dict[str, list[str]] = {}
    cleaned = {}
    for field, clean in (
        ("name", lambda: clean_name(name)),
        ("mode", lambda: clean_mode(mode)),
        ("scopes", lambda: clean_scopes(owner.scopes or (), (owner.scopes or ()) if scopes is None else scopes)),
        ("allowed_ips", lambda: clean_allowed_ips(allowed_ips)),
        ("expires_at", lambda: clean_expires_at(expires_at, now)),
    ):
        try:
            cleaned[field] = clean()
        except ValidationError as error:
            errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        return _issue(owner, now=now, **cleaned)


def rotate_key(key: ApiKey, grace_period_seconds: int = 0) -> tuple[ApiKey, str]:
    """Replace `key` by a new one with the same settings. The old key keeps working for
    `grace_period_seconds` (0 to 7 days), then fails as revoked. Returns (new ApiKey, the new key)."""
    if not isinstance(grace_period_seconds, int) or not 0 <= grace_period_seconds <= MAX_GRACE_PERIOD_SECONDS:
        raise ValidationError({"grace_period_seconds": [f"An integer from 0 to {MAX_GRACE_PERIOD_SECONDS}."]})
    now = timezone.now()
    with transaction.atomic():
        old = ApiKey.objects.select_for_update().select_related("owner").get(pk=key.pk)
        if old.is_revoked(now) or ApiKey.objects.filter(rotated_from=old).exists():
            raise ValidationError({"key": ["This key has been revoked or already rotated; rotate its replacement."]})
        if old.is_expired(now):
            raise ValidationError({"key": ["This key has expired; create a new one."]})
        new, raw = _issue(
            old.owner, name=old.name, mode=old.mode, scopes=list(old.scopes), allowed_ips=list(old.allowed_ips),
            expires_at=old.expires_at, now=now, rotated_from=old,
        )
        grace_end = now + timedelta(seconds=grace_period_seconds)
        # A key already scheduled to stop (never the case after the checks above) keeps the earlier time.
        old.revoked_at = min(grace_end, old.revoked_at) if old.revoked_at else grace_end
        old.save(update_fields=["revoked_at"])
    return new, raw


def revoke_key(key: ApiKey) -> ApiKey:
    """Stop the key now (also ends a rotation's grace period). Idempotent."""
    now = timezone.now()
    with transaction.atomic():
        locked = ApiKey.objects.select_for_update().get(pk=key.pk)
        if locked.revoked_at is None or locked.revoked_at > now:
            locked.revoked_at = now
            locked.save(update_fields=["revoked_at"])
    return locked


_recent_uses: dict[str, float] = {}


def record_use(key_pk: int, key_id: str, ip: str | None) -> None:
    """Stamp last_used_at / last_used_ip at most once per key per minute across every instance
    (an atomic cache.add decides which request writes); verification itself never writes."""
    now = time.time()
    last = _recent_uses.get(key_id)
    if last is not None and 0 <= now - last < LAST_USED_INTERVAL_SECONDS:
        return
    if len(_recent_uses) > 10_000:
        _recent_uses.clear()
    _recent_uses[key_id] = now
    try:
        claimed = cache.add(f"api-key-used:v1:{key_id}", 1, LAST_USED_INTERVAL_SECONDS)
    except Exception:  # the cache is down: skip the stamp rather than write on every request
        return
    if claimed:
        address = network.parse_address(ip or "")
        ApiKey.objects.filter(pk=key_pk).update(
            last_used_at=timezone.now(), last_used_ip=str(address) if address else None
        )
