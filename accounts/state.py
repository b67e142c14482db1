"""A user's authorization state (active, organization, scopes), cached in the shared cache.

Every authentication method reads this instead of the user row, so a request costs no user query;
any save or delete of a user drops the entry (signals below), and with REDIS_URL set the drop
reaches every app instance, so deactivation and scope changes hold on the next request.
"""
from __future__ import annotations

from dataclasses import dataclass

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils.functional import SimpleLazyObject

from accounts.models import User
from procure_core import cache

TTL_SECONDS = 300


@dataclass(frozen=True, slots=True)
class UserState:
    id: int
    is_active: bool
    organization_id: int | None
    scopes: frozenset[str]


def cache_key(user_id) -> str:
    return f"user-state:v1:{user_id}"


def user_state(user_id, cached=cache.NOT_READ) -> UserState | None:
    """The user's state, or None when there is no such user. `cached` is this user's cache entry
    when the caller has just read it, in the same round trip as its own (apikeys/lookup.py)."""
    key = cache_key(user_id)
    if cached is cache.NOT_READ:
        cached = cache.get(key)
    if cached is not None:
        return UserState(cached[0], cached[1], cached[2], frozenset(cached[3])) if cached else None
    row = (
        User.objects.filter(pk=user_id)
        .values_list("id", "is_active", "organization_id", "scopes")
        .first()
    )
    if row is None:
        cache.set(key, (), 30)
        return None
    cache.set(key, (row[0], row[1], row[2], list(row[3] or ())), TTL_SECONDS)
    return UserState(row[0], row[1], row[2], frozenset(row[3] or ()))


def forget(user_id) -> None:
    cache.delete(cache_key(user_id))


def lazy_user(user_id) -> User:
    """`request.user` without a query until a view actually reads it."""
    return SimpleLazyObject(lambda: User.objects.select_related("organization").get(pk=user_id))


@receiver(post_save, sender=User)
@receiver(post_delete, sender=User)
def _user_changed(sender, instance: User, **kwargs) -> None:
    forget(instance.pk)
