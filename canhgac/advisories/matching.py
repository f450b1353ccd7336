"""Which installed software each vulnerability affects, and which rules say so. Reads only; writes nothing.

Fast because the inventory repeats itself: 500,000 software rows are a few thousand distinct (product, version)
pairs. Rows are grouped by normalised name and version once; each version's sort key is computed once (cached);
each group is judged against the rules of its name (and of its family: a rule about ``windows_10`` speaks of every
``windows_10_22h2`` host), and the verdict is copied to every asset of the group.

The verdict for one vulnerability: among its usable rules for the product, only the most trusted level decides
(the SOC's entry over the vendor's record over its free text over NVD); an affected rule must contain the version
and no unaffected rule of that level may (F5's hotfix, CSAF's fixed versions). A version that cannot be read is
judged only by rules that hold for every version; otherwise it is counted as undetermined.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Q, QuerySet

from canhgac.advisories.models import AffectedProduct, RuleStatus
from canhgac.advisories.naming import Name, Namer, exchange_build, family
from canhgac.advisories.versions import Key, Range, VersionError, is_wildcard, prefix_range, try_key, version_key
from canhgac.constituency.models import Software

PREFIX_SUFFIXES = (".x", ".*")
READ_CHUNK = 20_000


@dataclass(frozen=True, slots=True)
class Rule:
    id: int
    vulnerability_id: int
    trust: int
    affected: bool
    range: Range


def build_range(exact: str, start: str, start_inclusive: bool, end: str, end_inclusive: bool) -> Range | None:
    """The stored texts as a :class:`Range` of keys (``None`` if a bound cannot be read any more)."""
    try:
        if exact:
            if exact.lower().endswith(PREFIX_SUFFIXES):
                return prefix_range(exact[:-2])
            return Range(exact=version_key(exact))
        return Range(start=None if is_wildcard(start) else version_key(start), start_inclusive=start_inclusive,
                     end=None if is_wildcard(end) else version_key(end), end_inclusive=end_inclusive)
    except VersionError:
        return None


RULE_COLUMNS = ("id", "vulnerability_id", "vendor_key", "product_key", "version_exact", "version_start",
                "start_inclusive", "version_end", "end_inclusive", "status", "trust")


class RuleBook:
    """The usable rules, by product name and vulnerability."""

    def __init__(self) -> None:
        self.by_name: dict[Name, dict[int, list[Rule]]] = defaultdict(lambda: defaultdict(list))

    @classmethod
    def load(cls, *, names: Iterable[Name] | None = None, vulnerability_ids: Iterable[int] | None = None) -> RuleBook:
        book = cls()
        usable: QuerySet[AffectedProduct] = AffectedProduct.objects.filter(problem="").exclude(
            vendor_key="").exclude(product_key="")
        querysets: list[QuerySet[AffectedProduct]]
        if vulnerability_ids is not None:
            ids = sorted(set(vulnerability_ids))
            querysets = [usable.filter(vulnerability_id__in=ids[start:start + 500])
                         for start in range(0, len(ids), 500)]
        elif names is not None:
            querysets = list(_by_names(usable, set(names)))
        else:
            querysets = [usable]
        for queryset in querysets:
            for row in queryset.values_list(*RULE_COLUMNS).iterator(READ_CHUNK):
                book.add(*row)
        return book

    def add(self, pk: int, vulnerability_id: int, vendor: str, product: str, exact: str, start: str,
            start_inclusive: bool, end: str, end_inclusive: bool, status: str, trust: int) -> None:
        found = build_range(exact, start, start_inclusive, end, end_inclusive)
        if found is not None:
            rule = Rule(pk, vulnerability_id, trust, status == RuleStatus.AFFECTED, found)
            self.by_name[Name(vendor, product)][vulnerability_id].append(rule)

    def names(self) -> set[Name]:
        return set(self.by_name)

    def rules_for(self, name: Name) -> dict[int, list[Rule]]:
        """The rules about ``name`` and about its family, by vulnerability."""
        own = self.by_name.get(name)
        parent = family(name)
        inherited = self.by_name.get(parent) if parent != name else None
        if not inherited:
            return own or {}
        if not own:
            return inherited
        merged: dict[int, list[Rule]] = {key: list(value) for key, value in own.items()}
        for key, value in inherited.items():
            merged.setdefault(key, []).extend(value)
        return merged


def _by_names(usable: QuerySet[AffectedProduct], names: set[Name]) -> Iterator[QuerySet[AffectedProduct]]:
    """Querysets of the rules about ``names`` or their families (by vendor, then filtered by product)."""
    wanted = names | {family(name) for name in names}
    by_vendor: dict[str, set[str]] = defaultdict(set)
    for name in wanted:
        by_vendor[name.vendor].add(name.product)
    for vendor, products in by_vendor.items():
        listed = sorted(products)
        for start in range(0, len(listed), 500):
            yield usable.filter(vendor_key=vendor, product_key__in=listed[start:start + 500])


def verdict(rules: list[Rule], key: Key | None) -> tuple[list[Rule], bool]:
    """``(affected rules that matched, undetermined)`` for one vulnerability's rules and one version."""
    top = max(rule.trust for rule in rules)
    deciding = [rule for rule in rules if rule.trust == top]
    if key is None:
        matched = [rule for rule in deciding if rule.affected and rule.range.unbounded]
        return matched, not matched and any(rule.affected for rule in deciding)
    matched = [rule for rule in deciding if rule.affected and rule.range.contains(key)]
    if matched and any(not rule.affected and rule.range.contains(key) for rule in deciding):
        return [], False
    return matched, False


@dataclass(slots=True)
class Installed:
    asset_id: int
    unit_id: int
    label: str


@dataclass
class Inventory:
    """Software grouped by (normalised name, version as compared)."""

    groups: dict[tuple[Name, str], list[Installed]] = field(default_factory=lambda: defaultdict(list))
    notes: dict[tuple[Name, str], str] = field(default_factory=dict)
    rows: int = 0
    _read: dict[tuple[str, str, str], tuple[list[Installed], str]] = field(default_factory=dict)
    """(vendor, product, version) as written → its group's list and label: half a million rows are a few thousand
    spellings, each named once."""

    def add(self, namer: Namer, asset_id: int, unit_id: int, vendor: str, product: str, version: str) -> None:
        self.rows += 1
        read = self._read.get((vendor, product, version))
        if read is None:
            read = self._read[(vendor, product, version)] = self._place(namer, vendor, product, version)
        read[0].append(Installed(asset_id, unit_id, read[1]))

    def _place(self, namer: Namer, vendor: str, product: str, version: str) -> tuple[list[Installed], str]:
        name = namer.of_software(vendor, product, version)
        compared, note = exchange_build(name, version)
        group = (name, compared.strip())
        if note:
            self.notes[group] = note
        label = product if product.lower().startswith(vendor.lower()) else f"{vendor} {product}"
        return self.groups[group], label.strip()[:255]

    def names(self) -> set[Name]:
        return {name for name, _version in self.groups}


SOFTWARE_COLUMNS = ("asset_id", "asset__unit_id", "vendor", "product", "version")


def load_inventory(namer: Namer, *, asset_ids: Iterable[int] | None = None,
                   names: Iterable[Name] | None = None) -> Inventory:
    """The software of ``asset_ids``, or the software that can bear one of ``names``, or all of it."""
    inventory = Inventory()
    for queryset in _software_querysets(namer, asset_ids, names):
        for row in queryset.values_list(*SOFTWARE_COLUMNS).iterator(READ_CHUNK):
            inventory.add(namer, *row)
    return inventory


def _software_querysets(namer: Namer, asset_ids: Iterable[int] | None,
                        names: Iterable[Name] | None) -> Iterator[QuerySet[Software]]:
    software = Software.objects.order_by()  # the model's ordering would sort half a million rows for nothing
    if asset_ids is not None:
        ids = sorted(set(asset_ids))
        yield from (software.filter(asset_id__in=ids[start:start + 500]) for start in range(0, len(ids), 500))
        return
    if names is None:
        yield software
        return
    pairs = _pairs_bearing(namer, set(names))
    for start in range(0, len(pairs), 100):
        condition = Q()
        for vendor, product in pairs[start:start + 100]:
            condition |= Q(vendor=vendor, product=product)
        yield software.filter(condition)


def _pairs_bearing(namer: Namer, names: set[Name]) -> list[tuple[str, str]]:
    """The inventory's (vendor, product) spellings whose name is one of ``names``, their family, or a family one of
    them refines into (``Windows 10`` may be a ``windows_10_22h2`` by its build)."""
    families = {family(name) for name in names}
    found = []
    for vendor, product in _spellings():
        base = namer.of_text(vendor, product)
        if base in names or base in families or family(base) in names:
            found.append((vendor, product))
    return found


SPELLINGS_SQL = """WITH RECURSIVE spelling(vendor, product) AS (
    (SELECT vendor, product FROM {table} ORDER BY vendor, product LIMIT 1)
    UNION ALL
    SELECT next.vendor, next.product FROM spelling, LATERAL (
        SELECT vendor, product FROM {table} WHERE (vendor, product) > (spelling.vendor, spelling.product)
        ORDER BY vendor, product LIMIT 1) AS next)
SELECT vendor, product FROM spelling"""


def _spellings() -> Iterator[tuple[str, str]]:
    """The inventory's distinct (vendor, product) spellings, through the (vendor, product) index. PostgreSQL's
    DISTINCT reads every row (half a million: most of a new advisory's matching time); walking the index from one
    spelling to the next takes one probe per spelling. SQLite's DISTINCT already reads only the index."""
    if connection.vendor != "postgresql":
        yield from Software.objects.order_by().values_list("vendor", "product").distinct().iterator(READ_CHUNK)
        return
    with connection.cursor() as cursor:
        cursor.execute(SPELLINGS_SQL.format(table=connection.ops.quote_name(Software._meta.db_table)))
        yield from cursor.fetchall()


@dataclass(frozen=True, slots=True)
class Match:
    """What one (vulnerability, product, version) group found: shared by every asset of the group."""

    label: str
    version: str
    rule_ids: tuple[int, ...]
    note: str = ""
    rules_text: str = ""


@dataclass(slots=True)
class Exposed:
    unit_id: int
    match: Match

    @property
    def label(self) -> str:
        return self.match.label

    @property
    def version(self) -> str:
        return self.match.version

    @property
    def rule_ids(self) -> tuple[int, ...]:
        return self.match.rule_ids

    @property
    def note(self) -> str:
        return self.match.note


Subject = tuple[int, int, str]
"""(vulnerability id, asset id, product key "vendor:product")."""


@dataclass
class Matches:
    exposed: dict[Subject, Exposed] = field(default_factory=dict)
    undetermined: int = 0
    """Installations whose version could not be compared with a vulnerability's rules."""


def match(inventory: Inventory, book: RuleBook, *, vulnerability_ids: set[int] | None = None) -> Matches:
    """Judge every group of the inventory against the book (only ``vulnerability_ids`` when given)."""
    found = Matches()
    for (name, version), installed in inventory.groups.items():
        by_vulnerability = book.rules_for(name)
        if not by_vulnerability:
            continue
        key = try_key(version) if version else None
        product = f"{name.vendor}:{name.product}"
        note = inventory.notes.get((name, version), "")
        for vulnerability_id, rules in by_vulnerability.items():
            if vulnerability_ids is not None and vulnerability_id not in vulnerability_ids:
                continue
            matched, undetermined = verdict(rules, key)
            if undetermined:
                found.undetermined += len(installed)
            if matched:
                _record(found, vulnerability_id, product, version, tuple(sorted(rule.id for rule in matched)),
                        installed, note)
    return found


def _record(found: Matches, vulnerability_id: int, product: str, version: str, rule_ids: tuple[int, ...],
            installed: list[Installed], note: str) -> None:
    matches: dict[str, Match] = {}
    exposed = found.exposed
    for item in installed:
        subject = (vulnerability_id, item.asset_id, product)
        earlier = exposed.get(subject)
        if earlier is None:
            shared = matches.get(item.label)
            if shared is None:
                shared = matches[item.label] = Match(item.label, version, rule_ids, note,
                                                     ",".join(map(str, rule_ids))[:1000])
            exposed[subject] = Exposed(item.unit_id, shared)
        elif version not in earlier.version.split(", "):  # two installs of one product on one asset
            merged = tuple(sorted(set(earlier.rule_ids) | set(rule_ids)))
            earlier.match = Match(earlier.label, f"{earlier.version}, {version}"[:80], merged, earlier.note,
                                  ",".join(map(str, merged))[:1000])
