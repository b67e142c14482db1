"""apikeys.keys: format, checksum, derivation. Fixed vectors written down, checked independently."""
import hashlib
import re
import zlib

import pytest

from apikeys import keys

# A key built by hand: body = "ak_test_" + 30 chosen characters; CRC32(body) = 1313813427 = "1Quct9" in base62.
VECTOR_BODY = "ak_test_0123456789abcdefghijABCDEFGHIJ"
VECTOR_KEY = "ak_test_0123456789abcdefghijABCDEFGHIJ1Quct9"
VECTOR_SHA256 = "f44f6d3980790868979037f59d943c0fb5eb28ff6b25dcea36deb625b6f76021"
VECTOR_KEY_ID = "key_7R0QP2YTJOxbYtLzOXU80F"
LIVE_VECTOR_KEY = "ak_live_ZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZ3zEGIc"  # CRC32 = 3653154242


def base62(value: int, width: int) -> str:
    alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
    out = ""
    while value:
        value, digit = divmod(value, 62)
        out = alphabet[digit] + out
    return out.rjust(width, "0")


def test_checksum_vector_is_the_base62_crc32_of_the_body():
    assert zlib.crc32(VECTOR_BODY.encode()) == 1313813427
    assert keys.checksum(VECTOR_BODY) == base62(1313813427, 6) == "1Quct9"
    assert keys.is_well_formed(VECTOR_KEY)
    assert keys.is_well_formed(LIVE_VECTOR_KEY)
    assert base62(3653154242, 6) == "3zEGIc"


def test_derive_vector_splits_sha256_into_public_id_and_verifier():
    digest = hashlib.sha256(VECTOR_KEY.encode()).hexdigest()
    assert digest == VECTOR_SHA256
    derived = keys.derive(VECTOR_KEY)
    assert derived.key_id == VECTOR_KEY_ID == "key_" + base62(int(digest[:32], 16), 22)
    assert derived.verifier == digest[32:]
    assert keys.key_id_of(VECTOR_KEY) == VECTOR_KEY_ID
    assert keys.is_key_id(VECTOR_KEY_ID)


@pytest.mark.parametrize("mode", ["live", "test"])
def test_generated_keys_match_the_published_pattern(mode):
    seen = set()
    for _ in range(200):
        key = keys.generate(mode)
        assert re.fullmatch(keys.KEY_PATTERN, key)
        assert re.fullmatch(r"[A-Za-z0-9_]+", key)
        assert key.startswith(f"ak_{mode}_") and len(key) == 44
        assert keys.is_well_formed(key)
        assert keys.mode_of(key) == mode
        seen.add(key)
    assert len(seen) == 200


def test_randomness_is_at_least_128_bits():
    assert 62 ** keys.RANDOM_LENGTH > 2**178
    assert 62 ** keys.KEY_ID_LENGTH >= 2**128


def test_published_pattern_finds_a_leaked_key_in_text():
    text = f"config: PROCURE_KEY={VECTOR_KEY} # oops"
    assert re.findall(rf"\b{keys.KEY_PATTERN}\b", text) == [VECTOR_KEY]


@pytest.mark.parametrize("candidate", [
    VECTOR_KEY[:-1] + "8",                    # typo in the checksum
    VECTOR_KEY[:10] + "X" + VECTOR_KEY[11:],  # typo in the body
    VECTOR_KEY.replace("ak_test_", "ak_prod_"),
    VECTOR_KEY.replace("ak_test_", "sk_test_"),
    VECTOR_KEY[:-2],                          # too short
    VECTOR_KEY + "a",                         # too long
    VECTOR_KEY[:20] + "-" + VECTOR_KEY[21:],  # forbidden character
    VECTOR_KEY[:20] + "é" + VECTOR_KEY[21:],  # non-ASCII
    VECTOR_KEY + "\n",
    "ak_live_",
    "",
])
def test_malformed_keys_are_refused_without_a_lookup(candidate):
    assert not keys.is_well_formed(candidate)


def test_display_prefix_shows_only_four_random_characters():
    assert keys.display_prefix(VECTOR_KEY) == "ak_test_0123…"


def test_generate_refuses_an_unknown_mode():
    with pytest.raises(ValueError):
        keys.generate("prod")
