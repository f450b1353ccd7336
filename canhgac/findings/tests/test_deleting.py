"""Deleting a unit or an asset does to its findings what it always did, now that Finding's foreign keys carry no
database constraint (so Django's on_delete is all there is): a unit takes its findings and their history with it,
an asset leaves its findings in place without an asset. Runs on SQLite and on PostgreSQL alike."""

from __future__ import annotations

import pytest
from django.db import connection

from canhgac.constituency.tests.factories import AssetFactory, UnitFactory
from canhgac.findings.models import Finding, FindingEvent, FindingState
from canhgac.findings.tests.factories import FindingFactory

pytestmark = pytest.mark.django_db(transaction=True)  # commits, so PostgreSQL would run deferred checks if any


def finding_with_history(**fields: object) -> Finding:
    finding = FindingFactory(**fields)
    FindingEvent.objects.create(finding=finding, to_state=FindingState.OPEN, note="listed")
    return finding


def orphan_rows() -> tuple[int, int]:
    """Findings whose unit, or whose asset, no longer exists: what a missing cascade would leave behind."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*) FROM findings_finding f LEFT JOIN constituency_unit u ON u.id = f.unit_id"
            " WHERE u.id IS NULL"
        )
        (no_unit,) = cursor.fetchone()
        cursor.execute(
            "SELECT COUNT(*) FROM findings_finding f LEFT JOIN constituency_asset a ON a.id = f.asset_id"
            " WHERE f.asset_id IS NOT NULL AND a.id IS NULL"
        )
        (no_asset,) = cursor.fetchone()
    return no_unit, no_asset


def test_deleting_a_unit_should_delete_its_findings_and_their_events_only() -> None:
    doomed, kept = UnitFactory(), UnitFactory()
    doomed_asset = AssetFactory(unit=doomed)
    gone = [finding_with_history(unit=doomed, asset=doomed_asset), finding_with_history(unit=doomed)]
    staying = finding_with_history(unit=kept, asset=AssetFactory(unit=kept))

    doomed.delete()

    assert not Finding.objects.filter(pk__in=[finding.pk for finding in gone]).exists()
    assert not FindingEvent.objects.filter(finding_id__in=[finding.pk for finding in gone]).exists()
    assert list(Finding.objects.values_list("pk", flat=True)) == [staying.pk]
    assert FindingEvent.objects.filter(finding=staying).count() == 1
    assert orphan_rows() == (0, 0)


def test_deleting_an_asset_should_keep_its_findings_without_an_asset() -> None:
    unit = UnitFactory()
    asset, other_asset = AssetFactory(unit=unit), AssetFactory(unit=unit)
    on_asset = [finding_with_history(unit=unit, asset=asset), finding_with_history(unit=unit, asset=asset)]
    elsewhere = finding_with_history(unit=unit, asset=other_asset)

    asset.delete()

    for finding in on_asset:
        finding.refresh_from_db()
        assert finding.asset_id is None
        assert finding.unit_id == unit.pk
        assert finding.events.count() == 1
    elsewhere.refresh_from_db()
    assert elsewhere.asset_id == other_asset.pk
    assert orphan_rows() == (0, 0)


def test_deleting_a_unit_should_clear_its_assets_from_other_units_findings() -> None:
    """A finding may name an asset of another unit (e.g. one moved between units): the asset's cascade clears it."""
    doomed, kept = UnitFactory(), UnitFactory()
    finding = finding_with_history(unit=kept, asset=AssetFactory(unit=doomed))

    doomed.delete()

    finding.refresh_from_db()
    assert finding.asset_id is None
    assert finding.unit_id == kept.pk
    assert orphan_rows() == (0, 0)
