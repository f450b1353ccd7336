"""Awareness in the API: bulletins with their quiz (never the correct answers), an answer sheet, per-unit results."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from canhgac.awareness.models import Bulletin, BulletinRecipient, QuizChoice, QuizQuestion
from canhgac.awareness.services.quiz import MAX_QUESTIONS


class QuizChoiceSerializer(serializers.ModelSerializer):
    class Meta:
        model = QuizChoice
        fields = ["id", "position", "text"]
        read_only_fields = fields


class QuizQuestionSerializer(serializers.ModelSerializer):
    choices = QuizChoiceSerializer(many=True, read_only=True)

    class Meta:
        model = QuizQuestion
        fields = ["id", "position", "text", "choices"]
        read_only_fields = fields


class BulletinSerializer(serializers.ModelSerializer):
    class Meta:
        model = Bulletin
        fields = ["id", "title", "kind", "topic", "audience", "unit_kinds", "published_at", "created_at"]
        read_only_fields = fields


class BulletinDetailSerializer(BulletinSerializer):
    questions = QuizQuestionSerializer(many=True, read_only=True)
    attachments = serializers.SerializerMethodField()

    class Meta(BulletinSerializer.Meta):
        fields = [*BulletinSerializer.Meta.fields, "body", "questions", "attachments"]
        read_only_fields = fields

    def get_attachments(self, bulletin: Bulletin) -> list[dict[str, Any]]:
        return [{"id": item.pk, "name": item.name, "size": item.size} for item in bulletin.attachments.all()]


class AnswerSheetSerializer(serializers.Serializer):
    answers = serializers.DictField(child=serializers.CharField(max_length=12), allow_empty=False,
                                    help_text="Question id → the chosen answer's id, for every question.")

    def validate_answers(self, value: dict[str, Any]) -> dict[str, Any]:
        if len(value) > MAX_QUESTIONS:
            raise serializers.ValidationError(f"At most {MAX_QUESTIONS} answers.")
        return value


class AttemptSerializer(serializers.Serializer):
    score = serializers.IntegerField()
    total = serializers.IntegerField()


class UnitResultSerializer(serializers.ModelSerializer):
    unit_code = serializers.CharField(source="unit.code", read_only=True)
    readers = serializers.IntegerField(read_only=True, help_text="People of the unit who opened it.")
    participants = serializers.IntegerField(read_only=True, help_text="People of the unit who answered the quiz.")
    average = serializers.FloatField(read_only=True, allow_null=True, help_text="Average score, in percent.")

    class Meta:
        model = BulletinRecipient
        fields = ["unit", "unit_code", "sent_at", "first_read_at", "readers", "participants", "average"]
        read_only_fields = fields
