"""Who is on the other end of the socket: client address and scheme behind trusted proxies.

`X-Forwarded-For` / `X-Forwarded-Proto` are honoured only when the socket peer is listed in the
`TRUSTED_PROXIES` setting (CONTRACT §4, §7); from anyone else they are ignored.
"""
from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from functools import lru_cache

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


def parse_address(value: str) -> IPAddress | None:
    """An address, with IPv4-mapped IPv6 (`::ffff:10.1.2.3`) folded to plain IPv4."""
    try:
        address = ipaddress.ip_address(value.strip().split("%", 1)[0])
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def parse_network(value: str) -> IPNetwork:
    """An address or CIDR range; raises ValueError on anything else (host bits must be zero)."""
    text = value.strip()
    network = ipaddress.ip_network(text, strict=True)
    if isinstance(network, ipaddress.IPv6Network) and network.network_address.ipv4_mapped is not None:
        # ::ffff:10.0.0.0/104 is the IPv4 range 10.0.0.0/8.
        prefix = max(network.prefixlen - 96, 0)
        network = ipaddress.ip_network(f"{network.network_address.ipv4_mapped}/{prefix}", strict=False)
    return network


@lru_cache(maxsize=64)
def networks(entries: tuple[str, ...]) -> tuple[IPNetwork, ...]:
    return tuple(parse_network(e) for e in entries)


def address_in(address: IPAddress | None, entries: Iterable[str]) -> bool:
    if address is None:
        return False
    return any(address in network for network in networks(tuple(entries)) if network.version == address.version)


def _trusted_proxies() -> tuple[str, ...]:
    from django.conf import settings

    return tuple(getattr(settings, "TRUSTED_PROXIES", ()) or ())


def resolve_client(meta: dict) -> tuple[str, bool]:
    """(client address, is_https) for a WSGI environ, honouring only trusted proxies.

    Walks `X-Forwarded-For` from the right, skipping trusted proxies, so a client cannot
    prepend a forged address.
    """
    peer = meta.get("REMOTE_ADDR", "") or ""
    secure = meta.get("wsgi.url_scheme") == "https"
    trusted = _trusted_proxies()
    peer_address = parse_address(peer)
    if not trusted or not address_in(peer_address, trusted):
        return (str(peer_address) if peer_address else peer), secure

    client = str(peer_address)
    forwarded = meta.get("HTTP_X_FORWARDED_FOR", "")
    if forwarded:
        for hop in reversed([h.strip() for h in forwarded.split(",") if h.strip()]):
            hop_address = parse_address(hop)
            if hop_address is None:
                break
            client = str(hop_address)
            if not address_in(hop_address, trusted):
                break
    proto = meta.get("HTTP_X_FORWARDED_PROTO", "")
    if proto:
        secure = proto.split(",")[0].strip().lower() == "https"
    return client, secure


def client_ip(request) -> str:
    """The client address of a Django or DRF request (set once by ClientAddressMiddleware)."""
    cached = getattr(request, "client_ip", None)
    if cached is not None:
        return cached
    return resolve_client(request.META)[0]
