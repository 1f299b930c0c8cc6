"""The land-use category registry: names, aliases, systems, codes and colours."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from landgis.categories import CATEGORIES, GB, GUIDE, category_names, find_category, lookup


@pytest.mark.parametrize("alias, name, code", [
    ("商服用地", "商服用地", "05"), ("商业用地", "商服用地", "05"), ("工矿仓储用地", "工矿仓储用地", "06"),
    ("工业仓储用地", "工矿仓储用地", "06"), ("住宅用地", "住宅用地", "07"), ("住宅", "住宅用地", "07"),
    ("公共管理和公共服务用地", "公共管理与公共服务用地", "08"), ("市政公用设施用地", "公用设施用地", "0809"),
    ("公园绿地", "公园与绿地", "0810"), ("交通用地", "交通运输用地", "10"),
    ("水域和水利设施用地", "水域及水利设施用地", "11"),
])
def test_gb_aliases(alias, name, code):
    cat = lookup(alias, GB)
    assert (cat.name, cat.code, cat.system) == (name, code, GB)


@pytest.mark.parametrize("name, code", [
    ("居住用地", "07"), ("商业服务业用地", "09"), ("工矿用地", "10"), ("工业用地", "1001"), ("仓储用地", "11"),
    ("交通运输用地", "12"), ("公用设施用地", "13"), ("绿地与开敞空间用地", "14"), ("商业用地", "0901"),
    ("教育用地", "0804"), ("城镇住宅用地", "0701"),
])
def test_guide_names(name, code):
    cat = lookup(name, GUIDE)
    assert (cat.code, cat.system) == (code, GUIDE)


def test_full_width_and_spaces_fold():
    assert lookup("住 宅 用 地").name == "住宅用地"
    assert lookup("公共管理和公共服务用地").name == "公共管理与公共服务用地"


def test_system_preference_and_default():
    assert lookup("交通运输用地").code == "10"  # GB first, as before second-level classes were added
    assert lookup("交通运输用地", GUIDE).code == "12"
    assert lookup("工业用地").code == "1001" and lookup("工业用地", GB).code == "0601"
    assert lookup("住宅用地", GUIDE).system == GB  # only GB has it: the GB class is returned


def test_unknown_and_find_category():
    assert lookup("文旅融合用地") is None
    with pytest.raises(KeyError, match="did you mean"):
        find_category("住宅用")


def test_registry_is_consistent():
    assert not [k for k, n in Counter((c.name, c.system) for c in CATEGORIES).items() if n > 1]
    for cat in CATEGORIES:
        assert re.fullmatch(r"#[0-9A-F]{6}", cat.colour), cat
        assert re.fullmatch(r"\d{2}(\d{2})?", cat.code), cat
        assert cat.system in (GB, GUIDE) and cat.name_en
    names = category_names()
    assert names == sorted(names, key=len, reverse=True)


@pytest.mark.parametrize("name, colour", [
    ("居住用地", "#FFFF2D"), ("商业服务业用地", "#FF0000"), ("工矿用地", "#BB9674"), ("仓储用地", "#8761D3"),
    ("公用设施用地", "#006380"), ("绿地与开敞空间用地", "#00FF00"), ("公共管理与公共服务用地", "#FF00FF"),
    ("交通运输用地", "#B7B7B7"), ("城镇道路用地", "#A3A3A3"), ("特殊用地", "#859156"), ("科研用地", "#E6005C"),
    ("教育用地", "#FF85C9"), ("防护绿地", "#148D4A"), ("陆地水域", "#338EC0"), ("留白用地", "#FFFFFF"),
])
def test_standard_colours(name, colour):
    assert lookup(name, GUIDE).colour == colour


def test_gb_classes_borrow_guide_colours():
    pairs = [("住宅用地", "居住用地"), ("商服用地", "商业服务业用地"), ("工矿仓储用地", "工矿用地"),
             ("公用设施用地", "公用设施用地"), ("公园与绿地", "绿地与开敞空间用地")]
    for gb, guide in pairs:
        assert lookup(gb, GB).colour == lookup(guide, GUIDE).colour


def test_short_names():
    assert lookup("工矿仓储用地").short == "工矿仓储"
    assert lookup("公园与绿地").short == "公园与绿地"
