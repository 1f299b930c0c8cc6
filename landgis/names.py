"""Township names: normalisation, the registry of a county's divisions, and matching.

Plans, boundary layers and parcel tables write the same township in different ways
(连州 / 连州镇 / 連州鎮, 瑶安乡 / 瑶安瑶族乡, full-width spaces, 办事处 suffixes). Every step that
compares names goes through :func:`normalise_name` and :func:`match_names`, so they agree.
"""

from __future__ import annotations

import difflib
import json
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Iterable, Mapping

import pandas as pd

from landgis.errors import LandgisError

__all__ = [
    "suggest",
    "UnknownTownshipError",
    "normalise_name",
    "core_name",
    "TownshipRegistry",
    "registry",
    "match_names",
    "registry_for_place",
    "TOWNSHIP_SUFFIXES",
]

# Longest first: a name is stripped of the first suffix that matches.
TOWNSHIP_SUFFIXES: tuple[str, ...] = (
    "街道办事处", "民族乡", "瑶族乡", "壮族乡", "畲族乡", "苗族乡", "彝族乡", "回族乡", "土家族乡",
    "经济技术开发区", "高新技术产业开发区", "开发区", "产业园区", "工业园区", "园区", "高新区",
    "街道", "苏木", "镇", "乡", "区",
)

# Traditional forms that occur in township names and their suffixes.
_TRAD = str.maketrans({
    "鎮": "镇", "鄉": "乡", "區": "区", "辦": "办", "處": "处", "園": "园", "開": "开", "發": "发",
    "連": "连", "邊": "边", "龍": "龙", "豐": "丰", "陽": "阳", "東": "东", "瑤": "瑶", "陂": "陂",
    "長": "长", "灣": "湾", "嶺": "岭", "黃": "黄", "橋": "桥", "廣": "广", "義": "义", "興": "兴",
    "寧": "宁", "華": "华", "臺": "台", "雲": "云", "塘": "塘", "縣": "县", "門": "门",
})
_NOISE = re.compile(r"[\s\u3000·•・\-—_()（）\[\]【】]+")
_GOV = re.compile(r"(人民政府|政府|办事处|管委会|管理委员会)$")


class UnknownTownshipError(LandgisError, KeyError):
    """A township name that matches nothing; the message lists the closest candidates."""

    def __str__(self) -> str:  # KeyError would print the repr of the message
        return str(self.args[0]) if self.args else ""


def normalise_name(name: str) -> str:
    """Canonical spelling for comparison: NFKC, no spaces or brackets, simplified suffixes.

    >>> normalise_name(" 連州鎮 ")
    '连州镇'
    >>> normalise_name("东城街道办事处")
    '东城街道'
    """
    text = unicodedata.normalize("NFKC", str(name)).translate(_TRAD)
    text = _NOISE.sub("", text)
    if text.endswith("街道办事处"):
        return text[: -len("办事处")]
    return _GOV.sub("", text) or text


def core_name(name: str) -> str:
    """Name without its administrative suffix: 瑶安瑶族乡 → 瑶安, 东城街道 → 东城, 连州镇 → 连州."""
    text = normalise_name(name)
    for suffix in TOWNSHIP_SUFFIXES:
        if text.endswith(suffix) and len(text) > len(suffix):
            return text[: -len(suffix)]
    return text


def suggest(name: str, candidates: Iterable[str], n: int = 3) -> list[str]:
    """The ``n`` candidates closest to ``name``: sharing a character first, then by similarity."""
    cands = list(dict.fromkeys(candidates))
    key = core_name(name)
    by_core = {core_name(c): c for c in cands}
    close = difflib.get_close_matches(key, list(by_core), n=n, cutoff=0.0)
    # Sharing a character beats difflib's ratio for two-character Chinese names.
    sharing = [c for c in cands if set(core_name(c)) & set(key)]
    return list(dict.fromkeys([*sharing, *(by_core[c] for c in close)]))[:n]


def _unknown(name: str, candidates: Iterable[str], what: str) -> UnknownTownshipError:
    cands = list(candidates)
    hint = suggest(name, cands)
    msg = f"unknown {what} {name!r}"
    if hint:
        msg += f"; did you mean {'、'.join(hint)}?"
    msg += f" (known: {'、'.join(cands)})"
    return UnknownTownshipError(msg)


def match_names(
    names: Iterable[str], candidates: Iterable[str], *, what: str = "township"
) -> dict[str, str]:
    """Map each name onto one of ``candidates`` through normalisation.

    A name matches a candidate when their normalised spellings are equal, or, failing that,
    when their core names (without 镇/乡/街道 …) are equal and only one candidate has that core.

    Parameters
    ----------
    names : iterable of str
        Names to resolve (from a plan, a parcel table …).
    candidates : iterable of str
        The names they must resolve to (from the registry or a boundary layer).
    what : str
        Word used in the error message.

    Returns
    -------
    dict
        ``{name: candidate}`` for every name.

    Raises
    ------
    UnknownTownshipError
        For the first name that matches no candidate or more than one; the message lists
        the closest candidates ("did you mean 瑶安瑶族乡?").
    """
    cands = list(dict.fromkeys(candidates))
    by_norm = {normalise_name(c): c for c in cands}
    by_core: dict[str, list[str]] = {}
    for c in cands:
        by_core.setdefault(core_name(c), []).append(c)
    out: dict[str, str] = {}
    for name in names:
        norm = normalise_name(name)
        if norm in by_norm:
            out[name] = by_norm[norm]
            continue
        hits = by_core.get(core_name(name), [])
        if len(hits) == 1:
            out[name] = hits[0]
            continue
        raise _unknown(name, cands, what)
    return out


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
    """

    county_code: str
    county_name: str
    county_name_en: str
    table: pd.DataFrame
    area_km2_official: float | None = None

    @property
    def names(self) -> list[str]:
        """Canonical names in code order."""
        return list(self.table["name"])

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
        return sum(core_name(n) == core_name(norm) for n in self.names) == 1

    def canonical(self, name: str) -> str:
        """Like :meth:`resolve`, but raise :class:`UnknownTownshipError` with suggestions."""
        hit = self.resolve(name)
        if hit is None:
            raise _unknown(name, self.names, f"township of {self.county_name}")
        return hit

    def code_of(self, name: str) -> str:
        """9-digit statistical code of a township given by any of its names."""
        canon = self.canonical(name)
        return str(self.table.loc[self.table["name"] == canon, "code"].iloc[0])


@lru_cache(maxsize=None)
def registry(county_code: str = "441882") -> TownshipRegistry:
    """The township registry shipped for a county (only 441882 连州市 for now).

    Raises
    ------
    KeyError
        When no registry is shipped for ``county_code``.
    """
    try:
        raw = resources.files("landgis.data").joinpath(f"townships_{county_code}.json").read_text("utf-8")
    except FileNotFoundError:
        raise KeyError(f"no township registry is shipped for county code {county_code!r}") from None
    data = json.loads(raw)
    rows = [
        {
            "code": t["code"],
            "name": t["name"],
            "name_en": t["name_en"],
            "type": t["type"],
            "aliases": tuple(t.get("aliases", ())),
            "seat_lon": t["seat"]["lon"],
            "seat_lat": t["seat"]["lat"],
        }
        for t in data["townships"]
    ]
    county = data["county"]
    return TownshipRegistry(
        county_code=county["code"],
        county_name=county["name"],
        county_name_en=county["name_en"],
        table=pd.DataFrame(rows).sort_values("code", ignore_index=True),
        area_km2_official=county.get("area_km2_official"),
    )


def _shipped_county_codes() -> list[str]:
    files = resources.files("landgis.data").iterdir()
    return sorted(f.name[len("townships_"):-len(".json")] for f in files
                  if f.name.startswith("townships_") and f.name.endswith(".json"))


def registry_for_place(place: str | None) -> TownshipRegistry | None:
    """The shipped registry of a county given by its name (连州市, 连州) or code, or ``None``.

    Parameters
    ----------
    place : str or None
        A county name as a plan writes it, or its 6-digit code.

    Returns
    -------
    TownshipRegistry or None
        ``None`` when no registry is shipped for that place.
    """
    if not place:
        return None
    key = normalise_name(place)
    for code in _shipped_county_codes():
        reg = registry(code)
        county = normalise_name(reg.county_name)
        short = re.sub(r"(自治县|自治州|市|县|区|旗)$", "", county)
        if key in (code, county, short) or re.sub(r"(自治县|自治州|市|县|区|旗)$", "", key) == short:
            return reg
    return None
