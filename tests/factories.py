from __future__ import annotations

from typing import Any

import factory
from django.contrib.auth import get_user_model

from library import services
from library.models import ApiKey


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("correct horse battery staple")


class ApiKeyFactory(factory.django.DjangoModelFactory):
    """Made through the service, like every real key; the raw key is on `.raw_key`."""

    class Meta:
        model = ApiKey

    user = factory.SubFactory(UserFactory)
    name = factory.Sequence(lambda n: f"key {n}")

    @classmethod
    def _create(cls, model_class: type[ApiKey], *args: Any, **kwargs: Any) -> ApiKey:
        api_key, raw_key = services.create_api_key(user=kwargs["user"], name=kwargs["name"])
        api_key.raw_key = raw_key
        return api_key
