"""`record(...)`: write one audit event, one INSERT. Callers record after their own write has
committed (or on failures, where nothing commits), so a rolled-back transaction cannot take the
event with it.

Never pass a secret: keys, tokens, passwords and client secrets have no field here. Only public
identifiers (`key_id`, `client_id`) are recorded.
"""
from __future__ import annotations

import logging
from typing import Any

from django.db import DatabaseError

from audit.models import AuditEvent
from procure_core.network import client_ip
from procure_core.principal import principal_of

logger = logging.getLogger("procure_core.audit")

SECRET_WORDS = ("password", "secret", "token", "key")


def _clean(detail: dict[str, Any] | None) -> dict[str, Any]:
    # Defence in depth: a detail entry whose name suggests a secret is dropped, whatever its value.
    return {k: v for k, v in (detail or {}).items() if not any(word in k.lower() for word in SECRET_WORDS) or k in ("key_id",)}


def record(
    event: str,
    *,
    request=None,
    outcome: str = "success",
    actor=None,
    actor_id: int | None = None,
    actor_email: str = "",
    organization_id: int | None = None,
    method: str = "",
    key_id: str = "",
    client_id: str = "",
    detail: dict[str, Any] | None = None,
) -> AuditEvent | None:
    principal = principal_of(request) if request is not None else None
    if principal is not None:
        method = method or principal.method
        key_id = key_id or (principal.key_id or "")
        client_id = client_id or (principal.client_id or "")
        organization_id = organization_id if organization_id is not None else principal.organization_id
    actor_id = getattr(actor, "pk", None) or actor_id
    if actor_id is None and principal is not None:
        actor_id = principal.user_id
    if actor is not None:
        actor_email = actor_email or getattr(actor, "email", "")
        if organization_id is None:
            organization_id = getattr(actor, "organization_id", None)
    try:
        return AuditEvent.objects.create(
            event=event,
            outcome=outcome,
            actor_id=actor_id,
            actor_email=actor_email[:254],
            organization_id=organization_id,
            ip=client_ip(request) if request is not None else None,
            method=method,
            key_id=key_id,
            client_id=client_id[:128],
            path=(request.path[:300] if request is not None else ""),
            detail=_clean(detail),
        )
    except DatabaseError:
        # The audit log must not turn a refusal into a 500; the event still reaches the log stream.
        logger.warning("audit event %s (%s) could not be stored", event, outcome)
        return None
