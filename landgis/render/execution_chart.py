"""The chart of the plan's execution (计划执行情况): planned against supplied, by period, by supply
method and by township, on an A4 page with the maps' furniture and font.

Where the plan gives no 时序 or 方式, or the parcels carry no date or method, the panel says so in
words (the execution's notes), never with zero bars.
"""

from __future__ import annotations

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from landgis import units
from landgis.version import __version__
from landgis.qa.execution import Execution, rate_text
from landgis.qa.labels import EXECUTION_WORDS_EN
from landgis.render.fonts import pin_font, rc_params
from landgis.render.furniture import INK, MUTED, footer, header, page
from landgis.render.text import texts

__all__ = ["execution_chart", "TEXT"]

#: The chart's words, by language.
TEXT: dict[str, dict[str, str]] = {
    "zh": {"title": "{title}执行情况", "subtitle": "计划面积与已供应面积（{u}），执行率 = 已供应 ÷ 计划",
           "planned": "计划", "supplied": "已供应", "periods": "分时段", "methods": "分供应方式",
           "townships": "分乡镇", "no_dates": "地块无供地日期：无法按时段统计",
           "no_methods": "地块无供应方式：无法按方式统计", "not_planned": "计划未列", "axis": "面积（{u}）",
           "total": "合计：计划 {planned}，已供应 {supplied}，执行率 {rate}"},
    "en": {"title": "{title}: execution", "subtitle": "Planned and supplied area ({u}); rate = supplied ÷ planned",
           "planned": "planned", "supplied": "supplied", "periods": "By period", "methods": "By supply method",
           "townships": "By township", "no_dates": "The parcels carry no supply date: nothing by period",
           "no_methods": "The parcels carry no supply method: nothing by method", "not_planned": "not in the plan",
           "axis": "Area ({u})", "total": "Total: planned {planned}, supplied {supplied}, rate {rate}"},
}
_PLANNED = "#c9d3de"
_SUPPLIED = "#2f6f9f"


_rate = rate_text


def _bars(ax, names: list[str], planned, supplied, rates, t: dict, unit: str) -> None:
    """Planned (light) and supplied (dark) bars side by side, each supplied bar with its rate."""
    x = np.arange(len(names))
    places = units.PRECISION[unit]["map"]
    planned = np.asarray(planned, dtype=float)
    supplied = np.asarray(supplied, dtype=float)
    ax.bar(x - 0.2, np.nan_to_num(planned), width=0.4, color=_PLANNED, edgecolor="#7a8a9a", linewidth=0.4,
           label=t["planned"])
    ax.bar(x + 0.2, supplied, width=0.4, color=_SUPPLIED, edgecolor="#1d4a6b", linewidth=0.4, label=t["supplied"])
    top = float(np.nanmax([*np.nan_to_num(planned), *supplied, 0.0])) or 1.0
    for xi, p, s, r in zip(x, planned, supplied, rates):
        if not np.isfinite(p):
            ax.text(xi - 0.2, top * 0.02, t["not_planned"], rotation=90, ha="center", va="bottom", fontsize=6.5,
                    color=MUTED)
        ax.text(xi + 0.2, s + top * 0.015, f"{units.format_number(s, places)}\n{_rate(r)}", ha="center",
                va="bottom", fontsize=6.5, color=INK, linespacing=1.1)
    ax.set_xticks(x)
    ax.set_xticklabels(names, fontsize=8, rotation=0 if len(names) <= 14 else 35,
                       ha="center" if len(names) <= 14 else "right")
    ax.set_ylim(0, top * 1.25)
    ax.yaxis.grid(True, color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)
    ax.tick_params(axis="both", length=0, labelcolor=INK, labelsize=7.5)
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    ax.spines["bottom"].set_color("#888888")


def _say(ax, text: str) -> None:
    ax.set_axis_off()
    ax.text(0.5, 0.5, text, ha="center", va="center", fontsize=9, color=MUTED, transform=ax.transAxes, wrap=True)


def execution_chart(ex: Execution, *, title: str, unit: str = "ha", lang: str = "zh") -> Figure:
    """Planned against supplied by period, by supply method and by township, on one A4 landscape page.

    Parameters
    ----------
    ex : landgis.qa.execution.Execution
    title : str
        The plan's name (连州市2026年度土地供应计划).
    unit : {"ha", "mu", "m2"}
    lang : {"zh", "en"}

    Returns
    -------
    matplotlib.figure.Figure
        With the plotted figures as ``fig.landgis_table`` (a dict of DataFrames in ``unit``).

    Examples
    --------
    >>> cells = pd.DataFrame({"township": ["甲镇"], "category": ["住宅用地"], "planned_ha": [2.0],
    ...                       "supplied_ha": [0.5], "rate": [0.25], "n_parcels": [1]})
    >>> fig = execution_chart(Execution(cells, None, None), title="某县2026年度土地供应计划")
    >>> fig.landgis_table["townships"]["supplied"].tolist()
    [0.5]
    """
    unit = units.display_unit(unit)
    f = units.factor(unit)
    t = TEXT["en" if lang == "en" else "zh"]
    word = (lambda v: EXECUTION_WORDS_EN.get(v, v)) if lang == "en" else (lambda v: v)
    u = units.unit_label(unit) if lang != "en" else units.UNIT_LABELS_EN[unit]
    towns = ex.cells.groupby("township", sort=False)[["planned_ha", "supplied_ha"]].sum()
    towns = towns[(towns["planned_ha"] > 0) | (towns["supplied_ha"] > 0)] * f
    towns["rate"] = towns["supplied_ha"] / towns["planned_ha"].where(towns["planned_ha"] > 0)
    plotted = {"townships": towns.rename(columns={"planned_ha": "planned", "supplied_ha": "supplied"})}
    with matplotlib.rc_context(rc_params()):
        fig, _ = page(lang)
        header(fig, t["title"].format(title=title), t["subtitle"].format(u=u))
        panels = (("periods", ex.periods, "period", t["no_dates"], (0.06, 0.54, 0.40, 0.28)),
                  ("methods", ex.methods, "method", t["no_methods"], (0.56, 0.54, 0.40, 0.28)))
        for key, df, col, missing, rect in panels:
            ax = fig.add_axes(rect)
            ax.set_title(t[key], fontsize=10, color=INK, loc="left")
            if df is None or df.empty:
                _say(ax, missing)
                continue
            _bars(ax, [word(v) for v in df[col]], df["planned_ha"] * f, df["supplied_ha"] * f, df["rate"], t, unit)
            plotted[key] = pd.DataFrame({"planned": df["planned_ha"].to_numpy() * f,
                                         "supplied": df["supplied_ha"].to_numpy() * f, "rate": df["rate"].to_numpy()},
                                        index=[word(v) for v in df[col]])
        ax = fig.add_axes((0.06, 0.21, 0.90, 0.22))
        ax.set_title(t["townships"], fontsize=10, color=INK, loc="left")
        _bars(ax, list(towns.index), towns["planned_ha"], towns["supplied_ha"], towns["rate"], t, unit)
        ax.legend(loc="upper right", frameon=False, fontsize=8, ncol=2)
        planned, supplied = float(towns["planned_ha"].sum()), float(towns["supplied_ha"].sum())
        places = units.PRECISION[unit]["map"]
        total = t["total"].format(planned=units.format_number(planned, places),
                                  supplied=units.format_number(supplied, places),
                                  rate=_rate(supplied / planned if planned > 0 else np.nan))
        notes = ex.note_texts(lang)
        footer(fig, [total, *notes[:3], texts(lang)["made"].format(v=_version())])
        fig.landgis_table = plotted
        pin_font(fig)
    return fig


def _version() -> str:

    return __version__
