"""The demo units' hosts: what a unit of each size and kind runs, with addresses, host names and software.

A unit's size fixes how many assets it registers; its special hosts (firewalls, portal, mail, HIS, data-centre
servers…) come first and workstations fill the rest, so the province totals about 2,000 assets.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field

from canhgac.constituency.demo import software as stacks
from canhgac.constituency.demo.addresses import UnitAddresses
from canhgac.constituency.demo.people import PROVIDER_DOMAINS
from canhgac.constituency.demo.province import DOMAIN, UnitSpec
from canhgac.constituency.services import SoftwareItem, format_software_list


@dataclass(frozen=True)
class HostKind:
    label: str  # the asset's name in the register (numbered when a unit has several)
    role: str
    internet_facing: bool
    stack: stacks.Stack
    prefix: str  # host name prefix
    subnet: int  # private 10.<unit>.<subnet>.0/24
    ipv6: bool = False


HOST_KINDS = {
    "edge": HostKind("Tường lửa biên", "edge", True, stacks.edge, "fw", 1),
    "adc": HostKind("Cân bằng tải F5 BIG-IP", "edge", True, stacks.big_ip, "lb", 1),
    "vpn": HostKind("Cổng VPN truy cập từ xa", "vpn", True, stacks.fortigate, "vpn", 1),
    "portal": HostKind("Cổng thông tin điện tử", "web_portal", True, stacks.portal, "portal", 20, ipv6=True),
    "egov": HostKind("Cổng dịch vụ công", "web_portal", True, stacks.public_services, "dichvucong", 20, ipv6=True),
    "docs": HostKind("Hệ thống quản lý văn bản và điều hành", "server", True, stacks.document_system, "vanban", 20),
    "lms": HostKind("Hệ thống học trực tuyến", "web_portal", True, stacks.lms, "elearning", 20),
    "mail": HostKind("Máy chủ thư điện tử", "mail", True, stacks.exchange, "mail", 20, ipv6=True),
    "dns": HostKind("Máy chủ DNS", "server", True, stacks.dns, "ns", 20, ipv6=True),
    "lgsp": HostKind("Nền tảng tích hợp, chia sẻ dữ liệu (LGSP)", "server", False, stacks.lgsp, "lgsp", 20),
    "his": HostKind("Máy chủ phần mềm quản lý bệnh viện (HIS)", "server", False, stacks.his, "his", 20),
    "app": HostKind("Máy chủ ứng dụng", "server", False, stacks.app_server, "app", 20),
    "db": HostKind("Máy chủ cơ sở dữ liệu", "database", False, stacks.database, "db", 20),
    "file": HostKind("Máy chủ tệp và in", "server", False, stacks.file_server, "fs", 20),
    "esxi": HostKind("Máy chủ ảo hóa", "server", False, stacks.esxi, "esxi", 2),
    "vcenter": HostKind("Máy chủ quản trị ảo hóa vCenter", "server", False, stacks.vcenter, "vcenter", 2),
    "router": HostKind("Router", "network", False, stacks.switch, "rt", 1),
    "switch": HostKind("Switch", "network", False, stacks.switch, "sw", 1),
    "camera": HostKind("Camera giám sát", "iot", False, stacks.camera, "cam", 30),
    "workstation": HostKind("Máy trạm", "workstation", False, stacks.windows_client, "PC", 10),
}
TOTAL = {"xs": 6, "s": 15, "m": 35, "l": 80, "xl": 200}
BY_SIZE = {
    "xs": {"edge": 1, "switch": 1},
    "s": {"edge": 1, "portal": 1, "file": 1, "switch": 1, "camera": 1},
    "m": {"edge": 1, "portal": 1, "app": 2, "db": 1, "file": 1, "switch": 2, "camera": 2},
    "l": {"edge": 2, "vpn": 1, "portal": 1, "mail": 1, "app": 4, "db": 2, "file": 1, "esxi": 2, "switch": 4,
          "camera": 4},
    "xl": {"edge": 2, "adc": 2, "vpn": 1, "portal": 2, "mail": 2, "app": 8, "db": 4, "file": 2, "esxi": 8,
           "vcenter": 1, "switch": 10, "camera": 10},
}
BY_KIND = {"hospital": {"his": 2, "db": 1}, "school": {"lms": 1}, "telecom": {"dns": 2, "router": 4},
           "it_provider": {"dns": 2, "router": 2}}
BY_CODE = {"TT-CNTT": {"egov": 2, "docs": 2, "lgsp": 1}}  # the province's data centre
ROOMS = {
    "hospital": ["Khoa Khám bệnh", "Khoa Nội", "Khoa Ngoại", "Khoa Sản", "Khoa Nhi", "Khoa Xét nghiệm",
                 "Khoa Chẩn đoán hình ảnh", "Khoa Dược", "Phòng Kế hoạch tổng hợp", "Phòng Tài chính – Kế toán"],
    "school": ["Phòng Đào tạo", "Phòng máy thực hành", "Thư viện", "Văn phòng", "Phòng Công tác học sinh"],
    "commune": ["Bộ phận Một cửa", "Văn phòng – Thống kê", "Địa chính – Xây dựng", "Tư pháp – Hộ tịch"],
}
OFFICE_ROOMS = ["Văn phòng", "Phòng Kế hoạch – Tài chính", "Phòng Tổ chức cán bộ", "Phòng Nghiệp vụ 1",
                "Phòng Nghiệp vụ 2", "Bộ phận Một cửa", "Thanh tra", "Phòng Quản lý chuyên ngành"]
PUBLISHED = {"portal": "portal", "mail": "mail", "egov": "service", "docs": "service", "lms": "service"}
EDGE_MODELS = {"FortiOS": ["FortiGate 60F", "FortiGate 100F", "FortiGate 200F"], "PAN-OS": ["PA-440", "PA-850"]}


@dataclass
class Host:
    key: str  # the HostKind's key
    name: str
    hostname: str
    role: str
    internet_facing: bool
    addresses: list[str]
    description: str
    software: list[SoftwareItem] = field(default_factory=list)
    published: str = ""  # the domain purpose when the host name is a service's public name (mail., dichvucong.)

    def row(self, code: str) -> dict[str, str]:
        """The asset as a row of the import's English columns."""
        return {"Unit code": code, "Name": self.name, "Hostname": self.hostname, "Role": self.role,
                "Internet-facing": "yes" if self.internet_facing else "no",
                "IP addresses": ", ".join(self.addresses), "Description": self.description,
                "Software": format_software_list(self.software)}


def host_counts(spec: UnitSpec) -> Counter[str]:
    counts = Counter(BY_SIZE[spec.size])
    counts.update(BY_KIND.get(spec.kind, {}))
    counts.update(BY_CODE.get(spec.code, {}))
    counts["workstation"] = TOTAL[spec.size] - sum(counts.values())
    return counts


def unit_hosts(spec: UnitSpec, addresses: UnitAddresses, rng: random.Random) -> list[Host]:
    hosts = []
    for key, count in host_counts(spec).items():
        for number in range(1, count + 1):
            hosts.append(_host(spec, key, number, count, addresses, rng))
    return hosts


def _host(spec: UnitSpec, key: str, number: int, count: int, addresses: UnitAddresses,
          rng: random.Random) -> Host:
    kind = HOST_KINDS[key]
    software = _software(spec, key, kind, rng)
    hostname = _hostname(spec, key, kind, number)
    if key == "workstation":
        name = f"{kind.label} {hostname}"
    else:
        name = kind.label if count == 1 else f"{kind.label} {number:02d}"
    return Host(key, name, hostname, kind.role, kind.internet_facing, _addresses(kind, addresses),
                _description(spec, key, software, rng), software, PUBLISHED.get(key, "") if number == 1 else "")


def _software(spec: UnitSpec, key: str, kind: HostKind, rng: random.Random) -> list[SoftwareItem]:
    if key == "mail" and (spec.code == "TT-CNTT" or rng.random() < 0.4):
        return stacks.zimbra(rng)  # the provincial mail system, and some units' own
    return kind.stack(rng)


def _hostname(spec: UnitSpec, key: str, kind: HostKind, number: int) -> str:
    if key == "workstation":
        return f"{spec.code.replace('-', '')[:10]}-PC{number:03d}"
    zone = PROVIDER_DOMAINS.get(spec.code) or f"{spec.slug}.{DOMAIN}"
    if key == "portal" and number == 1:
        return DOMAIN if spec.code == "TT-CNTT" else zone
    if key in ("mail", "egov", "docs", "lms") and number == 1:
        return f"{kind.prefix}.{DOMAIN}" if spec.code == "TT-CNTT" else f"{kind.prefix}.{zone}"
    if kind.internet_facing:
        return f"{kind.prefix}{number:02d}.{zone}"
    return f"{kind.prefix}{number:02d}.{spec.slug}.local"


def _addresses(kind: HostKind, addresses: UnitAddresses) -> list[str]:
    found = []
    if kind.internet_facing:
        found += [address for address in (addresses.next_public(),) if address]
        if kind.ipv6 and addresses.public_v6 is not None:
            found.append(addresses.next_public_v6() or "")
    return [*found, addresses.next_private(kind.subnet)]


def _description(spec: UnitSpec, key: str, software: list[SoftwareItem], rng: random.Random) -> str:
    if key == "workstation":
        return rng.choice(ROOMS.get(spec.kind, OFFICE_ROOMS))
    if key in ("edge", "vpn"):
        return rng.choice(EDGE_MODELS.get(software[0].product, ["FortiGate 100F"]))
    if key == "portal" and spec.code == "TT-CNTT":
        return "Cổng thông tin điện tử tỉnh; lưu trữ trang của các xã, phường"
    return ", ".join(item.product for item in software[:3])
