"""Any county of China: its plan recognised, its townships checked, its atlas drawn (issue 11).

The plan of 怀集县 (肇庆市) names real townships of the registry (and writes 马宁 and 下帅乡 as
people do). Its official-style layer is made here from the county's outline: one polygon per
township, Gauss-Krüger zone 38 (EPSG:4526), GBK attributes XZQDM/XZQMC and no .cpg.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from county_layers import district_layer, official_layer
from landgis.atlas import build_atlas
from landgis.townships import BoundaryError, load_townships
from landgis.cli import main
from landgis.county import find_county
from landgis.names import UnknownTownshipError
from landgis.render.outline import OUTLINE_STEM
from landgis.render.static import file_stem

pytestmark = pytest.mark.slow  # builds whole atlases of other counties

PLANS = Path(__file__).parent / "data" / "plans"
HUAIJI = PLANS / "huaiji_2026.txt"
FOSHAN = PLANS / "foshan_2026_districts.txt"
OTHER_COUNTY = ("连州", "清远", "Lianzhou", "Qingyuan")


def _texts(folder: Path) -> dict[str, str]:
    """Every text an atlas holds: its text files, what is inside its workbooks, documents and QGIS project."""
    out = {}
    for p in sorted(folder.rglob("*")):
        if not p.is_file():
            continue
        if zipfile.is_zipfile(p):  # .xlsx, .docx, .qgz: the text is inside
            with zipfile.ZipFile(p) as z:
                out[str(p)] = "".join(z.read(n).decode("utf-8", errors="ignore") for n in z.namelist())
        else:
            out[str(p)] = p.read_bytes().decode("utf-8", errors="ignore")
    return out


def _assert_no_other_county(folder: Path) -> None:
    for path, text in _texts(folder).items():
        for word in OTHER_COUNTY:
            for form in (word, json.dumps(word)[1:-1], word.encode("unicode_escape").decode()):
                assert form not in text, f"{word} in {path}"


def test_the_check_sees_escaped_text(tmp_path):
    (tmp_path / "a.html").write_text('<script>var t = "\\u8fde\\u5dde";</script>', "utf-8")
    with pytest.raises(AssertionError, match="连州"):
        _assert_no_other_county(tmp_path)


@pytest.fixture(scope="module")
def xzq(tmp_path_factory) -> Path:
    return official_layer("441224", tmp_path_factory.mktemp("xzq"))


@pytest.fixture(scope="module")
def atlas_with_layer(tmp_path_factory, xzq):
    return build_atlas(HUAIJI, boundaries=xzq, out=tmp_path_factory.mktemp("hj") / "atlas", formats=("png", "svg"))


@pytest.fixture(scope="module")
def atlas_without_layer(tmp_path_factory):
    return build_atlas(HUAIJI, out=tmp_path_factory.mktemp("hj0") / "atlas", formats=("png", "svg"))


def test_official_layer_of_another_county(xzq):
    assert not xzq.with_suffix(".cpg").exists() and "Zone_38" in xzq.with_suffix(".prj").read_text()
    assert "怀城街道".encode("gbk") in xzq.with_suffix(".dbf").read_bytes()
    towns = load_townships(xzq)
    county = find_county("怀集县")
    assert list(towns["name"]) == county.townships  # GBK read without .cpg, names from the registry
    assert towns["code"].str.startswith("441224").all()
    prov = towns.attrs["provenance"]
    assert (prov["county_code"], prov["county_name"]) == ("441224", "怀集县")
    assert 3200 < towns["area_km2"].sum() < 3800


def test_a_layer_name_not_in_the_county_names_its_townships_only(tmp_path, xzq):
    import geopandas as gpd

    gdf = gpd.read_file(xzq, encoding="GBK")
    gdf.loc[0, "XZQMC"] = "怀北镇"  # not a township of 怀集县
    gdf.loc[0, "XZQDM"] = "441224999"
    bad = tmp_path / "bad.shp"
    gdf.to_file(bad, encoding="GBK")
    with pytest.raises(UnknownTownshipError) as err:
        load_townships(bad)
    assert "怀城街道" in str(err.value) and "连州镇" not in str(err.value)


def test_no_shipped_layer_for_another_county():
    with pytest.raises(BoundaryError, match=r"--boundaries XZQ\.shp"):
        load_townships(county="441224")


def test_plan_json_carries_the_county(capsys):
    assert main(["plan", str(HUAIJI), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["county"]["code"] == "441224" and data["county"]["name"] == "怀集县"
    assert data["county"]["prefecture"] == "肇庆市"
    text = json.dumps(data, ensure_ascii=False)
    assert "马宁镇" in text and "下帅壮族瑶族乡" in text  # normalised against the county's registry
    no_supply = {f["township"] for f in data["findings"] if f["kind"] == "no_supply"}
    assert no_supply == set(find_county("441224").townships) - {"怀城街道", "冷坑镇", "马宁镇", "梁村镇", "下帅壮族瑶族乡"}


def test_county_option_overrides_the_plan(capsys):
    assert main(["plan", str(HUAIJI), "--json", "--county", "佛山市高明区"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["county"]["code"] == "440608"
    unknown = [f for f in data["findings"] if f["kind"] == "unknown_township"]
    assert {f["township"] for f in unknown} >= {"怀城街道", "冷坑镇"}
    gaoming = set(find_county("440608").townships)
    for f in unknown:  # candidates from 高明区 only
        hint = f["message"].split("是否为")[1].rstrip("？）。") if "是否为" in f["message"] else ""
        assert set(hint.split("、")) <= gaoming


def test_ambiguous_county_is_one_line_with_candidates(capsys):
    assert main(["plan", str(HUAIJI), "--county", "鼓楼区"]) == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and "有重名" in err
    assert "南京市鼓楼区 (320106)" in err and "福州市鼓楼区 (350102)" in err


def test_atlas_with_the_official_layer_names_that_county(atlas_with_layer):
    res = atlas_with_layer
    files = {p.as_posix() for p in res.files}
    total, bars = file_stem(None, "total"), file_stem(None, "stacked-bars")
    assert {f"maps/{total}.png", f"maps/{total}.svg", f"maps/{bars}.png", "web_map.html", "index.html",
            "tables/allocations.xlsx"} <= files
    assert res.layer.attrs["provenance"]["county_code"] == "441224"
    assert len(res.layer) == len(find_county("441224").townships)
    report = res.report.read_text("utf-8")
    assert "怀集县" in report and "怀城街道" in report
    _assert_no_other_county(res.out_dir)


def test_locator_is_the_county_in_its_own_prefecture():
    from landgis.render.furniture import prefecture_layer
    from landgis.render.text import prefecture_name

    county = find_county("441224")
    pref = prefecture_layer(county, None)  # the county is the argument: no layer attrs, no default county
    assert set(pref["name"]) == set(find_county("肇庆市").townships)
    assert prefecture_name(county, "zh") == "肇庆市" and prefecture_name(county, "en") == "Zhaoqing"


def test_atlas_county_names_its_folder_and_qa_county_needs_its_plan(tmp_path, monkeypatch, capsys):
    """``atlas --county X`` without --out: the folder is X's, whatever the plan's title says;
    ``qa --county X`` without --plan: one line asking for X's plan (the seed plan is 连州市's)."""
    from landgis.atlas import default_out_dir
    from landgis.plan import parse_plan

    titled_lianzhou = tmp_path / "plan.txt"  # the title names another county than --county
    titled_lianzhou.write_text(HUAIJI.read_text("utf-8").replace("怀集县", "连州市"), encoding="utf-8")
    assert parse_plan(titled_lianzhou).county.name == "连州市"
    assert default_out_dir(parse_plan(titled_lianzhou), find_county("怀集县")).name == "huaiji-2026"
    monkeypatch.chdir(tmp_path)
    assert main(["atlas", str(titled_lianzhou), "--county", "怀集县", "--format", "png"]) == 0
    assert [p.name for p in (tmp_path / "maps").iterdir()] == ["huaiji-2026"]
    capsys.readouterr()
    parcels = tmp_path / "p.geojson"
    parcels.write_text('{"type": "FeatureCollection", "features": []}', encoding="utf-8")
    assert main(["qa", str(parcels), "--county", "怀集县", "--out", str(tmp_path / "qa")]) == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and "--plan" in err and "怀集县" in err and not (tmp_path / "qa").exists()


def test_qa_county_checks_in_that_countys_registry(tmp_path, capsys):
    """``qa --county 信宜市`` with a plan titled 连州市: 怀乡 is 信宜市's 怀乡镇 only by 信宜市's registry, so
    the parcels are booked against its quota; without --county (the plan's 连州市) the 信宜市 layer is
    refused in one line, never loaded as 连州市's with names that resolve nowhere."""
    import csv

    import geopandas as gpd
    import shapely

    xinyi = find_county("信宜市")
    shp = official_layer("信宜市", tmp_path / "layer")
    towns = load_townships(shp, county=xinyi)
    inside = towns.loc[towns["name"] == "怀乡镇", "geometry"].iloc[0].representative_point()
    parcels = gpd.GeoDataFrame({"地块编号": ["X0", "X1", "X2"], "乡镇": ["怀乡"] * 3, "用地类型": ["住宅用地"] * 3,
                                "面积": [1.0] * 3},
                               geometry=[shapely.Point(inside.x + i * 1e-4, inside.y) for i in range(3)], crs=4326)
    parcels.to_file(tmp_path / "p.gpkg")
    plan = tmp_path / "plan.txt"
    plan.write_text("连州市2026年度国有建设用地供应计划\n怀乡：住宅用地10公顷。", encoding="utf-8")
    common = ["qa", str(tmp_path / "p.gpkg"), "--plan", str(plan), "--boundaries", str(shp), "--no-map",
              "--area-unit", "公顷", "--lang", "en"]
    assert main([*common, "--county", "信宜市", "--out", str(tmp_path / "qa")]) == 0
    capsys.readouterr()
    with open(tmp_path / "qa" / "quota.csv", encoding="utf-8-sig") as f:
        rows = list(csv.reader(f))
    assert [r[:5] for r in rows[1:]] == [["怀乡镇", "住宅用地", "07", "10.0", "3.0"]]
    with open(tmp_path / "qa" / "findings.csv", encoding="utf-8-sig") as f:
        kinds = {r["kind"] for r in csv.DictReader(f)}
    assert kinds == {"quota not used up"}  # no unknown township, no township mismatch
    assert main([*common, "--out", str(tmp_path / "qa2")]) == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and "信宜市 (440983)" in err and "连州市 (441882)" in err and "--county 440983" in err
    assert not (tmp_path / "qa2").exists()
    from landgis.errors import InputError
    from landgis.qa import qa

    with pytest.raises(InputError, match=r"layer is of county 440983.*连州市 \(441882\)"):  # a layer in Python too
        qa(tmp_path / "p.gpkg", towns, plan, area_unit="公顷")


def test_atlas_without_a_layer_still_builds(atlas_without_layer):
    res = atlas_without_layer
    files = {p.as_posix() for p in res.files}
    outline, bars = OUTLINE_STEM[0], file_stem(None, "stacked-bars")
    assert {f"maps/{outline}.png", f"maps/{outline}.svg", f"maps/{bars}.png", "web_map.html",
            "index.html", "tables/allocations.csv", "tables/allocations.xlsx", "manifest.json"} <= files
    maps = {p for p in files if p.startswith("maps/")}
    assert {Path(p).stem for p in maps} == {outline, bars}  # no township map without townships
    report = res.report.read_text("utf-8")
    assert "--boundaries XZQ.shp" in report and "未提供怀集县的乡镇界线图层" in report
    assert [f.kind for f in res.findings].count("no_layer") == 1
    import pandas as pd

    table = pd.read_csv(res.out_dir / "tables" / "allocations.csv", encoding="utf-8-sig", dtype={"代码": str})
    assert table["合计（公顷）"].sum() == pytest.approx(86.5) and len(table) == len(find_county("441224").townships)
    manifest = json.loads((res.out_dir / "manifest.json").read_text("utf-8"))
    assert [i for i in manifest["inputs"] if i["role"] == "boundaries"][0]["path"] is None
    assert [i["path"] for i in manifest["inputs"] if i["role"] == "plan"] == [str(HUAIJI)]  # a user's plan: its path
    assert "报告.docx" in files and "未提供怀集县的乡镇界线图层" in _texts(res.out_dir)[str(res.out_dir / "报告.docx")]
    _assert_no_other_county(res.out_dir)


def test_cli_atlas_without_a_layer_says_which_layer_to_give(tmp_path, capsys):
    assert main(["atlas", str(HUAIJI), "--out", str(tmp_path / "a"), "--format", "png"]) == 0
    out = capsys.readouterr().out
    assert sum("--boundaries XZQ.shp" in line for line in out.splitlines()) == 1


def test_district_plan_of_a_city(tmp_path):
    qx = district_layer("佛山市", tmp_path / "qx")
    res = build_atlas(FOSHAN, boundaries=qx, out=tmp_path / "fs", formats=("png",))
    assert list(res.layer["name"]) == ["禅城区", "南海区", "顺德区", "三水区", "高明区"]
    assert res.layer["total"].sum() == pytest.approx(1200)
    assert res.layer.attrs["provenance"]["county_code"] == "440600"
    assert [f.kind for f in res.findings] == []
    _assert_no_other_county(res.out_dir)


def test_map_and_web_without_a_layer_draw_the_outline(tmp_path, capsys):
    assert main(["map", str(HUAIJI), "--out", str(tmp_path / "m"), "--format", "png", "--dpi", "60"]) == 0
    captured = capsys.readouterr()
    assert "--boundaries XZQ.shp" in captured.err
    assert {p.name for p in (tmp_path / "m").iterdir()} == {f"{OUTLINE_STEM[0]}.png", f"{file_stem(None, 'stacked-bars')}.png"}
    assert main(["web", str(HUAIJI), "--out", str(tmp_path / "w.html")]) == 0
    html = (tmp_path / "w.html").read_text("utf-8")
    escaped = json.dumps("怀集县")[1:-1]  # the map's data is JSON in a script
    assert escaped in html and json.dumps("连州")[1:-1] not in html and "连州" not in html


def test_the_layer_line_names_what_the_plan_covers():
    from landgis.county import find_county
    from landgis.render.outline import no_layer_line

    county, city = find_county("怀集县"), find_county("佛山市")
    assert "提供本县三调乡镇界线" in no_layer_line(county)
    assert no_layer_line(city).startswith("未提供佛山市的区县界线图层") and "本县" not in no_layer_line(city)
    scope = no_layer_line(find_county("无锡市"), scope="市区")
    assert scope.startswith("本计划的范围是无锡市区，不是一个县") and "提供无锡市区的区界" in scope
    assert no_layer_line(city, "en").startswith("No district layer was given for Foshan")
    assert "covers part of" in no_layer_line(city, "en", scope="各区")
