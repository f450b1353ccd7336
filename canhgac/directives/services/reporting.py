"""What a unit does with its copy: acknowledge receipt, report on each task, attach evidence.

Officers act on their own units' copies only (the views fetch them through ``for_user``; these functions check
again with :func:`canhgac.core.scoping.may_write`). Reporting on a task acknowledges receipt as well: a unit that
reports has plainly received the directive.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from canhgac.core.access import ADD, CHANGE
from canhgac.core.audit import build_entry, diff, save_audited, snapshot
from canhgac.core.models import AuditAction
from canhgac.core.scoping import may_write
from canhgac.directives.models import Evidence, Recipient, ReportState, TaskReport

NOTE_MAX = 4000
EVIDENCE_MAX_BYTES = 10 * 1024 * 1024
EVIDENCE_PER_REPORT = 10
NAME_MAX = 200


@dataclass(frozen=True)
class EvidenceKind:
    extension: str
    content_type: str
    magic: tuple[bytes, ...]
    """What the file must start with; empty for text (which must be UTF-8 without NUL bytes)."""


EVIDENCE_KINDS = {kind.extension: kind for kind in (
    EvidenceKind("pdf", "application/pdf", (b"%PDF-",)),
    EvidenceKind("png", "image/png", (b"\x89PNG\r\n\x1a\n",)),
    EvidenceKind("jpg", "image/jpeg", (b"\xff\xd8\xff",)),
    EvidenceKind("jpeg", "image/jpeg", (b"\xff\xd8\xff",)),
    EvidenceKind("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", (b"PK\x03\x04",)),
    EvidenceKind("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (b"PK\x03\x04",)),
    EvidenceKind("zip", "application/zip", (b"PK\x03\x04",)),
    EvidenceKind("txt", "text/plain", ()),
    EvidenceKind("csv", "text/csv", ()),
)}


def acknowledge(recipient: Recipient, user: Any) -> bool:
    """Mark the copy received (by ``user``, now); whether it was not yet."""
    if not may_write(user, CHANGE, recipient):
        raise PermissionDenied(_("You may not acknowledge this unit's directives."))
    if recipient.acknowledged_at is not None:
        return False
    before = snapshot(recipient)
    recipient.acknowledged_at = timezone.now()
    recipient.acknowledged_by = user if getattr(user, "is_authenticated", False) else None
    return save_audited(recipient, before)


def report_task(report: TaskReport, user: Any, state: str, note: str = "") -> bool:
    """Record where the unit stands on one task; whether anything changed. Partly done and not applicable need
    a note saying why (the SOC reads it when it sends the summary up)."""
    if not may_write(user, CHANGE, report):
        raise PermissionDenied(_("You may not report for this unit."))
    if state not in ReportState.values or state == ReportState.PENDING:
        raise ValidationError({"state": [_("Choose done, partly done or not applicable.")]})
    note = note.strip()
    if len(note) > NOTE_MAX:
        raise ValidationError({"note": [_("A note has at most %(limit)d characters.") % {"limit": NOTE_MAX}]})
    if state in (ReportState.PARTLY, ReportState.NOT_APPLICABLE) and not note:
        raise ValidationError({"note": [_("Say why in a note: “%(state)s” needs one.")
                                        % {"state": ReportState(state).label}]})
    with transaction.atomic():
        acknowledge_quietly(report.recipient, user)
        before = snapshot(report)
        report.state, report.note = state, note
        report.reported_at = timezone.now()
        report.reported_by = user if getattr(user, "is_authenticated", False) else None
        return save_audited(report, before)


def acknowledge_quietly(recipient: Recipient, user: Any) -> None:
    if recipient.acknowledged_at is None:
        acknowledge(recipient, user)


def evidence_kind(name: str, content: bytes) -> EvidenceKind:
    """The accepted kind of an uploaded file, judged by its extension *and* its first bytes."""
    extension = PurePath(name).suffix.lower().lstrip(".")
    kind = EVIDENCE_KINDS.get(extension)
    if kind is None:
        raise ValidationError({"file": [_("“%(name)s”: evidence is a PDF, image (PNG, JPEG), DOCX, XLSX, ZIP, TXT "
                                          "or CSV file.") % {"name": name[:NAME_MAX]}]})
    if kind.magic and not content.startswith(kind.magic):
        raise ValidationError({"file": [_("“%(name)s” is not really a %(kind)s file.")
                                        % {"name": name[:NAME_MAX], "kind": extension.upper()}]})
    if not kind.magic:
        try:
            content.decode("utf-8")
        except UnicodeDecodeError as error:
            raise ValidationError({"file": [_("“%(name)s” is not UTF-8 text.") % {"name": name[:NAME_MAX]}]}) \
                from error
        if b"\x00" in content:
            raise ValidationError({"file": [_("“%(name)s” is not UTF-8 text.") % {"name": name[:NAME_MAX]}]})
    return kind


def safe_name(name: str) -> str:
    """The sender's file name as shown and offered for download: no folders, no control characters."""
    base = PurePath(name.replace("\\", "/")).name
    cleaned = "".join(ch for ch in base if ch.isprintable() and ch not in '<>:"|?*').strip(" .")
    return cleaned[-NAME_MAX:] or "evidence"


def add_evidence(report: TaskReport, user: Any, name: str, content: bytes) -> Evidence:
    """Keep an evidence file of a report. The file is stored under a name of our own (report id and a random
    token), never the sender's: a name like ``../../settings.py`` only ever becomes the label shown."""
    if not may_write(user, ADD, report) or not may_write(user, CHANGE, report):
        raise PermissionDenied(_("You may not report for this unit."))
    if len(content) == 0:
        raise ValidationError({"file": [_("The file is empty.")]})
    if len(content) > EVIDENCE_MAX_BYTES:
        raise ValidationError({"file": [_("A file has at most %(limit)d MB.")
                                        % {"limit": EVIDENCE_MAX_BYTES // (1024 * 1024)}]})
    if Evidence.objects.filter(report=report).count() >= EVIDENCE_PER_REPORT:
        raise ValidationError({"file": [_("A task has at most %(limit)d evidence files.")
                                        % {"limit": EVIDENCE_PER_REPORT}]})
    kind = evidence_kind(name, content)
    stored = f"{report.recipient.directive_id}/{report.pk}-{secrets.token_hex(16)}.{kind.extension}"
    evidence = Evidence(report=report, name=safe_name(name), content_type=kind.content_type, size=len(content),
                        sha256=hashlib.sha256(content).hexdigest(),
                        uploaded_by=user if getattr(user, "is_authenticated", False) else None)
    with transaction.atomic():
        evidence.file.save(stored, ContentFile(content), save=False)
        try:
            evidence.save()
            build_entry(AuditAction.CREATE, evidence, diff(None, snapshot(evidence))).save()
        except Exception:
            evidence.file.delete(save=False)
            raise
    return evidence

