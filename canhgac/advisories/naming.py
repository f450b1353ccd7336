"""One name per product, whoever wrote it: the inventory, a CVE record, NVD's CPE, a CSAF tree or the SOC.

``Microsoft | Windows 10 Version 22H2 for x64-based Systems`` (a CVE record), ``cpe:2.3:o:microsoft:windows_10_22h2``
(NVD) and ``Microsoft | Windows 10 Pro | 10.0.19045.3570`` (an inventory) are all ``microsoft`` /
``windows_10_22h2``. Keys are computed by rules (case, accents, corporate suffixes, the vendor repeated in the
product, Microsoft's platform notes and year-named products, Windows feature updates from their build) and then
by the reviewed alias table (:class:`~canhgac.advisories.models.ProductAlias`), which the SOC extends for renames
(Synacor → Zimbra, Pivotal → VMware) and product families (BIG-IP modules).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

CORPORATE = frozenset({"inc", "incorporated", "corp", "corporation", "ltd", "limited", "llc", "gmbh", "co", "company",
                       "ag", "plc", "the", "sa", "srl", "bv", "oy", "ab", "jsc"})
PLATFORM_NOTES = re.compile(
    r"\bfor\s+(?:x64|x86|32-bit|64-bit|arm64|itanium)(?:-based)?\s+(?:systems|editions?)\b|\(.*?\)"
    r"|\b(?:x64|x86|32-bit|64-bit)\s+editions?\b|\bservice\s+pack\s+\d+\b")
UNKNOWN: tuple[list[str], ...] = (["n", "a"], ["na"], ["unknown"], ["none"], ["various"], [])
WINDOWS_EDITIONS = frozenset({"pro", "professional", "enterprise", "home", "education", "datacenter", "standard",
                              "essentials", "ltsc", "ltsb", "iot", "core", "server_core", "n", "workstations",
                              "installation"})
WINDOWS_10_BUILDS = {10240: "1507", 10586: "1511", 14393: "1607", 15063: "1703", 16299: "1709", 17134: "1803",
                     17763: "1809", 18362: "1903", 18363: "1909", 19041: "2004", 19042: "20h2", 19043: "21h1",
                     19044: "21h2", 19045: "22h2"}
WINDOWS_11_BUILDS = {22000: "21h2", 22621: "22h2", 22631: "23h2", 26100: "24h2"}
FEATURE = re.compile(r"^(?:\d\dh\d|1[5-9]\d\d|20[0-9]\d)$")
YEAR = re.compile(r"^(?:19|20)\d\d$")
MICROSOFT_YEAR_PRODUCTS = frozenset({
    "office", "exchange_server", "sharepoint_server", "sharepoint_enterprise_server", "sharepoint_foundation",
    "sql_server", "visual_studio", "project", "visio", "publisher", "word", "excel", "outlook", "powerpoint",
    "access", "skype_for_business", "lync", "office_online_server", "office_web_apps",
    "office_long_term_servicing_channel", "office_ltsc", "windows_server"})
"""Microsoft products NVD names by a year in the CPE *version* field (``office:2016``, ``exchange_server:2019``)."""

EXCHANGE_CUMULATIVE_UPDATES = {
    "exchange_server_2016": {20: "15.1.2242", 21: "15.1.2308", 22: "15.1.2375", 23: "15.1.2507"},
    "exchange_server_2019": {10: "15.2.922", 11: "15.2.986", 12: "15.2.1118", 13: "15.2.1258", 14: "15.2.1544",
                             15: "15.2.1748"},
}
"""The build branch of each Exchange cumulative update (every security update of a CU keeps its first three
numbers): ``CU13`` in an inventory or NVD's ``cumulative_update_13`` is build ``15.2.1258.*``."""
CU = re.compile(r"\bcu\s*(\d+)\b|\bcumulative[\s_]+update[\s_]+(\d+)\b")


@dataclass(frozen=True)
class Name:
    """A product's normalised vendor and product keys; ``vendor`` empty when the record named none ("n/a")."""

    vendor: str
    product: str

    def __str__(self) -> str:
        return f"{self.vendor or '?'}:{self.product}"


def fold(text: str) -> str:
    """Lower case without accents or marks (``Cục`` → ``cuc``, ``™`` gone)."""
    value = unicodedata.normalize("NFKD", text.replace("Đ", "D").replace("đ", "d"))
    value = "".join(char for char in value if not unicodedata.combining(char))
    return value.replace("®", " ").replace("™", " ").lower()


def words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", fold(text))


@functools.lru_cache(maxsize=65_536)
def vendor_key(text: str) -> str:
    """``Microsoft Corporation`` → ``microsoft``; ``Palo Alto Networks`` → ``paloaltonetworks``; ``n/a`` → ``""``."""
    tokens = [word for word in words(text) if word not in CORPORATE]
    if tokens in UNKNOWN:
        return ""
    return "".join(tokens)


@functools.lru_cache(maxsize=65_536)
def product_key(vendor: str, product: str) -> str:
    """``Microsoft | Microsoft Exchange Server 2019 Cumulative Update 13`` → ``exchange_server_2019``;
    ``F5 | BIG-IP`` → ``big_ip``; ``Zimbra | Zimbra`` → ``zimbra`` (a product named as its vendor keeps it)."""
    value = CU.sub(lambda match: f" cu{match.group(1) or match.group(2)} ", PLATFORM_NOTES.sub(" ", fold(product)))
    tokens = re.findall(r"[a-z0-9]+", value)
    if tokens in UNKNOWN:
        return ""
    vendor_tokens = [word for word in words(vendor) if word not in CORPORATE]
    if vendor_tokens and tokens[:len(vendor_tokens)] == vendor_tokens and len(tokens) > len(vendor_tokens):
        tokens = tokens[len(vendor_tokens):]
    if tokens[:1] == ["windows"]:
        tokens = _windows(tokens)
    return "_".join(tokens)


def _windows(tokens: list[str]) -> list[str]:
    """``windows 10 version 22h2`` → ``windows_10_22h2``; ``windows server 2019 datacenter`` →
    ``windows_server_2019`` (editions and the word "version" say nothing about the build)."""
    return [word for word in tokens if word not in WINDOWS_EDITIONS and word != "version"]


def refine(name: Name, version: str) -> Name:
    """A name whose branch the version tells: Windows 10/11 get their feature update from the build
    (``windows_10`` at ``10.0.19045.3570`` is ``windows_10_22h2``), Exchange its cumulative update (``15.2.1258.27``
    or ``CU13`` is ``exchange_server_2019_cu13``). Advisories name these branches; a fixed build of one branch says
    nothing about another."""
    if name.vendor != "microsoft":
        return name
    if name.product in ("windows_10", "windows_11"):
        numbers = re.findall(r"\d+", version)
        if len(numbers) < 3 or numbers[0] != "10":
            return name
        table = WINDOWS_10_BUILDS if name.product == "windows_10" else WINDOWS_11_BUILDS
        feature = table.get(int(numbers[2][:6]))
        return Name(name.vendor, f"{name.product}_{feature}") if feature else name
    updates = EXCHANGE_CUMULATIVE_UPDATES.get(name.product)
    if updates:
        number = _cumulative_update(updates, version)
        return Name(name.vendor, f"{name.product}_cu{number}") if number else name
    return name


def _cumulative_update(updates: dict[int, str], version: str) -> int | None:
    match = CU.search(version.lower())
    if match:
        return int(match.group(1) or match.group(2))
    branch = ".".join(str(int(number)) for number in re.findall(r"\d+", version)[:3])
    return next((number for number, prefix in updates.items() if prefix == branch), None)


FAMILY = re.compile(r"^(windows_1[01])_(?:\d\dh\d|\d{4})$|^(exchange_server_20\d\d)_cu\d+$")


def family(name: Name) -> Name:
    """What a branch name is refined from (``windows_10_22h2`` → ``windows_10``, ``exchange_server_2019_cu13`` →
    ``exchange_server_2019``), else the name itself: rules about the whole family apply to every branch."""
    match = FAMILY.match(name.product) if name.vendor == "microsoft" else None
    return Name(name.vendor, match.group(1) or match.group(2)) if match else name


@dataclass(frozen=True)
class Cpe:
    part: str
    vendor: str
    product: str
    version: str
    update: str

    @property
    def versioned(self) -> bool:
        return self.version not in ("*", "-", "")


def parse_cpe(text: str) -> Cpe | None:
    """``cpe:2.3:a:zimbra:zimbra:8.8.15:p3:*…`` (and the older ``cpe:/a:vendor:product:version`` URI form)."""
    value = text.strip()
    if value.startswith("cpe:/"):
        fields = value[5:].split(":")
        fields += [""] * (5 - len(fields))
        return Cpe(fields[0], _unescape(fields[1]), _unescape(fields[2]), _unescape(fields[3]) or "*",
                   _unescape(fields[4]) or "*")
    if not value.startswith("cpe:2.3:"):
        return None
    fields = _split_cpe(value[8:])
    if len(fields) != 11:
        return None
    return Cpe(fields[0], _unescape(fields[1]), _unescape(fields[2]), _unescape(fields[3]), _unescape(fields[4]))


def _split_cpe(body: str) -> list[str]:
    fields, current, escaped = [], [], False
    for char in body:
        if escaped:
            current.append(char)
            escaped = False
        elif char == "\\":
            current.append(char)
            escaped = True
        elif char == ":":
            fields.append("".join(current))
            current = []
        else:
            current.append(char)
    fields.append("".join(current))
    return fields


def _unescape(field: str) -> str:
    return re.sub(r"\\(.)", r"\1", field).replace("%21", "!")


def cpe_name(cpe: Cpe) -> tuple[Name, str]:
    """The name a CPE stands for and the version it leaves (``*`` for any): Microsoft's year products and Windows
    feature updates written in the version field move into the name (``office:2016`` → ``office_2016``, ``*``)."""
    vendor = vendor_key(cpe.vendor.replace("_", " "))
    product = product_key(cpe.vendor.replace("_", " "), cpe.product.replace("_", " "))
    version = cpe.version
    if vendor == "microsoft":
        if product in MICROSOFT_YEAR_PRODUCTS and YEAR.match(version):
            named = f"{product}_{version}"
            update = CU.search(cpe.update.lower().replace("_", " "))
            if update and named in EXCHANGE_CUMULATIVE_UPDATES:
                named += f"_cu{update.group(1) or update.group(2)}"
            return Name(vendor, named), "*"
        if product in ("windows_10", "windows_11") and FEATURE.match(version.lower()):
            return Name(vendor, f"{product}_{version.lower()}"), "*"
        if product.startswith("windows_server_20") and version.lower() == "r2":
            return Name(vendor, f"{product}_r2"), "*"
    if cpe.update not in ("*", "-", "") and cpe.versioned:
        version = f"{version} {cpe.update.replace('_', ' ')}"
    return Name(vendor, product), version


def exchange_build(name: Name, version: str) -> tuple[str, str]:
    """An inventory's Exchange version written as ``CU13`` (or ``CU13 Nov23SU``) → the CU's first build, and the
    security update it named that the table cannot place (the build is then the CU's first: conservative)."""
    table = EXCHANGE_CUMULATIVE_UPDATES.get(family(name).product) if name.vendor == "microsoft" else None
    match = CU.search(version.lower()) if table else None
    if not table or not match:
        return version, ""
    branch = table.get(int(match.group(1) or match.group(2)))
    if branch is None:
        return version, ""
    rest = CU.sub("", version.lower()).strip()
    return f"{branch}.0", rest[:40]


class AliasTable:
    """The reviewed aliases, as loaded: exact ``(vendor, product)`` pairs, vendor renames (product ``""``) and
    product-only entries (vendor ``""``, for records that name no vendor)."""

    def __init__(self, rows: Iterable[tuple[str, str, str, str]] = ()):
        self.pairs: dict[tuple[str, str], Name] = {}
        self.vendors: dict[str, str] = {}
        for vendor, product, to_vendor, to_product in rows:
            if product:
                self.pairs[(vendor, product)] = Name(to_vendor or vendor, to_product or product)
            elif vendor and to_vendor:
                self.vendors[vendor] = to_vendor

    def resolve(self, name: Name) -> Name:
        found = self.pairs.get((name.vendor, name.product))
        if found:
            return found
        vendor = self.vendors.get(name.vendor, name.vendor)
        if vendor != name.vendor:
            product = _strip_prefix(name.product, vendor)
            return self.pairs.get((vendor, product)) or self.pairs.get((vendor, name.product)) or Name(vendor, product)
        return name


def _strip_prefix(product: str, vendor: str) -> str:
    return product[len(vendor) + 1:] if product.startswith(vendor + "_") else product


class Namer:
    """Names with the alias table applied; cached, since an inventory repeats the same few hundred products."""

    def __init__(self, aliases: AliasTable):
        self.aliases = aliases
        self._texts: dict[tuple[str, str], Name] = {}

    def of_text(self, vendor: str, product: str) -> Name:
        key = (vendor, product)
        found = self._texts.get(key)
        if found is None:
            found = self._texts[key] = self.aliases.resolve(Name(vendor_key(vendor), product_key(vendor, product)))
        return found

    def of_cpe(self, cpe: Cpe) -> tuple[Name, str]:
        name, version = cpe_name(cpe)
        return self.aliases.resolve(name), version

    def of_rule(self, vendor: str, product: str, cpe: str) -> Name:
        """A rule is named by its CPE when its text names no product or is the CPE's own (NVD), else by its text
        (a CSAF tree's "Microsoft | Windows 10 Version 22H2…" beside a coarser CPE helper)."""
        parsed = parse_cpe(cpe) if cpe else None
        if parsed is None:
            return self.of_text(vendor, product)
        named = self.of_text(vendor, product)
        if not named.vendor or not named.product or (vendor, product) == (parsed.vendor, parsed.product):
            return self.of_cpe(parsed)[0]
        return named

    def of_software(self, vendor: str, product: str, version: str) -> Name:
        name = self.of_text(vendor, product)
        refined = refine(name, version)
        return self.aliases.resolve(refined) if refined is not name else name
