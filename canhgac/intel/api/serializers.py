"""Feeds in the API: batches (officers: the file's own figures and their hits only), hits, and the upload body."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from canhgac.intel.models import FeedBatch, Hit, period_validator, source_name_validator
from canhgac.intel.parsers import parsers
from canhgac.intel.parsers.delimited import FIELDS
from canhgac.intel.querysets import PROVINCE_FIELDS, sees_whole_batches
from canhgac.intel.services import DEFAULT_SOURCE


class FeedBatchSerializer(serializers.ModelSerializer):
    """Province-wide figures (in the province, outside, units affected, findings, invalid lines) are the SOC's
    and auditors': for an officer they are ``null``; ``hits`` counts the hits the caller may see."""

    source = serializers.CharField(source="source.name", read_only=True)  # type: ignore[assignment]
    hits = serializers.IntegerField(source="scoped_hits", read_only=True,
                                    help_text="The batch's hits you may see (the SOC and auditors: all).")

    class Meta:
        model = FeedBatch
        fields = ["id", "source", "reference", "period", "filename", "format", "sha256", "size", "complete",
                  "received_at", "job", "lines", "valid", "invalid", "duplicates", "skipped", "hits",
                  *PROVINCE_FIELDS]
        read_only_fields = fields

    def to_representation(self, instance: FeedBatch) -> dict[str, Any]:
        data = super().to_representation(instance)
        request = self.context.get("request")
        if request is None or not sees_whole_batches(request.user):
            data.update(dict.fromkeys(PROVINCE_FIELDS))
        return data


class HitSerializer(serializers.ModelSerializer):
    unit_code = serializers.CharField(source="unit.code", read_only=True)
    source = serializers.CharField(source="batch.source.name", read_only=True)  # type: ignore[assignment]
    period = serializers.CharField(source="batch.period", read_only=True)
    asset_name = serializers.CharField(source="asset.name", read_only=True, allow_null=True, default=None)

    class Meta:
        model = Hit
        fields = ["id", "batch", "source", "period", "unit", "unit_code", "asset", "asset_name", "indicator",
                  "version", "block", "occurrences", "families", "ports", "c2", "asn", "seen_first", "seen_last",
                  "extra"]
        read_only_fields = fields


class FeedUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text=_("Plain IP/CIDR list, CSV/TSV, FireHOL, Shadowserver, STIX 2.1 or MISP "
                                             "JSON; .gz and .zip accepted."))
    source = serializers.CharField(max_length=60, default=DEFAULT_SOURCE,  # type: ignore[assignment]
                                   validators=[source_name_validator])
    reference = serializers.CharField(required=False, allow_blank=True, max_length=120,
                                      help_text=_("Number/symbol of the official letter (số/ký hiệu công văn)."))
    period = serializers.CharField(required=False, allow_blank=True, max_length=7, validators=[period_validator],
                                   help_text=_("YYYY-MM; the current month when left out."))
    format = serializers.ChoiceField(choices=[], required=False, allow_blank=True,
                                     help_text=_("Recognised from the content when left out."))
    column = serializers.ListField(child=serializers.CharField(max_length=200), required=False, max_length=len(FIELDS),
                                   help_text=_("FIELD=HEADER, repeatable, when a CSV header is not recognised."))

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        fields["format"].choices = sorted(parsers())  # type: ignore[attr-defined]
        return fields


class FeedImportAcceptedSerializer(serializers.Serializer):
    """The import job that was started, and where to follow it."""

    job = serializers.IntegerField()
    url = serializers.CharField()
