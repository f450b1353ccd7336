"""Duty in the API: rosters, people, shifts with their people, log entries, alerts."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from canhgac.core.api.base import ScopedModelSerializer
from canhgac.duty.models import Assignment, DutyAlert, DutyPerson, LogEntry, LogKind, Roster, Shift
from canhgac.duty.services import add_log_entry, save_roster
from canhgac.duty.services.staffing import LOG_TEXT_MAX


class RosterSerializer(ScopedModelSerializer):
    """A roster; its shifts are made by ``POST …/generate/`` once its period and pattern are right."""

    unit_code = serializers.CharField(source="unit.code", read_only=True, allow_null=True, default=None,
                                      help_text="Empty for the SOC's own roster.")

    class Meta:
        model = Roster
        fields = ["id", "unit", "unit_code", "name", "starts_on", "ends_on", "pattern", "custom_hours",
                  "day_starts_at", "holiday", "check_in_grace", "notes", "created_at"]
        read_only_fields = ["id", "unit_code", "created_at"]

    def write(self, instance: Any, before: dict[str, Any] | None, extras: dict[str, Any]) -> None:
        save_roster(instance, before)


class DutyPersonSerializer(serializers.ModelSerializer):
    class Meta:
        model = DutyPerson
        fields = ["id", "unit", "name", "phone", "email", "user", "active"]
        read_only_fields = fields


class AssignmentSerializer(serializers.ModelSerializer):
    person_name = serializers.CharField(source="person.name", read_only=True)
    person_phone = serializers.CharField(source="person.phone", read_only=True)

    class Meta:
        model = Assignment
        fields = ["id", "shift", "person", "person_name", "person_phone", "checked_in_at"]
        read_only_fields = fields


class AssignBodySerializer(serializers.Serializer):
    person = serializers.PrimaryKeyRelatedField(queryset=DutyPerson.objects.all(),
                                                help_text="A person of the roster's unit.")

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        person: Any = fields["person"]
        person.queryset = DutyPerson.objects.for_user(self.context["request"].user)
        return fields


class ShiftSerializer(serializers.ModelSerializer):
    assignments = AssignmentSerializer(many=True, read_only=True)
    roster_name = serializers.CharField(source="roster.name", read_only=True)
    unit_code = serializers.CharField(source="roster.unit.code", read_only=True, allow_null=True, default=None)

    class Meta:
        model = Shift
        fields = ["id", "roster", "roster_name", "unit_code", "number", "starts_at", "ends_at", "assignments"]
        read_only_fields = fields


class LogEntrySerializer(ScopedModelSerializer):
    author = serializers.CharField(source="author.username", read_only=True, default=None)
    text = serializers.CharField(max_length=LOG_TEXT_MAX)
    kind = serializers.ChoiceField(choices=LogKind.choices, default=LogKind.ENTRY)

    class Meta:
        model = LogEntry
        fields = ["id", "roster", "shift", "kind", "text", "author", "at"]
        read_only_fields = ["id", "shift", "author", "at"]

    def create(self, validated_data: dict[str, Any]) -> LogEntry:
        return add_log_entry(self.context["request"].user, validated_data["roster"], validated_data["text"],
                             validated_data["kind"])


class DutyAlertSerializer(serializers.ModelSerializer):
    shift = ShiftSerializer(read_only=True)

    class Meta:
        model = DutyAlert
        fields = ["id", "kind", "raised_at", "resolved_at", "shift"]
        read_only_fields = fields
