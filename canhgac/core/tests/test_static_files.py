"""The bundled static files are served by WhiteNoise straight from the installed package: no collect step."""

from __future__ import annotations

import warnings

from django.conf import settings
from django.test import Client


def test_bundled_files_are_served_without_collectstatic_and_without_warnings() -> None:
    assert settings.STATIC_ROOT is None
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # WhiteNoise warned "No directory at …/static/" for every client
        client = Client()
        styles = client.get("/static/vendor/bootstrap-5.3.9/bootstrap.min.css")
        script = client.get("/static/vendor/htmx-2.0.11/htmx.min.js")
    assert styles.status_code == 200 and styles["Content-Type"].startswith("text/css")
    assert script.status_code == 200 and "javascript" in script["Content-Type"]
    assert b"htmx" in b"".join(script.streaming_content)  # type: ignore[attr-defined]


def test_a_missing_or_escaping_static_path_is_not_served(db: None) -> None:
    client = Client()
    assert client.get("/static/vendor/nothing-here.js").status_code == 404
    assert client.get("/static/../settings.py").status_code == 404
    assert client.get("/static/%2e%2e/settings.py").status_code == 404
