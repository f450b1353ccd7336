"""The access policy as a table: every role × action × model, written out by hand.

``may`` answers from each model's declared ``ScopePolicy``; the table below is what the product promises (the
issue's roles), so a policy flag changed by accident — or a new unit-owned model nobody classified — fails here.
"""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from django.apps import apps
from django.contrib.auth.models import AnonymousUser

from canhgac.accounts.models import User
from canhgac.core.access import ADD, CHANGE, DELETE, VIEW, Role, may, may_manage_accounts, may_view_audit, role_of
from canhgac.core.models import AuditEntry, Job
from canhgac.core.scoping import ScopePolicy

ADMIN, ANALYST, OFFICER, AUDITOR = Role.SOC_ADMIN, Role.SOC_ANALYST, Role.UNIT_OFFICER, Role.AUDITOR
ACTIONS = {"v": VIEW, "a": ADD, "c": CHANGE, "d": DELETE}

# model → role → the actions allowed: v(iew) a(dd) c(hange) d(elete).
EXPECTED: dict[str, dict[str, str]] = {
    # The SOC keeps the unit tree and the address space; officers read their part of it.
    "constituency.unit": {ADMIN: "vacd", ANALYST: "vacd", OFFICER: "v", AUDITOR: "v"},
    "constituency.netblock": {ADMIN: "vacd", ANALYST: "vacd", OFFICER: "v", AUDITOR: "v"},
    "constituency.assetaddress": {ADMIN: "vacd", ANALYST: "vacd", OFFICER: "v", AUDITOR: "v"},
    # Officers keep their own people, names, hosts, software and systems up to date.
    "constituency.contact": {ADMIN: "vacd", ANALYST: "vacd", OFFICER: "vacd", AUDITOR: "v"},
    "constituency.domain": {ADMIN: "vacd", ANALYST: "vacd", OFFICER: "vacd", AUDITOR: "v"},
    "constituency.asset": {ADMIN: "vacd", ANALYST: "vacd", OFFICER: "vacd", AUDITOR: "v"},
    "constituency.software": {ADMIN: "vacd", ANALYST: "vacd", OFFICER: "vacd", AUDITOR: "v"},
    "constituency.informationsystem": {ADMIN: "vacd", ANALYST: "vacd", OFFICER: "vacd", AUDITOR: "v"},
    # The operator's letterhead: administrators only; officers do not even read it.
    "constituency.operator": {ADMIN: "vacd", ANALYST: "v", OFFICER: "", AUDITOR: "v"},
    # Findings: officers work on their units' findings; the events (the finding's history) are the SOC's to write.
    "findings.finding": {ADMIN: "vacd", ANALYST: "vacd", OFFICER: "vac", AUDITOR: "v"},
    "findings.findingevent": {ADMIN: "vacd", ANALYST: "vacd", OFFICER: "v", AUDITOR: "v"},
    # Notifications: officers read and mark their units' notices and set how their units are told; sending and
    # re-sending (deliveries) are the SOC's.
    "notifications.notice": {ADMIN: "vacd", ANALYST: "vacd", OFFICER: "vac", AUDITOR: "v"},
    "notifications.noticeattachment": {ADMIN: "vacd", ANALYST: "vacd", OFFICER: "v", AUDITOR: "v"},
    "notifications.delivery": {ADMIN: "vacd", ANALYST: "vacd", OFFICER: "v", AUDITOR: "v"},
    "notifications.unitnotificationpreference": {ADMIN: "vacd", ANALYST: "vacd", OFFICER: "vac", AUDITOR: "v"},
    # Advisories concern every unit: the SOC keeps them (and the alias table); officers see their exposures only.
    "intel.feedsource": {ADMIN: "vacd", ANALYST: "vacd", OFFICER: "", AUDITOR: "v"},
    "intel.mispevent": {ADMIN: "vacd", ANALYST: "vacd", OFFICER: "", AUDITOR: "v"},
    "intel.feedbatch": {ADMIN: "vacd", ANALYST: "vacd", OFFICER: "", AUDITOR: "v"},
    "intel.hit": {ADMIN: "vacd", ANALYST: "vacd", OFFICER: "v", AUDITOR: "v"},
    "advisories.advisory": {ADMIN: "vacd", ANALYST: "vacd", OFFICER: "", AUDITOR: "v"},
    "advisories.advisorybatch": {ADMIN: "vacd", ANALYST: "vacd", OFFICER: "", AUDITOR: "v"},
    "advisories.advisoryvulnerability": {ADMIN: "vacd", ANALYST: "vacd", OFFICER: "", AUDITOR: "v"},
    "advisories.affectedproduct": {ADMIN: "vacd", ANALYST: "vacd", OFFICER: "", AUDITOR: "v"},
    "advisories.vulnerability": {ADMIN: "vacd", ANALYST: "vacd", OFFICER: "", AUDITOR: "v"},
    "advisories.productalias": {ADMIN: "vacd", ANALYST: "vacd", OFFICER: "", AUDITOR: "v"},
    "advisories.exposure": {ADMIN: "vacd", ANALYST: "vacd", OFFICER: "v", AUDITOR: "v"},
    # Duty: officers keep their units' rosters, people, shifts and assignments; swaps and log lines stay on the
    # record (the SOC alone removes them); alerts are raised by the watch and only read.
    "duty.roster": {ADMIN: "vacd", ANALYST: "vacd", OFFICER: "vacd", AUDITOR: "v"},
    "duty.dutyperson": {ADMIN: "vacd", ANALYST: "vacd", OFFICER: "vacd", AUDITOR: "v"},
    "duty.shift": {ADMIN: "vacd", ANALYST: "vacd", OFFICER: "vacd", AUDITOR: "v"},
    "duty.assignment": {ADMIN: "vacd", ANALYST: "vacd", OFFICER: "vacd", AUDITOR: "v"},
    "duty.swaprequest": {ADMIN: "vacd", ANALYST: "vacd", OFFICER: "vac", AUDITOR: "v"},
    "duty.logentry": {ADMIN: "vacd", ANALYST: "vacd", OFFICER: "vac", AUDITOR: "v"},
    "duty.dutyalert": {ADMIN: "vacd", ANALYST: "vacd", OFFICER: "v", AUDITOR: "v"},
    # Awareness: the SOC writes bulletins; officers read those sent to their units (receipts are recorded by
    # opening them) and answer the quiz once, never changing an answer afterwards.
    "awareness.bulletin": {ADMIN: "vacd", ANALYST: "vacd", OFFICER: "v", AUDITOR: "v"},
    "awareness.bulletinattachment": {ADMIN: "vacd", ANALYST: "vacd", OFFICER: "v", AUDITOR: "v"},
    "awareness.bulletinrecipient": {ADMIN: "vacd", ANALYST: "vacd", OFFICER: "v", AUDITOR: "v"},
    "awareness.bulletinread": {ADMIN: "vacd", ANALYST: "vacd", OFFICER: "v", AUDITOR: "v"},
    "awareness.quizattempt": {ADMIN: "vacd", ANALYST: "vacd", OFFICER: "vac", AUDITOR: "v"},
    # Directives: the SOC writes and sends them; officers never list the province's directives, they read their
    # units' copies (with the text and letter), acknowledge them and report per task with evidence, never deleting.
    "directives.directive": {ADMIN: "vacd", ANALYST: "vacd", OFFICER: "", AUDITOR: "v"},
    "directives.recipientgroup": {ADMIN: "vacd", ANALYST: "vacd", OFFICER: "", AUDITOR: "v"},
    "directives.directivetask": {ADMIN: "vacd", ANALYST: "vacd", OFFICER: "", AUDITOR: "v"},
    "directives.recipient": {ADMIN: "vacd", ANALYST: "vacd", OFFICER: "vac", AUDITOR: "v"},
    "directives.taskreport": {ADMIN: "vacd", ANALYST: "vacd", OFFICER: "vac", AUDITOR: "v"},
    "directives.evidence": {ADMIN: "vacd", ANALYST: "vacd", OFFICER: "vac", AUDITOR: "v"},
}


def scoped_models() -> dict[str, Any]:
    return {model._meta.label_lower: model for model in apps.get_models() if hasattr(model, "scope")}


def person(role: str, active: bool = True) -> User:
    return User(username=f"someone-{role}", role=role, is_active=active)


def test_every_unit_owned_model_is_in_the_table() -> None:
    assert set(scoped_models()) == set(EXPECTED)


@pytest.mark.parametrize(("label", "role", "letter"), [
    (label, role, letter) for label, row in EXPECTED.items() for role in Role.values for letter in ACTIONS
])
def test_may_answers_as_the_table_says(label: str, role: str, letter: str) -> None:
    model = scoped_models()[label]
    assert may(person(role), ACTIONS[letter], model) is (letter in EXPECTED[label][role])


@pytest.mark.parametrize("action", list(ACTIONS.values()))
@pytest.mark.parametrize("label", list(EXPECTED))
def test_nobody_without_an_active_role_may_do_anything(label: str, action: str) -> None:
    model = scoped_models()[label]
    assert not may(AnonymousUser(), action, model)
    assert not may(None, action, model)
    for role in Role.values:
        assert not may(person(role, active=False), action, model)
    assert not may(person("root"), action, model)  # a role string nobody defined
    assert not may(person(""), action, model)


@pytest.mark.parametrize("model", [Job, AuditEntry, User])
def test_a_model_without_a_scope_policy_is_refused_to_everyone(model: Any) -> None:
    for role, action in itertools.product(Role.values, ACTIONS.values()):
        assert not may(person(role), action, model)


@pytest.mark.parametrize("action", ["read", "VIEW", "", "export", None])
def test_an_unknown_action_is_a_programming_error_not_a_permission(action: Any) -> None:
    from canhgac.constituency.models import Unit

    with pytest.raises(ValueError, match="unknown action"):
        may(person(ADMIN), action, Unit)


FLAGS = list(itertools.product([False, True], repeat=3))


@pytest.mark.parametrize(("officer_may_view", "officer_may_edit", "admin_only_write"), FLAGS)
def test_each_policy_flag_does_what_its_name_says(officer_may_view: bool, officer_may_edit: bool,
                                                   admin_only_write: bool) -> None:
    class Thing:
        scope = ScopePolicy("unit", officer_may_view=officer_may_view, officer_may_edit=officer_may_edit,
                            admin_only_write=admin_only_write)

    def allowed(role: str) -> str:
        return "".join(letter for letter, action in ACTIONS.items() if may(person(role), action, Thing))  # type: ignore[arg-type]

    assert allowed(ADMIN) == "vacd"
    assert allowed(AUDITOR) == "v"
    assert allowed(ANALYST) == ("v" if admin_only_write else "vacd")
    assert allowed(OFFICER) == ("v" if officer_may_view else "") + ("acd" if officer_may_edit else "")


@pytest.mark.parametrize(("role", "audit", "accounts"), [
    (ADMIN, True, True), (ANALYST, False, False), (OFFICER, False, False), (AUDITOR, True, False),
])
def test_audit_trail_and_accounts(role: str, audit: bool, accounts: bool) -> None:
    assert may_view_audit(person(role)) is audit
    assert may_manage_accounts(person(role)) is accounts
    assert not may_view_audit(person(role, active=False)) and not may_manage_accounts(person(role, active=False))


def test_role_of_needs_a_signed_in_active_user() -> None:
    assert role_of(person(AUDITOR)) == AUDITOR
    assert role_of(person(ADMIN, active=False)) is None
    assert role_of(AnonymousUser()) is None and role_of(None) is None
