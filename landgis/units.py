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

from landgis.catalog import LANGS, table, text, message
from landgis.errors import InputError

__all__ = [
    "UNITS",
    "UNIT_LABELS",
    "DISPLAY_UNITS",
    "PRECISION",
    "DENSITY_LABEL",
    "unit_key",
    "unit_label",
    "display_unit",
    "factor",
    "to_hectares",
    "to_unit",
    "format_decimal",
    "format_number",
    "format_area",
    "format_density",
]

#: Hectares per one of each unit.
UNITS: dict[str, Decimal] = {
    "ha": Decimal(1),
    "mu": Decimal(1) / Decimal(15),
    "m2": Decimal("0.0001"),
    "10k_m2": Decimal(1),  # 万平方米
    "km2": Decimal(100),  # 平方公里
    "10k_ha": Decimal(10000),  # 万公顷 (national and provincial plans)
    "10k_mu": Decimal(10000) / Decimal(15),  # 万亩
}

#: Chinese label of each unit, as plans write it.
UNIT_LABELS: dict[str, str] = table("unit", "zh")

#: English label of each unit.
UNIT_LABELS_EN: dict[str, str] = table("unit", "en")

#: The units outputs are drawn and tabled in (``--unit``).
DISPLAY_UNITS: tuple[str, ...] = ("ha", "mu", "m2")

#: The one display rule: decimals of a figure in each unit, on maps (labels, legends, cards, tooltips,
#: popups, sentences) and in tables (report tables). Exact figures stay in the XLSX and JSON outputs.
PRECISION: dict[str, dict[str, int]] = {
    "ha": {"map": 2, "table": 4},
    "mu": {"map": 1, "table": 2},
    "m2": {"map": 0, "table": 0},
}

#: Density is always hectares per square kilometre of township area, written the same way everywhere.
DENSITY_LABEL: dict[str, str] = {lang: text("density.unit", lang) for lang in LANGS}
DENSITY_DECIMALS = 4

_ALIASES: dict[str, str] = {
    "ha": "ha", "hectare": "ha", "hectares": "ha", "公顷": "ha", "hm2": "ha", "hm²": "ha",
    "mu": "mu", "亩": "mu",
    "m2": "m2", "m²": "m2", "㎡": "m2", "平方米": "m2", "平米": "m2", "sqm": "m2",
    "万平方米": "10k_m2", "万平米": "10k_m2", "万m2": "10k_m2", "万㎡": "10k_m2",
    "km2": "km2", "km²": "km2", "平方公里": "km2", "平方千米": "km2",
    "公頃": "ha", "畝": "mu", "万公顷": "10k_ha", "万公頃": "10k_ha", "萬公頃": "10k_ha", "万亩": "10k_mu", "万畝": "10k_mu",
    "萬畝": "10k_mu", "萬平方米": "10k_m2",
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
        raise InputError(message("unknown area unit {unit!r}; expected one of ha/公顷, mu/亩, m2/平方米", unit=unit))
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


def display_unit(unit: str) -> str:
    """The key of a unit outputs can be shown in (``ha``, ``mu`` or ``m2``).

    Raises
    ------
    InputError
        For any other unit.

    Examples
    --------
    >>> display_unit("亩")
    'mu'
    """
    try:
        key = unit_key(unit)
    except InputError:
        key = None
    if key not in DISPLAY_UNITS:
        raise InputError(message("unit must be 'ha' (公顷), 'mu' (亩) or 'm2' (平方米), not {unit!r}", unit=unit))
    return key


def factor(unit: str) -> float:
    """How many of ``unit`` make one hectare, as a float for arrays (15 for 亩, 10,000 for 平方米).

    Examples
    --------
    >>> factor("mu")
    15.0
    """
    key = unit_key(unit)
    return 15.0 if key == "mu" else float(1 / UNITS[key])


def _label(unit: str, lang: str) -> str:
    key = unit_key(unit)
    return UNIT_LABELS_EN[key] if lang == "en" else UNIT_LABELS[key]


def format_number(value: float | Decimal, decimals: int) -> str:
    """A number with thousands separators and ``decimals`` places; never ``-0``."""
    text = f"{float(value):,.{decimals}f}"
    return text[1:] if text.startswith("-") and not any(c in "123456789" for c in text) else text


def format_area(hectares: float | Decimal | None, unit: str = "ha", *, where: str = "map", lang: str = "zh",
                label: bool = True) -> str:
    """A figure given in hectares, shown in the user's unit by the one display rule (:data:`PRECISION`).

    Parameters
    ----------
    hectares : float, Decimal or None
        The figure in hectares (``None`` gives ``–``).
    unit : str
        ``ha``/公顷, ``mu``/亩 or ``m2``/平方米.
    where : {"map", "table"}
        Maps, legends, cards, tooltips and sentences use the shorter precision, tables the longer.
    lang : {"zh", "en"}
        Language of the unit's name.
    label : bool
        Append the unit's name.

    Returns
    -------
    str

    Examples
    --------
    >>> format_area(158.1793169)
    '158.18 公顷'
    >>> format_area(23.011857, "mu", label=False)
    '345.2'
    >>> format_area(158.1793169, "ha", where="table", lang="en")
    '158.1793 ha'
    """
    if hectares is None:
        return "–"
    key = display_unit(unit)
    value = to_unit(hectares if isinstance(hectares, (Decimal, str)) else float(hectares), key)
    text = format_number(value, PRECISION[key][where])
    return f"{text} {_label(key, lang)}" if label else text


def format_density(ha_per_km2: float | None, *, lang: str = "zh", label: bool = True) -> str:
    """A density, always in 公顷/平方公里 (``ha/km²``), to :data:`DENSITY_DECIMALS` places.

    Examples
    --------
    >>> format_density(0.139)
    '0.1390 公顷/平方公里'
    """
    if ha_per_km2 is None:
        return "–"
    text = format_number(ha_per_km2, DENSITY_DECIMALS)
    return f"{text} {DENSITY_LABEL[lang]}" if label else text
