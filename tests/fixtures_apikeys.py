"""Fixtures for the apikeys tests, shared with the other suites (see tests/conftest.py).

- `make_api_key(user, scopes=None, mode="live", **fields) -> (ApiKey, raw key)`
- `api_key_client(user, scopes, mode) -> APIClient` sending `Authorization: Bearer ak_…`
- `hmac_client(user, scopes, mode) -> HmacAPIClient` signing every request (PC-HMAC-SHA256)
"""
from __future__ import annotations

import time
from urllib.parse import urlencode, urlsplit

import pytest
from django.utils.encoding import force_bytes
from rest_framework.test import APIClient

from apikeys import keys, services, signing


@pytest.fixture
def make_api_key(db):
    """Create a key through the service (so scopes are checked against the owner).

    `name` and `allowed_ips` are validated like the API does; any other field (`expires_at`,
    `revoked_at`, `created_at`, ...) is written as given afterwards, so a test can build an
    expired or revoked key directly.
    """

    def make(user, scopes=None, mode: str = "live", **fields):
        name = fields.pop("name", "test key")
        allowed_ips = fields.pop("allowed_ips", None)
        key, raw = services.create_key(user, name=name, mode=mode, scopes=scopes, allowed_ips=allowed_ips)
        if fields:
            for field, value in fields.items():
                setattr(key, field, value)
            key.save(update_fields=list(fields))
        return key, raw

    return make


class HmacAPIClient(APIClient):
    """An APIClient that signs every request with PC-HMAC-SHA256, as apikeys.client.HmacAuth does.

    It also sets RAW_URI (what gunicorn passes) so the server sees the path exactly as sent.
    `sign=False` on a call sends it unsigned; `signature_overrides` lets a test tamper with fields.
    """

    def __init__(self, api_key: str, key_id: str | None = None, **kwargs):
        super().__init__(**kwargs)
        self.api_key = api_key
        self.key_id = key_id or keys.key_id_of(api_key)
        self.last_authorization: str | None = None

    def generic(self, method, path, data="", content_type="application/octet-stream", secure=False, *,
                headers=None, query_params=None, **extra):
        body = force_bytes(data)
        parsed = urlsplit(str(path))
        if query_params:
            query = urlencode(query_params, doseq=True)
        else:
            query = extra.get("QUERY_STRING") or parsed.query
        if "HTTP_AUTHORIZATION" not in extra:
            extra["HTTP_AUTHORIZATION"] = signing.authorization_header(
                self.key_id, self.api_key, method, signing.normalize_path(parsed.path), query, body, int(time.time())
            )
        extra.setdefault("RAW_URI", parsed.path + (f"?{query}" if query else ""))
        self.last_authorization = extra["HTTP_AUTHORIZATION"]
        return super().generic(method, path, data, content_type, secure, headers=headers, query_params=query_params,
                               **extra)


@pytest.fixture
def api_key_client(make_api_key):
    def make(user, scopes=None, mode: str = "live") -> APIClient:
        key, raw = make_api_key(user, scopes=scopes, mode=mode)
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
        client.api_key, client.api_key_record = raw, key
        return client

    return make


@pytest.fixture
def hmac_client(make_api_key):
    def make(user, scopes=None, mode: str = "live") -> HmacAPIClient:
        key, raw = make_api_key(user, scopes=scopes, mode=mode)
        client = HmacAPIClient(raw, key.key_id)
        client.api_key_record = key
        return client

    return make
