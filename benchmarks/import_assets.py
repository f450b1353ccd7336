"""Time the import of 50,000 assets (~3 software items each) from CSV into 1,000 units.

Run: CANHGAC_DATA_DIR=/tmp/bench .venv/bin/python benchmarks/import_assets.py [--assets N]
Uses a fresh SQLite database in a temporary directory (unless CANHGAC_DATABASE_URL is set); prints seconds for the
first import, for re-importing the same file (all rows unchanged), and for the export.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time

SOFTWARE = [
    "Microsoft | Windows Server | 2019 10.0.17763.5576", "Microsoft | Windows Server | 2022 10.0.20348.2340",
    "Microsoft | Windows | 10 22H2 19045.4170", "Microsoft | Exchange Server | 2019 CU14",
    "Apache | Tomcat | 9.0.85", "Apache | HTTP Server | 2.4.58", "nginx | nginx | 1.24.0",
    "WordPress | WordPress | 6.4.3", "F5 | BIG-IP | 17.1.1", "Oracle | MySQL | 8.0.36",
    "cpe:2.3:a:synacor:zimbra_collaboration_suite:8.8.15:p41:*:*:*:*:*:*", "VMware | ESXi | 7.0 U3",
    "Fortinet | FortiOS | 7.2.7", "PostgreSQL | PostgreSQL | 15.6", "Microsoft | SQL Server | 2019 CU25",
]
ROLES = ["server", "workstation", "web_portal", "mail", "vpn", "edge", "database", "network", "iot"]


def build_files(units: int, assets: int, seed: int = 2025) -> tuple[bytes, bytes]:
    from canhgac.constituency.tests.data.builders import csv_bytes

    rng = random.Random(seed)
    unit_rows = [["Mã đơn vị", "Tên đơn vị", "Loại"], *[[f"DV{i:04d}", f"Đơn vị số {i}", "sở"] for i in range(units)]]
    asset_rows = [["Mã đơn vị", "Tên tài sản", "Vai trò", "Kết nối Internet", "Địa chỉ IP", "Phần mềm"]]
    for i in range(assets):
        software = "; ".join(rng.sample(SOFTWARE, 3))
        address = f"10.{i // 65536}.{(i // 256) % 256}.{i % 256}"
        asset_rows.append([f"DV{i % units:04d}", f"may-{i:06d}", rng.choice(ROLES), rng.choice(["có", "không"]),
                           address, software])
    return csv_bytes(unit_rows, "utf-8-sig"), csv_bytes(asset_rows, "utf-8-sig")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--units", type=int, default=1000)
    parser.add_argument("--assets", type=int, default=50_000)
    options = parser.parse_args()
    os.environ["CANHGAC_DATA_DIR"] = tempfile.mkdtemp(prefix="canhgac-bench-")  # a fresh SQLite database
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "canhgac.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from canhgac.constituency.exporting import export_file
    from canhgac.constituency.importing import run_import
    from canhgac.constituency.models import Asset

    units_csv, assets_csv = build_files(options.units, options.assets)
    run_import("units", "units.csv", units_csv)
    print(f"assets file: {len(assets_csv) / 1e6:.1f} MB, {options.assets} rows", file=sys.stderr)
    for label, action in [
        ("import", lambda: run_import("assets", "assets.csv", assets_csv)),
        ("re-import (unchanged)", lambda: run_import("assets", "assets.csv", assets_csv)),
        ("export csv", lambda: export_file("assets", Asset.objects.all(), "csv")),
    ]:
        started = time.perf_counter()
        result = action()
        elapsed = time.perf_counter() - started
        summary = result.as_dict() if hasattr(result, "as_dict") else f"{len(result) / 1e6:.1f} MB"
        print(f"{label}: {elapsed:.1f} s  {summary}")


if __name__ == "__main__":
    main()
