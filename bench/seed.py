"""Seed the bench database and print every credential the load generator needs, as JSON.

Run with DJANGO_SETTINGS_MODULE=bench.settings after `migrate`. Secrets go to the bench's
private temporary folder, never to the repository or its results.
"""
import json
import os
import secrets
import sys

import django

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
django.setup()

from django.contrib.auth.hashers import make_password  # noqa: E402
from oauth2_provider.models import get_application_model  # noqa: E402
from rest_framework_api_key.models import APIKey  # noqa: E402
from rest_framework_simplejwt.tokens import AccessToken as StockAccessToken  # noqa: E402

from accounts import services as account_services  # noqa: E402
from accounts.models import Organization, User  # noqa: E402
from apikeys import keys as key_format  # noqa: E402
from apikeys import services as key_services  # noqa: E402
from oauth import services as oauth_services  # noqa: E402
from oauth.models import ApplicationPolicy  # noqa: E402
from procure_core import scopes  # noqa: E402
from procurement.models import Supplier  # noqa: E402

Application = get_application_model()

organization, _ = Organization.objects.get_or_create(name="Bench Org")
user = User.objects.create_user("bench@example.com", secrets.token_urlsafe(24), organization=organization,
                                scopes=sorted(scopes.ALL - {"admin"}))
Supplier.objects.bulk_create([
    Supplier(organization=organization, livemode=True, name=f"Supplier {n:02d}", contact_email=f"s{n}@example.com", country="DE")
    for n in range(40)
])
_, api_key = key_services.create_key(user, name="bench", scopes=["read:suppliers"])
jwt_access = account_services.log_in(user).access

confidential = dict(client_type=Application.CLIENT_CONFIDENTIAL, authorization_grant_type=Application.GRANT_CLIENT_CREDENTIALS,
                    user=user, redirect_uris="", skip_authorization=True)
fast_secret = secrets.token_urlsafe(96)
ours = Application.objects.create(name="bench-ours", client_secret=fast_secret, **confidential)
ApplicationPolicy.objects.update_or_create(application=ours, defaults={"allowed_scopes": ["read:suppliers"]})
slow_secret = secrets.token_urlsafe(96)
# The toolkit's default: the client secret stored with Django's PBKDF2 hasher.
peer = Application.objects.create(name="bench-peer-pbkdf2", client_secret=make_password(slow_secret, hasher="pbkdf2_sha256"), **confidential)
ApplicationPolicy.objects.update_or_create(application=peer, defaults={"allowed_scopes": ["read:suppliers"]})
oauth_access = oauth_services.issue_access_token(ours, user, ["read:suppliers"])
peer_dot_access = oauth_services.issue_access_token(ours, user, ["read:suppliers"])

_, drf_api_key = APIKey.objects.create_key(name="bench-peer")

print(json.dumps({
    "api_key": api_key,
    "key_id": key_format.key_id_of(api_key),
    "jwt": jwt_access,
    "oauth": oauth_access,
    "peer_dot": peer_dot_access,
    "peer_simplejwt": str(StockAccessToken.for_user(user)),
    "peer_drf_api_key": drf_api_key,
    "client_ours": [ours.client_id, fast_secret],
    "client_peer": [peer.client_id, slow_secret],
}))
