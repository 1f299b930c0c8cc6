"""Township names: normalisation, the Lianzhou registry, matching with suggestions."""

from __future__ import annotations

import pytest

from landgis.errors import LandgisError
from landgis.names import (
    UnknownTownshipError, core_name, match_names, normalise_name, registry, registry_for_place,
)


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


def test_registry_for_place():
    assert registry_for_place("连州市").county_code == "441882"
    assert registry_for_place("连州").county_code == "441882"
    assert registry_for_place("441882").county_name == "连州市"
    assert registry_for_place("阳山县") is None and registry_for_place(None) is None
    with pytest.raises(KeyError):
        registry("999999")


def test_match_names_and_suggestions():
    reg = registry()
    got = match_names(["连州", "瑶安乡", "西岸镇", "三水民族乡"], reg.names)
    assert got == {"连州": "连州镇", "瑶安乡": "瑶安瑶族乡", "西岸镇": "西岸镇", "三水民族乡": "三水瑶族乡"}
    with pytest.raises(UnknownTownshipError) as err:
        match_names(["西湾镇"], reg.names)
    assert "did you mean" in str(err.value) and "西岸镇" in str(err.value)
    assert isinstance(err.value, LandgisError)
