"""Serializers of the shared records: jobs (with progress and log) and audit entries (with before/after)."""

from __future__ import annotations

from rest_framework import serializers

from canhgac.core.models import AuditEntry, Job


class JobSerializer(serializers.ModelSerializer):
    created_by: serializers.SlugRelatedField = serializers.SlugRelatedField(slug_field="username", read_only=True)
    percent = serializers.IntegerField(read_only=True)
    is_finished = serializers.BooleanField(read_only=True)

    class Meta:
        model = Job
        fields = ["id", "kind", "title", "state", "created_by", "channel", "params", "progress_done",
                  "progress_total", "percent", "is_finished", "log", "result", "error", "created_at",
                  "started_at", "finished_at"]
        read_only_fields = fields


class AuditEntrySerializer(serializers.ModelSerializer):
    actor: serializers.SlugRelatedField = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = AuditEntry
        fields = ["id", "at", "actor", "actor_label", "channel", "action", "object_type", "object_id",
                  "object_repr", "unit_id", "changes", "job"]
        read_only_fields = fields
