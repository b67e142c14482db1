"""The toolkit's scope source (SCOPES_BACKEND_CLASS) reads the one registry in procure_core.scopes,
narrowed per application by its policy and per user by what the user holds.
"""
from __future__ import annotations

from collections.abc import Iterable

from oauth2_provider.scopes import BaseScopes

from procure_core import scopes as scope_registry


def narrow(granted: Iterable[str], holder: Iterable[str]) -> frozenset[str]:
    """The part of `granted` that `holder` still covers (a credential never outgrows its owner).

    `admin` in `granted` stands for every scope, so it narrows to everything the holder has.
    """
    granted, holder = frozenset(granted), frozenset(holder)
    kept = {name for name in granted if scope_registry.allows(holder, name)}
    if scope_registry.ADMIN in granted:
        kept |= holder & scope_registry.ALL
    return frozenset(kept)


def allowed_scopes(application) -> frozenset[str]:
    policy = getattr(application, "policy", None) if application is not None else None
    return policy.allowed_scope_set if policy is not None else frozenset()


def _user_scopes(request) -> frozenset[str] | None:
    user = getattr(request, "user", None) if request is not None else None
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return frozenset(user.scopes or ())


class RegistryScopes(BaseScopes):
    def get_all_scopes(self) -> dict[str, str]:
        return dict(scope_registry.SCOPES)

    def get_available_scopes(self, application=None, request=None, *args, **kwargs) -> list[str]:
        """What may be asked for: the registry, within the application's allowed scopes and,
        when a user is authorizing, within that user's scopes."""
        if application is None:
            return list(scope_registry.SCOPES)
        available = scope_registry.expand(allowed_scopes(application))
        user_scopes = _user_scopes(request)
        if user_scopes is not None:
            available &= scope_registry.expand(user_scopes)
        return scope_registry.ordered(available)

    def get_default_scopes(self, application=None, request=None, *args, **kwargs) -> list[str]:
        """No `scope` parameter: everything the application is allowed (and the user holds)."""
        defaults = allowed_scopes(application)
        user_scopes = _user_scopes(request)
        if user_scopes is not None:
            defaults = frozenset(name for name in defaults if scope_registry.allows(user_scopes, name))
        return scope_registry.ordered(defaults)
