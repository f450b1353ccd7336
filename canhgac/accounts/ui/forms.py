"""Console forms of accounts: API tokens, one's own password, and user administration.

Forms only validate; saving goes through :mod:`canhgac.accounts.services` and :mod:`canhgac.accounts.tokens`,
which record the audit trail.
"""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.contrib.auth.forms import PasswordChangeForm
from django.contrib.auth.password_validation import password_validators_help_text_html
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from canhgac.accounts.models import User
from canhgac.constituency.models import Unit
from canhgac.core.access import Role
from canhgac.core.ui.forms import ConsoleForm, ConsoleModelForm, style_widgets


class TokenForm(ConsoleForm):
    name = forms.CharField(label=_("Name"), max_length=100,
                           help_text=_("What the token is for, e.g. the script or machine that uses it."))
    read_only = forms.BooleanField(label=_("Read-only (the token may read but never change anything)"),
                                   required=False)
    expires_on = forms.DateField(label=_("Valid until (inclusive)"), required=False,
                                 widget=forms.DateInput(attrs={"type": "date"}),
                                 help_text=_("Leave empty for a token that stays valid until it is revoked."))

    def clean_expires_on(self) -> datetime.date | None:
        day = self.cleaned_data.get("expires_on")
        if day is not None and day < timezone.localdate():
            raise ValidationError(_("The expiry must be in the future."))
        return day

    def expires_at(self) -> datetime.datetime | None:
        """The end of the chosen day, in the server's time zone."""
        day = self.cleaned_data.get("expires_on")
        if day is None:
            return None
        next_midnight = datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min)
        return timezone.make_aware(next_midnight)


class ConsolePasswordChangeForm(PasswordChangeForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_widgets(self)


class UnitChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.code} — {obj.name}"


class UserForm(ConsoleModelForm):
    """Creating (a password is required) or editing a user; the editing administrator is ``actor``.

    An administrator cannot deactivate or demote themselves, so that the deployment never loses its last one by
    accident; another administrator has to do it, as in the API.
    """

    units = UnitChoiceField(label=_("Units"), queryset=Unit.objects.order_by("code"), required=False,
                            widget=forms.SelectMultiple(attrs={"size": 10}),
                            help_text=_("A unit officer sees these units and all their sub-units."))
    password1 = forms.CharField(label=_("Password"), strip=False, required=False,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    password2 = forms.CharField(label=_("Password again"), strip=False, required=False,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    class Meta:
        model = User
        fields = ["username", "full_name", "email", "phone", "role", "units", "is_active"]

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.actor = actor
        self.creating = self.instance._state.adding
        self.original_role = None if self.creating else self.instance.role
        self.fields["password1"].help_text = password_validators_help_text_html()
        if self.creating:
            self.fields["password1"].required = self.fields["password2"].required = True
        else:
            self.fields["password1"].label = _("New password")
            self.fields["password1"].help_text = _("Leave empty to keep the current password.")
            self.fields["password2"].label = _("New password again")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if (first or second) and first != second:
            self.add_error("password2", _("The two passwords differ."))
        if cleaned.get("role") == Role.UNIT_OFFICER and not cleaned.get("units"):
            self.add_error("units", _("A unit officer must be bound to at least one unit."))
        if self.is_self() and (cleaned.get("is_active") is False or cleaned.get("role") != self.original_role):
            raise ValidationError(_("You cannot deactivate yourself or change your own role; "
                                    "ask another administrator."))
        return cleaned

    def is_self(self) -> bool:
        return not self.creating and self.instance.pk == getattr(self.actor, "pk", None)

    def new_password(self) -> str | None:
        return self.cleaned_data.get("password1") or None

