"""HasScope: the one permission class. It maps a view's resource and the request method to the
scope it needs (CONTRACT §2) and checks it against the request principal, whatever method
authenticated the request.
"""
from __future__ import annotations

from rest_framework.permissions import BasePermission

from procure_core import scopes
from procure_core.errors import Forbidden, InsufficientScope, Unauthorized
from procure_core.principal import principal_of


class HasScope(BasePermission):
    """A view declares `scope_resource = "orders"` (read/write by method) or `required_scopes`
    as a `{method: scope}` map; a view that declares neither needs only an authenticated caller.
    `allowed_auth_methods` narrows which credential types the endpoint accepts.
    """

    def has_permission(self, request, view) -> bool:
        principal = principal_of(request)
        if principal is None:
            raise Unauthorized()
        allowed_methods = getattr(view, "allowed_auth_methods", None)
        if allowed_methods is not None and principal.method not in allowed_methods:
            raise Forbidden(
                "This endpoint cannot be used with this kind of credential; allowed: "
                + ", ".join(allowed_methods)
                + "."
            )
        needed = required_scope(view, request.method)
        if needed is not None and not principal.allows(needed):
            raise InsufficientScope(needed)
        return True


def required_scope(view, method: str) -> str | None:
    explicit = getattr(view, "required_scopes", None)
    if explicit:
        return explicit.get(method.upper()) or explicit.get("*")
    resource = getattr(view, "scope_resource", None)
    if resource is None:
        return None
    return scopes.required_scope(resource, method)
