from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from accounts import services
from accounts.forms import UserChangeForm, UserCreationForm
from accounts.models import Organization, RefreshSession, User
from audit.log import record


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ("name", "created_at")
    search_fields = ("name",)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = UserChangeForm
    add_form = UserCreationForm
    ordering = ("email",)
    list_display = ("email", "name", "organization", "is_active", "is_staff", "is_superuser")
    list_filter = ("is_active", "is_staff", "is_superuser", "organization")
    search_fields = ("email", "name")
    list_select_related = ("organization",)
    readonly_fields = ("last_login", "date_joined")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Profile", {"fields": ("name", "organization")}),
        ("Access", {"fields": ("scopes", "is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("email", "name", "organization", "scopes", "password1", "password2")}),
    )
    actions = ["deactivate_users", "end_sessions"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        fields = sorted(form.changed_data) if change else ["created"]
        detail = {"user_id": obj.pk, "changed": [f for f in fields if f not in ("password", "password1", "password2")]}
        if "scopes" in fields:
            detail["scopes"] = obj.scopes
        if "is_active" in fields:
            detail["is_active"] = obj.is_active
        record("user.changed" if change else "user.created", request=request, actor=request.user, method="admin", detail=detail)

    @admin.action(description="Deactivate selected users (stops every credential on the next request)")
    def deactivate_users(self, request, queryset):
        count = 0
        for user in queryset:
            if user.is_active:
                user.is_active = False
                user.save(update_fields=["is_active"])  # save(), not update(): signals drop caches
                services.revoke_user_sessions(user)
                record("user.deactivated", request=request, actor=request.user, method="admin", detail={"user_id": user.pk})
                count += 1
        self.message_user(request, f"Deactivated {count} user(s).", messages.SUCCESS)

    @admin.action(description="Sign out selected users everywhere (revoke JWT refresh sessions)")
    def end_sessions(self, request, queryset):
        total = sum(services.revoke_user_sessions(user) for user in queryset)
        self.message_user(request, f"Revoked {total} session(s).", messages.SUCCESS)


@admin.register(RefreshSession)
class RefreshSessionAdmin(admin.ModelAdmin):
    list_display = ("id", "user", "created_at", "expires_at", "last_refreshed_at", "revoked_at", "revoked_reason")
    list_filter = ("revoked_reason",)
    search_fields = ("user__email",)
    list_select_related = ("user",)
    readonly_fields = [f.name for f in RefreshSession._meta.fields if f.name != "current_jti"]
    exclude = ("current_jti",)

    def has_add_permission(self, request):
        return False
