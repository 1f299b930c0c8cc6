"""Read the parcel files surveyors send: 报部格式 boundary-point coordinate text, and DXF drawings.

The 报部格式 (the exchange format of 建设用地报批 / 勘测定界, written by CASS, 南方 and others) is a
text file in two sections::

    [属性描述]
    坐标系=2000国家大地坐标系
    几度分带=3
    投影类型=高斯克吕格
    计量单位=米
    带号=38
    [地块坐标]
    5,0.0432,A-01,一号地块,面,,商服用地,,@
    J1,1,2734512.100,38512300.000
    ...

A 地块 starts with a line ending in ``@``: 界址点数, 地块面积 (公顷), 地块编号, 地块名称, 记录图形属性 (面),
图幅号, 地块用途, 地类编号. Its points follow as ``点号,地块圈号,X,Y``: X is the northing, Y the easting
with the zone number in front; 圈号 1 is the outer ring and each further 圈号 another ring, which is a
hole (扣除内部面积) when it lies inside an outer ring, else another part. Rings are closed by repeating
their first point. Files are GBK or UTF-8. Both readers keep landgis' limits (:mod:`landgis.limits`: ``table_bytes`` for the
file, ``rows`` for the 地块).

DXF drawings give closed LWPOLYLINE/POLYLINE outlines; a parcel's id is the TEXT/MTEXT written inside
it, else its layer's name. A closed outline inside another one, with no text of its own, is a hole.
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely

from landgis.catalog import message
from landgis.errors import InputError, LandgisWarning
from landgis.limits import check_size, exceeded, limit

__all__ = ["is_boundary_txt", "read_boundary_txt", "read_dxf", "gauss_kruger_epsg", "decode_text"]

_SECTION = re.compile(r"^[\[【]\s*(属性描述|地块坐标)\s*[\]】]$")
_NUMBER = r"[-+]?\d+(?:\.\d*)?(?:[eE][-+]?\d+)?"
_FIRST_EPSG = {  # (datum, zone width) -> (EPSG of the first prefixed zone, first zone, last zone)
    ("CGCS2000", 3): (4513, 25, 45), ("CGCS2000", 6): (4491, 13, 23),
    ("Xian 1980", 3): (2349, 25, 45), ("Xian 1980", 6): (2327, 13, 23),
    ("Beijing 1954", 3): (2401, 25, 45), ("Beijing 1954", 6): (21413, 13, 23),
}
_UNPREFIXED = {("CGCS2000", 3): 4534, ("CGCS2000", 6): 4502, ("Xian 1980", 3): 2370, ("Xian 1980", 6): 2338,
               ("Beijing 1954", 3): 2422, ("Beijing 1954", 6): 21453}
AREA_COLUMN = "地块面积（公顷）"


def gauss_kruger_epsg(zone: int, *, width: int = 3, datum: str = "CGCS2000", prefix: bool = True) -> int:
    """EPSG code of a Gauss-Krüger zone.

    Parameters
    ----------
    zone : int
        Zone number (25–45 for 3° zones, 13–23 for 6° zones).
    width : {3, 6}
        Zone width in degrees.
    datum : {"CGCS2000", "Xian 1980", "Beijing 1954"}
    prefix : bool
        Whether eastings carry the zone number in front (38 512 300.0).

    Examples
    --------
    >>> gauss_kruger_epsg(38)
    4526
    >>> gauss_kruger_epsg(38, datum="Xian 1980")
    2362
    >>> gauss_kruger_epsg(19, width=6)
    4497
    """
    first, lo, hi = _FIRST_EPSG[(datum, width)]
    if not lo <= zone <= hi:
        raise ValueError(f"zone {zone} is not a {width}° Gauss-Krüger zone of China ({lo}–{hi})")
    if prefix:
        return first + zone - lo
    return _UNPREFIXED[(datum, width)] + zone - lo


def _read_text(path: Path) -> str:
    check_size(path, "table_bytes")
    return decode_text(path.read_bytes(), path)


def decode_text(raw: bytes, path: Path) -> str:
    """A coordinate file's or table's bytes as text: UTF-8 (with or without BOM), else GBK/GB18030."""
    for enc in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(enc)
        except UnicodeDecodeError:
            continue
    raise InputError(message("{path}: the text is neither UTF-8 nor GBK/GB18030", path=path))


def is_boundary_txt(path) -> bool:
    """Whether a text file is in the 报部格式 (has a ``[属性描述]`` or ``[地块坐标]`` line near its start).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "jzd.txt"
    >>> _ = p.write_bytes("[属性描述]\\n坐标系=2000国家大地坐标系\\n".encode("gbk"))
    >>> is_boundary_txt(p)
    True
    """
    with open(path, "rb") as f:
        head = f.read(4096)
    for enc in ("utf-8", "gb18030"):
        text = head.decode(enc, errors="ignore")
        if any(_SECTION.match(line.strip()) for line in text.splitlines()):
            return True
    return False


def _datum(name: str | None) -> str:
    text = (name or "").replace(" ", "")
    if "2000" in text or not text:
        return "CGCS2000"
    if "80" in text or "西安" in text:
        return "Xian 1980"
    if "54" in text or "北京" in text:
        return "Beijing 1954"
    raise ValueError(text)


def _fields(line: str) -> list[str]:
    return [f.strip() for f in re.split(r"[,，]", line)]


class _Parcel:
    def __init__(self, line_no: int, fields: list[str], path: Path) -> None:
        def number(text: str, what: str, kind=float):
            try:
                return kind(text)
            except ValueError:
                raise InputError(message("{path}:{line_no}: {what} {text!r} is not a number; a 地块 line reads "
                                         "界址点数,地块面积,地块编号,地块名称,面,图幅号,地块用途,地类编号,@", path=path, line_no=line_no, what=what, text=text)) from None

        fields = fields[:-1]  # the closing "@"
        if len(fields) < 4:
            raise InputError(message("{path}:{line_no}: a 地块 line needs at least 界址点数,地块面积,地块编号,地块名称 before the @; "
                                     "found {n_fields} fields", path=path, line_no=line_no, n_fields=len(fields)))
        fields += [""] * (8 - len(fields))
        self.line = line_no
        self.count = number(fields[0], "界址点数", int)
        self.area = number(fields[1], "地块面积") if fields[1] else np.nan
        self.id, self.name, self.shape, self.sheet, self.use, self.code = fields[2:8]
        if self.shape and self.shape not in ("面", "polygon"):
            raise InputError(message("{path}:{line_no}: 记录图形属性 is {shape!r}; only 面 (polygon) 地块 are parcels", path=path, line_no=line_no, shape=self.shape))
        self.points: list[tuple[int, int, str, float, float]] = []  # line, ring, name, x, y


def _parse(text: str, path: Path) -> tuple[dict, list[_Parcel]]:
    meta: dict[str, str] = {}
    parcels: list[_Parcel] = []
    section = None
    point = re.compile(r"^([A-Za-z]*\d+[A-Za-z]?)\s*$")
    for no, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line:
            continue
        m = _SECTION.match(line)
        if m:
            section = m.group(1)
            continue
        if section is None:
            raise InputError(message("{path}:{no}: expected the [属性描述] or [地块坐标] section first, found {line!r}", path=path, no=no, line=line[:40]))
        if section == "属性描述":
            key, sep, value = line.partition("=")
            if not sep:
                raise InputError(message("{path}:{no}: expected 名称=值 in [属性描述], found {line!r}", path=path, no=no, line=line[:40]))
            meta[key.strip()] = value.strip()
            continue
        fields = _fields(line)
        if fields[-1] == "@":
            if parcels:
                _check_count(parcels[-1], path)
            parcels.append(_Parcel(no, fields, path))
            if len(parcels) > limit("rows"):
                raise exceeded(path, "地块", "rows", len(parcels))
            continue
        if not parcels:
            raise InputError(message("{path}:{no}: a point before the first 地块 line (…,@)", path=path, no=no))
        if len(fields) != 4 or not point.match(fields[0]):
            raise InputError(message("{path}:{no}: expected a point 点号,地块圈号,X,Y (e.g. J1,1,2734512.10,38512300.00), "
                                     "found {line!r}", path=path, no=no, line=line[:60]))
        try:
            ring, x, y = int(fields[1]), float(fields[2]), float(fields[3])
        except ValueError:
            raise InputError(message("{path}:{no}: expected a point 点号,地块圈号,X,Y with numbers, found {line!r}", path=path, no=no, line=line[:60])) from None
        if not (np.isfinite(x) and np.isfinite(y)) or ring < 1:
            raise InputError(message("{path}:{no}: expected a point 点号,地块圈号,X,Y with 圈号 ≥ 1 and finite coordinates, "
                                     "found {line!r}", path=path, no=no, line=line[:60]))
        parcels[-1].points.append((no, ring, fields[0], x, y))
    if parcels:
        _check_count(parcels[-1], path)
    if not parcels:
        raise InputError(message("{path}: no 地块 in the [地块坐标] section (a 地块 line ends with ,@)", path=path))
    return meta, parcels


def _check_count(parcel: _Parcel, path: Path) -> None:
    if parcel.count != len(parcel.points):
        raise InputError(message("{path}:{line}: the 地块 line says {count} 界址点, {n_points} point lines follow it", path=path, line=parcel.line, count=parcel.count, n_points=len(parcel.points)))


def _crs(meta: dict, parcels: list[_Parcel], path: Path) -> str:
    """EPSG code of the file: the zone from the eastings' prefix (or 带号), the datum from 坐标系."""
    try:
        datum = _datum(meta.get("坐标系"))
    except ValueError:
        raise InputError(message("{path}: 坐标系={get!r}; expected 2000国家大地坐标系, 1980西安坐标系 or 1954北京坐标系 (or give "
                                 "--crs)", path=path, get=meta.get('坐标系'))) from None
    unit = meta.get("计量单位", "米")
    if unit not in ("米", "m", "M", ""):
        raise InputError(message("{path}: 计量单位={unit!r}; expected 米", path=path, unit=unit))
    stated = meta.get("带号", "").strip()
    width_text = meta.get("几度分带", "").strip()
    first = parcels[0].points[0] if parcels[0].points else None
    for p in parcels:
        for no, _, _, x, y in p.points:
            if x >= 1e7 and y < 1e7:
                raise InputError(message("{path}:{no}: X={x:.3f} looks like an easting with the zone in front and "
                                         "Y={y:.3f} like a northing; the 报部格式 has X = northing, Y = easting", path=path, no=no, x=x, y=y))
    ys = np.array([pt[4] for p in parcels for pt in p.points])
    prefixed = ys >= 1e6
    if prefixed.any() and not prefixed.all():
        no = next(pt[0] for p in parcels for pt in p.points if (pt[4] >= 1e6) != bool(prefixed[0]))
        raise InputError(message("{path}:{no}: some eastings (Y) carry the zone number in front and some do not", path=path, no=no))
    if prefixed.all():
        zones = np.unique((ys // 1e6).astype(int))
        if len(zones) > 1:
            no = next(pt[0] for p in parcels for pt in p.points if int(pt[4] // 1e6) != zones[0])
            raise InputError(message("{path}:{no}: eastings (Y) of several zones ({items}) in one file", path=path, no=no, items=', '.join(map(str, zones))))
        zone = int(zones[0])
        if stated.isdigit() and int(stated) != zone:
            raise InputError(message("{path}: 带号={stated} but the eastings (Y) start with zone {zone}", path=path, stated=stated, zone=zone))
    elif stated.isdigit():
        zone = int(stated)
    else:
        raise InputError(message("{path}: the eastings (Y) have no zone number in front and [属性描述] gives no 带号; "
                                 "say which CRS with --crs (e.g. 4526)", path=path))
    width = int(width_text) if width_text in ("3", "6") else (3 if zone >= 25 else 6)
    try:
        return f"EPSG:{gauss_kruger_epsg(zone, width=width, datum=datum, prefix=bool(prefixed.all()))}"
    except ValueError as exc:
        raise InputError(message("{path}: {exc} (first point on line {first})", path=path, exc=exc, first=first[0] if first else '?')) from None


def _rings_to_polygon(rings: list[np.ndarray]) -> shapely.Geometry:
    """Polygon(s) from closed rings: a ring inside a larger outer ring is its hole, else another part."""
    shells = [shapely.Polygon(r) for r in rings]
    outers: list[tuple[int, list]] = []
    for i in sorted(range(len(rings)), key=lambda i: -shells[i].area):
        host = next((o for o in outers if shells[o[0]].contains(shells[i].representative_point())), None)
        if host is not None:
            host[1].append(rings[i])
        else:
            outers.append((i, []))
    parts = [shapely.Polygon(rings[i], holes) for i, holes in sorted(outers)]
    return parts[0] if len(parts) == 1 else shapely.MultiPolygon(parts)


def read_boundary_txt(path, *, crs=None) -> gpd.GeoDataFrame:
    """Read a 报部格式 boundary-point coordinate file as parcel polygons.

    Parameters
    ----------
    path : str or pathlib.Path
        The ``.txt`` file (GBK or UTF-8).
    crs : str, optional
        The file's CRS, when it cannot be told from 坐标系, 带号 and the eastings' zone prefix.

    Returns
    -------
    geopandas.GeoDataFrame
        One row per 地块, in file order: 地块编号, 地块名称, 地块用途, 地块面积（公顷）, 地类编号, 图幅号,
        界址点数, and the polygon (holes and several parts kept), in the Gauss-Krüger CRS of the file
        (x = easting, y = northing).

    Raises
    ------
    InputError
        For a malformed file: the message names the file and the line.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "jzd.txt"
    >>> _ = p.write_bytes('''[属性描述]
    ... 坐标系=2000国家大地坐标系
    ... [地块坐标]
    ... 5,0.01,A1,一号地块,面,,商服用地,,@
    ... J1,1,2734500.0,38512300.0
    ... J2,1,2734500.0,38512400.0
    ... J3,1,2734600.0,38512400.0
    ... J4,1,2734600.0,38512300.0
    ... J1,1,2734500.0,38512300.0
    ... '''.encode("gbk"))
    >>> gdf = read_boundary_txt(p)
    >>> gdf.crs.to_epsg(), gdf.loc[0, "地块编号"], float(gdf.area[0])
    (4526, 'A1', 10000.0)
    """
    path = Path(path)
    meta, parcels = _parse(_read_text(path), path)
    crs = crs or _crs(meta, parcels, path)
    geoms, opened = [], 0
    for p in parcels:
        if not p.points:
            raise InputError(message("{path}:{line}: the 地块 {id!r} has no points", path=path, line=p.line, id=p.id))
        rings, current, ring_no = [], [], None
        for pt in p.points:
            if pt[1] != ring_no and current:
                rings.append(current)
                current = []
            ring_no = pt[1]
            current.append(pt)
        rings.append(current)
        coords = []
        for ring in rings:
            xy = np.array([(pt[4], pt[3]) for pt in ring])  # easting, northing
            if len(np.unique(xy, axis=0)) < 3:
                raise InputError(message("{path}:{ring}: ring {ring2} of 地块 {id!r} has fewer than 3 distinct points", path=path, ring=ring[0][0], ring2=ring[0][1], id=p.id))
            if not np.array_equal(xy[0], xy[-1]):
                xy = np.vstack([xy, xy[:1]])
                opened += 1
            coords.append(xy)
        geoms.append(_rings_to_polygon(coords))
    if opened:
        warnings.warn(LandgisWarning(message("{path}: {opened} ring(s) did not repeat their first point at the end; "
                                              "closed them", path=path, opened=opened)), stacklevel=2)
    gdf = gpd.GeoDataFrame({
        "地块编号": [p.id or None for p in parcels],
        "地块名称": [p.name or None for p in parcels],
        "地块用途": [p.use or None for p in parcels],
        AREA_COLUMN: [p.area for p in parcels],
        "地类编号": [p.code or None for p in parcels],
        "图幅号": [p.sheet or None for p in parcels],
        "界址点数": [p.count for p in parcels],
    }, geometry=geoms, crs=crs)
    gdf.attrs["lines"] = [p.line for p in parcels]
    return gdf


def _dxf_crs(xs: np.ndarray, path: Path) -> str:
    prefixed = xs >= 1e6
    if len(xs) and prefixed.all():
        zones = np.unique((xs // 1e6).astype(int))
        if len(zones) == 1:
            try:
                return f"EPSG:{gauss_kruger_epsg(int(zones[0]), width=3 if zones[0] >= 25 else 6)}"
            except ValueError:
                pass
    raise InputError(message("{path}: a DXF has no coordinate system and its eastings carry no Gauss-Krüger "
                             "zone number in front; say which CRS with --crs (e.g. 4526)", path=path))


def read_dxf(path, *, crs=None, tolerance: float = 0.01) -> gpd.GeoDataFrame:
    """Read the closed outlines of a surveyor's DXF as parcel polygons.

    Parameters
    ----------
    path : str or pathlib.Path
        The ``.dxf`` file (any version ezdxf reads).
    crs : str, optional
        Its CRS; by default the CGCS2000 Gauss-Krüger zone of the eastings' prefix (38 512 300 → zone 38).
    tolerance : float
        Largest distance (drawing units, metres) between an arc (polyline bulge) and its chords.

    Returns
    -------
    geopandas.GeoDataFrame
        One row per closed outline that is not a hole: 地块编号 (the text inside it, else the layer
        name), 图层, 注记 (further texts inside) and the polygon.

    Raises
    ------
    InputError
        For an unreadable file or one without closed outlines.

    Examples
    --------
    >>> import ezdxf, tempfile, pathlib
    >>> doc = ezdxf.new()
    >>> _ = doc.modelspace().add_lwpolyline([(38512300, 2734500), (38512400, 2734500), (38512400, 2734600)],
    ...                                     close=True, dxfattribs={"layer": "DK-01"})
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "dk.dxf"
    >>> doc.saveas(p)
    >>> gdf = read_dxf(p)
    >>> gdf.crs.to_epsg(), gdf.loc[0, "地块编号"], float(gdf.area[0])
    (4526, 'DK-01', 5000.0)
    """

    path = Path(path)
    if not path.exists():
        raise InputError(message("{path}: no such DXF file", path=path))
    check_size(path, "table_bytes")
    import ezdxf  # imported inside functions: 0.3 s, which only reading a DXF needs (not every `landgis qa` or atlas)
    from ezdxf import path as dxfpath

    try:
        doc = ezdxf.readfile(path)
    except (ezdxf.DXFStructureError, ezdxf.DXFVersionError, UnicodeDecodeError, ValueError) as exc:
        raise InputError(message("{path}: not a readable DXF file: {items}", path=path, items=' '.join(str(exc).split())[:200])) from None
    shells, layers, open_lines = [], [], 0
    texts: list[tuple[float, float, str]] = []
    for e in doc.modelspace():
        kind = e.dxftype()
        if kind in ("LWPOLYLINE", "POLYLINE"):
            if kind == "POLYLINE" and (e.is_3d_polyline is False and not (e.is_2d_polyline)):
                continue  # meshes and polyface meshes are not outlines
            closed = e.closed if kind == "LWPOLYLINE" else e.is_closed
            xy = np.array([(v.x, v.y) for v in dxfpath.make_path(e).flattening(tolerance)])
            if len(xy) and not closed and np.allclose(xy[0], xy[-1]):
                closed = True
            if not closed or len(np.unique(xy, axis=0)) < 3:
                open_lines += 1
                continue
            if not np.array_equal(xy[0], xy[-1]):
                xy = np.vstack([xy, xy[:1]])
            shells.append(xy)
            layers.append(e.dxf.layer)
        elif kind == "TEXT":
            texts.append((e.dxf.insert.x, e.dxf.insert.y, e.dxf.text.strip()))
        elif kind == "MTEXT":
            texts.append((e.dxf.insert.x, e.dxf.insert.y, e.plain_text().strip()))
    if not shells:
        raise InputError(message("{path}: no closed polylines (LWPOLYLINE/POLYLINE) to read as parcels", path=path))
    if open_lines:
        warnings.warn(LandgisWarning(message("{path}: {open_lines} open polyline(s) are not parcel outlines; left out",
                                              path=path, open_lines=open_lines)), stacklevel=2)
    polys = shapely.polygons(shells)
    if crs is None:
        crs = _dxf_crs(shapely.bounds(polys)[:, 0], path)
    area = shapely.area(polys)
    # The text of an outline: texts in the smallest outline that holds them.
    mine: list[list[str]] = [[] for _ in polys]
    if texts:
        tx = np.array([(t[0], t[1]) for t in texts])
        tree = shapely.STRtree(polys)
        pt_idx, poly_idx = tree.query(shapely.points(tx), predicate="within")
        best: dict[int, int] = {}
        for t, p in zip(pt_idx, poly_idx):
            if t not in best or area[p] < area[best[t]]:
                best[t] = p
        for t in sorted(best):
            if texts[t][2]:
                mine[best[t]].append(texts[t][2])
    # A textless outline inside another is its hole.
    tree = shapely.STRtree(polys)
    inner, outer = tree.query(polys, predicate="within")
    host: dict[int, int] = {}
    for i, o in zip(inner, outer):
        if i != o and not mine[i] and area[o] > area[i] and (i not in host or area[o] < area[host[i]]):
            host[i] = o
    holes: dict[int, list] = {}
    for i, o in host.items():
        holes.setdefault(o, []).append(shells[i])
    keep = [i for i in range(len(polys)) if i not in host]
    geoms = [shapely.Polygon(shells[i], holes.get(i, [])) for i in keep]
    ids = [mine[i][0] if mine[i] else (layers[i] if layers[i] not in ("0", "") else None) for i in keep]
    gdf = gpd.GeoDataFrame({
        "地块编号": ids,
        "图层": [layers[i] for i in keep],
        "注记": ["；".join(mine[i][1:]) or None for i in keep],
    }, geometry=geoms, crs=crs)
    return gdf
