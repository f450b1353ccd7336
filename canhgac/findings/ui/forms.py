"""Forms of the findings console: one step of one finding, and the SOC's bulk step."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from canhgac.core.ui.forms import ConsoleForm
from canhgac.findings.models import FindingState
from canhgac.findings.workflow import NOTE_MAX, needs_note, next_states


class TransitionForm(ConsoleForm):
    """Offers the states this user may move the finding to and says which need a note. Any state is accepted
    here: the service has the final word on every rule, and its refusal says what is allowed instead."""

    state = forms.CharField(label=_("Move to"), max_length=40, widget=forms.Select)
    note = forms.CharField(label=_("Note"), required=False, max_length=NOTE_MAX,
                           widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, user: Any, current_state: str, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        labels = dict(FindingState.choices)
        targets = next_states(user, current_state)
        self.fields["state"].widget.choices = [(state, labels[state]) for state in targets]
        with_note = [str(labels[state]) for state in targets if needs_note(current_state, state)]
        if with_note:
            self.fields["note"].help_text = _("A note saying why is needed to move it to: %(states)s.") % {
                "states": ", ".join(with_note)}
        self.targets = targets


class BulkTransitionForm(ConsoleForm):
    """Selected rows (``ids``) or every finding matching the list's filter (``query``, the list's query string)."""

    SELECTED, MATCHING = "selected", "matching"
    scope = forms.ChoiceField(label=_("Apply to"), widget=forms.RadioSelect,
                              choices=[(SELECTED, _("the selected findings")),
                                       (MATCHING, _("every finding matching the filter"))], initial=SELECTED)
    state = forms.ChoiceField(label=_("Move to"), choices=[("", "---------"), *FindingState.choices])
    note = forms.CharField(label=_("Note"), required=False, max_length=NOTE_MAX,
                           widget=forms.Textarea(attrs={"rows": 2}))
    query = forms.CharField(required=False, widget=forms.HiddenInput, max_length=4000)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["scope"].widget.attrs["class"] = "form-check-input"  # radios, not text boxes
        self.ids: list[int] = []
        self.bad_ids = 0

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        values = self.data.getlist("ids") if hasattr(self.data, "getlist") else []
        for value in values[:10000]:
            if str(value).isdigit() and len(str(value)) < 19:
                self.ids.append(int(value))
            else:
                self.bad_ids += 1
        if cleaned.get("scope") == self.SELECTED and not values:
            raise forms.ValidationError(_("Select the findings to move, or apply the step to every finding "
                                          "matching the filter."))
        return cleaned
