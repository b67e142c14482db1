"""The toolkit's request validator, tightened where our contract is stricter than its defaults:
per-application and per-user scopes, single-use codes whose replay revokes what they issued,
refresh-token families capped at 30 days from their first issue, serialized rotation, and
revocation of a whole grant.
"""
from __future__ import annotations

import logging
from contextvars import ContextVar

from django.db import transaction
from django.utils import timezone
from oauth2_provider import cimd
from oauth2_provider.models import get_application_model, get_grant_model, get_refresh_token_model
from oauth2_provider.oauth2_validators import OAuth2Validator as ToolkitValidator

from audit.log import record
from oauth import services
from oauth.models import TokenFamily
from oauth.scopes import RegistryScopes
from oauth.state import checksum

logger = logging.getLogger("oauth")

Application = get_application_model()
Grant = get_grant_model()
RefreshToken = get_refresh_token_model()

# The access token the current token request created, with its application (and owner) and user
# already loaded: the token view's audit record reads it instead of reading the row back.
issued_access_token: ContextVar = ContextVar("issued_access_token", default=None)


def _locking(queryset):
    # Row locks serialize concurrent exchanges of one code or one refresh token; the token view
    # runs every grant in a transaction (outside one, e.g. from a shell, there is nothing to lock).
    return queryset.select_for_update() if transaction.get_connection().in_atomic_block else queryset


def _owner_usable(user) -> bool:
    return user is not None and user.is_active and user.organization_id is not None


class OAuth2Validator(ToolkitValidator):
    def _load_application(self, client_id, request):
        # The toolkit loads the Application alone; validate_grant_type then reads its owner and
        # validate_scopes its policy, one query each. One join loads all three. The toolkit's
        # own checks (client_id match, is_usable) still run on the preloaded instance.
        if not request.client and isinstance(client_id, str):
            try:
                client = Application.objects.select_related("user", "policy").filter(client_id=client_id).first()
            except ValueError:  # a NUL byte on PostgreSQL: unknown, as the toolkit answers
                client = None
            if client is not None:
                request.client = cimd.refresh_if_stale(client, request=request)
        return super()._load_application(client_id, request)

    def save_bearer_token(self, token, request, *args, **kwargs):
        if request.grant_type == "client_credentials" and "refresh_token" not in token:
            # One INSERT (no refresh token, nothing rotated) is atomic on its own: no BEGIN/COMMIT.
            return self._save_bearer_token(token, request, *args, **kwargs)
        # The token view runs the other grants in one transaction already; the toolkit's nested
        # atomic() would only add a SAVEPOINT and its RELEASE (two round trips) around it.
        with transaction.atomic(savepoint=False):
            return self._save_bearer_token(token, request, *args, **kwargs)

    def _create_access_token(self, expires, request, token, source_refresh_token=None):
        access_token = super()._create_access_token(expires, request, token, source_refresh_token)
        issued_access_token.set(access_token)
        return access_token

    def validate_grant_type(self, client_id, grant_type, client, request, *args, **kwargs):
        if not super().validate_grant_type(client_id, grant_type, client, request, *args, **kwargs):
            return False
        if grant_type == "client_credentials":
            # The token acts for the owner's organization: no usable owner, no token.
            return _owner_usable(request.client.user)
        return True

    def validate_scopes(self, client_id, scopes, client, request, *args, **kwargs):
        # Asking for more than the application (and the authorizing user) may have is
        # invalid_scope, never a silent narrowing; asking for nothing usable is too.
        if not scopes or not all(scopes):
            return False
        available = RegistryScopes().get_available_scopes(application=client, request=request)
        return set(scopes) <= set(available)

    def validate_code(self, client_id, code, client, request, *args, **kwargs):
        grant = _locking(Grant.objects.select_related("user")).filter(code=code, application=client).first()
        if grant is None:
            family = services.revoke_tokens_from_code(code, client)
            if family is not None:
                record("oauth.code_reused", outcome="denied", method="oauth", client_id=client.client_id,
                       actor=family.user, detail={"family_revoked": True})
            return False
        if not grant.user.is_active:
            return False
        return super().validate_code(client_id, code, client, request, *args, **kwargs)

    def validate_refresh_token(self, refresh_token, client, request, *args, **kwargs):
        presented = list(
            _locking(RefreshToken.objects.select_related("user")).filter(token_checksum=checksum(refresh_token))
        )
        if not super().validate_refresh_token(refresh_token, client, request, *args, **kwargs):
            replayed = [rt for rt in presented if rt.revoked is not None and rt.token_family]
            if replayed:
                # The toolkit has revoked the family (REFRESH_TOKEN_REUSE_PROTECTION); mark ours.
                family_id = replayed[0].token_family
                TokenFamily.objects.filter(pk=family_id, revoked_at__isnull=True).update(
                    revoked_at=timezone.now(), revoked_reason="refresh_reuse"
                )
                record("oauth.refresh_reused", outcome="denied", method="oauth", client_id=client.client_id,
                       actor=replayed[0].user, detail={"family_revoked": True})
            return False
        token = request.refresh_token_instance
        if not token.user.is_active:
            return False
        family = TokenFamily.objects.filter(pk=token.token_family).first()
        # The toolkit's REFRESH_TOKEN_EXPIRE_SECONDS slides with each rotation; the family does not.
        return family is not None and family.is_active

    def _create_refresh_token(self, request, refresh_token_code, access_token, previous_refresh_token):
        refresh_token = super()._create_refresh_token(request, refresh_token_code, access_token, previous_refresh_token)
        if previous_refresh_token is None:
            code = request.code if request.grant_type == "authorization_code" else None
            services.start_family(refresh_token.token_family, request.client, request.user, code)
        return refresh_token

    def save_authorization_code(self, client_id, code, request, *args, **kwargs):
        super().save_authorization_code(client_id, code, request, *args, **kwargs)
        consent = services.remember_consent(request.user, request.client, request.scopes)
        record("oauth.consent_granted", method="oauth", client_id=request.client.client_id, actor=request.user,
               detail={"scopes": consent.scopes})

    def revoke_token(self, token, token_type_hint, request, *args, **kwargs):
        """RFC 7009 §2.1: revoking a refresh token (or an access token) ends the whole grant:
        every token of its family. Tokens of other clients are left alone (and reported as
        revoked all the same, without saying whether they exist)."""
        family_id = (
            RefreshToken.objects.filter(token_checksum=checksum(token), application=request.client)
            .exclude(token_family=None).values_list("token_family", flat=True).first()
        )
        if family_id is None:
            family_id = (
                RefreshToken.objects.filter(access_token__token_checksum=checksum(token), application=request.client)
                .exclude(token_family=None).values_list("token_family", flat=True).first()
            )
        if family_id is not None:
            services.revoke_family(family_id, "revoked")
        else:
            super().revoke_token(token, token_type_hint, request, *args, **kwargs)
