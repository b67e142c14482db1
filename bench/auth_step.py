"""In-process cost of authentication: median microseconds per request, for every method.

    .venv/bin/python bench/auth_step.py [--number 200] [--repeat 15] [--json]

Measures, on a throw-away SQLite database and the in-process cache (as one app process with a
warm cache sees it):
- the authentication step alone: DRF running DEFAULT_AUTHENTICATION_CLASSES over a request with
  no credential, a Bearer key, an HMAC-signed request (fresh nonce each time), a JWT and an OAuth
  access token;
- the whole request through Django's handler and DRF (middleware, auth, throttles, the
  /v1/profile view, JSON rendering), for the same.
Signing is done before the clock starts; only the server side is timed.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import timeit
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _configure(folder: str) -> None:
    os.environ.pop("REDIS_URL", None)
    os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
    os.environ["DEBUG"] = "1"
    os.environ["LOG_LEVEL"] = "ERROR"
    for name in ("RATE_LIMIT_CREDENTIAL", "RATE_LIMIT_TEST_CREDENTIAL", "RATE_LIMIT_ADDRESS"):
        os.environ[name] = "1000000000/min"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "procure_core.settings")


def _median_us(stmt, number: int, repeat: int) -> float:
    for _ in range(min(number, 50)):
        stmt()  # warm: caches filled, code paths imported
    runs = timeit.Timer(stmt).repeat(repeat=repeat, number=number)
    return statistics.median(runs) / number * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--number", type=int, default=200, help="requests per timing run")
    parser.add_argument("--repeat", type=int, default=15, help="timing runs (the median is reported)")
    parser.add_argument("--json", action="store_true", help="print one JSON line for bench/run.py")
    args = parser.parse_args()

    warnings.filterwarnings("ignore", message="No directory at")  # staticfiles/ is built by collectstatic
    folder = tempfile.mkdtemp(prefix="procure-bench-")
    _configure(folder)
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth.models import AnonymousUser
    from django.core.management import call_command
    from django.test import Client, RequestFactory
    from rest_framework.request import Request
    from rest_framework.settings import api_settings

    call_command("migrate", verbosity=0)
    settings.DEBUG = False  # no query log on the timed path

    import time

    from accounts import services as account_services
    from accounts.models import Organization, User
    from apikeys import services, signing
    from oauth import services as oauth_services
    from tests.fixtures_oauth import REDIRECT_URI

    organization = Organization.objects.create(name="Bench")
    user = User.objects.create_user("bench@example.com", "bench-password-1", organization=organization,
                                    scopes=["read:orders", "write:orders"])
    key, raw = services.create_key(user, name="bench", scopes=["read:orders"])
    jwt_access = account_services.log_in(user).access
    from oauth2_provider.models import get_application_model

    from oauth.models import ApplicationPolicy

    application = get_application_model().objects.create(
        name="bench", user=user, client_type="confidential", authorization_grant_type="authorization-code",
        redirect_uris=REDIRECT_URI)
    ApplicationPolicy.objects.create(application=application, allowed_scopes=["read:orders"])
    oauth_access = oauth_services.issue_access_token(application, user, ["read:orders"])
    factory = RequestFactory()
    authenticators = [cls() for cls in api_settings.DEFAULT_AUTHENTICATION_CLASSES]
    total = args.number * (args.repeat + 1) + 100

    def django_request(**headers):
        request = factory.get("/v1/profile", **headers)
        request.client_ip = "127.0.0.1"  # what ClientAddressMiddleware sets
        request.user = AnonymousUser()  # what AuthenticationMiddleware sets without a session
        return request

    def signed_header() -> str:
        return signing.authorization_header(key.key_id, raw, "GET", "/v1/profile", "", b"", int(time.time()))

    def authenticate(request):
        drf_request = Request(request, authenticators=authenticators)
        drf_request._authenticate()
        return drf_request

    anonymous = django_request()
    bearer = django_request(HTTP_AUTHORIZATION=f"Bearer {raw}")
    jwt_request = django_request(HTTP_AUTHORIZATION=f"Bearer {jwt_access}")
    oauth_request = django_request(HTTP_AUTHORIZATION=f"Bearer {oauth_access}")
    assert authenticate(anonymous).auth is None
    assert authenticate(bearer).auth.key_id == key.key_id
    assert authenticate(jwt_request).auth.method == "jwt"
    assert authenticate(oauth_request).auth.method == "oauth"
    hmac_requests = iter([django_request(HTTP_AUTHORIZATION=signed_header(), RAW_URI="/v1/profile") for _ in range(total)])
    assert authenticate(next(hmac_requests)).auth.transport == "hmac"

    step = {
        "no credential": _median_us(lambda: authenticate(anonymous), args.number, args.repeat),
        "Bearer ak_…": _median_us(lambda: authenticate(bearer), args.number, args.repeat),
        "PC-HMAC-SHA256": _median_us(lambda: authenticate(next(hmac_requests)), args.number, args.repeat),
        "JWT": _median_us(lambda: authenticate(jwt_request), args.number, args.repeat),
        "OAuth": _median_us(lambda: authenticate(oauth_request), args.number, args.repeat),
    }

    client = Client()
    hmac_headers = iter([signed_header() for _ in range(total)])
    assert client.get("/v1/profile").status_code == 401
    assert client.get("/v1/profile", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200
    assert client.get("/v1/profile", HTTP_AUTHORIZATION=next(hmac_headers), RAW_URI="/v1/profile").status_code == 200
    whole = {
        "no credential": _median_us(lambda: client.get("/v1/profile"), args.number, args.repeat),
        "Bearer ak_…": _median_us(lambda: client.get("/v1/profile", HTTP_AUTHORIZATION=f"Bearer {raw}"),
                                  args.number, args.repeat),
        "PC-HMAC-SHA256": _median_us(
            lambda: client.get("/v1/profile", HTTP_AUTHORIZATION=next(hmac_headers), RAW_URI="/v1/profile"),
            args.number, args.repeat),
        "JWT": _median_us(lambda: client.get("/v1/profile", HTTP_AUTHORIZATION=f"Bearer {jwt_access}"), args.number, args.repeat),
        "OAuth": _median_us(lambda: client.get("/v1/profile", HTTP_AUTHORIZATION=f"Bearer {oauth_access}"), args.number, args.repeat),
    }

    if args.json:
        import json

        names = {"no credential": "unauthenticated", "Bearer ak_…": "api_key", "PC-HMAC-SHA256": "hmac", "JWT": "jwt", "OAuth": "oauth"}
        print(json.dumps([{"config": names[name], "median_us": round(step[name], 1), "whole_request_us": round(whole[name], 1)}
                          for name in step]))
        return
    print(f"median µs per request ({args.repeat} runs × {args.number}; SQLite, in-process cache, warm)")
    print(f"{'':16} {'auth step':>10} {'whole request':>14}")
    for name in step:
        print(f"{name:16} {step[name]:10.1f} {whole[name]:14.1f}")
    print("whole request: /v1/profile answers 401 without a credential; with a key it also loads the user (1 query)")


if __name__ == "__main__":
    main()
