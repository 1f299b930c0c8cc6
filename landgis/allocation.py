"""Plan × townships: the allocation layer every map and chart is drawn from."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd

from landgis.catalog import message, word
from landgis.categories import lookup
from landgis.county import County, find_county
from landgis.errors import InputError
from landgis.figures import township_figures
from landgis.names import UnknownTownshipError, match_names
from landgis.plan import Plan

__all__ = ["join", "plan_units"]

_KEEP = ["code", "name", "name_en", "area_km2"]


def _area_km2(townships: gpd.GeoDataFrame) -> pd.Series:
    """The layer's ``area_km2``, computed on an equal-area projection where it is missing."""
    stated = pd.to_numeric(townships.get("area_km2"), errors="coerce") if "area_km2" in townships else None
    if stated is not None and stated.notna().all() and (stated > 0).all():
        return stated.astype(float)
    if townships.crs is None:
        raise InputError(message("the township layer has no CRS and no area_km2 column: cannot compute densities"))
    # Albers equal-area for China (Krasovsky parameters are irrelevant at this precision).
    albers = "+proj=aea +lat_1=25 +lat_2=47 +lat_0=0 +lon_0=105 +ellps=GRS80 +units=m +no_defs"
    computed = townships.geometry.to_crs(albers).area / 1e6
    return computed if stated is None else stated.where(stated > 0, computed).astype(float)


def join(plan: Plan, townships: gpd.GeoDataFrame, county: County | str | None = None) -> gpd.GeoDataFrame:
    """One row per township of the layer, with the plan's hectares by category.

    Plan townships are matched to layer townships through :func:`landgis.names.match_names`
    (冷坑 = 冷坑镇, 瑶安乡 = 瑶安瑶族乡 …). Townships of the layer that the plan does not name get 0.

    Parameters
    ----------
    plan : Plan
        A parsed plan (:func:`landgis.plan.parse_plan`).
    townships : geopandas.GeoDataFrame
        A township layer (:func:`landgis.townships.load_townships`) with at least ``name`` and
        geometry; ``code``, ``name_en`` and ``area_km2`` are kept when present.
    county : landgis.county.County or str, optional
        The county of the plan and the layer; by default ``plan.county``. A layer that says it is
        another county's (as :func:`~landgis.townships.load_townships` records) is refused.

    Returns
    -------
    geopandas.GeoDataFrame
        In layer order, columns ``code``, ``name``, ``name_en``, ``area_km2``, one float column per
        plan category (canonical names, hectares), ``total`` (ha: the township's stated total where
        the plan gives one, else its categories' sum, as :func:`landgis.figures.township_figures`), ``density`` (ha per km²),
        ``share`` (of the plan's stated total, 占全市比例; of the townships' sum when the plan states
        none), ``geometry``. ``attrs`` hold ``categories`` (plan order), ``category_codes``, ``plan``,
        ``plan_source``, ``provenance`` (the layer's), ``township_names`` (plan name → layer name), ``place``, ``year`` and ``stated_ha`` (the
        plan's own county figures in hectares: ``"total"`` and each category it states).

    Raises
    ------
    InputError
        When the layer has no ``name`` column or repeats a name.
    landgis.names.UnknownTownshipError
        When the plan names a township that is not in the layer ("did you mean …").
    """
    the_county = find_county(county) if county is not None else plan.county
    layer_code = (townships.attrs.get("provenance") or {}).get("county_code")
    if the_county is not None and layer_code and str(layer_code) != the_county.code:
        raise InputError(message("the township layer is of county {layer_code}, the plan of {label} ({code}); "
                                 "give {the_county_name}'s township layer (--boundaries) or --county", layer_code=layer_code, label=the_county.label, code=the_county.code, the_county_name=the_county.name))
    if "name" not in townships.columns:
        raise InputError(message("the township layer has no 'name' column (columns: {items})", items=', '.join(map(str, townships.columns))))
    names = [str(n) for n in townships["name"]]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise InputError(message("the township layer has more than one feature named {items}; dissolve them first", items='、'.join(dupes)))

    alloc = plan.allocations
    plan_names = list(dict.fromkeys([*plan.township_totals_ha, *alloc["township"], *plan.no_supply]))
    layer_source = (townships.attrs.get("provenance") or {}).get("source") or word("term.the_township_layer")
    try:
        matched = match_names(plan_names, names, what=word("term.township_not_in", source=layer_source))
    except KeyError as exc:  # UnknownTownshipError: say which input the name came from
        error = exc.args[0] if exc.args else str(exc)  # its own message, taken before it is replaced
        exc.args = (message("plan {source}: {error}", source=plan.source, error=error),)
        raise

    categories = plan.categories
    codes = dict(zip(alloc["category"], alloc["category_code"].fillna("").astype(str)))
    for cat in categories:
        if not codes.get(cat):
            known = lookup(cat, plan.category_system)
            codes[cat] = known.code if known is not None else ""
    table = (
        alloc.assign(layer_name=alloc["township"].map(matched))
        .pivot_table(index="layer_name", columns="category", values="hectares", aggfunc="sum", fill_value=0.0)
        .reindex(index=names, columns=categories, fill_value=0.0)
        .fillna(0.0)
        .astype(float)
    )

    out = pd.DataFrame(index=townships.index)
    for col in _KEEP:
        out[col] = townships[col].to_numpy() if col in townships else None
    out["code"] = out["code"].astype("string") if "code" in townships else pd.array([None] * len(out), "string")
    out["name"] = names
    out["area_km2"] = _area_km2(townships).to_numpy()
    for cat in categories:
        out[cat] = table[cat].to_numpy()
    # a township's figure is its stated total where the plan gives one, else its categories' sum
    by_town = township_figures(plan, matched)
    out["total"] = [float(by_town.get(n, 0.0)) for n in names]
    out["density"] = out["total"] / out["area_km2"]
    stated = _stated_ha(plan)
    county = stated.get("total") or out["total"].sum()
    out["share"] = out["total"] / county if county > 0 else 0.0

    layer = gpd.GeoDataFrame(out, geometry=townships.geometry.to_numpy(), crs=townships.crs)
    layer.attrs = {
        "categories": list(categories),
        "category_codes": {cat: codes.get(cat, "") for cat in categories},
        "plan": plan,
        "plan_source": plan.source,
        "provenance": dict(townships.attrs.get("provenance") or {}),
        "place": plan.place,
        "year": plan.year,
        "stated_ha": stated,
        "township_names": dict(matched),
    }
    return layer


def _stated_ha(plan: Plan) -> dict[str, float]:
    """The plan's own county figures: its stated total and category structure, in hectares."""
    stated = {cat: float(v) for cat, v in (plan.structure_ha or {}).items() if v is not None}
    if plan.stated_total_ha is not None:
        stated["total"] = float(plan.stated_total_ha)
    return stated


def plan_units(plan: Plan, county: County) -> tuple[gpd.GeoDataFrame, list[str]]:
    """The units of a plan without a township layer: the county's registry units, and the areas the
    plan names that are none (a 高新区, a 新区), each as a unit of its own without geometry.

    So a plan of 韶关市区 whose figures include 韶关高新区 gets its atlas: the area's figures are in its
    tables and its report, and the finding says the area is no administrative unit, so no layer has it.

    Parameters
    ----------
    plan : Plan
    county : County
        The plan's county (or city).

    Returns
    -------
    (geopandas.GeoDataFrame, list of str)
        The units (``code, name, name_en``, geometry empty; :meth:`landgis.county.County.units`) and
        the names of the plan's areas among them that the registry does not know.

    Examples
    --------
    >>> from landgis.county import find_county
    >>> from landgis.plan import parse_plan
    >>> plan = parse_plan("韶关市市区2026年度国有建设用地供应计划\\n浈江区住宅用地3公顷；韶关高新区工矿用地2公顷。")
    >>> units, areas = plan_units(plan, find_county("韶关市"))
    >>> areas, units["name"].iloc[-1]
    (['韶关高新区'], '韶关高新区')
    """
    units = county.units()
    known = list(units["name"])
    areas = []
    for name in dict.fromkeys([*plan.township_totals_ha, *plan.allocations["township"], *plan.no_supply]):
        try:
            match_names([name], known)
        except UnknownTownshipError:
            areas.append(name)
    if not areas:
        return units, []
    extra = gpd.GeoDataFrame({"code": [""] * len(areas), "name": areas, "name_en": areas},
                             geometry=gpd.GeoSeries([None] * len(areas), crs=units.crs), crs=units.crs)
    out = gpd.GeoDataFrame(pd.concat([units, extra], ignore_index=True), crs=units.crs)
    out.attrs = dict(units.attrs)
    return out, areas

