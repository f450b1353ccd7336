"""Advisory matching speed: 250,000 CVE records against 50,000 assets with about 10 software entries each.

Run: .venv/bin/python benchmarks/advisories.py [--cves 250000] [--assets 50000] [--seed 2026]
(with CANHGAC_DATABASE_URL=postgresql://user@host/db the run uses a fresh database ``<db>_bench_advisories_<pid>``
on that server, dropped afterwards; the default is a fresh SQLite database in a temporary data directory).

From a fixed seed it builds 1,000 units with 50,000 assets (a tenth internet-facing, a fifth in information systems
of levels 1–5), each with about 10 software entries drawn from stacks of real products (Windows 10/11 and Server
builds, Office, Exchange builds, Zimbra patch levels, F5 BIG-IP, Tomcat and Spring, nginx, PHP, WordPress, …) and
synthetic ones, at versions mostly recent and sometimes years old. It writes 250,000 CVE JSON 5 records on the shape
of the real ones (CNA container with descriptions, problem types, references, CVSS 3.1 metrics; ``affected`` entries
with ``lessThan`` ranges, F5-style branches with hotfix ``changes``, exact version lists, ``defaultStatus``; a few
with vendor and product "n/a" and the range only in the description, as CVE-2023-37580; CISA's ADP ``kev`` metric on
about one in a hundred) as a JSON-lines bundle; about 6 % of them concern products of the inventory, as in the
real CVE list, where the long tail of products dwarfs what one province runs.

It then times:
  1. importing the bundle (stored, rules named; without matching), for the record;
  2. the full matching: every vulnerability against the whole inventory, exposures and findings written;
  3. the full matching again with nothing changed;
  4. re-matching after one new advisory (a typical product, and one of the most widespread: Windows 10 22H2);
  5. re-matching after one changed asset (its software edited);
and prints seconds, counts and the peak memory of the process (``ru_maxrss``).
Targets on the 2-core reference machine: full matching ≤ 60 s, incremental ≤ 1 s, peak ≤ 2 GB.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import resource
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from feeds import drop_database  # the same throw-away database handling

TARGET_FULL_S = 60.0
TARGET_INCREMENTAL_S = 1.0
TARGET_PEAK_MB = 2048
INVENTORY_SHARE = 0.06
CWES = [("CWE-79", "Cross-site Scripting"), ("CWE-89", "SQL Injection"), ("CWE-787", "Out-of-bounds Write"),
        ("CWE-20", "Improper Input Validation"), ("CWE-416", "Use After Free"), ("CWE-22", "Path Traversal"),
        ("CWE-352", "Cross-Site Request Forgery"), ("CWE-287", "Improper Authentication")]
VECTORS = [("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8, "CRITICAL"),
           ("CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H", 8.8, "HIGH"),
           ("CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N", 6.1, "MEDIUM"),
           ("CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H", 7.8, "HIGH"),
           ("CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:N/A:N", 5.9, "MEDIUM"),
           ("CVSS:3.1/AV:L/AC:L/PR:N/UI:R/S:U/C:L/I:N/A:N", 3.3, "LOW")]


@dataclass
class Product:
    vendor: str
    name: str
    versions: list[str]
    weight: float  # how often advisories concern it
    style: str = "range"


def numbered(prefix: str, start: int, stop: int, step: int = 1) -> list[str]:
    return [f"{prefix}{number}" for number in range(start, stop, step)]


def semver_line(rng: random.Random, majors: int) -> list[str]:
    first = rng.randint(1, 9)
    return [f"{major}.{minor}.{patch}" for major in range(first, first + majors) for minor in range(4)
            for patch in range(rng.randint(3, 9))]


def catalogue(rng: random.Random) -> tuple[list[Product], list[Product]]:
    """(products of the inventory, the long tail only advisories speak of)."""
    real = [
        Product("Microsoft", "Windows 10 Version 22H2", numbered("10.0.19045.", 2006, 5300, 41), 30, "windows"),
        Product("Microsoft", "Windows 11 Version 23H2", numbered("10.0.22631.", 2428, 4700, 37), 20, "windows"),
        Product("Microsoft", "Windows Server 2019", numbered("10.0.17763.", 3000, 6400, 53), 25, "windows"),
        Product("Microsoft", "Windows Server 2022", numbered("10.0.20348.", 1000, 2800, 31), 20, "windows"),
        Product("Microsoft", "Word 2016", numbered("16.0.", 5200, 5480, 4), 8),
        Product("Microsoft", "Exchange Server 2019 Cumulative Update 14", numbered("15.2.1544.", 4, 40), 6),
        Product("Zimbra", "Zimbra Collaboration", numbered("8.8.15 Patch ", 1, 47) + numbered("9.0.0 Patch ", 1, 42),
                6, "zimbra"),
        Product("F5", "BIG-IP", [f"{m}.{n}.{p}" for m, n in ((15, 1), (16, 1), (17, 1)) for p in range(0, 11)], 6,
                "branches"),
        Product("Apache", "Tomcat", numbered("9.0.", 30, 98), 8),
        Product("VMware", "Spring Framework", numbered("5.3.", 0, 40), 5),
        Product("F5", "nginx", numbered("1.", 14, 27), 4),
        Product("PHP Group", "PHP", numbered("8.1.", 0, 30) + numbered("8.2.", 0, 25), 8),
        Product("WordPress", "WordPress", numbered("6.", 0, 7), 10),
        Product("Google", "Chrome", numbered("120.0.6099.", 1, 300, 7) + numbered("124.0.6367.", 1, 200, 9), 25),
        Product("Fortinet", "FortiOS", numbered("7.0.", 0, 16) + numbered("7.2.", 0, 9) + numbered("7.4.", 0, 5), 8),
        Product("OpenBSD", "OpenSSH", [f"{v}p1" for v in ("8.2", "8.4", "8.9", "9.0", "9.3", "9.6", "9.8")], 3),
    ]
    synthetic = [Product(f"Vendor{number:03d}", f"App {number}", semver_line(rng, 3), rng.uniform(0.5, 3))
                 for number in range(124)]
    tail = [Product(f"Tail{number // 4:05d}", f"Product {number}", semver_line(rng, 4), 1.0)
            for number in range(20_000)]
    return real + synthetic, tail


STACKS = ["workstation", "workstation", "workstation", "server", "web", "mail", "edge"]


def software_of(kind: str, products: list[Product], rng: random.Random,
                staleness: float) -> list[tuple[Product, str]]:
    by_name = {product.name: product for product in products}
    names = {"workstation": ["Windows 10 Version 22H2", "Word 2016", "Chrome"],
             "server": ["Windows Server 2019", "Tomcat", "Spring Framework"],
             "web": ["Windows Server 2022", "PHP", "WordPress", "nginx", "OpenSSH"],
             "mail": ["Zimbra Collaboration", "OpenSSH"], "edge": ["BIG-IP", "FortiOS"]}[kind]
    chosen = [by_name[name] for name in names]
    extras = rng.sample(products[16:], k=10 - len(chosen))
    return [(product, installed(product, rng, staleness)) for product in chosen + extras]


def installed(product: Product, rng: random.Random, staleness: float) -> str:
    """Mostly recent versions, a long tail of old ones (the hosts nobody patched): on average ``staleness / 9`` of
    the product's history behind."""
    versions = product.versions
    back = int(len(versions) * (rng.random() ** 8) * staleness)
    return versions[len(versions) - 1 - back]


def load_registry(products: list[Product], assets: int, rng: random.Random, staleness: float) -> None:
    from canhgac.constituency.models import Asset, InformationSystem, Software, Unit
    from canhgac.core.bulk import insert_rows

    units = Unit.objects.bulk_create([Unit(code=f"DV{number:04d}", name=f"Đơn vị {number}")
                                      for number in range(1000)])
    rows = [Asset(unit=units[number % 1000], name=f"may-{number:05d}", role=kind, internet_facing=kind in (
        "web", "mail", "edge") or rng.random() < 0.02) for number, kind in
            enumerate(rng.choice(STACKS) for _ in range(assets))]
    for asset in rows:
        asset.role = {"workstation": "workstation", "server": "server", "web": "web_portal", "mail": "mail",
                      "edge": "edge"}[asset.role]
    Asset.objects.bulk_create(rows, batch_size=5000)
    stacks = {"workstation": "workstation", "server": "server", "web_portal": "web", "mail": "mail", "edge": "edge"}
    software = ((asset.pk, product.vendor, product.name, version, "") for asset in rows
                for product, version in software_of(stacks[asset.role], products, rng, staleness))
    insert_rows(Software, ("asset", "vendor", "product", "version", "cpe"), software)
    systems = InformationSystem.objects.bulk_create([InformationSystem(unit=units[number], name=f"Hệ thống {number}",
                                                                       security_level=rng.randint(1, 5))
                                                     for number in range(1000)])
    through = InformationSystem.assets.through
    through.objects.bulk_create([through(informationsystem_id=systems[asset.unit_id % 1000].pk, asset_id=asset.pk)
                                 for asset in rng.sample(rows, k=len(rows) // 5)], batch_size=5000)


def records(products: list[Product], tail: list[Product], count: int, rng: random.Random) -> Iterator[dict[str, Any]]:
    weights = [product.weight for product in products]
    for number in range(count):
        identifier = f"CVE-{2015 + number % 10}-{100000 + number}"
        own = rng.random() < INVENTORY_SHARE
        product = rng.choices(products, weights)[0] if own else tail[rng.randrange(len(tail))]
        yield record(identifier, product, rng)


def record(identifier: str, product: Product, rng: random.Random) -> dict[str, Any]:
    vector, score, severity = rng.choice(VECTORS)
    cwe, cwe_name = rng.choice(CWES)
    year = identifier[4:8]
    fixed = rng.randrange(1, len(product.versions))
    description = (f"{product.vendor} {product.name} before {product.versions[fixed]} contains a "
                   f"{cwe_name.lower()} flaw in a component handling crafted requests, which could allow a remote "
                   "attacker to read data or run code in the context of the service.")
    cna: dict[str, Any] = {
        "providerMetadata": {"orgId": "f5c4b7a0-0000-4000-8000-000000000001", "shortName": "bench",
                             "dateUpdated": f"{year}-06-01T00:00:00.000Z"},
        "title": f"{product.name} {cwe_name} vulnerability",
        "descriptions": [{"lang": "en", "value": description}],
        "problemTypes": [{"descriptions": [{"lang": "en", "description": f"{cwe} {cwe_name}", "cweId": cwe,
                                            "type": "CWE"}]}],
        "references": [{"url": f"https://vendor.example/advisories/{identifier}"},
                       {"url": f"https://www.example.org/{identifier.lower()}", "tags": ["third-party-advisory"]}],
        "metrics": [{"format": "CVSS", "scenarios": [{"lang": "en", "value": "GENERAL"}],
                     "cvssV3_1": {"version": "3.1", "baseScore": score, "baseSeverity": severity,
                                  "vectorString": vector}}],
        "affected": affected(product, fixed, rng),
    }
    if rng.random() < 0.03:  # MITRE's style: no product, the range only in the description
        cna["affected"] = [{"vendor": "n/a", "product": "n/a", "versions": [{"version": "n/a", "status": "affected"}]}]
    containers: dict[str, Any] = {"cna": cna}
    if rng.random() < 0.01:
        containers["adp"] = [{"providerMetadata": {"orgId": "134c704f-9b21-4f2e-91b3-4a467353bcc0",
                                                   "shortName": "CISA-ADP"}, "title": "CISA ADP Vulnrichment",
                              "metrics": [{"other": {"type": "kev", "content": {"dateAdded": f"{year}-07-01"}}}]}]
    return {"dataType": "CVE_RECORD", "dataVersion": "5.1",
            "cveMetadata": {"cveId": identifier, "assignerOrgId": "f5c4b7a0-0000-4000-8000-000000000001",
                            "assignerShortName": "bench", "state": "PUBLISHED",
                            "dateReserved": f"{year}-01-02T00:00:00.000Z",
                            "datePublished": f"{year}-03-04T00:00:00.000Z",
                            "dateUpdated": f"{year}-06-01T00:00:00.000Z"},
            "containers": containers}


def affected(product: Product, fixed: int, rng: random.Random) -> list[dict[str, Any]]:
    versions = product.versions
    entry: dict[str, Any] = {"vendor": product.vendor, "product": product.name, "defaultStatus": "unaffected"}
    if product.style == "branches":  # F5: each branch "up to *", its hotfix unaffected
        branches = sorted({version.rsplit(".", 1)[0] for version in versions})
        entry["versions"] = [{"version": f"{branch}.0", "lessThan": "*", "status": "affected", "versionType": "semver",
                              "changes": [{"at": f"Hotfix-BIGIP-{branch}.{rng.randint(1, 9)}.0.{rng.randint(1, 90)}"
                                                 f".{rng.randint(1, 9)}-ENG.iso", "status": "unaffected"}]}
                             for branch in branches]
    elif rng.random() < 0.1:  # a list of exact versions
        chosen = sorted(rng.sample(range(fixed), k=min(fixed, rng.randint(1, 6))))
        entry["versions"] = [{"version": versions[index], "status": "affected"} for index in chosen]
    else:
        start = versions[rng.randrange(0, fixed)] if rng.random() < 0.3 else "0"
        entry["versions"] = [{"version": start, "lessThan": versions[fixed], "status": "affected",
                              "versionType": "custom" if product.style == "windows" else "semver"}]
    return [entry]


def write_bundle(path: Path, products: list[Product], tail: list[Product], count: int, rng: random.Random) -> None:
    with path.open("w") as out:
        for item in records(products, tail, count, rng):
            out.write(json.dumps(item, separators=(",", ":")))
            out.write("\n")


def timed(label: str, action: Any) -> tuple[float, Any]:
    started, cpu = time.perf_counter(), time.process_time()
    result = action()
    elapsed = time.perf_counter() - started
    print(f"{label}: {elapsed:.2f} s (this process's CPU {time.process_time() - cpu:.2f} s; load average "
          f"{os.getloadavg()[0]:.1f})")
    return elapsed, result


def describe(summary: Any) -> str:
    return (f"    {summary.exposures:,} exposures in {summary.units_affected} units ({summary.new:,} new, "
            f"{summary.changed:,} changed, {summary.gone:,} gone; {summary.undetermined:,} installs undetermined); "
            f"findings {summary.opened:,} opened, {summary.refreshed:,} refreshed, {summary.resolved:,} resolved")


def fresh_database() -> str | None:
    """A fresh PostgreSQL database beside the configured one (returned to be dropped), or a fresh SQLite dir."""
    from urllib.parse import urlsplit, urlunsplit

    url = os.environ.get("CANHGAC_DATABASE_URL", "")
    os.environ["CANHGAC_DATA_DIR"] = tempfile.mkdtemp(prefix="canhgac-bench-")
    if not url:
        return None
    import psycopg

    parts = urlsplit(url)
    name = f"{parts.path.lstrip('/') or 'canhgac'}_bench_advisories_{os.getpid()}"  # runs side by side on one server
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    os.environ["CANHGAC_DATABASE_URL"] = urlunsplit(parts._replace(path=f"/{name}"))
    return admin_url + "\n" + name


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cves", type=int, default=250_000)
    parser.add_argument("--assets", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--staleness", type=float, default=0.12,
                        help="how far behind installs lag (share of a product's history; 0.12: most hosts patched "
                             "within weeks, a few years behind — about 20 exposures per asset)")
    options = parser.parse_args()
    handle = fresh_database()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "canhgac.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    try:
        call_command("migrate", verbosity=0)
        run(options, connection.vendor)
    finally:
        if handle:
            drop_database(handle)


def run(options: argparse.Namespace, vendor: str) -> None:
    from canhgac.advisories.services import Received, ingest_advisories, match_all, match_assets
    from canhgac.advisories.services.storing import Letter
    from canhgac.constituency.models import Asset, Software
    from canhgac.findings.models import Finding

    rng = random.Random(options.seed)
    products, tail = catalogue(rng)
    started = time.perf_counter()
    load_registry(products, options.assets, rng, options.staleness)
    folder = Path(tempfile.mkdtemp(prefix="canhgac-bench-advisories-"))
    bundle = folder / "cves.jsonl"
    write_bundle(bundle, products, tail, options.cves, rng)
    size = bundle.stat().st_size
    print(f"{vendor}: {options.assets:,} assets in 1,000 units with {Software.objects.count():,} software entries; "
          f"{options.cves:,} CVE records ({size / 1e6:.0f} MB of JSON lines) — prepared in "
          f"{time.perf_counter() - started:.0f} s; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")

    with bundle.open("rb") as stream:
        received = Received(bundle.name, size, "bench", Letter())
        elapsed, outcome = timed("1. import (no matching)", lambda: ingest_advisories(stream, received, match=False))
    batch = outcome.batch
    print(f"    {batch.records:,} records, {batch.rules:,} rules, {batch.needs_review:,} needing a SOC entry; "
          f"{batch.records / elapsed:,.0f} records/s")
    full, summary = timed("2. full matching", match_all)
    print(describe(summary) + f"; {Finding.objects.count():,} findings stored")
    _again, summary = timed("3. full matching, nothing changed", match_all)
    print(describe(summary))

    typical_product = next(product for product in products if product.name == "Zimbra Collaboration")
    windows = products[0]
    incremental = []
    for label, product, number in (("typical product", typical_product, 900_001),
                                   ("widespread product (Windows 10 22H2)", windows, 900_002)):
        new = record(f"CVE-2026-{number}", product, rng)
        new["containers"]["cna"]["affected"][0]["versions"] = [{"version": "0", "lessThan": product.versions[-3],
                                                                "status": "affected"}]
        content = json.dumps(new).encode()
        received = Received("new.json", len(content), f"new-{number}", Letter())
        elapsed, outcome = timed(f"4. one new advisory, {label}",
                                 lambda content=content, received=received: ingest_advisories(
                                     io.BytesIO(content), received))
        matching = outcome.batch.matching
        print(f"    import and matching; matching alone {matching['seconds']:.2f} s: {matching['exposures']:,} "
              f"exposures, {matching['opened']:,} findings opened")
        incremental.append((label, elapsed))

    asset = Asset.objects.order_by("pk")[options.assets // 2]
    first = Software.objects.filter(asset=asset).order_by("pk").first()
    assert first is not None
    Software.objects.filter(pk=first.pk).update(version="0.0.1")  # an old, affected version
    elapsed, summary = timed("5. one changed asset", lambda: match_assets([asset.pk]))
    print(describe(summary))
    incremental.append(("changed asset", elapsed))

    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory: {peak_mb:.0f} MB")
    typical = max(elapsed for label, elapsed in incremental if not label.startswith("widespread"))
    print(f"targets: full matching ≤ {TARGET_FULL_S:.0f} s {'met' if full <= TARGET_FULL_S else 'MISSED'} "
          f"({full:.1f} s); incremental ≤ {TARGET_INCREMENTAL_S:.0f} s "
          f"{'met' if typical <= TARGET_INCREMENTAL_S else 'MISSED'} ({typical:.2f} s; the widespread product "
          f"{incremental[1][1]:.2f} s); peak ≤ {TARGET_PEAK_MB} MB {'met' if peak_mb <= TARGET_PEAK_MB else 'MISSED'}")


if __name__ == "__main__":
    main()
