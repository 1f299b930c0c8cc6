"""Coordinate systems Chinese planners meet: CGCS2000, Gauss-Krüger zones, GCJ-02.

- CGCS2000 (EPSG:4490) and WGS-84 (EPSG:4326) differ by centimetres; landgis works in EPSG:4326.
- Official survey layers are usually Gauss-Krüger 3° zones on CGCS2000: EPSG:4513–4533 (zones 25–45,
  easting with the zone number as prefix, e.g. 37 500 000) and EPSG:4534–4554 (the same zones, no prefix).
  6° zones: EPSG:4491–4501 (zones 13–23, prefixed) and 4502–4512 (no prefix).
- GCJ-02 is the obfuscated datum of 高德/腾讯 maps; :func:`gcj02_to_wgs84` undoes it (to about 0.5 m).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS

from landgis.catalog import Message, message
from landgis.errors import InputError
from landgis.printable import printable

__all__ = [
    "parse_crs",
    "WORKING_CRS",
    "layer_centre",
    "CGCS2000",
    "gk3_epsg",
    "gk6_epsg",
    "wgs84_to_gcj02",
    "gcj02_to_wgs84",
    "transform_geometry",
    "equal_area_crs",
    "area_km2",
    "CrsGuess",
    "guess_crs",
]

WORKING_CRS = "EPSG:4326"
CGCS2000 = "EPSG:4490"

# Krasovsky 1940 ellipsoid, as used by the GCJ-02 algorithm.
_A = 6378245.0
_EE = 0.00669342162296594323


def gk3_epsg(lon: float, *, prefix: bool = True) -> int:
    """EPSG code of the CGCS2000 Gauss-Krüger 3° zone containing longitude ``lon``.

    Parameters
    ----------
    lon : float
        Longitude in degrees (75°E–135°E).
    prefix : bool
        True for the codes whose eastings carry the zone number (EPSG:4513–4533),
        False for those without (EPSG:4534–4554).

    Returns
    -------
    int

    Raises
    ------
    ValueError
        Outside China's zones 25–45.
    """
    zone = int(math.floor(lon / 3.0 + 0.5))
    if not 25 <= zone <= 45:
        raise ValueError(f"longitude {lon} is outside the CGCS2000 3° zones 25–45 (73.5°E–136.5°E)")
    return (4513 if prefix else 4534) + zone - 25


def gk6_epsg(lon: float, *, prefix: bool = True) -> int:
    """EPSG code of the CGCS2000 Gauss-Krüger 6° zone containing ``lon`` (4491–4501 / 4502–4512)."""
    zone = int(math.floor(lon / 6.0)) + 1
    if not 13 <= zone <= 23:
        raise ValueError(f"longitude {lon} is outside the CGCS2000 6° zones 13–23 (72°E–138°E)")
    return (4491 if prefix else 4502) + zone - 13


def _out_of_china(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    return (lon < 72.004) | (lon > 137.8347) | (lat < 0.8293) | (lat > 55.8271)


def _delta(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """GCJ-02 offset (dlon, dlat) in degrees at WGS-84 positions."""
    x = lon - 105.0
    y = lat - 35.0
    sx = np.sqrt(np.abs(x))
    dlat = (-100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * sx
            + (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
            + (20.0 * np.sin(y * np.pi) + 40.0 * np.sin(y / 3.0 * np.pi)) * 2.0 / 3.0
            + (160.0 * np.sin(y / 12.0 * np.pi) + 320.0 * np.sin(y * np.pi / 30.0)) * 2.0 / 3.0)
    dlon = (300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * sx
            + (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
            + (20.0 * np.sin(x * np.pi) + 40.0 * np.sin(x / 3.0 * np.pi)) * 2.0 / 3.0
            + (150.0 * np.sin(x / 12.0 * np.pi) + 300.0 * np.sin(x / 30.0 * np.pi)) * 2.0 / 3.0)
    rad = lat / 180.0 * np.pi
    magic = 1.0 - _EE * np.sin(rad) ** 2
    sqrt_magic = np.sqrt(magic)
    dlat = (dlat * 180.0) / ((_A * (1.0 - _EE)) / (magic * sqrt_magic) * np.pi)
    dlon = (dlon * 180.0) / (_A / sqrt_magic * np.cos(rad) * np.pi)
    return dlon, dlat


def wgs84_to_gcj02(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    """Forward GCJ-02 transform (vectorised); points outside China are returned unchanged.

    Parameters
    ----------
    lon, lat : array_like
        WGS-84 degrees.

    Returns
    -------
    (lon, lat) : tuple of numpy.ndarray
        GCJ-02 degrees.
    """
    lon = np.asarray(lon, dtype=float)
    lat = np.asarray(lat, dtype=float)
    dlon, dlat = _delta(lon, lat)
    out = _out_of_china(lon, lat)
    return np.where(out, lon, lon + dlon), np.where(out, lat, lat + dlat)


def gcj02_to_wgs84(lon, lat, *, tol: float = 1e-9, max_iter: int = 30) -> tuple[np.ndarray, np.ndarray]:
    """Inverse GCJ-02 transform by fixed-point iteration (vectorised).

    The forward offset varies slowly, so iterating ``wgs = gcj - delta(wgs)`` converges to
    below ``tol`` degrees (1e-9° ≈ 0.1 mm) in a handful of steps.

    Parameters
    ----------
    lon, lat : array_like
        GCJ-02 degrees.
    tol : float
        Stop when the largest correction is below this many degrees.
    max_iter : int
        Upper bound on iterations.

    Returns
    -------
    (lon, lat) : tuple of numpy.ndarray
        WGS-84 degrees.
    """
    glon = np.asarray(lon, dtype=float)
    glat = np.asarray(lat, dtype=float)
    wlon, wlat = glon.copy(), glat.copy()
    for _ in range(max_iter):
        flon, flat = wgs84_to_gcj02(wlon, wlat)
        elon, elat = flon - glon, flat - glat
        wlon, wlat = wlon - elon, wlat - elat
        if elon.size == 0 or max(np.abs(elon).max(), np.abs(elat).max()) < tol:
            break
    return wlon, wlat


def transform_geometry(geom, func):
    """Apply a vectorised ``func(lon, lat) -> (lon, lat)`` to every vertex of a geometry (or array).

    Examples
    --------
    >>> wgs = transform_geometry(gcj_polygon, gcj02_to_wgs84)   # doctest: +SKIP
    """
    def _xy(coords: np.ndarray) -> np.ndarray:
        x, y = func(coords[:, 0], coords[:, 1])
        return np.column_stack([x, y])

    return shapely.transform(geom, _xy)


def layer_centre(geometry) -> tuple[float, float]:
    """Longitude and latitude of the layer's centre: its polygons' centroids weighted by area.

    For townships that do not overlap this is the centroid of their union, without the union (which
    takes minutes on a layer of millions of vertices). A layer without area gives the centre of its
    bounds.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> lon, lat = layer_centre(gpd.GeoSeries([shapely.box(110, 20, 111, 21), shapely.box(111, 20, 113, 21)], crs=4326))
    >>> round(lon, 9), round(lat, 9)
    (111.5, 20.5)
    """
    ll = geometry.to_crs(4326) if geometry.crs is not None else geometry
    geoms = ll.to_numpy()
    area = shapely.area(geoms)
    if not np.isfinite(area).any() or np.nansum(area) <= 0:
        x0, y0, x1, y1 = ll.total_bounds
        return float((x0 + x1) / 2), float((y0 + y1) / 2)
    ok = np.isfinite(area) & (area > 0)
    c = shapely.get_coordinates(shapely.centroid(geoms[ok]))
    w = area[ok] / area[ok].sum()
    return float(c[:, 0] @ w), float(c[:, 1] @ w)


def equal_area_crs(lon: float, lat: float) -> CRS:
    """A Lambert azimuthal equal-area CRS on the CGCS2000/GRS80 ellipsoid centred on (lon, lat).

    Used for every area landgis reports: it is exactly equal-area, and centred on the layer its
    shape distortion over a county or prefecture is negligible.
    """
    return CRS.from_proj4(f"+proj=laea +lat_0={lat:.4f} +lon_0={lon:.4f} +x_0=0 +y_0=0 +ellps=GRS80 +units=m +no_defs")


@dataclass(frozen=True)
class CrsGuess:
    """What coordinates look like: ``epsg`` when it can be told, and a sentence for the user (``said``, either language)."""

    epsg: int | None
    said: Message

    @property
    def description(self) -> str:
        """The sentence in English."""
        return str(self.said)


def guess_crs(bounds, *, lon_hint: float | None = None) -> CrsGuess:
    """Guess the CRS of a layer from its coordinate bounds (for layers that carry none).

    Parameters
    ----------
    bounds : sequence of 4 floats
        ``(minx, miny, maxx, maxy)`` of the layer.
    lon_hint : float, optional
        Longitude of the area the layer is expected to cover (e.g. the county seat); lets
        un-prefixed Gauss-Krüger coordinates be given a zone.

    Returns
    -------
    CrsGuess
        ``epsg`` is None when the coordinates fit no known pattern or the zone cannot be told.
    """
    minx, miny, maxx, maxy = (float(v) for v in bounds)
    if not all(math.isfinite(v) and abs(v) < 1e9 for v in (minx, miny, maxx, maxy)):
        return CrsGuess(None, message("coordinates that are not finite numbers or beyond 10⁹ fit no CRS"))
    if -180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90:
        return CrsGuess(4490, message("longitude/latitude degrees: CGCS2000 (EPSG:4490) or WGS-84 (EPSG:4326)"))
    northing_ok = 0 <= miny and maxy <= 6_500_000
    if northing_ok:
        zone = int(minx // 1_000_000)
        if zone == int(maxx // 1_000_000):
            rest = (minx - zone * 1_000_000, maxx - zone * 1_000_000)
            if 25 <= zone <= 45 and 250_000 <= rest[0] and rest[1] <= 750_000:
                epsg = 4513 + zone - 25
                return CrsGuess(epsg, message("Gauss-Krüger 3° zone {zone} with zone prefix on CGCS2000 (EPSG:{epsg}, "
                                              "central meridian {cm}°E)", zone=zone, epsg=epsg, cm=3 * zone))
            if 13 <= zone <= 23 and 150_000 <= rest[0] and rest[1] <= 850_000:
                epsg = 4491 + zone - 13
                return CrsGuess(epsg, message("Gauss-Krüger 6° zone {zone} with zone prefix on CGCS2000 (EPSG:{epsg}, "
                                              "central meridian {cm}°E)", zone=zone, epsg=epsg, cm=6 * zone - 3))
        if 150_000 <= minx and maxx <= 850_000:
            if lon_hint is not None:
                epsg = gk3_epsg(lon_hint, prefix=False)
                cm = 3 * (epsg - 4534 + 25)
                return CrsGuess(epsg, message("Gauss-Krüger eastings without zone prefix (CGCS2000 3° zones are "
                                              "EPSG:4534–4554); near {lon:.2f}°E that is EPSG:{epsg} (central "
                                              "meridian {cm}°E)", lon=lon_hint, epsg=epsg, cm=cm))
            return CrsGuess(None, message("Gauss-Krüger eastings without zone prefix: one of CGCS2000 3° zones "
                                          "EPSG:4534–4554 (or 6° zones EPSG:4502–4512); the zone cannot be read "
                                          "from the coordinates"))
    if -20_037_509 <= minx <= maxx <= 20_037_509 and -20_048_967 <= miny <= maxy <= 20_048_967:
        return CrsGuess(None, message("metres, but no Gauss-Krüger pattern; possibly Web Mercator (EPSG:3857)"))
    return CrsGuess(None, message("coordinates fit no known CRS pattern"))


def area_km2(geoms: gpd.GeoSeries | gpd.GeoDataFrame) -> pd.Series:
    """Area in km² of each geometry, measured in an equal-area projection centred on the layer.

    The projection is a Lambert azimuthal equal-area on GRS80 (:func:`equal_area_crs`), exactly
    equal-area, centred on the layer's bounding box.

    Examples
    --------
    >>> round(float(area_km2(gpd.GeoSeries([shapely.box(112, 24, 112.1, 24.1)], crs=4326)).iloc[0]), 1)
    112.7
    """
    series = geoms.geometry if isinstance(geoms, gpd.GeoDataFrame) else geoms
    if series.crs is None:
        raise InputError(message("cannot measure areas of a layer without CRS"))
    ll = series.to_crs(WORKING_CRS)
    minx, miny, maxx, maxy = ll.total_bounds
    laea = equal_area_crs((minx + maxx) / 2, (miny + maxy) / 2)
    return ll.to_crs(laea).area / 1e6


def parse_crs(value, where: str) -> CRS:
    """A CRS the user gave (``4546``, ``EPSG:4546``, WKT, PROJ text), or :class:`InputError` naming ``where``.

    Examples
    --------
    >>> parse_crs("4546", "--out-crs").to_epsg()
    4546
    """
    text = str(value).strip()
    if text.isdigit():
        text = f"EPSG:{text}"
    try:
        return CRS.from_user_input(text)
    except Exception:
        raise InputError(message("{where}: {value!r} is not a CRS (expected an EPSG code such as 4490 or 4546)", where=where, value=printable(str(value)))) from None

