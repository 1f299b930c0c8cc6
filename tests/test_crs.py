"""landgis.crs: GCJ-02 both ways, Gauss-Krüger zone codes, guessing a CRS from coordinates."""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from pyproj import Transformer

from landgis.crs import (
    equal_area_crs,
    gcj02_to_wgs84,
    gk3_epsg,
    gk6_epsg,
    guess_crs,
    transform_geometry,
    wgs84_to_gcj02,
)

# Published test vectors of the GCJ-02 algorithm (eviltransform): WGS-84 → GCJ-02.
VECTORS = [
    ((121.5272106, 31.1774276), (121.531541859215, 31.17530398364597)),  # Shanghai
    ((113.912316, 22.543847), (113.9171764808363, 22.540796131694766)),  # Shenzhen
    ((116.377817, 39.911954), (116.38404722455657, 39.91334545536069)),  # Beijing
]


@pytest.mark.parametrize("wgs, gcj", VECTORS)
def test_forward_matches_reference_vectors(wgs, gcj):
    lon, lat = wgs84_to_gcj02(*wgs)
    assert float(lon) == pytest.approx(gcj[0], abs=1e-9)
    assert float(lat) == pytest.approx(gcj[1], abs=1e-9)


def test_inverse_round_trips_to_a_millimetre_over_lianzhou():
    lon, lat = np.meshgrid(np.linspace(112.1, 112.8, 30), np.linspace(24.6, 25.2, 30))
    glon, glat = wgs84_to_gcj02(lon, lat)
    assert np.abs(glon - lon).max() > 1e-3  # the shift is real (hundreds of metres)
    blon, blat = gcj02_to_wgs84(glon, glat)
    assert np.abs(blon - lon).max() < 1e-8 and np.abs(blat - lat).max() < 1e-8


def test_outside_china_is_unchanged():
    lon, lat = wgs84_to_gcj02([2.35, -74.0], [48.85, 40.7])
    assert list(lon) == [2.35, -74.0] and list(lat) == [48.85, 40.7]


def test_transform_geometry_shifts_every_vertex():
    poly = shapely.box(112.3, 24.7, 112.4, 24.8)
    shifted = transform_geometry(poly, wgs84_to_gcj02)
    back = transform_geometry(shifted, gcj02_to_wgs84)
    assert shifted.geom_type == "Polygon" and not shifted.equals_exact(poly, 1e-5)
    assert back.equals_exact(poly, 1e-8)


@pytest.mark.parametrize("lon, prefix, epsg", [
    (112.37, True, 4525), (112.37, False, 4546), (75.0, True, 4513), (135.0, False, 4554), (114.2, True, 4526),
])
def test_gk3_codes(lon, prefix, epsg):
    assert gk3_epsg(lon, prefix=prefix) == epsg


def test_gk6_codes():
    assert gk6_epsg(112.37) == 4497 and gk6_epsg(112.37, prefix=False) == 4508  # zone 19, CM 111°E


def test_gk_codes_refuse_longitudes_outside_china():
    with pytest.raises(ValueError, match="outside"):
        gk3_epsg(10.0)


def _bounds_in(epsg: int) -> tuple[float, float, float, float]:
    t = Transformer.from_crs(4326, epsg, always_xy=True)
    x, y = t.transform([112.12, 112.78], [24.61, 25.19])
    return min(x), min(y), max(x), max(y)


def test_guess_prefixed_gauss_krueger_zone():
    g = guess_crs(_bounds_in(4525))
    assert g.epsg == 4525 and "zone 37" in g.description


def test_guess_unprefixed_needs_a_hint():
    bounds = _bounds_in(4546)
    assert guess_crs(bounds).epsg is None
    assert "4534" in guess_crs(bounds).description
    assert guess_crs(bounds, lon_hint=112.4).epsg == 4546


def test_guess_degrees_and_nonsense():
    assert guess_crs((112.1, 24.6, 112.8, 25.2)).epsg == 4490
    assert guess_crs((1e9, 1e9, 2e9, 2e9)).epsg is None


def test_equal_area_crs_measures_a_degree_box_correctly():
    from pyproj import Geod

    box = shapely.box(112.0, 24.0, 113.0, 25.0)
    laea = Transformer.from_crs(4326, equal_area_crs(112.5, 24.5), always_xy=True)
    projected = shapely.transform(shapely.segmentize(box, 0.01), lambda c: np.column_stack(laea.transform(c[:, 0], c[:, 1])))
    geodesic = abs(Geod(ellps="GRS80").geometry_area_perimeter(shapely.segmentize(box, 0.01))[0])
    assert projected.area == pytest.approx(geodesic, rel=1e-5)
