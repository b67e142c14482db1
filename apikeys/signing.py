"""The `PC-HMAC-SHA256` request signature (CONTRACT §4), byte for byte: canonical query, string
to sign, signature, and the Authorization header both ways. Pure Python, no Django: the server
(apikeys.authentication) and the client signer (apikeys.client) import the same functions.
"""
from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from urllib.parse import quote, unquote_to_bytes

SCHEME = "PC-HMAC-SHA256"
FIELDS = ("KeyId", "Timestamp", "Nonce", "Signature")
EMPTY_BODY_SHA256 = hashlib.sha256(b"").hexdigest()

NONCE_PATTERN = re.compile(r"\A[A-Za-z0-9_-]{16,64}\Z")
TIMESTAMP_PATTERN = re.compile(r"\A[0-9]{1,12}\Z")
SIGNATURE_PATTERN = re.compile(r"\A[0-9a-f]{64}\Z")
_FIELD_NAME = re.compile(r"\A[A-Za-z]+\Z")


class MalformedSignatureHeader(ValueError):
    """The header is not `PC-HMAC-SHA256 KeyId=…, Timestamp=…, Nonce=…, Signature=…`."""


@dataclass(frozen=True, slots=True)
class SignatureHeader:
    key_id: str
    timestamp: int
    nonce: str
    signature: str


def _encode(raw: bytes) -> str:
    # Every byte except A-Z a-z 0-9 - . _ ~ is percent-encoded (RFC 3986 unreserved), so a space is %20.
    return quote(raw, safe="")


def canonical_query(query: str | bytes) -> str:
    """The raw query string decoded (`+` is a space) and re-encoded, pairs sorted by name then value."""
    raw = query.encode("utf-8") if isinstance(query, str) else query
    pairs = []
    for piece in raw.split(b"&"):
        if not piece:
            continue
        name, _, value = piece.partition(b"=")
        pairs.append((
            _encode(unquote_to_bytes(name.replace(b"+", b" "))),
            _encode(unquote_to_bytes(value.replace(b"+", b" "))),
        ))
    pairs.sort()
    return "&".join(f"{name}={value}" for name, value in pairs)


# Characters of a path left as they are: existing %XX escapes and everything RFC 3986 allows.
_PATH_SAFE = "/:@&+$,;=!*'()~-._%[]"


def normalize_path(path: str | bytes) -> str:
    """The request path as sent, percent-encoded: bytes outside RFC 3986 (raw non-ASCII,
    spaces) are encoded, existing escapes are kept exactly as the client wrote them."""
    return quote(path.encode("utf-8") if isinstance(path, str) else path, safe=_PATH_SAFE)


def body_sha256(body: bytes | None) -> str:
    return hashlib.sha256(body).hexdigest() if body else EMPTY_BODY_SHA256


def string_to_sign(method: str, path: str, query: str | bytes, timestamp: int | str, nonce: str, body: bytes | None) -> str:
    """METHOD \\n PATH \\n CANONICAL_QUERY \\n TIMESTAMP \\n NONCE \\n hex(sha256(BODY)); `query` is the raw query string."""
    return "\n".join((method.upper(), path, canonical_query(query), str(timestamp), nonce, body_sha256(body)))


def sign(api_key: str, message: str) -> str:
    """Lowercase hex HMAC-SHA256 keyed with the full API key string."""
    return hmac.new(api_key.encode("utf-8"), message.encode("utf-8"), hashlib.sha256).hexdigest()


def new_nonce() -> str:
    return secrets.token_urlsafe(24)  # 32 characters of [A-Za-z0-9_-]


def authorization_header(key_id: str, api_key: str, method: str, path: str, query: str | bytes,
                         body: bytes | None, timestamp: int, nonce: str | None = None) -> str:
    """The complete Authorization header value for one request."""
    nonce = nonce or new_nonce()
    signature = sign(api_key, string_to_sign(method, path, query, timestamp, nonce, body))
    return f"{SCHEME} KeyId={key_id}, Timestamp={timestamp}, Nonce={nonce}, Signature={signature}"


def parse_header(credentials: str) -> SignatureHeader:
    """Parse the part after the scheme. Every field exactly once, nothing else; raises
    MalformedSignatureHeader naming the problem (the message is safe to return to the caller)."""
    values: dict[str, str] = {}
    for part in credentials.split(","):
        part = part.strip()
        if not part:
            raise MalformedSignatureHeader("empty field")
        name, equals, value = part.partition("=")
        name, value = name.strip(), value.strip()
        if not equals or not _FIELD_NAME.match(name) or any(c.isspace() for c in value):
            raise MalformedSignatureHeader("fields must be Name=value pairs separated by commas")
        if name not in FIELDS:
            raise MalformedSignatureHeader(f"unknown field {name}")
        if name in values:
            raise MalformedSignatureHeader(f"duplicated field {name}")
        values[name] = value
    missing = [name for name in FIELDS if name not in values]
    if missing:
        raise MalformedSignatureHeader("missing field " + ", ".join(missing))
    if not TIMESTAMP_PATTERN.match(values["Timestamp"]):
        raise MalformedSignatureHeader("Timestamp must be integer Unix seconds")
    if not NONCE_PATTERN.match(values["Nonce"]):
        raise MalformedSignatureHeader("Nonce must be 16 to 64 characters of [A-Za-z0-9_-]")
    if not SIGNATURE_PATTERN.match(values["Signature"]):
        raise MalformedSignatureHeader("Signature must be 64 lowercase hex characters")
    return SignatureHeader(values["KeyId"], int(values["Timestamp"]), values["Nonce"], values["Signature"])


def verify(api_key: str, header: SignatureHeader, method: str, path: str, query: str | bytes, body: bytes | None) -> bool:
    expected = sign(api_key, string_to_sign(method, path, query, header.timestamp, header.nonce, body))
    return hmac.compare_digest(expected, header.signature)
