"""Console forms of awareness: a bulletin draft (recipients by kind or by unit codes, the quiz as text, files)
and the quiz answer sheet."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from canhgac.awareness.models import Audience, Bulletin
from canhgac.awareness.services.bulletins import ATTACHMENT_MAX_BYTES, MAX_ATTACHMENTS
from canhgac.awareness.services.quiz import QUIZ_TEXT_MAX
from canhgac.constituency.models import Unit, UnitKind
from canhgac.core.ui.forms import ConsoleModelForm, MultipleFileField

CODES_MAX = 20000


class BulletinForm(ConsoleModelForm):
    unit_kinds = forms.MultipleChoiceField(label=_("Unit kinds"), choices=UnitKind.choices, required=False,
                                           widget=forms.CheckboxSelectMultiple)
    unit_codes = forms.CharField(
        label=_("Chosen units"), required=False, max_length=CODES_MAX, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Unit codes, separated by commas, spaces or new lines."))
    quiz = forms.CharField(
        label=_("Quiz"), required=False, max_length=QUIZ_TEXT_MAX, widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("One question per line, each followed by its answers on lines starting with - (wrong) or "
                    "* (the one correct answer). Leave empty for no quiz."))
    attachments = MultipleFileField(label=_("Attach files"), required=False, max_files=MAX_ATTACHMENTS,
                                    max_bytes=ATTACHMENT_MAX_BYTES,
                                    help_text=_("Screenshots, leaflets… at most 5 files of 10 MB."))

    class Meta:
        model = Bulletin
        fields = ["title", "kind", "topic", "body", "audience"]
        widgets = {"body": forms.Textarea(attrs={"rows": 10}), "audience": forms.RadioSelect}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["audience"].widget.attrs["class"] = "form-check-input"
        self.fields["unit_kinds"].widget.attrs["class"] = "form-check-input"
        if self.instance.pk:
            self.initial.setdefault("unit_kinds", self.instance.unit_kinds)
            self.initial.setdefault("unit_codes", "\n".join(self.instance.chosen_units.values_list("code", flat=True)))

    def clean_unit_codes(self) -> list[Unit]:
        codes = [code for code in re.split(r"[\s,;]+", self.cleaned_data.get("unit_codes", "")) if code]
        found = {unit.code: unit for unit in Unit.objects.filter(code__in=codes)}
        missing = [code for code in codes if code not in found]
        if missing:
            shown = ", ".join(code[:40] for code in missing[:10])
            raise ValidationError(_("No unit has the code: %(codes)s.") % {"codes": shown})
        return list(dict.fromkeys(found[code] for code in codes))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        self.instance.unit_kinds = cleaned.get("unit_kinds", []) if cleaned.get("audience") == Audience.KINDS else []
        return cleaned


class QuizAnswerForm(forms.Form):
    """Radios per question, named ``q<id>``; the service checks every answer belongs to its question."""

    def __init__(self, questions: list[Any], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for question in questions:
            self.fields[f"q{question.pk}"] = forms.TypedChoiceField(
                label=f"{question.position}. {question.text}", widget=forms.RadioSelect, coerce=str,
                choices=[(str(choice.pk), choice.text) for choice in question.choices.all()])
            self.fields[f"q{question.pk}"].widget.attrs["class"] = "form-check-input"

    def answers(self) -> dict[str, str]:
        return {name[1:]: value for name, value in self.cleaned_data.items()}
