"""拟供地块分布图: parcels by category over the townships, constraint layers hatched; in the atlas and its reports."""

from __future__ import annotations

import csv
import json

import matplotlib.text
import pytest
from matplotlib.colors import to_rgba

from landgis.categories import colour_for
from landgis.cli import main
from landgis.qa import qa
from landgis.render.parcel_map import parcel_map
from test_constraints import site  # noqa: F401 - the 三区三线 layers as bureaus store them, and five parcels


@pytest.fixture(scope="module")
def checked(site, towns, plan):  # noqa: F811
    return qa(site["parcels"], towns, plan, constraint_folder=site["folder"])


def _texts(fig) -> list[str]:
    return [t.get_text() for t in fig.findobj(matplotlib.text.Text) if t.get_text()]


def test_sheet_colours_parcels_by_category_and_hatches_each_constraint(checked, layer, plan):
    fig = parcel_map(checked, layer, county=plan.county, unit="mu")
    assert fig.landgis_parcel_counts == {"住宅用地": 2, "工矿仓储用地": 1, "公园与绿地": 1, "商服用地": 1}
    words = _texts(fig)
    assert any(w.endswith("拟供地块分布图") and w.startswith("连州市2026年度土地供应计划") for w in words)
    assert "北" in words and "公里" in words                      # north arrow, scale bar
    assert any(w.startswith("资料来源：《连州市2026年度土地供应计划》") for w in words)
    assert any(w.startswith("坐标系：CGCS2000") for w in "\n".join(words).split("\n"))
    assert any("连州市在清远市的位置" in w for w in words)           # locator
    for name in ("永久基本农田", "生态保护红线", "城镇开发边界", "用地类型", "控制线"):
        assert name in words, name
    assert any(w.startswith("工矿仓储用地") and "(1 宗)" in w for w in words)
    hatches = {c.get_hatch() for c in fig.findobj(lambda a: hasattr(a, "get_hatch")) if c.get_hatch()}
    assert {"////", "\\\\\\\\", ".."} <= hatches
    # the parcels' fills are the categories' standard colours, the choropleths' colours
    fills = {tuple(round(v, 4) for v in fc) for c in fig.axes[0].collections if c.get_zorder() == 5
             for fc in c.get_facecolors()}
    assert fills == {tuple(round(v, 4) for v in to_rgba(colour_for(c)))
                     for c in ("住宅用地", "工矿仓储用地", "公园与绿地", "商服用地")}
    # the summary's overlap is the QA's, in 亩
    t = checked.constraints
    jbnt = t[(t["constraint"] == "永久基本农田") & (t["overlap_m2"] > 0)]
    assert f"与永久基本农田重叠：{len(jbnt)} 宗，{jbnt['overlap_m2'].sum() * 15 / 10_000:,.1f} 亩" in "\n".join(words)
    assert fig.axes[0].get_xlabel() == "" and fig.axes[0].get_ylabel() == ""


def test_sheet_in_english(checked, layer, plan):
    words = _texts(parcel_map(checked, layer, county=plan.county, lang="en"))
    assert any(w.endswith(": Proposed parcels") for w in words)
    assert "N" in words and "km" in words and "Land-use category" in words
    assert not any("宗" in w or "公顷" in w or "工矿仓储用地" in w for w in words)
    assert any(w.startswith("Industrial, mining and storage") for w in words)


@pytest.mark.slow  # builds an atlas
def test_atlas_draws_the_sheet_and_reports_constraints(site, tmp_path, capsys):  # noqa: F811
    from docx import Document

    out = tmp_path / "atlas"
    code = main(["atlas", "--parcels", str(site["parcels"]), "--constraints", str(site["folder"]),
                 "--format", "png,pdf", "--unit", "mu", "--out", str(out)])
    assert code == 0, capsys.readouterr().err
    assert (out / "maps" / "拟供地块分布图.png").stat().st_size > 50_000
    assert (out / "maps" / "拟供地块分布图.pdf").read_bytes().startswith(b"%PDF")
    html = (out / "index.html").read_text("utf-8")
    assert "拟供地块分布图" in html and 'href="maps/拟供地块分布图.pdf"' in html
    with open(out / "qa" / "constraints_by_township.csv", encoding="utf-8-sig") as fh:
        by = list(csv.DictReader(fh))
    table = html[html.index('id="qa-constraints"'):]
    table = table[:table.index("</table>")]
    assert "分乡镇三区三线核对" in table and "重叠面积（亩）" in table
    for row in by:
        assert f"<td class=\"text\">{row['管控图层']}</td>" in table
        assert f"{float(row['重叠面积（亩）']):,.2f}" in table
    doc = Document(str(out / "报告.docx"))
    paragraphs = [p.text for p in doc.paragraphs]
    captions = [p.text for p in doc.paragraphs if p.style.name == "Caption"]
    assert any(c.startswith("图") and c.endswith("拟供地块分布图") for c in captions)  # a numbered figure
    assert any("分乡镇三区三线核对" in p for p in paragraphs)
    cells = {c.text for tbl in doc.tables for r in tbl.rows for c in r.cells}
    assert {"永久基本农田", "生态保护红线", "城镇开发边界", "重叠面积（亩）"} <= cells
    manifest = json.loads((out / "manifest.json").read_text("utf-8"))
    assert manifest["options"]["parcel_options"]["constraint_folder"] == str(site["folder"])
    listed = {i["path"] for i in manifest["inputs"] if i["role"] == "constraints (folder)"}
    assert str(site["folder"] / "YJJBNT.shp") in listed and str(site["folder"] / "YJJBNT.dbf") in listed


def test_atlas_constraints_need_parcels(site, tmp_path, capsys):  # noqa: F811
    assert main(["atlas", "--constraints", str(site["folder"]), "--out", str(tmp_path / "a")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "--parcels" in err[0]
    assert not (tmp_path / "a").exists()
