"""Township names: normalisation, the Lianzhou registry, matching with suggestions."""

from __future__ import annotations

import pytest

from landgis.errors import LandgisError
from landgis.names import UnknownTownshipError, core_name, match_names, normalise_name, township_aliases
from landgis.county import registry


@pytest.mark.parametrize("raw, norm", [
    (" 連州鎮 ", "连州镇"), ("东城街道办事处", "东城街道"), ("瑶安瑶族乡人民政府", "瑶安瑶族乡"),
    ("大路边　镇", "大路边镇"), ("（三水瑶族乡）", "三水瑶族乡"),
])
def test_normalise(raw, norm):
    assert normalise_name(raw) == norm


@pytest.mark.parametrize("raw, core", [
    ("瑶安瑶族乡", "瑶安"), ("东城街道", "东城"), ("连州镇", "连州"), ("韶关高新区", "韶关"),
    ("马头工业园区", "马头"), ("江谷镇", "江谷"),
])
def test_core_name(raw, core):
    assert core_name(raw) == core


def test_registry_lianzhou():
    reg = registry("441882")
    assert len(reg.names) == 12 and reg.county_name == "连州市"
    assert reg.names[0] == "连州镇" and "丰阳镇" in reg.names
    assert (reg.table["type"] == "镇").sum() == 10 and (reg.table["type"] == "瑶族乡").sum() == 2
    assert reg.canonical("瑶安乡") == "瑶安瑶族乡" and reg.canonical("連州") == "连州镇"
    assert reg.code_of("三水") == "441882201"
    with pytest.raises(UnknownTownshipError, match="丰阳镇"):
        reg.canonical("丰羊镇")


def test_registry_needs_a_county():
    """No default county: registry() without a code is refused, an unknown code is a KeyError."""
    with pytest.raises(LandgisError, match="needs the county"):
        registry(None)
    with pytest.raises(KeyError):
        registry("999999")
    assert registry("441224").county_name == "怀集县"


@pytest.mark.parametrize("code, name, alias, kind", [
    ("441224", "冷坑镇", "冷坑", "镇"),
    ("441224", "下帅壮族瑶族乡", "下帅乡", "壮族瑶族乡"),
    ("440106", "石牌街道", "石牌", "街道"),
    ("152502", "宝力根苏木", "宝力根", "苏木"),
])
def test_registry_of_any_county(code, name, alias, kind):
    reg = registry(code)
    assert name in reg.names
    assert reg.canonical(alias) == name
    assert reg.table.set_index("name").loc[name, "type"] == kind
    assert reg.code_of(name).startswith(code) and len(reg.code_of(name)) == 9


def test_registry_of_a_city_has_its_districts():
    reg = registry("440600")
    assert reg.names == ["禅城区", "南海区", "顺德区", "三水区", "高明区"]
    assert reg.canonical("高明") == "高明区"


def test_unknown_township_suggests_only_the_county():
    with pytest.raises(UnknownTownshipError) as err:
        registry("441224").canonical("冷水镇")
    msg = str(err.value)
    assert "冷坑镇" in msg and "连州镇" not in msg


@pytest.mark.parametrize("name, aliases", [
    ("瑶安瑶族乡", ("瑶安乡", "瑶安")), ("冷坑镇", ("冷坑",)), ("东城街道", ("东城",)), ("三江蒙古族满族乡", ("三江乡", "三江")),
])
def test_township_aliases(name, aliases):
    assert township_aliases(name) == aliases


def test_match_names_and_suggestions():
    reg = registry("441882")
    got = match_names(["连州", "瑶安乡", "西岸镇", "三水民族乡"], reg.names)
    assert got == {"连州": "连州镇", "瑶安乡": "瑶安瑶族乡", "西岸镇": "西岸镇", "三水民族乡": "三水瑶族乡"}
    with pytest.raises(UnknownTownshipError) as err:
        match_names(["西湾镇"], reg.names)
    assert "did you mean" in str(err.value) and "西岸镇" in str(err.value)
    assert isinstance(err.value, LandgisError)
