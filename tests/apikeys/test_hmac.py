"""PC-HMAC-SHA256 signed requests at the HTTP edge (CONTRACT §4), with a frozen clock."""
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from apikeys import keys, signing
from tests.apikeys.conftest import NOW, NOW_TS, error_of


def send(client, raw, key_id=None, *, method="GET", path="/v1/profile", query="", body=b"", ts=NOW_TS, nonce=None,
         sign_method=None, sign_path=None, sign_query=None, sign_body=None, header=None, **extra):
    """Sign (method, path, query, body) — or the sign_* variants, to tamper — and send the request."""
    key_id = key_id or keys.key_id_of(raw)
    if header is None:
        header = signing.authorization_header(
            key_id, raw, sign_method or method, sign_path or path, query if sign_query is None else sign_query,
            body if sign_body is None else sign_body, ts, nonce or signing.new_nonce())
    target = path + (f"?{query}" if query else "")
    return client.generic(method, target, data=body, content_type="application/json",
                          HTTP_AUTHORIZATION=header, RAW_URI=target, **extra)


@pytest.fixture
def key_and_raw(owner, make_api_key):
    return make_api_key(owner, scopes=["read:orders"])


def test_signed_request_authenticates_as_the_key(api_client, key_and_raw, frozen):
    key, raw = key_and_raw
    response = send(api_client, raw)
    assert response.status_code == 200, response.content
    assert response.json()["auth"] == {"method": "api_key", "scopes": ["read:orders"], "livemode": True,
                                       "key_id": key.key_id}


def test_signed_request_with_a_test_key_is_test_mode(api_client, owner, make_api_key, frozen):
    _, raw = make_api_key(owner, mode="test")
    assert send(api_client, raw).json()["auth"]["livemode"] is False


def test_signed_request_with_query_and_body(api_client, key_and_raw, frozen):
    _, raw = key_and_raw
    response = send(api_client, raw, query="b=2&a=1&q=hello+world&e=%C3%A9")
    assert response.status_code == 200, response.content
    # A signed POST passes authentication; /v1/profile then answers 405, not 401.
    response = send(api_client, raw, method="POST", body=b'{"name": "x"}', query="z=1")
    error_of(response, 405, "method_not_allowed")


def test_scheme_name_is_case_insensitive(api_client, key_and_raw, frozen):
    _, raw = key_and_raw
    header = signing.authorization_header(keys.key_id_of(raw), raw, "GET", "/v1/profile", "", b"", NOW_TS)
    assert send(api_client, raw, header=header.replace("PC-HMAC-SHA256", "pc-hmac-sha256")).status_code == 200


@pytest.mark.parametrize("offset", [-300, -1, 0, 1, 300])
def test_timestamps_within_300_seconds_are_accepted(api_client, key_and_raw, frozen, offset):
    _, raw = key_and_raw
    assert send(api_client, raw, ts=NOW_TS + offset).status_code == 200


@pytest.mark.parametrize("offset", [-301, 301, -86400, 86400])
def test_timestamps_outside_the_window_are_refused(api_client, key_and_raw, frozen, offset):
    _, raw = key_and_raw
    assert "window" in error_of(send(api_client, raw, ts=NOW_TS + offset), 401, "invalid_signature")["message"]


def test_window_follows_the_clock(api_client, key_and_raw, frozen):
    _, raw = key_and_raw
    frozen.move_to(NOW + timedelta(seconds=300), tick=False)
    assert send(api_client, raw, ts=NOW_TS).status_code == 200
    frozen.move_to(NOW + timedelta(seconds=301), tick=False)
    error_of(send(api_client, raw, ts=NOW_TS), 401, "invalid_signature")


@pytest.mark.parametrize("window, offset, status", [(60, 60, 200), (60, 61, 401)])
def test_window_setting(api_client, key_and_raw, frozen, settings, window, offset, status):
    settings.PROCURE_HMAC_WINDOW_SECONDS = window
    _, raw = key_and_raw
    assert send(api_client, raw, ts=NOW_TS - offset).status_code == status


def test_a_nonce_is_single_use(api_client, key_and_raw, frozen):
    _, raw = key_and_raw
    header = signing.authorization_header(keys.key_id_of(raw), raw, "GET", "/v1/profile", "", b"", NOW_TS, "n" * 20)
    assert send(api_client, raw, header=header).status_code == 200
    replay = send(api_client, raw, header=header)
    assert "nonce" in error_of(replay, 401, "invalid_signature")["message"]
    # Re-signed with a new timestamp, the same nonce is still spent.
    frozen.move_to(NOW + timedelta(seconds=10), tick=False)
    error_of(send(api_client, raw, ts=NOW_TS + 10, nonce="n" * 20), 401, "invalid_signature")


def test_a_replay_is_refused_until_the_timestamp_leaves_the_window(api_client, key_and_raw, frozen):
    _, raw = key_and_raw
    header = signing.authorization_header(keys.key_id_of(raw), raw, "GET", "/v1/profile", "", b"", NOW_TS + 300)
    assert send(api_client, raw, header=header).status_code == 200
    for seconds in (1, 299, 599, 600):
        frozen.move_to(NOW + timedelta(seconds=seconds), tick=False)
        assert "nonce" in error_of(send(api_client, raw, header=header), 401, "invalid_signature")["message"]
    frozen.move_to(NOW + timedelta(seconds=601), tick=False)
    assert "window" in error_of(send(api_client, raw, header=header), 401, "invalid_signature")["message"]


def test_nonces_are_per_key(api_client, owner, make_api_key, frozen):
    _, first = make_api_key(owner)
    _, second = make_api_key(owner)
    assert send(api_client, first, nonce="shared-nonce-000001").status_code == 200
    assert send(api_client, second, nonce="shared-nonce-000001").status_code == 200


def test_a_refused_signature_does_not_spend_the_nonce(api_client, key_and_raw, frozen):
    _, raw = key_and_raw
    error_of(send(api_client, raw, nonce="x" * 16, sign_body=b"other"), 401, "invalid_signature")
    assert send(api_client, raw, nonce="x" * 16).status_code == 200


@pytest.mark.parametrize("tamper", [
    {"sign_method": "GET", "method": "DELETE"},
    {"sign_path": "/v1/profile/", "path": "/v1/profile"},
    {"sign_path": "/v1/orders", "path": "/v1/profile"},
    {"sign_query": "a=1", "query": "a=2"},
    {"sign_query": "a=1", "query": "a=1&b=2"},
    {"sign_query": "", "query": "a=1"},
    {"sign_body": b'{"a": 1}', "body": b'{"a": 2}', "method": "POST"},
    {"sign_body": b"", "body": b"{}", "method": "POST"},
])
def test_tampered_requests_are_refused(api_client, key_and_raw, frozen, tamper):
    _, raw = key_and_raw
    message = error_of(send(api_client, raw, **tamper), 401, "invalid_signature")["message"]
    assert "does not match" in message


def test_signature_made_with_another_key_is_refused(api_client, owner, key_and_raw, make_api_key, frozen):
    key, _ = key_and_raw
    _, other = make_api_key(owner)
    error_of(send(api_client, other, key_id=key.key_id), 401, "invalid_signature")


def test_uppercase_hex_signature_is_malformed(api_client, key_and_raw, frozen):
    _, raw = key_and_raw
    header = signing.authorization_header(keys.key_id_of(raw), raw, "GET", "/v1/profile", "", b"", NOW_TS)
    scheme_and_fields, signature = header.rsplit("Signature=", 1)
    error_of(send(api_client, raw, header=f"{scheme_and_fields}Signature={signature.upper()}"), 401, "unauthorized")


def _fields(raw, **overrides):
    values = {"KeyId": keys.key_id_of(raw), "Timestamp": str(NOW_TS), "Nonce": "abcdefghijklmnop", "Signature": "0" * 64}
    values.update(overrides)
    return values


@pytest.mark.parametrize("build", [
    lambda v: "PC-HMAC-SHA256",
    lambda v: "PC-HMAC-SHA256 ",
    lambda v: f"PC-HMAC-SHA256 KeyId={v['KeyId']}, Timestamp={v['Timestamp']}, Nonce={v['Nonce']}",
    lambda v: f"PC-HMAC-SHA256 KeyId={v['KeyId']}, Timestamp={v['Timestamp']}, Signature={v['Signature']}",
    lambda v: f"PC-HMAC-SHA256 Timestamp={v['Timestamp']}, Nonce={v['Nonce']}, Signature={v['Signature']}",
    lambda v: f"PC-HMAC-SHA256 KeyId={v['KeyId']}, KeyId={v['KeyId']}, Timestamp={v['Timestamp']}, Nonce={v['Nonce']}, Signature={v['Signature']}",
    lambda v: f"PC-HMAC-SHA256 KeyId={v['KeyId']}, Timestamp={v['Timestamp']}, Timestamp={v['Timestamp']}, Nonce={v['Nonce']}, Signature={v['Signature']}",
    lambda v: f"PC-HMAC-SHA256 KeyId={v['KeyId']}, Timestamp=now, Nonce={v['Nonce']}, Signature={v['Signature']}",
    lambda v: f"PC-HMAC-SHA256 KeyId={v['KeyId']}, Timestamp=1.7e9, Nonce={v['Nonce']}, Signature={v['Signature']}",
    lambda v: f"PC-HMAC-SHA256 KeyId={v['KeyId']}, Timestamp=99999999999999999999, Nonce={v['Nonce']}, Signature={v['Signature']}",
    lambda v: f"PC-HMAC-SHA256 KeyId={v['KeyId']}, Timestamp={v['Timestamp']}, Nonce=bad/nonce!chars..., Signature={v['Signature']}",
    lambda v: f"PC-HMAC-SHA256 KeyId={v['KeyId']}, Timestamp={v['Timestamp']}, Nonce=tooshort, Signature={v['Signature']}",
    lambda v: f"PC-HMAC-SHA256 KeyId={v['KeyId']}, Timestamp={v['Timestamp']}, Nonce={'n' * 65}, Signature={v['Signature']}",
    lambda v: f"PC-HMAC-SHA256 KeyId={v['KeyId']}, Timestamp={v['Timestamp']}, Nonce={v['Nonce']}, Signature=zz",
    lambda v: f"PC-HMAC-SHA256 KeyId=ak_live_whatever, Timestamp={v['Timestamp']}, Nonce={v['Nonce']}, Signature={v['Signature']}",
    lambda v: f"PC-HMAC-SHA256 KeyId=, Timestamp={v['Timestamp']}, Nonce={v['Nonce']}, Signature={v['Signature']}",
    lambda v: f"PC-HMAC-SHA256 KeyId={v['KeyId']} Timestamp={v['Timestamp']} Nonce={v['Nonce']} Signature={v['Signature']}",
    lambda v: f"PC-HMAC-SHA256 KeyId={v['KeyId']}; Timestamp={v['Timestamp']}; Nonce={v['Nonce']}; Signature={v['Signature']}",
    lambda v: f"PC-HMAC-SHA256 KeyId={v['KeyId']}, Timestamp={v['Timestamp']}, Nonce={v['Nonce']}, Signature={v['Signature']}, Extra=1",
    lambda v: "PC-HMAC-SHA256 " + ", ".join(["KeyId=x"] * 2000),
])
def test_malformed_signature_headers_get_401_without_a_query(api_client, key_and_raw, frozen, build,
                                                             django_assert_num_queries):
    _, raw = key_and_raw
    with django_assert_num_queries(0):
        response = send(api_client, raw, header=build(_fields(raw)))
    error_of(response, 401, "unauthorized")


def test_unknown_key_id_answers_as_bearer_would(api_client, frozen, db):
    error_of(send(api_client, keys.generate("live")), 401, "unauthorized")


def test_revoked_key_answers_unauthorized_even_with_a_good_signature(api_client, owner, make_api_key, frozen):
    _, raw = make_api_key(owner, revoked_at=NOW - timedelta(seconds=1))
    error_of(send(api_client, raw), 401, "unauthorized")


def test_expired_key_answers_token_expired(api_client, owner, make_api_key, frozen):
    _, raw = make_api_key(owner, expires_at=NOW)
    error_of(send(api_client, raw), 401, "token_expired")


def test_ip_allowlist_applies_to_signed_requests(api_client, owner, make_api_key, frozen):
    _, raw = make_api_key(owner, allowed_ips=["10.0.0.0/8"])
    assert send(api_client, raw, REMOTE_ADDR="10.9.8.7").status_code == 200
    error_of(send(api_client, raw, REMOTE_ADDR="192.0.2.1"), 403, "forbidden")


def test_inactive_owner_stops_signed_requests(api_client, owner, key_and_raw, frozen):
    _, raw = key_and_raw
    owner.is_active = False
    owner.save()
    error_of(send(api_client, raw), 401, "unauthorized")


def test_signed_requests_fail_closed_when_the_nonce_store_is_down(api_client, key_and_raw, frozen, monkeypatch):
    _, raw = key_and_raw

    def unavailable(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(cache, "add", unavailable)
    error_of(send(api_client, raw), 503, "service_unavailable")


def test_key_sealed_with_an_unknown_encryption_key_cannot_sign(api_client, key_and_raw, frozen, settings):
    _, raw = key_and_raw
    settings.PROCURE_API_KEY_ENCRYPTION_KEY = "a-completely-different-encryption-key-0000"
    error_of(send(api_client, raw), 401, "unauthorized")
    settings.PROCURE_API_KEY_RETIRED_ENCRYPTION_KEYS = [f"development-api-key-encryption:{settings.SECRET_KEY}"]
    assert send(api_client, raw).status_code == 200


def test_hmac_client_fixture_signs_every_request(hmac_client, owner):
    client = hmac_client(owner, ["read:orders"], "test")
    first = client.get("/v1/profile", {"x": "1 2"})
    second = client.get("/v1/profile")
    assert first.status_code == second.status_code == 200
    assert first.json()["auth"]["livemode"] is False
    error_of(client.post("/v1/profile", {"a": 1}, format="json"), 405, "method_not_allowed")


def test_the_bearer_key_is_not_accepted_as_a_signature(api_client, key_and_raw, frozen):
    key, raw = key_and_raw
    header = f"PC-HMAC-SHA256 KeyId={key.key_id}, Timestamp={NOW_TS}, Nonce=abcdefghijklmnop, Signature={raw}"
    error_of(send(api_client, raw, header=header), 401, "unauthorized")


def test_last_used_is_stamped_for_signed_requests(api_client, key_and_raw, frozen):
    key, raw = key_and_raw
    assert send(api_client, raw, REMOTE_ADDR="::ffff:10.1.2.3").status_code == 200
    key.refresh_from_db()
    assert key.last_used_at == timezone.now() and key.last_used_ip == "10.1.2.3"
