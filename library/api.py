from __future__ import annotations

from typing import cast

from django.contrib.auth.models import User
from django.db.models import QuerySet
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from library import services
from library.models import ApiKey
from library.serializers import ApiKeySerializer


class ApiKeyViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[ApiKey]):
    """API keys: list and revoke. New keys are made with `manage.py apikey create` or in the admin, where the
    secret is shown once."""

    serializer_class = ApiKeySerializer
    search_fields = ["name", "prefix"]
    ordering_fields = ["created_at", "last_used_at", "name"]

    def get_queryset(self) -> QuerySet[ApiKey]:
        keys = ApiKey.objects.select_related("user")
        return keys if self.request.user.is_staff else keys.filter(user=cast(User, self.request.user))

    @action(detail=True, methods=["post"])
    def revoke(self, request: Request, pk: str | None = None) -> Response:
        return Response(self.get_serializer(services.revoke_api_key(api_key=self.get_object())).data)
