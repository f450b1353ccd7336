"""What a producer hands over: the text of one unit's notice, its files, and what it is about.

Producers render their own wording (their templates live in their app); :func:`render_notice` does the usual
part: subject, text and optional HTML from ``<prefix>_subject.txt``, ``<prefix>.txt`` and ``<prefix>.html``, in
the language of the letters (Vietnamese unless told otherwise).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import models
from django.template import Context, TemplateDoesNotExist, engines
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

LETTER_LANGUAGE = "vi"


@dataclass(frozen=True)
class Attachment:
    name: str
    content_type: str
    content: bytes


@dataclass(frozen=True)
class SourceRef:
    """The object a notice is about, e.g. the feed batch: stored as app label, model name and id."""

    app: str
    model: str
    id: str

    @classmethod
    def of(cls, instance: models.Model) -> SourceRef:
        return cls(instance._meta.app_label, instance._meta.model_name or "", str(instance.pk))


@dataclass(frozen=True)
class NoticeContent:
    subject: str
    body: str
    body_html: str = ""
    attachments: tuple[Attachment, ...] = field(default_factory=tuple)


def render_notice(prefix: str, context: dict[str, Any], attachments: tuple[Attachment, ...] = (),
                  language: str = LETTER_LANGUAGE) -> NoticeContent:
    """Render ``<prefix>_subject.txt``, ``<prefix>.txt`` and, when the producer has one, ``<prefix>.html``.

    The text parts are rendered without HTML escaping (a unit named "A & B" stays so in a plain-text mail); the
    HTML part is escaped as every page is.
    """
    with translation.override(language):
        subject = " ".join(render_text(f"{prefix}_subject.txt", context).split())
        body = render_text(f"{prefix}.txt", context).strip() + "\n"
        try:
            body_html = str(render_to_string(f"{prefix}.html", context))
        except TemplateDoesNotExist:
            body_html = ""
    return NoticeContent(subject=subject, body=body, body_html=body_html, attachments=attachments)


def render_text(name: str, context: dict[str, Any]) -> str:
    template = engines["django"].get_template(name).template  # type: ignore[attr-defined]
    return template.render(Context(context, autoescape=False))


def console_link(viewname: str, *args: Any) -> str:
    """The absolute address of a console page, for the e-mail bodies of notices: every producer builds its links
    here, from ``CANHGAC_SITE_URL`` (an e-mail has no page to be relative to)."""
    return settings.SITE_URL.rstrip("/") + reverse(viewname, args=args)
