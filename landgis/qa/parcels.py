"""Load parcel (地块) files and find their fields.

Parcels come as points or polygons in GeoPackage, Shapefile (often GBK attributes with no .cpg),
GeoJSON, or as CSV/XLSX tables with coordinate columns (lon/lat, 经度/纬度, or projected x/y).
:func:`load_parcels` keeps every row – a row without usable coordinates gets a None geometry, so
that QA can report it – and keeps the geometry in the file's CRS (QA decides what the numbers mean).
"""

from __future__ import annotations

import io
import json
import re
import unicodedata
import warnings
import zipfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely
from pyproj import CRS
from shapely import from_wkt, points

from landgis.catalog import message
from landgis.extras import lazy
from landgis.errors import InputError, LandgisError
from landgis.limits import check_size, check_zip, exceeded, limit
from landgis.qa.survey import decode_text, is_boundary_txt, read_boundary_txt, read_dxf
from landgis.shapefiles import shapefile_source

pa = lazy("pyarrow")  # the parquet extra: imported when Parquet is read or written
pq = lazy("pyarrow.parquet")

__all__ = ["load_parcels", "find_fields", "area_unit_from_header", "HA_PER_UNIT", "ID_NAMES",
           "TOWNSHIP_NAMES", "CATEGORY_NAMES", "AREA_NAMES"]

VECTOR_SUFFIXES = {".gpkg", ".shp", ".zip", ".geojson", ".json", ".fgb", ".kml"}
TABLE_SUFFIXES = {".csv", ".txt", ".tsv", ".xlsx", ".xlsm", ".xls"}
PARQUET_SUFFIXES = {".parquet", ".geoparquet"}
SURVEY_SUFFIXES = {".dxf"}  # and .txt in the 报部格式 (landgis.qa.survey)

# Header names people use, most specific first (compared after _key()).
ID_NAMES = ("地块编号", "宗地编号", "地块代码", "宗地代码", "项目编号", "编号", "地块号", "宗地号",
            "parcel_id", "parcelid", "plot_id", "dkbh", "zddm", "id", "fid_1")
TOWNSHIP_NAMES = ("所属乡镇", "所在乡镇", "乡镇名称", "乡镇", "镇街", "所属镇街", "镇（乡）", "镇乡",
                  "乡镇街道", "township", "town", "xzqmc", "xz")
CATEGORY_NAMES = ("用地类型", "用地性质", "土地用途", "地块用途", "用途", "规划用途", "用地分类", "地类名称", "地类",
                  "类别", "供地类型", "category", "landuse", "land_use", "dlmc", "tdyt")
AREA_NAMES = ("面积", "用地面积", "地块面积", "宗地面积", "出让面积", "供地面积", "占地面积", "area",
              "area_ha", "mj", "dkmj", "shape_area")
LON_NAMES = ("lon", "lng", "long", "longitude", "经度", "东经", "x经度")
LAT_NAMES = ("lat", "latitude", "纬度", "北纬", "y纬度")
X_NAMES = ("x", "x坐标", "东坐标", "easting", "coord_x", "point_x")
Y_NAMES = ("y", "y坐标", "北坐标", "northing", "coord_y", "point_y")
WKT_NAMES = ("wkt", "geometry", "geom", "the_geom", "shape", "几何")

#: Hectares per unit of each area unit landgis understands.
HA_PER_UNIT = {"公顷": 1.0, "亩": 1 / 15, "平方米": 1e-4}
_UNIT_WORDS = (("公顷", "公顷"), ("hectare", "公顷"), ("(ha)", "公顷"), ("_ha", "公顷"), ("亩", "亩"),
               ("mu", "亩"), ("平方米", "平方米"), ("m2", "平方米"), ("m²", "平方米"), ("㎡", "平方米"),
               ("sqm", "平方米"))


def _key(name: object) -> str:
    """Header spelling for comparison: NFKC, lower case, no spaces or units in brackets."""
    text = unicodedata.normalize("NFKC", str(name)).strip().lower()
    text = re.sub(r"[\s\u3000]+", "", text)
    return re.sub(r"[(\[（【].*?[)\]）】]$", "", text) or text


def area_unit_from_header(header: str) -> str | None:
    """The area unit a column header states (面积（亩） → ``"亩"``), or None."""
    text = unicodedata.normalize("NFKC", str(header)).lower().replace(" ", "")
    for word, unit in _UNIT_WORDS:
        if word in text:
            return unit
    return None


def _pick(columns, names, given: str | None, role: str, source: str) -> str | None:
    cols = [c for c in columns if c != "geometry"]
    if given is not None:
        if given in cols:
            return given
        raise InputError(message("{source}: no column {given!r} for the {role} (columns: {items})", source=source, given=given, role=role, items=', '.join(map(str, cols))))
    keyed = {}
    for c in cols:
        keyed.setdefault(_key(c), c)
    for name in names:
        if name in keyed:
            return keyed[name]
    return None


def find_fields(columns, *, id_field=None, township_field=None, category_field=None,
                area_field=None, source: str = "parcels") -> dict[str, str | None]:
    """Find the id, township, category and area columns by their usual names.

    Parameters
    ----------
    columns : iterable of str
        The table's column names.
    id_field, township_field, category_field, area_field : str, optional
        Columns given by the user; they must exist.
    source : str
        Name of the input, for messages.

    Returns
    -------
    dict
        ``{"id": col or None, "township": …, "category": …, "area": …}``.

    Raises
    ------
    InputError
        When a given column does not exist.
    """
    cols = list(columns)
    return {
        "id": _pick(cols, ID_NAMES, id_field, "parcel id", source),
        "township": _pick(cols, TOWNSHIP_NAMES, township_field, "township", source),
        "category": _pick(cols, CATEGORY_NAMES, category_field, "land-use category", source),
        "area": _pick(cols, AREA_NAMES, area_field, "area", source),
    }


def _read_vector(path: Path, layer: str | None, max_rows: int | None = None) -> gpd.GeoDataFrame:
    suffix = path.suffix.lower()
    src, encoding = shapefile_source(path)
    try:
        with warnings.catch_warnings(record=True) as said:  # GDAL's warnings: repeated if the read works
            warnings.simplefilter("always")
            if layer is None and suffix == ".gpkg":
                layers = [name for name, geom in pyogrio.list_layers(path) if geom]
                if len(layers) > 1:
                    raise InputError(message("{path}: several layers ({items}); say which with --layer", path=path, items=', '.join(layers)))
                layer = layers[0] if layers else None
            n = pyogrio.read_info(src, layer=layer, encoding=encoding)["features"]
            if max_rows is None and n > limit("rows"):
                raise exceeded(path, "features", "rows", n)
            gdf = pyogrio.read_dataframe(src, layer=layer, encoding=encoding, max_features=max_rows)
        for w in said:
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    except pyogrio.errors.DataSourceError as exc:
        raise InputError(message("{path}: not a readable {upper} file (damaged or another format): {exc}", path=path, upper=suffix.lstrip('.').upper() or 'GIS', exc=_first_sentence(exc))) from None
    except pyogrio.errors.DataLayerError as exc:
        raise InputError(message("{path}: no layer {layer!r}: {exc}", path=path, layer=layer, exc=exc)) from None
    except (pyogrio.errors.FieldError, pyogrio.errors.GeometryError, pyogrio.errors.CRSError) as exc:
        raise InputError(message("{path}: damaged layer: {exc}", path=path, exc=_first_sentence(exc))) from None
    if not isinstance(gdf, gpd.GeoDataFrame):
        raise InputError(message("{path}: the layer has no geometry; give a table with coordinate columns instead", path=path))
    gdf.attrs["encoding"] = encoding or "as declared"
    return gdf


def _delimiter(text: str) -> str:
    """The delimiter of a CSV text: comma unless the header clearly uses ; or a tab or ，."""
    header = text.split("\n", 1)[0]
    counts = {d: header.count(d) for d in (",", ";", "\t", "，")}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def _numeric_columns(df: pd.DataFrame, skip: set) -> pd.DataFrame:
    """Turn text columns that are all numbers into numbers (ids with leading zeros stay text)."""
    for col in df.columns:
        if col in skip:
            continue
        text = df[col].astype("string").str.strip()
        filled = text[text.notna() & (text != "")]
        if filled.empty or filled.str.match(r"^0\d").any():
            continue
        num = pd.to_numeric(filled, errors="coerce")
        if num.notna().all():
            df[col] = pd.to_numeric(text.where(text != ""), errors="coerce")
    return df


def _first_sentence(exc: BaseException) -> str:
    """The first sentence of an error message, on one line."""
    text = " ".join(str(exc).split())
    text = text.rsplit(" failed: ", 1)[-1]  # GDAL's SQL or call before the reason says nothing to a user
    parts = list(dict.fromkeys(p.strip() for p in text.split(";") if p.strip()))  # "x; x" said once
    return re.split(r"\.[;\s]", "; ".join(parts))[0].rstrip(".") or type(exc).__name__


def _read_workbook(path: Path, sheet: str | None) -> pd.DataFrame:
    """One sheet of an .xlsx/.xlsm (openpyxl) or old .xls (xlrd) workbook, every cell as read."""

    suffix = path.suffix.lower()
    engine = "xlrd" if suffix == ".xls" else "openpyxl"
    if suffix != ".xls":
        try:
            with zipfile.ZipFile(path) as zf:
                check_zip(zf, path, office=True)
        except zipfile.BadZipFile:
            pass  # read_excel says what is wrong with it
    else:
        check_size(path, "table_bytes")
    try:
        df = pd.read_excel(path, sheet_name=sheet or 0, dtype=object, engine=engine, nrows=limit("rows") + 1)
    except ImportError:
        raise InputError(message("{path}: reading old .xls workbooks needs xlrd (pip install xlrd); or save the "
                                 "sheet as .xlsx or .csv in Excel/WPS (另存为)", path=path)) from None
    except (ValueError, IndexError) as exc:
        if sheet is not None or "Worksheet" in str(exc):
            raise InputError(message("{path}: cannot read sheet {sheet}: {exc}", path=path, sheet=sheet or 1, exc=_first_sentence(exc))) from None
        raise InputError(message("{path}: not a readable {suffix} workbook (damaged or another format): {exc}", path=path, suffix=suffix, exc=_first_sentence(exc))) from None
    except (zipfile.BadZipFile, KeyError, OSError, EOFError, TypeError) as exc:
        if isinstance(exc, OSError) and not str(exc).strip():
            raise
        raise InputError(message("{path}: not a readable {suffix} workbook (damaged or another format): {exc}", path=path, suffix=suffix, exc=_first_sentence(exc))) from None
    except Exception as exc:  # xlrd's XLRDError and other reader errors
        if type(exc).__module__.split(".")[0] not in ("xlrd", "openpyxl"):
            raise
        raise InputError(message("{path}: not a readable {suffix} workbook (damaged or another format): {exc}", path=path, suffix=suffix, exc=_first_sentence(exc))) from None
    _check_table(df, path)
    return df


def _check_table(df: pd.DataFrame, path: Path) -> None:
    """Refuse a parcel table of more rows or longer cells than :mod:`landgis.limits` allows."""
    if len(df) > limit("rows"):
        raise exceeded(path, "rows", "rows")
    most = limit("field_chars")
    for k, col in enumerate(df.columns):
        if len(str(col)) > most:
            raise exceeded(message("{path}, column {n}", path=path, n=k + 1), "characters in the column name", "field_chars", len(str(col)))
        text = df[col].astype("string")
        lengths = text.str.len()
        if (lengths > most).any():
            row = int(np.flatnonzero((lengths > most).fillna(False).to_numpy())[0])
            raise exceeded(message("{path}, row {row}, column {column!r}", path=path, row=row + 2, column=str(col)[:40]), "characters in one cell",
                           "field_chars", int(lengths.iloc[row]))


def _read_table(path: Path, layer: str | None) -> pd.DataFrame:
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm", ".xls"):
        df = _read_workbook(path, layer)
        df = df.map(lambda v: None if v is None or (isinstance(v, float) and np.isnan(v)) else str(v))
    else:
        check_size(path, "table_bytes")
        text = decode_text(path.read_bytes(), path)
        sep = "\t" if suffix == ".tsv" else _delimiter(text)
        try:
            df = pd.read_csv(io.StringIO(text), dtype=str, sep=sep, skipinitialspace=True, keep_default_na=False,
                             nrows=limit("rows") + 1)
        except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
            raise InputError(message("{path}: not a readable CSV table: {exc}", path=path, exc=exc)) from None
        del text
        _check_table(df, path)
    df.columns = [str(c).strip() for c in df.columns]
    return df


def _coordinate_columns(df: pd.DataFrame, x_field, y_field, path: Path):
    cols = list(df.columns)
    if x_field or y_field:
        for f in (x_field, y_field):
            if f not in cols:
                raise InputError(message("{path}: no coordinate column {f!r} (columns: {items})", path=path, f=f, items=', '.join(cols)))
        return x_field, y_field, "given"
    keyed = {_key(c): c for c in cols}
    for xs, ys, kind in ((LON_NAMES, LAT_NAMES, "lonlat"), (X_NAMES, Y_NAMES, "xy")):
        x = next((keyed[n] for n in xs if n in keyed), None)
        y = next((keyed[n] for n in ys if n in keyed), None)
        if x and y:
            return x, y, kind
    wkt = next((keyed[n] for n in WKT_NAMES if n in keyed), None)
    if wkt:
        return wkt, None, "wkt"
    raise InputError(
        message("{path}: no coordinate columns found; expected lon/lat, 经度/纬度, x/y or a WKT "
                "column (or name them with --x-field/--y-field). Columns: {items}", path=path, items=', '.join(cols)))


def _table_to_gdf(df: pd.DataFrame, path: Path, crs, x_field, y_field) -> gpd.GeoDataFrame:
    xcol, ycol, kind = _coordinate_columns(df, x_field, y_field, path)
    if kind == "wkt":
        text = [str(v).strip() if isinstance(v, str) else "" for v in df[xcol]]
        geoms = from_wkt(np.array([t or None for t in text], dtype=object), on_invalid="warn")
        df = _numeric_columns(df.drop(columns=[xcol]), skip=set())
        return gpd.GeoDataFrame(df, geometry=list(geoms), crs=crs or "EPSG:4490")
    x = pd.to_numeric(df[xcol].astype("string").str.strip(), errors="coerce").to_numpy(dtype=float)
    y = pd.to_numeric(df[ycol].astype("string").str.strip(), errors="coerce").to_numpy(dtype=float)
    ok = np.isfinite(x) & np.isfinite(y)
    if crs is None:
        degrees = (np.abs(x[ok]) <= 180) & (np.abs(y[ok]) <= 90)
        if kind == "xy" and ok.any() and not degrees.mean() > 0.5:
            raise InputError(
                message("{path}: columns {xcol!r}/{ycol!r} hold projected coordinates (e.g. {x:.0f}, "
                        "{y:.0f}); say which CRS with --crs (e.g. 4526 for CGCS2000 Gauss-Krüger 3° zone "
                        "38)", path=path, xcol=xcol, ycol=ycol, x=x[ok][0], y=y[ok][0]))
        crs = "EPSG:4490"  # CGCS2000 geographic: what Chinese lon/lat tables are in

    geoms = np.full(len(df), None, dtype=object)
    geoms[ok] = points(x[ok], y[ok])
    df = _numeric_columns(df, skip=set())
    gdf = gpd.GeoDataFrame(df, geometry=list(geoms), crs=crs)
    gdf.attrs["coordinate_fields"] = (xcol, ycol)
    return gdf


def _user_crs(crs, path: Path):
    """``crs`` as given by the user, checked: pyproj must know it."""
    if crs is None:
        return None
    try:
        CRS.from_user_input(int(crs) if isinstance(crs, str) and crs.strip().isdigit() else crs)
    except Exception:
        raise InputError(message("{path}: --crs {crs!r} is not a coordinate system; expected an EPSG code such as "
                                 "4490 (CGCS2000 lon/lat) or 4526 (Gauss-Krüger 3° zone 38)", path=path, crs=crs)) from None
    return f"EPSG:{crs.strip()}" if isinstance(crs, str) and crs.strip().isdigit() else crs


def load_parcels(path, *, layer: str | None = None, crs=None, x_field: str | None = None,
                 y_field: str | None = None, max_rows: int | None = None) -> gpd.GeoDataFrame:
    """Read a parcel file, keeping every row.

    Parameters
    ----------
    path : str or pathlib.Path
        GeoPackage, Shapefile (.shp or zipped; GBK attributes without .cpg are detected),
        GeoJSON, FlatGeobuf, a CSV/TSV (UTF-8 or GBK) / XLSX table with coordinate columns, or a
        surveyor's file: a 报部格式 boundary-point ``.txt`` or a ``.dxf`` (:mod:`landgis.qa.survey`).
    layer : str, optional
        Layer of a GeoPackage, or sheet of a workbook.
    crs : str or int, optional
        CRS of a file that has none, or of a table's coordinates (default for lon/lat tables:
        EPSG:4490 CGCS2000). Required for projected x/y tables.
    x_field, y_field : str, optional
        Coordinate columns of a table, when their names are not the usual ones.
    max_rows : int, optional
        Read only the first rows (for a sample).

    Returns
    -------
    geopandas.GeoDataFrame
        One row per input row, in input order, geometry in the file's CRS (None where a row has no
        usable coordinates); ``attrs["source"]`` is the path.

    Raises
    ------
    InputError
        For an unreadable file, an unknown format, missing coordinate columns or projected
        coordinates without a CRS.
    """
    path = Path(path)
    if not path.exists():
        raise InputError(message("{path}: no such parcel file", path=path))
    if path.is_dir() and path.suffix.lower() not in (".gdb",):
        raise InputError(message("{path}: is a folder, not a parcel file", path=path))
    crs = _user_crs(crs, path)
    suffix = path.suffix.lower()
    if is_geoparquet(path):
        pieces = geoparquet_pieces(path)
        if max_rows is not None:
            pieces = pieces[: next((i + 1 for i, c in enumerate(np.cumsum([p[2] for p in pieces]))
                                    if c >= max_rows), len(pieces))]
        gdf = read_geoparquet(pieces)
        gdf = gdf if max_rows is None else gdf.head(max_rows)
        if gdf.crs is None and crs is not None:
            gdf = gdf.set_crs(crs)
    elif suffix in VECTOR_SUFFIXES:
        gdf = _read_vector(path, layer, max_rows)
        if gdf.crs is None:
            if crs is None:
                b = gdf.total_bounds
                if np.all(np.isfinite(b)) and not (abs(b[0]) <= 180 and abs(b[2]) <= 180 and abs(b[1]) <= 90
                                                   and abs(b[3]) <= 90):
                    raise InputError(message("{path}: the layer has no CRS and projected coordinates; say which with --crs "
                                             "(e.g. 4526)", path=path))
                crs = "EPSG:4490"
            gdf = gdf.set_crs(crs)
    elif suffix in SURVEY_SUFFIXES or (suffix == ".txt" and is_boundary_txt(path)):
        gdf = read_dxf(path, crs=crs) if suffix == ".dxf" else read_boundary_txt(path, crs=crs)
        gdf = gdf if max_rows is None else gdf.head(max_rows)
    elif suffix in TABLE_SUFFIXES:
        table = _read_table(path, layer)
        gdf = _table_to_gdf(table if max_rows is None else table.head(max_rows), path, crs, x_field, y_field)
    else:
        raise InputError(message("{path}: unknown parcel format {suffix!r}; expected .gpkg, .shp, .zip, .geojson, "
                                 ".parquet, .csv, .xlsx, .dxf or a 报部格式 coordinate .txt", path=path, suffix=suffix))
    if gdf.crs is not None:
        CRS.from_user_input(gdf.crs)
    gdf = gdf.reset_index(drop=True)
    gdf.attrs["source"] = str(path)
    return gdf


# --- GeoParquet, by row groups (the dask engine reads one piece per task) ---------------------------
def is_geoparquet(path: Path) -> bool:
    """Whether ``path`` is a GeoParquet file or a folder of them."""
    path = Path(path)
    return path.suffix.lower() in PARQUET_SUFFIXES or (path.is_dir() and any(path.glob("*.parquet")))


def geoparquet_pieces(path) -> list[tuple[str, int, int]]:
    """(file, row group, rows) of a GeoParquet file or folder, in input order.

    Examples
    --------
    >>> geoparquet_pieces("parcels.parquet")  # doctest: +SKIP
    [('parcels.parquet', 0, 65536), ('parcels.parquet', 1, 34464)]
    """

    path = Path(path)
    files = sorted(path.glob("*.parquet")) if path.is_dir() else [path]
    out = []
    for f in files:
        try:
            meta = pq.ParquetFile(f).metadata
        except LandgisError:  # pyarrow not installed: its own message names the extra
            raise
        except Exception as exc:  # noqa: BLE001 - pyarrow raises several kinds for a bad file
            raise InputError(message("{f}: cannot read as GeoParquet: {exc}", f=f, exc=exc)) from None
        out += [(str(f), g, meta.row_group(g).num_rows) for g in range(meta.num_row_groups)]
    return out


def read_geoparquet(pieces) -> gpd.GeoDataFrame:
    """The rows of some :func:`geoparquet_pieces`, as a GeoDataFrame (WKB geometry, CRS from the metadata).

    Raises
    ------
    InputError
        For a file without GeoParquet metadata or with a geometry encoding other than WKB.
    """

    tables, geo, where = [], None, None
    for f, group, _ in pieces:
        pf = pq.ParquetFile(f)
        meta = (pf.schema_arrow.metadata or {}).get(b"geo")
        if meta is None:
            raise InputError(message("{f}: a Parquet file without GeoParquet metadata ('geo'); expected GeoParquet", f=f))
        geo, where = json.loads(meta), f
        tables.append(pf.read_row_group(group))
    if geo is None:
        raise InputError(message("no GeoParquet rows to read"))
    col = geo["primary_column"]
    info = geo["columns"][col]
    if info.get("encoding", "WKB").upper() != "WKB":
        raise InputError(message("{where}: geometry encoding {encoding!r}; expected WKB GeoParquet", where=where, encoding=info['encoding']))
    table = pa.concat_tables(tables)
    df = table.drop([col]).to_pandas()
    geoms = shapely.from_wkb(table.column(col).to_numpy(zero_copy_only=False))
    crs = info.get("crs", "OGC:CRS84")  # absent means lon/lat by the GeoParquet spec
    return gpd.GeoDataFrame(df, geometry=gpd.GeoSeries(geoms, index=df.index), crs=crs)
