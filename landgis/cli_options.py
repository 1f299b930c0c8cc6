"""The ``landgis`` command's argument values and the options several of its commands share.

argparse type functions check a value where it is typed (``--dpi 20000`` is one line, exit 2); the
option groups (township layer, county) are declared once for every command that takes them.
"""

from __future__ import annotations

import argparse
import math
import re
import unicodedata
from pathlib import Path

from landgis import commands as lib  # the county registry (geopandas) is loaded when --county is read
from landgis.catalog import CATALOG, message, text, word
from landgis.errors import InputError

__all__ = ["Parser", "helped", "language_of", "number_arg", "dpi_arg", "classes_arg", "tolerance_arg", "breaks_arg", "duration_arg",
           "add_statement_timeout", "existing_input", "add_boundary_options", "add_county_option", "county_arg"]


# --- argument values --------------------------------------------------------------------------
class Parser(argparse.ArgumentParser):
    """argparse, with its errors on one line in the command's language (usage is one ``--help`` away).

    ``lang`` is the language of the command line being parsed (:func:`language_of`); it is set on the class,
    for the command and its subcommands alike, because a parse error may come before ``--lang`` is read.
    argparse's own English (an unknown option, a missing value, an invalid choice) is said again from the
    catalogue; a value refused by one of the type functions below is said in ``lang`` already.

    Examples
    --------
    >>> Parser.said("argument --lang: invalid choice: 'fr' (choose from 'zh', 'en')", "zh")
    "--lang：无法识别的取值 'fr'（可选：'zh', 'en'）"
    >>> Parser.said("unrecognized arguments: --colour", "zh")
    '无法识别的参数：--colour'
    """

    lang: str = "zh"

    def __init__(self, *args, **kwargs) -> None:
        """argparse's parser, its help in :attr:`lang`: group titles and ``-h`` from the catalogue (catalog/help.py)."""
        add_help = kwargs.pop("add_help", True)
        kwargs.setdefault("formatter_class", HelpFormatter)
        super().__init__(*args, add_help=False, **kwargs)
        self._positionals.title = text("help.positionals", self.lang)
        self._optionals.title = text("help.options", self.lang)
        if add_help:
            self.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS, help=helped("help"))

    def error(self, message: str):  # type: ignore[override]
        lang = self.lang
        line = text("cli.parse_error", lang, said=self.said(message, lang), prog=self.prog)
        self.exit(2, f"{self.prog}: {text('severity.error', lang)}: {line}\n")

    @staticmethod
    def said(message: str, lang: str) -> str:
        """argparse's English ``message`` in ``lang``: recognised by its wording, else kept as it is (en)."""
        if lang == "en":
            return message
        m = re.fullmatch(r"argument (?P<option>.+?): (?P<rest>.*)", message, re.S)
        option = m.group("option") if m else None
        rest = m.group("rest") if m else message
        for rx, key in _ARGPARSE:
            got = rx.fullmatch(rest)
            if got:
                fields = dict(got.groupdict())
                if "type" in fields:  # a Python type's name (int, float) said as a word
                    known = f"cli.args.types.{fields['type']}"
                    fields["type"] = text(known if known in CATALOG else "cli.args.types.other", lang, **fields)
                if option is not None:
                    fields["option"] = text("cli.args.command", lang) if option == "COMMAND" else option
                return text(key, lang, **fields)
        if option is not None:  # a value refused by a type function below: said in ``lang`` already
            return text("cli.args.value", lang, option=option, said=rest)
        return text("cli.args.other", lang, said=message)


#: argparse's English messages (Python 3.11's wording) → their catalogue entry; ``option`` comes from "argument X: ".
#: A wording not listed here is said generically in Chinese (cli.args.other) and as argparse said it in English.
_ARGPARSE = [(re.compile(rx, re.S), key) for rx, key in (
    (r"expected one argument", "cli.args.one"),
    (r"expected at most one argument", "cli.args.at_most_one"),
    (r"expected at least one argument", "cli.args.at_least_one"),
    (r"expected (?P<n>\d+) arguments?", "cli.args.n"),
    (r"invalid choice: (?P<value>.+?) \(choose from (?P<choices>.+)\)", "cli.args.choice"),
    (r"invalid (?P<type>\w+) value: (?P<value>.+)", "cli.args.type"),
    (r"not allowed with argument (?P<other>.+)", "cli.args.not_with"),
    (r"ignored explicit argument (?P<value>.+)", "cli.args.ignored"),
    (r"unrecognized arguments: (?P<items>.+)", "cli.args.unknown"),
    (r"the following arguments are required: (?P<items>.+)", "cli.args.required"),
    (r"one of the arguments (?P<items>.+) is required", "cli.args.one_of"),
    (r"ambiguous option: (?P<option>.+?) could match (?P<matches>.+)", "cli.args.ambiguous"),
)]


class HelpFormatter(argparse.HelpFormatter):
    """argparse's help, with its own words (``usage:``) in the command line's language and lines wrapped by
    their width on a terminal (a Chinese character takes two columns).

    Examples
    --------
    >>> HelpFormatter._wrapped("读取土地供应计划 --unit ha", 10)
    ['读取土地供', '应计划', '--unit ha']
    """

    def add_usage(self, usage, actions, groups, prefix=None) -> None:
        super().add_usage(usage, actions, groups, text("help.usage", Parser.lang) if prefix is None else prefix)

    def _split_lines(self, said: str, width: int) -> list[str]:
        return self._wrapped(" ".join(said.split()), width)

    def _fill_text(self, said: str, width: int, indent: str) -> str:
        return "\n".join(indent + line for line in self._wrapped(" ".join(said.split()), width - len(indent)))

    @staticmethod
    def _wrapped(said: str, width: int) -> list[str]:
        """``said`` in lines of at most ``width`` columns: broken at spaces, or (in Chinese) between two wide
        characters; a Latin word (an option, a file name) is never broken, nor a line started by punctuation."""
        lines, line = [], ""
        words = r" +|\S+" if Parser.lang == "en" else r" +|[^\s\u2e80-\uffef]+|[\u2e80-\uffef]"  # en: a name whole
        for token in re.findall(words, said):
            if _columns(line + token.rstrip()) > max(width, 1) and line.strip() and token not in _NO_LINE_START:
                lines.append(line.rstrip())
                line = token.lstrip()
            else:
                line += token
        return [*lines, line.rstrip()] if line.strip() else lines


#: Punctuation a Chinese line does not start with (it stays at the end of the line before).
_NO_LINE_START = frozenset("，。；：、）》」』！？,.;:)")


def _columns(said: str) -> int:
    """Terminal columns of ``said``: two for a wide (CJK) character, one for any other."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in said)


def helped(key: str, *, escaped: bool = True) -> str:
    """The help entry ``help.<key>`` (catalog/help.py) in the language of the command line being parsed
    (:attr:`Parser.lang`); ``escaped``: with argparse's ``%`` doubled, as an option's help needs.

    Examples
    --------
    >>> helped("qa.area_tolerance", escaped=False) == text("help.qa.area_tolerance", Parser.lang)
    True
    """
    said = text(f"help.{key}", Parser.lang)
    return said.replace("%", "%%") if escaped else said


def language_of(argv: list[str]) -> str:
    """The language a command line asks for (``--lang en`` or ``--lang=en``), before it is parsed.

    Examples
    --------
    >>> language_of(["map", "--lang", "en"]), language_of(["map", "--lang=en"]), language_of(["map"])
    ('en', 'en', 'zh')
    """
    for i, arg in enumerate(argv):
        if arg == "--":
            break
        if arg == "--lang=en" or (arg == "--lang" and argv[i + 1:i + 2] == ["en"]):
            return "en"
    return "zh"


def _value_error(template: str, **params) -> argparse.ArgumentTypeError:
    """A type function's refusal, said in the language of the command line being parsed."""
    return argparse.ArgumentTypeError(message(template, **params).render(Parser.lang))


def number_arg(value_text: str, *, lo: float, hi: float, kind=float, what: str = "cli.values.number"):
    """``value_text`` as a finite number in [lo, hi], else an argparse error naming the range (``what``: a word)."""
    try:
        value = kind(value_text)
    except ValueError:
        raise _value_error("expected {what} from {lo:g} to {hi:g}, got {text!r}", what=word(what), lo=lo, hi=hi,
                           text=value_text) from None
    if not (math.isfinite(value) and lo <= value <= hi):
        raise _value_error("expected {what} from {lo:g} to {hi:g}, got {text!r}", what=word(what), lo=lo, hi=hi,
                           text=value_text)
    return value


def dpi_arg(text: str) -> int:
    return number_arg(text, lo=50, hi=1200, kind=int, what="cli.values.dpi")


def classes_arg(text: str) -> int:
    return number_arg(text, lo=2, hi=9, kind=int, what="cli.values.classes")


def tolerance_arg(text: str) -> float:
    return number_arg(text, lo=0, hi=100, what="cli.values.fraction")


def breaks_arg(text: str) -> list[float]:
    """``1,5,10`` (also with ，) → finite, increasing class bounds."""
    parts = [b.strip() for b in text.replace("，", ",").split(",") if b.strip()]
    try:
        values = [float(b) for b in parts]
    except ValueError:
        raise _value_error("expected numbers separated by commas, e.g. 1,5,10; got {text!r}", text=text) from None
    if not values or not all(math.isfinite(v) for v in values):
        raise _value_error("expected finite numbers separated by commas, e.g. 1,5,10; got {text!r}", text=text)
    if any(b <= a for a, b in zip(values, values[1:])):
        raise _value_error("class bounds must increase, e.g. 1,5,10; got {text!r}", text=text)
    return values


_DURATION_UNITS = {"": 1.0, "s": 1.0, "sec": 1.0, "ms": 0.001, "m": 60.0, "min": 60.0, "h": 3600.0}


def duration_arg(text: str) -> float:
    """``300``, ``90s``, ``5min``, ``1h``, ``500ms`` → seconds (a bare number is seconds; 0: no limit)."""

    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*", text.lower())
    if not m or m.group(2) not in _DURATION_UNITS:
        raise _value_error("expected a duration such as 300, 90s, 5min or 1h (0: no limit); got {text!r}", text=text)
    seconds = float(m.group(1)) * _DURATION_UNITS[m.group(2)]
    if seconds > 86400 or (0 < seconds < 0.001):
        raise _value_error("expected a duration from 1ms to 24h (0: no limit); got {text!r}", text=text)
    return seconds


def add_statement_timeout(group) -> None:
    group.add_argument("--statement-timeout", type=duration_arg, default=300.0, metavar="DURATION",
                       help=helped("common.statement_timeout"))


def existing_input(path: str | None, what) -> str | None:
    """``path`` if it is a file; a folder or a missing path is "no such file" (one line)."""
    if path is None:
        return None
    p = Path(path)
    if p.is_dir():
        raise InputError(message("{path}: is a folder, not a {what} file", path=path, what=what))
    if not p.exists():
        raise InputError(message("{path}: no such {what} file", path=path, what=what))
    return path


# --- options shared by several commands -------------------------------------------------------
def add_boundary_options(p: argparse.ArgumentParser, *, parcels_too: bool = False) -> None:
    """``--boundaries`` and the options that say how to read an official township layer.

    ``landgis qa`` reads a second file whose ``--layer`` and ``--crs`` they are; there the boundary
    file's are only ``--boundary-layer`` and ``--boundary-crs`` (accepted by every command).
    """
    layer_opts = ("--boundary-layer",) if parcels_too else ("--layer", "--boundary-layer")
    crs_opts = ("--boundary-crs",) if parcels_too else ("--crs", "--boundary-crs")
    g = p.add_argument_group(helped("common.boundaries_group", escaped=False))
    g.add_argument("--boundaries", metavar="PATH",
                   help=helped("common.boundaries"))
    g.add_argument(*layer_opts, dest="boundary_layer", metavar="NAME",
                   help=helped("common.boundary_layer"))
    g.add_argument("--name-field", metavar="FIELD", help=helped("common.name_field"))
    g.add_argument("--code-field", metavar="FIELD", help=helped("common.code_field"))
    g.add_argument(*crs_opts, dest="boundary_crs", metavar="EPSG",
                   help=helped("common.boundary_crs"))
    g.add_argument("--gcj02", action="store_true", help=helped("common.gcj02"))


def add_county_option(p: argparse.ArgumentParser) -> None:
    """``--county``: every command works on the county the user names, whatever the plan says."""
    p.add_argument("--county", metavar="CODE|NAME",
                   help=helped("common.county"))


def county_arg(args: argparse.Namespace):
    """The county ``--county`` names, resolved once (None when not given)."""

    return lib.find_county(args.county) if args.county else None
