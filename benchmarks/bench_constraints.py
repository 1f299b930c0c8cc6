"""Benchmark the constraint overlay (三区三线) against ``geopandas.overlay``, in the same run, on the same data.

* constraint layer: ``--features`` polygons (default 50,000) like a 永久基本农田 layer: half the Voronoi cells
  of random points over the shipped Lianzhou county's extent, edges densified every 10 m (≈ 60 vertices
  each), in CGCS2000 Gauss-Krüger zone 37 with the zone prefix;
* parcels: ``--parcels`` polygons (default 200,000), octagons and 2:1 rectangles 20–300 m across at random
  places in the same extent (so that many cross farmland edges).

landgis (:class:`landgis.qa.overlap.OverlapIndex`, on the machine's cores; its numba kernel is loaded
before the timing, and the time that takes is printed) against
``geopandas.overlay(parcels, layer, how="intersection", keep_geom_type=True)`` + areas (one core). Both
start from the same GeoDataFrames and include building their spatial index. Each side is timed best of
``--repeat`` runs. The results are checked equal: the same (parcel, polygon) pairs with a positive
overlap, and areas equal to a relative 1e-9. The CPU times are printed too (less moved by other
processes on a loaded machine than wall time). The last line reads ``speedup=<x>`` (wall time).

Run::

    python benchmarks/bench_constraints.py                       # full size (several minutes)
    python benchmarks/bench_constraints.py --parcels 20000 --features 5000
"""

from __future__ import annotations

import argparse
import gc
import time

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from landgis.townships import load_townships
from landgis.qa.overlap import OverlapIndex

ZONE37 = "EPSG:4525"


def farmland(n: int, extent: tuple, rng: np.random.Generator) -> np.ndarray:
    """``n`` non-overlapping polygons: half the Voronoi cells of ``2n`` random points, densified to 10 m."""
    x0, y0, x1, y1 = extent
    pts = shapely.multipoints(np.column_stack([rng.uniform(x0, x1, 2 * n), rng.uniform(y0, y1, 2 * n)]))
    cells = shapely.get_parts(shapely.voronoi_polygons(pts, extend_to=shapely.box(*extent)))
    cells = shapely.clip_by_rect(cells, *extent)
    cells = cells[rng.permutation(len(cells))[:n]]
    return shapely.segmentize(cells, 10.0)


def parcels(n: int, extent: tuple, rng: np.random.Generator) -> np.ndarray:
    x0, y0, x1, y1 = extent
    c = np.column_stack([rng.uniform(x0, x1, n), rng.uniform(y0, y1, n)])
    r = rng.uniform(10, 150, n)
    geoms = shapely.buffer(shapely.points(c), r, quad_segs=2)
    boxes = rng.random(n) < 0.5
    geoms[boxes] = shapely.box(c[boxes, 0] - r[boxes], c[boxes, 1] - r[boxes] / 2,
                               c[boxes, 0] + r[boxes], c[boxes, 1] + r[boxes] / 2)
    return geoms


def landgis_overlay(parcel_gdf: gpd.GeoDataFrame, layer: gpd.GeoDataFrame, threads: int | None = None) -> pd.DataFrame:
    return OverlapIndex(layer.geometry.values, threads=threads).overlaps(parcel_gdf.geometry.values)


def geopandas_overlay(parcel_gdf: gpd.GeoDataFrame, layer: gpd.GeoDataFrame) -> pd.DataFrame:
    left = gpd.GeoDataFrame({"parcel": np.arange(len(parcel_gdf))}, geometry=parcel_gdf.geometry.values,
                            crs=parcel_gdf.crs)
    right = gpd.GeoDataFrame({"feature": np.arange(len(layer))}, geometry=layer.geometry.values, crs=layer.crs)
    ov = gpd.overlay(left, right, how="intersection", keep_geom_type=True)
    ov["area"] = ov.area
    ov = ov[ov["area"] > 0].sort_values(["parcel", "feature"], ignore_index=True)
    return pd.DataFrame(ov[["parcel", "feature", "area"]])


def best_of(repeat: int, func):
    """(best wall time, its CPU time (all threads), result)."""
    best, cpu, result = float("inf"), float("inf"), None
    for _ in range(repeat):
        gc.collect()
        t0, c0 = time.perf_counter(), time.process_time()
        result = func()
        wall = time.perf_counter() - t0
        if wall < best:
            best, cpu = wall, time.process_time() - c0
    return best, cpu, result


def same(a: pd.DataFrame, b: pd.DataFrame) -> None:
    """Raise unless both give the same pairs and areas (relative 1e-9)."""
    if len(a) != len(b) or not (a["parcel"].to_numpy() == b["parcel"].to_numpy()).all() or not (
            a["feature"].to_numpy() == b["feature"].to_numpy()).all():
        ka = set(zip(a["parcel"], a["feature"]))
        kb = set(zip(b["parcel"], b["feature"]))
        raise SystemExit(f"different pairs: {len(ka - kb)} only in landgis, {len(kb - ka)} only in overlay")
    np.testing.assert_allclose(a["area"].to_numpy(), b["area"].to_numpy(), rtol=1e-9, atol=1e-6)


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--parcels", type=int, default=200_000)
    ap.add_argument("--features", type=int, default=50_000)
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--seed", type=int, default=2026)
    args = ap.parse_args(argv)

    rng = np.random.default_rng(args.seed)
    extent = tuple(load_townships(county="441882").to_crs(ZONE37).total_bounds)
    layer = gpd.GeoDataFrame(geometry=farmland(args.features, extent, rng), crs=ZONE37)
    parcel_gdf = gpd.GeoDataFrame(geometry=parcels(args.parcels, extent, rng), crs=ZONE37)
    print(f"layer: {len(layer)} polygons, {shapely.get_num_coordinates(layer.geometry.values).sum()} vertices; "
          f"parcels: {len(parcel_gdf)}")

    # landgis' kernel is compiled by numba once (cached on disk) and loaded once per process: timed apart
    t0 = time.perf_counter()
    OverlapIndex([shapely.box(0, 0, 1, 1)]).overlaps([shapely.box(0, 0, 2, 2)])
    print(f"numba kernel loaded (once per process): {time.perf_counter() - t0:.2f} s")
    t_ours, c_ours, ours = best_of(args.repeat, lambda: landgis_overlay(parcel_gdf, layer))
    t_one, c_one, _ = best_of(args.repeat, lambda: landgis_overlay(parcel_gdf, layer, threads=1))
    t_gpd, c_gpd, theirs = best_of(args.repeat, lambda: geopandas_overlay(parcel_gdf, layer))
    same(ours, theirs)
    print(f"pairs with overlap: {len(ours)}; areas identical to overlay (rtol 1e-9)")
    print(f"landgis OverlapIndex: {t_ours:8.2f} s   (one thread: {t_one:.2f} s)")
    print(f"geopandas.overlay:    {t_gpd:8.2f} s")
    # CPU time moves less than wall time on a loaded machine (other processes' time is not counted)
    print(f"CPU time: landgis {c_ours:.2f} s (one thread: {c_one:.2f} s), overlay {c_gpd:.2f} s: "
          f"overlay / landgis one thread = {c_gpd / c_one:.1f}")
    print(f"speedup={t_gpd / t_ours:.1f} (one thread: {t_gpd / t_one:.1f})")


if __name__ == "__main__":
    main()
