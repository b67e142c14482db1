"""API key authentication: `Bearer ak_…` and `PC-HMAC-SHA256` signed requests (CONTRACT §4).

Both produce the shared Principal (method "api_key", livemode from the key's mode, the key's
scopes narrowed to what its owner holds now). Each class recognises its credential by shape and
refuses a malformed one before any database or cache work.
"""
from __future__ import annotations

import hmac
import logging
import time
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import RequestDataTooBig
from django.http.request import RawPostDataException
from rest_framework import authentication

from accounts import state
from apikeys import keys, lookup, services, signing
from apikeys.encryption import SecretUnavailable
from procure_core import network
from procure_core import principal as principals
from procure_core import scopes as scope_registry
from procure_core.credentials import authorization, bearer_token
from procure_core.errors import (
    Forbidden,
    InvalidRequest,
    InvalidSignature,
    ServiceUnavailable,
    TokenExpired,
    Unauthorized,
    with_audit,
    www_authenticate,
)

logger = logging.getLogger("apikeys.authentication")

def effective_scopes(key_scopes: frozenset[str], owner_scopes: frozenset[str]) -> frozenset[str]:
    """A key never carries more than its owner holds now: losing a scope takes it from the key."""
    if scope_registry.ADMIN in owner_scopes:
        return key_scopes & scope_registry.ALL
    return scope_registry.expand(key_scopes) & owner_scopes


def _check_usable(record: lookup.KeyRecord, now: float) -> None:
    if record.is_revoked(now):
        raise Unauthorized("The API key has been revoked.")
    if record.is_expired(now):
        raise with_audit(TokenExpired("The API key has expired."), key_id=record.key_id, actor_id=record.owner_id)


def _authenticated(request, record: lookup.KeyRecord, owner: state.UserState | None, transport: str):
    """(lazy owner, Principal) for a verified key: owner active, address allowed."""
    if owner is None or not owner.is_active:
        raise Unauthorized("The owner of this API key is inactive.")
    ip = network.client_ip(request)
    if record.allowed_ips and not network.address_in(network.parse_address(ip), record.allowed_ips):
        raise with_audit(Forbidden("This API key may not be used from this address."),
                         key_id=record.key_id, actor_id=record.owner_id)
    principal = principals.Principal(
        method=principals.API_KEY,
        organization_id=owner.organization_id,
        scopes=effective_scopes(record.scopes, owner.scopes),
        user_id=owner.id,
        livemode=record.livemode,
        credential_id=record.key_id,
        key_id=record.key_id,
        transport=transport,
    )
    services.record_use(record.pk, record.key_id, ip)
    return state.lazy_user(owner.id), principal


class ApiKeyAuthentication(authentication.BaseAuthentication):
    """`Authorization: Bearer ak_live_…`: one SHA-256, one indexed (or cached) lookup."""

    def authenticate(self, request):
        raw = bearer_token(request)
        if raw is None or not keys.looks_like_key(raw):
            return None
        if not keys.is_well_formed(raw):
            raise Unauthorized("The API key is malformed: wrong prefix, length, characters or checksum.")
        derived = keys.derive(raw)
        record, owner = lookup.find_with_owner(derived.key_id)
        if record is None or not hmac.compare_digest(record.verifier, derived.verifier):
            raise Unauthorized("The API key is not recognised.")
        _check_usable(record, time.time())
        return _authenticated(request, record, owner, "bearer")

    def authenticate_header(self, request) -> str:
        return www_authenticate("invalid_token")


def window_seconds() -> int:
    return int(getattr(settings, "PROCURE_HMAC_WINDOW_SECONDS", 300))


def _wsgi_bytes(value: str) -> bytes:
    # PEP 3333: WSGI strings carry the raw bytes as latin-1; a test client may hand real text.
    try:
        return value.encode("latin-1")
    except UnicodeEncodeError:
        return value.encode("utf-8")


def request_path(request) -> str:
    """The URL path as the client sent it (percent-encoded, no query)."""
    meta = request.META
    raw = meta.get("RAW_URI") or meta.get("REQUEST_URI")  # gunicorn, uWSGI
    if raw and not raw.startswith("/"):
        raw = urlsplit(raw).path or None  # absolute-form request target
    if raw:
        path = raw.split("?", 1)[0]
    else:  # runserver, the test client: rebuild from the decoded path
        path = request.get_full_path().split("?", 1)[0]
    return signing.normalize_path(_wsgi_bytes(path))


def request_query(request) -> bytes:
    return _wsgi_bytes(request.META.get("QUERY_STRING", "") or "")


class HmacAuthentication(authentication.BaseAuthentication):
    """`Authorization: PC-HMAC-SHA256 KeyId=…, Timestamp=…, Nonce=…, Signature=…`."""

    def authenticate(self, request):
        parsed = authorization(request)
        if parsed is None or parsed[0].upper() != signing.SCHEME:
            return None
        try:
            header = signing.parse_header(parsed[1])
        except signing.MalformedSignatureHeader as error:
            raise Unauthorized(f"The {signing.SCHEME} header is malformed: {error}.")
        if not keys.is_key_id(header.key_id):
            raise Unauthorized("KeyId is not an API key id.")
        window = window_seconds()
        now = time.time()
        if abs(header.timestamp - int(now)) > window:
            raise InvalidSignature(f"The request timestamp is outside the allowed window of ±{window} seconds.")

        record, owner = lookup.find_with_owner(header.key_id)
        if record is None:
            raise Unauthorized("The API key is not recognised.")
        _check_usable(record, now)
        try:
            secret = lookup.secret_box().open(record.sealed_secret, record.key_id)
        except SecretUnavailable:
            logger.error("API key %s cannot be unsealed: is PROCURE_API_KEY_ENCRYPTION_KEY the one it was sealed with?",
                         record.key_id)
            raise Unauthorized("This API key cannot verify signatures; rotate it.")
        django_request = request._request
        try:
            body = django_request.body
        except RequestDataTooBig:
            raise InvalidRequest("The request body is too large.")
        except RawPostDataException:  # pragma: no cover - the stream is read only after authentication
            raise InvalidRequest("The request body could not be read.")
        if not signing.verify(secret, header, django_request.method, request_path(django_request),
                              request_query(django_request), body):
            raise with_audit(InvalidSignature("The request signature does not match the request."),
                             key_id=record.key_id, actor_id=record.owner_id)

        # Single use across every instance: cache.add is atomic in Redis. Kept for as long as the
        # timestamp can still pass the window (a timestamp up to `window` in the future).
        try:
            fresh = cache.add(f"hmac-nonce:v1:{record.key_id}:{header.nonce}", 1, 2 * window + 5)
        except Exception:
            # Fail closed: without a shared nonce store a replay could not be caught.
            logger.error("nonce store unavailable: signed request refused")
            raise ServiceUnavailable()
        if not fresh:
            raise with_audit(InvalidSignature("The nonce has already been used."),
                             key_id=record.key_id, actor_id=record.owner_id)
        return _authenticated(request, record, owner, "hmac")

    def authenticate_header(self, request) -> str:
        return www_authenticate("invalid_token")
