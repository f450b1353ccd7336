"""File import (a background job) and export (a download) of registry objects through the API.

The kind in the URL names the model, so the shared ``RolePermission`` asks the same policy as for the model's
own routes: whoever may add assets may import them, whoever may view units may export them.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import exceptions, serializers, status, viewsets
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from canhgac.constituency.exporting import export_file, export_filename
from canhgac.constituency.filtersets import FILTERSETS
from canhgac.constituency.importing import start_import
from canhgac.constituency.models import Asset, Contact, Netblock, Unit
from canhgac.core.api.base import api_write
from canhgac.core.api.serializers import JobSerializer

KIND_MODELS: dict[str, Any] = {"units": Unit, "contacts": Contact, "netblocks": Netblock, "assets": Asset}
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
LANGUAGES = ("vi", "en")
KIND_PARAMETER = OpenApiParameter("kind", OpenApiTypes.STR, OpenApiParameter.PATH, enum=list(KIND_MODELS))


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "too_large"


class KindViewSet(viewsets.ViewSet):
    @property
    def model(self) -> Any:
        return KIND_MODELS.get(self.kwargs.get("kind", ""))


class ImportViewSet(KindViewSet):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        summary="Import a CSV or XLSX file (runs as a job)",
        parameters=[KIND_PARAMETER],
        request={"multipart/form-data": inline_serializer("ImportUpload", {"file": serializers.FileField()})},
        responses={202: JobSerializer, 400: OpenApiTypes.OBJECT, 413: OpenApiTypes.OBJECT},
    )
    def create(self, request: Request, kind: str, **kwargs: Any) -> Response:
        upload = request.FILES.get("file")
        if upload is None:
            raise exceptions.ValidationError({"file": [_("Attach the file to import as the “file” field.")]})
        if upload.size > settings.MAX_UPLOAD_BYTES:
            raise PayloadTooLarge(_("The file is larger than the %(limit)d MB allowed.")
                                  % {"limit": settings.MAX_UPLOAD_BYTES // (1024 * 1024)})
        with api_write(request.user):
            job = start_import(kind, request.user, upload.name or "upload", upload.read(), channel="api")
        data = {**JobSerializer(job, context={"request": request}).data,
                "url": request.build_absolute_uri(reverse("job-detail", args=[job.pk]))}
        return Response(data, status=status.HTTP_202_ACCEPTED)


class FirstRenderer(DefaultContentNegotiation):
    """``?format=`` names the file format here, not a renderer; errors are always JSON."""

    def select_renderer(self, request: Any, renderers: Any, format_suffix: Any = None) -> Any:
        first = next(iter(renderers))
        return first, first.media_type


class ExportViewSet(KindViewSet):
    content_negotiation_class = FirstRenderer

    @extend_schema(
        summary="Download registry objects as CSV or XLSX (same filters and scope as the lists)",
        parameters=[
            KIND_PARAMETER,
            OpenApiParameter("format", OpenApiTypes.STR, enum=list(CONTENT_TYPES), default="csv"),
            OpenApiParameter("language", OpenApiTypes.STR, enum=list(LANGUAGES), default="vi",
                             description="Language of the column headers (the import reads both)."),
            OpenApiParameter("unit", OpenApiTypes.STR, description="Unit code"),
            OpenApiParameter("unit_tree", OpenApiTypes.STR, description="Unit code, with its sub-units"),
            OpenApiParameter("q", OpenApiTypes.STR, description="Search"),
        ],
        responses={(200, "text/csv"): OpenApiTypes.BINARY,
                   (200, CONTENT_TYPES["xlsx"]): OpenApiTypes.BINARY,
                   400: OpenApiResponse(OpenApiTypes.OBJECT)},
    )
    def list(self, request: Request, kind: str, **kwargs: Any) -> HttpResponse:
        fmt = request.query_params.get("format", "csv")
        if fmt not in CONTENT_TYPES:
            raise exceptions.ValidationError({"format": [_("Choose csv or xlsx.")]})
        model = KIND_MODELS[kind]
        filterset = FILTERSETS[model](request.query_params, queryset=model.objects.for_user(request.user))
        if not filterset.is_valid():
            raise exceptions.ValidationError(filterset.errors)
        language = request.query_params.get("language", "vi")
        if language not in LANGUAGES:
            raise exceptions.ValidationError({"language": [_("Choose vi or en.")]})
        content = export_file(kind, filterset.qs, fmt, language=language)
        response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
        response["Content-Disposition"] = f'attachment; filename="{export_filename(kind, fmt)}"'
        return response
