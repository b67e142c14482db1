"""`find(key_id)`: what authentication needs of a key, from the shared cache or one indexed query.

Any save or delete of a key drops its entry (signals below; again after commit, so a concurrent
reader cannot put the old row back), and with REDIS_URL set the drop reaches every app instance:
revocation and rotation hold on the next request. Expiry and the end of a rotation's grace
period are timestamps in the entry, compared on every request, so they need no invalidation.

`find_with_owner(key_id)` also reads the owner's state (accounts/state.py), in the same round trip
once this process has seen the key.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from django.conf import settings
from django.core.signals import setting_changed
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from accounts.state import StateHints, UserState
from apikeys.encryption import SecretBox
from apikeys.models import ApiKey
from procure_core import cache

TTL_SECONDS = 300
MISSING_TTL_SECONDS = 60
_FIELDS = ("pk", "key_id", "verifier", "sealed_secret", "owner_id", "mode", "scopes", "allowed_ips", "expires_at", "revoked_at")


@dataclass(frozen=True, slots=True)
class KeyRecord:
    pk: int
    key_id: str
    verifier: str
    sealed_secret: bytes
    owner_id: int
    livemode: bool
    scopes: frozenset[str]
    allowed_ips: tuple[str, ...]
    expires_at: float | None  # Unix seconds
    revoked_at: float | None

    def is_revoked(self, now: float) -> bool:
        return self.revoked_at is not None and self.revoked_at <= now

    def is_expired(self, now: float) -> bool:
        return self.expires_at is not None and self.expires_at <= now


def _cache_key(key_id: str) -> str:
    return f"api-key:v1:{key_id}"


def _timestamp(value: datetime | None) -> float | None:
    return value.timestamp() if value is not None else None


def find(key_id: str, cached=cache.NOT_READ) -> KeyRecord | None:
    """The key's record, or None when no key has this id. `cached`: its cache entry, already read."""
    name = _cache_key(key_id)
    if cached is cache.NOT_READ:
        cached = cache.get(name)
    if cached is not None:
        return KeyRecord(*cached) if cached else None
    row = ApiKey.objects.filter(key_id=key_id).values_list(*_FIELDS).first()
    if row is None:
        cache.set(name, (), MISSING_TTL_SECONDS)
        return None
    pk, key_id, verifier, sealed, owner_id, mode, scopes, allowed_ips, expires_at, revoked_at = row
    entry = (pk, key_id, verifier, bytes(sealed), owner_id, mode == "live", frozenset(scopes or ()),
             tuple(allowed_ips or ()), _timestamp(expires_at), _timestamp(revoked_at))
    cache.set(name, entry, TTL_SECONDS)
    return KeyRecord(*entry)


_owners = StateHints()


def find_with_owner(key_id: str) -> tuple[KeyRecord | None, UserState | None]:
    """The key's record and its owner's current state (None, None when no key has this id)."""
    return _owners.load(key_id, _cache_key(key_id), lambda cached: find(key_id, cached), lambda record: record.owner_id)


def forget(key_id: str) -> None:
    cache.delete(_cache_key(key_id))


@receiver(post_save, sender=ApiKey)
@receiver(post_delete, sender=ApiKey)
def _key_changed(sender, instance: ApiKey, **kwargs) -> None:
    key_id = instance.key_id
    forget(key_id)
    transaction.on_commit(lambda: forget(key_id))


@lru_cache(maxsize=1)
def secret_box() -> SecretBox:
    return SecretBox(settings.PROCURE_API_KEY_ENCRYPTION_KEY, settings.PROCURE_API_KEY_RETIRED_ENCRYPTION_KEYS)


@receiver(setting_changed)
def _encryption_setting_changed(setting, **kwargs) -> None:
    if setting.startswith("PROCURE_API_KEY_"):
        secret_box.cache_clear()
