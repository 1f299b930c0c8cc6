"""The parsed plan and its findings: :class:`Plan`, :class:`Finding`, :class:`PlanParseError`."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import pandas as pd

from landgis import categories as _cats
from landgis.county import County
from landgis.errors import InputError
from landgis.names import abbreviates
from landgis.plan.sentences import render
from landgis.severity import severity_word
from landgis.units import to_unit

__all__ = ["Plan", "Finding", "PlanParseError", "SEED_PLAN", "NO_TOTAL_ROW"]

#: The shipped seed plan (the 2026 plan of the shipped county).
SEED_PLAN = Path(__file__).resolve().parent.parent / "data" / "lianzhou_2026_land_supply_plan.txt"

#: The last row of :meth:`Plan.table` where the plan states no total (its 合计 is a sum, labelled so).
NO_TOTAL_ROW = "计划未列总量（合计为各项之和）"


class PlanParseError(InputError):
    """No plan could be read from the text; the message says where it looked and what it expected."""


#: A part of a city named right after it (成都市各区, 无锡市区, 潍坊市城区, 某市市本级); 西城区 is a district, not a scope.
_SCOPE = re.compile(r"[市州盟](各区|中心城区|主城区|城区|区(?![县划])|本级|辖区|直(?!属))")


@dataclass(frozen=True)
class Plan:
    """A parsed land supply plan.

    Attributes
    ----------
    place : str or None
        The county or city the plan is for (阳山县).
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
    stated_total_value : tuple of (Decimal, str) or None
        The county total as printed: value and unit.
    structure_values, township_total_values : dict of str to (Decimal, str)
        The structure and township totals as printed: value and unit.
    ignored : tuple of str
        Area figures the parser read and set aside, each with the reason (prior year, quarter,
        sub-category …), so that nothing is dropped unseen.
    ledger : pandas.DataFrame
        Every area figure of the text once, in text order: ``line`` (1-based), ``text`` (the line as
        written), ``figure``, ``value``, ``unit``, ``hectares``, ``role`` (total, structure, group,
        township_total, township_category, sub_item, method, schedule, set_aside, unplaced, damaged), ``role_zh``,
        ``what`` and ``reason``, and the same in English: ``role_en``, ``what_en``, ``reason_en`` (see
        :func:`landgis.plan.ledger.ledger_frame`).
    groups_ha : dict of str to Decimal
        Groupings the plan states (经营性用地, 产业用地 …): not categories, never counted twice.
    methods_ha : dict of str to Decimal
        The plan's 供应方式: hectares per supply method (出让, 划拨, 租赁, 作价出资 …), in text order;
        empty where the plan gives none (:mod:`landgis.plan.splits`).
    schedule_ha : dict of str to Decimal
        The plan's 时序: hectares per period (第一季度 …, 3月, 上半年), in text order; empty where the
        plan gives none.
    sub_items : tuple of (scope, parent, name, hectares)
        其中 sub-items (保障性住房 …) of a category, scope ``"structure"`` or an area name.
    report : tuple of (str, str) or None
        When the text is a report about the plan (a news item, a repost, a Q&A): what shows it
        (``记者``, ``来源:`` …) and the title of the plan it reports on ('' when it names none).
    title : str or None
        The plan's own title where the text quotes it (《…供应计划》 in a report).
    county : landgis.county.County or None
        The county whose registry the plan's names were read against: the one given to
        :func:`~landgis.plan.parse_plan`, else the one its text names; ``None`` when neither.
    read_scope : str or None
        The part of the city its text says the plan covers (我市城区…计划, 市区…总量); see :attr:`scope`.
    damaged : tuple of (area, category, line)
        Figures whose digits the text lost (``为.74公顷``, 数字残缺 in the ledger): what each was of,
        ``("", "")`` the total, ``("", category)`` a structure figure, ``(area, "")`` an area's total.
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
    stated_total_value: tuple[Decimal, str] | None = field(default=None, repr=False)
    structure_values: dict[str, tuple[Decimal, str]] = field(default_factory=dict, repr=False)
    township_total_values: dict[str, tuple[Decimal, str]] = field(default_factory=dict, repr=False)
    ignored: tuple[str, ...] = field(default=(), repr=False)
    ledger: pd.DataFrame | None = field(default=None, repr=False)
    groups_ha: dict[str, Decimal] = field(default_factory=dict, repr=False)
    methods_ha: dict[str, Decimal] = field(default_factory=dict, repr=False)
    schedule_ha: dict[str, Decimal] = field(default_factory=dict, repr=False)
    sub_items: tuple[tuple[str, str, str, Decimal], ...] = field(default=(), repr=False)
    report: tuple[str, str] | None = field(default=None, repr=False)
    title: str | None = field(default=None, repr=False)
    county: County | None = field(default=None, repr=False, compare=False)
    read_scope: str | None = field(default=None, repr=False, compare=False)
    damaged: tuple[tuple[str, str, int], ...] = field(default=(), repr=False)

    def is_damaged(self, area: str = "", category: str = "") -> bool:
        """Whether the text lost a figure of ``area`` (its total or one of its categories; ``""`` the county)
        or, with ``category``, that category's figure there; the area by its name or short name (经开区).

        Examples
        --------
        >>> from landgis.plan import parse_plan
        >>> plan = parse_plan("某县2026年度国有建设用地供应计划\\n经济开发区为.74公顷,经开区住宅用地59.2公顷。")
        >>> plan.is_damaged("经开区"), plan.is_damaged("度假区"), plan.damaged
        (True, False, (('经济开发区', '', 2),))
        """
        return any((abbreviates(area, a) or abbreviates(a, area)) if area else not a
                   for a, c, _ in self.damaged if not category or c == category)

    @property
    def figure_counts(self) -> dict[str, int]:
        """How many area figures were read, used, set aside (figures whose digits are lost among them) and left
        unplaced (from the ledger)."""
        if self.ledger is None:
            return {"read": 0, "used": 0, "set_aside": 0, "unplaced": 0}
        roles = self.ledger["role"]  # a figure whose digits are lost (damaged) is not counted in the plan
        return {"read": len(roles), "used": int((~roles.isin(["set_aside", "unplaced", "damaged"])).sum()),
                "set_aside": int(roles.isin(["set_aside", "damaged"]).sum()), "unplaced": int((roles == "unplaced").sum())}

    @property
    def townships(self) -> list[str]:
        """Townships that receive land, in text order."""
        return list(dict.fromkeys([*self.township_totals_ha, *self.allocations["township"]]))

    @property
    def scope(self) -> str | None:
        """The part of its city the plan covers, as its title or place says it (各区, 市区, 中心城区, 市本级 …);
        ``None`` for a plan of a whole county or city.

        Examples
        --------
        >>> from landgis.plan import parse_plan
        >>> parse_plan("成都市各区2023年度国有建设用地供应计划\\n供应总量3650公顷。").scope
        '各区'
        >>> parse_plan("某县2026年度国有建设用地供应计划\\n供应总量9公顷。").scope is None
        True
        """
        heading = next((line for line in (self.text or "").splitlines()[:5] if "供应计划" in line), "")
        for text in (self.title, heading.split("供应计划")[0], self.place):
            found = _SCOPE.search(text or "")
            if found:
                word = found.group(1)
                return "市" + word if word in ("区", "本级", "辖区", "直") else word
        if self.read_scope and self.county is not None and self.county.name.endswith(self.read_scope):
            return None  # 西城区, 潞城区: a district's own name, not a part of a city
        return self.read_scope

    @property
    def categories(self) -> list[str]:
        """Categories named in the structure or the allocations, in text order."""
        return list(dict.fromkeys([*self.structure_ha, *self.allocations["category"]]))

    def category_code(self, name: str) -> str:
        """Code of a category of this plan ('' for an unknown category)."""
        rows = self.allocations.loc[self.allocations["category"] == name, "category_code"]
        if len(rows):
            return str(rows.iloc[0])
        cat = _cats.lookup(name, self.category_system)
        return cat.code if cat else ""

    def table(self, unit: str = "ha") -> pd.DataFrame:
        """Township × category table (Decimal cells, 0 where nothing), with a 合计 column.

        Below the townships: ``乡镇合计``, the sum of each column, and ``计划总量``, the plan's stated
        structure and total. Where the plan states no total the last row is :data:`NO_TOTAL_ROW`
        (计划未列总量) and its 合计 is the sum of the row. The two rows differ exactly where the plan's own
        figures do not add up.

        Parameters
        ----------
        unit : str
            ``ha``/``公顷``, ``mu``/``亩`` or ``m2``/``平方米``.
        """

        towns = self.townships
        cats = self.categories
        zero = Decimal(0)
        cells = {(r.township, r.category): r.hectares_exact for r in self.allocations.itertuples()}
        rows = []
        for t in towns:
            row = {c: to_unit(cells.get((t, c), zero), unit) for c in cats}
            total_ha = self.township_totals_ha.get(t, sum((cells.get((t, c), zero) for c in cats), zero))
            row["合计"] = to_unit(total_ha, unit)
            rows.append(row)
        df = pd.DataFrame(rows, index=pd.Index(towns, name="乡镇"), columns=[*cats, "合计"])
        sums = {c: sum((cells.get((t, c), zero) for t in towns), zero) for c in cats}
        placed = sum((self.township_totals_ha.get(t, sum((cells.get((t, c), zero) for c in cats), zero))
                      for t in towns), zero)
        df.loc["乡镇合计"] = pd.Series({**{c: to_unit(v, unit) for c, v in sums.items()}, "合计": to_unit(placed, unit)})
        stated = {c: to_unit(self.structure_ha.get(c, sums[c]), unit) for c in cats}
        if self.stated_total_ha is not None:
            stated["合计"] = to_unit(self.stated_total_ha, unit)
            df.loc["计划总量"] = pd.Series(stated)
        else:  # the plan states no total: the row says so and its 合计 is a sum
            stated["合计"] = sum((v for c, v in stated.items()), Decimal(0)) if cats else to_unit(placed, unit)
            df.loc[NO_TOTAL_ROW] = pd.Series(stated)
        return df


@dataclass(frozen=True)
class Finding:
    """One reconciliation finding: a figure of the plan that does not add up.

    Attributes
    ----------
    kind : str
        ``report`` (the text is a news item or repost about the plan), ``unplaced`` (a figure the parser could not place), ``unit_misprint``, ``negative``,
        ``implausible_total``, ``township_over_county``, ``township_sum`` (a township's categories vs its stated total), ``county_sum``
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
        ``"warning"`` (警告) for figures that do not add up or could not be placed, ``"info"`` (提示) for
        townships with no supply and differences below the plan's printed precision.
    message_en : str
        The same sentence in English (both come from :mod:`landgis.plan.sentences`).
    line : int or None
        The line of the text the finding is about (1-based), where there is one.
    parts : tuple
        The sentence's templates and figures (:data:`landgis.plan.sentences.Parts`), so that
        :meth:`text` can give it again in the user's unit.
    """

    kind: str
    message: str
    township: str | None = None
    category: str | None = None
    stated_ha: Decimal | None = None
    computed_ha: Decimal | None = None
    difference_ha: Decimal | None = None
    severity: str = "warning"
    message_en: str = ""
    line: int | None = None
    parts: tuple = field(default=(), compare=False, repr=False)

    def text(self, lang: str = "zh", unit: str | None = None, names: Mapping[str, str] | None = None) -> str:
        """The finding as a sentence in ``lang`` (``zh`` or ``en``), figures in ``unit`` (``ha``/``mu``/``m2``).

        Without ``unit`` the figures are those printed in the plan. ``names`` gives the English names of
        townships and categories (:attr:`landgis.figures.Figures.names`), so that an English report names
        them as its maps and tables do.

        Examples
        --------
        >>> from landgis.plan import SEED_PLAN, parse_plan, reconcile
        >>> f = reconcile(parse_plan(SEED_PLAN))[0]
        >>> "亩" in f.text("zh", "mu") and "mu" in f.text("en", "mu")
        True
        """
        if self.parts and (unit is not None or (names and lang == "en")):
            return render(self.parts, lang, unit, names)
        return self.message_en or self.message if lang == "en" else self.message

    @property
    def severity_label(self) -> str:
        """The Chinese severity word (:data:`landgis.severity.SEVERITY_WORDS`): 警告 or 提示."""
        return severity_word(self.severity, "zh")

