"""Borders simplified for drawing: shared borders kept, the result reused, layers that are not coverages."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely

from landgis.boundaries import load_townships
from landgis.crs import layer_centre
from landgis.render.furniture import plot_crs
from landgis.render.simplify import simplify_for_drawing


def test_a_layer_is_simplified_once_for_all_maps_of_a_size():
    towns = load_townships()
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
    dense = load_townships().geometry.segmentize(1e-4)
    assert not shapely.coverage_is_valid(dense.to_numpy())
    drawn = simplify_for_drawing(dense, plot_crs(load_townships()), 20.0)
    assert shapely.is_valid(drawn.to_numpy()).all()
    assert shapely.get_num_coordinates(drawn.to_numpy()).sum() < shapely.get_num_coordinates(dense.to_numpy()).sum() / 5


def test_layer_centre_is_the_centroid_of_the_union():
    towns = load_townships()
    c = shapely.centroid(shapely.union_all(towns.geometry.to_numpy()))
    lon, lat = layer_centre(towns.geometry)
    assert abs(lon - c.x) < 1e-9 and abs(lat - c.y) < 1e-9
