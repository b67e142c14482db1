"""The client side of `PC-HMAC-SHA256`: a `requests` auth class that signs every request.

    import requests
    from apikeys.client import HmacAuth

    session = requests.Session()
    session.auth = HmacAuth(os.environ["PROCURE_API_KEY"])
    session.get("https://api.procure-core.com/v1/orders", params={"status": "open"})

Imports only `requests` and the pure modules it shares with the server (apikeys.keys,
apikeys.signing), so it can be copied into a client project as is.
"""
from __future__ import annotations

import time
from urllib.parse import urlsplit

from requests.auth import AuthBase

from apikeys import keys, signing


class HmacAuth(AuthBase):
    """Signs with the API key; the key itself never goes on the wire.

    `key_id` defaults to the one derived from the key (the `key_id` shown at creation).
    `clock` returns Unix seconds (injectable for tests).
    """

    def __init__(self, api_key: str, key_id: str | None = None, clock=time.time):
        if not keys.is_well_formed(api_key):
            raise ValueError("not an API key (expected ak_live_… or ak_test_…)")
        self.api_key = api_key
        self.key_id = key_id or keys.key_id_of(api_key)
        self.clock = clock

    def __call__(self, request):
        url = urlsplit(request.url)
        body = request.body
        if isinstance(body, str):
            body = body.encode("utf-8")
        elif body is not None and not isinstance(body, (bytes, bytearray)):
            raise ValueError("HmacAuth signs bytes bodies; streamed or file bodies cannot be signed")
        request.headers["Authorization"] = signing.authorization_header(
            self.key_id, self.api_key, request.method, signing.normalize_path(url.path or "/"), url.query, bytes(body) if body else b"",
            int(self.clock()),
        )
        return request

    def __repr__(self) -> str:  # never the key
        return f"HmacAuth(key_id={self.key_id!r})"
