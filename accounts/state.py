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


class StateHints:
    """Which user's state goes with a credential (an API key, an OAuth token), as last seen by
    this process, so both cache entries come in one round trip (MGET).

    Only a hint: both entries are still read from the shared cache on every request (so
    revocation and deactivation hold at once), and a credential naming another user wins.
    """

    def __init__(self, limit: int = 10_000):
        self._user_ids: dict[str, int] = {}
        self._limit = limit

    def load(self, hint: str, entry_key: str, load_record, user_id_of):
        """(record, UserState | None). `load_record(cached)` reads the credential given its cache
        entry (cache.NOT_READ: read it yourself); `user_id_of(record)` names the user whose state
        decides, or None."""
        user_id = self._user_ids.get(hint)
        if user_id is None:
            record, entries, user_key = load_record(cache.NOT_READ), {}, None
        else:
            user_key = cache_key(user_id)
            entries = cache.get_many([entry_key, user_key])  # one round trip instead of two
            record = load_record(entries.get(entry_key))
        if record is None:
            return None, None
        actual = user_id_of(record)
        if actual is None:
            return record, None
        if actual != user_id:
            if len(self._user_ids) > self._limit:
                self._user_ids.clear()
            self._user_ids[hint] = actual
            return record, user_state(actual)
        return record, user_state(user_id, entries.get(user_key))


def forget(user_id) -> None:
    cache.delete(cache_key(user_id))


def lazy_user(user_id) -> User:
    """`request.user` without a query until a view actually reads it."""
    return SimpleLazyObject(lambda: User.objects.select_related("organization").get(pk=user_id))


@receiver(post_save, sender=User)
@receiver(post_delete, sender=User)
def _user_changed(sender, instance: User, **kwargs) -> None:
    forget(instance.pk)
