"""The atlas report as a Word document (``报告.docx``), made with python-docx.

What a planner pastes into a memo or a 规划说明: the key figures and the findings as sentences, the
structure and township tables as real Word tables (numbers right-aligned, as text a reader sees, never
formulas), each map as a picture with a numbered caption (图1 … as a SEQ field, so Word renumbers), and
the sources with the 示意 footnote. Only Word's built-in styles are used (Heading 1, Normal, Caption,
Table Grid — 标题 1, 正文, 题注 in a Chinese Word), so a planner's template takes over; their East Asian
font is set (宋体/黑体) so that Chinese renders in Word and LibreOffice alike.

Examples
--------
>>> write_word_report("报告.docx", plan=plan, findings=findings, layer=layer,
...                   static_files=files, atlas_dir=folder)  # doctest: +SKIP
PosixPath('报告.docx')
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

import docx
import geopandas as gpd
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from landgis.catalog import table
from landgis.qa.execution import execution_table, rate_text
from landgis.render.report import EXECUTION_CHART
from landgis.units import PRECISION, unit_key
from landgis.county import County, resolve_county
from landgis.files import reproducible_xlsx, write_bytes
from landgis.figures import Figures, layer_figures
from landgis.plan import Finding, Plan
from landgis.printable import printable  # Word's XML cannot hold control characters
from landgis.qa.labels import kind_label
from landgis.render.gpkg_styles import map_spec
from landgis.render.images import palette_png
from landgis.render.parcel_map import PARCEL_MAP_CAPTION, PARCEL_MAP_STEM, constraint_rows
from landgis.render.static import file_stem
from landgis.render.text import attribution, boundary_note, category_title, place_name, plan_name, source_title
from landgis.severity import SEVERITY_WORDS
from landgis.units import unit_label
from landgis.version import __version__

if TYPE_CHECKING:  # pragma: no cover
    from docx.document import Document as DocxDocument

    from landgis.qa import QAResult

__all__ = ["write_word_report", "report_document"]

def _words(lang: str, unit_level: str = "township", county: County | None = None) -> dict:
    """The report's words in ``lang``, naming the plan's units (乡镇, or 区县 for a city) and the county as a
    whole (全县, 全市 …: its level's words from the catalogue)."""
    level = county.level_words(lang) if county is not None else None
    return {**table("word", lang, unit_level=unit_level, level=level), "sev": SEVERITY_WORDS[lang]}
#: East Asian fonts of Chinese official documents: 宋体 for text, 黑体 for headings.
BODY_FONT, HEADING_FONT = "宋体", "黑体"
TEXT_WIDTH_CM = 16.0  # A4 portrait, 2.5 cm margins
# The maps' landscape pages: a sheet 26.2 cm wide (18.5 cm high, with its caption inside 0.8 cm margins), so
# that an A4 sheet's 8 pt township labels print at 7.06 pt.
PICTURE_WIDTH_CM = 26.2


# --- small helpers ----------------------------------------------------------------------------
def _pct(part: Decimal | float, whole: Decimal | float) -> str:
    return f"{float(part) / float(whole) * 100:.1f}" if whole else "0"


def _set_east_asian(style, font: str, size_pt: float | None = None) -> None:
    """The style's East Asian font (w:eastAsia) and language, so that Chinese renders with it."""

    rpr = style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.insert(0, fonts)
    fonts.set(qn("w:eastAsia"), font)
    fonts.set(qn("w:hint"), "eastAsia")
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = rpr.makeelement(qn("w:lang"), {})
        rpr.append(lang)
    lang.set(qn("w:eastAsia"), "zh-CN")
    if size_pt is not None:
        style.font.size = Pt(size_pt)


def _seq_caption(doc: DocxDocument, label: str, number: int, text: str) -> None:
    """A Caption paragraph ``图1 text`` whose number is a SEQ field (Word renumbers and cross-references it)."""

    p = doc.add_paragraph(style="Caption")
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.add_run(label)
    fld = OxmlElement("w:fldSimple")
    fld.set(qn("w:instr"), f" SEQ {label} \\* ARABIC ")
    run = OxmlElement("w:r")
    t = OxmlElement("w:t")
    t.text = str(number)
    run.append(t)
    fld.append(run)
    p._p.append(fld)
    p.add_run(f"  {printable(text)}")


def _table(doc: DocxDocument, header: list[str], rows: list[list[str | None]], *, numeric_from: int,
           bold_rows: set[int] = frozenset(), dash: str = "—", first_width_cm: float = 2.6) -> None:
    """A Table Grid table; columns from ``numeric_from`` right-aligned; the header repeats on every page."""

    table = doc.add_table(rows=1 + len(rows), cols=len(header))
    table.autofit = False
    widths = [Cm(w) for w in _column_widths(header, rows, numeric_from, first_width_cm)]
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    trpr = table.rows[0]._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    trpr.append(repeat)
    for r, values in enumerate([header, *rows]):
        for c, value in enumerate(values):
            cell = table.cell(r, c)
            cell.width = widths[c]
            para = cell.paragraphs[0]
            run = para.add_run(dash if value is None else printable(value))
            run.font.size = Pt(8.5)
            run.bold = r == 0 or (r - 1) in bold_rows
            if r == 0:
                para.alignment = WD_ALIGN_PARAGRAPH.CENTER
            elif c >= numeric_from:
                para.alignment = WD_ALIGN_PARAGRAPH.RIGHT
                cell._tc.get_or_add_tcPr().append(OxmlElement("w:noWrap"))  # a number never breaks


def _text_cm(text: str | None, bold: bool = False) -> float:
    """The printed width of a cell's text at 8.5 pt, in cm (a Han character is about twice a digit)."""
    if not text:
        return 0.0
    em = 8.5 * 2.54 / 72 * (1.06 if bold else 1.0)
    return sum(em if ord(ch) > 0x2E7F else em * 0.56 for ch in str(text))


def _column_widths(header: list[str], rows: list[list[str | None]], numeric_from: int,
                   first_width_cm: float) -> list[float]:
    """Widths from the content: every number fits on one line; the space left goes to the headers."""
    pad = 0.25  # the cell's left and right margins
    need = []
    for c in range(len(header)):
        cells = [row[c] for row in rows if c < len(row)]
        widest = max((_text_cm(v, bold=True) for v in cells), default=0.0) + pad
        need.append(max(widest, first_width_cm if c < numeric_from and c == 0 else 0.9))
    spare = TEXT_WIDTH_CM - sum(need)
    if spare <= 0:
        return need  # wider than the text: numbers still never wrap, the table runs into the margin
    wants = [max(0.0, _text_cm(h, bold=True) + pad - n) for h, n in zip(header, need)]
    total_want = sum(wants)
    if total_want == 0:
        return [n + spare / len(need) for n in need]
    return [n + spare * w / total_want if total_want > spare else n + w + (spare - total_want) / len(need)
            for n, w in zip(need, wants)]


def _add_picture(doc: DocxDocument, picture: io.BytesIO, width_cm: float) -> None:
    """A centred picture in a paragraph of its own, kept with its caption (the next paragraph).

    The paragraph is single-spaced with no space around it: the template's 1.15 lines scaled the picture's
    line too, and an 18.5 cm map with its caption then overflowed the landscape page, leaving the caption
    alone on the next page (in LibreOffice, ten such pages for ten maps).
    """
    doc.add_picture(picture, width=Cm(width_cm))
    paragraph = doc.paragraphs[-1].paragraph_format
    doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.keep_with_next = True
    paragraph.line_spacing, paragraph.space_before, paragraph.space_after = 1.0, Pt(0), Pt(0)


def _picture(path: Path) -> io.BytesIO:
    """A map as the report shows it: the map's own 300 dpi PNG, its very bytes.

    Printed 26.2 cm wide it is 340 dpi. A 256-colour copy resampled to 300 dpi made the seed's .docx 4.6 MB
    instead of 6.0, but cost 0.4 s of CPU a map (resampling and quantising 9 million pixels), and its edges
    were the palette's approximation of the drawing.
    """
    return io.BytesIO(path.read_bytes())


# --- the sections ------------------------------------------------------------------------------
def _document(title: str, lang: str, footnote: str | None) -> DocxDocument:
    doc = docx.Document()
    for name, font, size in (("Normal", BODY_FONT, 10.5), ("Title", HEADING_FONT, 18), ("Heading 1", HEADING_FONT, 14),
                             ("Heading 2", HEADING_FONT, 12), ("Caption", BODY_FONT, 9), ("Subtitle", BODY_FONT, 10.5)):
        _set_east_asian(doc.styles[name], font, size)
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2.5)
    section.top_margin = section.bottom_margin = Cm(2.2)
    if footnote:  # the 示意 note on every page
        para = section.footer.paragraphs[0]
        para.alignment = WD_ALIGN_PARAGRAPH.CENTER
        para.add_run(printable(footnote)).font.size = Pt(8)
    doc.core_properties.title = printable(title)
    doc.core_properties.author = f"landgis {__version__}"
    doc.core_properties.language = "zh-CN" if lang == "zh" else "en"
    return doc


def _key_sentences(figs: Figures, layer: gpd.GeoDataFrame, source_title: str) -> str:
    """The paste-ready paragraph: the plan's total, the townships' sum and its difference, the largest."""
    t = _words(figs.lang, figs.unit_level, figs.county)
    u = unit_label(figs.unit) if figs.lang == "zh" else figs.unit

    def v(value) -> str:
        return figs.text(value, label=False)

    total = figs.total
    text = t["total"].format(title=source_title, v=v(total.county), u=u)
    if not figs.broken_down:  # no figure by township: say so, and nothing about receiving townships
        return text + t["no_breakdown"].format(what=figs.label("no_breakdown")) + _category_sentence(figs, t, v, u)
    gap = figs.gap("total")
    if gap is None:
        text += t["placed"].format(v=v(total.townships), u=u)
    else:
        key = "unplaced" if total.difference > 0 else "over"
        text += t[key].format(v=v(total.townships), gap=v(abs(total.difference)), u=u)
    name_col = "name_en" if figs.lang == "en" and "name_en" in layer else "name"
    shown = dict(zip(layer["name"].astype(str), layer[name_col].astype(str)))
    none = [shown[n] for n, x in figs.townships.items() if not x > 0]
    text += t["towns"].format(of=len(layer), n=len(layer) - len(none),
                              none=t["none"].format(names=t["join"].join(none)) if none else "")
    ranked = sorted(((x, n) for n, x in figs.townships.items() if x > 0), key=lambda p: -p[0])[:3]
    text += t["top"].format(items=t["join"].join(
        t["top_item"].format(name=shown[n], v=v(x), u=u, p=_pct(x, total.townships)) for x, n in ranked))
    return text + _category_sentence(figs, t, v, u)


def _category_sentence(figs: Figures, t: dict, v, u: str) -> str:
    """按用途，住宅用地…（占…%）: the plan's stated structure, largest first; empty when it states none."""
    stated = [(c, figs.columns[c].stated) for c in figs.categories if figs.columns[c].stated is not None]
    if not stated:
        return ""
    whole = figs.total.stated if figs.total.stated is not None else sum((x for _, x in stated), Decimal(0))
    return t["cats"].format(items=t["join"].join(
        t["cat_item"].format(name=category_title(c, figs.lang), v=v(x), u=u, p=_pct(x, whole))
        for c, x in sorted(stated, key=lambda kv: -kv[1])))


def _structure_rows(figs: Figures, layer: gpd.GeoDataFrame) -> list[list[str | None]]:
    """Category rows, then 全市: the plan's stated figures beside what the townships add up to."""
    t = _words(figs.lang, figs.unit_level, figs.county)
    codes = layer.attrs.get("category_codes") or {}

    def row(name: str, code: str, column: str) -> list[str | None]:
        fig = figs.columns[column]
        return [name, code, _cell(figs, fig.stated), _cell(figs, fig.townships), _cell(figs, fig.difference)]

    rows = [row(category_title(c, figs.lang), codes.get(c, ""), c) for c in figs.categories]
    rows.append(row(t["county_short"], "", "total"))
    return rows


def _cell(figs: Figures, value: Decimal | None) -> str | None:
    """A table figure at the report's table precision (the HTML's); ``None`` shows as a dash."""
    return None if value is None else figs.text(value, "table", label=False)


def _township_rows(plan: Plan, figs: Figures, layer: gpd.GeoDataFrame) -> list[list[str | None]]:
    """One row per township of the layer (无供应 ones too), then 乡镇合计 and 全市 (the plan's stated figures)."""

    t = _words(figs.lang, figs.unit_level, figs.county)
    cats = figs.categories
    exact = {(r.township, r.category): r.hectares_exact for r in plan.allocations.itertuples()}
    to_plan: dict[str, str] = {}
    for pname, lname in (layer.attrs.get("township_names") or {}).items():
        to_plan.setdefault(str(lname), pname)
    name_col = "name_en" if figs.lang == "en" and "name_en" in layer else "name"
    rows = []
    for _, row in layer.iterrows():
        pname = to_plan.get(str(row["name"]))
        value = figs.townships.get(str(row["name"]), Decimal(0))
        rows.append([str(row[name_col]), *[_cell(figs, exact.get((pname, c))) for c in cats],
                     _cell(figs, value) if value else None])
    rows.append([t["sum"], *[_cell(figs, figs.columns[c].townships) for c in cats], _cell(figs, figs.total.townships)])
    rows.append([t["county"], *[_cell(figs, figs.columns[c].stated) for c in cats], _cell(figs, figs.total.stated)])
    return rows


_SHEETS = {"small-multiples": ("各类用地一览", "Every category"),
           "stacked-bars": ("分乡镇用地构成", "Categories by township")}


def _maps(static_files: list[Path], atlas_dir: Path, layer: gpd.GeoDataFrame, lang: str) -> list[tuple[Path, str]]:
    """The PNG maps and charts in atlas order (categories, total, density, sheets), with their captions."""

    columns = [*layer.attrs["categories"], "total", "density", *_SHEETS]
    captions = {file_stem(layer, c, named): (rank, _SHEETS[c][lang != "zh"] if c in _SHEETS else category_title(c, lang))
                for rank, c in enumerate(columns) for named in ("zh", "en")}  # maps drawn in either language
    captions.update({stem: (len(columns) - 0.5, PARCEL_MAP_CAPTION[lang != "zh"]) for stem in PARCEL_MAP_STEM})
    pngs = [Path(p) for p in static_files if Path(p).suffix.lower() == ".png"]
    ranked = sorted((captions.get(p.stem, (len(columns), p.stem)), atlas_dir / p) for p in pngs)
    return [(path, caption) for (_, caption), path in ranked]


@dataclass
class _Context:
    """What every section needs: the inputs, the texts in the language and the print maps' small print."""

    plan: Plan
    layer: gpd.GeoDataFrame
    figs: Figures
    unit: str
    lang: str
    t: dict
    u: str
    footer: list[str]
    footnote: str | None
    provenance: dict
    source_name: str
    source_title: str

    @property
    def title(self) -> str:
        return self.t["title"].format(place=place_name(self.plan.place or "", self.lang, self.figs.county),
                                      year=self.plan.year or "")


def _context(plan: Plan, layer: gpd.GeoDataFrame, unit: str, lang: str, county: County,
             figures: Figures | None) -> _Context:
    prov = layer.attrs.get("provenance") or {}
    figs = layer_figures(layer, county, unit, lang, figures)
    return _Context(
        plan=plan, layer=layer, figs=figs, unit=unit, lang=lang, t=_words(lang, figs.unit_level, figs.county), u=unit_label(unit) if lang == "zh" else unit,
        footer=map_spec(layer, "total", unit=unit, lang=lang, county=county, figures=figs).footer
        if _has_geometry(layer) else [],
        footnote=boundary_note(prov, lang),
        provenance=prov,
        source_name=plan_name(plan) or (Path(plan.source).name if plan.source and plan.source != "<text>"
                                        else plan.source),
        source_title=source_title(layer, lang, county),
    )


def _has_geometry(layer: gpd.GeoDataFrame) -> bool:
    """Whether the townships have polygons (a county without a township layer has none)."""
    geoms = layer.geometry
    return bool(geoms.notna().any()) and not bool(geoms.dropna().is_empty.all())


def _title_block(doc: DocxDocument, ctx: _Context) -> None:
    doc.add_paragraph(printable(ctx.title), style="Title")
    doc.add_paragraph(printable(ctx.t["made"].format(v=__version__, source=ctx.source_name)), style="Subtitle")


def _key_section(doc: DocxDocument, ctx: _Context) -> None:
    doc.add_heading(ctx.t["key"], level=1)
    doc.add_paragraph(printable(_key_sentences(ctx.figs, ctx.layer, ctx.source_title)))


def _findings_section(doc: DocxDocument, ctx: _Context, findings: list[Finding]) -> None:
    doc.add_heading(ctx.t["findings"], level=1)
    if not findings:
        doc.add_paragraph(ctx.t["no_findings"])
        return
    doc.add_paragraph(ctx.t["findings_intro"])
    for f in findings:
        doc.add_paragraph(printable(f.text(ctx.lang, ctx.unit, ctx.figs.names)), style="List Bullet")


def _tables_section(doc: DocxDocument, ctx: _Context) -> int:
    """The structure and township tables; returns how many tables were numbered."""
    t, layer = ctx.t, ctx.layer
    doc.add_heading(t["tables"], level=1)
    _caption_text(doc, t["structure"].format(n=1, u=ctx.u))
    _table(doc, [t["category"], t["code"], t["stated"], t["sum"], t["diff"]],
           _structure_rows(ctx.figs, layer), numeric_from=2,
           bold_rows={len(layer.attrs["categories"])}, dash=t["dash"])
    _caption_text(doc, t["by_town"].format(n=2, u=ctx.u))
    rows = _township_rows(ctx.plan, ctx.figs, layer)
    _table(doc, [t["township"], *[category_title(c, ctx.lang) for c in layer.attrs["categories"]], t["row_total"]],
           rows, numeric_from=1, bold_rows={len(rows) - 2, len(rows) - 1}, dash=t["dash"])
    return 2


def _maps_section(doc: DocxDocument, ctx: _Context, static_files: list[Path], atlas_dir: Path) -> None:
    maps = _maps(static_files, atlas_dir, ctx.layer, ctx.lang)
    doc.add_heading(ctx.t["maps"], level=1)  # on the text's page; the maps follow, one landscape page each
    if maps:
        doc.add_paragraph(ctx.t["maps_list"].format(n=len(maps), items=ctx.t["join"].join(
            f"{ctx.t['figure']}{k}{' ' if ctx.lang == 'en' else ''}{printable(c)}"
            for k, (_, c) in enumerate(maps, start=1))))
    for number, (path, caption) in enumerate(maps, start=1):
        if number == 1:
            _page_orientation(doc, landscape=True)  # a landscape page's full width: labels print at 7 pt or more
        _add_picture(doc, _picture(path), PICTURE_WIDTH_CM)
        _seq_caption(doc, ctx.t["figure"], number, caption)


def _page_orientation(doc: DocxDocument, landscape: bool) -> None:
    """A new section on a new page, A4 landscape (1.5 cm side margins) or portrait (as the text)."""
    section = doc.add_section(WD_SECTION.NEW_PAGE)
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (Cm(29.7), Cm(21.0)) if landscape else (Cm(21.0), Cm(29.7))
    section.left_margin = section.right_margin = Cm(1.5 if landscape else 2.5)
    section.top_margin = section.bottom_margin = Cm(0.8 if landscape else 2.2)
    section.header_distance = section.footer_distance = Cm(0.3 if landscape else 1.25)


def _sources_section(doc: DocxDocument, ctx: _Context) -> None:
    """The maps' small print (source, boundary note, CRS), the files, and the 示意 footnote on its own."""
    t, prov = ctx.t, ctx.provenance
    doc.add_heading(t["sources"], level=1)
    lines = [*ctx.footer[:1], t["plan_source"].format(v=ctx.source_name)]
    if not ctx.footer:  # no map small print (no township layer): say where the boundaries would come from
        lines.append(t["boundary_source"].format(v=attribution(prov, ctx.lang, ctx.figs.unit_level) or "—"))
    for line in (*lines, *ctx.footer[1:]):
        doc.add_paragraph(printable(line))
    if ctx.footnote:
        doc.add_paragraph(printable(ctx.footnote)).runs[0].bold = True


def report_document(*, plan: Plan, findings: list[Finding], layer: gpd.GeoDataFrame, static_files: list[Path],
                    atlas_dir: Path, qa: QAResult | None = None, unit: str = "ha", lang: str = "zh",
                    county: County | str | None = None, figures: Figures | None = None) -> DocxDocument:
    """The report as a python-docx Document (see :func:`write_word_report`)."""
    ctx = _context(plan, layer, unit, lang, resolve_county(county, what="the Word report"), figures)
    doc = _document(ctx.title, lang, ctx.footnote)
    _title_block(doc, ctx)
    _key_section(doc, ctx)
    _findings_section(doc, ctx, findings)
    n_tables = _tables_section(doc, ctx)
    _maps_section(doc, ctx, static_files, atlas_dir)
    _page_orientation(doc, landscape=False)
    if qa is not None:
        _qa_section(doc, qa, ctx.t, lang, n_tables + 1, unit)
        if getattr(qa, "execution", None) is not None:
            _execution_section(doc, qa.execution, ctx, atlas_dir, n_tables + 1 + bool(len(qa.findings)))
    _sources_section(doc, ctx)
    return doc


def _caption_text(doc: DocxDocument, text: str) -> None:
    p = doc.add_paragraph(printable(text), style="Caption")
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.keep_with_next = True


def _qa_section(doc: DocxDocument, qa: QAResult, t: dict, lang: str, n_table: int, unit: str = "ha") -> None:
    s = qa.summary
    sev = s.get("by_severity", {})
    doc.add_heading(t["qa"], level=1)
    doc.add_paragraph(t["qa_summary"].format(n=s["n_parcels"], k=s["n_with_findings"], e=sev.get("error", 0),
                                             w=sev.get("warning", 0), i=sev.get("info", 0)))
    if len(qa.findings):
        counts = qa.findings.groupby(["kind", "severity"], sort=False).size().reset_index(name="count")
        rows = [[kind_label(r.kind, lang),
                 t["sev"].get(r.severity, r.severity), str(int(r.count))] for r in counts.itertuples()]
        _caption_text(doc, t["qa_table"].format(n=n_table))
        _table(doc, [t["qa_kind"], t["qa_severity"], t["qa_count"]], rows, numeric_from=2)
        n_table += 1
    header, rows = constraint_rows(qa, unit, lang)
    if header:
        _caption_text(doc, t["qa_constraints"].format(n=n_table))
        _table(doc, header, rows, numeric_from=2)


def _execution_section(doc: DocxDocument, ex, ctx: _Context, atlas_dir: Path, n_table: int) -> None:
    """计划执行情况: the overall rate, the table by period and method (and the total), the chart and the notes."""

    t, lang = ctx.t, ctx.lang
    table = execution_table(ex, lang, ctx.unit, exact=True)
    places = PRECISION[unit_key(ctx.unit)]["table"]

    def num(v) -> str:
        return f"{v:,.{places}f}"

    doc.add_heading(t["execution"], level=2)
    first = table.iloc[0, 0] if len(table) else None
    u = ctx.u
    rows, bold = [], set()
    for r in table.itertuples(index=False):
        is_cells = r[0] == first
        if is_cells and r[1] not in ("合计", "total"):
            continue
        name = r[1] if is_cells else (r[3] or r[4])
        if name in ("合计", "total"):
            bold.add(len(rows))
        if is_cells:
            doc.add_paragraph(t["exec_summary"].format(v=num(r[6]), u=u, p=num(r[5]), r=rate_text(r[7])))
        rows.append([r[0], name, r[9] if r[5] is None or r[5] != r[5] else num(r[5]), num(r[6]), rate_text(r[7]),
                     str(int(r[8]))])
    _caption_text(doc, t["exec_table"].format(n=n_table, u=u))
    _table(doc, [t["exec_item"], t["exec_name"], t["exec_planned"], t["exec_supplied"], t["exec_rate"], t["exec_n"]],
           rows, numeric_from=2, bold_rows=bold, dash=t["dash"])
    chart = atlas_dir / EXECUTION_CHART
    if chart.exists():
        _add_picture(doc, io.BytesIO(palette_png(chart, 2000, dpi=300)), TEXT_WIDTH_CM)
        _caption_text(doc, t["exec_chart"])
    for note in ex.note_texts(lang):
        doc.add_paragraph(printable(note))


def write_word_report(path: str | Path, *, plan: Plan, findings: list[Finding], layer: gpd.GeoDataFrame,
                      static_files: list[Path], atlas_dir: Path, qa: QAResult | None = None, unit: str = "ha",
                      lang: str = "zh", county: County | str | None = None,
                      figures: Figures | None = None) -> Path:
    """Write ``报告.docx``: key figures and findings as sentences, tables, captioned maps, sources.

    Parameters
    ----------
    path : str or Path
        The ``.docx`` to write (completely or not at all; re-runs give the same bytes).
    plan, findings, layer
        The parsed plan, its reconciliation findings and the joined allocation layer.
    static_files : list of Path
        The static maps, relative to ``atlas_dir``; each PNG becomes a captioned picture.
    atlas_dir : Path
    qa : QAResult, optional
        Parcel checks, summarised in their own section.
    unit : {"ha", "mu"}
    lang : {"zh", "en"}
    county : landgis.county.County or str
        The county of the report (required).
    figures : landgis.figures.Figures, optional
        The run's figures; computed from ``layer`` when not given.

    Returns
    -------
    Path
    """
    doc = report_document(plan=plan, findings=findings, layer=layer, static_files=static_files,
                          atlas_dir=Path(atlas_dir), qa=qa, unit=unit, lang=lang, county=county, figures=figures)
    buf = io.BytesIO()
    doc.save(buf)
    return write_bytes(path, reproducible_xlsx(buf.getvalue()))  # fixed zip times and core dates: any OOXML
