"""With every row of the key table in hand (a "dump"), no request authenticates (CONTRACT §4)."""
import base64
import hashlib

from apikeys import keys, signing
from apikeys.encryption import SecretBox, SecretUnavailable
from apikeys.models import ApiKey
from tests.apikeys.conftest import NOW_TS, error_of


def _encodings(value) -> list[str]:
    if isinstance(value, (bytes, memoryview)):
        raw = bytes(value)
        return [raw.hex(), base64.b64encode(raw).decode(), base64.urlsafe_b64encode(raw).decode(), raw.decode("latin-1")]
    return [str(value)] if value is not None else []


def test_a_database_dump_authenticates_nothing(owner, make_api_key, api_client, bearer, frozen):
    live, live_raw = make_api_key(owner, mode="live")
    test, test_raw = make_api_key(owner, mode="test", allowed_ips=["10.0.0.0/8"])
    rotated_from, rotated_raw = make_api_key(owner, name="rotating")
    from apikeys import services

    services.rotate_key(rotated_from, grace_period_seconds=3600)
    rows = list(ApiKey.objects.values())
    assert len(rows) == 4
    dump = [text for row in rows for value in row.values() for text in _encodings(value)]

    # 1. No key, nor its random part, nor its full SHA-256, is anywhere in the dump.
    for raw in (live_raw, test_raw, rotated_raw):
        for secret in (raw, raw[8:], raw[8:-6], hashlib.sha256(raw.encode()).hexdigest()):
            assert not any(secret in text for text in dump)

    # 2. Every stored value, presented as a Bearer key or as the HMAC key of every row, fails.
    candidates = sorted({text for text in dump if text and text.isascii() and text.isprintable()})
    candidates += [f"ak_live_{row['verifier']}" for row in rows] + [f"ak_test_{row['verifier']}" for row in rows]
    for candidate in candidates:
        assert bearer(candidate).get("/v1/profile").status_code == 401
    for row in rows:
        for candidate in candidates:
            header = signing.authorization_header(row["key_id"], candidate, "GET", "/v1/profile", "", b"", NOW_TS)
            response = api_client.get("/v1/profile", HTTP_AUTHORIZATION=header, RAW_URI="/v1/profile")
            assert response.status_code == 401
            assert response.json()["error"]["code"] in ("invalid_signature", "unauthorized")

    # 3. The sealed secrets do not open without the configured encryption key.
    for row in rows:
        try:
            SecretBox("an attacker's guess at the encryption key").open(row["sealed_secret"], row["key_id"])
        except SecretUnavailable:
            continue
        raise AssertionError("a sealed secret opened with the wrong encryption key")

    # Control: the real keys still work, by Bearer and by signature.
    assert bearer(live_raw).get("/v1/profile").status_code == 200
    header = signing.authorization_header(test.key_id, test_raw, "GET", "/v1/profile", "", b"", NOW_TS)
    assert api_client.get("/v1/profile", HTTP_AUTHORIZATION=header, RAW_URI="/v1/profile", REMOTE_ADDR="10.0.0.1").status_code == 200


def test_the_shared_cache_holds_nothing_that_authenticates(owner, make_api_key, bearer):
    from django.core.cache import cache

    from apikeys import lookup

    key, raw = make_api_key(owner)
    assert bearer(raw).get("/v1/profile").status_code == 200
    entry = cache.get(f"api-key:v1:{key.key_id}")
    assert entry and raw not in repr(entry)
    assert lookup.find(key.key_id).verifier == keys.derive(raw).verifier
    error_of(bearer(entry[2]).get("/v1/profile"), 401, "unauthorized")
