"""The authorization server's endpoints (CONTRACT §1, §5): authorize (login + consent), token,
revoke (RFC 7009), introspect (RFC 7662), metadata (RFC 8414), and the page where a user sees and
revokes the applications they authorized.

The toolkit's views do the OAuth work; these subclasses add what the contract asks on top:
form-encoded bodies only, no duplicated parameters, rate limits, serialized grants, no-store
responses, our consent rules and our HTML.
"""
from __future__ import annotations

import base64
import binascii
import json
import re
from urllib.parse import parse_qsl, unquote_plus, urlencode, urlsplit, urlunsplit

from django.contrib.auth.decorators import login_required
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation, TooManyFieldsSent
from django.db import transaction
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django.views.decorators.clickjacking import xframe_options_deny
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.generic import View
from oauth2_provider import views as toolkit
from oauth2_provider.exceptions import FatalClientError, OAuthToolkitError
from oauth2_provider.forms import AllowForm
from oauth2_provider.models import AbstractApplication, get_access_token_model, get_application_model
from oauth2_provider.settings import oauth2_settings
from oauth2_provider.signals import app_authorized
from oauthlib.common import Request as OauthlibRequest
from oauthlib.oauth2.rfc6749 import errors as oauth_errors

from audit.log import record
from oauth import services
from oauth.models import Consent
from oauth.scopes import narrow
from oauth.state import checksum
from oauth.validators import issued_access_token
from procure_core import ratelimit
from procure_core import scopes as scope_registry
from procure_core.network import client_ip
from procure_core.throttling import rate

Application = get_application_model()
AccessToken = get_access_token_model()
RefreshToken = services.RefreshToken

FORM_CONTENT_TYPE = "application/x-www-form-urlencoded"
# RFC 8707 lets `resource` repeat; RFC 6749 §3.1/§3.2 forbids repeating anything else.
REPEATABLE_PARAMETERS = frozenset({"resource"})
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")


def oauth_error(status: int, error: str, description: str, headers: dict[str, str] | None = None) -> JsonResponse:
    """The RFC 6749 §5.2 error body, which OAuth client libraries parse."""
    response = JsonResponse({"error": error, "error_description": description}, status=status)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def _no_store(response: HttpResponse) -> HttpResponse:
    # RFC 6749 §5.1: responses carrying (or refusing) credentials must not be cached.
    response["Cache-Control"] = "no-store"
    response["Pragma"] = "no-cache"
    return response


def _duplicated(parameters) -> str | None:
    for name, values in parameters.lists():
        if len(values) > 1 and name not in REPEATABLE_PARAMETERS:
            return name
    return None


def _has_control_characters(parameters) -> bool:
    # No identifier, secret, code, token or scope contains one; PostgreSQL refuses NUL outright.
    return any(CONTROL_CHARACTERS.search(name + "".join(values)) for name, values in parameters.lists())


def _client_id_of(request) -> str:
    """The client a request claims to be (for rate limiting and audit; not authentication)."""
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if header[:6].lower() == "basic ":
        try:
            return unquote_plus(base64.b64decode(header[6:].strip(), validate=True).decode("utf-8").split(":", 1)[0])[:128]
        except (binascii.Error, UnicodeDecodeError, ValueError):
            return ""
    return request.POST.get("client_id", "")[:128]


def with_issuer(uri: str, issuer: str) -> str:
    """RFC 9207: every authorization response, success or error, names its issuer (once)."""
    parts = urlsplit(uri)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "iss"]
    query.append(("iss", issuer))
    return urlunsplit(parts._replace(query=urlencode(query)))


class FormEndpointMixin:
    """The rules shared by the token, revocation and introspection endpoints."""

    audit_event: str = ""

    def dispatch(self, request, *args, **kwargs):
        if request.method != "POST":
            return _no_store(oauth_error(405, "invalid_request", "Use POST.", {"Allow": "POST"}))
        return _no_store(self.checked(request, *args, **kwargs))

    def checked(self, request, *args, **kwargs) -> HttpResponse:
        if request.content_type != FORM_CONTENT_TYPE:
            return oauth_error(400, "invalid_request", f"The request body must be {FORM_CONTENT_TYPE}.")
        if request.META.get("QUERY_STRING"):
            # Credentials in a URL end up in logs: every parameter goes in the body.
            return oauth_error(400, "invalid_request", "Parameters must be sent in the request body, not the URL.")
        try:
            duplicated = _duplicated(request.POST)
        except (RequestDataTooBig, TooManyFieldsSent):
            return oauth_error(400, "invalid_request", "The request body is too large.")
        except (SuspiciousOperation, ValueError, OSError):
            return oauth_error(400, "invalid_request", "The request body could not be parsed.")
        if duplicated:
            return oauth_error(400, "invalid_request", f"Duplicate {duplicated} parameter.")
        if _has_control_characters(request.POST):
            return oauth_error(400, "invalid_request", "Parameters must not contain control characters.")
        limited = self.rate_limited(request)
        if limited is not None:
            return limited
        try:
            return super().dispatch(request, *args, **kwargs)
        except ValueError:
            # oauthlib refuses some malformed input (bad characters or escapes) by raising.
            return oauth_error(400, "invalid_request", "The request is malformed.")

    def rate_limited(self, request) -> HttpResponse | None:
        budget = rate("oauth_endpoint")
        buckets = [f"oauth-addr:{client_ip(request)}"]
        client_id = _client_id_of(request)
        if client_id:
            buckets.append(f"oauth-client:{checksum(client_id)[:32]}")  # any bytes may arrive here
        # Both counters in one cache round trip.
        for decision in ratelimit.hit_many([(bucket, budget) for bucket in buckets]):
            if not decision.allowed:
                return oauth_error(429, "rate_limited", "Too many requests. Retry later.",
                                   {"Retry-After": str(decision.retry_after)})
        return None


@method_decorator(csrf_exempt, name="dispatch")
class TokenView(FormEndpointMixin, toolkit.TokenView):
    """POST /oauth/token: authorization_code (PKCE S256), client_credentials, refresh_token."""

    def post(self, request, *args, **kwargs):
        if not request.POST.get("grant_type"):
            return oauth_error(400, "invalid_request", "Missing grant_type parameter.")
        if request.POST.get("grant_type") == "client_credentials":
            # Nothing to lock: the grant reads its client and inserts one token, so it needs no
            # transaction (and on SQLite holds the write lock for that INSERT, not the whole grant).
            return self.authorization_flow_token_response(request)
        # One transaction per grant: the rows locked while validating a code or a refresh token
        # stay locked until the new tokens are committed, so of two concurrent requests with the
        # same code or refresh token exactly one wins; the other is a replay.
        with transaction.atomic():
            return self.authorization_flow_token_response(request)

    @method_decorator(sensitive_post_parameters("password", "client_secret"))
    def authorization_flow_token_response(self, request, *args, **kwargs) -> HttpResponse:
        # The toolkit's version, except that the token just issued is not read back: the
        # validator hands over the instance it created, application, owner and user loaded, so
        # the audit record (app_authorized below) costs its INSERT and nothing else.
        previous = issued_access_token.set(None)
        try:
            url, headers, body, status = self.create_token_response(request)
            if status == 200:
                issued = json.loads(body).get("access_token")
                if issued is not None:
                    token = issued_access_token.get()
                    if token is None or token.token_checksum != checksum(issued):
                        # e.g. a refresh within its grace period answers with an existing token
                        token = AccessToken.objects.select_related("application__user", "user").get(
                            token_checksum=checksum(issued))
                    app_authorized.send(sender=self, request=request, token=token)
        finally:
            issued_access_token.reset(previous)
        response = HttpResponse(content=body, status=status)
        for name, value in headers.items():
            response[name] = value
        return response


@method_decorator(csrf_exempt, name="dispatch")
class RevokeView(FormEndpointMixin, toolkit.RevokeTokenView):
    """POST /oauth/revoke (RFC 7009): 200 whether or not the token existed."""

    def post(self, request, *args, **kwargs):
        if not request.POST.get("token"):
            return oauth_error(400, "invalid_request", "Missing token parameter.")
        with transaction.atomic():
            response = super().post(request, *args, **kwargs)
        if response.status_code == 200:
            record("oauth.token_revoked", request=request, method="oauth", client_id=_client_id_of(request),
                   detail={"token_type_hint": request.POST.get("token_type_hint", "")[:32]})
        return response


@method_decorator(csrf_exempt, name="dispatch")
class IntrospectView(FormEndpointMixin, toolkit.TokenView):
    """POST /oauth/introspect (RFC 7662), for authenticated confidential clients only.

    A client may introspect the tokens issued to it; a client whose policy says `can_introspect`
    (a resource server) may introspect any token. Anything else is `{"active": false}`.
    """

    def post(self, request, *args, **kwargs):
        client = self.authenticated_client(request)
        if client is None:
            return oauth_error(401, "invalid_client", "Client authentication failed.",
                               {"WWW-Authenticate": 'Basic realm="procure-core"'})
        raw = request.POST.get("token")
        if not raw:
            return oauth_error(400, "invalid_request", "Missing token parameter.")
        policy = getattr(client, "policy", None)
        may_see_any = bool(policy and policy.can_introspect)
        return JsonResponse(describe_token(raw, client, may_see_any))

    def authenticated_client(self, request):
        core = self.get_oauthlib_core()
        uri, http_method, body, headers = core._extract_params(request)
        oauth_request = OauthlibRequest(uri, http_method, body, headers)
        if not core.server.request_validator.authenticate_client(oauth_request):
            return None
        client = oauth_request.client
        return client if client.client_type == AbstractApplication.CLIENT_CONFIDENTIAL else None


def describe_token(raw: str, client, may_see_any: bool) -> dict:
    """The RFC 7662 §2.2 answer for `raw`, as `client` may see it."""
    inactive = {"active": False}
    token_checksum = checksum(raw)
    access = AccessToken.objects.select_related("application__user", "application__policy", "user").filter(
        token_checksum=token_checksum, application__isnull=False).first()
    if access is not None:
        if not may_see_any and access.application_id != client.pk:
            return inactive
        owner = access.user or access.application.user
        if access.is_expired() or owner is None or not owner.is_active:
            return inactive
        scopes = effective_scopes(access.scope.split(), access.user, access.application)
        if not scopes:
            return inactive
        data = {
            "active": True,
            "token_type": "Bearer",
            "scope": scope_registry.to_string(scopes),
            "client_id": access.application.client_id,
            "exp": int(access.expires.timestamp()),
            "iat": int(access.created.timestamp()),
            "organization_id": owner.organization_id,
        }
        if access.user is not None:
            data.update({"sub": str(access.user.pk), "username": access.user.email})
        return data
    refresh = RefreshToken.objects.select_related("application", "user").filter(
        token_checksum=token_checksum, revoked__isnull=True).first()
    if refresh is None or (not may_see_any and refresh.application_id != client.pk) or not refresh.user.is_active:
        return inactive
    family = services.TokenFamily.objects.filter(pk=refresh.token_family).first()
    if family is None or not family.is_active:
        return inactive
    return {
        "active": True,
        "token_type": "refresh_token",
        "client_id": refresh.application.client_id,
        "exp": int(family.expires_at.timestamp()),
        "iat": int(refresh.created.timestamp()),
        "sub": str(refresh.user.pk),
        "username": refresh.user.email,
        "organization_id": refresh.user.organization_id,
    }


def effective_scopes(token_scopes, user, application) -> frozenset[str]:
    """What a token may do now: its scopes, within the application's policy and, for a user's
    token, within the user's current scopes."""
    policy = getattr(application, "policy", None)
    allowed = policy.allowed_scope_set if policy is not None else frozenset()
    scopes = narrow(token_scopes, allowed)
    if user is not None:
        scopes = narrow(scopes, user.scope_set)
    return scopes


class MetadataView(toolkit.OAuthServerMetadataView):
    """GET /.well-known/oauth-authorization-server (RFC 8414)."""

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        data = json.loads(response.content)
        data["response_modes_supported"] = ["query"]
        # Introspection is for confidential clients only (see IntrospectView).
        data["introspection_endpoint_auth_methods_supported"] = ["client_secret_basic", "client_secret_post"]
        data["service_documentation"] = request.build_absolute_uri("/docs")
        response = JsonResponse(data)
        response["Access-Control-Allow-Origin"] = "*"
        response["Cache-Control"] = "public, max-age=300"
        return response


class ConsentForm(AllowForm):
    # OpenID Connect is off: no nonce or claims ride along on the hidden form.
    nonce = None
    claims = None


@method_decorator([never_cache, xframe_options_deny], name="dispatch")
class AuthorizeView(toolkit.AuthorizationView):
    """GET /oauth/authorize: the web login if needed, then the consent page, unless the user has
    already allowed this application at least the requested scopes. POST: the user's answer."""

    template_name = "oauth/authorize.html"
    form_class = ConsentForm

    def get(self, request, *args, **kwargs):
        duplicated = _duplicated(request.GET)
        if duplicated:
            # Which of the repeated values is the real redirect_uri? Neither: never redirect.
            error = oauth_errors.InvalidRequestFatalError(description=f"Duplicate {duplicated} parameter.")
            return self.error_response(FatalClientError(error=error), application=None)
        if _has_control_characters(request.GET):
            error = oauth_errors.InvalidRequestFatalError(description="Parameters must not contain control characters.")
            return self.error_response(FatalClientError(error=error), application=None)
        try:
            scopes, credentials = self.validate_authorization_request(request)
        except OAuthToolkitError as error:
            return self.error_response(error, application=None)
        application = Application.objects.select_related("user__organization").get(client_id=credentials["client_id"])

        user_scopes = request.user.scope_set
        if not request.GET.get("scope"):
            # No scope asked: what the application is allowed and the user holds.
            scopes = [name for name in scopes if scope_registry.allows(user_scopes, name)]
        if not scopes or not scope_registry.covers(user_scopes, scopes):
            error = oauth_errors.InvalidScopeError(
                description="The requested scope exceeds what you or the application may use.",
                state=credentials.get("state"),
            )
            return self.error_response(OAuthToolkitError(error=error, redirect_uri=credentials["redirect_uri"]), application)

        consent = Consent.objects.filter(user=request.user, application=application).first()
        remembered = consent is not None and scope_registry.covers(consent.scope_set, scopes)
        forced = "consent" in request.GET.get("prompt", "").split()
        if application.skip_authorization or (remembered and not forced):
            try:
                uri, _headers, _body, _status = self.create_authorization_response(
                    request=request, scopes=" ".join(scopes), credentials=credentials, allow=True
                )
            except OAuthToolkitError as error:
                return self.error_response(error, application)
            return self.redirect(uri, application)

        self.oauth2_data = {
            "client_id": credentials["client_id"],
            "redirect_uri": credentials["redirect_uri"],
            "response_type": credentials["response_type"],
            "state": credentials["state"],
            "code_challenge": credentials.get("code_challenge"),
            "code_challenge_method": credentials.get("code_challenge_method"),
            "scope": scopes,
        }
        if "resource" in request.GET:
            self.oauth2_data["resource"] = " ".join(request.GET.getlist("resource"))
        return self.render_to_response(self.get_context_data(
            form=self.get_form(self.get_form_class()),
            application=application,
            scopes=[(name, scope_registry.SCOPES[name]) for name in scope_registry.ordered(scopes)],
            owner_organization=getattr(getattr(application.user, "organization", None), "name", ""),
            redirect_host=urlsplit(credentials["redirect_uri"]).netloc,
        ))

    def form_valid(self, form):
        application = Application.objects.filter(client_id=form.cleaned_data["client_id"]).first()
        if application is None:
            return self.error_response(FatalClientError(error=oauth_errors.InvalidClientIdError()), application=None)
        return super().form_valid(form)

    def form_invalid(self, form):
        error = oauth_errors.InvalidRequestFatalError(description="The authorization form was incomplete.")
        return self.error_response(FatalClientError(error=error), application=None)

    def redirect(self, redirect_to, application):
        return super().redirect(with_issuer(redirect_to, oauth2_settings.oauth2_authorization_server_issuer(self.request)), application)


@login_required
@csrf_protect
@never_cache
@xframe_options_deny
def authorized_applications(request):
    """/accounts/applications: the applications the user allowed; revoking one ends its tokens."""
    if request.method == "POST":
        consent_id = request.POST.get("consent", "")
        consent = get_object_or_404(Consent, pk=int(consent_id) if consent_id.isdigit() else 0, user=request.user)
        revoked = services.withdraw_consent(request.user, consent.application)
        record("oauth.consent_revoked", request=request, method="session", actor=request.user,
               client_id=consent.application.client_id, detail={"tokens_revoked": revoked})
        return redirect(request.path)
    consents = [
        {
            "id": consent.pk,
            "application": consent.application,
            "scopes": [(name, scope_registry.SCOPES[name]) for name in scope_registry.ordered(consent.scope_set)],
            "updated_at": consent.updated_at,
        }
        for consent in Consent.objects.for_user(request.user)
    ]
    return render(request, "oauth/authorized_applications.html", {"consents": consents})


def _record_token_issued(sender, request, token, **kwargs) -> None:
    record("oauth.token_issued", request=request, method="oauth", actor=token.user or token.application.user,
           client_id=token.application.client_id,
           detail={"grant_type": request.POST.get("grant_type", "")[:32], "scopes": token.scope.split()})


app_authorized.connect(_record_token_issued, dispatch_uid="oauth.record_token_issued")
