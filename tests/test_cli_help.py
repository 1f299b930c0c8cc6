"""``landgis --help`` in the command line's language: Chinese by default, English with ``--lang en``.

The help is made in this process by :func:`landgis.cli.main`, as the ``landgis`` command makes it.
"""

from __future__ import annotations

import argparse
import re
import unicodedata

import pytest

from landgis.catalog import CATALOG, text
from landgis.cli import build_parser, main
from landgis.cli_options import HelpFormatter, Parser
from test_catalog import _LATIN, english_words

COMMANDS = ("plan", "map", "web", "qa", "atlas")
#: Chinese an English help may print: the values a user's own files and command lines hold (field and layer
#: names, county names, units a table's header may say), never a translation.
DATA = ("乡镇名称", "地块编号", "宗地编号", "编号", "所属乡镇", "乡镇", "用地类型", "用途", "用地面积", "面积",
        "供地日期", "签订日期", "供地方式", "出让方式", "永久基本农田", "肇庆市怀集县", "怀集县", "佛山市",
        "公顷", "亩", "平方米")
_CJK = re.compile(r"[\u2e80-\u9fff\uff00-\uffef]+")


def _help(capsys, argv: list[str]) -> str:
    assert main(argv) == 0
    out = capsys.readouterr()
    assert out.err == ""
    return out.out


def _parser_words(command: str | None) -> tuple[str, ...]:
    """What the parser prints as typed: option names, metavars, choices and the program's name."""
    Parser.lang = "zh"
    parser = build_parser()
    if command:
        parser = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction)).choices[command]
    words = {"landgis", *COMMANDS, "COMMAND"}
    for action in parser._actions:
        words.update(action.option_strings)
        words.update(str(c) for c in action.choices or ())
        words.add(action.metavar if action.metavar is not None else action.dest.upper())
    return tuple(w for w in words if isinstance(w, str))


@pytest.mark.parametrize("command", [None, *COMMANDS])
def test_help_is_chinese_by_default(capsys, command):
    said = _help(capsys, [*([command] if command else []), "--help"])
    assert said.startswith("用法：landgis") and "选项:" in said and "显示本帮助并退出" in said
    assert not re.search(r"usage:|options:|positional arguments|show this help", said)
    typed = {w for item in _parser_words(command) for w in _LATIN.findall(item)}
    # beside test_catalog's TECHNICAL words (formats, codes), only what the parser prints as typed
    assert [w for w in english_words(said) if w not in typed] == [], command


@pytest.mark.parametrize("argv", [["--lang", "en", "{c}", "--help"], ["{c}", "--help", "--lang", "en"],
                                  ["{c}", "--lang=en", "--help"]])
@pytest.mark.parametrize("command", COMMANDS)
def test_help_is_english_with_lang_en_anywhere(capsys, argv, command):
    said = _help(capsys, [a.format(c=command) for a in argv])
    assert said.startswith("usage: landgis") and "options:" in said and "show this help message and exit" in said
    for item in sorted(DATA, key=len, reverse=True):
        said = said.replace(item, " ")
    assert _CJK.findall(said) == [], command


def test_the_whole_command_help_in_english(capsys):
    said = _help(capsys, ["--help", "--lang", "en"])
    assert "usage: landgis" in said and "build the whole atlas" in said and not _CJK.search(said)


def test_every_option_has_its_help_in_both_languages():
    for lang in ("zh", "en"):
        Parser.lang = lang
        parser = build_parser()
        subs = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
        for name, p in [("landgis", parser), *subs.choices.items()]:
            for action in p._actions:
                if not isinstance(action, argparse._SubParsersAction):
                    assert action.help, (lang, name, action.option_strings or action.dest)
    Parser.lang = "zh"
    keys = [k for k in CATALOG if k.startswith("help.")]
    assert len(keys) > 80 and all(text(k, "zh") != text(k, "en") for k in keys)


def test_the_chinese_help_keeps_to_the_terminal(capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    for command in COMMANDS:
        said = _help(capsys, [command, "--help"])
        for line in said.split("\n\n", 1)[1].splitlines():  # after argparse's own usage lines
            width = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line)
            # an option name too long to break is the only wider line
            assert width <= 80 or not _CJK.search(line) or len(line.split()) == 1, line
            assert not re.match(r"\s*[，。；：、）]", line), line


def test_a_latin_word_is_never_broken_and_a_chinese_line_not_started_by_punctuation():
    assert HelpFormatter._wrapped("读取土地供应计划 --unit ha", 10) == ["读取土地供", "应计划", "--unit ha"]
    assert HelpFormatter._wrapped("甲乙丙丁，戊", 8) == ["甲乙丙丁，", "戊"]
    assert HelpFormatter._wrapped("--constraint-rules 文件", 4) == ["--constraint-rules", "文件"]


def test_help_percent_signs_are_printed_once(capsys):
    assert "（默认0.05，即5%）" in "".join(_help(capsys, ["qa", "--help"]).split())
    assert "(default 0.05 = 5%)" in " ".join(_help(capsys, ["qa", "--help", "--lang", "en"]).split())


def test_a_command_leaves_the_parsers_language_as_it_found_it(capsys):
    """An English command run from a program (a notebook, a test) does not switch later help words to English."""
    before = Parser.lang
    main(["--lang", "en", "plan", "--help"])
    main(["plan", "--lang", "en", "--no-such-option"])
    capsys.readouterr()
    assert Parser.lang == before
