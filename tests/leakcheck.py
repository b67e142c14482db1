"""No secret in any log line or error body, across the whole suite.

Registered as a pytest plugin (tests/conftest.py). For the whole run, the root logger is at DEBUG
(as LOG_LEVEL=DEBUG would set it; loggers the settings pin stay pinned) and every record is kept;
every response with a status of 400 or more is kept too. After each test, the records and error
bodies it produced are searched for anything shaped like a credential we issue (API keys, OAuth
tokens, JWTs) and for the test passwords. A hit fails the test that produced it.
"""
from __future__ import annotations

import logging
import re

import pytest

# The passwords the suite signs in with (tests/conftest.py DEFAULT_PASSWORD, the demo password).
KNOWN_PASSWORDS = ("correct horse battery staple", "procure-demo-2026")

SECRET_SHAPES = re.compile(
    r"ak_(?:live|test)_[0-9A-Za-z]{36}"  # API keys
    r"|pco_(?:at|rt)_[A-Za-z0-9]{43}"  # OAuth access and refresh tokens
    r"|eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}"  # JWTs
)


class _Keeper(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        try:
            text = record.getMessage()
        except Exception:  # a bad format string is not our concern here
            text = str(record.msg)
        if record.exc_info:
            text += "\n" + logging.Formatter().formatException(record.exc_info)
        self.lines.append(f"{record.name}: {text}")


KEEPER = _Keeper()
ERROR_BODIES: list[str] = []


def pytest_configure(config):
    root = logging.getLogger()
    root.addHandler(KEEPER)
    root.setLevel(logging.DEBUG)

    from django.core.handlers import base

    original = base.BaseHandler.get_response

    def get_response(self, request):
        response = original(self, request)
        if response.status_code >= 400 and not getattr(response, "streaming", False):
            ERROR_BODIES.append(f"{request.method} {request.path} -> {response.status_code}: "
                                + response.content.decode("utf-8", "replace"))
        return response

    base.BaseHandler.get_response = get_response


def find_leaks(texts) -> list[str]:
    leaks = []
    for text in texts:
        if SECRET_SHAPES.search(text) or any(password in text for password in KNOWN_PASSWORDS):
            leaks.append(text[:500])
    return leaks


@pytest.fixture(autouse=True)
def _no_secret_leaks(request):
    logs_before, bodies_before = len(KEEPER.lines), len(ERROR_BODIES)
    yield
    if request.node.get_closest_marker("leaks_on_purpose"):
        return
    leaks = find_leaks(KEEPER.lines[logs_before:] + ERROR_BODIES[bodies_before:])
    del KEEPER.lines[logs_before:], ERROR_BODIES[bodies_before:]
    assert not leaks, "a secret reached a log line or an error body:\n" + "\n".join(leaks)
