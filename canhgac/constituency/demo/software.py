"""Real products and versions found in provincial networks, with their NVD-style CPE 2.3 names where one exists.

Builds are real (Windows cumulative updates, Exchange CU/SU, Zimbra patches, BIG-IP point releases), so that
advisory matching can later be shown on the demo. Each stack picks one version per product from a seeded RNG.
"""

from __future__ import annotations

import random
from collections.abc import Callable

from canhgac.constituency.services import SoftwareItem

Stack = Callable[[random.Random], list[SoftwareItem]]


def _cpe(part: str, vendor: str, product: str, version: str, update: str = "*", edition: str = "*",
         sw_edition: str = "*", hw: str = "*") -> str:
    return f"cpe:2.3:{part}:{vendor}:{product}:{version}:{update}:{edition}:*:{sw_edition}:*:{hw}:*"


WIN10 = ["10.0.19045.3803", "10.0.19045.3930", "10.0.19045.4046", "10.0.19045.4170", "10.0.19045.4291",
         "10.0.19045.4412", "10.0.19045.4529", "10.0.19045.4651", "10.0.19045.4780", "10.0.19045.4894",
         "10.0.19045.5011", "10.0.19045.5131", "10.0.19045.5247"]
WIN11 = ["10.0.22631.2861", "10.0.22631.3007", "10.0.22631.3155", "10.0.22631.3296", "10.0.22631.3447",
         "10.0.22631.3593", "10.0.22631.3737", "10.0.22631.3880", "10.0.22631.4037", "10.0.22631.4169",
         "10.0.22631.4317", "10.0.22631.4460", "10.0.22631.4602"]
SERVERS = {
    "windows_server_2012": ("Windows Server 2012 R2", ["6.3.9600.20821", "6.3.9600.21503", "6.3.9600.21620"], "r2"),
    "windows_server_2016": ("Windows Server 2016", ["10.0.14393.6452", "10.0.14393.6614", "10.0.14393.6796",
                                                    "10.0.14393.6897", "10.0.14393.7070", "10.0.14393.7259"], ""),
    "windows_server_2019": ("Windows Server 2019", ["10.0.17763.5122", "10.0.17763.5329", "10.0.17763.5576",
                                                    "10.0.17763.5696", "10.0.17763.5936", "10.0.17763.6293"], ""),
    "windows_server_2022": ("Windows Server 2022", ["10.0.20348.2113", "10.0.20348.2227", "10.0.20348.2340",
                                                    "10.0.20348.2402", "10.0.20348.2527", "10.0.20348.2762"], ""),
}
LINUX = [("Canonical", "Ubuntu Linux", "20.04", _cpe("o", "canonical", "ubuntu_linux", "20.04", sw_edition="lts"),
          ("8.2", "p1")),
         ("Canonical", "Ubuntu Linux", "22.04", _cpe("o", "canonical", "ubuntu_linux", "22.04", sw_edition="lts"),
          ("8.9", "p1")),
         ("CentOS", "CentOS Linux", "7", _cpe("o", "centos", "centos", "7"), ("7.4", "p1"))]


def item(vendor: str, product: str, version: str, cpe: str = "") -> SoftwareItem:
    return SoftwareItem(vendor, product, version, cpe)


def windows_client(rng: random.Random) -> list[SoftwareItem]:
    if rng.random() < 0.7:
        os_item = item("Microsoft", "Windows 10 22H2", v := rng.choice(WIN10),
                       _cpe("o", "microsoft", "windows_10_22h2", v, hw="x64"))
    else:
        os_item = item("Microsoft", "Windows 11 23H2", v := rng.choice(WIN11),
                       _cpe("o", "microsoft", "windows_11_23h2", v, hw="x64"))
    office = rng.choice([("Office 2016", "16.0.5422.1000", _cpe("a", "microsoft", "office", "2016")),
                         ("Office 2019", "16.0.10407.20032", _cpe("a", "microsoft", "office", "2019")),
                         ("Office LTSC 2021", "16.0.14332.20706",
                          _cpe("a", "microsoft", "office_long_term_servicing_channel", "2021"))])
    chrome = rng.choice(["120.0.6099.130", "122.0.6261.112", "124.0.6367.91", "126.0.6478.127"])
    return [os_item, item("Microsoft", office[0], office[1], office[2]),
            item("Google", "Chrome", chrome, _cpe("a", "google", "chrome", chrome))]


def windows_server(rng: random.Random, product: str | None = None) -> SoftwareItem:
    key = product or rng.choice(list(SERVERS))
    name, builds, update = SERVERS[key]
    build = rng.choice(builds)
    return item("Microsoft", name, build, _cpe("o", "microsoft", key, update or build))


def linux(rng: random.Random) -> list[SoftwareItem]:
    vendor, product, version, cpe, (ssh, patch) = rng.choice(LINUX)
    return [item(vendor, product, version, cpe),
            item("OpenBSD", "OpenSSH", f"{ssh}{patch}", _cpe("a", "openbsd", "openssh", ssh, update=patch))]


def tomcat_spring(rng: random.Random) -> list[SoftwareItem]:
    tomcat = rng.choice(["9.0.31", "9.0.58", "9.0.65", "9.0.71", "9.0.80", "9.0.85"])
    spring = rng.choice(["5.3.17", "5.3.17", "5.3.20", "5.3.27", "5.3.31"])
    return [item("Apache", "Tomcat", tomcat, _cpe("a", "apache", "tomcat", tomcat)),
            item("VMware", "Spring Framework", spring, _cpe("a", "vmware", "spring_framework", spring))]


def web_server(rng: random.Random) -> list[SoftwareItem]:
    if rng.random() < 0.55:
        version = rng.choice(["1.18.0", "1.20.1", "1.22.1", "1.24.0"])
        return [item("F5", "nginx", version, _cpe("a", "f5", "nginx", version))]
    version = rng.choice(["2.4.6", "2.4.41", "2.4.52", "2.4.57", "2.4.58"])
    return [item("Apache", "HTTP Server", version, _cpe("a", "apache", "http_server", version))]


def php(rng: random.Random) -> SoftwareItem:
    version = rng.choice(["5.6.40", "7.4.33", "8.1.2", "8.1.27", "8.2.15"])
    return item("PHP Group", "PHP", version, _cpe("a", "php", "php", version))


def portal(rng: random.Random) -> list[SoftwareItem]:
    """A unit's web portal: WordPress, Joomla, Liferay on Tomcat, or ASP.NET on IIS."""
    choice = rng.random()
    if choice < 0.4:
        wp = rng.choice(["6.2.2", "6.3.1", "6.4.3", "6.5.2"])
        return [*linux(rng), *web_server(rng), php(rng),
                item("WordPress", "WordPress", wp, _cpe("a", "wordpress", "wordpress", wp))]
    if choice < 0.6:
        joomla = rng.choice(["3.9.28", "3.10.11", "4.2.7", "4.4.2"])
        return [*linux(rng), *web_server(rng), php(rng),
                item("Joomla", "Joomla!", joomla, _cpe("a", "joomla", "joomla\\!", joomla))]
    if choice < 0.8:
        return [*linux(rng), item("Liferay", "Liferay Portal CE", rng.choice(["7.3.7", "7.4.3.112"])),
                *tomcat_spring(rng)]
    server = windows_server(rng)
    iis = "8.5" if server.product.endswith("2012 R2") else "10.0"
    return [server, item("Microsoft", "Internet Information Services", iis,
                         _cpe("a", "microsoft", "internet_information_services", iis))]


def exchange(rng: random.Random) -> list[SoftwareItem]:
    if rng.random() < 0.5:
        build = rng.choice(["15.1.2507.27", "15.1.2507.35", "15.1.2507.39"])
        return [windows_server(rng, "windows_server_2016"), item(
            "Microsoft", "Exchange Server 2016", build,
            _cpe("a", "microsoft", "exchange_server", "2016", update="cumulative_update_23"))]
    build = rng.choice(["15.2.1544.4", "15.2.1544.9", "15.2.1544.11", "15.2.1544.14"])
    return [windows_server(rng, "windows_server_2019"), item(
        "Microsoft", "Exchange Server 2019", build,
        _cpe("a", "microsoft", "exchange_server", "2019", update="cumulative_update_14"))]


def zimbra(rng: random.Random) -> list[SoftwareItem]:
    release, patch = rng.choice([("8.8.15", 39), ("8.8.15", 41), ("8.8.15", 44), ("9.0.0", 36), ("9.0.0", 38)])
    return [*linux(rng), item("Zimbra", "Zimbra Collaboration", f"{release} Patch {patch}",
                              _cpe("a", "zimbra", "zimbra", release, update=f"p{patch}"))]


def fortigate(rng: random.Random) -> list[SoftwareItem]:
    version = rng.choice(["6.4.9", "7.0.12", "7.0.13", "7.2.5", "7.2.6", "7.4.1", "7.4.3"])
    return [item("Fortinet", "FortiOS", version, _cpe("o", "fortinet", "fortios", version))]


def big_ip(rng: random.Random) -> list[SoftwareItem]:
    version = rng.choice(["16.1.3.3", "16.1.4", "16.1.4.1", "17.1.0.3", "17.1.1"])
    return [item("F5", "BIG-IP Local Traffic Manager", version,
                 _cpe("a", "f5", "big-ip_local_traffic_manager", version))]


def pan_os(rng: random.Random) -> list[SoftwareItem]:
    version = rng.choice(["10.2.7", "10.2.9", "11.0.2"])
    return [item("Palo Alto Networks", "PAN-OS", version, _cpe("o", "paloaltonetworks", "pan-os", version))]


def edge(rng: random.Random) -> list[SoftwareItem]:
    return fortigate(rng) if rng.random() < 0.75 else pan_os(rng)


def database(rng: random.Random) -> list[SoftwareItem]:
    choice = rng.random()
    if choice < 0.4:
        year, build = rng.choice([("2016", "13.0.6300.2"), ("2019", "15.0.4355.3"), ("2022", "16.0.4105.2")])
        return [windows_server(rng), item("Microsoft", f"SQL Server {year}", build,
                                          _cpe("a", "microsoft", "sql_server", year, hw="x64"))]
    if choice < 0.6:
        version = rng.choice(["5.7.44", "8.0.35", "8.0.36"])
        return [*linux(rng), item("Oracle", "MySQL", version, _cpe("a", "oracle", "mysql", version))]
    if choice < 0.8:
        version = rng.choice(["10.3.39", "10.6.16", "10.11.6"])
        return [*linux(rng), item("MariaDB", "MariaDB Server", version, _cpe("a", "mariadb", "mariadb", version))]
    version = rng.choice(["12.17", "14.10", "15.5"])
    return [*linux(rng), item("PostgreSQL", "PostgreSQL", version, _cpe("a", "postgresql", "postgresql", version))]


def esxi(rng: random.Random) -> list[SoftwareItem]:
    version, update = rng.choice([("6.7", "update_3"), ("7.0", "update_3"), ("8.0", "update_2")])
    return [item("VMware", "ESXi", f"{version} {update.replace('_', ' ').title()}",
                 _cpe("o", "vmware", "esxi", version, update=update))]


def vcenter(rng: random.Random) -> list[SoftwareItem]:
    """The vCenter appliance runs on VMware's Photon OS."""
    return [item("VMware", "Photon OS", "3.0", _cpe("o", "vmware", "photon_os", "3.0")),
            item("VMware", "vCenter Server", "7.0 Update 3",
                 _cpe("a", "vmware", "vcenter_server", "7.0", update="update_3"))]


def app_server(rng: random.Random) -> list[SoftwareItem]:
    return [*linux(rng), *tomcat_spring(rng)] if rng.random() < 0.6 else [windows_server(rng)]


def file_server(rng: random.Random) -> list[SoftwareItem]:
    return [windows_server(rng)]


def switch(rng: random.Random) -> list[SoftwareItem]:
    return [item("Cisco", "IOS", rng.choice(["15.2(7)E7", "15.2(7)E9", "15.2(4)E10"]))]


def camera(rng: random.Random) -> list[SoftwareItem]:
    return [item("Hikvision", "IP camera firmware", rng.choice(["V5.5.82", "V5.7.3", "V5.7.13"]))]


def his(rng: random.Random) -> list[SoftwareItem]:
    product = rng.choice([("VNPT", "VNPT-HIS", "3.2"), ("FPT", "FPT.eHospital", "2.0")])
    return [windows_server(rng), item("Microsoft", "Internet Information Services", "10.0",
                                      _cpe("a", "microsoft", "internet_information_services", "10.0")),
            item(*product)]


def document_system(rng: random.Random) -> list[SoftwareItem]:
    return [*linux(rng), *tomcat_spring(rng), item("VNPT", "VNPT-iOffice", rng.choice(["4.0", "4.5"]))]


def public_services(rng: random.Random) -> list[SoftwareItem]:
    return [*linux(rng), *tomcat_spring(rng), item("VNPT", "VNPT iGate", "2.0")]


def lgsp(rng: random.Random) -> list[SoftwareItem]:
    return [*linux(rng), item("WSO2", "API Manager", "3.2.0", _cpe("a", "wso2", "api_manager", "3.2.0"))]


def lms(rng: random.Random) -> list[SoftwareItem]:
    """A school's e-learning site."""
    version = rng.choice(["3.11.18", "4.1.2", "4.1.9", "4.3.3"])
    return [*linux(rng), *web_server(rng), php(rng), item("Moodle", "Moodle", version,
                                                           _cpe("a", "moodle", "moodle", version))]


def dns(rng: random.Random) -> list[SoftwareItem]:
    version = rng.choice(["9.11.36", "9.16.23", "9.16.48", "9.18.24"])
    return [*linux(rng), item("ISC", "BIND", version, _cpe("a", "isc", "bind", version))]
