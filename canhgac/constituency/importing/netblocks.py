"""Netblocks: keyed by the block itself (normalised). Blocks may nest but never straddle another's edge; that is
checked in memory over the database's blocks and the file's together, so 5,000 rows cost no query each."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from canhgac.constituency.addressing import parse_block
from canhgac.constituency.importing.base import KindImport, Planned
from canhgac.constituency.importing.columns import Column
from canhgac.constituency.importing.contacts import UNIT_CODE
from canhgac.constituency.importing.writer import audit, create_all, created, update_all, updated
from canhgac.constituency.models import Netblock
from canhgac.core.audit import snapshot

NETBLOCK_COLUMNS = (
    Column("unit", UNIT_CODE.vi, UNIT_CODE.en, UNIT_CODE.aliases, required=True),
    Column("block", "Dải IP", "Block", ("netblock", "cidr", "prefix", "dai dia chi ip", "range", "ip range"),
           required=True),
    Column("description", "Mô tả", "Description", ("ghi chu", "notes")),
)
Span = tuple[int, int, int]  # version, first, last


class NetblockImport(KindImport):
    kind = "netblocks"
    model = Netblock
    columns = NETBLOCK_COLUMNS
    not_fields = ("unit", "block")

    def load(self) -> None:
        super().load()
        self.blocks: dict[Span, Netblock] = {}
        for netblock in Netblock.objects.all():
            span = parse_block(netblock.block)
            self.blocks[(span.version, span.first, span.last)] = netblock

    def plan(self, row: int, values: dict[str, str]) -> Planned | None:
        try:
            parsed = parse_block(values["block"])
        except ValidationError as error:
            self.error(row, "block", " ".join(error.messages))
            return None
        span = (parsed.version, parsed.first, parsed.last)
        if self.is_duplicate(row, span, "block"):
            return None
        existing = self.blocks.get(span)
        netblock = existing or Netblock()
        before = snapshot(existing) if existing else None
        netblock.block, netblock.version = parsed.label(), parsed.version
        netblock.first_key, netblock.last_key, netblock.span_key = parsed.keys
        skip = self.fill(row, netblock, values)
        netblock.unit = self.unit_of(row, values["unit"])  # type: ignore[assignment]
        if not self.validate(row, netblock, skip):
            return None
        return self.planned(row, netblock, before)

    def check(self, plans: list[Planned]) -> None:
        rows = {_span(plan.instance): plan for plan in plans}
        spans = sorted({*self.blocks, *rows}, key=lambda span: (span[0], span[1], -span[2]))
        stack: list[Span] = []
        for span in spans:
            while stack and (stack[-1][0] != span[0] or stack[-1][2] < span[1]):
                stack.pop()
            if stack and stack[-1][2] < span[2]:  # starts inside the enclosing block but ends beyond it
                self._straddles(rows, span, stack[-1])
                continue
            stack.append(span)

    def _straddles(self, rows: dict[Span, Planned], span: Span, other: Span) -> None:
        plan = rows.get(span) or rows.get(other)
        if plan is None:
            return  # both already in the database: not this file's doing
        labels = {s: (rows[s].instance.block if s in rows else self.blocks[s].block) for s in (span, other)}
        mine, theirs = (span, other) if plan is rows.get(span) else (other, span)
        self.error(plan.row, "block", _("%(block)s partly overlaps %(other)s: blocks may nest but not straddle.")
                   % {"block": labels[mine], "other": labels[theirs]})

    def write(self, plans: list[Planned]) -> None:
        create_all(Netblock, created(plans))
        update_all(Netblock, updated(plans))
        audit(plans)


def _span(netblock: Netblock) -> Span:
    return netblock.version, int(netblock.first_key, 16), int(netblock.last_key, 16)
