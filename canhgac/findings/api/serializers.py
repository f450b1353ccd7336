"""Findings in the API: a list row, a finding with its history, and the bodies of single and bulk steps."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from canhgac.findings.jobs import REFUSALS_KEPT
from canhgac.findings.models import Finding, FindingEvent, FindingState
from canhgac.findings.workflow import ACTIVE_STATES, NOTE_MAX

BULK_IDS_MAX = 10_000


class FindingSerializer(serializers.ModelSerializer):
    unit_code = serializers.CharField(source="unit.code", read_only=True)
    asset_name = serializers.CharField(source="asset.name", read_only=True, allow_null=True, default=None)
    subject = serializers.CharField(source="dedup_key", read_only=True,
                                    help_text="What it is about within its source, e.g. the listed IP address.")
    overdue = serializers.SerializerMethodField(help_text="Still open or in progress after its due date.")

    class Meta:
        model = Finding
        fields = ["id", "unit", "unit_code", "asset", "asset_name", "source", "subject", "title", "severity",
                  "priority", "state", "due_on", "overdue", "times_seen", "reopen_count", "first_seen_at",
                  "last_seen_at", "state_changed_at", "created_at", "origin", "evidence"]
        read_only_fields = fields

    def get_overdue(self, finding: Finding) -> bool:
        return finding.state in ACTIVE_STATES and finding.due_on is not None and \
            finding.due_on < timezone.localdate()


class FindingEventSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor_label", read_only=True,
                                  help_text="Who took the step: a username, or the producer (e.g. system).")

    class Meta:
        model = FindingEvent
        fields = ["id", "at", "actor", "channel", "from_state", "to_state", "note"]
        read_only_fields = fields


class FindingDetailSerializer(FindingSerializer):
    events = FindingEventSerializer(many=True, read_only=True, help_text="Every step, oldest first.")

    class Meta(FindingSerializer.Meta):
        fields = [*FindingSerializer.Meta.fields, "events"]
        read_only_fields = fields


class TransitionSerializer(serializers.Serializer):
    state = serializers.ChoiceField(choices=FindingState.choices, help_text="The state to move the finding to.")
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=NOTE_MAX,
                                 help_text="Why; needed for accepted risk, false positive and reopening.")


class BulkTransitionSerializer(TransitionSerializer):
    ids = serializers.ListField(child=serializers.IntegerField(min_value=1), required=False, allow_empty=False,
                                max_length=BULK_IDS_MAX, help_text="The findings to move, by id.")
    filter = serializers.DictField(
        child=serializers.CharField(allow_blank=True, max_length=200), required=False,
        help_text="Or every finding matching these filters, named as in the list's query parameters "
                  "(e.g. {\"unit_tree\": \"SO-TTTT\", \"state\": \"open\"}); {} means every finding.")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if ("ids" in attrs) == ("filter" in attrs):
            raise serializers.ValidationError(_("Give either the ids of the findings to move or a filter."))
        return attrs

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("filter"), dict):  # JSON true/false/numbers as the
            data = {**data, "filter": {key: _as_query_value(value) for key, value in data["filter"].items()}}
        return super().to_internal_value(data)  # query string would spell them


def _as_query_value(value: Any) -> Any:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value) if isinstance(value, int | float) else value


class RefusalSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    reason = serializers.CharField()


class BulkJobSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    state = serializers.CharField()
    url = serializers.CharField(help_text="Follow the job here: its progress, then its result (as below).")


class BulkReportSerializer(serializers.Serializer):
    state = serializers.ChoiceField(choices=FindingState.choices)
    done = serializers.IntegerField(help_text="How many findings moved.")
    refused_count = serializers.IntegerField(help_text="How many could not take the step.")
    refused = RefusalSerializer(many=True, help_text=f"The first {REFUSALS_KEPT} refusals, with why.")
    not_found = serializers.ListField(child=serializers.IntegerField(),
                                      help_text="Ids given that do not exist or that you may not see: not moved.")
    job = BulkJobSerializer(allow_null=True, required=False,
                            help_text="Set when the findings move in a background job (202): counts are then 0.")
