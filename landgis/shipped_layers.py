"""The township layers landgis ships (``boundaries/``, installed as ``landgis.shipped``) and their index.

The index is read from what each file's provenance says (its county code, and whether it holds the
county's townships, its outline or its prefecture's counties), so a new county's files are found by
themselves.

Examples
--------
>>> shipped_county_codes()
['441882']
>>> list(shipped_layer("441882")["name"][:2])
['连州镇', '星子镇']
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources

import geopandas as gpd

from landgis.catalog import message
from landgis.crs import WORKING_CRS
from landgis.errors import LandgisError

__all__ = ["shipped_index", "shipped_layers", "shipped_layer", "shipped_county_codes"]


def _shipped(name: str):
    return resources.files("landgis.shipped").joinpath(name)


def _read_shipped(name: str) -> gpd.GeoDataFrame:
    res = _shipped(name)
    try:
        raw = res.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise LandgisError(message("the shipped layer {name} is missing from landgis.shipped (boundaries/); rebuild "
                                   "it with `python boundaries/build.py`", name=name)) from None
    data = json.loads(raw)
    gdf = gpd.GeoDataFrame.from_features(data["features"], crs=WORKING_CRS)
    gdf.attrs["provenance"] = dict(data.get("provenance", {}))
    return gdf


@lru_cache(maxsize=1)
def shipped_index() -> dict[str, dict[str, str]]:
    """``{county code: {"townships"|"county"|"prefecture": file name}}`` from the shipped files' provenance."""
    index: dict[str, dict[str, str]] = {}
    files = sorted(f.name for f in resources.files("landgis.shipped").iterdir() if f.name.endswith(".geojson"))
    prefectures: dict[str, str] = {}
    for name in files:
        data = json.loads(_shipped(name).read_text(encoding="utf-8"))
        code = str(data.get("provenance", {}).get("county_code") or "")
        first = str(data["features"][0]["properties"].get("code", "")) if data.get("features") else ""
        if len(first) == 9 and first.startswith(code):
            index.setdefault(code, {})["townships"] = name
        elif first == code and len(data["features"]) == 1:
            index.setdefault(code, {})["county"] = name
        elif code.endswith("00"):
            prefectures[code[:4]] = name
    for code, layers in index.items():
        if code[:4] in prefectures:
            layers["prefecture"] = prefectures[code[:4]]
    return index


def shipped_layers() -> dict[str, dict[str, gpd.GeoDataFrame]]:
    """The layers landgis ships, by county code: ``townships``, ``county`` (outline), ``prefecture`` (its counties).

    Examples
    --------
    >>> layers = shipped_layers()
    >>> all("townships" in v for v in layers.values())
    True
    """
    readers = {"townships": _load_shipped_townships, "county": _load_shipped_county,
               "prefecture": _load_shipped_prefecture}
    return {code: {kind: readers[kind](name) for kind, name in layers.items()}
            for code, layers in shipped_index().items()}


def shipped_layer(county_code: str, kind: str = "townships") -> gpd.GeoDataFrame | None:
    """One shipped layer of a county (``townships``, ``county`` or ``prefecture``), or ``None``."""
    name = shipped_index().get(str(county_code), {}).get(kind)
    if name is None:
        return None
    return {"townships": _load_shipped_townships, "county": _load_shipped_county,
            "prefecture": _load_shipped_prefecture}[kind](name)


def _load_shipped_county(name: str) -> gpd.GeoDataFrame:
    gdf = _read_shipped(name)
    gdf["code"] = gdf["code"].astype(str)
    out = gdf[["code", "name", "name_en", "area_km2", "geometry"]].set_crs(WORKING_CRS, allow_override=True)
    out.attrs["provenance"] = gdf.attrs["provenance"]
    return out


def _load_shipped_prefecture(name: str) -> gpd.GeoDataFrame:
    gdf = _read_shipped(name)
    gdf["code"] = gdf["code"].astype(str)
    return gdf[["code", "name", "geometry"]]


def _load_shipped_townships(name: str) -> gpd.GeoDataFrame:
    gdf = _read_shipped(name)
    gdf["code"] = gdf["code"].astype(str)
    out = gdf[["code", "name", "name_en", "area_km2", "geometry"]].copy()
    out.attrs["provenance"] = gdf.attrs["provenance"]
    return out


def shipped_county_codes() -> list[str]:
    """Codes of the counties landgis ships a township layer for."""
    return sorted(c for c, layers in shipped_index().items() if "townships" in layers)
