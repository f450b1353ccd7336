"""Writing the demo province: through the same importer a SOC's own files go through, then the services.

Units, contacts, netblocks and assets are handed to :func:`run_import` as CSV files, so the demo is validated by
the same rules, written by the same bulk paths and audited the same way (one entry per object, on the acting
channel) as any import. Domains and information systems, which the importer does not take, are saved one by
one through the registry's services. Everything happens in one transaction: a failure leaves nothing behind.
"""

from __future__ import annotations

import csv
import io
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

from django.db import transaction

from canhgac.constituency.demo.build import DemoProvince, Row, SystemSpec, build_province
from canhgac.constituency.importing import IMPORT_KINDS, run_import
from canhgac.constituency.models import Asset, Domain, InformationSystem, Software, Unit
from canhgac.constituency.services import save_object, save_system

DEFAULT_SEED = 2025
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class DemoReport:
    seed: int
    units: int
    contacts: int
    netblocks: int
    assets: int
    software: int
    domains: int
    systems: int
    seconds: float

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def registry_is_empty() -> bool:
    return not Unit.objects.exists()


def load_demo(seed: int = DEFAULT_SEED, progress: Progress | None = None) -> DemoReport:
    """Build the province for ``seed`` and write it for the current actor; the caller checks the registry is empty."""
    started = time.monotonic()
    province = build_province(seed)
    steps = len(IMPORT_KINDS) + 2
    with transaction.atomic():
        for step, kind in enumerate(IMPORT_KINDS):
            run_import(kind, f"demo-{kind}.csv", csv_file(getattr(province, kind)))
            if progress:
                progress(step + 1, steps)
        save_domains(province)
        if progress:
            progress(steps - 1, steps)
        save_systems(province.systems)
        if progress:
            progress(steps, steps)
    return DemoReport(seed, len(province.units), len(province.contacts), len(province.netblocks),
                      len(province.assets), Software.objects.count(), len(province.domains),
                      len(province.systems), round(time.monotonic() - started, 2))


def csv_file(rows: list[Row]) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def save_domains(province: DemoProvince) -> None:
    units = {unit.code: unit for unit in Unit.objects.all()}
    for code, name, purpose, notes in province.domains:
        save_object(Domain(unit=units[code], name=name, purpose=purpose, notes=notes))


def save_systems(systems: list[SystemSpec]) -> None:
    units = {unit.code: unit for unit in Unit.objects.all()}
    assets = {(asset.unit_id, asset.name): asset for asset in Asset.objects.only("pk", "unit_id", "name")}
    for spec in systems:
        unit = units[spec.unit]
        system = InformationSystem(unit=unit, name=spec.name, security_level=spec.level,
                                   level_approved_ref=spec.approval, description=spec.description)
        save_system(system, None, [assets[(unit.pk, name)] for name in spec.assets])
