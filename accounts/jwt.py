"""JWT signing keys and token classes: RS256 with a `kid`, iss/aud set and checked, JWKS published.

The signing key comes from JWT_PRIVATE_KEY / JWT_PRIVATE_KEY_FILE. In development, when neither
is set, one is generated into a git-ignored file on first use. Retired public keys listed in
JWT_RETIRED_PUBLIC_KEY_FILES keep verifying, so the signing key can rotate without logging anyone out.
"""
from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import threading
import time
from dataclasses import dataclass
from functools import cached_property, lru_cache
from types import MappingProxyType
from typing import Any

import jwt as pyjwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from rest_framework_simplejwt.backends import TokenBackend
from rest_framework_simplejwt.exceptions import ExpiredTokenError, TokenBackendError, TokenBackendExpiredToken
from rest_framework_simplejwt.tokens import Token

ALGORITHM = "RS256"
_lock = threading.Lock()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _int_b64(value: int) -> str:
    return _b64(value.to_bytes((value.bit_length() + 7) // 8, "big"))


def public_jwk(public_key: rsa.RSAPublicKey) -> dict[str, str]:
    numbers = public_key.public_numbers()
    jwk = {"e": _int_b64(numbers.e), "kty": "RSA", "n": _int_b64(numbers.n)}
    # RFC 7638 thumbprint as the key id: stable, derived, nothing to configure.
    thumbprint = hashlib.sha256(json.dumps(jwk, separators=(",", ":"), sort_keys=True).encode()).digest()
    return {**jwk, "kid": _b64(thumbprint), "use": "sig", "alg": ALGORITHM}


@dataclass(frozen=True)
class KeyRing:
    signing_key: rsa.RSAPrivateKey
    kid: str
    verifying_keys: dict[str, rsa.RSAPublicKey]
    jwks: dict[str, Any]


def _load_private_pem() -> bytes:
    if settings.PROCURE_JWT_PRIVATE_KEY:
        return settings.PROCURE_JWT_PRIVATE_KEY.replace("\\n", "\n").encode()
    if settings.PROCURE_JWT_PRIVATE_KEY_FILE:
        with open(settings.PROCURE_JWT_PRIVATE_KEY_FILE, "rb") as handle:
            return handle.read()
    # settings.py refuses to start in production without a key, so this is development.
    return _development_key()


def _development_key() -> bytes:
    path = settings.PROCURE_JWT_DEV_KEY_FILE
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except FileNotFoundError:
        pass
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    # Written atomically and only readable by its owner; several processes may race here.
    tmp = f"{path}.{os.getpid()}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(pem)
    try:
        os.link(tmp, path)
    except FileExistsError:
        pass
    finally:
        os.unlink(tmp)
    with open(path, "rb") as handle:
        return handle.read()


def build_key_ring() -> KeyRing:
    private = serialization.load_pem_private_key(_load_private_pem(), password=None)
    if not isinstance(private, rsa.RSAPrivateKey):
        raise ImproperlyConfigured("The JWT signing key must be an RSA private key (RS256).")
    current = public_jwk(private.public_key())
    keys = {current["kid"]: private.public_key()}
    documents = [current]
    for path in settings.PROCURE_JWT_RETIRED_PUBLIC_KEY_FILES:
        with open(path, "rb") as handle:
            public = serialization.load_pem_public_key(handle.read())
        if not isinstance(public, rsa.RSAPublicKey):
            raise ImproperlyConfigured(f"{path}: retired JWT keys must be RSA public keys.")
        document = public_jwk(public)
        if document["kid"] not in keys:
            keys[document["kid"]] = public
            documents.append(document)
    return KeyRing(signing_key=private, kid=current["kid"], verifying_keys=keys, jwks={"keys": documents})


_ring: KeyRing | None = None


def key_ring() -> KeyRing:
    global _ring
    if _ring is None:
        with _lock:
            if _ring is None:
                _ring = build_key_ring()
    return _ring


def reset_key_ring() -> None:
    """Forget the loaded keys and every token verified with them (tests and key rotation)."""
    global _ring
    _ring = None
    _verified_claims.cache_clear()


class KeyRingBackend(TokenBackend):
    """simplejwt's backend, signing with the current key's `kid` and verifying by `kid`."""

    def __init__(self) -> None:
        super().__init__(
            ALGORITHM,
            signing_key=None,
            audience=settings.PROCURE_JWT_AUDIENCE,
            issuer=settings.PROCURE_JWT_ISSUER,
            leeway=0,
        )

    def encode(self, payload: dict[str, Any]) -> str:
        ring = key_ring()
        claims = {**payload, "iss": self.issuer, "aud": self.audience}
        return pyjwt.encode(claims, ring.signing_key, algorithm=ALGORITHM, headers={"kid": ring.kid})

    def decode(self, token, verify: bool = True) -> dict[str, Any]:
        ring = key_ring()
        try:
            header = pyjwt.get_unverified_header(token)
            key = ring.verifying_keys.get(header.get("kid", ""))
            if key is None:
                raise TokenBackendError("Token is signed with an unknown key")
            return pyjwt.decode(
                token,
                key,
                algorithms=[ALGORITHM],
                audience=self.audience,
                issuer=self.issuer,
                options={"require": ["exp", "iat", "jti", "sub", "iss", "aud"], "verify_signature": verify},
            )
        except pyjwt.ExpiredSignatureError as error:
            raise TokenBackendExpiredToken("Token is expired") from error
        except pyjwt.InvalidTokenError as error:
            raise TokenBackendError("Token is invalid") from error


class _KeyRingToken(Token):
    @cached_property
    def token_backend(self) -> TokenBackend:  # type: ignore[override]
        return _shared_backend()


def _shared_backend() -> KeyRingBackend:
    global _backend_instance
    if _backend_instance is None:
        _backend_instance = KeyRingBackend()
    return _backend_instance


_backend_instance: KeyRingBackend | None = None


class AccessToken(_KeyRingToken):
    token_type = "access"
    lifetime = settings.SIMPLE_JWT["ACCESS_TOKEN_LIFETIME"]


class RefreshToken(_KeyRingToken):
    token_type = "refresh"
    lifetime = settings.SIMPLE_JWT["REFRESH_TOKEN_LIFETIME"]


_COMPACT_JWS = re.compile(r"eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+")


def looks_like_jwt(raw: str) -> bool:
    """A compact JWS: three base64url segments, the header starting `eyJ` (`{"`)."""
    return len(raw) <= 8192 and _COMPACT_JWS.fullmatch(raw) is not None


@lru_cache(maxsize=4096)
def _verified_claims(raw: str) -> MappingProxyType:
    # A token's signature and claims never change, so each process verifies a token once;
    # expiry is checked on every use below, revocation by the caller (user state).
    return MappingProxyType(dict(AccessToken(raw).payload))


def access_token_claims(raw: str) -> MappingProxyType:
    """The claims of a valid, unexpired access token. Raises simplejwt's TokenError /
    ExpiredTokenError like AccessToken(raw) does."""
    claims = _verified_claims(raw)
    if claims["exp"] <= time.time():
        raise ExpiredTokenError("Token is expired")
    return claims
