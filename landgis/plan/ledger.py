"""The ledger: where every area figure of the plan went (used as what, or set aside and why)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from landgis.units import to_hectares

__all__ = ["Ledger"]


@dataclass
class Ledger:
    """What the plan's figures have become so far: the total, the structure, townships, cells, set-asides."""

    total: tuple[Decimal, str] | None = None
    structure: dict[str, tuple[Decimal, str]] = field(default_factory=dict)
    town_totals: dict[str, tuple[Decimal, str]] = field(default_factory=dict)
    alloc: dict[tuple[str, str], tuple[Decimal, str]] = field(default_factory=dict)
    no_supply: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)  # figures set aside, with the reason
    units: Counter = field(default_factory=Counter)
    town: str | None = None  # the township whose figures are being read

    def add_alloc(self, town: str, cat: str, value: Decimal, unit: str) -> None:
        key = (town, cat)
        if key in self.alloc:
            old = self.alloc[key]
            if to_hectares(*old) != to_hectares(value, unit):
                self.ignored.append(f"{town}{cat}{value}{unit}（与前文{old[0]}{old[1]}不同，保留前文）")
            return
        self.alloc[key] = (value, unit)
        self.units[unit] += 1

    def add_structure(self, cat: str, value: Decimal, unit: str) -> None:
        if cat in self.structure:
            old = self.structure[cat]
            if to_hectares(*old) != to_hectares(value, unit):
                self.ignored.append(f"{cat}{value}{unit}（结构中已有{old[0]}{old[1]}，保留前者）")
            return
        self.structure[cat] = (value, unit)
        self.units[unit] += 1

    def add_town_total(self, town: str, value: Decimal, unit: str) -> None:
        if town in self.town_totals:
            old = self.town_totals[town]
            if to_hectares(*old) != to_hectares(value, unit):
                self.ignored.append(f"{town}{value}{unit}（前文已有{old[0]}{old[1]}，保留前者）")
            return
        self.town_totals[town] = (value, unit)
        self.units[unit] += 1
