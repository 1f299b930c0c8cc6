"""The ``landgis`` command's argument values and the options several of its commands share.

argparse type functions check a value where it is typed (``--dpi 20000`` is one line, exit 2); the
option groups (township layer, county) are declared once for every command that takes them.
"""

from __future__ import annotations

import argparse
import math
import re
from pathlib import Path

from landgis import commands as lib  # the county registry (geopandas) is loaded when --county is read
from landgis.catalog import CATALOG, message, text, word
from landgis.errors import InputError

__all__ = ["Parser", "language_of", "number_arg", "dpi_arg", "classes_arg", "tolerance_arg", "breaks_arg", "duration_arg",
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
                       help="longest a statement reading PostGIS may run, e.g. 90s, 5min, 1h "
                            "(default 5min; 0: no limit)")


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
    g = p.add_argument_group("township boundaries (default: the layer shipped for the county, if any)")
    g.add_argument("--boundaries", metavar="PATH",
                   help="township layer: Shapefile (.shp or .zip), GeoPackage, GeoJSON or KML")
    g.add_argument(*layer_opts, dest="boundary_layer", metavar="NAME",
                   help="layer of the boundary GeoPackage (default: its only polygon layer)")
    g.add_argument("--name-field", metavar="FIELD", help="field with the township name (found by itself: XZQMC, 乡镇名称, NAME …)")
    g.add_argument("--code-field", metavar="FIELD", help="field with the township code (found by itself: XZQDM …)")
    g.add_argument(*crs_opts, dest="boundary_crs", metavar="EPSG",
                   help="CRS of a layer that has none, e.g. 4490 or 4525 (Gauss-Krüger zone 37)")
    g.add_argument("--gcj02", action="store_true", help="the layer was digitised on a 高德/腾讯 (GCJ-02) basemap")


def add_county_option(p: argparse.ArgumentParser) -> None:
    """``--county``: every command works on the county the user names, whatever the plan says."""
    p.add_argument("--county", metavar="CODE|NAME",
                   help="the county (or city, for a plan by district): 441224, 怀集县, 肇庆市怀集县, 佛山市; "
                        "default: the county the plan names")


def county_arg(args: argparse.Namespace):
    """The county ``--county`` names, resolved once (None when not given)."""

    return lib.find_county(args.county) if args.county else None
