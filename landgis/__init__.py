"""landgis: maps, checks and atlases from Chinese land supply plans (土地供应计划).

The public API, one function per job::

    plan = landgis.parse_plan("plan.txt")            # text → Plan (exact figures); plan.county is its county
    findings = landgis.reconcile(plan)                # what does not add up
    towns = landgis.load_townships(county=plan.county)   # the shipped Lianzhou layer, or any official one
    layer = landgis.join(plan, towns)                 # one row per township, one column per category
    fig = landgis.choropleth(layer, "工矿仓储用地", county=plan.county)   # a print map (or ax=... into your figure)
    result = landgis.run_qa("parcels.gpkg", towns, plan)                 # parcel QA (landgis.qa is the package)

The names are loaded on first use (module ``__getattr__``), so ``import landgis`` imports neither the
atlas nor matplotlib.
"""

from __future__ import annotations

import importlib

from landgis.version import __version__

#: Public name → the module that defines it.
_API = {
    "LandgisError": "landgis.errors",
    "InputError": "landgis.errors",
    "Plan": "landgis.plan.model",
    "Finding": "landgis.plan.model",
    "PlanParseError": "landgis.plan.model",
    "parse_plan": "landgis.plan.assemble",
    "reconcile": "landgis.plan.reconcile",
    "County": "landgis.county",
    "find_county": "landgis.county",
    "load_townships": "landgis.townships",
    "load_county": "landgis.townships",
    "load_prefecture": "landgis.townships",
    "join": "landgis.allocation",
    "load_parcels": "landgis.qa.parcels",
    "QAResult": "landgis.qa.result",
    "run_qa": "landgis.qa.run",
    "write_qa": "landgis.qa.result",
    "build_atlas": "landgis.atlas",
    "choropleth": "landgis.render.static",
}
#: Attribute names that differ from the name in the defining module.
_RENAMED = {"run_qa": "qa"}

__all__ = ["__version__", *_API]


def __getattr__(name: str):
    module = _API.get(name)
    if module is None:
        raise AttributeError(f"module 'landgis' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), _RENAMED.get(name, name))
    globals()[name] = value  # once loaded, a plain attribute
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
