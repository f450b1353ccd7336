"""Console forms: Bootstrap classes on every widget, so templates render fields with one include."""

from __future__ import annotations

import re
from typing import Any

from django import forms

_CLASS_BY_WIDGET = {
    "checkbox": "form-check-input",
    "select": "form-select",
    "selectmultiple": "form-select",
    "nullbooleanselect": "form-select",
}


def style_widgets(form: forms.BaseForm, small: bool = False) -> forms.BaseForm:
    for field in form.fields.values():
        widget = field.widget
        kind = re.sub(r"widget$|input$", "", widget.__class__.__name__.lower())  # as BoundField.widget_type
        css = _CLASS_BY_WIDGET.get(kind, "form-control")
        if small and css != "form-check-input":
            css += " form-select-sm" if css == "form-select" else " form-control-sm"
        widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()
    return form


class ConsoleForm(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_widgets(self)


class ConsoleModelForm(forms.ModelForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_widgets(self)
