"""Console forms of duty: rosters and people (the unit limited to the user's own), and the small action forms."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from canhgac.accounts.models import User
from canhgac.constituency.ui.forms import ScopedModelForm
from canhgac.core.access import Role
from canhgac.core.scoping import visible_unit_ids
from canhgac.core.ui.forms import ConsoleForm
from canhgac.duty.models import Assignment, DutyPerson, LogKind, Roster
from canhgac.duty.services.staffing import LOG_TEXT_MAX

DATE_INPUTS = ["%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y"]


def choice(form: forms.BaseForm, name: str) -> forms.ModelChoiceField:
    return cast(forms.ModelChoiceField, form.fields[name])


class RosterForm(ScopedModelForm):
    class Meta:
        model = Roster
        fields = ["unit", "name", "starts_on", "ends_on", "pattern", "custom_hours", "day_starts_at", "holiday",
                  "check_in_grace", "notes"]
        widgets = {"starts_on": forms.DateInput(attrs={"placeholder": "30/04/2026"}),
                   "ends_on": forms.DateInput(attrs={"placeholder": "01/05/2026"}),
                   "day_starts_at": forms.TimeInput(attrs={"placeholder": "07:00"}, format="%H:%M"),
                   "notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice(self, "unit").empty_label = _("— the SOC's own duty —")
        for name in ("starts_on", "ends_on"):  # dd/mm/yyyy in every language, as the placeholders show
            cast(forms.DateField, self.fields[name]).input_formats = DATE_INPUTS


class DutyPersonForm(ScopedModelForm):
    class Meta:
        model = DutyPerson
        fields = ["unit", "name", "phone", "email", "user", "active"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice(self, "unit").empty_label = _("— the SOC's own staff —")
        units = visible_unit_ids(self.user)
        accounts = User.objects.filter(is_active=True).order_by("username")
        if units is not None:  # an officer links people to accounts of their own units only
            accounts = accounts.filter(role=Role.UNIT_OFFICER, units__in=units).distinct()
        choice(self, "user").queryset = accounts
        self.fields["user"].required = False


class AssignForm(ConsoleForm):
    person = forms.ModelChoiceField(label=_("Person"), queryset=DutyPerson.objects.none())

    def __init__(self, people: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice(self, "person").queryset = people


class SwapForm(ConsoleForm):
    taker = forms.ModelChoiceField(label=_("Give the shift to"), queryset=DutyPerson.objects.none())
    wanted = forms.ModelChoiceField(label=_("Take in exchange (optional)"), required=False,
                                    queryset=Assignment.objects.none())
    note = forms.CharField(label=_("Note"), required=False, max_length=500)

    def __init__(self, people: Any, their_shifts: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice(self, "taker").queryset = people
        wanted = choice(self, "wanted")
        wanted.queryset = their_shifts
        wanted.label_from_instance = lambda assignment: f"{assignment.person} – {assignment.shift}"  # type: ignore[method-assign,assignment]


class LogEntryForm(ConsoleForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=LogKind.choices)
    text = forms.CharField(label=_("Text"), max_length=LOG_TEXT_MAX, widget=forms.Textarea(attrs={"rows": 3}))
