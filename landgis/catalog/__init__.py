"""Every word landgis says to a person, in Chinese and English: one catalogue, one lookup.

Outputs (maps, reports, workbooks, the QA files) take their words from :data:`CATALOG` through
:func:`text`; each entry has both languages. Error messages are :class:`Message` objects: their
English template is their key in :data:`MESSAGES` (gettext's msgid), so ``str(error)`` stays English for a
program that calls landgis, and the ``landgis`` command prints :meth:`Message.render` in ``--lang``.

This module imports nothing of landgis: every other module may use it.

Examples
--------
>>> text("sheet.north", "zh"), text("sheet.north", "en")
('北', 'N')
>>> str(message("no such file: {path}", path="计划.txt"))
'no such file: 计划.txt'
"""

from __future__ import annotations

from collections.abc import Mapping
from string import Formatter

from landgis.catalog.findings import FINDINGS
from landgis.catalog.help import HELP
from landgis.catalog.ledger import LEDGER
from landgis.catalog.levels import LEVELS
from landgis.catalog.lines import LINES
from landgis.catalog.reasons import REASONS
from landgis.catalog.messages import MESSAGES
from landgis.catalog.words import CATALOG as _WORDS

#: Every word of the outputs, by key (:mod:`landgis.catalog.words`, :mod:`landgis.catalog.findings`, :mod:`landgis.catalog.reasons`,
#: :mod:`landgis.catalog.lines`, :mod:`landgis.catalog.levels`,
#: :mod:`landgis.catalog.help`, :mod:`landgis.catalog.ledger`).
CATALOG: dict[str, dict[str, str] | str] = {**_WORDS, **FINDINGS, **REASONS, **LINES, **LEVELS, **HELP, **LEDGER}

__all__ = ["LANGS", "UNIT_LEVELS", "CATALOG", "MESSAGES", "Message", "text", "table", "level_words", "message", "word",
           "either"]

#: The languages of every output and message; Chinese is the default.
LANGS: tuple[str, ...] = ("zh", "en")


def _lang(lang: str) -> str:
    return "en" if lang == "en" else "zh"


#: The levels of a plan's units: a county's townships (乡镇), a city's districts and counties (区县).
UNIT_LEVELS: tuple[str, ...] = ("township", "district")


def _entry(key: str, unit_level: str = "township") -> dict[str, str]:
    if unit_level not in UNIT_LEVELS:
        raise ValueError(f"unit_level is one of {', '.join(UNIT_LEVELS)}, not {unit_level!r}")
    value: dict[str, str] | str = key
    while isinstance(value, str):  # a key, or a table's own name for another key
        value = CATALOG.get(f"{value}@{unit_level}") or CATALOG[value]
    return value


def text(key: str, lang: str = "zh", /, *, unit_level: str = "township", **params) -> str:
    """The catalogue's words for ``key`` in ``lang`` (``zh`` unless ``en``), ``{fields}`` filled from ``params``.

    ``unit_level`` is what the plan's units are: ``"township"`` (a county's 乡镇) or ``"district"`` (a
    city's 区县); an entry that names the units has a ``key@district`` form, which the catalogue chooses.

    Examples
    --------
    >>> text("sheet.count", "zh", n=3), text("sheet.count", "en", n=3)
    ('3 个', '3')
    >>> text("unit.mu", "en")
    'mu'
    >>> text("report.placed", "zh"), text("report.placed", "zh", unit_level="district")
    ('乡镇合计', '区县合计')
    """
    words = _entry(key, unit_level)[_lang(lang)]
    return words.format(**_rendered(params, lang)) if params else words


def table(section: str, lang: str = "zh", *, unit_level: str = "township",
          level: Mapping[str, str] | None = None) -> dict[str, str]:
    """Every entry of one section (``"sheet"``, ``"qa.sheets"`` …) in ``lang``, keyed without the section;
    a city's words (区县) with ``unit_level="district"``, as for :func:`text`.

    ``level`` is the county's level words (:func:`level_words`): the entries' ``{whole}`` and ``{units}``
    fields are filled with them, their other fields kept for the caller.

    Examples
    --------
    >>> table("severity", "en")["info"]
    'note'
    >>> table("report", "en", unit_level="district")["township"]
    'District'
    >>> table("sheet", "zh", level=level_words("county", "town_township", "zh"))["summary_density"]
    '全县平均 {v} {u}'
    """
    head = section + "."
    words = {key[len(head):]: _entry(key, unit_level)[_lang(lang)] for key in CATALOG
             if key.startswith(head) and "." not in key[len(head):] and "@" not in key}
    return {k: _filled(v, level) for k, v in words.items()} if level else words


def level_words(whole: str, units: str, lang: str = "zh") -> dict[str, str]:
    """A county's level words in ``lang``: ``whole`` (全县, 全市 …) and ``units`` (镇（乡）…), by their keys
    (``level.whole.<whole>``, ``level.units.<units>``), and ``whole_lower`` for the middle of an English line.

    Examples
    --------
    >>> level_words("district", "town_street", "zh")["whole"], level_words("district", "town_street", "en")["whole"]
    ('全区', 'District')
    """
    said = text(f"level.whole.{whole}", lang)
    return {"whole": said, "whole_lower": said.lower(), "units": text(f"level.units.{units}", lang)}


def _filled(template: str, fields: Mapping[str, str]) -> str:
    """``template`` with the fields named in ``fields`` filled and every other field kept as it was."""
    out = []
    for literal, name, spec, conversion in Formatter().parse(template):
        out.append(literal.replace("{", "{{").replace("}", "}}"))
        if name is None:
            continue
        if name in fields and not spec and not conversion:
            out.append(fields[name].replace("{", "{{").replace("}", "}}"))
        else:
            out.append("{" + name + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "") + "}")
    return "".join(out)


class Message:
    """A message for a person: rendered in either language, English when printed with ``str``.

    ``template`` is English with ``{fields}``; its Chinese is ``MESSAGES[template]``. A field whose value is a
    :class:`Message` (such as :func:`word`) is rendered in the same language.

    Examples
    --------
    >>> m = message("{what} has no column {name!r}", what=word("term.plan"), name="用途")
    >>> str(m)
    "plan has no column '用途'"
    >>> m.render("zh")
    "计划没有字段 '用途'"
    """

    __slots__ = ("template", "params", "key", "given", "unit_level")

    def __init__(self, template: str, params: Mapping | None = None, key: str | None = None,
                 given: Mapping[str, str] | None = None) -> None:
        self.template, self.params, self.key, self.given = template, dict(params or {}), key, given
        self.unit_level = "township"

    def render(self, lang: str = "en") -> str:
        """The message in ``lang``; a template without a Chinese translation stays English."""
        if self.given is not None:
            return self.given[_lang(lang)]
        if self.key is not None:
            return text(self.key, lang, unit_level=self.unit_level, **self.params)
        words = MESSAGES.get(self.template, self.template) if _lang(lang) == "zh" else self.template
        return words.format(**_rendered(self.params, lang))

    def __str__(self) -> str:
        return self.render("en")

    def __repr__(self) -> str:
        return f"Message({self.template!r}, {self.params!r})"

    def __add__(self, other):  # "message" + " more" keeps working for code that appends
        return str(self) + other

    def __radd__(self, other):
        return other + str(self)


def message(template: str, /, **params) -> Message:
    """An error or warning message: English ``template`` (a key of :data:`MESSAGES`) and its fields.

    Examples
    --------
    >>> message("no such file: {path}", path="a.txt").render("zh")
    '找不到文件：a.txt'
    """
    return Message(template, params)


def word(key: str, /, *, unit_level: str = "township", **params) -> Message:
    """The catalogue entry ``key`` as a field of a :class:`Message`, rendered in the message's language
    (and for ``unit_level``, as for :func:`text`).

    Examples
    --------
    >>> word("term.parcel").render("zh")
    '地块'
    >>> word("report.township", unit_level="district").render("zh")
    '区县'
    """
    words = Message(key, params, key=key)
    words.unit_level = unit_level
    return words


def either(zh: str, en: str) -> Message:
    """Words already made in both languages (a county's own line), as a field of a :class:`Message`.

    Examples
    --------
    >>> either("未提供乡镇界线图层", "no township layer").render("zh")
    '未提供乡镇界线图层'
    """
    return Message(en, given={"zh": zh, "en": en})


def _rendered(params: Mapping, lang: str) -> dict:
    """The fields in ``lang``: a message, or an error carrying one, is rendered; anything else is kept."""
    out = {}
    for k, v in params.items():
        if isinstance(v, BaseException) and v.args and isinstance(v.args[0], Message):
            v = v.args[0]
        out[k] = v.render(lang) if isinstance(v, Message) else v
    return out
