"""The county as data: finding it by name, code or plan text; its townships and outlines."""

from __future__ import annotations

import pytest

from landgis.county import County, county_from_text, county_of_plan_text, find_county, resolve_county, shipped_county_codes
from landgis.errors import InputError


@pytest.mark.parametrize("query, code", [
    ("441224", "441224"), ("怀集县", "441224"), ("怀集", "441224"), ("肇庆市怀集县", "441224"),
    ("广东省肇庆市怀集县", "441224"), ("佛山市高明区", "440608"),
    ("佛山市", "440600"), ("440600", "440600"), ("南京市鼓楼区", "320106"),
    ("肇慶市懷集縣", "441224"), ("懷集縣", "441224"), ("懷集", "441224"), ("廣東省肇慶市懷集縣", "441224"),
    ("連州市", "441882"), ("佛山市高明區", "440608"), ("乾县", "610424"), ("乾安县", "220723"),
    ("城口县", "500229"),
])
def test_find_county(query, code):
    assert find_county(query).code == code


def test_ambiguous_name_lists_candidates_with_prefectures():
    with pytest.raises(InputError) as err:
        find_county("鼓楼区")
    msg = str(err.value)
    for where in ("南京市鼓楼区 (320106)", "徐州市鼓楼区", "福州市鼓楼区", "开封市鼓楼区"):
        assert where in msg
    assert "\n" not in msg


@pytest.mark.parametrize("query, words", [
    ("县", ["level of division", "怀集县"]), ("市", ["level of division"]), ("區", ["level of division"]),
    ("自治县", ["level of division"]), ("重庆市县", ["level of division"]),
    ("4418", ["清远市's prefecture code", "441800", "441882 广东省清远市连州市"]),
    ("4406", ["佛山市's prefecture code", "440608 广东省佛山市高明区"]),
    ("441224100", ["township or village code", "441224 广东省肇庆市怀集县"]),
    ("500200", ["no county-level division code", "500229 重庆市城口县"]),
])
def test_level_words_and_codes_of_other_levels_are_refused_with_candidates(query, words):
    with pytest.raises(InputError) as err:
        find_county(query)
    msg = str(err.value)
    assert "\n" not in msg and msg.startswith(f"county {query!r}")
    for word in words:
        assert word in msg


def test_county_option_refuses_a_level_word_in_one_line():
    import subprocess
    import sys

    for query in ("县", "4418"):
        proc = subprocess.run([sys.executable, "-m", "landgis.cli", "plan", "--county", query], capture_output=True,
                              text=True, stdin=subprocess.DEVNULL, timeout=120)
        assert proc.returncode == 2 and len(proc.stderr.strip().splitlines()) == 1, proc.stderr
        assert f"county {query!r}" in proc.stderr and "Traceback" not in proc.stderr
    proc = subprocess.run([sys.executable, "-m", "landgis.cli", "plan", "--county", "肇慶市懷集縣", "--json"],
                          capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert '"441224"' in proc.stdout


def test_unknown_name():
    with pytest.raises(InputError, match="no county-level division"):
        find_county("不存在县")


@pytest.mark.parametrize("text, code", [
    ("怀集县2026年度国有建设用地供应计划", "441224"),
    ("关于印发《肇庆市怀集县2026年度土地供应计划》的通知", "441224"),
    ("佛山市高明区2026年度国有建设用地供应计划\n中心城区……", "440608"),
    ("佛山市2026年度国有建设用地供应计划\n禅城区：10公顷", "440600"),
    ("鼓楼区2026年度土地供应计划\n南京市鼓楼区人民政府", "320106"),
])
def test_county_from_text(text, code):
    assert county_from_text(text).code == code


def test_county_from_text_ambiguous_and_absent():
    with pytest.raises(InputError, match="ambiguous"):
        county_from_text("鼓楼区2026年度土地供应计划")
    assert county_from_text("2026年度土地供应计划\n中心城区、郊区、矿区") is None


def test_the_shipped_layer_is_lianzhou_s():
    assert shipped_county_codes() == ["441882"]
    c = find_county("441882")
    layer = c.shipped_layer()
    assert layer is not None and layer.attrs["provenance"]["county_code"] == c.code
    assert len(layer) == len(c.townships)
    assert find_county("441224").shipped_layer() is None


def test_outlines_for_the_locator():
    c = find_county("怀集县")
    out = c.outline()
    assert list(out.columns) == ["code", "name", "name_en", "area_km2", "geometry"]
    assert 3200 < out["area_km2"].iloc[0] < 3800  # 怀集县: 3,573 km²
    pref = c.prefecture_outline()
    assert set(pref["name"]) == set(find_county("肇庆市").townships)
    assert pref.union_all().contains(out.geometry.iloc[0].representative_point())


def test_a_city_and_its_districts():
    city = find_county("佛山市")
    assert city.level == "prefecture" and city.units_word == "区（县）" and city.whole_word == "全市"
    assert city.townships == ["禅城区", "南海区", "顺德区", "三水区", "高明区"]
    assert "佛山市" in set(city.prefecture_outline()["name"])


def test_county_of_plan_text_has_no_default():
    assert county_of_plan_text("怀集县2026年度国有建设用地供应计划").code == "441224"
    assert county_of_plan_text("2026年度土地供应计划") is None  # no silent fallback to the shipped county
    assert county_of_plan_text("2026年度土地供应计划", place="阳山县").code == "441823"
    with pytest.raises(InputError, match="ambiguous"):
        county_of_plan_text("鼓楼区2026年度土地供应计划")
    assert county_of_plan_text("鼓楼区2026年度土地供应计划", strict=False) is None


def test_a_step_without_a_county_says_so():
    with pytest.raises(InputError, match="the map needs the county: give --county"):
        resolve_county(None, what="the map")
    assert isinstance(resolve_county("441224", what="the map"), County)


@pytest.mark.parametrize("query, whole, units", [
    ("441224", "全县", "乡镇（街道）"), ("440608", "全区", "镇（街道）"), ("441823", "全县", "镇（乡）"),
])
def test_words_for_maps(query, whole, units):
    c = find_county(query)
    assert (c.whole_word, c.units_word) == (whole, units)


def test_lianzhou_words_are_unchanged():
    c = find_county("连州市")
    assert (c.whole_word, c.units_word) == ("全市", "镇（乡）")


def test_a_citys_outline_has_no_slivers_between_its_counties():
    """The union of simplified county outlines leaves thin gaps; they would print as dashes inside the city."""
    import shapely

    from landgis.county import find_county

    outline = find_county("成都市").outline().geometry.iloc[0]
    assert sum(len(p.interiors) for p in shapely.get_parts(outline)) == 0
    assert outline.area == pytest.approx(1.35, rel=0.02)  # degrees²: the whole city, nothing lost
