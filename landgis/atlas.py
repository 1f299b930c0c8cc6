"""The one-command atlas: every map, table and check for one plan, with an HTML report and a manifest.

The atlas is built in a temporary folder beside the destination and swapped into place only when
every step has succeeded, so a failure part-way leaves the previous atlas untouched.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Callable

import geopandas as gpd
import pandas as pd

from landgis.catalog import CATALOG, either, message, table, text, word
from landgis import folders
from landgis.allocation import join, plan_units
from landgis.townships import load_townships
from landgis.county import County, resolve_county
from landgis.errors import InputError
from landgis.figures import Figures, compute_figures, layer_figures
from landgis.files import write_csv, write_text, write_xlsx
from landgis.folders import remove_stale, staged_folder
from landgis.plan import SEED_PLAN, Finding, Plan, parse_plan, reconcile
from landgis.qa import qa, write_qa
from landgis.render.execution_chart import execution_chart
from landgis.render.fonts import RunFont, one_webfont_per_run
from landgis.render.parcel_map import render_parcel_map
from landgis.render.outline import no_layer_line, outline_layer, render_outline_maps
from landgis.render.drawing import meanwhile
from landgis.render.static import render_maps, save_figure
from landgis.render.text import plan_name
from landgis.secrets import display
from landgis.severity import severity_word
from landgis.units import display_unit, unit_label
from landgis.version import __version__

# The web map, the reports and the QGIS project (landgis.render.interactive, qa_map, report, word_report,
# qgis_project) are imported inside functions, where the atlas makes them, after the drawing: its worker
# processes then fork from a parent without folium, branca, requests and python-docx (issue 23: with the
# readers' openpyxl and pypdf, some 40 MB less at the atlas's peak of memory). tests/test_package.py lists them.

if TYPE_CHECKING:  # pragma: no cover
    from landgis.qa import QAResult

__all__ = ["AtlasResult", "build_atlas", "check_destination", "remove_stale", "default_out_dir", "allocation_tables"]



@dataclass
class AtlasResult:
    """What :func:`build_atlas` wrote.

    Attributes
    ----------
    out_dir : Path
        The atlas folder.
    report : Path
        ``index.html`` in it.
    files : list of Path
        Every file written, relative to ``out_dir``.
    plan : Plan
    findings : list of Finding
    layer : geopandas.GeoDataFrame
        The joined allocation layer.
    qa : object or None
        The QA result when parcels were given.
    """

    out_dir: Path
    report: Path
    files: list[Path]
    plan: Plan
    findings: list[Finding]
    layer: gpd.GeoDataFrame
    qa: QAResult | None = None
    manifest: dict = field(default_factory=dict)


def default_out_dir(plan: Plan, county: County, root: str | Path = "maps") -> Path:
    """``maps/<county>-<year>``: one folder per plan inside ``maps/``, named by the atlas' county in pinyin.

    Examples
    --------
    >>> from landgis.county import find_county
    >>> from landgis.plan import SEED_PLAN, parse_plan
    >>> default_out_dir(parse_plan(SEED_PLAN), find_county("怀集县")).as_posix()
    'maps/huaiji-2026'
    """
    slug = re.sub(r"[^a-z0-9]+", "-", county.name_en.lower()).strip("-") or county.code
    return Path(root) / f"{slug}-{plan.year or 'undated'}"


def build_atlas(
    plan: str | Path | Plan = SEED_PLAN,
    *,
    townships: gpd.GeoDataFrame | None = None,
    boundaries: str | Path | None = None,
    boundary_options: dict | None = None,
    parcels: str | Path | gpd.GeoDataFrame | None = None,
    parcel_options: dict | None = None,
    out: str | Path | None = None,
    unit: str = "ha",
    lang: str = "zh",
    formats: tuple[str, ...] = ("png", "svg", "pdf"),
    progress: Callable[[str], None] | None = None,
    county=None,
) -> AtlasResult:
    """Build the whole atlas for a plan.

    Parameters
    ----------
    plan : path, str or Plan
        The plan (the shipped Lianzhou 2026 seed by default).
    townships : GeoDataFrame, optional
        An already loaded township layer; otherwise ``boundaries`` is loaded.
    boundaries : path, optional
        An official township layer (the shipped Lianzhou layer by default).
    boundary_options : dict, optional
        Keyword arguments for :func:`landgis.townships.load_townships` (layer, name_field …).
    parcels : path or GeoDataFrame, optional
        Parcels to check; the QA outputs are added to the atlas.
    parcel_options : dict, optional
        Keyword arguments for :func:`landgis.qa.qa` (id_field, township_field …).
    out : path, optional
        The atlas folder; ``maps/<county>-<year>`` by default.
    unit : {"ha", "mu", "m2"}
        Unit of the maps, tables and sentences (densities are always 公顷/平方公里).
    lang : {"zh", "en"}
        Language of the report.
    formats : tuple of str
        Formats of the static maps.
    progress : callable, optional
        Called with a line for each step (``print`` in the CLI), in ``lang``.
    county : str or landgis.county.County, optional
        Whose plan it is (``--county``): the plan is read against it, the maps, tables and folder
        name are its. When not given, ``plan.county`` (the county the plan's text names); a plan
        that names none needs it (:class:`InputError` otherwise). Without a township layer for the
        county the atlas shows its outline and totals, and says which layer to give.

    Returns
    -------
    AtlasResult

    Raises
    ------
    InputError
        For bad input; the previous atlas, if any, is left as it was.
    """

    unit = display_unit(unit)
    if lang not in ("zh", "en"):
        raise InputError(message("lang must be 'zh' or 'en', not {lang!r}", lang=lang))
    steps = _Steps(progress, lang, total=7 if parcels is not None else 6)
    run = _read_inputs(plan, county, townships, boundaries, boundary_options, parcels, unit, lang, formats, steps)
    dest = check_destination(out if out is not None else default_out_dir(run.plan, run.county),
                             inputs=_input_paths(run.plan, boundaries, parcels))
    with staged_folder(dest) as work, one_webfont_per_run() as font:  # one web-font subset for every page
        pages = _Pages(font)
        steps(3, "drawing the static maps and charts")
        static_files, map_layer = _draw_maps(run, work)
        qa_result = None
        if parcels is not None:
            steps(4, "checking the parcels")
            qa_result = _check_parcels(run, parcels, parcel_options, work, pages)
            static_files += render_parcel_map(qa_result, run.layer, work / "maps", county=run.county,
                                              formats=run.formats, unit=unit, lang=lang)
        common = dict(plan=run.plan, findings=run.findings, layer=run.layer, qa=qa_result, figures=run.figures,
                      static_files=[Path(p).relative_to(work) for p in static_files], atlas_dir=work, unit=unit,
                      lang=lang, county=run.county)
        # 报告.docx, 图层.gpkg and 图集.qgz need nothing from the pages: a second process writes them meanwhile
        with meanwhile(_write_documents, run, work, common):
            steps(steps.total - 2, "making the interactive map")
            map_fragment = _web_map(run, map_layer, work, pages)
            steps(steps.total - 1, "writing the allocation tables")
            _write_tables(run.plan, run.findings, run.layer, work / "tables", unit=unit, lang=lang,
                          county=run.county, figures=run.figures)
            steps(steps.total, "writing the reports, the QGIS project and the manifest")
            pages.add(work / "index.html", _report(map_fragment, common), redacted=True)
            pages.write()
        manifest = _write_manifest(run, work, boundaries, boundary_options, parcels, parcel_options)

    files = sorted(p.relative_to(dest) for p in dest.rglob("*") if p.is_file())
    return AtlasResult(dest, dest / "index.html", files, run.plan, run.findings, run.layer, qa_result, manifest)


@dataclass
class _Run:
    """What every step of one atlas run shares: the plan read once, its county, and the one figures model."""

    plan: Plan
    county: County
    findings: list[Finding]
    towns: gpd.GeoDataFrame
    layer: gpd.GeoDataFrame
    figures: Figures
    outline_only: bool
    unit: str
    lang: str
    formats: tuple[str, ...]


class _Steps:
    """The numbered progress lines (``[3/6] 绘制专题图和统计图``), in the run's language."""

    def __init__(self, progress: Callable[[str], None] | None, lang: str, total: int) -> None:
        self.say = progress or (lambda line: None)
        self.lang = lang
        self.total = total

    def __call__(self, n: int, text: str) -> None:
        self.say(f"[{n}/{self.total}] {_STEPS[text][0 if self.lang == 'zh' else 1]}")


def _read_inputs(plan, county, townships, boundaries, boundary_options, parcels, unit: str, lang: str,
                 formats: tuple[str, ...], steps: _Steps) -> _Run:
    """Steps 1 and 2: read the plan, resolve its county, load its townships (or its outline), join, model."""
    steps(1, "reading the plan")
    the_plan = plan if isinstance(plan, Plan) else parse_plan(plan, county)
    the_county = resolve_county(county if county is not None else the_plan.county, what=word("term.the_atlas"))
    findings = reconcile(the_plan)
    steps(2, "loading township boundaries")
    outline_only = townships is None and boundaries is None and the_county.shipped_layer() is None
    if outline_only:  # no layer for this county: its units without geometry, drawn as its outline
        if parcels is not None:
            raise InputError(message("parcels can only be checked against township boundaries; {the_county}",
                                     the_county=either(no_layer_line(the_county, "zh", the_plan.scope),
                                                       no_layer_line(the_county, "en", the_plan.scope))))
        steps.say(no_layer_line(the_county, lang, the_plan.scope))
        towns, _ = plan_units(the_plan, the_county)  # reconcile's finding names the areas that are no unit
        findings.append(Finding("no_layer", no_layer_line(the_county, "zh", the_plan.scope), severity="warning",
                                message_en=no_layer_line(the_county, "en", the_plan.scope)))
    else:
        towns = townships if townships is not None else load_townships(
            boundaries, county=the_county, **(boundary_options or {}))
    layer = join(the_plan, towns)
    figures = compute_figures(the_plan, layer, the_county, unit, lang, has_layer=not outline_only)
    return _Run(the_plan, the_county, findings, towns, layer, figures, outline_only, unit, lang, tuple(formats))


def _draw_maps(run: _Run, work: Path) -> tuple[list[Path], gpd.GeoDataFrame]:
    """The print maps and charts, and the layer the web map and QGIS draw (the townships, or the outline)."""
    if run.outline_only:
        files = render_outline_maps(run.layer, run.county, work / "maps", formats=run.formats, unit=run.unit,
                                    lang=run.lang, figures=run.figures)
        return files, outline_layer(run.layer, run.county, run.figures)
    files = render_maps(run.layer, work / "maps", formats=run.formats, unit=run.unit, lang=run.lang,
                        county=run.county, figures=run.figures)
    return files, run.layer


class _Pages:
    """The run's HTML pages, held until the last is made: then the web font is subset once, to every
    page's characters (:func:`landgis.render.fonts.one_webfont_per_run`), and each page is written."""

    def __init__(self, font: RunFont) -> None:
        self.font = font
        self.pending: list[tuple[Path, str, bool]] = []

    def add(self, path: Path, html: str, *, redacted: bool = False) -> None:
        """A page to write to ``path``; ``redacted`` through :func:`write_text` (no registered password),
        else as it is (:func:`write_html`)."""
        self.pending.append((path, html, redacted))

    def write(self) -> None:
        from landgis.render.interactive import write_html

        for path, html, redacted in self.pending:
            if redacted:
                write_text(path, self.font.fill(html))
            else:
                write_html(self.font.fill(html), path)
        self.pending.clear()


def _report(map_fragment: str, common: dict) -> str:
    """index.html's text."""
    from landgis.render.report import render_report

    return render_report(map_fragment=map_fragment, **common)


def _web_map(run: _Run, map_layer: gpd.GeoDataFrame, work: Path, pages: _Pages) -> str:
    """``web_map.html`` (to ``pages``); returns the same map as a fragment for the report."""
    from landgis.render.interactive import fragment_html, self_contained_html, web_map

    wmap = web_map(map_layer, unit=run.unit, lang=run.lang, county=run.county, figures=run.figures)
    pages.add(work / "web_map.html", self_contained_html(wmap))
    return fragment_html(wmap)


def _check_parcels(run: _Run, parcels, parcel_options: dict | None, work: Path, pages: _Pages) -> QAResult:
    """QA of the parcels against the townships and the plan, written to ``qa/`` with its map (to ``pages``)."""
    from landgis.render.qa_map import qa_map_html
    from landgis.render.report import EXECUTION_CHART

    result = qa(parcels, run.towns, run.plan, county=run.county, **(parcel_options or {}))
    write_qa(result, work / "qa", lang=run.lang, unit=run.unit)
    pages.add(work / "qa" / "qa_map.html", qa_map_html(result, lang=run.lang, unit=run.unit))
    if result.execution is not None:
        chart = execution_chart(result.execution, title=plan_name(run.plan) or "", unit=run.unit, lang=run.lang)
        save_figure(chart, work / EXECUTION_CHART, dpi=200)
    return result


def _write_documents(run: _Run, work: Path, common: dict) -> None:
    """图层.gpkg and 图集.qgz (when there are township polygons), and 报告.docx."""
    from landgis.render.qgis_project import write_qgis_outputs
    from landgis.render.word_report import write_word_report

    if not run.outline_only:  # without township polygons there is nothing to style
        write_qgis_outputs(run.layer, work, qa=common["qa"], unit=run.unit, lang=run.lang,
                           county=run.county, figures=run.figures)
    write_word_report(work / "报告.docx", **common)


def _write_manifest(run: _Run, work: Path, boundaries, boundary_options: dict | None, parcels,
                    parcel_options: dict | None) -> dict:
    """``manifest.json``: every input with its checksum, the options, every output with its checksum."""
    inputs = _inputs(run.plan, None if run.outline_only else boundaries, parcels, shipped=not run.outline_only)
    inputs += _constraint_inputs(parcel_options or {})
    options = {"county": run.county.as_dict(), "unit": run.unit, "lang": run.lang, "formats": list(run.formats),
               "boundary_options": boundary_options or {}, "parcel_options": _shown(parcel_options or {})}
    manifest = _manifest(work, inputs, options)
    write_text(work / "manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2) + "\n")
    return manifest


def _shown(value):
    """Options as the manifest may hold them: connection strings (a constraint layer in PostGIS) redacted,
    GeoDataFrames named by their source."""
    if isinstance(value, dict):
        return {k: _shown(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_shown(v) for v in value]
    if isinstance(value, gpd.GeoDataFrame):
        return display(str(value.attrs.get("source", "<in memory>")))
    if isinstance(value, Path):
        return str(value)
    return display(value) if isinstance(value, str) else value


_STEPS = {text(f"atlas_step.{k}", "en"): (text(f"atlas_step.{k}", "zh"), text(f"atlas_step.{k}", "en"))
          for k in table("atlas_step")}  # the progress lines, by their English


# --- tables -----------------------------------------------------------------------------------
def allocation_tables(plan: Plan, findings: list[Finding], layer: gpd.GeoDataFrame,
                      unit: str = "ha", lang: str = "zh", *, county: County,
                      figures: Figures | None = None) -> dict[str, pd.DataFrame]:
    """The atlas' tables: by township, by category, and the findings, in the chosen unit.

    Every figure is the run's (:mod:`landgis.figures`), rounded as the report and the maps show it.

    Returns
    -------
    dict of str to DataFrame
        Keyed by sheet name (按乡镇 / 按用地类型 / 核对结果, or English names with ``lang="en"``).
    """

    figs = layer_figures(layer, county, unit, lang, figures)
    level = figs.unit_level  # 区县 for a city's plan by district, in sheet names and headers alike
    zh = lang == "zh"
    label = unit_label(unit) if zh else unit
    cats = list(figs.categories)
    county_ha = figs.total.county
    by_town = pd.DataFrame({"code": layer["code"].to_numpy(), "name": layer["name"].to_numpy()})
    for c in cats:
        by_town[c] = [figs.number(v) if figs.broken_down else None for v in layer[c]]
    # a plan with no figure by township leaves these cells empty (not 0: the plan does not say 无供应)
    town_ha = [figs.townships.get(str(n), Decimal(0)) if figs.broken_down else None for n in layer["name"]]
    by_town["total"] = [figs.number(v) for v in town_ha]
    has_area = figs.area_km2 is not None
    by_town["density"] = [float(v) / a if has_area and v is not None and a and a == a else None
                          for v, a in zip(town_ha, layer["area_km2"])]
    by_town["share"] = [float(v) / float(county_ha) * 100 if county_ha and v is not None else None for v in town_ha]
    by_town = by_town.rename(columns={
        "code": text("tables.code", lang),
        "name": text("qa.quota_headers.township", lang, unit_level=level),
        **{c: text("tables.category_in_unit", lang, c=c, label=label) for c in cats},
        "total": text("tables.total", lang, label=label),
        "density": text("tables.density", lang),
        "share": text("tables.share_of_county", lang, whole=figs.whole),
    })
    if not has_area:  # no township layer: no areas, so no densities (said, not printed as nan)
        by_town = by_town.rename(columns={by_town.columns[-2]: text("tables.density_no_layer", lang,
                                                                    unit_level=level)})

    rows = []
    # 合计 is the plan's stated total, beside the townships' sum, as on the maps and in the report.
    for name, column in [*((c, c) for c in cats), (text("tables.total_row", lang), "total")]:
        fig = figs.columns[column]
        rows.append({
            (text("qa.finding_headers.category", lang)): name,
            (text("tables.code", lang)): layer.attrs.get("category_codes", {}).get(column, ""),
            (text("tables.county_plan", lang, label=label, whole=figs.whole)): figs.number(fig.stated),
            (text("tables.sum_over_townships", lang, label=label, unit_level=level)): figs.number(fig.townships),
            (text("tables.difference_plan_townships", lang, label=label, unit_level=level)):
                figs.number(fig.difference),
        })
    by_cat = pd.DataFrame(rows)

    find = pd.DataFrame([{
        (text("qa.finding_headers.kind", lang)): text(f"plan_kind.{f.kind}", lang) if f"plan_kind.{f.kind}" in CATALOG else f.kind,
        (text("tables.severity", lang)): severity_word(f.severity, lang),
        (text("qa.quota_headers.township", lang, unit_level=level)): f.township,
        (text("qa.finding_headers.category", lang)): f.category,
        (text("tables.stated", lang, label=label)): figs.number(f.stated_ha),
        (text("tables.computed", lang, label=label)): figs.number(f.computed_ha),
        (text("tables.difference", lang, label=label)): figs.number(f.difference_ha),
        (text("qa.finding_headers.message", lang)): f.text(lang, unit),
    } for f in findings])
    names = (text("tables.sheet_by_township", lang, unit_level=level), text("tables.sheet_by_category", lang),
             text("tables.sheet_findings", lang))
    return dict(zip(names, (by_town, by_cat, find)))


def _write_tables(plan: Plan, findings: list[Finding], layer: gpd.GeoDataFrame, folder: Path,
                  unit: str, lang: str, county: County, figures: Figures) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    tables = allocation_tables(plan, findings, layer, unit=unit, lang=lang, county=county, figures=figures)
    first = next(iter(tables.values()))
    csv_path = folder / "allocations.csv"
    write_csv(first, csv_path)  # UTF-8 with BOM for Excel; text that looks like a formula stays text
    xlsx_path = folder / "allocations.xlsx"
    label = unit_label(unit) if lang == "zh" else unit
    figure_columns = {str(c) for df in tables.values() for c in df.columns
                      if f"（{label}）" in str(c) or f"({label})" in str(c)}
    write_xlsx(tables, xlsx_path, number_formats={c: figures.number_format for c in figure_columns})
    return [csv_path, xlsx_path]


# --- manifest and files -----------------------------------------------------------------------
def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _input_files(path: Path) -> list[Path]:
    """The files one input consists of: a shapefile's sidecars with the .shp."""
    if path.suffix.lower() == ".shp":
        return sorted(p for p in path.parent.glob(path.stem + ".*") if p.is_file())
    return [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())


def _inputs(plan: Plan, boundaries, parcels, shipped: bool = True) -> list[dict]:
    out: list[dict] = []
    src = Path(plan.source) if plan.source and plan.source != "<text>" else None
    if src is not None and src.resolve() == SEED_PLAN:  # by name, like the shipped layer: the same in every install
        out.append({"role": "plan (shipped)", "path": SEED_PLAN.name, "size": SEED_PLAN.stat().st_size,
                    "sha256": _sha256(SEED_PLAN)})
    elif src is not None and src.exists():
        out += [{"role": "plan", "path": str(p), "size": p.stat().st_size, "sha256": _sha256(p)}
                for p in _input_files(src)]
    else:
        out.append({"role": "plan", "path": None,
                    "sha256": hashlib.sha256(plan.text.encode("utf-8")).hexdigest()})
    if boundaries is None and not shipped:
        out.append({"role": "boundaries", "path": None, "note": "no township layer: county outline only"})
    elif boundaries is None:
        shipped = Path(str(resources.files("landgis.shipped")))
        out += [{"role": "boundaries (shipped)", "path": p.name, "size": p.stat().st_size, "sha256": _sha256(p)}
                for p in sorted(shipped.iterdir()) if p.suffix in (".geojson", ".gpkg")]
    else:
        out += [{"role": "boundaries", "path": str(p), "size": p.stat().st_size, "sha256": _sha256(p)}
                for p in _input_files(Path(boundaries))]
    if isinstance(parcels, (str, Path)) and "://" not in str(parcels):
        out += [{"role": "parcels", "path": str(p), "size": p.stat().st_size, "sha256": _sha256(p)}
                for p in _input_files(Path(parcels))]
    elif parcels is not None:  # read from PostGIS: its source with the password redacted
        out.append({"role": "parcels", "path": getattr(parcels, "attrs", {}).get("source") or "<in memory>"})
    return out


def _constraint_inputs(options: dict) -> list[dict]:
    """The constraint layers given to the QA (files with their checksums; a database by its redacted URL)."""
    out: list[dict] = []
    given = dict(options.get("constraints") or {})
    if options.get("constraint_folder") is not None:
        given["(folder)"] = options["constraint_folder"]
    if options.get("constraint_rules") is not None:
        given["(rules)"] = options["constraint_rules"]
    for name, spec in given.items():
        source = spec.get("source") if isinstance(spec, dict) else spec[0] if isinstance(spec, tuple) else spec
        role = f"constraint {name}" if not name.startswith("(") else f"constraints {name}"
        if isinstance(source, (str, Path)) and Path(source).exists():
            out += [{"role": role, "path": str(p), "size": p.stat().st_size, "sha256": _sha256(p)}
                    for p in _input_files(Path(source))]
        else:  # PostGIS (redacted) or a GeoDataFrame
            out.append({"role": role, "path": _shown(source)})
    return out


def _manifest(folder: Path, inputs: list[dict], options: dict) -> dict:
    outputs = [
        {"path": p.relative_to(folder).as_posix(), "size": p.stat().st_size, "sha256": _sha256(p)}
        for p in sorted(folder.rglob("*")) if p.is_file() and p.name != "manifest.json"
    ]
    return {"landgis_version": __version__, "options": options, "inputs": inputs, "outputs": outputs}


def check_destination(out: str | Path, inputs=()) -> Path:
    """``out`` as an atlas folder, or :class:`InputError` before any work is done.

    A file, a link, a device, or a folder with other things in it than an earlier atlas (its
    ``manifest.json``) is refused: the atlas replaces the folder as a whole. So are the current
    folder, a folder holding one of the ``inputs`` and a path inside a folder a run builds in
    (:func:`landgis.folders.check_destination`).

    Examples
    --------
    >>> check_destination("maps/lianzhou-2026")  # doctest: +SKIP
    PosixPath('maps/lianzhou-2026')
    """
    return folders.check_destination(out, earlier=_is_atlas, what=word("term.atlas"), inputs=inputs)


def _input_paths(plan: Plan, boundaries, parcels) -> list:
    """The input files of an atlas, which its folder must not hold."""
    paths = [plan.source if plan.source and plan.source != "<text>" else None, boundaries]
    if isinstance(parcels, (str, Path)):
        paths.append(parcels)
    return paths


def _is_atlas(folder: Path) -> bool:
    try:
        return "landgis_version" in json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
