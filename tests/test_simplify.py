"""Borders simplified for drawing: shared borders kept, the result reused, layers that are not coverages."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely

from landgis.townships import load_townships
from landgis.crs import layer_centre
from landgis.render.furniture import plot_crs
from landgis.render import simplify
from landgis.render.simplify import simplify_for_drawing


def test_a_layer_is_simplified_once_for_all_maps_of_a_size():
    towns = load_townships(county="441882")
    dense = towns.geometry  # a valid coverage
    crs = plot_crs(towns)
    first = simplify_for_drawing(dense, crs, 20.0)
    again = simplify_for_drawing(dense.copy(), crs, 20.0)  # an equal copy: the same geometry
    assert all(a is b for a, b in zip(first, again))
    assert shapely.coverage_is_valid(first.to_numpy())
    assert shapely.get_num_coordinates(first.to_numpy()).sum() < shapely.get_num_coordinates(dense.to_numpy()).sum() * 0.8
    # another tolerance, or a changed geometry, is simplified anew
    other = simplify_for_drawing(dense, crs, 40.0)
    assert not any(a is b for a, b in zip(first, other))
    moved = dense.copy()
    moved.iloc[0] = shapely.affinity.translate(moved.iloc[0], 1e-3)
    assert simplify_for_drawing(moved, crs, 20.0).iloc[0] is not first.iloc[0]


def test_a_layer_with_overlaps_is_simplified_feature_by_feature():
    square = shapely.box(0, 0, 1000, 1000).segmentize(1.0)
    overlapping = gpd.GeoSeries([square, shapely.affinity.translate(square, 600, 0)], crs=3857)
    drawn = simplify_for_drawing(overlapping, 3857, 5.0)
    assert shapely.is_valid(drawn.to_numpy()).all()
    assert shapely.get_num_coordinates(drawn.to_numpy()).tolist() == [5, 5]
    np.testing.assert_allclose(drawn.area, overlapping.area)


def test_borders_that_do_not_match_are_simplified_feature_by_feature():
    # Densified feature by feature, a shared border gets vertices that differ in the last digits on its
    # two sides: not a coverage any more, and coverage simplification would open gaps and overlaps.
    dense = load_townships(county="441882").geometry.segmentize(1e-4)
    assert not shapely.coverage_is_valid(dense.to_numpy())
    drawn = simplify_for_drawing(dense, plot_crs(load_townships(county="441882")), 20.0)
    assert shapely.is_valid(drawn.to_numpy()).all()
    assert shapely.get_num_coordinates(drawn.to_numpy()).sum() < shapely.get_num_coordinates(dense.to_numpy()).sum() / 5


def _coverage(polygons: list, spacing: float) -> np.ndarray:
    """``polygons`` as one valid coverage with vertices ``spacing`` apart: borders noded once, then polygonized."""
    lines = shapely.union_all(shapely.boundary(np.asarray(polygons, dtype=object)))
    parts = shapely.get_parts(shapely.polygonize(shapely.get_parts(shapely.segmentize(lines, spacing))))
    inside = [shapely.point_on_surface(p) for p in polygons]
    return np.array([parts[np.flatnonzero(shapely.contains(parts, q))[0]] for q in inside], dtype=object)


def test_a_dense_layer_is_snapped_then_simplified_within_the_tolerance(monkeypatch):
    # Three neighbouring townships, their borders 0.5 m between vertices and bent by a smooth field (a
    # homeomorphism, so still a coverage): at 80 m the snapping grid is 2.5 m, five vertices a cell.
    towns = load_townships(county="441882")
    crs = plot_crs(towns)
    geoms = towns.geometry.to_crs(crs).to_numpy()
    three = [geoms[0], *geoms[1:][shapely.touches(geoms[0], geoms[1:])][:2]]
    dense = _coverage(three, 0.5)

    def bend(xy):
        return np.column_stack([xy[:, 0] + 30 * np.sin(xy[:, 1] / 70), xy[:, 1] + 30 * np.cos(xy[:, 0] / 90)])

    dense = gpd.GeoSeries(shapely.transform(dense, bend), crs=crs)
    assert shapely.coverage_is_valid(dense.to_numpy())
    snapped = []
    real = simplify._snapped
    monkeypatch.setattr(simplify, "_snapped", lambda g, grid: snapped.append(grid) or real(g, grid))
    drawn = simplify_for_drawing(dense, crs, 80.0).to_numpy()
    assert snapped == [2.5]
    assert shapely.coverage_is_valid(drawn) and shapely.is_valid(drawn).all()
    assert shapely.get_num_coordinates(drawn).sum() < shapely.get_num_coordinates(dense.to_numpy()).sum() / 500
    np.testing.assert_allclose(shapely.area(drawn), dense.area, rtol=5e-3)
    moved = shapely.hausdorff_distance(drawn, dense.to_numpy())  # the tolerance is how far a border may move
    assert (moved <= 80.0).all(), moved


def test_a_township_smaller_than_the_snapping_grid_is_kept():
    big, small = shapely.box(0, 0, 1000, 1000), shapely.box(1000, 0, 1001, 1)
    dense = gpd.GeoSeries(_coverage([big, small], 0.05), crs=3857)  # snapped to 0.625 m, the small one would go
    drawn = simplify_for_drawing(dense, 3857, 20.0).to_numpy()
    assert not shapely.is_empty(drawn).any()
    assert shapely.coverage_is_valid(drawn)
    assert shapely.area(drawn[1]) > 0  # a triangle at least, as coverage_simplify leaves it


def test_layer_centre_is_the_centroid_of_the_union():
    towns = load_townships(county="441882")
    c = shapely.centroid(shapely.union_all(towns.geometry.to_numpy()))
    lon, lat = layer_centre(towns.geometry)
    assert abs(lon - c.x) < 1e-9 and abs(lat - c.y) < 1e-9
