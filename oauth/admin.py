"""Django admin: the toolkit's Application admin with the application's policy (allowed scopes
from the registry, introspection right) inline, only the grants we offer, and consents."""
from __future__ import annotations

from django import forms
from django.contrib import admin
from oauth2_provider import admin as toolkit_admin
from oauth2_provider.forms import ApplicationForm as ToolkitApplicationForm
from oauth2_provider.models import AbstractApplication

from accounts.forms import ScopeMultipleChoiceField
from oauth.hashers import MIN_SECRET_LENGTH
from oauth.models import ApplicationPolicy, Consent, TokenFamily
from oauth.signals import is_hashed

OFFERED_GRANTS = (AbstractApplication.GRANT_AUTHORIZATION_CODE, AbstractApplication.GRANT_CLIENT_CREDENTIALS)


class ApplicationPolicyForm(forms.ModelForm):
    allowed_scopes = ScopeMultipleChoiceField(
        help_text="The most this application's tokens may carry; a user's token is also limited to "
        "what the user holds. 'admin' implies every other scope."
    )

    class Meta:
        model = ApplicationPolicy
        fields = ("allowed_scopes", "can_introspect")


class ApplicationPolicyInline(admin.StackedInline):
    model = ApplicationPolicy
    form = ApplicationPolicyForm
    can_delete = False
    min_num = 1
    max_num = 1
    verbose_name = "policy"


class ApplicationForm(ToolkitApplicationForm):
    def clean_client_secret(self):
        secret = self.cleaned_data.get("client_secret", "")
        if secret and not is_hashed(secret) and len(secret) < MIN_SECRET_LENGTH:
            raise forms.ValidationError(f"Use at least {MIN_SECRET_LENGTH} random characters (or keep the generated secret).")
        return secret


class ApplicationAdmin(toolkit_admin.ApplicationAdmin):
    """APPLICATION_ADMIN_CLASS: registered by the toolkit's admin module."""

    form = ApplicationForm
    inlines = [ApplicationPolicyInline]
    # Secrets are always hashed (oauth.signals) and OpenID Connect is off.
    exclude = ("hash_client_secret", "algorithm", "post_logout_redirect_uris", "allowed_origins")
    view_on_site = False

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "authorization_grant_type":
            kwargs["choices"] = [choice for choice in db_field.choices if choice[0] in OFFERED_GRANTS]
        return super().formfield_for_choice_field(db_field, request, **kwargs)


@admin.register(Consent)
class ConsentAdmin(admin.ModelAdmin):
    list_display = ("user", "application", "scopes", "updated_at")
    list_select_related = ("user", "application")
    search_fields = ("user__email", "application__name", "application__client_id")
    readonly_fields = ("user", "application", "scopes", "created_at", "updated_at")

    def has_add_permission(self, request):
        return False


@admin.register(TokenFamily)
class TokenFamilyAdmin(admin.ModelAdmin):
    list_display = ("id", "application", "user", "created_at", "expires_at", "revoked_at", "revoked_reason")
    list_filter = ("revoked_reason",)
    list_select_related = ("application", "user")
    search_fields = ("user__email", "application__client_id")
    exclude = ("code_checksum",)
    readonly_fields = ("id", "application", "user", "created_at", "expires_at", "revoked_at", "revoked_reason")

    def has_add_permission(self, request):
        return False
