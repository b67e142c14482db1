"""allowed_ips: IPv4, IPv6, CIDR, IPv4-mapped IPv6, and client addresses behind TRUSTED_PROXIES."""
import pytest
from django.test import override_settings

from tests.apikeys.conftest import error_of


@pytest.mark.parametrize("allowed, address, status", [
    (["192.168.1.100"], "192.168.1.100", 200),
    (["192.168.1.100"], "192.168.1.101", 403),
    (["10.0.0.0/8"], "10.255.0.1", 200),
    (["10.0.0.0/8"], "11.0.0.1", 403),
    (["2001:db8::/32"], "2001:db8:1::5", 200),
    (["2001:db8::/32"], "2001:db9::5", 403),
    (["2001:db8::1"], "2001:db8::1", 200),
    (["2001:db8::1"], "2001:db8::2", 403),
    (["10.0.0.0/8"], "::ffff:10.1.2.3", 200),      # IPv4-mapped peer matches the IPv4 rule
    (["10.1.2.3"], "::ffff:10.1.2.3", 200),
    (["::ffff:10.0.0.0/104"], "10.1.2.3", 200),     # a mapped range is the IPv4 range
    (["10.0.0.0/8"], "2001:db8::1", 403),           # IPv6 peer never matches an IPv4 rule
    (["2001:db8::/32", "192.168.0.0/16"], "192.168.7.7", 200),
    ([], "198.51.100.7", 200),                      # empty list: any address
])
def test_allowlist(owner, make_api_key, bearer, allowed, address, status):
    _, raw = make_api_key(owner, allowed_ips=allowed)
    response = bearer(raw).get("/v1/profile", REMOTE_ADDR=address)
    assert response.status_code == status, response.content
    if status == 403:
        assert "address" in error_of(response, 403, "forbidden")["message"]


def test_forged_forwarded_for_is_ignored(owner, make_api_key, bearer):
    _, raw = make_api_key(owner, allowed_ips=["10.0.0.0/8"])
    response = bearer(raw).get("/v1/profile", REMOTE_ADDR="203.0.113.50", HTTP_X_FORWARDED_FOR="10.1.1.1")
    error_of(response, 403, "forbidden")


@override_settings(TRUSTED_PROXIES=["192.0.2.10"])
def test_forwarded_for_from_a_trusted_proxy_is_believed(owner, make_api_key, bearer):
    _, raw = make_api_key(owner, allowed_ips=["10.0.0.0/8"])
    client = bearer(raw)
    assert client.get("/v1/profile", REMOTE_ADDR="192.0.2.10", HTTP_X_FORWARDED_FOR="10.1.1.1").status_code == 200
    error_of(client.get("/v1/profile", REMOTE_ADDR="192.0.2.10", HTTP_X_FORWARDED_FOR="198.51.100.1"), 403, "forbidden")


@override_settings(TRUSTED_PROXIES=["192.0.2.10"])
def test_client_cannot_prepend_a_forged_address_through_the_proxy(owner, make_api_key, bearer):
    _, raw = make_api_key(owner, allowed_ips=["10.0.0.0/8"])
    # The client sent "X-Forwarded-For: 10.1.1.1"; the proxy appended the real peer 198.51.100.1.
    response = bearer(raw).get("/v1/profile", REMOTE_ADDR="192.0.2.10", HTTP_X_FORWARDED_FOR="10.1.1.1, 198.51.100.1")
    error_of(response, 403, "forbidden")


@override_settings(TRUSTED_PROXIES=["192.0.2.0/24"])
def test_forwarded_for_from_an_untrusted_peer_is_ignored_even_with_proxies_configured(owner, make_api_key, bearer):
    _, raw = make_api_key(owner, allowed_ips=["10.0.0.0/8"])
    error_of(bearer(raw).get("/v1/profile", REMOTE_ADDR="198.51.100.9", HTTP_X_FORWARDED_FOR="10.1.1.1"), 403, "forbidden")


def test_the_allowlist_is_checked_only_after_the_key(db, bearer):
    from apikeys import keys

    # An unknown key from anywhere is a 401, never a 403 that would confirm an allowlist exists.
    error_of(bearer(keys.generate("live")).get("/v1/profile", REMOTE_ADDR="192.0.2.1"), 401, "unauthorized")
