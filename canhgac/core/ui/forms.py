"""Console forms: Bootstrap classes on every widget, so templates render fields with one include; the one field
for uploading several files at once."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

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


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (Django's documented pattern): at most ``max_files``, each at most ``max_bytes``
    (the upload limit unless given), refused with the file's name; a list of the files, empty when none is
    required."""

    widget = MultipleFileInput

    def __init__(self, *args: Any, max_files: int, max_bytes: int | None = None, accept: str = "",
                 **kwargs: Any) -> None:
        if accept:
            kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": accept}))
        super().__init__(*args, **kwargs)
        self.max_files, self.max_bytes = max_files, max_bytes

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        files = [item for item in (data if isinstance(data, list | tuple) else [data]) if item]
        if not files:
            if self.required:
                raise ValidationError(_("Choose at least one file."), code="required")
            return []
        if len(files) > self.max_files:
            raise ValidationError(_("At most %(limit)d files at a time.") % {"limit": self.max_files})
        cleaned = [super(MultipleFileField, self).clean(item, initial) for item in files]
        limit = settings.MAX_UPLOAD_BYTES if self.max_bytes is None else self.max_bytes
        for upload in cleaned:
            if upload.size > limit:
                raise ValidationError(_("“%(name)s” is larger than the %(limit)d MB allowed.")
                                      % {"name": upload.name, "limit": limit >> 20})
        return cleaned
