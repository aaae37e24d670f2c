from rest_framework import serializers

from library.models import ApiKey


class ApiKeySerializer(serializers.ModelSerializer[ApiKey]):
    """A key as the API shows it: its visible prefix, never its secret or hash."""

    key = serializers.SerializerMethodField(help_text="The visible part of the key; the secret is never shown.")
    user = serializers.CharField(source="user.get_username", read_only=True)

    class Meta:
        model = ApiKey
        fields = ["id", "name", "key", "user", "created_at", "last_used_at", "revoked_at", "is_active"]
        read_only_fields = fields

    def get_key(self, obj: ApiKey) -> str:
        return f"hmy_{obj.prefix}_…"
