"""Directives in the API: a directive with its groups and tasks, a unit's copy, a report, and the bodies of
creating a directive, reporting and uploading evidence."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from rest_framework import serializers

from canhgac.constituency.models import UnitKind
from canhgac.directives.models import Directive, DirectiveTask, Evidence, Recipient, RecipientGroup, TaskReport
from canhgac.directives.planning import LABEL_MAX, TASKS_MAX, TEXT_MAX, TITLE_MAX, GroupSpec, TaskSpec
from canhgac.directives.services.creating import EDITABLE
from canhgac.directives.services.reporting import NOTE_MAX

REPORTABLE = [("done", pgettext_lazy("task report", "Done")), ("partly", _("Partly done")),
              ("not_applicable", _("Not applicable"))]


class TaskSerializer(serializers.ModelSerializer):
    label = serializers.CharField(  # type: ignore[assignment]  # a field, not the serializer's own label
        read_only=True, help_text="Group number and task letter, e.g. 1b.")

    class Meta:
        model = DirectiveTask
        fields = ["id", "label", "title", "text"]
        read_only_fields = fields


class GroupSerializer(serializers.ModelSerializer):
    units = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)  # type: ignore[var-annotated]
    tasks = TaskSerializer(many=True, read_only=True)

    class Meta:
        model = RecipientGroup
        fields = ["position", "label", "unit_kinds", "units", "include_subunits", "tasks"]
        read_only_fields = fields


class DirectiveSerializer(serializers.ModelSerializer):
    groups = GroupSerializer(many=True, read_only=True)

    class Meta:
        model = Directive
        fields = ["id", *EDITABLE, "contacts", "advisories", "state", "created_at", "distributed_at", "groups"]
        read_only_fields = fields


class TaskBodySerializer(serializers.Serializer):
    title = serializers.CharField(max_length=TITLE_MAX)
    text = serializers.CharField(max_length=TEXT_MAX)


class GroupBodySerializer(serializers.Serializer):
    label = serializers.CharField(max_length=LABEL_MAX)  # type: ignore[assignment]
    unit_kinds = serializers.ListField(child=serializers.ChoiceField(choices=UnitKind.choices), required=False,
                                       default=list, max_length=len(UnitKind.choices))
    units = serializers.ListField(child=serializers.CharField(max_length=40), required=False, default=list,
                                  max_length=5000, help_text="Unit codes.")
    include_subunits = serializers.BooleanField(required=False, default=False)
    tasks = TaskBodySerializer(many=True, max_length=TASKS_MAX)  # type: ignore[call-arg]  # the list's length


class DirectiveCreateSerializer(serializers.ModelSerializer):
    """From scratch (``groups``), or from a template (``template``: its groups, text and contacts unless given)."""

    groups = GroupBodySerializer(many=True, required=False, max_length=50)  # type: ignore[call-arg]
    contacts = serializers.ListField(child=serializers.IntegerField(), required=False, max_length=100)

    class Meta:
        model = Directive
        fields = [*EDITABLE, "contacts", "groups"]
        extra_kwargs = {"subject": {"required": False}}

    def group_specs(self) -> list[GroupSpec] | None:
        groups = self.validated_data.get("groups")
        if groups is None:
            return None
        return [GroupSpec(group["label"], group["unit_kinds"], group["units"], group["include_subunits"],
                          [TaskSpec(task["title"], task["text"]) for task in group["tasks"]]) for group in groups]


class RecipientSerializer(serializers.ModelSerializer):
    unit_code = serializers.CharField(source="unit.code", read_only=True)
    pending = serializers.IntegerField(read_only=True, help_text="Tasks not reported yet.")
    task_total = serializers.IntegerField(read_only=True)
    directive_number = serializers.CharField(source="directive.number", read_only=True)
    directive_subject = serializers.CharField(source="directive.subject", read_only=True)
    report_deadline = serializers.DateTimeField(source="directive.report_deadline", read_only=True)

    class Meta:
        model = Recipient
        fields = ["id", "directive", "directive_number", "directive_subject", "report_deadline", "unit",
                  "unit_code", "acknowledged_at", "reminders_sent", "last_reminded_at", "task_total", "pending"]
        read_only_fields = fields


class EvidenceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Evidence
        fields = ["id", "name", "content_type", "size", "sha256", "uploaded_at"]
        read_only_fields = fields


class TaskReportSerializer(serializers.ModelSerializer):
    task = TaskSerializer(read_only=True)
    unit = serializers.IntegerField(source="recipient.unit_id", read_only=True)
    evidence = EvidenceSerializer(many=True, read_only=True)

    class Meta:
        model = TaskReport
        fields = ["id", "recipient", "unit", "task", "state", "note", "reported_at", "evidence"]
        read_only_fields = fields


class ReportBodySerializer(serializers.Serializer):
    state = serializers.ChoiceField(choices=REPORTABLE)
    note = serializers.CharField(max_length=NOTE_MAX, required=False, allow_blank=True, default="")


class EvidenceBodySerializer(serializers.Serializer):
    file = serializers.FileField()
