"""The demo province: its size and shape, addresses inside Vietnamese space, determinism, and the command."""

from __future__ import annotations

import ipaddress
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from canhgac.constituency.demo.addresses import PREFIXES_FILE, read_prefixes
from canhgac.constituency.demo.build import build_province
from canhgac.constituency.demo.loading import DEFAULT_SEED, load_demo
from canhgac.constituency.demo.province import UNITS
from canhgac.constituency.importing import IMPORT_KINDS
from canhgac.constituency.models import (
    Asset,
    Contact,
    Domain,
    InformationSystem,
    Netblock,
    Software,
    Unit,
    unit_code_validator,
)
from canhgac.constituency.querysets import owner_of_ip, registry_figures
from canhgac.constituency.services import parse_cpe
from canhgac.core.models import AuditEntry
from canhgac.core.tests.cli_runner import initialised, prepared_copy

VN_SPACE = [prefix for prefixes in read_prefixes().values() for prefix in prefixes]


@pytest.fixture(scope="module")
def loaded(django_db_setup: None, django_db_blocker: Any) -> Iterator[float]:
    """The demo loaded once for this module (outside the tests' transactions), and removed afterwards."""
    with django_db_blocker.unblock():
        started = time.monotonic()
        load_demo(DEFAULT_SEED)
        yield time.monotonic() - started
        for model in (AuditEntry, InformationSystem, Domain, Asset, Netblock, Contact):
            model.objects.all().delete()
        while Unit.objects.exists():  # leaves first: a parent is protected while it has children
            Unit.objects.filter(children__isnull=True).delete()


@pytest.fixture
def demo(loaded: float, db: None) -> float:
    return loaded


def test_the_province_has_about_60_units_and_2000_assets_and_loads_fast(demo: float) -> None:
    assert Unit.objects.count() == len(UNITS) == 60
    assert 1900 <= Asset.objects.count() <= 2100
    assert Software.objects.count() > 2 * Asset.objects.count()
    assert Contact.objects.filter(unit__isnull=False).count() > 100
    assert Domain.objects.count() > 60 and InformationSystem.objects.count() > 100
    assert demo < 30


def test_the_tree_holds_departments_districts_hospitals_schools_and_telecoms(demo: None) -> None:
    kinds = Counter(Unit.objects.values_list("kind", flat=True))
    assert kinds["department"] >= 10 and kinds["commune"] >= 10 and kinds["hospital"] >= 4
    assert kinds["school"] >= 3 and kinds["telecom"] >= 2 and kinds["district"] >= 2
    hospitals = Unit.objects.filter(kind="hospital")
    assert {unit.parent.code for unit in hospitals} == {"SO-YT"}  # type: ignore[union-attr]
    assert Unit.objects.filter(parent__kind="district", kind="commune").count() >= 5


def test_every_unit_code_is_valid_and_every_object_passes_its_model_rules(demo: None) -> None:
    for unit in Unit.objects.all():
        unit_code_validator(unit.code)
        unit.full_clean()
    for model in (Contact, Netblock, Domain, Asset, InformationSystem):
        for instance in model.objects.all()[:300]:
            instance.full_clean()


def test_every_netblock_lies_inside_the_vietnamese_prefixes(demo: None) -> None:
    for block in Netblock.objects.values_list("block", flat=True):
        network = ipaddress.ip_network(block)
        assert any(network.version == prefix.version and network.subnet_of(prefix)  # type: ignore[arg-type]
                   for prefix in VN_SPACE), block


def test_every_public_address_of_an_asset_is_owned_by_its_own_unit(demo: None) -> None:
    checked = 0
    for asset in Asset.objects.filter(internet_facing=True).select_related("unit"):
        for address in asset.parsed_addresses():
            if address.is_global:
                owner = owner_of_ip(str(address))
                assert owner.netblock is not None and owner.netblock.unit_id == asset.unit_id, (asset, address)
                assert asset in owner.assets
                checked += 1
    assert checked > 100


def test_a_nested_unit_wins_the_lookup_inside_its_parents_block(demo: None) -> None:
    nested = Netblock.objects.get(unit__code="TT-LTLS")
    parent_block = ipaddress.ip_network(Netblock.objects.get(unit__code="SO-NV").block)
    assert ipaddress.ip_network(nested.block).subnet_of(parent_block)  # type: ignore[arg-type]
    inside = str(next(ipaddress.ip_network(nested.block).hosts()))
    assert owner_of_ip(inside).netblock == nested


def test_coverage_gaps_are_there_for_the_home_page(demo: None) -> None:
    figures = registry_figures(Unit.objects.all())
    assert 1 <= figures["without_focal_point"].count() <= 5  # type: ignore[attr-defined]
    assert 1 <= figures["without_netblocks"].count() <= 5  # type: ignore[attr-defined]


def test_software_is_real_products_with_valid_cpe_names(demo: None) -> None:
    products = set(Software.objects.values_list("product", flat=True))
    for expected in ("Windows 10 22H2", "Windows 11 23H2", "Windows Server 2019", "Exchange Server 2019",
                     "Zimbra Collaboration", "BIG-IP Local Traffic Manager", "Tomcat", "Spring Framework",
                     "nginx", "WordPress"):
        assert expected in products
    cpes = set(Software.objects.exclude(cpe="").values_list("cpe", flat=True))
    assert len(cpes) > 100
    for cpe in cpes:
        parse_cpe(cpe)
    with pytest.raises(ValidationError):
        parse_cpe("cpe:2.3:a:broken")


def test_systems_span_levels_1_to_5_and_run_on_their_units_assets(demo: None) -> None:
    assert set(InformationSystem.objects.values_list("security_level", flat=True)) == {1, 2, 3, 4, 5}
    for system in InformationSystem.objects.prefetch_related("assets"):
        assert {asset.unit_id for asset in system.assets.all()} <= {system.unit_id}


def test_the_demo_is_audited_one_entry_per_object(demo: None) -> None:
    assert AuditEntry.objects.filter(object_type="constituency.asset").count() == Asset.objects.count()
    assert AuditEntry.objects.filter(object_type="constituency.informationsystem").count() == \
        InformationSystem.objects.count()


def test_a_seed_always_gives_the_same_province_and_another_seed_another() -> None:
    assert build_province(7) == build_province(7)
    one, other = build_province(7), build_province(8)
    assert [row["Unit code"] for row in one.units] == [row["Unit code"] for row in other.units]
    assert one.netblocks != other.netblocks and one.assets != other.assets


@pytest.mark.corpora
def test_the_packaged_prefixes_are_in_the_shared_cc0_list(corpora: Path) -> None:
    source = corpora / "vn-ip-space" / "country-ip-blocks"
    published = set((source / "ipv4-vn.cidr").read_text().split()) | set((source / "ipv6-vn.cidr").read_text().split())
    assert {str(prefix) for prefix in VN_SPACE} <= published
    assert "CC0" in PREFIXES_FILE.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return initialised(tmp_path_factory.mktemp("demo-template") / "data")


@pytest.mark.slow
def test_the_command_loads_once_and_is_a_no_op_with_if_empty(demo_dir: Path, tmp_path: Path) -> None:
    run = prepared_copy(demo_dir, tmp_path / "data")
    loaded = run.ok("demo", "--json").json()
    assert loaded["loaded"] is True and loaded["units"] == 60 and 1900 <= loaded["assets"] <= 2100
    assert loaded["seconds"] < 30
    refused = run("demo")
    assert refused.returncode == 1 and "60" in refused.stderr
    assert run.ok("demo", "--if-empty").stdout
    assert run.query("SELECT count(*) FROM constituency_unit") == [(60,)]
    assert run.query("SELECT DISTINCT channel FROM core_auditentry WHERE object_type LIKE 'constituency.%'") == [
        ("cli",)]
    for kind in IMPORT_KINDS:  # the demo's own data round-trips through export and import
        outcome = run.ok("import", kind, "-", "--json", stdin=run.ok("export", kind).raw).json()
        assert outcome["report"]["unchanged"] == outcome["report"]["total"], outcome

