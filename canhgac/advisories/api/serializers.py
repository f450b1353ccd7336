"""Advisories in the API: advisories with their rules, vulnerabilities, exposures with the rules that matched, batches,
and the bodies of an import and a matching request."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from canhgac.advisories.models import Advisory, AdvisoryBatch, AffectedProduct, Exposure, Vulnerability
from canhgac.advisories.parsers import parsers
from canhgac.advisories.review import explained


class RuleSerializer(serializers.ModelSerializer):
    range = serializers.CharField(source="range_text", read_only=True, help_text="The versions, as people write them.")
    usable = serializers.SerializerMethodField(help_text="Whether matching uses the rule (a version bound it can "
                                                         "read, a product it can name).")

    class Meta:
        model = AffectedProduct
        fields = ["id", "advisory", "vulnerability", "vendor", "product", "cpe", "vendor_key", "product_key", "range",
                  "version_exact", "version_start", "start_inclusive", "version_end", "end_inclusive", "version_type",
                  "status", "trust", "origin", "problem", "usable"]
        read_only_fields = fields

    def get_usable(self, rule: AffectedProduct) -> bool:
        return not rule.problem and bool(rule.vendor_key) and bool(rule.product_key)


class AdvisorySerializer(serializers.ModelSerializer):
    vulnerabilities: serializers.RelatedField[Any, Any, Any] = serializers.SlugRelatedField(
        many=True, read_only=True, slug_field="identifier")
    review = serializers.SerializerMethodField(help_text="What could not be used for matching: code, where in the "
                                                         "record, the text, and a message.")

    class Meta:
        model = Advisory
        fields = ["id", "source", "source_id", "reference", "reference_date", "title", "severity", "cvss",
                  "known_exploited", "exploited_added", "published", "deadline", "url", "vendor", "vulnerabilities",
                  "review", "batch", "updated_at"]
        read_only_fields = fields

    def get_review(self, advisory: Advisory) -> list[dict[str, str]]:
        return explained(advisory.review)


class AdvisoryDetailSerializer(AdvisorySerializer):
    products = RuleSerializer(many=True, read_only=True)
    units_affected = serializers.IntegerField(read_only=True)
    exposures = serializers.IntegerField(source="exposure_count", read_only=True)

    class Meta(AdvisorySerializer.Meta):
        fields = [*AdvisorySerializer.Meta.fields, "summary", "cvss_vector", "details", "products", "units_affected",
                  "exposures"]
        read_only_fields = fields


class VulnerabilitySerializer(serializers.ModelSerializer):
    exposures = serializers.IntegerField(source="exposure_count", read_only=True)

    class Meta:
        model = Vulnerability
        fields = ["id", "identifier", "title", "severity", "cvss", "known_exploited", "exploited_added", "published",
                  "deadline", "exposures", "updated_at"]
        read_only_fields = fields


class VulnerabilityDetailSerializer(VulnerabilitySerializer):
    advisories = AdvisorySerializer(many=True, read_only=True)

    class Meta(VulnerabilitySerializer.Meta):
        fields = [*VulnerabilitySerializer.Meta.fields, "advisories"]
        read_only_fields = fields


class ExposureSerializer(serializers.ModelSerializer):
    vulnerability = serializers.CharField(source="vulnerability.identifier", read_only=True)
    known_exploited = serializers.BooleanField(source="vulnerability.known_exploited", read_only=True)
    severity = serializers.CharField(source="vulnerability.severity", read_only=True)
    cvss = serializers.FloatField(source="vulnerability.cvss", read_only=True, allow_null=True)
    deadline = serializers.DateField(source="vulnerability.deadline", read_only=True, allow_null=True)
    unit_code = serializers.CharField(source="unit.code", read_only=True)
    asset_name = serializers.CharField(source="asset.name", read_only=True)
    matched = serializers.SerializerMethodField(help_text="The rules that matched: why the asset is exposed.")

    class Meta:
        model = Exposure
        fields = ["id", "vulnerability", "known_exploited", "severity", "cvss", "deadline", "unit", "unit_code",
                  "asset", "asset_name", "product", "label", "version", "matched"]
        read_only_fields = fields

    def get_matched(self, exposure: Exposure) -> list[dict[str, Any]]:
        rules = self.context.get("rules", {})
        return [rules[rule_id] for rule_id in exposure.rule_ids() if rule_id in rules]


class BatchSerializer(serializers.ModelSerializer):
    class Meta:
        model = AdvisoryBatch
        fields = ["id", "format", "filename", "sha256", "size", "reference", "reference_date", "deadline",
                  "received_at", "imported_by", "job", "records", "created", "updated", "unchanged", "needs_review",
                  "rules", "metadata", "matching"]
        read_only_fields = fields


class ImportSerializer(serializers.Serializer):
    file = serializers.FileField(help_text=_("JSON, JSON lines, .gz or .zip: CISA KEV, CVE JSON 5, NVD, CSAF 2.0 or "
                                             "the SOC's canhgac.warning documents."))
    format = serializers.ChoiceField(choices=[], required=False, allow_blank=True)
    reference = serializers.CharField(required=False, allow_blank=True, max_length=120)
    reference_date = serializers.DateField(required=False, allow_null=True)
    deadline = serializers.DateField(required=False, allow_null=True)

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        fields["format"].choices = sorted(parsers())  # type: ignore[attr-defined]
        return fields


class MatchSerializer(serializers.Serializer):
    assets = serializers.ListField(child=serializers.IntegerField(min_value=1), required=False, max_length=10_000,
                                   help_text="Match only these assets (ids); empty: everything.")


class JobAcceptedSerializer(serializers.Serializer):
    job = serializers.IntegerField()
    url = serializers.CharField()
