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

import geopandas as gpd

from landgis import __version__
from landgis.files import reproducible_xlsx, write_bytes
from landgis.plan import Finding, Plan
from landgis.printable import printable  # Word's XML cannot hold control characters
from landgis.severity import SEVERITY_WORDS
from landgis.render.images import palette_png
from landgis.render.text import attribution

if TYPE_CHECKING:  # pragma: no cover
    from docx.document import Document as DocxDocument

    from landgis.qa import QAResult

__all__ = ["write_word_report", "report_document"]

_TEXT = {
    "zh": {
        "title": "{place}{year}年度土地供应计划图集说明",
        "made": "由 landgis {v} 依据《{source}》生成",
        "key": "一、主要指标", "findings": "二、计划数据核对", "tables": "三、供应安排", "maps": "四、专题图",
        "qa": "五、地块核查", "sources": "数据来源与说明",
        "total": "《{title}》安排国有建设用地供应总量{v}{u}。",
        "placed": "其中落实到乡镇{v}{u}。", "unplaced": "其中落实到乡镇{v}{u}，另有{gap}{u}未落实到乡镇。",
        "towns": "全市{of}个镇（乡）中有{n}个安排供地{none}。", "none": "，{names}无供应",
        "top": "供应量居前的镇（乡）依次为{items}。", "top_item": "{name}（{v}{u}，占乡镇合计{p}%）", "join": "、",
        "cats": "按用途，{items}。", "cat_item": "{name}{v}{u}（占{p}%）",
        "no_findings": "计划各项数字前后一致：各乡镇合计等于供应总量，各类用地合计等于供应结构。",
        "findings_intro": "计划文本中以下数字前后不一致或需要注意：",
        "structure": "表{n}  供应结构（{u}）", "by_town": "表{n}  分乡镇供应安排（{u}）",
        "category": "用地类型", "code": "代码", "stated": "计划数", "sum": "乡镇合计", "diff": "差额",
        "township": "乡镇", "row_total": "合计", "county": "全市（计划数）", "county_short": "全市",
        "figure": "图", "table": "表", "dash": "—",
        "plan_source": "土地供应计划：{v}", "boundary_source": "乡镇界线：{v}",
        "qa_summary": "核查地块{n}宗，其中有问题{k}宗：错误{e}项，警告{w}项，提示{i}项。",
        "qa_kind": "问题类型", "qa_severity": "级别", "qa_count": "数量", "qa_table": "表{n}  地块核查问题",
        "sev": SEVERITY_WORDS["zh"],
    },
    "en": {
        "title": "{place} {year} land supply plan: atlas report",
        "made": "Made by landgis {v} from “{source}”",
        "key": "1. Key figures", "findings": "2. Checks of the plan's figures", "tables": "3. Supply",
        "maps": "4. Maps", "qa": "5. Parcel checks", "sources": "Sources and notes",
        "total": "“{title}” plans a total supply of {v} {u} of state-owned construction land.",
        "placed": " {v} {u} of it are placed in townships.",
        "unplaced": " {v} {u} of it are placed in townships; {gap} {u} are not placed in any township.",
        "towns": " {n} of the county's {of} townships receive land{none}.", "none": "; {names} receive none",
        "top": " The largest allocations are {items}.", "top_item": "{name} ({v} {u}, {p}% of the township sum)",
        "join": ", ", "cats": " By category: {items}.", "cat_item": "{name} {v} {u} ({p}%)",
        "no_findings": "The plan's figures add up: the townships sum to the total and the categories to the structure.",
        "findings_intro": "These figures of the plan do not add up or need attention:",
        "structure": "Table {n}  Supply by category ({u})", "by_town": "Table {n}  Supply by township ({u})",
        "category": "Category", "code": "Code", "stated": "Stated", "sum": "Township sum", "diff": "Difference",
        "township": "Township", "row_total": "Total", "county": "County (stated)", "county_short": "County",
        "figure": "Figure", "table": "Table", "dash": "–",
        "plan_source": "Land supply plan: {v}", "boundary_source": "Township boundaries: {v}",
        "qa_summary": "{n} parcels checked, {k} with findings: {e} errors, {w} warnings, {i} notes.",
        "qa_kind": "Finding", "qa_severity": "Severity", "qa_count": "Count", "qa_table": "Table {n}  Parcel findings",
        "sev": SEVERITY_WORDS["en"],
    },
}
#: East Asian fonts of Chinese official documents: 宋体 for text, 黑体 for headings.
BODY_FONT, HEADING_FONT = "宋体", "黑体"
PICTURE_WIDTH_CM = 16.0
PICTURE_PIXELS = 1900  # 300 dpi at 16 cm


# --- small helpers ----------------------------------------------------------------------------
def _fmt(value: Decimal | float | None, unit: str) -> str | None:
    """A figure in the chosen unit, with the plan's own digits (亩 rounded to 7 decimals)."""
    from landgis.units import format_decimal, to_unit

    if value is None:
        return None
    if isinstance(value, float):
        value = Decimal(repr(value))
    return format_decimal(to_unit(value, unit), grouping=True)


def _pct(part: Decimal | float, whole: Decimal | float) -> str:
    return f"{float(part) / float(whole) * 100:.1f}" if whole else "0"


def _set_east_asian(style, font: str, size_pt: float | None = None) -> None:
    """The style's East Asian font (w:eastAsia) and language, so that Chinese renders with it."""
    from docx.oxml.ns import qn
    from docx.shared import Pt

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
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

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
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    table = doc.add_table(rows=1 + len(rows), cols=len(header))
    table.autofit = False
    rest = (PICTURE_WIDTH_CM - first_width_cm) / max(1, len(header) - 1)
    widths = [Cm(first_width_cm), *[Cm(rest)] * (len(header) - 1)]
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


def _picture(path: Path) -> io.BytesIO:
    """A map PNG scaled to 300 dpi at the picture's printed width (keeps the .docx small)."""
    return io.BytesIO(palette_png(path, PICTURE_PIXELS, dpi=300))


# --- the sections ------------------------------------------------------------------------------
def _document(title: str, lang: str, footnote: str | None) -> DocxDocument:
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

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


def _key_sentences(plan: Plan, layer: gpd.GeoDataFrame, unit: str, lang: str, source_title: str) -> str:
    from landgis.units import unit_label

    t = _TEXT[lang]
    u = unit_label(unit) if lang == "zh" else unit
    placed = (sum(plan.township_totals_ha.values(), Decimal(0)) if plan.township_totals_ha
              else sum(plan.allocations["hectares_exact"], Decimal(0)))
    stated = plan.stated_total_ha
    text = t["total"].format(title=source_title, v=_fmt(stated if stated is not None else placed, unit), u=u)
    if stated is not None and stated != placed:
        text += t["unplaced"].format(v=_fmt(placed, unit), gap=_fmt(stated - placed, unit), u=u)
    else:
        text += t["placed"].format(v=_fmt(placed, unit), u=u)
    name_col = "name_en" if lang == "en" and "name_en" in layer else "name"
    none = [str(n) for n, v in zip(layer[name_col], layer["total"]) if not v > 0]
    text += t["towns"].format(of=len(layer), n=len(layer) - len(none),
                              none=t["none"].format(names=t["join"].join(none)) if none else "")
    ranked = layer.sort_values("total", ascending=False, kind="stable")
    ranked = ranked[ranked["total"] > 0].head(3)
    town_sum = float(layer["total"].sum())
    text += t["top"].format(items=t["join"].join(
        t["top_item"].format(name=r[name_col], v=_fmt(float(r["total"]), unit), u=u, p=_pct(r["total"], town_sum))
        for _, r in ranked.iterrows()))
    if plan.structure_ha:
        whole = stated if stated is not None else sum(plan.structure_ha.values(), Decimal(0))
        cats = sorted(plan.structure_ha.items(), key=lambda kv: -kv[1])
        text += t["cats"].format(items=t["join"].join(
            t["cat_item"].format(name=_category_name(c, lang), v=_fmt(v, unit), u=u, p=_pct(v, whole))
            for c, v in cats))
    return text


def _category_name(cat: str, lang: str) -> str:
    from landgis.categories import lookup

    found = lookup(cat)
    return found.name_en if lang == "en" and found is not None else cat


def _structure_rows(plan: Plan, layer: gpd.GeoDataFrame, unit: str, lang: str) -> list[list[str | None]]:
    """Category rows, then 全市: the plan's stated total beside what the townships add up to."""
    t = _TEXT[lang]
    placed_by_cat = plan.allocations.groupby("category", sort=False)["hectares_exact"].sum()
    codes = layer.attrs.get("category_codes") or {}
    rows = []
    for cat in layer.attrs["categories"]:
        stated, got = plan.structure_ha.get(cat), placed_by_cat.get(cat)
        diff = None if stated is None or got is None else stated - got
        rows.append([_category_name(cat, lang), codes.get(cat, ""), _fmt(stated, unit), _fmt(got, unit),
                     _fmt(diff, unit)])
    placed = (sum(plan.township_totals_ha.values(), Decimal(0)) if plan.township_totals_ha
              else sum(plan.allocations["hectares_exact"], Decimal(0)))
    stated = plan.stated_total_ha
    rows.append([t["county_short"], "", _fmt(stated, unit), _fmt(placed, unit),
                 None if stated is None else _fmt(stated - placed, unit)])
    return rows


def _township_rows(plan: Plan, layer: gpd.GeoDataFrame, unit: str, lang: str) -> list[list[str | None]]:
    """One row per township of the layer (无供应 ones too), then 乡镇合计 and 全市 (the plan's stated figures)."""
    from landgis.names import match_names

    t = _TEXT[lang]
    cats = list(layer.attrs["categories"])
    exact = {(r.township, r.category): r.hectares_exact for r in plan.allocations.itertuples()}
    to_layer = match_names(list(dict.fromkeys([*plan.allocations["township"], *plan.township_totals_ha])),
                           [str(n) for n in layer["name"]])
    to_plan = {v: k for k, v in to_layer.items()}
    name_col = "name_en" if lang == "en" and "name_en" in layer else "name"
    rows = []
    for _, row in layer.iterrows():
        pname = to_plan.get(str(row["name"]))
        values = [exact.get((pname, c)) if pname else None for c in cats]
        total = plan.township_totals_ha.get(pname) if pname else None
        if total is None and any(v is not None for v in values):
            total = sum((v for v in values if v is not None), Decimal(0))
        rows.append([str(row[name_col]), *[_fmt(v, unit) for v in values], _fmt(total, unit)])
    sums = [sum((v for (tw, c), v in exact.items() if c == cat), Decimal(0)) for cat in cats]
    placed = (sum(plan.township_totals_ha.values(), Decimal(0)) if plan.township_totals_ha else sum(sums, Decimal(0)))
    rows.append([t["sum"], *[_fmt(v, unit) for v in sums], _fmt(placed, unit)])
    rows.append([t["county"], *[_fmt(plan.structure_ha.get(c), unit) for c in cats], _fmt(plan.stated_total_ha, unit)])
    return rows


_SHEETS = {"small-multiples": ("各类用地一览", "Every category"),
           "stacked-bars": ("分乡镇用地构成", "Categories by township")}


def _maps(static_files: list[Path], atlas_dir: Path, layer: gpd.GeoDataFrame, lang: str) -> list[tuple[Path, str]]:
    """The PNG maps and charts in atlas order (categories, total, density, sheets), with their captions."""
    from landgis.render.static import file_stem
    from landgis.render.text import category_title

    columns = [*layer.attrs["categories"], "total", "density", *_SHEETS]
    captions = {file_stem(layer, c, named): (rank, _SHEETS[c][lang != "zh"] if c in _SHEETS else category_title(c, lang))
                for rank, c in enumerate(columns) for named in ("zh", "en")}  # maps drawn in either language
    pngs = [Path(p) for p in static_files if Path(p).suffix.lower() == ".png"]
    ranked = sorted((captions.get(p.stem, (len(columns), p.stem)), atlas_dir / p) for p in pngs)
    return [(path, caption) for (_, caption), path in ranked]


@dataclass
class _Context:
    """What every section needs: the inputs, the texts in the language and the print maps' small print."""

    plan: Plan
    layer: gpd.GeoDataFrame
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
        return self.t["title"].format(place=self.plan.place or "", year=self.plan.year or "")


def _context(plan: Plan, layer: gpd.GeoDataFrame, unit: str, lang: str) -> _Context:
    from landgis.render.gpkg_styles import map_spec
    from landgis.render.text import plan_name, source_title
    from landgis.units import unit_label

    prov = layer.attrs.get("provenance") or {}
    return _Context(
        plan=plan, layer=layer, unit=unit, lang=lang, t=_TEXT[lang], u=unit_label(unit) if lang == "zh" else unit,
        footer=map_spec(layer, "total", unit=unit, lang=lang).footer if _has_geometry(layer) else [],
        footnote=prov.get("footnote") if lang == "zh" else prov.get("footnote_en") or prov.get("footnote"),
        provenance=prov,
        source_name=plan_name(plan) or (Path(plan.source).name if plan.source and plan.source != "<text>"
                                        else plan.source),
        source_title=source_title(layer, lang),
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
    doc.add_paragraph(printable(_key_sentences(ctx.plan, ctx.layer, ctx.unit, ctx.lang, ctx.source_title)))


def _findings_section(doc: DocxDocument, ctx: _Context, findings: list[Finding]) -> None:
    doc.add_heading(ctx.t["findings"], level=1)
    if not findings:
        doc.add_paragraph(ctx.t["no_findings"])
        return
    doc.add_paragraph(ctx.t["findings_intro"])
    for f in findings:
        doc.add_paragraph(printable(f.text(ctx.lang, ctx.unit)), style="List Bullet")


def _tables_section(doc: DocxDocument, ctx: _Context) -> int:
    """The structure and township tables; returns how many tables were numbered."""
    t, layer = ctx.t, ctx.layer
    doc.add_heading(t["tables"], level=1)
    _caption_text(doc, t["structure"].format(n=1, u=ctx.u))
    _table(doc, [t["category"], t["code"], t["stated"], t["sum"], t["diff"]],
           _structure_rows(ctx.plan, layer, ctx.unit, ctx.lang), numeric_from=2,
           bold_rows={len(layer.attrs["categories"])}, dash=t["dash"])
    _caption_text(doc, t["by_town"].format(n=2, u=ctx.u))
    rows = _township_rows(ctx.plan, layer, ctx.unit, ctx.lang)
    _table(doc, [t["township"], *[_category_name(c, ctx.lang) for c in layer.attrs["categories"]], t["row_total"]],
           rows, numeric_from=1, bold_rows={len(rows) - 2, len(rows) - 1}, dash=t["dash"])
    return 2


def _maps_section(doc: DocxDocument, ctx: _Context, static_files: list[Path], atlas_dir: Path) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm

    doc.add_heading(ctx.t["maps"], level=1)
    for number, (path, caption) in enumerate(_maps(static_files, atlas_dir, ctx.layer, ctx.lang), start=1):
        doc.add_picture(_picture(path), width=Cm(PICTURE_WIDTH_CM))
        doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
        doc.paragraphs[-1].paragraph_format.keep_with_next = True
        _seq_caption(doc, ctx.t["figure"], number, caption)


def _sources_section(doc: DocxDocument, ctx: _Context) -> None:
    """The maps' small print (source, boundary note, CRS), the files, and the 示意 footnote on its own."""
    t, prov = ctx.t, ctx.provenance
    doc.add_heading(t["sources"], level=1)
    lines = [*ctx.footer[:1], t["plan_source"].format(v=ctx.source_name)]
    if not ctx.footer:  # no map small print (no township layer): say where the boundaries would come from
        lines.append(t["boundary_source"].format(v=attribution(prov, ctx.lang) or "—"))
    for line in (*lines, *ctx.footer[1:]):
        doc.add_paragraph(printable(line))
    if ctx.footnote:
        doc.add_paragraph(printable(ctx.footnote)).runs[0].bold = True


def report_document(*, plan: Plan, findings: list[Finding], layer: gpd.GeoDataFrame, static_files: list[Path],
                    atlas_dir: Path, qa: QAResult | None = None, unit: str = "ha", lang: str = "zh") -> DocxDocument:
    """The report as a python-docx Document (see :func:`write_word_report`)."""
    ctx = _context(plan, layer, unit, lang)
    doc = _document(ctx.title, lang, ctx.footnote)
    _title_block(doc, ctx)
    _key_section(doc, ctx)
    _findings_section(doc, ctx, findings)
    n_tables = _tables_section(doc, ctx)
    _maps_section(doc, ctx, static_files, atlas_dir)
    if qa is not None:
        _qa_section(doc, qa, ctx.t, lang, n_tables + 1)
    _sources_section(doc, ctx)
    return doc


def _caption_text(doc: DocxDocument, text: str) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    p = doc.add_paragraph(printable(text), style="Caption")
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.keep_with_next = True


def _qa_section(doc: DocxDocument, qa: QAResult, t: dict, lang: str, n_table: int) -> None:
    from landgis.qa import KIND_LABELS

    s = qa.summary
    sev = s.get("by_severity", {})
    doc.add_heading(t["qa"], level=1)
    doc.add_paragraph(t["qa_summary"].format(n=s["n_parcels"], k=s["n_with_findings"], e=sev.get("error", 0),
                                             w=sev.get("warning", 0), i=sev.get("info", 0)))
    if len(qa.findings):
        counts = qa.findings.groupby(["kind", "severity"], sort=False).size().reset_index(name="count")
        rows = [[KIND_LABELS.get(r.kind, r.kind) if lang == "zh" else r.kind.replace("_", " "),
                 t["sev"].get(r.severity, r.severity), str(int(r.count))] for r in counts.itertuples()]
        _caption_text(doc, t["qa_table"].format(n=n_table))
        _table(doc, [t["qa_kind"], t["qa_severity"], t["qa_count"]], rows, numeric_from=2)


def write_word_report(path: str | Path, *, plan: Plan, findings: list[Finding], layer: gpd.GeoDataFrame,
                      static_files: list[Path], atlas_dir: Path, qa: QAResult | None = None, unit: str = "ha",
                      lang: str = "zh") -> Path:
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

    Returns
    -------
    Path
    """
    doc = report_document(plan=plan, findings=findings, layer=layer, static_files=static_files,
                          atlas_dir=Path(atlas_dir), qa=qa, unit=unit, lang=lang)
    buf = io.BytesIO()
    doc.save(buf)
    return write_bytes(path, reproducible_xlsx(buf.getvalue()))  # fixed zip times and core dates: any OOXML
