"""Area units of land supply plans: 公顷 (ha), 亩 (mu) and 平方米 (m²), converted exactly.

1 公顷 = 15 亩 = 10,000 平方米. Conversions work on :class:`decimal.Decimal`; a conversion from 亩 to
公顷 divides by 15 and so is exact to the 28 significant digits of the decimal context, which
:func:`format_decimal` rounds away (to 7 decimal places) when printing.

>>> from decimal import Decimal
>>> to_unit(Decimal("1.5"), "mu")
Decimal('22.5')
>>> to_hectares(Decimal("3256.80"), "亩")
Decimal('217.12')
"""

from __future__ import annotations

from decimal import Decimal, localcontext

from landgis.errors import InputError

__all__ = ["UNITS", "UNIT_LABELS", "unit_key", "unit_label", "to_hectares", "to_unit", "format_decimal"]

#: Hectares per one of each unit.
UNITS: dict[str, Decimal] = {
    "ha": Decimal(1),
    "mu": Decimal(1) / Decimal(15),
    "m2": Decimal("0.0001"),
    "10k_m2": Decimal(1),  # 万平方米
    "km2": Decimal(100),  # 平方公里
}

#: Chinese label of each unit, as plans write it.
UNIT_LABELS: dict[str, str] = {"ha": "公顷", "mu": "亩", "m2": "平方米", "10k_m2": "万平方米", "km2": "平方公里"}

_ALIASES: dict[str, str] = {
    "ha": "ha", "hectare": "ha", "hectares": "ha", "公顷": "ha", "hm2": "ha", "hm²": "ha",
    "mu": "mu", "亩": "mu",
    "m2": "m2", "m²": "m2", "㎡": "m2", "平方米": "m2", "平米": "m2", "sqm": "m2",
    "万平方米": "10k_m2", "万平米": "10k_m2", "万m2": "10k_m2", "万㎡": "10k_m2",
    "km2": "km2", "km²": "km2", "平方公里": "km2", "平方千米": "km2",
}


def unit_key(unit: str) -> str:
    """The key (``ha``, ``mu``, ``m2`` …) of a unit given by key, English or Chinese name.

    Raises
    ------
    InputError
        For a unit that is not an area unit landgis knows.
    """
    key = _ALIASES.get(str(unit).strip().lower()) or _ALIASES.get(str(unit).strip())
    if key is None:
        raise InputError(f"unknown area unit {unit!r}; expected one of ha/公顷, mu/亩, m2/平方米")
    return key


def unit_label(unit: str) -> str:
    """Chinese label of a unit: ``unit_label("mu") == "亩"``."""
    return UNIT_LABELS[unit_key(unit)]


def to_hectares(value: Decimal | int | str, unit: str) -> Decimal:
    """Convert a figure in ``unit`` to hectares, exactly (亩 to 28 significant digits)."""
    value = Decimal(value)
    key = unit_key(unit)
    with localcontext() as ctx:
        ctx.prec = 28
        if key == "mu":
            return value / Decimal(15)
        return value * UNITS[key]


def to_unit(hectares: Decimal | int | str | float, unit: str) -> Decimal:
    """Convert hectares to ``unit`` (``ha``/``公顷``, ``mu``/``亩``, ``m2``/``平方米`` …).

    Parameters
    ----------
    hectares : Decimal, int, str or float
        Area in hectares; a float is converted through its shortest repr, not its binary value.
    unit : str

    Returns
    -------
    Decimal
    """
    if isinstance(hectares, float):
        hectares = repr(hectares)
    value = Decimal(hectares)
    key = unit_key(unit)
    with localcontext() as ctx:
        ctx.prec = 28
        if key == "mu":
            return value * 15
        return value / UNITS[key]


def format_decimal(value: Decimal, places: int = 7, grouping: bool = False) -> str:
    """A Decimal as plain text without exponent or trailing zeros.

    Figures with more than ten decimal places are results of a division (亩 → 公顷) and are rounded
    to ``places``; figures as printed in a plan are shown exactly.
    """
    value = Decimal(value)
    if value.is_nan() or value.is_infinite():
        return str(value)
    exp = value.as_tuple().exponent
    if isinstance(exp, int) and exp < -10:
        value = value.quantize(Decimal(1).scaleb(-places))
    if value == value.to_integral_value():
        value = value.quantize(Decimal(1))
    else:
        value = value.normalize()
    text = format(value, ",f" if grouping else "f")
    return "0" if text in ("-0", "-0.0") else text
