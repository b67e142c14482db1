"""The suite-wide leak check (tests/leakcheck.py) recognises every kind of secret we issue."""
import logging

import pytest

from tests.leakcheck import find_leaks


@pytest.mark.parametrize("secret", [
    "ak_live_" + "A1" * 18,
    "ak_test_" + "b2" * 18,
    "pco_at_" + "x" * 43,
    "pco_rt_" + "Y" * 43,
    "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxIn0xxxx.c2lnbmF0dXJlc2lnbmF0dXJl",
    "correct horse battery staple",
])
def test_each_secret_shape_is_caught(secret):
    assert find_leaks([f"something logged {secret} here"])


def test_public_identifiers_are_not_secrets():
    assert not find_leaks(["key_3fQxAbCdEfGhIjKlMnOpQr revoked", "client_id=abc123", "ak_live_3fQx…"])


@pytest.mark.django_db
def test_debug_logging_of_an_oauth_token_issue_is_pinned_above_debug():
    # oauthlib logs issued tokens at DEBUG; the settings keep it at INFO even with LOG_LEVEL=DEBUG.
    assert logging.getLogger("oauthlib.oauth2.rfc6749.grant_types.client_credentials").getEffectiveLevel() >= logging.INFO
