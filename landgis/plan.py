"""Land supply plans (土地供应计划): parse the text into an exact table, and reconcile its figures.

Figures are kept exactly as printed: the parser works on :class:`decimal.Decimal`, never float.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import pandas as pd

from landgis.errors import InputError

__all__ = ["Plan", "PlanParseError", "Finding", "parse_plan", "reconcile", "SEED_PLAN"]

#: The shipped seed plan: 连州市2026年度土地供应计划.
SEED_PLAN = Path(__file__).parent / "data" / "lianzhou_2026_land_supply_plan.txt"

HA_PER_MU = Decimal(1) / Decimal(15)
HA_PER_M2 = Decimal("0.0001")


class PlanParseError(InputError):
    """No plan could be read from the text; the message says where it looked and what it expected."""


@dataclass(frozen=True)
class Plan:
    """A parsed land supply plan.

    Attributes
    ----------
    place : str or None
        The county or city the plan is for (连州市).
    year : int or None
        The plan year.
    unit : str
        The unit the plan's figures are written in: ``"公顷"``, ``"亩"`` or ``"平方米"``.
    stated_total_ha : Decimal or None
        The county total as stated, in hectares.
    structure_ha : dict of str to Decimal
        The stated per-category totals (canonical category name → hectares), in text order.
    township_totals_ha : dict of str to Decimal
        The stated per-township totals (township name as written, normalised → hectares), in text order.
    allocations : pandas.DataFrame
        One row per (township, category): ``township``, ``category`` (canonical name),
        ``category_code``, ``hectares`` (float, for computing), ``hectares_exact`` (Decimal),
        ``value`` (Decimal as printed) and ``unit`` (as printed).
    no_supply : tuple of str
        Townships the text names as receiving nothing.
    unknown_categories : tuple of str
        Category names the registry does not know (kept in the allocations with an empty code).
    category_system : str or None
        ``"GB/T 21010-2017"`` or ``"用地用海分类"``, by the names the plan uses.
    source : str
        Where the text came from (a path, or ``"<text>"``).
    """

    place: str | None
    year: int | None
    unit: str
    stated_total_ha: Decimal | None
    structure_ha: dict[str, Decimal]
    township_totals_ha: dict[str, Decimal]
    allocations: pd.DataFrame
    no_supply: tuple[str, ...] = ()
    unknown_categories: tuple[str, ...] = ()
    category_system: str | None = None
    source: str = "<text>"
    text: str = field(default="", repr=False)

    @property
    def townships(self) -> list[str]:
        """Townships that receive land, in text order."""
        return list(self.township_totals_ha) or list(dict.fromkeys(self.allocations["township"]))

    @property
    def categories(self) -> list[str]:
        """Categories named in the structure or the allocations, in text order."""
        return list(dict.fromkeys([*self.structure_ha, *self.allocations["category"]]))


@dataclass(frozen=True)
class Finding:
    """One reconciliation finding: a figure of the plan that does not add up.

    Attributes
    ----------
    kind : str
        ``township_sum`` (a township's categories vs its stated total), ``county_sum``
        (townships vs the county total), ``structure_sum`` (structure figures vs the county total),
        ``category_sum`` (a structure figure vs its sum over townships), ``no_supply``
        (a township of the county that receives nothing), ``unknown_category``.
    message : str
        One sentence a planner can paste into a memo, in Chinese, with the exact figures.
    township, category : str or None
        What the finding is about.
    stated_ha, computed_ha, difference_ha : Decimal or None
        The figures: what the plan states, what its parts sum to, and stated − computed.
    severity : str
        ``"warning"`` for figures that do not add up, ``"info"`` for townships with no supply.
    """

    kind: str
    message: str
    township: str | None = None
    category: str | None = None
    stated_ha: Decimal | None = None
    computed_ha: Decimal | None = None
    difference_ha: Decimal | None = None
    severity: str = "warning"


def parse_plan(source: str | Path) -> Plan:
    """Read a land supply plan from a file (.txt, .docx, .pdf) or a string.

    Parameters
    ----------
    source : str or pathlib.Path
        A path to a .txt (UTF-8 or GB18030), .docx or .pdf (with a text layer), or the plan text.

    Returns
    -------
    Plan

    Raises
    ------
    PlanParseError
        When no plan can be found in the text.
    """
    raise NotImplementedError  # being written (issue 2)


def reconcile(plan: Plan, townships: list[str] | None = None) -> list[Finding]:
    """Check that the plan's figures add up, and name the townships that receive nothing.

    Parameters
    ----------
    plan : Plan
    townships : list of str, optional
        Every township of the county; defaults to the shipped registry for the plan's place.

    Returns
    -------
    list of Finding
    """
    raise NotImplementedError  # being written (issue 2)
