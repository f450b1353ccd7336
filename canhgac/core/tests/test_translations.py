"""The Vietnamese catalogue is complete, compiled from its source and keeps every placeholder.

The console is Vietnamese first: a string that reaches a user untranslated is a bug, so a new ``gettext`` string
without its translation fails here (and the check runs ``makemessages`` over a copy of the tree to find them).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.test import Client
from django.urls import reverse

PACKAGE = Path(__file__).resolve().parents[2]
CATALOGUE = PACKAGE / "locale" / "vi" / "LC_MESSAGES" / "django.po"
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]|\{[a-z_]+\}")


def translations(po: polib.POFile | polib.MOFile) -> dict[tuple[str | None, str], str]:
    """Keyed by context too: the same English word may mean two things (a letter's subject, a finding's subject)."""
    return {(entry.msgctxt, entry.msgid): entry.msgstr or entry.msgstr_plural.get(0, "") for entry in po if entry.msgid}


def test_every_entry_is_translated_and_none_is_fuzzy():
    po = polib.pofile(str(CATALOGUE))
    missing = [entry.msgid for entry in po if not entry.obsolete and (not entry.translated() or entry.fuzzy)]
    assert not missing, f"untranslated or fuzzy: {missing[:20]}"


def test_placeholders_are_kept_in_translations():
    po = polib.pofile(str(CATALOGUE))
    broken = [entry.msgid for entry in po if entry.msgstr and
              sorted(PLACEHOLDER.findall(entry.msgid)) != sorted(PLACEHOLDER.findall(entry.msgstr))]
    assert not broken, f"placeholders differ: {broken}"


def test_compiled_catalogue_matches_the_source():
    compiled = polib.mofile(str(CATALOGUE.with_suffix(".mo")))
    assert translations(compiled) == translations(polib.pofile(str(CATALOGUE))), "run scripts/messages to compile"


@pytest.mark.slow
def test_every_source_string_is_in_the_catalogue(tmp_path):
    """Extract the strings of a copy of the package and compare with the committed catalogue."""
    copy = tmp_path / "canhgac"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
    subprocess.run([sys.executable, "-m", "django", "makemessages", "-l", "vi", "--no-location",
                    "--ignore", "*/tests/*", "--no-obsolete"], cwd=copy, check=True, capture_output=True)
    fresh = polib.pofile(str(copy / "locale" / "vi" / "LC_MESSAGES" / "django.po"))
    new = sorted(entry.msgid for entry in fresh if entry.msgid and not entry.translated())
    assert not new, f"strings without a Vietnamese translation (run scripts/messages): {new[:30]}"


@pytest.mark.django_db
def test_console_speaks_vietnamese_by_default_and_english_on_request():
    client = Client()
    assert "Đăng nhập" in client.get(reverse("accounts:login")).content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert "Sign in to Canh Gác" in client.get(reverse("accounts:login")).content.decode()


@pytest.mark.django_db
def test_an_english_browser_still_gets_vietnamese_until_the_user_switches():
    client = Client(HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert "Đăng nhập" in client.get(reverse("accounts:login")).content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert "Sign in to Canh Gác" in client.get(reverse("accounts:login")).content.decode()
    client.post(reverse("set_language"), {"language": "vi", "next": "/"})
    assert "Đăng nhập Canh Gác" in client.get(reverse("accounts:login")).content.decode()
