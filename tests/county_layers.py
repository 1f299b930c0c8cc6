"""Official-style township layers made from a county's outline, as a 三调 XZQ export would be.

The outline is split into one polygon per township of the registry (Voronoi cells around points
spread over the outline), projected to a Gauss-Krüger zone and written as a Shapefile with GBK
attributes XZQDM/XZQMC and no .cpg, as Chinese GIS exports usually are.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely

from landgis.county import find_county


def split_outline(outline: shapely.Geometry, n: int, seed: int = 7) -> list[shapely.Geometry]:
    """``n`` polygons that partition ``outline``: Voronoi cells of ``n`` points spread inside it."""
    rng = np.random.default_rng(seed)
    minx, miny, maxx, maxy = outline.bounds
    cand = shapely.points(rng.uniform(minx, maxx, 4000), rng.uniform(miny, maxy, 4000))
    inside = cand[shapely.contains(outline, cand)]
    xy = shapely.get_coordinates(inside)
    # farthest-point sampling: seeds spread evenly over the county
    chosen = [0]
    d = np.hypot(*(xy - xy[0]).T)
    for _ in range(n - 1):
        i = int(np.argmax(d))
        chosen.append(i)
        d = np.minimum(d, np.hypot(*(xy - xy[i]).T))
    seeds = shapely.MultiPoint(xy[chosen])
    cells = shapely.get_parts(shapely.voronoi_polygons(seeds, extend_to=outline.envelope.buffer(0.1)))
    order = [next(j for j, c in enumerate(cells) if c.contains(shapely.Point(p))) for p in xy[chosen]]
    return [shapely.make_valid(cells[j].intersection(outline)) for j in order]


def official_layer(county: str, folder: Path, *, epsg: int = 4526, name: str = "XZQ") -> Path:
    """Write the county's township layer as ``folder/name.shp`` (GBK, no .cpg, XZQDM/XZQMC) and return it."""
    c = find_county(county)
    outline = c.outline().geometry.iloc[0]
    reg = c.registry.table
    reg = reg[reg["name"].isin(c.townships)]
    polys = split_outline(outline, len(reg))
    gdf = gpd.GeoDataFrame({"XZQDM": list(reg["code"]), "XZQMC": list(reg["name"])}, geometry=polys,
                           crs="EPSG:4326").to_crs(epsg)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.shp"
    gdf.to_file(path, encoding="GBK")
    path.with_suffix(".cpg").unlink(missing_ok=True)
    return path


def district_layer(city: str, folder: Path, *, epsg: int = 4526, name: str = "QX") -> Path:
    """Write a city's districts (and counties) as ``folder/name.shp`` from the registry's outlines (GBK, no .cpg)."""
    from landgis.registry import outline

    c = find_county(city)
    reg = c.registry.table
    gdf = gpd.GeoDataFrame({"XZQDM": list(reg["code"]), "XZQMC": list(reg["name"])},
                           geometry=[outline(code) for code in reg["code"]], crs="EPSG:4326").to_crs(epsg)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.shp"
    gdf.to_file(path, encoding="GBK")
    path.with_suffix(".cpg").unlink(missing_ok=True)
    return path
