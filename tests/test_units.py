"""Area units: exact conversions between 公顷, 亩 and 平方米."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from landgis.errors import InputError
from landgis.units import (
    PRECISION,
    display_unit,
    factor,
    format_area,
    format_decimal,
    format_density,
    to_hectares,
    to_unit,
    unit_key,
    unit_label,
)


@pytest.mark.parametrize("unit, key", [("ha", "ha"), ("公顷", "ha"), ("亩", "mu"), ("MU", "mu"), ("平方米", "m2"),
                                       ("㎡", "m2"), ("m²", "m2"), ("万平方米", "10k_m2")])
def test_unit_names(unit, key):
    assert unit_key(unit) == key


def test_unknown_unit():
    with pytest.raises(InputError, match="ha/公顷"):
        unit_key("acre")


def test_exact_conversions():
    assert to_unit(D("0.1388"), "mu") == D("2.0820")
    assert to_unit(D("0.1388"), "平方米") == D("1388")
    assert to_unit(0.1388, "ha") == D("0.1388")  # a float goes through its shortest repr
    assert to_hectares(D("3256.80"), "亩") == D("217.12")
    assert to_hectares("350000", "m2") == D(35)
    assert to_unit(to_hectares(D("376.15"), "亩"), "mu").quantize(D("0.01")) == D("376.15")
    assert unit_label("m2") == "平方米"


@pytest.mark.parametrize("value, text", [
    (D("1.292520"), "1.29252"), (D("158.1793169"), "158.1793169"), (D("100.00"), "100"),
    (D("376.15") / 15, "25.0766667"), (D("-0.0000001"), "-0.0000001"), (D("2E+1"), "20"),
])
def test_format_decimal(value, text):
    assert format_decimal(value) == text


@pytest.mark.parametrize("hectares, unit, where, text", [
    (D("158.1793169"), "ha", "map", "158.18 公顷"),
    (D("158.1793169"), "ha", "table", "158.1793 公顷"),
    (D("158.1793169"), "亩", "map", "2,372.7 亩"),
    (D("158.1793169"), "mu", "table", "2,372.69 亩"),
    (D("158.1793169"), "m2", "map", "1,581,793 平方米"),
    (0.1388, "ha", "map", "0.14 公顷"),
    (D("-0.0000001"), "ha", "map", "0.00 公顷"),  # never "-0.00"
    (None, "ha", "map", "–"),
])
def test_one_display_rule_per_unit(hectares, unit, where, text):
    assert format_area(hectares, unit, where=where) == text


def test_display_rule_is_stated_once_and_in_english_too():
    assert PRECISION == {"ha": {"map": 2, "table": 4}, "mu": {"map": 1, "table": 2}, "m2": {"map": 0, "table": 0}}
    assert format_area(23.011857, "mu", lang="en") == "345.2 mu"
    assert format_area(23.011857, "mu", label=False) == "345.2"
    assert format_density(62.376199 / 191.03) == "0.3265 公顷/平方公里"
    assert format_density(0.1, lang="en") == "0.1000 ha/km²"
    assert factor("ha") == 1 and factor("mu") == 15 and factor("平方米") == 10_000


def test_only_area_units_can_be_displayed():
    assert display_unit("公顷") == "ha"
    with pytest.raises(InputError, match="unit must be"):
        display_unit("km2")
    with pytest.raises(InputError, match="unit must be"):
        format_area(1, "acre")
