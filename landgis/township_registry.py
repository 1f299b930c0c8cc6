"""The registry of a county's township-level divisions (:class:`TownshipRegistry`, :func:`registry`).

Built from the national registry (:mod:`landgis.registry`), with the richer facts landgis keeps for some
counties (``landgis/data/townships_<code>.json``) merged in; names are compared through :mod:`landgis.names`.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Mapping

import pandas as pd

from landgis.catalog import message, word
from landgis.errors import LandgisError
from landgis.names import (
    SIMILAR_UNIT, core_name, is_township_suffix, match_names, normalise_name, township_aliases, township_type,
    unknown_township,
)
from landgis.registry import counties, divisions, townships

__all__ = ["TownshipRegistry", "registry"]


@dataclass(frozen=True)
class TownshipRegistry:
    """The township-level divisions of one county, with the aliases people write.

    Attributes
    ----------
    county_code, county_name, county_name_en : str
        The county's 6-digit code and names.
    table : pandas.DataFrame
        One row per division: ``code`` (9-digit), ``name``, ``name_en``, ``type``
        (镇, 乡, 瑶族乡, 街道 …), ``aliases`` (tuple), ``seat_lon``, ``seat_lat``.
    area_km2_official : float or None
        The county's official area, for checks of a layer.
    prefecture : str
        The prefecture-level division the county belongs to.
    """

    county_code: str
    county_name: str
    county_name_en: str
    table: pd.DataFrame
    area_km2_official: float | None = None
    prefecture: str = ""

    @property
    def names(self) -> list[str]:
        """Canonical names of its townships (街道, 镇, 乡 …) in code order.

        Units the statistical code counts as 类似乡级单位 (codes ``…400``–``…599``: 开发区, 农场,
        监狱 …) are left out: they resolve (:meth:`resolve`) but are not townships of the map.
        """
        return list(self.table.loc[self.table["type"] != SIMILAR_UNIT, "name"])

    def _aliases(self) -> Mapping[str, str]:
        pairs: dict[str, str] = {}
        for row in self.table.itertuples():
            for alias in (row.name, *row.aliases):
                pairs[normalise_name(alias)] = row.name
        return pairs

    def resolve(self, name: str) -> str | None:
        """Canonical name for ``name`` (an alias, another spelling), or ``None``."""
        norm = normalise_name(name)
        hit = self._aliases().get(norm)
        if hit is not None:
            return hit
        found = match_names([norm], self.names) if self._has_core(norm) else {}
        return found.get(norm)

    def _has_core(self, norm: str) -> bool:
        # 马头工业园区 is not 马头镇: only a township's suffix (or none) may be dropped to match.
        if not is_township_suffix(norm[len(core_name(norm)):]):
            return False
        return sum(core_name(n) == core_name(norm) for n in self.names) == 1

    def canonical(self, name: str) -> str:
        """Like :meth:`resolve`, but raise :class:`UnknownTownshipError` with suggestions."""
        hit = self.resolve(name)
        if hit is None:
            raise unknown_township(name, self.names, word("term.township_of", county=self.county_name))
        return hit

    def code_of(self, name: str) -> str:
        """9-digit statistical code of a township given by any of its names."""
        canon = self.canonical(name)
        return str(self.table.loc[self.table["name"] == canon, "code"].iloc[0])


def _facts(county_code: str) -> dict:
    """Richer facts kept for a county (English names, seats, official area), when landgis ships them."""
    try:
        raw = resources.files("landgis.data").joinpath(f"townships_{county_code}.json").read_text("utf-8")
    except FileNotFoundError:
        return {}
    return json.loads(raw)


def registry(county_code: str) -> TownshipRegistry:
    """The township registry of a county, from the national registry (:mod:`landgis.registry`).

    Parameters
    ----------
    county_code : str
        6-digit 统计用区划代码 of a county-level division (or ``XXXX00`` of a city whose districts
        are its units). There is no default: the caller names the county
        (:class:`landgis.county.County` has it as ``.registry``).

    Returns
    -------
    TownshipRegistry
        Every township-level division with its code, type and aliases; where landgis keeps richer
        facts on the county (English names, seats, official area) they are merged in.

    Raises
    ------
    KeyError
        When ``county_code`` is not a county-level division of the registry.

    Examples
    --------
    >>> registry("441224").canonical("冷坑")
    '冷坑镇'
    """
    if not county_code:
        raise LandgisError(message("registry() needs the county's 6-digit code, e.g. registry('441882')"))
    return _registry(str(county_code))


@lru_cache(maxsize=None)
def _registry(code: str) -> TownshipRegistry:
    table = counties().set_index("code")
    if code not in table.index:
        return _city_registry(code)
    county = table.loc[code]
    towns = townships(code)
    facts = _facts(code)
    known = {t["code"]: t for t in facts.get("townships", [])}
    rows = []
    for t in towns.itertuples():
        fact = known.get(t.code, {})
        seat = fact.get("seat", {})
        rows.append({
            "code": t.code,
            "name": t.name,
            "name_en": fact.get("name_en", t.name_en),
            "type": fact.get("type", SIMILAR_UNIT if t.code[6:9] >= "400" else township_type(t.name)),
            "aliases": tuple(dict.fromkeys([*township_aliases(t.name), *fact.get("aliases", ())])),
            "seat_lon": seat.get("lon", float("nan")),
            "seat_lat": seat.get("lat", float("nan")),
        })
    frame = pd.DataFrame(rows, columns=["code", "name", "name_en", "type", "aliases", "seat_lon", "seat_lat"])
    return TownshipRegistry(
        county_code=code,
        county_name=str(county["name"]),
        county_name_en=facts.get("county", {}).get("name_en", str(county["name_en"])),
        table=frame.sort_values("code", ignore_index=True),
        area_km2_official=facts.get("county", {}).get("area_km2_official"),
        prefecture=str(county["prefecture"]),
    )


def _city_registry(code: str) -> TownshipRegistry:
    """A prefecture-level city (``440600``) whose districts and counties are the units of a plan by district."""
    d = divisions().set_index("code")
    pref = code[:4]
    if not (len(code) == 6 and code.endswith("00") and pref in d.index and d.loc[pref, "level"] == "prefecture"):
        raise KeyError(f"{code!r} is not the code of a county-level division or city (6 digits, e.g. 441224)")
    units = counties()[counties()["prefecture_code"] == pref]
    units = units[units["name"] != "市辖区"]
    frame = pd.DataFrame({
        "code": units["code"].values,
        "name": units["name"].values,
        "name_en": units["name_en"].values,
        "type": [n[-1] if n[-1] in "区县市旗" else "其他" for n in units["name"]],
        "aliases": [tuple(a for a in (re.sub(r"(自治县|县|市|区|旗)$", "", n),) if len(a) >= 2 and a != n)
                    for n in units["name"]],
        "seat_lon": float("nan"),
        "seat_lat": float("nan"),
    })
    province = str(d.loc[code[:2], "name"])
    return TownshipRegistry(county_code=code, county_name=str(d.loc[pref, "name"]),
                            county_name_en=str(d.loc[pref, "name_en"]), table=frame.reset_index(drop=True),
                            prefecture=province)
