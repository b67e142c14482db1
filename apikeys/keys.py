"""The API key format (CONTRACT §4): generate, shape-check, checksum, and derive the public id and
the stored verifier. Pure Python, no Django: the server, the admin and the client signer share it.

    ak_live_<30 random base62 chars><6 base62 chars of CRC32>     (ak_test_ for test mode)

30 base62 characters carry 178 bits of randomness. Like GitHub's tokens, the key ends in a CRC32
of everything before it, so a typo or a made-up string is refused before any database work, and
secret scanners can tell a real key from noise (`KEY_PATTERN`).
"""
from __future__ import annotations

import hashlib
import re
import secrets
import zlib
from dataclasses import dataclass

LIVE = "live"
TEST = "test"
MODES = (LIVE, TEST)

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
RANDOM_LENGTH = 30  # 62**30 > 2**178
CHECKSUM_LENGTH = 6  # 62**6 > 2**32
KEY_ID_LENGTH = 22  # 62**22 > 2**128
KEY_LENGTH = len("ak_live_") + RANDOM_LENGTH + CHECKSUM_LENGTH  # 44

# The published pattern (README "API keys"): anchored here; scanners use \b...\b around it.
KEY_PATTERN = r"ak_(?:live|test)_[0-9A-Za-z]{36}"
KEY_ID_PATTERN = r"key_[0-9A-Za-z]{22}"
_KEY = re.compile(rf"\A{KEY_PATTERN}\Z")
_KEY_ID = re.compile(rf"\A{KEY_ID_PATTERN}\Z")

_PREFIX_DISPLAY_RANDOM = 4


def encode_base62(value: int, length: int) -> str:
    """`value` in base62, left-padded with '0' to exactly `length` characters."""
    if value < 0 or value >= 62**length:
        raise ValueError("value out of range")
    digits = []
    for _ in range(length):
        value, remainder = divmod(value, 62)
        digits.append(ALPHABET[remainder])
    return "".join(reversed(digits))


def checksum(body: str) -> str:
    """The six-character base62 CRC32 of `ak_<mode>_<random>`."""
    return encode_base62(zlib.crc32(body.encode("ascii")), CHECKSUM_LENGTH)


def generate(mode: str) -> str:
    """A new key of the given mode ("live" or "test")."""
    if mode not in MODES:
        raise ValueError(f"unknown mode {mode!r}")
    body = f"ak_{mode}_" + "".join(secrets.choice(ALPHABET) for _ in range(RANDOM_LENGTH))
    return body + checksum(body)


def looks_like_key(value: str) -> bool:
    """True when the string claims to be one of our keys (so no other scheme should read it)."""
    return value.startswith("ak_")


def is_well_formed(value: str) -> bool:
    """Prefix, length, alphabet and checksum: everything that can be checked without a database."""
    if len(value) != KEY_LENGTH or _KEY.match(value) is None:
        return False
    return secrets.compare_digest(checksum(value[:-CHECKSUM_LENGTH]), value[-CHECKSUM_LENGTH:])


def mode_of(value: str) -> str:
    return TEST if value.startswith("ak_test_") else LIVE


def is_key_id(value: str) -> bool:
    return len(value) == KEY_ID_LENGTH + 4 and _KEY_ID.match(value) is not None


@dataclass(frozen=True, slots=True)
class Derived:
    """What the server keeps of a key: a public id for lookup and a verifier to compare."""

    key_id: str
    verifier: str


def derive(value: str) -> Derived:
    """Split SHA-256(key) in two: the first 128 bits name the key (`key_id`, public, the HMAC
    KeyId), the last 128 bits verify it (stored, compared in constant time). One hash, one
    indexed lookup; neither half, nor both, lets anyone rebuild the key."""
    digest = hashlib.sha256(value.encode("ascii")).digest()
    return Derived(
        key_id="key_" + encode_base62(int.from_bytes(digest[:16], "big"), KEY_ID_LENGTH),
        verifier=digest[16:].hex(),
    )


def key_id_of(value: str) -> str:
    """The public KeyId of a key (what an HMAC client puts in its header)."""
    return derive(value).key_id


def display_prefix(value: str) -> str:
    """`ak_live_3fQx…`: enough to recognise a key, far too little to guess it."""
    return value[: len("ak_live_") + _PREFIX_DISPLAY_RANDOM] + "…"
