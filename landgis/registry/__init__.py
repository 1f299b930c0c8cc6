"""The national registry of China's divisions down to township level, shipped as package data.

``divisions.csv.gz`` holds every province, prefecture, county-level division and township-level
division (镇, 乡, 民族乡, 街道, 苏木 …) of the 国家统计局 2023 统计用区划代码; ``outlines.zip`` holds
a simplified WGS-84 outline of every county-level division. Both are made by
:mod:`landgis.registry.build`; see ``PROVENANCE.md`` beside them.

Examples
--------
>>> from landgis.registry import counties, townships
>>> counties().set_index("code").loc["441224", "prefecture"]
'肇庆市'
>>> "冷坑镇" in set(townships("441224")["name"])
True
"""

from __future__ import annotations

import gzip
import io
import json
import zipfile
from functools import lru_cache
from importlib import resources

import pandas as pd
import shapely
from shapely.geometry import shape

from landgis.catalog import message
from landgis.errors import LandgisError

__all__ = ["divisions", "counties", "townships", "outline", "outline_meta", "SOURCE"]

#: What the registry is, for footnotes and reports.
SOURCE = "国家统计局2023年统计用区划代码（china-division 2.7.0）"


def _read(name: str) -> bytes:
    try:
        raw = resources.files("landgis.registry").joinpath(name).read_bytes()
    except FileNotFoundError:
        raise LandgisError(message("the registry file {name} is missing from landgis/registry; rebuild it with "
                                   "`python -m landgis.registry.build`", name=name)) from None
    return gzip.decompress(raw)


@lru_cache(maxsize=1)
def divisions() -> pd.DataFrame:
    """Every division: ``code``, ``name``, ``level`` (province, prefecture, county, township), ``parent``, ``name_en``."""
    return pd.read_csv(io.BytesIO(_read("divisions.csv.gz")), dtype=str, keep_default_na=False)


@lru_cache(maxsize=1)
def counties() -> pd.DataFrame:
    """County-level divisions with their prefecture and province.

    Returns
    -------
    pandas.DataFrame
        ``code`` (6 digits), ``name``, ``name_en``, ``prefecture_code`` (4 digits), ``prefecture``,
        ``prefecture_en``, ``province_code`` (2 digits), ``province``; in code order.
    """
    d = divisions()
    by_code = d.set_index("code")
    c = d[d["level"] == "county"][["code", "name", "name_en", "parent"]].rename(columns={"parent": "prefecture_code"})
    c["prefecture"] = c["prefecture_code"].map(by_code["name"])
    c["prefecture_en"] = c["prefecture_code"].map(by_code["name_en"])
    c["province_code"] = c["prefecture_code"].str[:2]
    c["province"] = c["province_code"].map(by_code["name"])
    return c.reset_index(drop=True)


def townships(county_code: str) -> pd.DataFrame:
    """The township-level divisions of a county: ``code`` (9 digits), ``name``, ``name_en``, in code order."""
    d = divisions()
    rows = d[(d["level"] == "township") & (d["parent"] == str(county_code))]
    return rows[["code", "name", "name_en"]].reset_index(drop=True)


@lru_cache(maxsize=1)
def _outlines() -> zipfile.ZipFile:
    try:
        raw = resources.files("landgis.registry").joinpath("outlines.zip").read_bytes()
    except FileNotFoundError:
        raise LandgisError(message("the registry file outlines.zip is missing from landgis/registry; rebuild it "
                                   "with `python -m landgis.registry.build`")) from None
    return zipfile.ZipFile(io.BytesIO(raw))


def outline_meta() -> dict:
    """Where the outlines come from, their simplification, and the counties without one."""
    return json.loads(_outlines().read("meta.json"))


def outline(county_code: str) -> shapely.Geometry | None:
    """The simplified WGS-84 outline of a county (MultiPolygon), or ``None`` when the registry has none."""
    try:
        raw = _outlines().read(f"{county_code}.json")
    except KeyError:
        return None
    return shape(json.loads(raw))
