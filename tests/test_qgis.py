"""The GeoPackage with QGIS styles and the QGIS project — checked as files, then opened by QGIS itself.

QGIS is Debian's (``python3-qgis``, run with Debian's ``/usr/bin/python3``, headless with
``QT_QPA_PLATFORM=offscreen``; ``tests/setup.sh`` installs it). One QGIS run opens the moved project,
reports its layers, renders the 工矿仓储用地 map theme to a PNG and exports that print layout to PDF; the
tests below read what it wrote.
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import sqlite3
import subprocess
import unicodedata
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest

from landgis.render.gpkg_styles import ALLOCATION, OUTLINE, PARCELS, STRUCTURE, map_spec, styled_layers
from landgis.render.qgis_project import GPKG_NAME, PROJECT_NAME, write_qgis_outputs
from landgis.county import find_county

LIANZHOU = find_county("441882")  # the county of the seed plan, passed to every renderer

ARTIFACTS = Path(__file__).parent / "artifacts"
QGIS_PYTHON = os.environ.get("LANDGIS_QGIS_PYTHON", "/usr/bin/python3")
INDUSTRIAL = "工矿仓储用地"

# Run by Debian's Python with QGIS: argv = project, output folder. Writes report.json, theme.png, layout.pdf/png.
QGIS_SCRIPT = r"""
import json, sys
from pathlib import Path
from qgis.core import (QgsApplication, QgsProject, QgsMapSettings, QgsMapRendererParallelJob,
                       QgsLayoutExporter)
from qgis.PyQt.QtCore import QSize
from qgis.PyQt.QtGui import QColor

QgsApplication.setPrefixPath("/usr", True)
app = QgsApplication([], False)
app.initQgis()
project_path, out = sys.argv[1], Path(sys.argv[2])
theme = sys.argv[3]
proj = QgsProject.instance()
report = {"read": proj.read(project_path), "crs": proj.crs().authid(), "layers": {}}
for layer in proj.mapLayers().values():
    styles = layer.styleManager().styles()
    report["layers"][layer.name()] = {
        "valid": layer.isValid(), "crs": layer.crs().authid(), "features": layer.featureCount(),
        "source": layer.source(), "styles": styles, "current": layer.styleManager().currentStyle(),
        "renderer": layer.renderer().type() if layer.renderer() else None}
themes = proj.mapThemeCollection()
report["themes"] = themes.mapThemes()
settings = QgsMapSettings()
settings.setDestinationCrs(proj.crs())
settings.setLayers(themes.mapThemeVisibleLayers(theme))
settings.setLayerStyleOverrides(themes.mapThemeStyleOverrides(theme))
alloc = [l for l in proj.mapLayers().values() if l.name() == sys.argv[4]][0]
extent = alloc.extent()
extent.scale(1.05)
settings.setExtent(extent)
settings.setOutputSize(QSize(1400, int(1400 * extent.height() / extent.width())))
settings.setBackgroundColor(QColor(255, 255, 255))
job = QgsMapRendererParallelJob(settings)
job.start()
job.waitForFinished()
job.renderedImage().save(str(out / "theme.png"), "PNG")
e = settings.visibleExtent()
report["render"] = {"extent": [e.xMinimum(), e.yMinimum(), e.xMaximum(), e.yMaximum()],
                    "size": [settings.outputSize().width(), settings.outputSize().height()]}
layouts = proj.layoutManager()
report["layouts"] = [l.name() for l in layouts.layouts()]
layout = layouts.layoutByName(theme)
exporter = QgsLayoutExporter(layout)
report["pdf"] = exporter.exportToPdf(str(out / "layout.pdf"), QgsLayoutExporter.PdfExportSettings())
image = QgsLayoutExporter.ImageExportSettings()
image.dpi = 120
report["png"] = exporter.exportToImage(str(out / "layout.png"), image)
(out / "report.json").write_text(json.dumps(report, ensure_ascii=False), encoding="utf-8")
app.exitQgis()
"""


@pytest.fixture(scope="module")
def qa_result(plan, towns, tmp_path_factory):
    from landgis.qa import qa

    csv = tmp_path_factory.mktemp("parcels") / "地块.csv"
    csv.write_text(
        "地块编号,所属乡镇,用地类型,面积（公顷）,经度,纬度\n"
        "LZ-001,龙坪镇,工矿仓储用地,5.2,112.4777,24.82078\n"
        "LZ-002,连州,商服用地,1.0,112.38667,24.91722\n"
        "LZ-003,九陂镇,商服用地,0.8,112.36611,24.66944\n", encoding="utf-8")
    return qa(csv, towns, plan)


@pytest.fixture(scope="module")
def project(layer, qa_result, tmp_path_factory):
    """The GeoPackage and project written, then the folder moved (the project must still find its layers)."""
    built = tmp_path_factory.mktemp("qgis") / "atlas"
    write_qgis_outputs(layer, built, qa=qa_result, county=LIANZHOU)
    moved = built.parent / "搬走后的图集"
    shutil.move(str(built), str(moved))
    return moved


def _run_qgis(project: Path, out: Path, theme: str):
    script = out / "probe.py"
    script.write_text(QGIS_SCRIPT, encoding="utf-8")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", HOME=str(out), XDG_RUNTIME_DIR=str(out))
    env.pop("PYTHONPATH", None)
    proc = subprocess.run([QGIS_PYTHON, str(script), str(project / PROJECT_NAME), str(out), theme, ALLOCATION],
                          env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0 and (out / "report.json").exists(), proc.stderr[-3000:]
    return out, json.loads((out / "report.json").read_text("utf-8"))


@pytest.fixture(scope="module")
def qgis_run(project, tmp_path_factory):
    out, report = _run_qgis(project, tmp_path_factory.mktemp("qgis-out"), INDUSTRIAL)
    ARTIFACTS.mkdir(exist_ok=True)
    shutil.copy(out / "layout.png", ARTIFACTS / "qgis-layout.png")
    return out, report


def _gpkg(project: Path) -> sqlite3.Connection:
    return sqlite3.connect(project / GPKG_NAME)


# --- the GeoPackage, as a file -----------------------------------------------------------------
def test_geopackage_is_version_1_2_with_every_layer(project):
    con = _gpkg(project)
    assert con.execute("PRAGMA application_id").fetchone()[0] == 0x47504B47  # "GPKG"
    assert con.execute("PRAGMA user_version").fetchone()[0] == 10200
    contents = dict(con.execute("SELECT table_name, data_type FROM gpkg_contents"))
    assert contents == {ALLOCATION: "features", OUTLINE: "features", PARCELS: "features",
                        STRUCTURE: "attributes", "layer_styles": "attributes"}
    srs = {t: s for t, s in con.execute("SELECT table_name, srs_id FROM gpkg_geometry_columns")}
    assert set(srs.values()) == {4546}  # CGCS2000 3° Gauss-Krüger, CM 111°E: the zone of Lianzhou's centre


def test_layer_styles_table_is_the_one_qgis_writes(project):
    con = _gpkg(project)
    cols = [r[1] for r in con.execute("PRAGMA table_info(layer_styles)")]
    assert cols == ["id", "f_table_catalog", "f_table_schema", "f_table_name", "f_geometry_column", "styleName",
                    "styleQML", "styleSLD", "useAsDefault", "description", "owner", "ui", "update_time"]
    rows = con.execute("SELECT f_table_name, f_geometry_column, styleName, useAsDefault FROM layer_styles").fetchall()
    alloc = [r for r in rows if r[0] == ALLOCATION]
    assert [r[2] for r in alloc] == ["供应总量", "公用设施用地", "商服用地", "住宅用地", INDUSTRIAL, "公园与绿地",
                                     "交通运输用地", "供应强度"]
    assert [r[2] for r in alloc if r[3]] == ["供应总量"]  # the total is the default
    assert {r[0] for r in rows} == {ALLOCATION, OUTLINE, PARCELS}
    assert all(r[1] == "geom" for r in rows)
    for table in (OUTLINE, PARCELS):
        assert sum(r[3] for r in rows if r[0] == table) == 1


def test_category_style_has_the_print_maps_classes(project, layer):
    cls = map_spec(layer, INDUSTRIAL, county=LIANZHOU).classification
    qml = _gpkg(project).execute("SELECT styleQML FROM layer_styles WHERE styleName = ?", (INDUSTRIAL,)).fetchone()[0]
    root = ET.fromstring(qml.split("\n", 1)[1])
    renderer = root.find("renderer-v2")
    # QGIS draws each township by the class landgis gave it (a class field), never by re-reading class bounds
    assert renderer.get("type") == "categorizedSymbol" and renderer.get("attr") == f"{INDUSTRIAL}_分级"
    cats = renderer.findall("categories/category")
    assert [c.get("label") for c in cats] == [*reversed(cls.labels), "无供应"]  # the PNG's legend order
    assert [c.get("value") for c in cats] == [*(str(k) for k in range(len(cls.labels), 0, -1)), "0"]
    symbols = {s.get("name"): s for s in renderer.findall("symbols/symbol")}
    fills = [symbols[c.get("symbol")].find("layer/Option/Option[@name='color']").get("value") for c in cats[:-1]]
    assert fills == [",".join(str(int(c[i:i + 2], 16)) for i in (1, 3, 5)) + ",255" for c in reversed(cls.colours)]
    hatch = [lyr.get("class") for lyr in symbols[cats[-1].get("symbol")].findall("layer")]
    assert hatch == ["SimpleFill", "LinePatternFill"]  # 无供应 hatched, as on the PNG
    assert INDUSTRIAL in root.find("labeling/settings/text-style").get("fieldName")
    frame = gpd.read_file(project / GPKG_NAME, layer=ALLOCATION).set_index("乡镇")
    expected = {t: "0" if k < 0 else str(k + 1) for t, k in cls.assignment.items()}
    assert frame[f"{INDUSTRIAL}_分级"].to_dict() == expected


def test_values_are_those_classified_in_the_chosen_unit(layer, qa_result):
    styled = styled_layers(layer, unit="mu", county=LIANZHOU)
    cls = map_spec(layer, INDUSTRIAL, unit="mu", county=LIANZHOU).classification
    frame = styled.frames[ALLOCATION].set_index("乡镇")
    assert frame[INDUSTRIAL].to_dict() == pytest.approx(cls.values.to_dict())
    assert frame.loc["龙坪镇", INDUSTRIAL] == pytest.approx(23.011857 * 15)
    county = styled.frames[STRUCTURE].set_index("用地类型").loc["全市"]
    assert county["计划数"] == pytest.approx(158.1793169 * 15)  # 全市 is the plan's stated total
    assert county["乡镇合计"] == pytest.approx(156.397524 * 15)
    assert set(styled.frames[ALLOCATION]["单位"]) == {"亩"}


def test_parcels_are_styled_by_severity(project, qa_result):
    con = _gpkg(project)
    qml = con.execute("SELECT styleQML FROM layer_styles WHERE f_table_name = ?", (PARCELS,)).fetchone()[0]
    renderer = ET.fromstring(qml.split("\n", 1)[1]).find("renderer-v2")
    assert renderer.get("type") == "categorizedSymbol" and renderer.get("attr") == "worst_severity"
    assert [c.get("value") for c in renderer.findall("categories/category")] == ["error", "warning", "info", "ok"]
    parcels = gpd.read_file(project / GPKG_NAME, layer=PARCELS)
    assert len(parcels) == len(qa_result.parcels)
    assert set(parcels["worst_severity"]) <= {"error", "warning", "info", "ok"}


def test_qa_parcel_geopackage_is_version_1_2(qa_result, tmp_path):
    from landgis.qa import write_qa

    write_qa(qa_result, tmp_path)
    con = sqlite3.connect(tmp_path / "parcels.gpkg")
    assert con.execute("PRAGMA user_version").fetchone()[0] == 10200


def test_same_inputs_give_the_same_bytes(layer, tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    for folder in (a, b):
        write_qgis_outputs(layer, folder, county=LIANZHOU)
    for name in (GPKG_NAME, PROJECT_NAME):
        assert (a / name).read_bytes() == (b / name).read_bytes(), name


# --- the project, as a file --------------------------------------------------------------------
def _project_xml(folder: Path) -> ET.Element:
    with zipfile.ZipFile(folder / PROJECT_NAME) as zf:
        (name,) = zf.namelist()
        assert name.endswith(".qgs")
        return ET.fromstring(zf.read(name))


def test_project_refers_to_the_geopackage_relatively(project):
    root = _project_xml(project)
    sources = [e.text for e in root.iter("datasource")]
    assert sources and all(s.startswith(f"./{GPKG_NAME}|layername=") for s in sources)
    assert root.find("projectCrs/spatialrefsys/authid").text == "EPSG:4546"
    layouts = [lay.get("name") for lay in root.iter("Layout")]
    assert layouts == ["公用设施用地", "商服用地", "住宅用地", INDUSTRIAL, "公园与绿地", "交通运输用地", "供应总量", "供应强度"]
    page = next(root.iter("Layout")).find("PageCollection/LayoutItem")
    assert page.get("size") == "297.0,210.0,mm"  # A4 landscape


def test_english_project_in_mu(layer, tmp_path):
    write_qgis_outputs(layer, tmp_path, unit="mu", lang="en", county=LIANZHOU)
    root = _project_xml(tmp_path)
    assert [lay.get("name") for lay in root.iter("Layout")][-2:] == ["Total supply", "Supply density"]
    labels = [item.get("labelText") for item in root.iter("LayoutItem") if item.get("labelText")]
    assert "Largest: Longping 345.2 mu" in labels  # 23.011857 ha × 15 in the legend precision, the English name
    assert "County (stated) 2,372.7 mu" in labels  # the plan's stated total, not the township sum
    towns = gpd.read_file(tmp_path / GPKG_NAME, layer=ALLOCATION)
    assert {"township", "total", "density", INDUSTRIAL} <= set(towns.columns)
    assert towns.set_index("township").loc["龙坪镇", INDUSTRIAL] == pytest.approx(23.011857 * 15)


def test_user_text_is_escaped_as_xml(layer, tmp_path):
    nasty = '连州<市>&"测试"'
    plan = dataclasses.replace(layer.attrs["plan"], place=nasty)
    odd = layer.copy()
    odd.attrs = {**layer.attrs, "plan": plan, "place": nasty,
                 "provenance": {**layer.attrs["provenance"], "footnote": "界线<示意>&</Option>"}}
    write_qgis_outputs(odd, tmp_path, county=LIANZHOU)
    root = _project_xml(tmp_path)  # parses: nothing broke out of its attribute or element
    labels = [item.get("labelText") for item in root.iter("LayoutItem") if item.get("labelText")]
    assert any(text.startswith(f"{nasty}2026年度") for text in labels)
    assert any("界线<示意>&</Option>" in text for text in labels)


# --- QGIS itself -------------------------------------------------------------------------------
@pytest.mark.slow  # QGIS
def test_qgis_opens_the_moved_project_with_valid_layers(qgis_run):
    _, report = qgis_run
    assert report["read"] is True and report["crs"] == "EPSG:4546"
    layers = report["layers"]
    assert set(layers) == {ALLOCATION, OUTLINE, PARCELS}
    for name, info in layers.items():
        assert info["valid"] and info["crs"] == "EPSG:4546", (name, info)
    assert layers[ALLOCATION]["features"] == 12
    assert layers[ALLOCATION]["current"] == "供应总量"
    assert INDUSTRIAL in layers[ALLOCATION]["styles"] and len(layers[ALLOCATION]["styles"]) == 8
    assert layers[PARCELS]["renderer"] == "categorizedSymbol"
    assert INDUSTRIAL in report["themes"] and INDUSTRIAL in report["layouts"]


def _probe_point(geom, label_clearance: float = 3000.0):
    """A point well inside the township and away from its label (placed at the pole of inaccessibility)."""
    from shapely.ops import polylabel

    poly = max(getattr(geom, "geoms", [geom]), key=lambda g: g.area)
    inner = poly.buffer(-400).difference(polylabel(poly, tolerance=10).buffer(label_clearance))
    return inner.representative_point()


def _pixels(qgis_run, project, name: str, half: int = 0) -> np.ndarray:
    from PIL import Image

    out, report = qgis_run
    towns = gpd.read_file(project / GPKG_NAME, layer=ALLOCATION).set_index("乡镇")
    pt = _probe_point(towns.loc[name, "geometry"])
    x0, y0, x1, y1 = report["render"]["extent"]
    w, h = report["render"]["size"]
    col = int((pt.x - x0) / (x1 - x0) * w)
    row = int((y1 - pt.y) / (y1 - y0) * h)
    img = np.asarray(Image.open(out / "theme.png").convert("RGB")).astype(int)
    return img[row - half:row + half + 1, col - half:col + half + 1].reshape(-1, 3)


def _hex(rgb) -> np.ndarray:
    return np.array([int(rgb[i:i + 2], 16) for i in (1, 3, 5)])


def _fill(qgis_run, project, town: str) -> np.ndarray:
    """The colour covering most of a 41 × 41 px window inside the township (labels take only a little of it)."""
    window = _pixels(qgis_run, project, town, half=20)
    colours, counts = np.unique(window, axis=0, return_counts=True)
    assert counts.max() > 0.5 * len(window), (town, counts.max())
    return colours[counts.argmax()]


@pytest.mark.slow  # QGIS
def test_qgis_draws_the_industrial_theme_like_the_print_map(qgis_run, project, layer):
    cls = map_spec(layer, INDUSTRIAL, county=LIANZHOU).classification
    top = _hex(cls.colours[-1])
    assert {"龙坪镇", "东陂镇"} <= set(cls.townships_in(-1))
    for town in ("龙坪镇", "东陂镇"):
        pixel = _fill(qgis_run, project, town)
        assert np.abs(pixel - top).max() <= 2, (town, pixel, cls.colours[-1])
    for town in cls.townships_in(0):  # the lowest class has its own, lighter colour
        assert np.abs(_fill(qgis_run, project, town) - _hex(cls.colours[0])).max() <= 2, town


@pytest.mark.slow  # QGIS
def test_qgis_hatches_the_township_without_supply(qgis_run, project, layer):
    spec = map_spec(layer, INDUSTRIAL, county=LIANZHOU)
    window = _pixels(qgis_run, project, "丰阳镇", half=12)
    face = np.abs(window - _hex(spec.face)).max(axis=1) <= 6
    lines = np.abs(window - _hex(spec.hatch)).max(axis=1) <= 30
    assert face.sum() > 50 and lines.sum() > 20, (face.sum(), lines.sum())  # both the ground and the hatching
    for colour in spec.classification.colours:
        assert (np.abs(window - _hex(colour)).max(axis=1) <= 2).sum() == 0


@pytest.mark.slow  # QGIS
def test_qgis_exports_the_layout_with_title_and_footnote(qgis_run, layer):
    out, report = qgis_run
    assert report["pdf"] == 0 and report["png"] == 0
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(out / "layout.pdf"), "-"], capture_output=True,
                          text=True, check=True).stdout
    text = unicodedata.normalize("NFKC", text)  # CJK radicals some fonts map to → the ideographs
    spec = map_spec(layer, INDUSTRIAL, county=LIANZHOU)
    assert unicodedata.normalize("NFKC", spec.title) in text
    assert "乡镇界线为示意" in text and "资料来源" in text


def test_layout_in_square_metres_has_the_png_footer_lines(layer, tmp_path):
    from landgis.render.furniture import plot_crs
    from landgis.render.text import footer_lines

    write_qgis_outputs(layer, tmp_path, unit="m2", county=LIANZHOU)  # `atlas --unit m2` used to stop here
    root = _project_xml(tmp_path)
    labels = {item.get("labelText") for item in root.iter("LayoutItem") if item.get("labelText")}
    assert set(footer_lines(layer, plot_crs(layer), "zh", LIANZHOU)) <= labels  # the PNG maps' small print, word for word
    assert not any(w in text for text in labels for w in ("synthesised", "licence", "build.py"))
    assert "全市计划 1,581,793 平方米" in labels  # 158.1793169 ha in m², the display rule for 平方米
    towns = gpd.read_file(tmp_path / GPKG_NAME, layer=ALLOCATION)
    assert set(towns["单位"]) == {"平方米"}
    assert towns.set_index("乡镇").loc["龙坪镇", INDUSTRIAL] == pytest.approx(230118.57)


@pytest.mark.slow  # QGIS
@pytest.mark.parametrize("column, unit", [("density", "ha"), ("total", "mu")])
def test_qgis_colours_every_township_in_its_class(layer, tmp_path, column, unit):
    """Every township in QGIS's own render has the colour of the class landgis gave it, as on the PNG
    (供应强度 coloured 龙坪镇 and 西江镇 one class too dark; with 亩 a value equal to a break changed side)."""
    project = tmp_path / "atlas"
    write_qgis_outputs(layer, project, unit=unit, county=LIANZHOU)
    spec = map_spec(layer, column, unit=unit, county=LIANZHOU)
    run = _run_qgis(project, tmp_path, spec.name)
    checked = 0
    for town, k in spec.classification.assignment.items():
        if k < 0:
            continue
        pixel = _fill(run, project, town)
        assert np.abs(pixel - _hex(spec.classification.colours[k])).max() <= 2, (town, k, pixel)
        checked += 1
    assert checked >= 10
