"""Account serializers: the signed-in user, their tokens (the raw key shown once), and user administration."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import serializers

from canhgac.accounts.models import ApiToken, User
from canhgac.accounts.services import save_user
from canhgac.accounts.tokens import issue_token
from canhgac.constituency.models import Unit


class UnitRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Unit
        fields = ["id", "code", "name"]


class MeSerializer(serializers.ModelSerializer):
    units = UnitRefSerializer(many=True, read_only=True)

    class Meta:
        model = User
        fields = ["id", "username", "full_name", "email", "phone", "role", "units", "last_login"]
        read_only_fields = fields


class TokenSerializer(serializers.ModelSerializer):
    is_usable = serializers.BooleanField(read_only=True)

    class Meta:
        model = ApiToken
        fields = ["id", "name", "prefix", "read_only", "created_at", "last_used_at", "expires_at", "revoked_at",
                  "is_usable"]
        read_only_fields = ["id", "prefix", "created_at", "last_used_at", "revoked_at", "is_usable"]

    def validate_expires_at(self, value: Any) -> Any:
        if value is not None and value <= timezone.now():
            raise serializers.ValidationError(_("The expiry must be in the future."))
        return value

    def create(self, validated_data: dict[str, Any]) -> ApiToken:
        token, raw = issue_token(self.context["request"].user, validated_data["name"],
                                 read_only=validated_data.get("read_only", False),
                                 expires_at=validated_data.get("expires_at"))
        token.raw_key = raw  # type: ignore[attr-defined]
        return token


class NewTokenSerializer(TokenSerializer):
    key = serializers.CharField(source="raw_key", read_only=True,
                                help_text="The token itself, shown only in this answer: store it now.")

    class Meta(TokenSerializer.Meta):
        fields = [*TokenSerializer.Meta.fields, "key"]


class UserSerializer(serializers.ModelSerializer):
    password = serializers.CharField(write_only=True, required=False, style={"input_type": "password"},
                                     max_length=128, help_text="Required when creating a user.")

    class Meta:
        model = User
        fields = ["id", "username", "full_name", "email", "phone", "role", "units", "is_active", "password",
                  "last_login", "date_joined"]
        read_only_fields = ["last_login", "date_joined"]

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if self.instance is None and not attrs.get("password"):
            raise serializers.ValidationError({"password": [_("Give the new user a password.")]})
        instance: Any = self.instance
        own = instance is not None and instance.pk == self.context["request"].user.pk
        if own and (attrs.get("is_active") is False or attrs.get("role", instance.role) != instance.role):
            raise serializers.ValidationError(_("You cannot deactivate yourself or change your own role; "
                                                "ask another administrator."))
        return attrs

    def create(self, validated_data: dict[str, Any]) -> User:
        units, password = validated_data.pop("units", []), validated_data.pop("password")
        user = User(**validated_data)
        save_user(user, None, units=units, password=password)
        return user

    def update(self, instance: User, validated_data: dict[str, Any]) -> User:
        before = self.context["before"]
        units, password = validated_data.pop("units", None), validated_data.pop("password", None)
        for name, value in validated_data.items():
            setattr(instance, name, value)
        save_user(instance, before, units=units, password=password)
        return instance
