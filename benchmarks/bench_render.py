"""Benchmark drawing a dense official township layer: simplified for drawing vs drawn as it is, same run.

The shipped layer's borders are densified (one noded border network, segmentized, polygonized again,
so the layer stays a valid coverage) to about ``--spacing`` degrees between vertices: 1e-5° gives some
800,000 vertices, 4e-6° about 2,000,000. Then one category map is written as SVG and PDF, and the web
map as one self-contained HTML page, twice:

* landgis: :func:`landgis.render.furniture.drawing_layer` (``shapely.coverage_simplify`` to half a
  printed dot) and the web map's default tolerance (half a screen pixel);
* baseline: the full geometry (drawing_layer replaced by a plain projection; the web map at 0.01 m).

It prints the time and the size of each output, one line each, and a last line
``svg_size_ratio=<baseline/landgis> svg_time_ratio=<baseline/landgis>``.

Run::

    python benchmarks/bench_render.py                  # about 800,000 vertices
    python benchmarks/bench_render.py --spacing 4e-6   # about 2,000,000
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import geopandas as gpd
import shapely

import landgis
import landgis.render.static as static
from landgis.render.interactive import self_contained_html, web_map


def dense_layer(spacing: float) -> gpd.GeoDataFrame:
    """The shipped layer with its borders densified to ``spacing`` degrees, still a valid coverage."""
    towns = landgis.load_townships(county="441882")
    lines = shapely.union_all(towns.boundary.to_numpy())
    polys = shapely.get_parts(shapely.polygonize(shapely.get_parts(shapely.segmentize(lines, spacing))))
    owner = gpd.sjoin(gpd.GeoDataFrame(geometry=shapely.point_on_surface(polys), crs=towns.crs),
                      towns[["geometry"]], predicate="within")["index_right"]
    dense = towns.copy()
    dense["geometry"] = [polys[owner.index[owner == i][0]] for i in towns.index]
    return dense


def timed(label: str, fn) -> tuple[float, list[Path]]:
    t0 = time.perf_counter()
    paths = fn()
    seconds = time.perf_counter() - t0
    sizes = ", ".join(f"{p.suffix[1:]} {p.stat().st_size / 1e6:.2f} MB" for p in paths)
    print(f"{label:<28} {seconds:7.1f} s   {sizes}")
    return seconds, paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--spacing", type=float, default=1e-5, help="vertex spacing in degrees (default 1e-5)")
    args = parser.parse_args()
    layer = landgis.join(landgis.parse_plan(landgis.plan.SEED_PLAN), dense_layer(args.spacing))
    n = int(shapely.get_num_coordinates(layer.geometry.to_numpy()).sum())
    print(f"layer: {len(layer)} townships, {n:,} vertices")
    out = Path(tempfile.mkdtemp(prefix="bench-render-"))
    cat = "工矿仓储用地"

    def maps(folder: str) -> list[Path]:
        return static.render_maps(layer, out / folder, categories=[cat], formats=["svg", "pdf"], county="441882")

    def web(folder: str, tolerance: float | None) -> list[Path]:
        path = out / folder / "web_map.html"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(self_contained_html(web_map(layer, tolerance_m=tolerance, county="441882")), encoding="utf-8")
        return [path]

    t_ours, ours = timed("landgis maps (simplified)", lambda: maps("landgis"))
    timed("landgis web map", lambda: web("landgis", None))
    drawing_layer = static.drawing_layer
    static.drawing_layer = lambda layer, crs, **kw: layer.to_crs(crs)
    try:
        t_base, base = timed("baseline maps (full)", lambda: maps("baseline"))
    finally:
        static.drawing_layer = drawing_layer
    timed("baseline web map (0.01 m)", lambda: web("baseline", 0.01))
    size_ratio = base[0].stat().st_size / ours[0].stat().st_size
    print(f"svg_size_ratio={size_ratio:.1f} svg_time_ratio={t_base / t_ours:.2f}")


if __name__ == "__main__":
    main()
