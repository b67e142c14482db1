"""Key secrets encrypted at rest (AES-256-GCM), because HMAC verification needs the key itself.

The encryption key comes from configuration, never from the database, so a dump of the key
table lets nobody sign a request. Each sealed secret is bound to its key_id (associated data) and
names the encryption key that sealed it, so that key can be rotated. Pure Python, no Django.
"""
from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

VERSION = b"\x01"
_INFO = b"procure-core api key secrets v1"


class SecretUnavailable(Exception):
    """The sealed secret cannot be opened (unknown encryption key, or tampered data)."""


def _derive(material: str) -> bytes:
    if not material:
        raise ValueError("the API key encryption key is empty")
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_INFO).derive(material.encode("utf-8"))


class SecretBox:
    """Seals with the current encryption key; opens with the current or any retired one."""

    def __init__(self, current: str, retired: Iterable[str] = ()):
        self._ciphers: dict[bytes, AESGCM] = {}
        self._current_id = b""
        for index, material in enumerate([current, *retired]):
            key = _derive(material)
            identifier = hashlib.sha256(b"key id" + key).digest()[:4]
            self._ciphers.setdefault(identifier, AESGCM(key))
            if index == 0:
                self._current_id = identifier

    def seal(self, secret: str, key_id: str) -> bytes:
        nonce = os.urandom(12)
        sealed = self._ciphers[self._current_id].encrypt(nonce, secret.encode("ascii"), key_id.encode("ascii"))
        return VERSION + self._current_id + nonce + sealed

    def open(self, blob: bytes, key_id: str) -> str:
        blob = bytes(blob)
        if len(blob) < 1 + 4 + 12 + 16 or blob[:1] != VERSION:
            raise SecretUnavailable("unknown format")
        cipher = self._ciphers.get(blob[1:5])
        if cipher is None:
            raise SecretUnavailable("sealed with an encryption key that is not configured")
        try:
            return cipher.decrypt(blob[5:17], blob[17:], key_id.encode("ascii")).decode("ascii")
        except InvalidTag as error:
            raise SecretUnavailable("tampered or bound to another key") from error

    def is_current(self, blob: bytes) -> bool:
        return bytes(blob)[1:5] == self._current_id
