"""Classes of a mapped column: the one classification the printed and the web maps share.

:func:`classify` computes the classes (Fisher-Jenks natural breaks by default, by ``jenkspy``; quantiles,
equal intervals and user breaks in numpy, as ``mapclassify`` defines them) and keeps the townships with no
supply (无供应) apart from the lowest class. It knows no drawing library: the :class:`Classification` it
returns carries values, bins, legend labels and colours, which :mod:`landgis.render.static` and
:mod:`landgis.render.interactive` draw.

Legend ranges never share a bound: a class starts one display step above the previous class's
upper bound ("8.21 – 18.90", "18.91 – 23.01"). With few supplied townships there are few classes
(at most 3 for 8 or fewer), so that no class exists only because of the scheme.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Sequence

import geopandas as gpd
import jenkspy
import numpy as np
import pandas as pd

from landgis.catalog import message
from landgis.categories import NO_SUPPLY_FACE, NO_SUPPLY_HATCH, colour_for, lookup, ramp
from landgis.errors import InputError
from landgis.units import DENSITY_DECIMALS, PRECISION, display_unit, factor, format_number

if TYPE_CHECKING:
    from landgis.figures import Figures

__all__ = ["Classification", "SCHEMES", "classify", "classify_pooled", "run_classes", "run_pooled_classes",
           "resolve_column", "values_in_unit", "NO_SUPPLY_FACE",
           "NO_SUPPLY_HATCH", "FEW_TOWNSHIPS", "MAX_CLASSES_FEW"]

#: Classification schemes: the CLI/API name → the mapclassify classifier whose definition it follows
#: (tests/test_classes.py compares the bins and classes with mapclassify's).
SCHEMES = {
    "natural_breaks": "FisherJenks",  # the exact, deterministic form of Jenks natural breaks
    "quantiles": "Quantiles",
    "equal_interval": "EqualInterval",
    "user": "UserDefined",
}
#: With this many supplied townships or fewer, at most :data:`MAX_CLASSES_FEW` classes.
FEW_TOWNSHIPS = 8
MAX_CLASSES_FEW = 3


@dataclass(frozen=True)
class Classification:
    """The classes of one mapped column.

    Attributes
    ----------
    column : str
        The layer column classified (a category, ``total`` or ``density``).
    scheme : str
        One of :data:`SCHEMES`.
    unit : str
        ``"ha"``, ``"mu"`` or ``"m2"`` (densities are always 公顷/平方公里).
    bins : tuple of float
        Upper bounds of the classes, in the unit.
    lower : float
        Lower bound of the first class.
    labels : tuple of str
        Legend text of each class (``"0.70 – 3.38"``).
    colours : tuple of str
        Fill of each class, light to dark.
    values : pandas.Series
        The mapped values in the unit, indexed by township name.
    assignment : pandas.Series
        Class index per township name (0 = lowest); ``-1`` for townships with no supply.
    decimals : int
        Decimals of the legend and the labels.
    """

    column: str
    scheme: str
    unit: str
    bins: tuple[float, ...]
    lower: float
    labels: tuple[str, ...]
    colours: tuple[str, ...]
    values: pd.Series = field(repr=False)
    assignment: pd.Series = field(repr=False)
    decimals: int = 2

    def format(self, value: float) -> str:
        """A value in the legend's precision (for labels)."""
        return fmt(value, self.decimals)

    @property
    def k(self) -> int:
        """Number of classes (without 无供应)."""
        return len(self.bins)

    @property
    def counts(self) -> tuple[int, ...]:
        """Townships per class."""
        return tuple(int((self.assignment == i).sum()) for i in range(self.k))

    @property
    def no_supply(self) -> list[str]:
        """Townships with no supply (drawn hatched, named 无供应 in the legend)."""
        return [str(n) for n in self.assignment.index[self.assignment == -1]]

    def townships_in(self, cls: int) -> list[str]:
        """Townships in class ``cls`` (negative indices count from the top, ``-1`` is … the top)."""
        cls = cls % self.k
        return [str(n) for n in self.assignment.index[self.assignment == cls]]

    def colour_of(self, township: str) -> str:
        """Fill colour of a township (the 无供应 grey for no supply)."""
        cls = int(self.assignment[township])
        return NO_SUPPLY_FACE if cls < 0 else self.colours[cls]


def default_k(n_distinct: int, n_supplied: int | None = None) -> int:
    """Classes for a dozen units, so that no class holds one township only because of the scheme:
    never more than half the supplied townships (rounded up), at most :data:`MAX_CLASSES_FEW` when
    :data:`FEW_TOWNSHIPS` or fewer have supply, and 3–5 (a third of them) otherwise.

    Examples
    --------
    >>> [default_k(n) for n in (1, 2, 3, 5, 7, 8, 11, 12, 20)]
    [1, 2, 2, 3, 3, 3, 4, 4, 5]
    """
    n = n_supplied if n_supplied is not None else n_distinct
    if min(n, n_distinct) <= 2:
        return max(1, min(n, n_distinct))
    if n <= FEW_TOWNSHIPS:
        return min(MAX_CLASSES_FEW, math.ceil(n / 2))
    return min(5, max(3, math.ceil(n / 3)))


def fmt(value: float, decimals: int) -> str:
    """A number with thousands separators and ``decimals`` places."""
    return format_number(value, decimals)



def values_in_unit(layer: gpd.GeoDataFrame, column: str, unit: str) -> pd.Series:
    """The column's values in ``unit``, indexed by township name; densities stay in 公顷/平方公里."""
    unit = display_unit(unit)
    values = pd.to_numeric(layer[column], errors="coerce").astype(float)
    if values.isna().any():
        bad = list(layer.loc[values.isna(), "name"])
        raise InputError(message("column {column!r} has no number for {items}", column=column, items='、'.join(map(str, bad))))
    if (values < 0).any():
        bad = list(layer.loc[values < 0, "name"])
        raise InputError(message("column {column!r} is negative for {items}", column=column, items='、'.join(map(str, bad))))
    values = values * (1.0 if column == "density" else factor(unit))
    return pd.Series(values.to_numpy(), index=[str(n) for n in layer["name"]], name=column)


def resolve_column(layer: gpd.GeoDataFrame, column: str) -> str:
    if column in layer.columns and column != "geometry":
        return column
    cats = layer.attrs.get("categories") or []
    cat = lookup(column)
    if cat is not None and cat.name in layer.columns:
        return cat.name
    raise InputError(
        message("nothing to map called {column!r}; the layer has {items}, total and density", column=column,
                items='、'.join(cats))
    )


def _legend_labels(bins: Sequence[float], lower: float, scheme: str, decimals: int) -> tuple[list[str], int]:
    """Legend text of each class and the decimals used.

    A class holds the values above the previous upper bound up to its own (mapclassify's bins), so
    its label starts one display step above the previous bound: "8.21 – 18.90", "18.91 – 23.01".
    Decimals start at the unit's display precision and grow only where two bounds would print alike.
    """
    distinct = sorted({round(b, 12) for b in [lower, *bins]})
    while decimals < 6 and len({fmt(b, decimals) for b in distinct}) < len(distinct):
        decimals += 1  # enough decimals that no two different bounds print alike
    step = 10.0 ** -decimals
    labels = []
    for i, upper in enumerate(bins):
        lo = lower if i == 0 else round(bins[i - 1], decimals) + step
        if scheme == "user" and i == 0:
            labels.append(f"≤ {fmt(upper, decimals)}")
        elif round(lo, decimals) >= round(upper, decimals):  # a class of one value
            labels.append(fmt(upper, decimals))
        else:
            labels.append(f"{fmt(lo, decimals)} – {fmt(upper, decimals)}")
    return labels, decimals


def classify(
    layer: gpd.GeoDataFrame,
    column: str,
    *,
    scheme: str = "natural_breaks",
    k: int | None = None,
    breaks: Sequence[float] | None = None,
    unit: str = "ha",
) -> Classification:
    """Classes of one column of an allocation layer, townships with no supply kept apart.

    Only townships with a positive value are classified; a zero is 无供应 (class ``-1``), never
    the lowest class.

    Parameters
    ----------
    layer : geopandas.GeoDataFrame
        An allocation layer (:func:`landgis.allocation.join`).
    column : str
        A category (canonical name or alias), ``"total"`` or ``"density"``.
    scheme : str
        ``"natural_breaks"`` (Fisher-Jenks, the default), ``"quantiles"``, ``"equal_interval"``
        or ``"user"`` (with ``breaks``).
    k : int, optional
        Number of classes; by default 3–5, at most half the distinct values.
    breaks : sequence of float, optional
        Upper bounds of the classes, in ``unit``, for ``scheme="user"`` (giving breaks alone
        implies it). The largest value closes the last class when it exceeds the last break.
    unit : str
        ``"ha"``, ``"mu"`` or ``"m2"``; the values, breaks and labels are in this unit (densities are
        always in 公顷/平方公里).

    Returns
    -------
    Classification

    Raises
    ------
    InputError
        For an unknown column, scheme or unit, bad breaks or a bad ``k``.
    """

    column = resolve_column(layer, column)
    if breaks is not None and scheme == "natural_breaks":
        scheme = "user"
    if scheme not in SCHEMES:
        raise InputError(message("unknown classification scheme {scheme!r}; use one of {items}", scheme=scheme, items=', '.join(SCHEMES)))
    values = values_in_unit(layer, column, unit)
    positive = values[values > 0]
    bins, lower, yb = _bins(positive.to_numpy(), scheme, k, breaks)
    assignment = pd.Series(-1, index=values.index, dtype=int)
    assignment.loc[positive.index] = yb
    return _classification(column, scheme, unit, bins, lower, values, assignment, colour_for(column))


def _bins(positive: np.ndarray, scheme: str, k: int | None,
          breaks: Sequence[float] | None) -> tuple[list[float], float, np.ndarray]:
    """(upper bounds, lower bound, class of each value) of the supplied values.

    ``scheme="user"`` closes the last class at the largest value when it exceeds the last break
    (as :class:`mapclassify.UserDefined` does); the others use at most as many classes as there are
    distinct values.
    """
    if scheme == "user":
        if not breaks:
            raise InputError(message("user classes need breaks, e.g. --breaks 1,5,10"))
        bins = [float(b) for b in breaks]
        if any(b <= 0 for b in bins) or any(b2 <= b1 for b1, b2 in zip(bins, bins[1:])):
            raise InputError(message("breaks must be positive and increasing, got {items}", items=', '.join(map(str, breaks))))
        if len(positive) == 0:
            return bins, 0.0, np.array([], dtype=int)
        upper = _user_bins(positive, bins)
        return [float(b) for b in upper], 0.0, _class_of(positive, upper)
    if len(positive) == 0:
        return [], 0.0, np.array([], dtype=int)
    n_distinct = int(np.unique(np.round(positive, 9)).size)
    if k is not None and k < 1:
        raise InputError(message("the number of classes must be at least 1, got {k}", k=k))
    k_used = min(k or default_k(n_distinct, len(positive)), n_distinct)
    upper = _SCHEME_BINS[scheme](positive, k_used)
    return [float(b) for b in upper], float(positive.min()), _class_of(positive, upper)


def _natural_breaks(y: np.ndarray, k: int) -> np.ndarray:
    """Upper bounds of the ``k`` Fisher-Jenks classes of ``y`` (at least ``k`` distinct values).

    The partition with the least sum of squared deviations from the class means, by ``jenkspy``;
    each bound is a value of ``y``, the last its largest.

    Examples
    --------
    >>> _natural_breaks(np.array([1.3, 7.1, 7.3, 2.3, 3.9, 4.1, 7.8, 1.2, 4.3, 7.3, 5.0, 4.3]), 3).tolist()
    [2.3, 5.0, 7.8]
    """
    return np.asarray(jenkspy.jenks_breaks(np.asarray(y, dtype=float), n_classes=k)[1:], dtype=float)


def _quantile_bins(y: np.ndarray, k: int) -> np.ndarray:
    """Upper bounds of ``k`` quantile classes, as :func:`mapclassify.classifiers.quantile`: the
    ``100/k``-th percentiles interpolated between ranks (``scipy.stats.scoreatpercentile``),
    repeated bounds merged, so that ties may leave fewer than ``k`` classes.

    Examples
    --------
    >>> _quantile_bins(np.arange(1000.0), 4).tolist()
    [249.75, 499.5, 749.25, 999.0]
    >>> _quantile_bins(np.array([1.0, 1.0, 1.0, 2.0]), 2).tolist()
    [1.0, 2.0]
    """
    w = 100.0 / k
    p = np.arange(w, 100 + w, w)
    if p[-1] > 100.0:
        p[-1] = 100.0
    ranked = np.sort(np.asarray(y, dtype=float))
    return np.unique(np.array([_score_at(ranked, pct) for pct in p]))


def _score_at(ranked: np.ndarray, pct: float) -> float:
    """``scipy.stats.scoreatpercentile(ranked, pct)``, the same floating-point operations."""
    idx = pct / 100.0 * (len(ranked) - 1)
    i = int(idx)
    if i == idx:
        return ranked[i]
    weights = np.array([(i + 1 - idx), (idx - i)], float)
    return np.add.reduce(ranked[i:i + 2] * weights) / weights.sum()


def _equal_interval_bins(y: np.ndarray, k: int) -> np.ndarray:
    """Upper bounds of ``k`` classes of equal width from the least to the largest value, as
    :class:`mapclassify.EqualInterval` (the last bound is the largest value). Where all values are
    equal, one class (mapclassify raises an error).

    Examples
    --------
    >>> _equal_interval_bins(np.array([0.0, 1.0, 10.0]), 4).tolist()
    [2.5, 5.0, 7.5, 10.0]
    >>> _equal_interval_bins(np.array([3.0, 3.0]), 2).tolist()
    [3.0]
    """
    max_y, min_y = y.max(), y.min()
    if max_y == min_y:
        return np.array([max_y], dtype=float)
    width = (max_y - min_y) * 1.0 / k
    cuts = np.arange(min_y + width, max_y + width, width)
    if len(cuts) > k:  # the float steps overshoot by one
        cuts = cuts[0:k]
    cuts[-1] = max_y
    return cuts


def _user_bins(y: np.ndarray, breaks: Sequence[float]) -> np.ndarray:
    """The user's upper bounds, closed by the largest value when it exceeds the last, as
    :class:`mapclassify.UserDefined`.

    Examples
    --------
    >>> _user_bins(np.array([1.0, 4.0, 12.5]), [5.0, 10.0]).tolist()
    [5.0, 10.0, 12.5]
    >>> _user_bins(np.array([1.0, 4.0]), [5.0, 10.0]).tolist()
    [5.0, 10.0]
    """
    bins = np.asarray(breaks, dtype=float)
    return np.append(bins, y.max()) if len(y) and bins[-1] < y.max() else bins


def _class_of(y: np.ndarray, bins: np.ndarray) -> np.ndarray:
    """The class of each value: ``i`` for ``bins[i-1] < y <= bins[i]`` (mapclassify's ``yb``).

    Every value must be at most the last bound, which each scheme here guarantees.

    Examples
    --------
    >>> _class_of(np.array([0.5, 1.0, 1.5, 3.0]), np.array([1.0, 2.0, 3.0])).tolist()
    [0, 0, 1, 2]
    """
    return np.searchsorted(bins, y, side="left").astype(int)


_SCHEME_BINS = {"natural_breaks": _natural_breaks, "quantiles": _quantile_bins, "equal_interval": _equal_interval_bins}


def _classification(column: str, scheme: str, unit: str, bins: list[float], lower: float, values: pd.Series,
                    assignment: pd.Series, colour: str) -> Classification:
    labels, decimals = _legend_labels(bins, lower, scheme, DENSITY_DECIMALS if column == "density"
                                      else PRECISION[display_unit(unit)]["map"])
    return Classification(
        column=column,
        scheme=scheme,
        unit=unit,
        bins=tuple(bins),
        lower=lower,
        labels=tuple(labels),
        colours=tuple(ramp(colour, len(bins))) if bins else (),
        values=values,
        assignment=assignment,
        decimals=decimals,
    )


def run_classes(figures: Figures, layer: gpd.GeoDataFrame, column: str, *, scheme: str = "natural_breaks",
                k: int | None = None, breaks: Sequence[float] | None = None) -> Classification:
    """The run's classes of a mapped column: made once, kept in the run's figures, shared by every map.

    :func:`classify` in the figures' unit; a second map of the same column, scheme and classes gets the
    very same :class:`Classification`, so no map classes for itself. The writers (print maps, web map,
    QGIS styles) take their classes from here, never from :func:`classify`.

    Examples
    --------
    >>> run_classes(figures, layer, "total") is run_classes(figures, layer, "total")  # doctest: +SKIP
    True
    """
    column = resolve_column(layer, column)
    key = (tuple(str(n) for n in layer["name"]), column, scheme, k, _breaks_key(breaks))
    if key not in figures.map_classes:
        figures.map_classes[key] = classify(layer, column, scheme=scheme, k=k, breaks=breaks,
                                            unit=display_unit(figures.unit))
    return figures.map_classes[key]


def run_pooled_classes(figures: Figures, layer: gpd.GeoDataFrame, columns: Sequence[str], *,
                       scheme: str = "natural_breaks", k: int | None = None,
                       breaks: Sequence[float] | None = None) -> tuple[Classification, dict[str, Classification]]:
    """The run's one set of classes over several columns (the small multiples): :func:`classify_pooled`
    in the figures' unit, made once and kept in the run's figures like :func:`run_classes`.

    Examples
    --------
    >>> run_pooled_classes(figures, layer, ["住宅用地"]) is run_pooled_classes(figures, layer, ["住宅用地"])  # doctest: +SKIP
    True
    """
    columns = [resolve_column(layer, c) for c in columns]
    key = ("pooled", tuple(str(n) for n in layer["name"]), tuple(columns), scheme, k, _breaks_key(breaks))
    if key not in figures.map_classes:
        figures.map_classes[key] = classify_pooled(layer, columns, scheme=scheme, k=k, breaks=breaks,
                                                   unit=display_unit(figures.unit))
    return figures.map_classes[key]


def _breaks_key(breaks: Sequence[float] | None) -> tuple | None:
    return None if breaks is None else tuple(breaks)


def classify_pooled(
    layer: gpd.GeoDataFrame,
    columns: Sequence[str],
    *,
    scheme: str = "natural_breaks",
    k: int | None = None,
    breaks: Sequence[float] | None = None,
    unit: str = "ha",
) -> tuple[Classification, dict[str, Classification]]:
    """One set of classes over several columns, so that their maps compare (the small multiples).

    The classes are those of :func:`classify` over the supplied values of all columns together;
    each column is then classed with them (as :class:`mapclassify.Pooled` with ``UserDefined`` does).
    Townships with no supply are kept apart (class ``-1``) in every column.

    Returns
    -------
    (Classification, dict of str to Classification)
        The pooled classes (``column`` ``"pooled"``, values indexed ``"column|township"``), and each
        column's classification with the pooled bins, in its own colour ramp.

    Examples
    --------
    >>> pooled, panels = classify_pooled(layer, ["住宅用地", "工矿仓储用地"])  # doctest: +SKIP
    >>> {p.bins for p in panels.values()} == {pooled.bins}  # doctest: +SKIP
    True
    """
    columns = [resolve_column(layer, c) for c in columns]
    if breaks is not None and scheme == "natural_breaks":
        scheme = "user"
    if scheme not in SCHEMES:
        raise InputError(message("unknown classification scheme {scheme!r}; use one of {items}", scheme=scheme, items=', '.join(SCHEMES)))
    table = pd.DataFrame({c: values_in_unit(layer, c, unit) for c in columns})
    stacked = table.stack().swaplevel()  # (column, township) in column order
    stacked.index = [f"{c}|{n}" for c, n in stacked.index]
    positive = stacked[stacked > 0]
    bins, lower, yb = _bins(positive.to_numpy(), scheme, k, breaks)
    assignment = pd.Series(-1, index=stacked.index, dtype=int)
    assignment.loc[positive.index] = yb
    pooled = _classification("pooled", scheme, unit, bins, lower, stacked, assignment, "#777777")
    panels: dict[str, Classification] = {}
    for c in columns:
        values = table[c]
        col_yb = pd.Series(_class_of(values.to_numpy(), np.asarray(bins, dtype=float)) if bins else -1,
                           index=values.index)
        panels[c] = replace(pooled, column=c, values=values, assignment=col_yb.where(values > 0, -1).astype(int),
                            colours=tuple(ramp(colour_for(c), len(bins))) if bins else ())
    return pooled, panels
