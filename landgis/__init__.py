"""landgis: maps, checks and atlases from Chinese land supply plans (土地供应计划).

The public API, one function per job::

    plan = landgis.parse_plan("plan.txt")          # text → Plan (exact figures)
    findings = landgis.reconcile(plan)              # what does not add up
    towns = landgis.load_townships()                # the shipped Lianzhou layer, or any official one
    layer = landgis.join(plan, towns)               # one row per township, one column per category
    fig = landgis.choropleth(layer, "工矿仓储用地")    # a print map (or ax=... into your own figure)
"""

from __future__ import annotations

__version__ = "0.1.0"

from landgis.errors import InputError, LandgisError
from landgis.plan import Finding, Plan, PlanParseError, parse_plan, reconcile
from landgis.boundaries import load_county, load_prefecture, load_townships
from landgis.join import join  # landgis.join(plan, towns) is the function (it shadows the module, as qa does)
from landgis.qa.parcels import load_parcels
from landgis.qa import QAResult, qa, write_qa  # landgis.qa(parcels) is the function; the module stays importable
from landgis.atlas import build_atlas

__all__ = [
    "__version__",
    "LandgisError",
    "InputError",
    "Plan",
    "Finding",
    "PlanParseError",
    "parse_plan",
    "reconcile",
    "load_townships",
    "load_county",
    "load_prefecture",
    "join",
    "load_parcels",
    "QAResult",
    "qa",
    "write_qa",
    "build_atlas",
    "choropleth",
]


def __getattr__(name: str):
    # The map functions load matplotlib: only when they are asked for, so `import landgis` stays light.
    if name == "choropleth":
        from landgis.render.static import choropleth

        return choropleth
    raise AttributeError(f"module 'landgis' has no attribute {name!r}")
