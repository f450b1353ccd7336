"""The whole demo province as data: rows in the import's columns, plus domains and information systems.

Building touches no database, and each part draws from its own seeded random stream, so a seed always gives the
same province and a change to one part (say, the contacts) leaves the others as they were.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from canhgac.constituency.demo.addresses import UnitAddresses, plan_addresses
from canhgac.constituency.demo.inventory import Host, unit_hosts
from canhgac.constituency.demo.people import PROVIDER_DOMAINS, Directory, office_phone, unit_contacts
from canhgac.constituency.demo.province import DISTRICT_NOTE, DOMAIN, PROVINCE, UNITS, UnitSpec

Row = dict[str, str]
STREETS = ["Lê Lợi", "Trần Phú", "Quang Trung", "Hùng Vương", "Nguyễn Trãi", "Lý Thường Kiệt", "Phan Chu Trinh",
           "Hai Bà Trưng", "Lê Hoàn", "Bà Triệu", "Đại lộ Lam Sơn"]
WARDS = ["Đông Thành", "Nam Sơn", "Bắc Thành", "Hạc Thành", "Lam Sơn"]


@dataclass(frozen=True)
class SystemSpec:
    unit: str
    name: str
    level: int
    approval: str
    description: str
    assets: tuple[str, ...]


@dataclass
class DemoProvince:
    units: list[Row] = field(default_factory=list)
    contacts: list[Row] = field(default_factory=list)
    netblocks: list[Row] = field(default_factory=list)
    assets: list[Row] = field(default_factory=list)
    domains: list[tuple[str, str, str, str]] = field(default_factory=list)  # unit, name, purpose, notes
    systems: list[SystemSpec] = field(default_factory=list)


def build_province(seed: int) -> DemoProvince:
    def stream(part: str) -> random.Random:
        return random.Random(f"canhgac-demo-{seed}-{part}")

    province = DemoProvince()
    addresses = plan_addresses(stream("addresses"))
    directory = Directory(stream("contacts"))
    hosts_rng, systems_rng, units_rng = stream("assets"), stream("systems"), stream("units")
    for spec in UNITS:
        province.units.append(unit_row(spec, units_rng))
        province.contacts += unit_contacts(spec, directory)
        province.netblocks += netblock_rows(spec, addresses[spec.code])
        hosts = unit_hosts(spec, addresses[spec.code], hosts_rng)
        province.assets += [host.row(spec.code) for host in hosts]
        province.domains += unit_domains(spec, hosts)
        province.systems += unit_systems(spec, hosts, systems_rng)
    return province


def unit_row(spec: UnitSpec, rng: random.Random) -> Row:
    if spec.kind in ("commune", "district"):
        address = f"Trụ sở {spec.name}, tỉnh {PROVINCE}"
    else:
        address = (f"Số {rng.randrange(1, 300)} đường {rng.choice(STREETS)}, phường {rng.choice(WARDS)}, "
                   f"tỉnh {PROVINCE}")
    zone = PROVIDER_DOMAINS.get(spec.code) or f"{spec.slug}.{DOMAIN}"
    return {"Unit code": spec.code, "Name": spec.name, "Short name": spec.short, "Kind": spec.kind,
            "Parent": spec.parent or "", "Address": address, "Phone": office_phone(rng),
            "E-mail": f"{spec.slug}@{DOMAIN}" if zone.endswith(DOMAIN) else f"lienhe@{zone}",
            "Website": f"https://{zone}", "Active": "yes", "Notes": DISTRICT_NOTE if spec.kind == "district" else ""}


def netblock_rows(spec: UnitSpec, addresses: UnitAddresses) -> list[Row]:
    return [{"Unit code": spec.code, "Block": str(block), "Description": description}
            for block, description in addresses.blocks]


def unit_domains(spec: UnitSpec, hosts: list[Host]) -> list[tuple[str, str, str, str]]:
    """The unit's portal name (small units' pages are hosted on the provincial portal) and its services' names."""
    if spec.code in PROVIDER_DOMAINS:
        return [(spec.code, PROVIDER_DOMAINS[spec.code], "portal", "")]
    hosted = "" if any(host.key == "portal" for host in hosts) else "Trang thành phần trên Cổng thông tin tỉnh"
    found = {f"{spec.slug}.{DOMAIN}": ("portal", hosted)}
    for host in hosts:
        if host.published:
            found.setdefault(host.hostname, (host.published, host.name))
    return [(spec.code, name, purpose, notes) for name, (purpose, notes) in found.items()]


def unit_systems(spec: UnitSpec, hosts: list[Host], rng: random.Random) -> list[SystemSpec]:
    """The unit's information systems with their levels (Decree 85/2016), over the unit's own hosts."""
    by_key: dict[str, list[str]] = {}
    for host in hosts:
        by_key.setdefault(host.key, []).append(host.name)
    special = SPECIAL.get(spec.code, [])
    covered = {key for _name, _level, _description, keys in special for key in keys}
    small = spec.size in ("xs", "s")
    found = []
    for needs, name, level, description, keys in COMMON_SYSTEMS:
        if needs and (needs not in by_key or needs in covered):
            continue
        chosen = (1 if small else 2) if level == 0 else level
        found.append((name.format(short=spec.short), chosen, description, keys))
    found += special
    return [SystemSpec(spec.code, name, level, _approval(spec, level, rng), description,
                       tuple(asset for key in keys for asset in by_key.get(key, [])))
            for name, level, description, keys in found]


SystemRow = tuple[str, int, str, tuple[str, ...]]  # name, level, description, host kinds
# Systems a unit has when it runs the first host kind (level 0: 1 for small units, else 2).
COMMON_SYSTEMS: tuple[tuple[str, str, int, str, tuple[str, ...]], ...] = (
    ("", "Hệ thống mạng nội bộ (LAN) – {short}", 0,
     "Mạng LAN, kết nối Internet và máy chủ dùng chung của đơn vị.", ("edge", "vpn", "switch", "file")),
    ("portal", "Cổng/Trang thông tin điện tử – {short}", 2,
     "Thông tin công khai, văn bản chỉ đạo điều hành và thủ tục hành chính của đơn vị.", ("portal",)),
    ("mail", "Hệ thống thư điện tử – {short}", 2, "Thư điện tử công vụ của cán bộ, công chức đơn vị.", ("mail",)),
    ("app", "Hệ thống cơ sở dữ liệu chuyên ngành – {short}", 2,
     "Phần mềm nghiệp vụ và cơ sở dữ liệu chuyên ngành.", ("app", "db")),
    ("his", "Hệ thống thông tin quản lý bệnh viện (HIS)", 3,
     "Quản lý khám chữa bệnh, viện phí; liên thông giám định bảo hiểm y tế.", ("his", "db")),
    ("lms", "Hệ thống học trực tuyến", 2, "Bài giảng và kiểm tra trực tuyến cho người học.", ("lms",)),
)
# The province's shared platforms and the providers' networks, with the host kinds each runs on.
SPECIAL: dict[str, list[SystemRow]] = {
    "TT-CNTT": [
        ("Trung tâm dữ liệu tỉnh", 4, "Hạ tầng ảo hóa, lưu trữ và kết nối dùng chung của các cơ quan tỉnh.",
         ("edge", "adc", "esxi", "vcenter", "switch")),
        ("Cổng thông tin điện tử tỉnh", 3, "Cổng thông tin của tỉnh và trang thành phần của các xã, phường.",
         ("portal", "db")),
        ("Hệ thống thông tin giải quyết thủ tục hành chính tỉnh", 3,
         "Cổng dịch vụ công và một cửa điện tử; kết nối Cổng Dịch vụ công quốc gia.", ("egov", "app")),
        ("Hệ thống quản lý văn bản và điều hành tỉnh", 3, "Văn bản đi, đến và hồ sơ công việc liên thông.",
         ("docs",)),
        ("Nền tảng tích hợp, chia sẻ dữ liệu tỉnh (LGSP)", 3, "Kết nối các hệ thống của tỉnh với NDXP.",
         ("lgsp",)),
        ("Hệ thống thư điện tử công vụ tỉnh", 3, "Thư điện tử @lamson.gov.vn của các cơ quan nhà nước.",
         ("mail",)),
    ],
    "VNPT-LS": [("Mạng truyền số liệu chuyên dùng cấp II tỉnh Lam Sơn", 5,
                 "Thuộc Danh mục hệ thống thông tin quan trọng quốc gia; kết nối các cơ quan Đảng, Nhà nước.",
                 ("router", "edge")),
                ("Hệ thống máy chủ tên miền (DNS)", 3, "Phân giải tên miền cho khách hàng.", ("dns",))],
    "VIETTEL-LS": [("Mạng truy nhập và truyền dẫn khu vực tỉnh", 4, "Mạng truy nhập cố định và di động.",
                    ("router", "edge")),
                   ("Hệ thống máy chủ tên miền (DNS)", 3, "Phân giải tên miền cho khách hàng.", ("dns",))],
    "FPT-LS": [("Hệ thống máy chủ tên miền (DNS)", 2, "Phân giải tên miền cho khách hàng.", ("dns",))],
}


def _approval(spec: UnitSpec, level: int, rng: random.Random) -> str:
    """The decision approving the level: the province's People's Committee from level 3, else the unit's head.

    About one system in five has no approved level yet, as in a real register.
    """
    if rng.random() < 0.2:
        return ""
    year = rng.choice((2021, 2022, 2023, 2024))
    date = f"{rng.randrange(1, 29):02d}/{rng.randrange(1, 13):02d}/{year}"
    issuer = "QĐ-UBND" if level >= 3 else f"QĐ-{spec.code.split('-')[-1]}"
    return f"Quyết định số {rng.randrange(100, 3000)}/{issuer} ngày {date}"
