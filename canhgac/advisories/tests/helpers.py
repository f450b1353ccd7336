"""Test helpers: assets with software, and importing files straight through the service."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from canhgac.advisories.services import ImportOutcome, Letter, ingest_bytes
from canhgac.constituency.models import Asset, InformationSystem
from canhgac.constituency.services import SoftwareItem, save_asset


def host(unit: Any, name: str, *software: tuple[str, ...], role: str = "server", internet_facing: bool = False,
         level: int | None = None) -> Asset:
    """An asset of ``unit`` with ``software`` items (vendor, product, version[, cpe]), saved as the console does."""
    asset = Asset(unit=unit, name=name, role=role, internet_facing=internet_facing)
    save_asset(asset, None, [SoftwareItem(*item) for item in software])
    if level is not None:
        system = InformationSystem.objects.create(unit=unit, name=f"System of {name}", security_level=level)
        system.assets.add(asset)
    return asset


def load(source: Path | bytes | dict[str, Any] | list[Any], name: str = "", *, match: bool = True,
         letter: Letter | None = None, format_name: str | None = None) -> ImportOutcome:
    if isinstance(source, Path):
        content, name = source.read_bytes(), name or source.name
    elif isinstance(source, bytes):
        content = source
    else:
        content = json.dumps(source).encode()
    return ingest_bytes(content, name or "advisories.json", match=match, letter=letter, format_name=format_name)


def warning(reference: str, cves: list[str], affected: list[dict[str, str]], **fields: Any) -> dict[str, Any]:
    return {"kind": "canhgac.warning", "reference": reference, "title": fields.pop("title", f"Warning {reference}"),
            "cves": cves, "affected": affected, **fields}
