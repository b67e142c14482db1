"""Django admin for API keys: filters, search, create (the key is shown once, on the response
page itself, never stored in a message or the session), rotate and revoke actions."""
from __future__ import annotations

from datetime import timedelta

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.template.response import TemplateResponse

from apikeys import services
from apikeys.forms import ApiKeyChangeForm, ApiKeyCreationForm
from apikeys.models import ApiKey
from audit.log import record


class RevokedFilter(admin.SimpleListFilter):
    title = "revoked"
    parameter_name = "revoked"

    def lookups(self, request, model_admin):
        return [("yes", "Revoked"), ("no", "Not revoked")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.revoked()
        if self.value() == "no":
            return queryset.exclude(pk__in=queryset.revoked().values("pk"))
        return queryset


class ExpiredFilter(admin.SimpleListFilter):
    title = "expired"
    parameter_name = "expired"

    def lookups(self, request, model_admin):
        return [("yes", "Expired"), ("no", "Not expired")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.expired()
        if self.value() == "no":
            return queryset.exclude(pk__in=queryset.expired().values("pk"))
        return queryset


def _show_once(request, created, title):
    """The one page that ever shows a key. Not cached, not stored."""
    response = TemplateResponse(request, "apikeys/admin/key_created.html", {
        **admin.site.each_context(request),
        "title": title,
        "created": created,
        "opts": ApiKey._meta,
    })
    response["Cache-Control"] = "no-store"
    return response


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    form = ApiKeyChangeForm
    list_display = ("key_id", "prefix", "name", "owner", "organization", "mode", "created_at", "expires_at",
                    "revoked_at", "last_used_at")
    list_filter = ("mode", RevokedFilter, ExpiredFilter, ("owner", admin.RelatedOnlyFieldListFilter),
                   ("owner__organization", admin.RelatedOnlyFieldListFilter))
    search_fields = ("key_id", "name", "owner__email")
    list_select_related = ("owner", "owner__organization")
    readonly_fields = ("key_id", "prefix", "owner", "mode", "created_at", "last_used_at", "last_used_ip", "revoked_at",
                       "rotated_from")
    fields = ("key_id", "prefix", "owner", "mode", "name", "scopes", "allowed_ips", "expires_at", "created_at",
              "last_used_at", "last_used_ip", "revoked_at", "rotated_from")
    actions = ["revoke_keys", "rotate_keys", "rotate_keys_with_grace"]

    @admin.display(ordering="owner__organization__name")
    def organization(self, obj):
        return obj.owner.organization

    def has_delete_permission(self, request, obj=None):
        return False  # revoke instead: the row is the audit trail of the key

    def add_view(self, request, form_url="", extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = ApiKeyCreationForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                key, raw = services.create_key(
                    data["owner"], name=data["name"], mode=data["mode"], scopes=data["scopes"] or None,
                    allowed_ips=data["allowed_ips"], expires_at=data["expires_at"],
                )
            except ValidationError as error:
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                record("api_key.created", request=request, actor=request.user, method="admin", key_id=key.key_id,
                       detail={"key_id": key.key_id, "owner_id": key.owner_id, "mode": key.mode})
                return _show_once(request, [(key, raw)], "API key created")
        return TemplateResponse(request, "apikeys/admin/add_key.html", {
            **self.admin_site.each_context(request),
            "title": "Add API key",
            "form": form,
            "opts": self.model._meta,
            "has_view_permission": self.has_view_permission(request),
        })

    @admin.action(description="Revoke selected keys (they stop working on the next request)")
    def revoke_keys(self, request, queryset):
        for key in queryset:
            services.revoke_key(key)
            record("api_key.revoked", request=request, actor=request.user, method="admin", key_id=key.key_id,
                   detail={"key_id": key.key_id, "via": "admin"})
        self.message_user(request, f"Revoked {queryset.count()} key(s).", messages.SUCCESS)

    def _rotate(self, request, queryset, grace_seconds: int):
        created, skipped = [], []
        for key in queryset:
            try:
                new, raw = services.rotate_key(key, grace_seconds)
            except ValidationError:
                skipped.append(key.key_id)
                continue
            record("api_key.rotated", request=request, actor=request.user, method="admin", key_id=new.key_id,
                   detail={"key_id": new.key_id, "replaces": key.key_id, "grace_period_seconds": grace_seconds})
            created.append((new, raw))
        if skipped:
            self.message_user(request, "Not rotated (revoked, expired or already rotated): " + ", ".join(skipped),
                              messages.WARNING)
        if not created:
            return None
        return _show_once(request, created, "API keys rotated")

    @admin.action(description="Rotate selected keys (old keys stop now)")
    def rotate_keys(self, request, queryset):
        return self._rotate(request, queryset, 0)

    @admin.action(description="Rotate selected keys (old keys keep working for 24 hours)")
    def rotate_keys_with_grace(self, request, queryset):
        return self._rotate(request, queryset, int(timedelta(hours=24).total_seconds()))
