"""Loading parcel files in the formats planners have: GBK shapefiles, Chinese CSV/XLSX, GeoPackage, GeoJSON."""

from __future__ import annotations

import warnings
import zipfile

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from pyproj import Transformer

from landgis.errors import InputError
from landgis.qa.parcels import area_unit_from_header, find_fields, load_parcels
from landgis.plan import SEED_PLAN, parse_plan
from landgis.qa import qa


@pytest.fixture(scope="module")
def seats(towns):
    """One point inside each township, by name."""
    return {n: g.representative_point() for n, g in zip(towns["name"], towns.geometry)}


def _table(seats) -> pd.DataFrame:
    lz, ba = seats["连州镇"], seats["保安镇"]
    return pd.DataFrame({
        "地块编号": ["001", "002", "003", "004"],
        "所属乡镇": ["连州", "连州镇", "保安镇", "西岸镇"],
        "用地类型": ["住宅用地", "商服用地", "工矿仓储用地", "住宅用地"],
        "面积（亩）": [15, 30, 7.5, 1],
        "经度": [lz.x, ba.x, ba.x + 0.001, None],   # the last row has no coordinates
        "纬度": [lz.y, ba.y, ba.y, None],
    })


@pytest.mark.parametrize("encoding", ["gbk", "utf-8-sig", "utf-8"])
def test_csv_with_chinese_headers(seats, tmp_path, encoding):
    path = tmp_path / "parcels.csv"
    _table(seats).to_csv(path, index=False, encoding=encoding)
    gdf = load_parcels(path)
    assert len(gdf) == 4 and gdf.crs.to_epsg() == 4490
    assert gdf["地块编号"].tolist() == ["001", "002", "003", "004"]  # ids with leading zeros stay text
    assert gdf.geometry.iloc[3] is None
    assert gdf["所属乡镇"].iloc[0] == "连州"
    assert gdf.geometry.iloc[0].equals_exact(seats["连州镇"], 1e-9)


def test_csv_qa_finds_fields_units_and_keeps_rows(seats, towns, tmp_path):
    path = tmp_path / "parcels.csv"
    _table(seats).to_csv(path, index=False, encoding="gbk")
    r = qa(path, towns, parse_plan(SEED_PLAN))
    assert r.fields["area_unit"] == "亩" and r.fields["area_unit_source"] == "header"
    assert r.parcels["township_found"].tolist()[:3] == ["连州镇", "保安镇", "保安镇"]
    kinds = r.findings.groupby("parcel_id")["kind"].agg(set)
    assert kinds["002"] == {"township_mismatch"}
    assert kinds["004"] == {"missing_geometry"}
    assert "001" not in kinds  # 连州 = 连州镇
    q = r.quota.set_index(["township", "category"])
    assert q.loc[("连州镇", "住宅用地"), "booked_ha"] == pytest.approx(1.0)  # 15 亩
    # booked where the parcel lies (a point: with its stated area); the declared township in declared_ha
    assert q.loc[("连州镇", "商服用地"), "booked_ha"] == pytest.approx(0.0)
    assert q.loc[("保安镇", "商服用地"), "booked_ha"] == pytest.approx(2.0)
    assert q.loc[("连州镇", "商服用地"), "declared_ha"] == pytest.approx(2.0)
    assert q.loc[("西岸镇", "住宅用地"), "booked_ha"] == pytest.approx(0.0)  # no geometry: counts nowhere
    assert q.loc[("西岸镇", "住宅用地"), "declared_ha"] == pytest.approx(1 / 15)
    assert r.quota.attrs["left_out"]["no_geometry"]["n"] == 1


def test_xlsx(seats, tmp_path):
    path = tmp_path / "parcels.xlsx"
    _table(seats).to_excel(path, index=False)
    gdf = load_parcels(path)
    assert len(gdf) == 4 and gdf.geometry.iloc[3] is None
    assert gdf.geometry.iloc[1].equals_exact(seats["保安镇"], 1e-9)


def _gbk_shapefile(seats, folder):
    folder.mkdir()
    gdf = gpd.GeoDataFrame({"DKBH": ["S1", "S2"], "XZQMC": ["九陂镇", "瑶安瑶族乡"], "DLMC": ["工矿仓储用地", "公用设施用地"]},
                           geometry=[seats["九陂镇"].buffer(0.001), seats["瑶安瑶族乡"].buffer(0.001)], crs=4490)
    path = folder / "parcels.shp"
    gdf.to_file(path, encoding="GBK", engine="pyogrio")
    path.with_suffix(".cpg").unlink(missing_ok=True)  # as many official shapefiles come: GBK, no .cpg
    assert "九陂镇".encode("gbk") in path.with_suffix(".dbf").read_bytes()
    return path


def test_gbk_shapefile_without_cpg(seats, tmp_path):
    path = _gbk_shapefile(seats, tmp_path / "shp")
    gdf = load_parcels(path)
    assert gdf["XZQMC"].tolist() == ["九陂镇", "瑶安瑶族乡"]
    assert gdf.attrs["encoding"] == "GB18030"
    fields = find_fields(gdf.columns)
    assert fields == {"id": "DKBH", "township": "XZQMC", "category": "DLMC", "area": None}


def test_zipped_gbk_shapefile(seats, towns, tmp_path):
    path = _gbk_shapefile(seats, tmp_path / "shp")
    z = tmp_path / "parcels.zip"
    with zipfile.ZipFile(z, "w") as zf:
        for f in path.parent.iterdir():
            zf.write(f, f.name)
    r = qa(z, towns, False, county="441882")
    assert r.parcels["XZQMC"].tolist() == ["九陂镇", "瑶安瑶族乡"]
    assert r.parcels["township_found"].tolist() == ["九陂镇", "瑶安瑶族乡"]
    assert r.findings.empty


def test_geojson_and_gpkg_keep_null_geometry(seats, tmp_path):
    gdf = gpd.GeoDataFrame({"id": ["a", "b"]}, geometry=[seats["星子镇"], None], crs=4326)
    for name in ("p.geojson", "p.gpkg"):
        gdf.to_file(tmp_path / name, engine="pyogrio")
        back = load_parcels(tmp_path / name)
        assert len(back) == 2 and back.geometry.iloc[1] is None


def test_projected_xy_needs_crs(seats, tmp_path):
    p = seats["西江镇"]
    x, y = Transformer.from_crs(4326, 4525, always_xy=True).transform(p.x, p.y)
    path = tmp_path / "xy.csv"
    pd.DataFrame({"id": ["X1"], "x": [x], "y": [y]}).to_csv(path, index=False)
    with pytest.raises(InputError, match="projected coordinates.*--crs"):
        load_parcels(path)
    gdf = load_parcels(path, crs=4525)
    assert gdf.crs.to_epsg() == 4525 and gdf.geometry.iloc[0].x == pytest.approx(x)


def test_wkt_column_and_named_coordinates(seats, tmp_path):
    p = seats["东陂镇"]
    path = tmp_path / "wkt.csv"
    pd.DataFrame({"编号": ["W1", "W2"], "WKT": [p.buffer(0.001).wkt, ""]}).to_csv(path, index=False)
    gdf = load_parcels(path)
    assert gdf.geometry.iloc[0].geom_type == "Polygon" and gdf.geometry.iloc[1] is None
    path2 = tmp_path / "named.csv"
    pd.DataFrame({"编号": ["N1"], "E": [p.x], "N": [p.y]}).to_csv(path2, index=False)
    with pytest.raises(InputError, match="no coordinate columns"):
        load_parcels(path2)
    assert load_parcels(path2, x_field="E", y_field="N").geometry.iloc[0].equals_exact(p, 1e-9)


def test_unknown_format_and_missing_file(tmp_path):
    (tmp_path / "p.dwg").write_bytes(b"x")
    with pytest.raises(InputError, match="unknown parcel format"):
        load_parcels(tmp_path / "p.dwg")
    with pytest.raises(InputError, match="no such parcel file"):
        load_parcels(tmp_path / "nope.gpkg")


@pytest.mark.parametrize("header, unit", [
    ("面积（亩）", "亩"), ("面积(公顷)", "公顷"), ("用地面积（平方米）", "平方米"), ("area_m2", "平方米"),
    ("AREA (ha)", "公顷"), ("面积", None),
])
def test_area_unit_from_header(header, unit):
    assert area_unit_from_header(header) == unit


def test_find_fields_common_names():
    f = find_fields(["宗地编号", "镇街", "土地用途", "面积（亩）", "geometry"])
    assert f == {"id": "宗地编号", "township": "镇街", "category": "土地用途", "area": "面积（亩）"}
    f = find_fields(["ID", "Township", "Category", "Area"])
    assert f == {"id": "ID", "township": "Township", "category": "Category", "area": "Area"}
    assert find_fields(["编号", "乡镇", "用途", "用地面积"])["area"] == "用地面积"
    assert np.all([v is None for v in find_fields(["foo"]).values()])


@pytest.mark.parametrize("text, match", [
    ("这不是地块表\n没有坐标\n", "no coordinate columns"),
    ("", "not a readable CSV"),
])
def test_unreadable_tables_are_input_errors(tmp_path, text, match):
    path = tmp_path / "bad.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=match):
        load_parcels(path)


def test_semicolon_csv(seats, tmp_path):
    path = tmp_path / "semi.csv"
    _table(seats).to_csv(path, index=False, sep=";", encoding="gbk")
    assert load_parcels(path)["所属乡镇"].tolist() == ["连州", "连州镇", "保安镇", "西岸镇"]


def test_utf8_shapefile_with_chinese_field_names_cut_at_ten_bytes(seats, tmp_path):
    """地块编号 is 12 bytes in UTF-8: GDAL cuts it to 10 inside 号. It reads (as 地块编), with a warning."""
    from landgis.errors import LandgisWarning

    gdf = gpd.GeoDataFrame({"地块编号": ["S1", "S2"], "所属乡镇": ["九陂镇", "瑶安瑶族乡"]},
                           geometry=[seats["九陂镇"], seats["瑶安瑶族乡"]], crs=4490)
    path = tmp_path / "parcels.shp"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # GDAL says it laundered the names
        gdf.to_file(path, encoding="UTF-8", engine="pyogrio")
    head = path.with_suffix(".dbf").read_bytes()[32:96]
    assert "地块编".encode() + "号".encode()[:1] in head  # the name really is cut inside a character
    with pytest.warns(LandgisWarning, match="inside a UTF-8 character"):
        got = load_parcels(path)
    assert list(got.columns[:2]) == ["地块编", "所属乡"]
    assert got["地块编"].tolist() == ["S1", "S2"] and got["所属乡"].tolist() == ["九陂镇", "瑶安瑶族乡"]
    assert got.attrs["encoding"] == "UTF-8"
