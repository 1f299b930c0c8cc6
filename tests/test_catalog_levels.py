"""A county's level words (全县/全市/全区/全旗, 镇（乡）/乡镇（街道）/区（县）) come from the catalogue
(landgis/catalog/levels.py), chosen by the county's level, in both languages; no writer replaces text."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import landgis
from landgis.catalog import CATALOG, level_words, table, text
from landgis.county import find_county
from landgis.figures import Figures
from landgis.render import interactive, report, word_report
from landgis.render.text import county_words, texts_for

SEED, COUNTY, DISTRICT, CITY = "连州市", "怀集县", "高明区", "佛山市"


@pytest.mark.parametrize("name, lang, whole, units, supplied, mean", [
    (SEED, "zh", "全市", "镇（乡）", "3 个镇（乡）有供应", "全市平均 1 公顷"),
    (SEED, "en", "County", "townships", "3 townships with supply", "County mean 1 公顷"),
    (COUNTY, "zh", "全县", "乡镇（街道）", "3 个乡镇（街道）有供应", "全县平均 1 公顷"),
    (COUNTY, "en", "County", "townships and subdistricts", "3 townships with supply", "County mean 1 公顷"),
    (DISTRICT, "zh", "全区", "镇（街道）", "3 个镇（街道）有供应", "全区平均 1 公顷"),
    (DISTRICT, "en", "District", "towns and subdistricts", "3 townships with supply", "District mean 1 公顷"),
    (CITY, "zh", "全市", "区（县）", "3 个区（县）有供应", "全市平均 1 公顷"),
    (CITY, "en", "City", "districts", "3 districts with supply", "City mean 1 公顷"),
])
def test_sheet_words_by_the_county_level(name, lang, whole, units, supplied, mean):
    county = find_county(name)
    assert county_words(county, lang) == {"whole": whole, "whole_lower": whole.lower(), "units": units}
    t = texts_for(county, lang)
    assert t["supplied"].format(n=3) == supplied and t["summary_density"].format(v=1, u="公顷") == mean
    assert "{" not in t["subtitle_cat"] + t["sm_names"] and "{title}" in t["bars_title"]  # the rest kept for later


def test_the_seed_sheets_say_what_they_said():
    zh, en = texts_for(find_county(SEED), "zh"), texts_for(find_county(SEED), "en")
    assert (zh["subtitle_cat"], zh["sm_names"], zh["bars_title"]) == (
        "各镇（乡）计划供应面积", "镇（乡）名称", "{title}：各镇（乡）分类供应面积")
    assert zh["subtitle_density"] == "各镇（乡）每平方公里辖区面积的计划供应面积（公顷/平方公里）"
    assert (en["subtitle_cat"], en["sm_names"]) == ("Planned supply by township", "Townships")


@pytest.mark.parametrize("name, zh, en", [
    (SEED, ("全市供应总量（计划）", "全市（计划）", "占全市比例"), ("County total (plan)", "County (plan)", "Share of county")),
    (COUNTY, ("全县供应总量（计划）", "全县（计划）", "占全县比例"), ("County total (plan)", "County (plan)", "Share of county")),
    (DISTRICT, ("全区供应总量（计划）", "全区（计划）", "占全区比例"),
     ("District total (plan)", "District (plan)", "Share of district")),
])
def test_report_and_web_words_by_the_county_level(name, zh, en):
    county = find_county(name)
    for lang, said in (("zh", zh), ("en", en)):
        t = report._words(lang, "township", county)
        assert (t["total"], t["stated"], t["share"]) == said
        assert interactive._words(lang, county)["share"] == said[2]


@pytest.mark.parametrize("name, lang, towns, county_row, top", [
    (SEED, "zh", "全市5个镇（乡）中有3个安排供地。", "全市（计划数）", "供应量居前的镇（乡）依次为甲。"),
    (COUNTY, "zh", "全县5个乡镇（街道）中有3个安排供地。", "全县（计划数）", "供应量居前的乡镇（街道）依次为甲。"),
    (DISTRICT, "zh", "全区5个镇（街道）中有3个安排供地。", "全区（计划数）", "供应量居前的镇（街道）依次为甲。"),
    (COUNTY, "en", " 3 of the county's 5 townships receive land.", "County (stated)", " The largest allocations are 甲."),
    (DISTRICT, "en", " 3 of the district's 5 townships receive land.", "District (stated)",
     " The largest allocations are 甲."),
])
def test_word_report_words_by_the_county_level(name, lang, towns, county_row, top):
    t = word_report._words(lang, "township", find_county(name))
    assert t["towns"].format(of=5, n=3, none="") == towns and t["county"] == county_row
    assert t["top"].format(items="甲") == top and t["county_short"] == county_row.split("（")[0].split(" (")[0]


@pytest.mark.parametrize("name, lang, stated, placed", [
    (SEED, "zh", "全市计划 9 公顷", "乡镇合计 8 公顷，落到 3 个镇（乡）"),
    (COUNTY, "zh", "全县计划 9 公顷", "乡镇合计 8 公顷，落到 3 个乡镇（街道）"),
    (DISTRICT, "en", "District (stated) 9 公顷", "Townships add up to 8 公顷 in 3 townships"),
])
def test_qgis_summary_words_by_the_county_level(name, lang, stated, placed):
    t = table("qgis", lang, level=find_county(name).level_words(lang))
    assert t["stated"].format(v=9, u="公顷") == stated and t["placed"].format(v=8, u="公顷", n=3) == placed


@pytest.mark.parametrize("name, zh, en", [(SEED, "全市", "County"), (COUNTY, "全县", "County"),
                                          (DISTRICT, "全区", "District"), ("鄂托克旗", "全旗", "Banner"),
                                          (CITY, "全市", "City"), ("锡林郭勒盟", "全盟", "League")])
def test_the_figures_whole_word_is_the_catalogue_s(name, zh, en):
    county = find_county(name)
    for lang, said in (("zh", zh), ("en", en)):
        figs = Figures(county=county, unit="ha", lang=lang, categories=(), columns={}, townships={},
                       area_km2=None)
        assert figs.whole == said == text(f"level.whole.{county.whole_key}", lang)


def test_level_entries_cover_every_key_a_county_may_have():
    wholes = {k.rsplit(".", 1)[1] for k in CATALOG if k.startswith("level.whole.")}
    units = {k.rsplit(".", 1)[1] for k in CATALOG if k.startswith("level.units.")}
    assert wholes == {"county", "county_city", "district", "banner", "city", "prefecture", "league", "region"}
    assert units == {"town", "town_township", "town_street", "township_street", "district"}
    assert level_words("banner", "town", "en") == {"whole": "Banner", "whole_lower": "banner", "units": "towns"}


def test_no_writer_swaps_level_words_by_replacing_text():
    root = Path(landgis.__file__).parent
    swapped = [f"{p.relative_to(root)}:{n}" for p in root.rglob("*.py") if "catalog" not in p.parts
               for n, line in enumerate(p.read_text("utf-8").splitlines(), 1)
               if re.search(r"""\.replace\(\s*["'](全市|全县|镇（乡）|乡镇)""", line)]
    assert swapped == []
