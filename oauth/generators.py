"""The shape of our OAuth tokens: `pco_at_<random>` access tokens, `pco_rt_<random>` refresh tokens.

Pure Python (no Django). The prefix lets each authentication class recognise its own credential
before touching the database; 43 base-62 characters carry more than 256 bits of randomness.
"""
from __future__ import annotations

import re
import secrets
import string

ACCESS_PREFIX = "pco_at_"
REFRESH_PREFIX = "pco_rt_"
ALPHABET = string.ascii_letters + string.digits
RANDOM_LENGTH = 43  # 62 ** 43 > 2 ** 256

_ACCESS_SHAPE = re.compile(r"pco_at_[A-Za-z0-9]{%d}" % RANDOM_LENGTH)


def _random_part() -> str:
    # One draw of random bytes (~3 µs) instead of a secrets.choice() per character (~40 µs a
    # token). Only bytes below 248 = 4 × 62 are kept, so byte % 62 is exactly uniform, as
    # secrets.choice is.
    characters: list[str] = []
    while len(characters) < RANDOM_LENGTH:
        characters += [ALPHABET[byte % 62] for byte in secrets.token_bytes(RANDOM_LENGTH + 8) if byte < 248]
    return "".join(characters[:RANDOM_LENGTH])


def access_token(request=None) -> str:
    """ACCESS_TOKEN_GENERATOR: oauthlib calls it with the token request."""
    return ACCESS_PREFIX + _random_part()


def refresh_token(request=None) -> str:
    """REFRESH_TOKEN_GENERATOR."""
    return REFRESH_PREFIX + _random_part()


def is_access_token(raw: str) -> bool:
    """Ours by prefix: a `pco_at_` credential is answered by the OAuth class, valid or not."""
    return raw.startswith(ACCESS_PREFIX)


def is_well_formed_access_token(raw: str) -> bool:
    return _ACCESS_SHAPE.fullmatch(raw) is not None
