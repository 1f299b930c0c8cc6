"""Benchmark landgis' parcel location against plain geopandas, in the same run, on the shipped layer.

* point-in-township: 1,000,000 points inside the shipped Lianzhou layer,
  :class:`landgis.qa.locate.TownshipIndex` vs ``geopandas.sjoin(predicate="within")``;
* township shares: 200,000 small polygon parcels (20–300 m across, some straddling boundaries),
  :meth:`TownshipIndex.shares` vs ``geopandas.overlay(how="intersection")`` + areas.

landgis runs on the machine's cores (:func:`landgis.qa.locate.default_threads`), geopandas on one;
landgis on one thread is timed and printed too. Both sides start from the same GeoDataFrames in the
same equal-area CRS and include building their spatial index. Each is timed best of ``--repeat`` runs; the results are checked to be identical (the
same township per point; the same parcel–township pairs with shares equal to 1e-9); peak memory is
measured with tracemalloc in a separate run of each (Python and numpy allocations; GEOS' own, e.g. the
overlay's intersection geometries, are not seen by tracemalloc, so the baseline's peak is
understated). The last line reads ``speedup_points=<x> speedup_polygons=<y>``.

Run::

    python benchmarks/bench_qa.py                # full size (about a minute)
    python benchmarks/bench_qa.py --points 100000 --polygons 20000
"""

from __future__ import annotations

import argparse
import gc
import time
import tracemalloc

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from landgis.townships import load_townships
from landgis.crs import equal_area_crs
from landgis.qa.locate import TownshipIndex, default_threads


def inside_points(county, n: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` uniform random points inside ``county`` (rejection sampling), as an (n, 2) array."""
    shapely.prepare(county)
    x0, y0, x1, y1 = county.bounds
    out, have = [], 0
    while have < n:
        x = rng.uniform(x0, x1, n)
        y = rng.uniform(y0, y1, n)
        ok = shapely.contains_xy(county, x, y)
        out.append(np.column_stack([x[ok], y[ok]]))
        have += int(ok.sum())
    return np.concatenate(out)[:n]


def best_of(repeat: int, func):
    best, result = float("inf"), None
    for _ in range(repeat):
        gc.collect()
        t0 = time.perf_counter()
        result = func()
        best = min(best, time.perf_counter() - t0)
    return best, result


def peak_mib(func) -> float:
    gc.collect()
    tracemalloc.start()
    func()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 2**20


def landgis_points(points: gpd.GeoDataFrame, towns: gpd.GeoDataFrame, threads: int | None = None) -> np.ndarray:
    return TownshipIndex(towns.geometry.values, threads=threads).locate(points.geometry.values)


def sjoin_points(points: gpd.GeoDataFrame, towns: gpd.GeoDataFrame) -> np.ndarray:
    joined = gpd.sjoin(points, towns[["geometry"]], how="left", predicate="within")
    joined = joined[~joined.index.duplicated(keep="first")]
    return joined["index_right"].fillna(-1).astype(np.int64).to_numpy()


def landgis_shares(parcels: gpd.GeoDataFrame, towns: gpd.GeoDataFrame, threads: int | None = None) -> pd.DataFrame:
    return TownshipIndex(towns.geometry.values, threads=threads).shares(parcels.geometry.values)


def overlay_shares(parcels: gpd.GeoDataFrame, towns: gpd.GeoDataFrame) -> pd.DataFrame:
    left = gpd.GeoDataFrame({"parcel": np.arange(len(parcels))}, geometry=parcels.geometry.values, crs=parcels.crs)
    right = gpd.GeoDataFrame({"township": np.arange(len(towns))}, geometry=towns.geometry.values, crs=towns.crs)
    ov = gpd.overlay(left, right, how="intersection", keep_geom_type=True)
    ov["area"] = ov.area
    ov = ov[ov["area"] > 0].sort_values(["parcel", "township"], ignore_index=True)
    ov["share"] = ov["area"].to_numpy() / parcels.area.to_numpy()[ov["parcel"].to_numpy()]
    return pd.DataFrame(ov[["parcel", "township", "area", "share"]])


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--points", type=int, default=1_000_000)
    ap.add_argument("--polygons", type=int, default=200_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--seed", type=int, default=2026)
    args = ap.parse_args(argv)

    rng = np.random.default_rng(args.seed)
    towns = load_townships(county="441882")
    centre = shapely.centroid(shapely.union_all(towns.geometry.values))
    crs = equal_area_crs(centre.x, centre.y)
    towns = towns.to_crs(crs)
    county = shapely.union_all(towns.geometry.values)
    print(f"layer: {len(towns)} townships, {shapely.get_num_coordinates(towns.geometry.values).sum()} vertices; "
          f"CRS {crs.srs}")

    xy = inside_points(county, args.points, rng)
    points = gpd.GeoDataFrame(geometry=gpd.points_from_xy(xy[:, 0], xy[:, 1]), crs=crs)
    centres = inside_points(county, args.polygons, rng)
    radius = rng.uniform(10, 150, args.polygons)
    geoms = shapely.buffer(shapely.points(centres), radius, quad_segs=2)
    boxes = rng.random(args.polygons) < 0.5  # half octagons, half 2:1 rectangles
    geoms[boxes] = shapely.box(centres[boxes, 0] - radius[boxes], centres[boxes, 1] - radius[boxes] / 2,
                               centres[boxes, 0] + radius[boxes], centres[boxes, 1] + radius[boxes] / 2)
    parcels = gpd.GeoDataFrame(geometry=geoms, crs=crs)
    print(f"generated {len(points):,} points and {len(parcels):,} polygons inside the layer")

    t_lp, lab = best_of(args.repeat, lambda: landgis_points(points, towns))
    t_lp1, lab1 = best_of(args.repeat, lambda: landgis_points(points, towns, threads=1))
    t_sp, ref = best_of(args.repeat, lambda: sjoin_points(points, towns))
    same_points = bool(np.array_equal(lab, ref) and np.array_equal(lab1, ref))
    m_lp = peak_mib(lambda: landgis_points(points, towns))
    m_sp = peak_mib(lambda: sjoin_points(points, towns))

    rep_poly = max(1, args.repeat - 1)
    t_lg, sh = best_of(rep_poly, lambda: landgis_shares(parcels, towns))
    t_lg1, sh1 = best_of(rep_poly, lambda: landgis_shares(parcels, towns, threads=1))
    t_ov, ov = best_of(rep_poly, lambda: overlay_shares(parcels, towns))
    same_pairs = bool(np.array_equal(sh["parcel"].to_numpy(), ov["parcel"].to_numpy())
                      and np.array_equal(sh["township"].to_numpy(), ov["township"].to_numpy()))
    same_shares = same_pairs and bool(np.allclose(sh["share"].to_numpy(), ov["share"].to_numpy(),
                                                  rtol=1e-9, atol=1e-12))
    same_shares = same_shares and sh1.equals(sh)
    m_lg = peak_mib(lambda: landgis_shares(parcels, towns))
    m_ov = peak_mib(lambda: overlay_shares(parcels, towns))
    straddling = int((sh.groupby("parcel").size() > 1).sum())

    print()
    print(f"{'task':<30}{'landgis s':>10}{'geopandas s':>12}{'speedup':>9}{'landgis MiB':>12}"
          f"{'geopandas MiB':>14}  identical")
    for task, t_l, t_g, m_l, m_g, same in (
            ("points in township vs sjoin", t_lp, t_sp, m_lp, m_sp, same_points),
            ("polygon shares vs overlay", t_lg, t_ov, m_lg, m_ov, same_shares)):
        print(f"{task:<30}{t_l:>10.3f}{t_g:>12.3f}{t_g / t_l:>8.1f}x{m_l:>12.1f}{m_g:>14.1f}  {same}")
    print(f"points: {len(points) / t_lp:,.0f}/s vs {len(points) / t_sp:,.0f}/s; polygons: {len(sh):,} "
          f"parcel–township pairs, {straddling:,} parcels straddle a boundary")
    print(f"landgis on {default_threads()} threads (geopandas on one); on one thread: points {t_lp1:.3f} s "
          f"({t_sp / t_lp1:.1f}x), polygons {t_lg1:.3f} s ({t_ov / t_lg1:.1f}x)")
    if not (same_points and same_shares):
        raise SystemExit("results differ from the geopandas baseline")
    print(f"speedup_points={t_sp / t_lp:.1f} speedup_polygons={t_ov / t_lg:.1f}")


if __name__ == "__main__":
    main()
