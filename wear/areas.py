"""The walk-around's areas in order, and items grouped by them."""

from __future__ import annotations

from wear.models import Area, WearItem

AREAS = list(Area)


def next_area(area: Area) -> Area | None:
    index = AREAS.index(area)
    return AREAS[index + 1] if index + 1 < len(AREAS) else None


def by_area(items: list[WearItem]) -> list[tuple[Area, list[WearItem]]]:
    grouped: dict[Area, list[WearItem]] = {area: [] for area in AREAS}
    for item in items:
        grouped[Area(item.area)].append(item)
    return [(area, grouped[area]) for area in AREAS]
