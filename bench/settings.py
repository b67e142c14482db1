"""Bench-only settings: the production settings plus the peer libraries' endpoints.

The peers (djangorestframework-api-key, simplejwt's stock JWTAuthentication, the toolkit's stock
OAuth2Authentication) serve the same supplier list from bench/urls.py; the app's own code path is
untouched.
"""
from procure_core.settings import *  # noqa: F401,F403
from procure_core.settings import INSTALLED_APPS, SECRET_KEY, SIMPLE_JWT

INSTALLED_APPS = [*INSTALLED_APPS, "rest_framework_api_key"]
ROOT_URLCONF = "bench.urls"

# simplejwt's stock class, as its users run it: HS256 with the secret key, `user_id` claim.
# ProcureCore's own tokens use their own backend (accounts/jwt.py) and ignore these.
SIMPLE_JWT = {**SIMPLE_JWT, "ALGORITHM": "HS256", "SIGNING_KEY": SECRET_KEY, "USER_ID_CLAIM": "user_id",
              "AUDIENCE": None, "ISSUER": None}
