"""Client address and scheme behind trusted proxies (CONTRACT §4, §7)."""
import ipaddress

import pytest
from django.test import override_settings

from procure_core.network import address_in, parse_address, parse_network, resolve_client


def test_ipv4_mapped_ipv6_folds_to_ipv4():
    assert parse_address("::ffff:10.1.2.3") == ipaddress.ip_address("10.1.2.3")
    assert address_in(parse_address("::ffff:10.1.2.3"), ["10.0.0.0/8"])


@pytest.mark.parametrize("entry", ["192.168.1.100", "10.0.0.0/8", "2001:db8::/32", "::1"])
def test_valid_entries_parse(entry):
    parse_network(entry)


@pytest.mark.parametrize("entry", ["10.0.0.1/8", "300.1.1.1", "example.com", "", "10.0.0.0/33"])
def test_invalid_entries_raise(entry):
    with pytest.raises(ValueError):
        parse_network(entry)


def test_no_trusted_proxies_means_the_socket_peer():
    with override_settings(TRUSTED_PROXIES=[]):
        assert resolve_client({"REMOTE_ADDR": "203.0.113.5", "HTTP_X_FORWARDED_FOR": "1.2.3.4"}) == ("203.0.113.5", False)


def test_forged_forwarded_for_from_an_untrusted_peer_is_ignored():
    with override_settings(TRUSTED_PROXIES=["10.0.0.1"]):
        meta = {"REMOTE_ADDR": "203.0.113.5", "HTTP_X_FORWARDED_FOR": "192.168.1.100", "HTTP_X_FORWARDED_PROTO": "https"}
        assert resolve_client(meta) == ("203.0.113.5", False)


def test_trusted_proxy_chain_is_walked_from_the_right():
    with override_settings(TRUSTED_PROXIES=["10.0.0.0/8"]):
        # The client prepended a forged hop; the right-most untrusted hop is the real client.
        meta = {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "192.168.1.100, 198.51.100.7, 10.0.0.9", "HTTP_X_FORWARDED_PROTO": "https"}
        assert resolve_client(meta) == ("198.51.100.7", True)
