"""Area units: exact conversions between 公顷, 亩 and 平方米."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from landgis.errors import InputError
from landgis.units import format_decimal, to_hectares, to_unit, unit_key, unit_label


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
