"""The error envelope (CONTRACT §3): exception classes, DRF's exception handler, Django's 404/500.

Views and authentication classes raise; only this module builds error JSON.
"""
from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.db import DatabaseError
from django.http import Http404, HttpRequest, JsonResponse
from django.views import defaults
from rest_framework import exceptions, status

logger = logging.getLogger("procure_core.errors")

REALM = "procure-core"

# Paths whose non-2xx responses use the envelope (the OAuth endpoints keep the RFC format).
API_PREFIXES = ("/v1/", "/auth/")


class Unauthorized(exceptions.AuthenticationFailed):
    default_detail = "Invalid or missing authentication credentials."
    default_code = "unauthorized"


class TokenExpired(exceptions.AuthenticationFailed):
    default_detail = "The access token has expired."
    default_code = "token_expired"


class InvalidSignature(exceptions.AuthenticationFailed):
    default_detail = "The request signature is invalid."
    default_code = "invalid_signature"


class Forbidden(exceptions.PermissionDenied):
    default_detail = "Insufficient permissions for this operation."
    default_code = "forbidden"


class InsufficientScope(exceptions.PermissionDenied):
    default_detail = "The request requires higher privileges than provided by the access token."
    default_code = "insufficient_scope"

    def __init__(self, scope: str, detail: str | None = None):
        super().__init__(detail)
        self.required_scope = scope


class HttpsRequired(exceptions.PermissionDenied):
    default_detail = "HTTPS is required. The credential sent over plain HTTP should be considered compromised."
    default_code = "https_required"


class InvalidRequest(exceptions.ValidationError):
    """A 400 with a message and optional per-field errors."""

    default_code = "invalid_request"

    def __init__(self, message: str, fields: dict[str, list[str]] | None = None):
        super().__init__({"message": message})
        self.message = message
        self.fields = fields


class ServiceUnavailable(exceptions.APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = "The service is temporarily unavailable. Please retry."
    default_code = "service_unavailable"


# Refusals worth a row in the audit log (plain 401s are not: they are the internet's background noise).
AUDITED_DENIALS = frozenset({"insufficient_scope", "forbidden", "invalid_signature"})

def with_audit(exc: exceptions.APIException, **context) -> exceptions.APIException:
    """Mark a refusal for the audit log with what the raiser knows (`key_id`, `actor_id`,
    `organization_id`): the request has no principal yet when authentication refuses it."""
    exc.audit_context = context
    return exc


_CODES_BY_STATUS = {
    400: "invalid_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "invalid_request",
    415: "invalid_request",
    429: "rate_limited",
    503: "service_unavailable",
}


def www_authenticate(code: str, scope: str | None = None) -> str:
    """The RFC 6750 §3 challenge for a 401 or an insufficient_scope 403."""
    if code == "insufficient_scope":
        return f'Bearer realm="{REALM}", error="insufficient_scope", scope="{scope}"'
    return f'Bearer realm="{REALM}", error="invalid_token"'


def error_response(
    status_code: int,
    code: str,
    message: str,
    *,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> JsonResponse:
    """The one place an error body is built."""
    body: dict[str, Any] = {"code": code, "message": message}
    body.update({k: v for k, v in extra.items() if v is not None})
    response = JsonResponse({"error": body}, status=status_code)
    if status_code == 401:
        response["WWW-Authenticate"] = www_authenticate(code)
    elif code == "insufficient_scope":
        response["WWW-Authenticate"] = www_authenticate(code, extra.get("required_scope"))
    for name, value in (headers or {}).items():
        response[name] = value
    response["Cache-Control"] = "no-store"
    return response


def _validation_fields(detail: Any) -> dict[str, list[str]]:
    if isinstance(detail, dict):
        return {str(k): _flatten(v) for k, v in detail.items()}
    return {"non_field_errors": _flatten(detail)}


def _flatten(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [f"{k}: {m}" for k, v in value.items() for m in _flatten(v)]
    if isinstance(value, (list, tuple)):
        return [m for item in value for m in _flatten(item)]
    return [str(value)]


def exception_handler(exc: Exception, context: dict | None = None) -> JsonResponse | None:
    """DRF's EXCEPTION_HANDLER: every exception becomes the envelope."""
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = Forbidden()
    elif isinstance(exc, RequestDataTooBig):
        exc = InvalidRequest("The request body is too large.")
    elif isinstance(exc, SuspiciousOperation):
        exc = InvalidRequest("The request is malformed.")
    elif isinstance(exc, DatabaseError):
        logger.error("database error while serving a request", exc_info=exc)
        exc = ServiceUnavailable()

    if not isinstance(exc, exceptions.APIException):
        logger.error("unhandled error while serving a request", exc_info=exc)
        return error_response(500, "server_error", "An internal error occurred.")

    headers: dict[str, str] = {}
    extra: dict[str, Any] = {}
    status_code = exc.status_code
    code = _CODES_BY_STATUS.get(status_code, "server_error")
    message = str(exc.detail) if isinstance(exc.detail, str) else ""

    if isinstance(exc, (exceptions.NotAuthenticated, exceptions.AuthenticationFailed)):
        status_code = 401
        code = exc.default_code if isinstance(exc, (Unauthorized, TokenExpired, InvalidSignature)) else "unauthorized"
        if isinstance(exc, exceptions.NotAuthenticated):
            message = Unauthorized.default_detail
    elif isinstance(exc, InsufficientScope):
        code = "insufficient_scope"
        extra["required_scope"] = exc.required_scope
    elif isinstance(exc, (Forbidden, HttpsRequired)):
        code = exc.default_code
    elif isinstance(exc, exceptions.PermissionDenied):
        code = "forbidden"
    elif isinstance(exc, InvalidRequest):
        message = exc.message
        if exc.fields:
            extra["fields"] = exc.fields
    elif isinstance(exc, exceptions.ValidationError):
        message = "The request is invalid; see fields."
        extra["fields"] = _validation_fields(exc.detail)
    elif isinstance(exc, exceptions.ParseError):
        message = "The request body could not be parsed: " + str(exc.detail)
    elif isinstance(exc, exceptions.Throttled):
        code = "rate_limited"
        message = "Too many requests. Retry later."
        retry_after = int(exc.wait or 1) if exc.wait is not None else 1
        headers["Retry-After"] = str(max(retry_after, 1))
    elif isinstance(exc, exceptions.NotFound):
        message = "The requested resource was not found."
    elif isinstance(exc, exceptions.MethodNotAllowed):
        message = str(exc.detail)

    if not message:
        message = str(exc.default_detail)
    audit_context = getattr(exc, "audit_context", None)
    if (code in AUDITED_DENIALS or audit_context) and context and context.get("request") is not None:
        from audit.log import record  # the audit app imports this module's neighbours

        record(f"request.{code}", request=context["request"], outcome="denied", **(audit_context or {}),
               detail={"message": message, **({"required_scope": extra["required_scope"]} if "required_scope" in extra else {})})
    return error_response(status_code, code, message, headers=headers, **extra)


def is_api_path(path: str) -> bool:
    return path.startswith(API_PREFIXES) or path in ("/auth", "/v1")


def not_found(request: HttpRequest, exception: Exception | None = None):
    """handler404: the envelope under /v1/ and /auth/, Django's page elsewhere."""
    if is_api_path(request.path):
        return error_response(404, "not_found", "The requested resource was not found.")
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest):
    """handler500: never a stack trace, never a secret."""
    if is_api_path(request.path):
        return error_response(500, "server_error", "An internal error occurred.")
    return defaults.server_error(request)


def bad_request(request: HttpRequest, exception: Exception | None = None):
    if is_api_path(request.path):
        return error_response(400, "invalid_request", "The request is malformed.")
    return defaults.bad_request(request, exception)


def permission_denied(request: HttpRequest, exception: Exception | None = None):
    if is_api_path(request.path):
        return error_response(403, "forbidden", Forbidden.default_detail)
    return defaults.permission_denied(request, exception)
