"""A fast password hasher for generated OAuth client secrets only.

Client secrets are 128 random characters, so a slow key-derivation function adds nothing but
latency to every token request; a salted HMAC-SHA256 keeps a database dump useless. It is listed in
PASSWORD_HASHERS after Argon2 (never first), so user passwords are never hashed with it.
"""
from __future__ import annotations

import hashlib
import hmac

from django.contrib.auth.hashers import BasePasswordHasher, mask_hash
from django.utils.crypto import constant_time_compare

# Shorter secrets (typed by a person) are refused: a fast hash is only safe for random ones.
MIN_SECRET_LENGTH = 32


class ClientSecretHasher(BasePasswordHasher):
    algorithm = "oauth_client_secret"

    def encode(self, password: str, salt: str) -> str:
        self._check_encode_args(password, salt)
        digest = hmac.new(salt.encode(), password.encode(), hashlib.sha256).hexdigest()
        return f"{self.algorithm}${salt}${digest}"

    def decode(self, encoded: str) -> dict:
        algorithm, salt, digest = encoded.split("$", 2)
        assert algorithm == self.algorithm
        return {"algorithm": algorithm, "hash": digest, "salt": salt}

    def verify(self, password: str, encoded: str) -> bool:
        decoded = self.decode(encoded)
        return constant_time_compare(self.encode(password, decoded["salt"]), encoded)

    def safe_summary(self, encoded: str) -> dict:
        decoded = self.decode(encoded)
        return {"algorithm": decoded["algorithm"], "salt": mask_hash(decoded["salt"], show=2), "hash": mask_hash(decoded["hash"])}

    def must_update(self, encoded: str) -> bool:
        return False

    def harden_runtime(self, password: str, encoded: str) -> None:
        pass
