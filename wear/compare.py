"""The lessee's pre-inspection beside the condition report, area by area.

An inspector's item matches a lessee's item on the same area under the same rule (first come,
first matched), so each area shows what both found, what only the inspector found, what only
the lessee noted, and the difference in dollars.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from quotes.engine import ZERO, money
from wear.areas import by_area
from wear.models import Area, ConditionReport, PreInspection, WearItem


@dataclass
class AreaRow:
    area: Area
    both: list[tuple[WearItem, WearItem]] = field(default_factory=list)  # (lessee's, inspector's)
    report_only: list[WearItem] = field(default_factory=list)
    pre_only: list[WearItem] = field(default_factory=list)

    @property
    def report_total(self) -> Decimal:
        return money(sum((i.charge for _, i in self.both), ZERO) + sum((i.charge for i in self.report_only), ZERO))

    @property
    def pre_total(self) -> Decimal:
        return money(sum((p.charge for p, _ in self.both), ZERO) + sum((p.charge for p in self.pre_only), ZERO))

    @property
    def difference(self) -> Decimal:
        return money(self.report_total - self.pre_total)

    @property
    def is_empty(self) -> bool:
        return not (self.both or self.report_only or self.pre_only)


def pairs(pre_items: list[WearItem], report_items: list[WearItem]) -> AreaRow:
    """Match one area's items by rule, in recorded order."""
    row = AreaRow(area=Area(report_items[0].area if report_items else pre_items[0].area))
    waiting = list(pre_items)
    for item in report_items:
        match = next((p for p in waiting if p.rule_code == item.rule_code), None)
        if match is None:
            row.report_only.append(item)
        else:
            waiting.remove(match)
            row.both.append((match, item))
    row.pre_only = waiting
    return row


def side_by_side(report: ConditionReport, pre: PreInspection | None) -> list[AreaRow]:
    report_items = by_area(list(report.items.prefetch_related("photos")))
    pre_items = dict(by_area(list(pre.items.prefetch_related("photos")))) if pre is not None else {}
    rows = []
    for area, found in report_items:
        theirs = pre_items.get(area, [])
        if found or theirs:
            rows.append(pairs(theirs, found))
    return rows
