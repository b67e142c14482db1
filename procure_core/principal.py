"""The request principal: the immutable `request.auth` every authentication class returns.

Permissions, tenant/mode filtering and `/v1/profile` read this object and never the credential
type, so JWT, session, API key (Bearer or HMAC) and OAuth are enforced the same way.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from procure_core import scopes as scope_registry

JWT = "jwt"
SESSION = "session"
API_KEY = "api_key"
OAUTH = "oauth"
METHODS = (JWT, SESSION, API_KEY, OAUTH)


@dataclass(frozen=True, slots=True)
class Principal:
    method: str
    organization_id: int | None
    scopes: frozenset[str]
    user_id: int | None = None
    livemode: bool = True
    # The public id of the credential: an API key's key_id, a JWT's jti, an OAuth token's id.
    credential_id: str | None = None
    key_id: str | None = None
    client_id: str | None = None
    # "bearer" or "hmac" for API keys; informational only.
    transport: str | None = None
    extra: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    def __post_init__(self) -> None:
        if self.method not in METHODS:
            raise ValueError(f"unknown authentication method {self.method!r}")

    def allows(self, scope: str) -> bool:
        return scope_registry.allows(self.scopes, scope)

    @property
    def mode(self) -> str:
        return "live" if self.livemode else "test"

    def as_dict(self) -> dict[str, Any]:
        """The `auth` object of `/v1/profile` (CONTRACT §1)."""
        data: dict[str, Any] = {
            "method": self.method,
            "scopes": scope_registry.ordered(self.scopes),
            "livemode": self.livemode,
        }
        if self.key_id is not None:
            data["key_id"] = self.key_id
        if self.client_id is not None:
            data["client_id"] = self.client_id
        return data


def principal_of(request) -> Principal | None:
    """The principal of a DRF request, or None when it is unauthenticated."""
    auth = getattr(request, "auth", None)
    return auth if isinstance(auth, Principal) else None
