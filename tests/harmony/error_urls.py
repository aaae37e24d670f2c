"""A URL conf for the error-envelope tests: views that fail in each way the API can fail."""

from django.urls import include, path
from rest_framework import serializers
from rest_framework.decorators import api_view, throttle_classes
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle

from harmony import errors, urls


class _ItemSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=5)
    tags = serializers.ListField(child=serializers.IntegerField())


@api_view(["POST"])
def validate(request):
    _ItemSerializer(data=request.data).is_valid(raise_exception=True)
    return Response({})


@api_view(["GET"])
def domain(request, kind):
    raise {
        "conflict": errors.Conflict("Download 7 is already completed.", meta={"status": "completed"}),
        "disabled": errors.FeatureDisabled("Lyrics are switched off.", meta={"flag": "lyrics"}),
        "not_built": errors.NotBuilt("Not built yet.", meta={"reason": "not_built"}),
        "dependency": errors.DependencyError("slskd did not answer.", meta={"dependency": "slskd"}),
        "too_large": errors.PayloadTooLarge("Over 5 MB.", meta={"limit": "HARMONY_IMPORT_MAX_BYTES"}),
        "rate": errors.RateLimited("Too many imports pending.", retry_after_s=30),
    }[kind]


@api_view(["GET"])
def crash(request):
    raise RuntimeError("boom: hmy_abcdefgh_supersecretsupersecret")


class _Throttle(AnonRateThrottle):
    rate = "1/hour"

    def get_cache_key(self, request, view):
        return "throttle-test"


@api_view(["GET"])
@throttle_classes([_Throttle])
def throttled(request):
    return Response({})


urlpatterns = [
    path("api/test/validate", validate),
    path("api/test/domain/<str:kind>", domain),
    path("api/test/crash", crash),
    path("api/test/throttled", throttled),
    path("", include(urls)),
]
