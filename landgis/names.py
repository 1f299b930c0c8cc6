"""Township names: normalisation, kinds, aliases and matching.

Plans, boundary layers and parcel tables write the same township in different ways
(X / X镇 / X鎮, Y乡 / Y瑶族乡, full-width spaces, 办事处 suffixes). Every step that
compares names goes through :func:`normalise_name` and :func:`match_names`, so they agree.
The registry of a county's divisions, which uses these, is :class:`landgis.county.TownshipRegistry`.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from typing import Iterable

from landgis.catalog import message, word
from landgis.errors import LandgisError

__all__ = [
    "suggest",
    "UnknownTownshipError",
    "normalise_name",
    "core_name",
    "unknown_township",
    "is_township_suffix",
    "SIMILAR_UNIT",
    "match_names",
    "township_aliases",
    "township_type",
    "abbreviates",
    "area_of_short_name",
    "TOWNSHIP_SUFFIXES",
    "ETHNIC_GROUPS",
]

#: The 55 minority peoples as they occur in the names of 民族乡 (瑶安瑶族乡, 三江蒙古族满族乡 …).
ETHNIC_GROUPS: tuple[str, ...] = tuple(sorted((
    "蒙古", "回", "藏", "维吾尔", "苗", "彝", "壮", "布依", "朝鲜", "满", "侗", "瑶", "白", "土家", "哈尼",
    "哈萨克", "傣", "黎", "傈僳", "佤", "畲", "高山", "拉祜", "水", "东乡", "纳西", "景颇", "柯尔克孜", "土",
    "达斡尔", "仫佬", "羌", "布朗", "撒拉", "毛南", "仡佬", "锡伯", "阿昌", "普米", "塔吉克", "怒", "乌孜别克",
    "俄罗斯", "鄂温克", "德昂", "保安", "裕固", "京", "塔塔尔", "独龙", "鄂伦春", "赫哲", "门巴", "珞巴", "基诺",
), key=len, reverse=True))
_PEOPLES = "|".join(ETHNIC_GROUPS)
#: Type of the units with township codes 400–599 (开发区, 农场, 林场, 监狱 …).
SIMILAR_UNIT = "类似乡级单位"
#: Suffixes that say "a township": 冷坑 / 冷坑镇 / 冷坑乡 may be one another, 冷坑工业园 may not.
_TOWN_KINDS = ("", "镇", "乡", "街道", "苏木", "民族乡", "民族苏木")
#: 瑶安瑶族乡 → (瑶安, 瑶族乡); 某某蒙古族满族乡 → (某某, 蒙古族满族乡); 某某民族乡 → (某某, 民族乡).
_ETHNIC_TOWN = re.compile(rf"^(.{{2,}}?)((?:(?:{_PEOPLES})族)+乡|民族乡|(?:(?:{_PEOPLES})族)+苏木)$")

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

    >>> normalise_name(" 冷坑鎮 ")
    '冷坑镇'
    >>> normalise_name("东城街道办事处")
    '东城街道'
    """
    text = unicodedata.normalize("NFKC", str(name)).translate(_TRAD)
    text = _NOISE.sub("", text)
    if text.endswith("街道办事处"):
        return text[: -len("办事处")]
    return _GOV.sub("", text) or text


def core_name(name: str) -> str:
    """Name without its administrative suffix: 瑶安瑶族乡 → 瑶安, 东城街道 → 东城, 冷坑镇 → 冷坑."""
    text = normalise_name(name)
    m = _ETHNIC_TOWN.match(text)
    if m:
        return m.group(1)
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


def unknown_township(name: str, candidates: Iterable[str], what: str) -> UnknownTownshipError:
    cands = list(candidates)
    hint = suggest(name, cands)
    known = "、".join(cands)
    if hint:
        return UnknownTownshipError(message("unknown {what} {name!r}; did you mean {hint}? (known: {known})",
                                            what=what, name=name, hint="、".join(hint), known=known))
    return UnknownTownshipError(message("unknown {what} {name!r} (known: {known})", what=what, name=name, known=known))


def match_names(
    names: Iterable[str], candidates: Iterable[str], *, what=None
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
        raise unknown_township(name, cands, what if what is not None else word("term.township"))
    return out


# --------------------------------------------------------------------------------------------
# kinds and aliases of township names
# --------------------------------------------------------------------------------------------
def township_type(name: str) -> str:
    """The kind of a township-level division from its name: 镇, 乡, 瑶族乡 (any 族乡), 民族乡, 街道, 苏木 …."""
    norm = normalise_name(name)
    m = _ETHNIC_TOWN.match(norm)
    if m:
        return m.group(2)
    for kind in ("民族苏木", "苏木", "街道", "镇", "乡", "区域", "区"):
        if norm.endswith(kind):
            return kind
    return "其他"


def township_aliases(name: str) -> tuple[str, ...]:
    """The other ways people write a township: 瑶安瑶族乡 → 瑶安乡, 瑶安; 冷坑镇 → 冷坑; 东城街道 → 东城.

    >>> township_aliases("瑶安瑶族乡")
    ('瑶安乡', '瑶安')
    """
    norm = normalise_name(name)
    out: list[str] = []
    m = _ETHNIC_TOWN.match(norm)
    if m:
        out.append(m.group(1) + "乡")
    core = core_name(norm)
    if len(core) >= 2 and core != norm:
        out.append(core)
    return tuple(dict.fromkeys(a for a in out if a != norm))


_AREA_KIND = re.compile(r"(?:新区|开发区|园区|度假区|保税区|高新区)$")


def abbreviates(short: str, full: str) -> bool:
    """Whether ``short`` is a short name of the development area ``full`` (or the same name).

    The short name is the area's kind (新区 of 镇江新区, 开发区 of 经济开发区) or its leading characters
    of each word, in order and with the same kind (经开区 of 经济技术开发区, 高新区 of 高新技术产业开发区).
    Brackets are asides (东昌府区(含储备中心) is 东昌府区).

    Examples
    --------
    >>> abbreviates("经开区", "聊城经济开发区"), abbreviates("新区", "镇江新区"), abbreviates("高新区", "高新技术产业开发区")
    (True, True, True)
    >>> abbreviates("东区", "东昌府区"), abbreviates("度假区", "经济开发区"), abbreviates("茌平区", "茌平区(含新区)")
    (False, False, True)
    """
    short, full = (re.sub(r"[(（][^()（）]*[)）]", "", n).strip() for n in (short, full))
    if short == full:
        return bool(short)
    if len(short) < 2 or len(short) >= len(full) or not _AREA_KIND.search(full):
        return False
    if full.endswith(short):
        return True
    if len(short) < 3 or short[-1] != full[-1]:
        return False
    rest = iter(full[:-1])
    return all(ch in rest for ch in short[:-1])


#: A development area named by its kind alone, with no place: 新区, 高新区, 经开区, 经济技术开发区 …
_BARE_AREA = re.compile(r"(?:新区|高新区|经开区|开发区|经济(?:技术)?开发区|高新技术产业开发区|(?:旅游)?度假区|保税区|"
                        r"(?:工业)?园区)")


def area_of_short_name(name: str, names: Iterable[str]) -> str | None:
    """The one area of ``names`` that a bare kind (新区, 高新区, 经开区 …) refers to; None when it is no bare
    kind, or when none or several areas of that kind are named.

    Examples
    --------
    >>> area_of_short_name("新区", ["京口区", "润州区", "丹徒区", "镇江新区"])
    '镇江新区'
    >>> area_of_short_name("新区", ["天府新区", "东部新区"]) is None, area_of_short_name("京口", ["京口区"]) is None
    (True, True)
    """
    if not _BARE_AREA.fullmatch(name):
        return None
    found = {n for n in names if n != name and abbreviates(name, n)}
    return found.pop() if len(found) == 1 else None


def is_township_suffix(suffix: str) -> bool:
    """True when ``suffix`` is what a township's name may end in after its core (镇, 乡, 瑶族乡 …, or nothing).

    >>> is_township_suffix("镇"), is_township_suffix("瑶族乡"), is_township_suffix("工业园区")
    (True, True, False)
    """
    return suffix in _TOWN_KINDS or suffix.endswith("族乡")
