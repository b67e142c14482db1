from django.contrib import admin

from audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ("created_at", "event", "outcome", "actor_email", "organization_id", "ip", "method", "key_id", "client_id")
    list_filter = ("event", "outcome", "method", ("created_at", admin.DateFieldListFilter))
    search_fields = ("actor_email", "key_id", "client_id", "ip", "path")
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in AuditEvent._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
