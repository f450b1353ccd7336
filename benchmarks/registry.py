"""Registry speed with 1,000 units and 50,000 assets, through a real server over HTTP.

Run: .venv/bin/python benchmarks/registry.py [--units 1000] [--assets 50000] [--requests 200]
(add CANHGAC_DATABASE_URL=postgresql://… to measure on PostgreSQL; the default is a fresh SQLite database in a
temporary data directory).

It imports the units, their netblocks and the assets from CSV files (timed: the 50,000-asset import), starts
``canhgac serve`` (waitress, the production server) in a subprocess, signs in like a browser, and prints the
median and p95 of the console's unit list, filtered asset list and unit detail pages and of the IP lookup API.
Targets on the 2-core reference machine: pages p95 ≤ 150 ms, lookup p95 ≤ 20 ms, import ≤ 30 s.
"""

from __future__ import annotations

import argparse
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from import_assets import build_files  # a sibling benchmark script, not a package

PASSWORD = "benchmark-password-2026"
TARGETS_MS = {"page": 150.0, "lookup": 20.0}
IMPORT_TARGET_S = 30.0


def netblock_file(units: int) -> bytes:
    """Each unit owns 10.(i//256).(i%256).0/24 around its assets' addresses… and a public /28 of its own."""
    from canhgac.constituency.tests.data.builders import csv_bytes

    rows = [["Mã đơn vị", "Dải IP", "Mô tả"]]
    for i in range(units):
        rows.append([f"DV{i:04d}", f"10.{i // 256}.{i % 256}.0/24", "LAN"])
        rows.append([f"DV{i:04d}", f"113.{160 + i // 4096}.{(i // 16) % 256}.{(i % 16) * 16}/28", "Internet"])
    return csv_bytes(rows, "utf-8-sig")


def load_registry(units: int, assets: int) -> float:
    from canhgac.constituency.importing import run_import

    units_csv, assets_csv = build_files(units, assets)
    run_import("units", "units.csv", units_csv)
    run_import("netblocks", "netblocks.csv", netblock_file(units))
    started = time.perf_counter()
    run_import("assets", "assets.csv", assets_csv)
    return time.perf_counter() - started


def make_accounts() -> str:
    """A SOC analyst to browse as; returns an API token of theirs."""
    from canhgac.accounts.models import User
    from canhgac.accounts.tokens import issue_token
    from canhgac.core.access import Role

    user = User.objects.create(username="bench", role=Role.SOC_ANALYST)
    user.set_password(PASSWORD)
    user.save()
    return issue_token(user, "benchmark")[1]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(port: int) -> subprocess.Popen:
    canhgac = Path(sys.executable).with_name("canhgac")
    server = subprocess.Popen([str(canhgac), "serve", "--port", str(port)], env=os.environ.copy(),
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("the server did not start: " + server.stderr.read().decode(errors="replace"))  # type: ignore[union-attr]


def signed_in_client(base: str):  # type: ignore[no-untyped-def]
    import httpx

    client = httpx.Client(base_url=base, timeout=30)
    client.get("/accounts/login/")
    response = client.post("/accounts/login/", data={
        "username": "bench", "password": PASSWORD, "csrfmiddlewaretoken": client.cookies["csrftoken"]},
        headers={"Referer": base + "/accounts/login/"})
    if response.status_code != 302:
        raise SystemExit(f"sign-in failed: HTTP {response.status_code}")
    return client


def timings(fetch: Callable[[int], object], count: int) -> list[float]:
    fetch(0)  # warm the caches once, as a user's second visit would
    values = []
    for index in range(count):
        started = time.perf_counter()
        fetch(index)
        values.append((time.perf_counter() - started) * 1000)
    return values


def expect_ok(response) -> None:  # type: ignore[no-untyped-def]
    if response.status_code != 200:
        raise SystemExit(f"{response.request.url}: HTTP {response.status_code}")


def report(label: str, values: list[float], target: float) -> bool:
    p95 = statistics.quantiles(values, n=20)[-1]
    ok = p95 <= target
    print(f"{label:<34} median {statistics.median(values):7.1f} ms   p95 {p95:7.1f} ms   "
          f"(target p95 ≤ {target:.0f} ms: {'met' if ok else 'MISSED'})")
    return ok


def measure(base: str, token: str, units: int, count: int) -> bool:
    from django.urls import reverse

    from canhgac.constituency.models import Unit

    rng = random.Random(7)
    unit_ids = list(Unit.objects.values_list("pk", flat=True))
    client = signed_in_client(base)
    unit_list, asset_list = reverse("constituency:unit_list"), reverse("constituency:asset_list")
    pages: dict[str, Callable[[int], object]] = {
        "unit list (page 1 of 20)": lambda i: expect_ok(client.get(unit_list, params={"page": 1 + i % 20})),
        "asset list (unit + role filter)": lambda i: expect_ok(client.get(asset_list, params={
            "unit": f"DV{rng.randrange(units):04d}", "role": "server"})),
        "asset list (search, page 2)": lambda i: expect_ok(client.get(asset_list, params={
            "q": f"may-{rng.randrange(1000):03d}", "page": 1})),
        "unit detail": lambda i: expect_ok(client.get(
            reverse("constituency:unit_detail", kwargs={"pk": rng.choice(unit_ids)}))),
    }
    ok = all(report(label, timings(fetch, count), TARGETS_MS["page"]) for label, fetch in pages.items())
    api = __import__("httpx").Client(base_url=base, headers={"Authorization": f"Token {token}"}, timeout=30)
    lookup = reverse("netblock-lookup")

    def look_up(i: int) -> None:
        n = rng.randrange(units)
        expect_ok(api.get(lookup, params={"ip": f"10.{n // 256}.{n % 256}.{rng.randrange(1, 255)}"}))

    return report("IP lookup API", timings(look_up, count * 5), TARGETS_MS["lookup"]) and ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--units", type=int, default=1000)
    parser.add_argument("--assets", type=int, default=50_000)
    parser.add_argument("--requests", type=int, default=200, help="requests per measured page")
    options = parser.parse_args()
    os.environ["CANHGAC_DATA_DIR"] = tempfile.mkdtemp(prefix="canhgac-bench-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "canhgac.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("init", verbosity=0)
    seconds = load_registry(options.units, options.assets)
    print(f"import of {options.assets:,} assets from CSV: {seconds:.1f} s "
          f"(target ≤ {IMPORT_TARGET_S:.0f} s: {'met' if seconds <= IMPORT_TARGET_S else 'MISSED'})")
    token = make_accounts()
    port = free_port()
    server = start_server(port)
    try:
        met = measure(f"http://127.0.0.1:{port}", token, options.units, options.requests)
    finally:
        server.terminate()
        server.wait(timeout=30)
    sys.exit(0 if met and seconds <= IMPORT_TARGET_S else 1)


if __name__ == "__main__":
    main()
