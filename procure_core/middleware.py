"""Request-edge rules that hold before any view runs.

- the client address and scheme, honouring only TRUSTED_PROXIES (CONTRACT §4, §7);
- HTTPS required on the API, OAuth and auth paths in production: a 403, never a redirect;
- credentials in the URL query string refused; oversized bodies refused with a 400.
"""
from __future__ import annotations

import logging
import re

from django.conf import settings
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse

from procure_core.errors import error_response, is_api_path
from procure_core.network import resolve_client

logger = logging.getLogger("procure_core.middleware")

SECURE_PREFIXES = ("/v1/", "/auth/", "/oauth/")

# RFC 6750 §2.3 `access_token`, and the names people paste keys under.
QUERY_CREDENTIAL_NAMES = frozenset({"access_token", "api_key", "apikey", "token", "jwt", "key_secret"})
QUERY_CREDENTIAL_VALUE = re.compile(r"^(ak_(live|test)_[A-Za-z0-9_]{8,}|eyJ[\w-]+\.[\w-]+\.[\w-]*|pco_at_\w+)$")


class ClientAddressMiddleware:
    """Sets `request.client_ip` and normalises the scheme, once, for everything after it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        client, secure = resolve_client(request.META)
        request.client_ip = client
        # request.is_secure() and build_absolute_uri() read the WSGI scheme.
        request.META["wsgi.url_scheme"] = "https" if secure else "http"
        return self.get_response(request)


class DatabaseUnavailableMiddleware:
    """Fail closed when the database is down: a 503 envelope on API paths, never a stack trace
    and never an unauthenticated pass (DRF views get the same from the exception handler)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception):
        if isinstance(exception, DatabaseError):
            logger.error("database unavailable while serving %s", request.path)
            if is_api_path(request.path) or request.path.startswith("/oauth/"):
                return error_response(503, "service_unavailable", "The service is temporarily unavailable. Please retry.")
        return None


class ApiEdgeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path
        if settings.PROCURE_REQUIRE_HTTPS and path.startswith(SECURE_PREFIXES) and not request.is_secure():
            return error_response(
                403,
                "https_required",
                "HTTPS is required. A credential sent over plain HTTP should be considered compromised.",
            )
        if is_api_path(path):
            for name, value in request.GET.lists() if request.GET else ():
                if name.lower() in QUERY_CREDENTIAL_NAMES or any(QUERY_CREDENTIAL_VALUE.match(v) for v in value):
                    return error_response(
                        401,
                        "unauthorized",
                        "Credentials are not accepted in the URL query string; use the Authorization header.",
                    )
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                return error_response(400, "invalid_request", "The Content-Length header is malformed.")
            if length > settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
                return error_response(
                    400,
                    "invalid_request",
                    f"The request body is too large (at most {settings.DATA_UPLOAD_MAX_MEMORY_SIZE} bytes).",
                )
        return self.get_response(request)
