"""The one multiple-file upload field of the console (feeds, advisories and awareness forms use it)."""

from __future__ import annotations

from typing import Any

import pytest
from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.datastructures import MultiValueDict

from canhgac.core.ui.forms import MultipleFileField


class UploadForm(forms.Form):
    files = MultipleFileField(max_files=3, max_bytes=2 << 20, accept=".json")  # type: ignore[assignment]
    extras = MultipleFileField(max_files=2, required=False)


def bound(files: list[Any], extras: list[Any] | None = None) -> UploadForm:
    return UploadForm(data={}, files=MultiValueDict({"files": files, "extras": extras or []}))


def upload(name: str, size: int = 10) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"x" * size)


def test_every_file_of_the_field_is_kept_in_order(english: None) -> None:
    form = bound([upload("a.json"), upload("b.json")])
    assert form.is_valid(), form.errors
    assert [item.name for item in form.cleaned_data["files"]] == ["a.json", "b.json"]
    assert form.cleaned_data["extras"] == []
    assert 'multiple' in str(form["files"]) and 'accept=".json"' in str(form["files"])


@pytest.mark.parametrize(("files", "message"), [
    ([], "Choose at least one file."),
    ([upload(f"{n}.json") for n in range(4)], "At most 3 files at a time."),
    ([upload("ok.json"), upload("big<b>.json", (2 << 20) + 1)], "“big<b>.json” is larger than the 2 MB allowed."),
    ([upload("empty.json", 0)], "The submitted file is empty."),
])
def test_a_refused_upload_names_its_reason(english: None, files: list[Any], message: str) -> None:
    form = bound(files)
    assert not form.is_valid()
    assert form.errors["files"] == [message]


def test_an_optional_field_still_counts_its_files(english: None) -> None:
    form = bound([upload("a.json")], [upload(f"{n}.png") for n in range(3)])
    assert form.errors["extras"] == ["At most 2 files at a time."]
