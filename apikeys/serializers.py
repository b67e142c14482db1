"""The /v1/api-keys representations (CONTRACT §4). Requests are parsed here; rules live in services."""
from __future__ import annotations

from rest_framework import serializers

from apikeys import keys, services
from apikeys.models import MODE_CHOICES, ApiKey


class ApiKeySerializer(serializers.ModelSerializer):
    """List and detail: never the key."""

    id = serializers.CharField(source="key_id", read_only=True, help_text="The key's public id (same as key_id).")

    class Meta:
        model = ApiKey
        fields = ["id", "key_id", "prefix", "name", "mode", "scopes", "allowed_ips", "expires_at", "created_at",
                  "last_used_at", "last_used_ip", "revoked_at"]
        read_only_fields = fields


class CreatedApiKeySerializer(serializers.ModelSerializer):
    """Create and rotate: the only time the key is ever shown."""

    id = serializers.CharField(source="key_id", read_only=True)
    key = serializers.SerializerMethodField(help_text="The API key. Shown once; store it now.")

    class Meta:
        model = ApiKey
        fields = ["id", "key_id", "key", "name", "mode", "scopes", "allowed_ips", "expires_at", "created_at"]
        read_only_fields = fields

    def get_key(self, obj) -> str:
        return self.context["raw_key"]


class CreateApiKeySerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100, help_text="What the key is for.")
    mode = serializers.ChoiceField(choices=MODE_CHOICES, default=keys.LIVE)
    scopes = serializers.ListField(
        child=serializers.CharField(max_length=64), required=False, max_length=50,
        help_text="A subset of your own scopes; default: all of them.",
    )
    allowed_ips = serializers.ListField(
        child=serializers.CharField(max_length=64, allow_blank=True), required=False, max_length=services.MAX_ALLOWED_IPS,
        help_text='IPv4/IPv6 addresses and CIDR ranges ("10.0.0.0/8"); empty: any address.',
    )
    expires_at = serializers.DateTimeField(required=False, allow_null=True, help_text="Default: never.")


class RotateApiKeySerializer(serializers.Serializer):
    grace_period_seconds = serializers.IntegerField(
        min_value=0, max_value=services.MAX_GRACE_PERIOD_SECONDS, default=0,
        help_text="How long the old key keeps working (0 to 604800 seconds).",
    )
