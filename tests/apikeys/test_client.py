"""The shipped `requests` signer (apikeys.client.HmacAuth) against a real HTTP server."""
import time
from pathlib import Path

import pytest
import requests

from apikeys.client import HmacAuth
from tests.apikeys.test_keys import VECTOR_KEY


@pytest.fixture
def signed_session(transactional_db, live_server, owner, make_api_key):
    key, raw = make_api_key(owner, scopes=["read:orders"], mode="test")
    session = requests.Session()
    session.auth = HmacAuth(raw)
    session.key = key
    session.base = live_server.url
    yield session
    session.close()


def test_signer_authenticates_get_with_query(signed_session):
    response = signed_session.get(f"{signed_session.base}/v1/profile",
                                  params={"q": "hello world", "a": ["2", "1"], "é": "€ & =", "tilde": "~"}, timeout=10)
    assert response.status_code == 200, response.text
    assert response.json()["auth"] == {"method": "api_key", "scopes": ["read:orders"], "livemode": False,
                                       "key_id": signed_session.key.key_id}


def test_signer_signs_the_body(signed_session):
    # Authentication passes (the answer is 405 for /v1/profile, not 401).
    response = signed_session.post(f"{signed_session.base}/v1/profile", json={"name": "é", "n": [1, 2]}, timeout=10)
    assert response.status_code == 405, response.text
    assert response.json()["error"]["code"] == "method_not_allowed"


def test_a_replayed_signed_request_is_refused(signed_session):
    prepared = signed_session.prepare_request(requests.Request("GET", f"{signed_session.base}/v1/profile"))
    assert signed_session.send(prepared, timeout=10).status_code == 200
    replay = requests.get(f"{signed_session.base}/v1/profile", headers={"Authorization": prepared.headers["Authorization"]}, timeout=10)
    assert replay.status_code == 401
    assert replay.json()["error"]["code"] == "invalid_signature"


def test_a_body_changed_after_signing_is_refused(signed_session):
    prepared = signed_session.prepare_request(requests.Request("POST", f"{signed_session.base}/v1/profile", json={"a": 1}))
    prepared.body = b'{"a": 2}'
    response = signed_session.send(prepared, timeout=10)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "invalid_signature"


def test_a_skewed_client_clock_is_refused(signed_session, owner, make_api_key):
    _, raw = make_api_key(owner)
    response = requests.get(f"{signed_session.base}/v1/profile", auth=HmacAuth(raw, clock=lambda: time.time() - 400), timeout=10)
    assert response.status_code == 401
    assert "window" in response.json()["error"]["message"]


def test_signer_refuses_what_is_not_a_key_and_never_shows_it():
    with pytest.raises(ValueError):
        HmacAuth("ak_live_not-a-key")
    auth = HmacAuth(VECTOR_KEY)
    assert VECTOR_KEY not in repr(auth) and auth.key_id in repr(auth)


def test_the_readme_copy_paste_signer_works(signed_session, owner, make_api_key):
    """The self-contained signer in README "API keys" is the whole algorithm."""
    import re

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    match = re.search(r"```python\n(# procure-core HMAC signer\n.*?)```", readme, re.S)
    if match is None:
        pytest.skip("README has no copy-paste signer")
    namespace: dict = {}
    exec(compile(match.group(1), "README.md", "exec"), namespace)  # noqa: S102 - our own README
    key, raw = make_api_key(owner)
    auth = namespace["ProcureHmacAuth"](key.key_id, raw)
    response = requests.get(f"{signed_session.base}/v1/profile", params={"q": "a b+c", "é": "~"}, auth=auth, timeout=10)
    assert response.status_code == 200, response.text
    posted = requests.post(f"{signed_session.base}/v1/profile", json={"x": "é"}, auth=auth, timeout=10)
    assert posted.status_code == 405, posted.text
    assert namespace["canonical_query"]("b=2&a=1&c=hello+world&d=%7e&a=0") == "a=0&a=1&b=2&c=hello%20world&d=~"
