"""The access matrix: every URL pattern of the project × every role × an object of the user's own / another unit.

Routes are found by walking the URL resolver, so a new route that is not classified in ``ROUTES`` fails
:func:`test_every_route_is_classified` — nothing can escape the matrix. Each row names the kind of object that
fills the URL (or the request) and the rule that says, per role, what must happen when reading and writing an
object of the user's own unit and of another unit.

Outcomes: ``ok`` 2xx/3xx (not to the login page) · ``400`` refused as invalid (e.g. creating into another unit) ·
``403`` · ``404`` (hidden) · ``pass`` let through (anything but 401/403/404; used where the probe request is
deliberately incomplete, e.g. an import without a file) · ``login`` (anonymous: the console redirects to the
login page, the API answers 401/403) · ``listed`` / ``hidden`` a list answer that does / does not contain the
object · ``-`` the route has no such method (a write method appearing there fails the matrix). PUT is not
probed: it shares PATCH's permission path.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.conf import settings
from django.db import transaction
from django.shortcuts import resolve_url
from django.test import Client
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse
from rest_framework.test import APIClient

from canhgac.accounts.tests.factories import UserFactory
from canhgac.accounts.tokens import issue_token
from canhgac.advisories.tests.factories import AdvisoryBatchFactory, AdvisoryFactory, ExposureFactory
from canhgac.awareness.tests.factories import BulletinAttachmentFactory, PublishedBulletinFactory
from canhgac.constituency.models import Operator
from canhgac.constituency.tests.factories import (
    AssetFactory,
    ContactFactory,
    DomainFactory,
    InformationSystemFactory,
    NetblockFactory,
)
from canhgac.core.access import Role
from canhgac.core.models import AuditEntry, Job
from canhgac.directives.tests.factories import DirectiveFactory, EvidenceFactory, RecipientFactory, ReportFactory
from canhgac.duty.tests.factories import (
    AssignmentFactory,
    DutyAlertFactory,
    DutyPersonFactory,
    LogEntryFactory,
    RosterFactory,
    ShiftFactory,
    SwapRequestFactory,
)
from canhgac.findings.tests.factories import FindingFactory
from canhgac.intel.tests.factories import FeedSourceFactory, HitFactory
from canhgac.notifications.tests.factories import AttachmentFactory, NoticeFactory

ADMIN, ANALYST, OFFICER, AUDITOR, ANON = Role.SOC_ADMIN, Role.SOC_ANALYST, Role.UNIT_OFFICER, Role.AUDITOR, None
ROLES = [ADMIN, ANALYST, OFFICER, AUDITOR, ANON]
OK4 = "ok ok ok ok"

# Rule → role → "read-own read-other write-own write-other".
RULES: dict[str, dict[Any, str]] = {
    "public": {ADMIN: OK4, ANALYST: OK4, OFFICER: OK4, AUDITOR: OK4, ANON: OK4},
    "signed_in": {ADMIN: OK4, ANALYST: OK4, OFFICER: OK4, AUDITOR: OK4},
    "officer_edits": {ADMIN: OK4, ANALYST: OK4, OFFICER: "ok 404 ok 404", AUDITOR: "ok ok 403 403"},
    "officer_edits_list": {ADMIN: "listed listed ok ok", ANALYST: "listed listed ok ok",
                           OFFICER: "listed hidden ok 400", AUDITOR: "listed listed 403 403"},
    "soc_edits": {ADMIN: OK4, ANALYST: OK4, OFFICER: "ok 404 403 403", AUDITOR: "ok ok 403 403"},
    "soc_edits_list": {ADMIN: "listed listed ok ok", ANALYST: "listed listed ok ok",
                       OFFICER: "listed hidden 403 403", AUDITOR: "listed listed 403 403"},
    "operator": {ADMIN: OK4, ANALYST: "ok ok 403 403", OFFICER: "403 403 403 403", AUDITOR: "ok ok 403 403"},
    "accounts_admin": {ADMIN: OK4, ANALYST: "403 403 403 403", OFFICER: "403 403 403 403",
                       AUDITOR: "403 403 403 403"},
    "own_only": {ADMIN: "ok 404 ok 404", ANALYST: "ok 404 ok 404", OFFICER: "ok 404 ok 404",
                 AUDITOR: "ok 404 ok 404"},
    "own_list": {ADMIN: "listed hidden ok ok", ANALYST: "listed hidden ok ok", OFFICER: "listed hidden ok ok",
                 AUDITOR: "listed hidden ok ok"},
    "jobs_list": {ADMIN: "listed listed - -", ANALYST: "listed listed - -", OFFICER: "listed hidden - -",
                  AUDITOR: "listed listed - -"},
    "audit": {ADMIN: OK4, ANALYST: "403 403 403 403", OFFICER: "403 403 403 403", AUDITOR: OK4},
    "jobs": {ADMIN: "ok ok - -", ANALYST: "ok ok - -", OFFICER: "ok 404 - -", AUDITOR: "ok ok - -"},
    "lookup": {ADMIN: OK4, ANALYST: OK4, OFFICER: "ok 404 ok 404", AUDITOR: OK4},
    "sign_out": {role: "405 405 login login" for role in (ADMIN, ANALYST, OFFICER, AUDITOR, ANON)},
    "import": {ADMIN: "pass pass pass pass", ANALYST: "pass pass pass pass", OFFICER: "pass pass pass 403",
               AUDITOR: "403 403 403 403"},
    "export": {ADMIN: "pass pass pass pass", ANALYST: "pass pass pass pass", OFFICER: "pass pass pass pass",
               AUDITOR: "pass pass pass pass"},
    # console import page: officers may import contacts/assets (into their own units: checked per row by the job)
    "importer": {ADMIN: OK4, ANALYST: OK4, OFFICER: OK4, AUDITOR: "403 403 403 403"},
    # an edit page of administrators' data: its form is refused (403) even to those who may read the data
    "operator_edit": {ADMIN: OK4, ANALYST: "403 403 403 403", OFFICER: "403 403 403 403",
                      AUDITOR: "403 403 403 403"},
    # console registry pages (forms that refuse input re-render 200: officers' refusals are tested in
    # constituency/tests/test_ui_forms.py; list rows hidden from officers in test_ui_pages.py)
    "console_list": {ADMIN: "ok ok - -", ANALYST: "ok ok - -", OFFICER: "ok ok - -", AUDITOR: "ok ok - -"},
    "console_officer_add": {ADMIN: OK4, ANALYST: OK4, OFFICER: OK4, AUDITOR: "403 403 403 403"},
    "console_officer_change": {ADMIN: OK4, ANALYST: OK4, OFFICER: "ok 404 ok 404", AUDITOR: "403 403 403 403"},
    "console_soc_write": {ADMIN: OK4, ANALYST: OK4, OFFICER: "403 403 403 403", AUDITOR: "403 403 403 403"},
    # API actions that take a body (probed with an empty one: 400 once access is granted)
    "officer_action": {ADMIN: "- - pass pass", ANALYST: "- - pass pass", OFFICER: "- - pass 404",
                       AUDITOR: "- - 403 403"},
    "soc_action": {ADMIN: "- - pass pass", ANALYST: "- - pass pass", OFFICER: "- - 403 403",
                   AUDITOR: "- - 403 403"},
    # read-only API of what concerns every unit (advisories): the SOC and auditors read, officers are refused
    "soc_reads": {ADMIN: "ok ok - -", ANALYST: "ok ok - -", OFFICER: "403 403 - -", AUDITOR: "ok ok - -"},
    # read-only API of unit-owned rows (exposures): officers read their units' only
    "officer_reads_list": {ADMIN: "listed listed - -", ANALYST: "listed listed - -", OFFICER: "listed hidden - -",
                           AUDITOR: "listed listed - -"},
    "officer_reads": {ADMIN: "ok ok - -", ANALYST: "ok ok - -", OFFICER: "ok 404 - -", AUDITOR: "ok ok - -"},
    # API of what the SOC writes and reads alone (directives): officers are refused, auditors read
    "soc_writes_list": {ADMIN: "listed listed pass pass", ANALYST: "listed listed pass pass",
                        OFFICER: "403 403 403 403", AUDITOR: "listed listed 403 403"},
    # a console page about a whole batch (its warnings to the units): the SOC and auditors read it, the SOC acts
    "soc_console": {ADMIN: OK4, ANALYST: OK4, OFFICER: "403 403 403 403", AUDITOR: "ok ok 403 403"},
    # a download of such a page that needs more than the probe gives: the SOC and auditors pass, officers are refused
    "soc_download": {ADMIN: "pass pass - -", ANALYST: "pass pass - -", OFFICER: "403 403 - -",
                     AUDITOR: "pass pass - -"},
    # a secret link (the duty calendar): no session is asked, only the token; the probes fill it with an id,
    # which is no token, so everyone gets 404 (the real link: duty/tests/test_feed.py)
    "secret_link": {role: "404 404 - -" for role in (ADMIN, ANALYST, OFFICER, AUDITOR, ANON)},
}


@dataclass(frozen=True)
class Row:
    target: str | None
    """What fills the URL or the request: an object kind (own vs other unit's), ``kind`` or ``ip``; None: nothing."""
    rule: str


# Route name → what fills it and which rule applies. Console rows use the same targets and rules
# (e.g. "constituency:asset_detail": Row("asset", "officer_edits")); URL kwargs ``pk`` take the target's id,
# ``kind`` the target itself. A console form that refuses input re-renders with 200, so a console create route
# needs a rule whose officer "write other" is ``ok`` (the refusal is then tested in the console's own tests).
ROUTES: dict[str, Row] = {
    # Django and the schema
    "set_language": Row(None, "public"),
    "api-schema": Row(None, "public"),
    # Console
    "web:home": Row(None, "signed_in"),
    "accounts:login": Row(None, "public"),
    "accounts:logout": Row(None, "sign_out"),  # POST only; signing out lands on the login page
    # Console: jobs, audit, accounts, import/export, operator
    "core:job_list": Row(None, "signed_in"),  # scoped like the API: see core/tests/test_ui_jobs.py
    "core:job_detail": Row("job", "jobs"),
    "core:job_status": Row("job", "jobs"),
    "core:audit_list": Row(None, "audit"),
    "core:audit_detail": Row("audit", "audit"),
    "accounts:password_change": Row(None, "signed_in"),
    "accounts:token_list": Row(None, "signed_in"),  # one's own tokens only: see accounts/tests/test_ui_tokens.py
    "accounts:token_revoke": Row("token", "own_only"),
    "accounts:user_list": Row(None, "accounts_admin"),
    "accounts:user_create": Row(None, "accounts_admin"),
    "accounts:user_update": Row("user", "accounts_admin"),
    "accounts:user_deactivate": Row("user", "accounts_admin"),
    "constituency:import": Row(None, "importer"),
    "constituency:import_templates": Row(None, "signed_in"),
    "constituency:import_template": Row("kind", "export"),
    "constituency:export": Row(None, "signed_in"),
    "constituency:operator_detail": Row("operator", "operator"),
    "constituency:operator_update": Row("operator", "operator_edit"),
    # Console: registry (constituency/ui)
    "constituency:unit_list": Row("unit", "console_list"),
    "constituency:unit_detail": Row("unit", "soc_edits"),
    "constituency:unit_create": Row("unit", "console_soc_write"),
    "constituency:unit_update": Row("unit", "console_soc_write"),
    "constituency:unit_delete": Row("unit", "console_soc_write"),
    "constituency:contact_list": Row("contact", "console_list"),
    "constituency:contact_detail": Row("contact", "officer_edits"),
    "constituency:contact_create": Row("contact", "console_officer_add"),
    "constituency:contact_update": Row("contact", "console_officer_change"),
    "constituency:contact_delete": Row("contact", "console_officer_change"),
    "constituency:netblock_list": Row("netblock", "console_list"),
    "constituency:netblock_detail": Row("netblock", "soc_edits"),
    "constituency:netblock_create": Row("netblock", "console_soc_write"),
    "constituency:netblock_update": Row("netblock", "console_soc_write"),
    "constituency:netblock_delete": Row("netblock", "console_soc_write"),
    "constituency:domain_list": Row("domain", "console_list"),
    "constituency:domain_detail": Row("domain", "officer_edits"),
    "constituency:domain_create": Row("domain", "console_officer_add"),
    "constituency:domain_update": Row("domain", "console_officer_change"),
    "constituency:domain_delete": Row("domain", "console_officer_change"),
    "constituency:asset_list": Row("asset", "console_list"),
    "constituency:asset_detail": Row("asset", "officer_edits"),
    "constituency:asset_create": Row("asset", "console_officer_add"),
    "constituency:asset_update": Row("asset", "console_officer_change"),
    "constituency:asset_delete": Row("asset", "console_officer_change"),
    "constituency:informationsystem_list": Row("system", "console_list"),
    "constituency:informationsystem_detail": Row("system", "officer_edits"),
    "constituency:informationsystem_create": Row("system", "console_officer_add"),
    "constituency:informationsystem_update": Row("system", "console_officer_change"),
    "constituency:informationsystem_delete": Row("system", "console_officer_change"),
    "constituency:ip_lookup": Row("ip", "signed_in"),  # answers only within the officer's units: test_ui_lookup.py
    # Console: findings (findings/ui; rows and bulk ids of other units: findings/tests/test_ui_*.py)
    "findings:finding_list": Row("finding", "console_list"),
    "findings:finding_detail": Row("finding", "officer_edits"),
    "findings:finding_transition": Row("finding", "console_officer_change"),  # GET goes to the finding
    "findings:finding_bulk": Row("finding", "console_soc_write"),  # POST only; refusals come back as messages
    "findings:finding_export": Row(None, "signed_in"),  # the user's own rows only: test_ui_export.py
    # Console: notifications (notifications/ui; rows of other units: notifications/tests/test_ui.py)
    "notifications:notice_list": Row("notice", "console_list"),
    "notifications:notice_detail": Row("notice", "soc_edits"),  # officers: their units' notices
    "notifications:notice_read": Row("notice", "officer_edits"),  # POST only
    "notifications:notice_resend": Row("notice", "console_soc_write"),  # POST only; refusals come back as messages
    "notifications:attachment_download": Row("attachment", "soc_edits"),
    "notifications:preference_list": Row("unit", "console_list"),
    "notifications:preference_update": Row("unit", "console_officer_change"),  # by unit id
    # Console: advisories (advisories/ui; officers' rows and counts: advisories/tests/test_ui_pages.py)
    "advisories:advisory_list": Row(None, "soc_reads"),
    "advisories:advisory_export": Row(None, "soc_reads"),
    "advisories:advisory_import": Row(None, "console_soc_write"),
    "advisories:warning_list": Row("warning", "console_list"),  # officers: the warnings hitting their units
    "advisories:warning_create": Row(None, "console_soc_write"),
    "advisories:warning_from_data": Row(None, "console_soc_write"),
    "advisories:overdue_list": Row(None, "signed_in"),  # officers: their units' findings only
    "advisories:advisory_detail": Row("warning", "officer_reads"),  # officers: warnings hitting their units
    "advisories:warning_export": Row("warning", "officer_reads"),
    "advisories:notice_preview": Row("warning", "console_soc_write"),  # POST sends; needs confirm=send
    "advisories:vulnerability_detail": Row("exposed", "officer_reads"),
    "intel:batch_warnings": Row("feedbatch", "soc_console"),  # preview and send: intel/tests/test_warnings.py
    # a unit's letter (?unit=…): the probe names no unit (400); letters: intel/tests/test_warning_letters.py
    "intel:batch_warning_letter": Row("feedbatch", "soc_download"),
    # Console: duty (duty/ui; rows of other units and the SOC's own roster: duty/tests/test_ui.py)
    "duty:now": Row(None, "signed_in"),  # officers: their units' shifts only (test_ui.py)
    "duty:roster_list": Row("roster", "console_list"),
    "duty:roster_create": Row("roster", "console_officer_add"),
    "duty:roster_detail": Row("roster", "officer_edits"),
    "duty:roster_update": Row("roster", "console_officer_change"),
    "duty:roster_delete": Row("roster", "console_officer_change"),  # refused with a message if checked in/logged
    "duty:roster_generate": Row("roster", "console_officer_change"),  # POST only
    "duty:roster_log": Row("roster", "officer_edits"),  # auditors read the log, never write in it
    "duty:shift_assign": Row("shift", "console_officer_change"),  # POST only
    "duty:assignment_remove": Row("assignment", "console_officer_change"),  # POST only
    "duty:assignment_checkin": Row("assignment", "console_officer_change"),  # POST only
    "duty:swap_request": Row("assignment", "console_officer_change"),
    "duty:swap_answer": Row("swap", "console_officer_change"),  # POST only
    "duty:person_list": Row("dutyperson", "console_list"),
    "duty:person_create": Row("dutyperson", "console_officer_add"),
    "duty:person_detail": Row("dutyperson", "officer_edits"),
    "duty:person_update": Row("dutyperson", "console_officer_change"),
    "duty:person_delete": Row("dutyperson", "console_officer_change"),  # refused with a message while on a shift
    "duty:person_rotate_feed": Row("dutyperson", "console_officer_change"),  # POST only
    "duty:alert_list": Row("dutyalert", "console_list"),
    "duty:feed": Row("dutyperson", "secret_link"),
    # Console: awareness (awareness/ui; bulletins not sent to an officer's units: awareness/tests/test_ui.py)
    "awareness:bulletin_list": Row("bulletin", "console_list"),
    "awareness:bulletin_create": Row("bulletin", "console_soc_write"),
    "awareness:bulletin_detail": Row("bulletin", "soc_edits"),  # officers: bulletins sent to their units
    "awareness:bulletin_update": Row("bulletin", "console_soc_write"),  # a published one: back to its page
    "awareness:bulletin_publish": Row("bulletin", "console_soc_write"),  # POST only
    "awareness:quiz_answer": Row("bulletin", "console_officer_change"),  # POST only; the SOC is refused by message
    "awareness:attachment_download": Row("bulletinattachment", "soc_edits"),
    # Console: feeds (intel/ui; officers' rows and figures: intel/tests/test_ui_*.py)
    "intel:batch_list": Row("feedbatch", "console_list"),
    "intel:batch_detail": Row("feedbatch", "officer_reads"),  # officers: batches that hit their units
    "intel:batch_upload": Row(None, "console_soc_write"),
    "intel:hit_list": Row("hit", "console_list"),
    "intel:hit_export": Row(None, "signed_in"),  # the user's own rows only: test_ui_batches.py
    "intel:address_list": Row("hit", "console_list"),
    "intel:summary": Row(None, "signed_in"),  # officers: their units' figures (test_ui_summary.py)
    "intel:summary_export": Row(None, "signed_in"),
    # feed sources (intel/tests/test_ui_sources.py): the SOC changes and pulls them, auditors read the list
    "intel:source_list": Row(None, "soc_console"),
    "intel:source_create": Row(None, "console_soc_write"),
    "intel:source_update": Row("feedsource", "console_soc_write"),
    "intel:source_toggle": Row("feedsource", "console_soc_write"),  # POST only
    "intel:source_pull": Row("feedsource", "console_soc_write"),  # POST only; the probe's source has no URL
    # API: registry
    "api-root": Row(None, "signed_in"),
    "unit-list": Row("unit", "soc_edits_list"),
    "unit-detail": Row("unit", "soc_edits"),
    "netblock-list": Row("netblock", "soc_edits_list"),
    "netblock-detail": Row("netblock", "soc_edits"),
    "netblock-lookup": Row("ip", "lookup"),
    "contact-list": Row("contact", "officer_edits_list"),
    "contact-detail": Row("contact", "officer_edits"),
    "domain-list": Row("domain", "officer_edits_list"),
    "domain-detail": Row("domain", "officer_edits"),
    "asset-list": Row("asset", "officer_edits_list"),
    "asset-detail": Row("asset", "officer_edits"),
    "informationsystem-list": Row("system", "officer_edits_list"),
    "informationsystem-detail": Row("system", "officer_edits"),
    "operator-list": Row("operator", "operator"),
    "operator-detail": Row("operator", "operator"),
    "import-list": Row("kind", "import"),
    "export-list": Row("kind", "export"),
    # API: findings (bulk ids of other units: findings/tests/test_api_findings.py)
    "finding-list": Row("finding", "officer_edits_list"),
    "finding-detail": Row("finding", "officer_edits"),
    "finding-transition": Row("finding", "officer_action"),
    "finding-bulk-transition": Row("finding", "soc_action"),
    # API: advisories (advisories/tests/test_api.py)
    "advisory-list": Row(None, "soc_reads"),
    "advisory-detail": Row("advisory", "soc_reads"),
    "advisory-import-file": Row(None, "soc_action"),
    "advisory-match": Row(None, "soc_action"),
    "vulnerability-list": Row(None, "soc_reads"),
    "vulnerability-detail": Row("vulnerability", "soc_reads"),
    "advisorybatch-list": Row(None, "soc_reads"),
    "advisorybatch-detail": Row("advisorybatch", "soc_reads"),
    "exposure-list": Row("exposure", "officer_reads_list"),
    "exposure-detail": Row("exposure", "officer_reads"),
    # API: duty (duty/tests/test_api.py)
    "duty-roster-list": Row("roster", "officer_edits_list"),
    "duty-roster-detail": Row("roster", "officer_edits"),
    "duty-roster-generate": Row("roster", "officer_action"),
    "duty-person-list": Row("dutyperson", "officer_reads_list"),
    "duty-person-detail": Row("dutyperson", "officer_reads"),
    "duty-shift-list": Row("shift", "officer_reads_list"),
    "duty-shift-detail": Row("shift", "officer_reads"),
    "duty-shift-now": Row(None, "signed_in"),  # scoped like the list: test_api.py
    "duty-assignment-list": Row("assignment", "officer_reads_list"),
    "duty-assignment-detail": Row("assignment", "officer_reads"),
    "duty-assignment-remove": Row("assignment", "officer_action"),
    "duty-shift-assign": Row("shift", "officer_action"),
    "duty-assignment-checkin": Row("assignment", "officer_action"),
    "duty-logentry-list": Row("logentry", "officer_edits_list"),
    "duty-logentry-detail": Row("logentry", "officer_reads"),
    "duty-alert-list": Row("dutyalert", "officer_reads_list"),
    "duty-alert-detail": Row("dutyalert", "officer_reads"),
    # API: awareness (awareness/tests/test_api.py)
    "bulletin-list": Row("bulletin", "officer_reads_list"),
    "bulletin-detail": Row("bulletin", "officer_reads"),
    "bulletin-answer": Row("bulletin", "officer_action"),
    "bulletin-results": Row("bulletin", "officer_reads"),  # officers: their units' rows
    # API: feeds (intel/tests/test_api_feeds.py: officers' batches and hits, the upload)
    "feedbatch-list": Row("feedbatch", "officer_reads_list"),  # officers: batches that hit their units
    "feedbatch-detail": Row("feedbatch", "officer_reads"),
    "feedbatch-import-file": Row(None, "soc_action"),
    "hit-list": Row("hit", "officer_reads_list"),
    "hit-detail": Row("hit", "officer_reads"),
    # Console: directives (directives/ui; officers work on their units' copies: directives/tests/test_ui.py)
    "directives:directive_list": Row(None, "soc_reads"),
    "directives:directive_create": Row(None, "console_soc_write"),
    "directives:directive_detail": Row("directive", "soc_reads"),
    "directives:directive_update": Row("directive", "console_soc_write"),
    "directives:directive_distribute": Row("directive", "console_soc_write"),  # POST only; goes to the job
    "directives:directive_letter": Row("directive", "soc_reads"),
    "directives:directive_matrix": Row("directive", "soc_reads"),
    "directives:directive_export": Row("directive", "soc_reads"),
    "directives:recipient_list": Row("recipient", "console_list"),  # rows of other units: test_ui.py
    "directives:recipient_detail": Row("recipient", "officer_reads"),
    "directives:recipient_acknowledge": Row("recipient", "console_officer_change"),  # POST only
    "directives:recipient_letter": Row("recipient", "officer_reads"),
    "directives:report_update": Row("directivereport", "console_officer_change"),  # GET goes to the copy
    "directives:evidence_download": Row("evidence", "officer_reads"),
    # API: directives (directives/tests/test_api.py)
    "directive-list": Row("directive", "soc_writes_list"),
    "directive-detail": Row("directive", "soc_reads"),
    "directive-distribute": Row("directive", "soc_action"),
    "directive-summary": Row("directive", "soc_reads"),
    "directivecopy-list": Row("recipient", "officer_reads_list"),
    "directivecopy-detail": Row("recipient", "officer_reads"),
    "directivecopy-acknowledge": Row("recipient", "officer_action"),
    "directivereport-list": Row("directivereport", "officer_reads_list"),
    "directivereport-detail": Row("directivereport", "officer_edits"),  # PATCH reports; an empty body changes nothing
    "directivereport-evidence": Row("directivereport", "officer_action"),
    # API: accounts, jobs, audit
    "me-list": Row(None, "signed_in"),
    "token-list": Row("token", "own_list"),
    "token-detail": Row("token", "own_only"),
    "user-list": Row("user", "accounts_admin"),
    "user-detail": Row("user", "accounts_admin"),
    "job-list": Row("job", "jobs_list"),
    "job-detail": Row("job", "jobs"),
    "auditentry-list": Row("audit", "audit"),
    "auditentry-detail": Row("audit", "audit"),
}


@dataclass(frozen=True)
class Route:
    name: str
    regex: str
    kwargs: tuple[str, ...]
    methods: tuple[str, ...]
    api: bool

    def __str__(self) -> str:
        return f"{self.name} {self.regex}"


def _methods(pattern: URLPattern) -> tuple[str, ...]:
    actions = getattr(pattern.callback, "actions", None)
    if actions:
        return tuple(sorted(method for method in actions if method not in ("put", "head", "options")))
    view_class = getattr(pattern.callback, "view_class", None) or getattr(pattern.callback, "cls", None)
    if view_class is None:
        return ("get",)
    return tuple(method for method in ("get", "post") if hasattr(view_class, method))


def _walk(resolver: URLResolver, prefix: str = "", namespace: str = "",
          captured: tuple[str, ...] = ()) -> Iterator[Route]:
    for entry in resolver.url_patterns:
        names = captured + tuple(entry.pattern.regex.groupindex)
        if isinstance(entry, URLResolver):
            inner = namespace + (f"{entry.namespace}:" if entry.namespace else "")
            yield from _walk(entry, prefix + str(entry.pattern), inner, names)
            continue
        regex = prefix + str(entry.pattern)
        yield Route(namespace + (entry.name or f"<unnamed {regex}>"), regex, names, _methods(entry),
                    regex.startswith("api/"))


def all_routes() -> list[Route]:
    return list(_walk(get_resolver()))


def test_every_route_is_classified() -> None:
    names = {route.name for route in all_routes()}
    unclassified = sorted(names - set(ROUTES))
    stale = sorted(set(ROUTES) - names)
    assert not unclassified, f"routes missing from the access matrix: {unclassified}"
    assert not stale, f"matrix rows for routes that no longer exist: {stale}"


def test_every_rule_states_every_role() -> None:
    for rule, by_role in RULES.items():
        missing = [role for role in ROLES if role not in by_role and role is not ANON]
        assert not missing, f"{rule} does not say what happens to {missing}"
        assert all(len(tokens.split()) == 4 for tokens in by_role.values()), rule


# --- the world the probes run in ---------------------------------------------------------------------------------


@pytest.fixture
def world(province: Any, users: dict) -> dict[str, Any]:  # type: ignore[type-arg]
    someone = UserFactory(username="someone", role=Role.SOC_ANALYST)
    own_block = NetblockFactory(unit=province.own_unit, block="14.161.0.0/24")
    other_block = NetblockFactory(unit=province.other_unit, block="14.162.0.0/24")
    return {
        "province": province, "users": users, "someone": someone,
        "unit": (province.own_subunit, province.other_unit),
        "contact": (ContactFactory(unit=province.own_unit), ContactFactory(unit=province.other_unit)),
        "netblock": (own_block, other_block),
        "domain": (DomainFactory(unit=province.own_unit), DomainFactory(unit=province.other_unit)),
        "asset": (AssetFactory(unit=province.own_unit), AssetFactory(unit=province.other_unit)),
        "system": (InformationSystemFactory(unit=province.own_unit),
                   InformationSystemFactory(unit=province.other_unit)),
        "operator": (Operator.objects.create(governing_body="UBND TỈNH X", name="Sở KH&CN", abbreviation="SKHCN",
                                             province="X", place="X"),) * 2,
        "user": (UserFactory(role=Role.UNIT_OFFICER, units=[province.own_unit]),
                 UserFactory(role=Role.UNIT_OFFICER, units=[province.other_unit])),
        "audit": (AuditEntry.objects.create(action="update", object_type="constituency.unit", object_id="1",
                                            object_repr="own", unit_id=province.own_unit.pk),
                  AuditEntry.objects.create(action="update", object_type="constituency.unit", object_id="2",
                                            object_repr="other", unit_id=province.other_unit.pk)),
        "kind": ("assets", "units"),
        "ip": ("14.161.0.9", "14.162.0.9"),
        "finding": (FindingFactory(unit=province.own_unit), FindingFactory(unit=province.other_unit)),
        "notice": (NoticeFactory(unit=province.own_unit), NoticeFactory(unit=province.other_unit)),
        "attachment": (AttachmentFactory(notice__unit=province.own_unit),
                       AttachmentFactory(notice__unit=province.other_unit)),
        "advisory": (advisory := AdvisoryFactory(), advisory),
        "vulnerability": (advisory.vulnerabilities.get(),) * 2,
        "advisorybatch": (AdvisoryBatchFactory(),) * 2,
        "exposure": (own_exposure := ExposureFactory(asset__unit=province.own_unit),
                     other_exposure := ExposureFactory(asset__unit=province.other_unit)),
        # a warning (and a vulnerability) that hits the officer's unit / only another unit
        "warning": (AdvisoryFactory(vulnerabilities=[own_exposure.vulnerability]),
                    AdvisoryFactory(vulnerabilities=[other_exposure.vulnerability])),
        "exposed": (own_exposure.vulnerability, other_exposure.vulnerability),
        "roster": (RosterFactory(unit=province.own_unit), RosterFactory(unit=province.other_unit)),
        "directive": (directive := DirectiveFactory(), directive),
        "recipient": (RecipientFactory(unit=province.own_unit), RecipientFactory(unit=province.other_unit)),
        "directivereport": (ReportFactory(recipient__unit=province.own_unit),
                            ReportFactory(recipient__unit=province.other_unit)),
        "evidence": (EvidenceFactory(report__recipient__unit=province.own_unit),
                     EvidenceFactory(report__recipient__unit=province.other_unit)),
        "dutyperson": (DutyPersonFactory(unit=province.own_unit), DutyPersonFactory(unit=province.other_unit)),
        "shift": (ShiftFactory(roster__unit=province.own_unit), ShiftFactory(roster__unit=province.other_unit)),
        "assignment": (AssignmentFactory(shift__roster__unit=province.own_unit),
                       AssignmentFactory(shift__roster__unit=province.other_unit)),
        "swap": (SwapRequestFactory(offered__shift__roster__unit=province.own_unit),
                 SwapRequestFactory(offered__shift__roster__unit=province.other_unit)),
        "logentry": (LogEntryFactory(roster__unit=province.own_unit),
                     LogEntryFactory(roster__unit=province.other_unit)),
        "dutyalert": (DutyAlertFactory(shift__roster__unit=province.own_unit),
                      DutyAlertFactory(shift__roster__unit=province.other_unit)),
        "bulletin": (own_bulletin := PublishedBulletinFactory(recipient__unit=province.own_unit),
                     other_bulletin := PublishedBulletinFactory(recipient__unit=province.other_unit)),
        "bulletinattachment": (BulletinAttachmentFactory(bulletin=own_bulletin),
                               BulletinAttachmentFactory(bulletin=other_bulletin)),
        "feedbatch": (HitFactory(unit=province.own_unit).batch,
                      HitFactory(unit=province.other_unit).batch),
        "hit": (HitFactory(unit=province.own_unit), HitFactory(unit=province.other_unit)),
        "feedsource": (FeedSourceFactory(name="shadowserver"),) * 2,  # concerns every unit: no "other" one
    }


def _per_user(world: dict[str, Any], target: str, user: Any) -> tuple[Any, Any]:
    """Objects that belong to a user rather than a unit: own = the requester's, other = someone else's."""
    owner = user or world["someone"]
    if target == "token":
        return issue_token(owner, "own")[0], issue_token(world["someone"], "other")[0]
    return (Job.objects.create(kind="import.assets", title="own", created_by=owner),
            Job.objects.create(kind="import.assets", title="other", created_by=world["someone"]))


def _target(world: dict[str, Any], target: str | None, side: int, user: Any) -> Any:
    if target is None:
        return None
    if target in ("token", "job"):
        return _per_user(world, target, user)[side]
    return world[target][side]


def _create_payload(target: str, obj: Any, world: dict[str, Any]) -> dict[str, Any]:
    """A valid creation into the unit of ``obj`` (so "other" means: into another unit)."""
    unit = obj.units.first() if target == "user" else (getattr(obj, "unit", None) or obj)
    count = next(_counter)
    payloads: dict[str, Callable[[], dict[str, Any]]] = {
        "unit": lambda: {"code": f"NEW-{count}", "name": "Mới", "parent": unit.pk},
        "contact": lambda: {"unit": unit.pk, "name": f"Người {count}"},
        "netblock": lambda: {"unit": unit.pk, "block": f"100.{count % 250}.{count // 250}.0/24"},
        "domain": lambda: {"unit": unit.pk, "name": f"moi{count}.example.gov.vn"},
        "asset": lambda: {"unit": unit.pk, "name": f"srv-new-{count}"},
        "system": lambda: {"unit": unit.pk, "name": f"HT {count}", "security_level": 2},
        "user": lambda: {"username": f"new{count}", "role": "unit_officer", "units": [unit.pk],
                         "password": "Mật-khẩu-đủ-dài-2026"},
        "token": lambda: {"name": f"t{count}"},
        "logentry": lambda: {"roster": obj.roster_id, "text": f"Kiểm tra {count}"},
        "roster": lambda: {"unit": unit.pk, "name": f"Trực {count}", "starts_on": "2026-04-30",
                           "ends_on": "2026-05-01"},
    }
    return payloads[target]() if target in payloads else {}


_counter = itertools.count(1)


# --- probing ------------------------------------------------------------------------------------------------------


def _client(route: Route, user: Any) -> Client:
    client: Client = APIClient() if route.api else Client()
    if user is not None:
        if route.api:
            client.force_authenticate(user)  # type: ignore[attr-defined]
        else:
            client.force_login(user)
    return client


def _url(route: Route, obj: Any) -> str:
    kwargs: dict[str, Any] = {}
    for name in route.kwargs:
        if name == "format":
            kwargs[name] = "json"
        elif name == "kind":
            kwargs[name] = obj
        else:
            kwargs[name] = obj.pk
    return reverse(route.name, kwargs=kwargs)


def _query(row: Row, obj: Any, method: str) -> dict[str, Any]:
    if method != "get" or obj is None:
        return {}
    if row.target == "ip":
        return {"ip": obj}
    if row.target == "kind":
        return {"format": "none"}  # a refused format answers 400 before any file is built
    return {}


def _listing(response: Any, obj: Any) -> str | None:
    """For a list answer: whether ``obj`` is in it ("listed") or not ("hidden")."""
    if response.status_code != 200 or not hasattr(obj, "pk") or "json" not in response.get("Content-Type", ""):
        return None
    body = response.json()
    rows = body.get("results") if isinstance(body, dict) else body
    if not isinstance(rows, list):
        return None
    return "listed" if any(row.get("id") == obj.pk for row in rows) else "hidden"


def _outcome(route: Route, status: int, location: str) -> str:
    try:
        login = resolve_url(settings.LOGIN_URL)
    except NoReverseMatch:  # no console yet: nothing can redirect to it
        login = str(settings.LOGIN_URL)
    if status in (401, 403) and route.api:
        return "403" if status == 403 else "login"
    if status in (301, 302) and location.split("?")[0] == login:
        return "login"
    if status == 404:
        return "404"
    if status == 403:
        return "403"
    if status < 400:
        return "ok"
    return str(status)


def _matches(expected: str, actual: str, route: Route) -> bool:
    if expected == "ok":
        return actual in ("ok", "listed")
    if expected == "pass":
        return actual in ("ok", "400")
    if expected == "login":
        return actual == "login" or (route.api and actual == "403")
    return expected == actual


def _expected(row: Row, role: Any, side: int, write: bool) -> str:
    tokens = RULES[row.rule].get(role)
    if tokens is None:  # anonymous outside public routes
        return "login"
    return tokens.split()[side + (2 if write else 0)]


def _probe(route: Route, row: Row, role: Any, world: dict[str, Any]) -> list[str]:
    user = world["users"].get(role) if role is not None else None
    failures = []
    for side, method in itertools.product((0, 1), route.methods):
        if row.target is None and side == 1:
            continue
        with transaction.atomic():
            obj = _target(world, row.target, side, user)
            write = method not in ("get", "head")
            body = _create_payload(row.target, obj, world) if method == "post" and "pk" not in route.kwargs \
                and row.target not in (None, "kind") else {}
            client = _client(route, user)
            url = _url(route, obj)
            call = getattr(client, method)
            if method == "get":
                response = call(url, _query(row, obj, method))
            elif route.api:
                response = call(url, body, format="multipart" if row.target == "kind" else "json")
            else:
                response = call(url, body)
            actual = _outcome(route, response.status_code, response.get("Location", ""))
            if method == "get" and "pk" not in route.kwargs:
                actual = _listing(response, obj) or actual
            expected = _expected(row, role, side, write)
            if not _matches(expected, actual, route):
                failures.append(f"{route} as {role or 'anonymous'} {method.upper()} "
                                f"{'own' if side == 0 else 'other'}: expected {expected}, got {actual} "
                                f"({response.status_code})")
            transaction.set_rollback(True)
    return failures


@pytest.fixture(autouse=True)
def fast_passwords(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.mark.django_db
@pytest.mark.parametrize("route", all_routes(), ids=str)
def test_access_matrix(route: Route, world: dict[str, Any]) -> None:
    row = ROUTES.get(route.name)
    if row is None:
        pytest.fail(f"{route} is not classified in the access matrix")
    failures = [failure for role in ROLES for failure in _probe(route, row, role, world)]
    assert not failures, "\n".join(failures)
