"""The files surveyors send: 报部格式 boundary-point coordinate text (GBK/UTF-8) and DXF, read as parcels."""

from __future__ import annotations

import subprocess
import sys

import ezdxf
import numpy as np
import pytest
import shapely

from landgis.errors import InputError
from landgis.qa import qa
from landgis.qa.parcels import load_parcels
from landgis.qa.survey import read_boundary_txt, read_dxf

ZONE37 = 4525  # CGCS2000 3° Gauss-Krüger zone 37, eastings with the zone prefix (Lianzhou)


@pytest.fixture(scope="module")
def seats(towns):
    """A point inside each township, in zone 37 with the prefix (easting, northing)."""
    t = towns.to_crs(ZONE37)
    return {n: g.representative_point() for n, g in zip(t["name"], t.geometry)}


def _square(cx: float, cy: float, half: float) -> list[tuple[float, float]]:
    """Corners (easting, northing) of a square, clockwise from the south-west, closed."""
    c = [(cx - half, cy - half), (cx - half, cy + half), (cx + half, cy + half), (cx + half, cy - half)]
    return c + c[:1]


def _points(ring: int, corners, start: int = 1) -> list[str]:
    """Point lines J<n>,<ring>,X(northing),Y(easting); the closing point repeats J<start>."""
    lines = [f"J{start + i},{ring},{n:.3f},{e:.3f}" for i, (e, n) in enumerate(corners[:-1])]
    e, n = corners[-1]
    return lines + [f"J{start},{ring},{n:.3f},{e:.3f}"]


def _bureau_file(seats) -> str:
    """Three 地块: a plain one in 连州镇, one in 保安镇 with a hole (圈号 2), and a 120-point round one
    (J1…J120: 1- to 3-digit point numbers)."""
    lz, ba, lp = seats["连州镇"], seats["保安镇"], seats["龙坪镇"]
    a = _points(1, _square(lz.x, lz.y, 50))
    b = _points(1, _square(ba.x, ba.y, 100)) + _points(2, _square(ba.x, ba.y, 20), start=6)
    t = np.linspace(0, 2 * np.pi, 120, endpoint=False)
    circle = [(lp.x + 80 * np.cos(-a_), lp.y + 80 * np.sin(-a_)) for a_ in t]
    c = _points(1, circle + circle[:1])
    area_c = shapely.Polygon(circle).area / 1e4
    return "\n".join([
        "[属性描述]",
        "格式版本号=1.01",
        "数据产生单位=连州市自然资源局",
        "数据产生日期=2026-3-1",
        "坐标系=2000国家大地坐标系",
        "几度分带=3",
        "投影类型=高斯克吕格",
        "计量单位=米",
        "带号=37",
        "精度=0.01",
        "转换参数=,,,,,,",
        "[地块坐标]",
        f"{len(a)},1.0000,LZ-001,连州镇一号地块,面,F49G012034,商服用地,05,@", *a,
        f"{len(b)},3.8400,BA-002,保安镇二号地块,面,,工矿仓储用地,06,@", *b,
        f"{len(c)},{area_c:.4f},LP-003,龙坪镇三号地块,面,,住宅用地,07,@", *c,
        "",
    ])


@pytest.mark.parametrize("encoding", ["gbk", "utf-8", "utf-8-sig"])
def test_boundary_txt_reads_every_parcel_with_holes(seats, tmp_path, encoding):
    path = tmp_path / "勘测定界坐标.txt"
    path.write_bytes(_bureau_file(seats).replace("\n", "\r\n").encode(encoding))
    gdf = load_parcels(path)
    assert gdf.crs.to_epsg() == ZONE37
    assert gdf["地块编号"].tolist() == ["LZ-001", "BA-002", "LP-003"]
    assert gdf["地块用途"].tolist() == ["商服用地", "工矿仓储用地", "住宅用地"]
    assert gdf["地块名称"][0] == "连州镇一号地块" and gdf["图幅号"][0] == "F49G012034"
    assert gdf.area[0] == pytest.approx(100 * 100)
    hole = gdf.geometry[1]
    assert len(hole.interiors) == 1 and hole.area == pytest.approx(200 * 200 - 40 * 40)
    assert gdf.geometry[1].is_valid and gdf.geometry[2].is_valid
    assert shapely.get_num_coordinates(gdf.geometry[2]) == 121
    # x is the easting: the parcel lies where the Y column put it
    assert gdf.geometry[0].centroid.distance(seats["连州镇"]) < 1e-3  # millimetres, as written


def test_boundary_txt_parcels_run_through_qa(seats, towns, tmp_path):
    path = tmp_path / "jzd.txt"
    path.write_bytes(_bureau_file(seats).encode("gbk"))
    r = qa(path, towns, plan=False, county="441882")
    assert r.fields["category"] == "地块用途" and r.fields["area"] == "地块面积（公顷）"
    assert r.fields["area_unit"] == "公顷"
    assert r.parcels["township_found"].tolist() == ["连州镇", "保安镇", "龙坪镇"]
    kinds = set(r.findings["kind"])
    assert "area_mismatch" not in kinds  # the stated 公顷 agree with the drawn polygons (hole deducted)


def test_boundary_txt_several_outer_rings(seats, tmp_path):
    lz = seats["连州镇"]
    a = _points(1, _square(lz.x, lz.y, 50)) + _points(2, _square(lz.x + 500, lz.y, 50), start=6)
    text = "[属性描述]\n坐标系=2000国家大地坐标系\n[地块坐标]\n" + f"{len(a)},2.0,X1,两块,面,,,,@\n" + "\n".join(a)
    path = tmp_path / "two.txt"
    path.write_bytes(text.encode("gbk"))
    g = read_boundary_txt(path).geometry[0]
    assert g.geom_type == "MultiPolygon" and g.area == pytest.approx(2e4)


@pytest.mark.parametrize("change, line, words", [
    (lambda t: t.replace("J3,1,", "J3,1,abc", 1), 16, "expected a point"),
    (lambda t: t.replace("5,1.0000,LZ-001", "6,1.0000,LZ-001"), 13, "says 6 界址点, 5 point lines"),
    (lambda t: t.replace("[地块坐标]", "坐标"), 12, "名称=值"),
    (lambda t: t.replace("J2,1,", "J2,1,1,", 1), 15, "expected a point"),
])
def test_malformed_boundary_txt_names_the_line(seats, tmp_path, change, line, words):
    path = tmp_path / "bad.txt"
    path.write_bytes(change(_bureau_file(seats)).encode("gbk"))
    with pytest.raises(InputError) as exc:
        load_parcels(path)
    assert f"{path}:{line}:" in str(exc.value) and words in str(exc.value)
    assert "\n" not in str(exc.value)


@pytest.mark.slow  # runs the landgis command in a new process
def test_malformed_boundary_txt_exits_2_with_one_line(seats, tmp_path):
    path = tmp_path / "bad.txt"
    path.write_bytes(_bureau_file(seats).replace("J3,1,", "J3,1,x", 1).encode("gbk"))
    run = subprocess.run([sys.executable, "-m", "landgis.cli", "qa", str(path), "--out", str(tmp_path / "o"),
                          "--no-map"], capture_output=True, text=True)
    assert run.returncode == 2
    lines = [ln for ln in run.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and "bad.txt:16" in lines[0], run.stderr
    assert not (tmp_path / "o").exists() or not any((tmp_path / "o").iterdir())


def test_swapped_xy_is_refused(seats, tmp_path):
    lz = seats["连州镇"]
    rows = [f"J{i + 1},1,{e:.3f},{n:.3f}" for i, (e, n) in enumerate(_square(lz.x, lz.y, 50))]
    path = tmp_path / "swapped.txt"
    path.write_bytes(("[地块坐标]\n5,1,A,甲,面,,,,@\n" + "\n".join(rows)).encode("gbk"))
    with pytest.raises(InputError, match=r"swapped.txt:3: .*X = northing"):
        read_boundary_txt(path)


def test_dxf_outlines_with_text_ids_layers_and_holes(seats, towns, tmp_path):
    lz, ba, lp = seats["连州镇"], seats["保安镇"], seats["龙坪镇"]
    doc = ezdxf.new("R2010")
    msp = doc.modelspace()
    msp.add_lwpolyline(_square(lz.x, lz.y, 50)[:-1], close=True, dxfattribs={"layer": "红线"})
    msp.add_text("LZ-101", dxfattribs={"layer": "注记"}).set_placement((lz.x, lz.y))
    msp.add_polyline2d(_square(ba.x, ba.y, 100)[:-1], close=True, dxfattribs={"layer": "红线"})
    msp.add_mtext("BA-102", dxfattribs={"layer": "注记"}).set_location((ba.x + 50, ba.y + 50))
    msp.add_lwpolyline(_square(ba.x, ba.y, 20)[:-1], close=True, dxfattribs={"layer": "红线"})  # hole
    msp.add_lwpolyline(_square(lp.x, lp.y, 30), dxfattribs={"layer": "LP-103"})  # closed by its last point
    msp.add_line((lp.x, lp.y), (lp.x + 500, lp.y))  # not an outline
    msp.add_lwpolyline([(lp.x, lp.y + 500), (lp.x + 10, lp.y + 510)])  # open: left out, with a warning
    path = tmp_path / "勘测定界.dxf"
    doc.saveas(path)
    with pytest.warns(UserWarning, match="1 open polyline"):
        gdf = load_parcels(path)
    assert gdf.crs.to_epsg() == ZONE37
    assert gdf["地块编号"].tolist() == ["LZ-101", "BA-102", "LP-103"]
    assert gdf.area.tolist() == pytest.approx([1e4, 4e4 - 1600, 3600])
    with pytest.warns(UserWarning):
        r = qa(path, towns, plan=False, county="441882")
    assert r.parcels["township_found"].tolist() == ["连州镇", "保安镇", "龙坪镇"]


def test_dxf_without_zone_needs_crs(tmp_path):
    doc = ezdxf.new()
    doc.modelspace().add_lwpolyline([(0, 0), (100, 0), (100, 100)], close=True)
    path = tmp_path / "local.dxf"
    doc.saveas(path)
    with pytest.raises(InputError, match="say which CRS with --crs"):
        read_dxf(path)
    assert read_dxf(path, crs="EPSG:4546").crs.to_epsg() == 4546


def test_damaged_dxf_is_an_input_error(tmp_path):
    path = tmp_path / "bad.dxf"
    path.write_text("0\nSECTION\n2\nENTITIES\n0\nLWPOLYLINE\n8\n")
    with pytest.raises(InputError, match="bad.dxf"):
        load_parcels(path)


def test_datum_and_zone_from_the_header(seats, tmp_path):
    text = _bureau_file(seats).replace("坐标系=2000国家大地坐标系", "坐标系=1980西安坐标系")
    path = tmp_path / "xian80.txt"
    path.write_bytes(text.encode("gbk"))
    assert read_boundary_txt(path).crs.to_epsg() == 2361  # Xian 1980 3° zone 37, prefixed
    path.write_bytes(_bureau_file(seats).replace("带号=37", "带号=38").encode("gbk"))
    with pytest.raises(InputError, match="带号=38 but the eastings"):
        read_boundary_txt(path)
    # no prefix: the zone from 带号, the unprefixed code
    lz = seats["连州镇"]
    rows = [f"J{i + 1},1,{n:.3f},{e - 37e6:.3f}" for i, (e, n) in enumerate(_square(lz.x, lz.y, 50))]
    path.write_bytes(("[属性描述]\n带号=37\n[地块坐标]\n5,1,A,甲,面,,,,@\n" + "\n".join(rows)).encode("utf-8"))
    assert read_boundary_txt(path).crs.to_epsg() == 4546


def test_reader_limits(seats, tmp_path, monkeypatch):
    from landgis.errors import LimitError

    path = tmp_path / "jzd.txt"
    path.write_bytes(_bureau_file(seats).encode("gbk"))
    monkeypatch.setenv("LANDGIS_LIMIT_ROWS", "2")
    with pytest.raises(LimitError, match="LANDGIS_LIMIT_ROWS"):
        load_parcels(path)
    monkeypatch.delenv("LANDGIS_LIMIT_ROWS")
    monkeypatch.setenv("LANDGIS_LIMIT_TABLE_BYTES", "100")
    with pytest.raises(LimitError, match="LANDGIS_LIMIT_TABLE_BYTES"):
        load_parcels(path)
