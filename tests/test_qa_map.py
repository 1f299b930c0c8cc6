"""The QA map speaks the run's language and unit: title, layers, legend, popups, tooltips and the findings in them
(each worded as findings.csv words it), checked in real Chromium."""

from __future__ import annotations

import re

import geopandas as gpd
import pandas as pd
import pytest
import shapely
from test_catalog import english_words
from test_constraints import GK38, site  # noqa: F401 - the 三区三线 layers and five parcels
from test_qa import HOSTILE, build_parcels

from landgis.cli import main
from landgis.qa import qa
from landgis.render.qa_map import write_qa_map

#: Chinese (and full-width) characters: none may be left in English once the user's values are taken out.
_CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
#: The constraint layers' names: the planner's own names of layers (given as NAME=FILE, or the file's), kept as given.
LAYER_NAMES = ("永久基本农田", "生态保护红线", "城镇开发边界")


@pytest.fixture(scope="module")
def parcels(towns, site, tmp_path_factory):  # noqa: F811
    """test_qa's parcels with planted faults, the 三区三线 site's five and one overlapping two others."""
    cases = build_parcels(towns).drop(columns="expect")
    near = gpd.read_file(site["parcels"])
    x0, y0, x1, y1 = near.to_crs(GK38).geometry.iloc[0].bounds
    over = gpd.GeoDataFrame({"地块编号": ["P15"], "所属乡镇": ["连州镇"], "用地类型": ["住宅用地"]},
                            geometry=[shapely.box(x0 + 50, y0 + 50, x1 + 50, y1 + 50)], crs=GK38).to_crs(4490)
    frame = gpd.GeoDataFrame(pd.concat([cases, near, over], ignore_index=True), geometry="geometry", crs=4490)
    path = tmp_path_factory.mktemp("qamap") / "parcels.gpkg"
    frame.to_file(path, layer="parcels", geometry_type="Unknown", engine="pyogrio")
    user = {*frame["地块编号"], *frame["所属乡镇"].dropna(), "月球用地", HOSTILE, *LAYER_NAMES, *towns["name"],
            *site["layers"]["永久基本农田"]["JBNTTBBH"]}  # the features' ids, as the layer has them
    return path, sorted({str(v) for v in user} - {""}, key=len, reverse=True)


@pytest.fixture(scope="module")
def result(parcels, towns, plan, site):  # noqa: F811
    return qa(parcels[0], towns, plan, constraint_folder=site["folder"])


#: Every text the page shows: the page's own, then each parcel's popup and tooltip, opened by Leaflet itself.
_SHOWN = """() => {
  const map = window[Object.keys(window).find(k => /^map_[0-9a-f]+$/.test(k))];
  const out = {page: document.body.innerText, popups: [], tooltips: []};
  const layers = [];
  map.eachLayer(l => { if (l.feature && (l.getPopup() || l.getTooltip())) { layers.push(l); } });
  layers.forEach(l => {
    if (l.getPopup()) { l.openPopup(); out.popups.push(l.getPopup().getElement().innerText); l.closePopup(); }
    if (l.getTooltip()) { l.openTooltip(); out.tooltips.push(l.getTooltip().getElement().innerText); l.closeTooltip(); }
  });
  return out;
}"""


def _shown(path, browser, name: str) -> dict:
    report = browser(path, wait_for="[data-parcel]")
    report.screenshot(name)
    shown = report.page.evaluate(_SHOWN)
    report.assert_offline_clean()
    shown["popups"] = [p.replace("×", "").strip() for p in shown["popups"]]  # the popup's close button
    return shown


def _without(words: str, user: list[str]) -> str:
    for value in user:
        words = words.replace(value, " ")
    return words


@pytest.mark.slow  # Chromium
def test_english_map_has_no_chinese_but_the_users_values(result, parcels, tmp_path, browser):
    write_qa_map(result, tmp_path / "qa_map.html", lang="en", unit="mu")
    shown = _shown(tmp_path / "qa_map.html", browser, "qa_map_en_mu")
    _, user = parcels
    drawn = int((~(result.parcels.geometry.isna() | result.parcels.geometry.is_empty)).sum())
    assert len(shown["popups"]) >= drawn and len(shown["tooltips"]) >= drawn  # every parcel drawn was opened
    for words in [shown["page"], *shown["popups"], *shown["tooltips"]]:
        assert not _CJK.search(_without(words, user)), words
    page = shown["page"]
    assert "Parcel QA: parcels.gpkg" in page and "Worst finding" in page
    n_errors = int((result.parcels["worst_severity"] == "error").sum())
    assert f"error ({n_errors})" in page and "Townships" in page and "Parcels" in page
    assert all(name in page for name in LAYER_NAMES)  # the constraint layers, by their names
    popups = "\n".join(shown["popups"])
    assert "declared in 连州镇, lies in 保安镇" in popups  # P02, as findings.csv says it
    assert "Declared township: 连州镇" in popups and "Category: Residential" in popups
    assert "[error] outside the county: in no township" in popups
    # the standard layer keeps its name, glossed in English, in the popups and the layer switch alike
    assert re.search(r"\[error\] overlaps 永久基本农田 \(permanent basic farmland\) by [\d.,]+ mu", popups)
    assert "永久基本农田 (permanent basic farmland)" in page
    assert re.search(r"overlaps parcel \S+ in part: overlap [\d,.]+ m² \([\d,.]+ mu\)", popups)
    assert re.search(r"stated area [\d,.]+ mu differs from the drawn area", popups)
    assert not re.search(r"\d ha\b", popups) and "no finding" in popups  # the unit asked for; a parcel without findings


@pytest.mark.slow  # Chromium
def test_chinese_map_has_no_english_but_the_users_values(result, parcels, tmp_path, browser):
    write_qa_map(result, tmp_path / "qa_map.html", lang="zh", unit="mu")
    shown = _shown(tmp_path / "qa_map.html", browser, "qa_map_zh_mu")
    _, user = parcels
    for words in [shown["page"], *shown["popups"], *shown["tooltips"]]:
        assert english_words(words, (*user, "parcels.gpkg")) == [], words
    page, popups = shown["page"], "\n".join(shown["popups"])
    assert "地块质检：parcels.gpkg" in page and "最严重问题" in page and "乡镇名称" in page
    assert "申报乡镇：连州镇" in popups and "申报位于连州镇，实际位于保安镇" in popups
    assert re.search(r"与永久基本农田重叠 [\d.,]+ 亩", popups)
    assert re.search(r"部分重叠：重叠 [\d,.]+ 平方米（[\d,.]+ 亩）", popups)  # the overlap in 亩 too
    assert "公顷" not in popups  # every area in the unit asked for


def test_the_command_draws_the_map_in_its_language(parcels, tmp_path):
    out = tmp_path / "qa"
    assert main(["qa", str(parcels[0]), "--out", str(out), "--lang", "en", "--unit", "mu", "--quiet"]) in (0, 1)
    html = (out / "qa_map.html").read_text("utf-8")
    assert '"Worst finding"' in html and '"Declared township"' in html and "\\u6700\\u4e25\\u91cd" not in html
    assert "declared in" in html and " mu" in html


#: Each panel's box and each parcel's centre on the page, as the map opens.
_PANELS_AND_PARCELS = """() => {
  const box = r => ({x0: r.left, y0: r.top, x1: r.right, y1: r.bottom});
  const panels = [...document.querySelectorAll('.leaflet-control')].map(e => box(e.getBoundingClientRect()))
    .filter(b => b.x1 > b.x0 && b.y1 > b.y0);
  const parcels = [...document.querySelectorAll('[data-parcel], [data-parcel-dot]')].map(e => {
    const r = e.getBoundingClientRect();
    return {id: e.getAttribute('data-parcel') || e.getAttribute('data-parcel-dot'),
            x: (r.left + r.right) / 2, y: (r.top + r.bottom) / 2};
  });
  return {panels, parcels};
}"""


@pytest.mark.slow  # Chromium
def test_no_parcel_opens_under_a_panel(towns, tmp_path, browser):
    """Parcels far outside the county, in each corner of what was checked (where the title, the layer list, the
    footnote and the legend sit), are all in view on open and none lies under a panel."""
    gk = towns.to_crs(GK38)
    x0, y0, x1, y1 = gk.total_bounds
    corners = {f"{c}{far}": (x0 - far if c[1] == "W" else x1 + far, y0 - far if c[0] == "S" else y1 + far)
               for c in ("SW", "NW", "NE", "SE") for far in (1000, 2500, 4000)}  # metres beyond the county's box
    inside = gk.geometry.iloc[0].representative_point()
    rows = [{"地块编号": k, "所属乡镇": towns["name"].iloc[0], "用地类型": "住宅用地",
             "geometry": shapely.box(x - 150, y - 150, x + 150, y + 150)} for k, (x, y) in corners.items()]
    rows.append({"地块编号": "IN", "所属乡镇": towns["name"].iloc[0], "用地类型": "住宅用地",
                 "geometry": shapely.box(inside.x - 100, inside.y - 100, inside.x + 100, inside.y + 100)})
    inner = rows.pop()
    for k, corner in enumerate(rows):  # one far parcel at a time: the box is the county and that corner
        lang = ("zh", "en")[k % 2]  # the English footnote is taller
        frame = gpd.GeoDataFrame([corner, inner], crs=GK38)
        out = tmp_path / f"qa_map_{corner['地块编号']}.html"
        write_qa_map(qa(frame, towns, False, county="441882"), out, lang=lang)
        report = browser(out, wait_for="[data-parcel]")
        report.screenshot(f"qa_map_corner_{corner['地块编号']}")
        seen = report.page.evaluate(_PANELS_AND_PARCELS)
        assert {p["id"] for p in seen["parcels"]} == {corner["地块编号"], "IN"}
        assert len(seen["panels"]) >= 4  # zoom, title, layers, legend, footnote, scale
        for p in seen["parcels"]:
            assert 0 <= p["x"] <= 1200 and 0 <= p["y"] <= 900, p
            under = [b for b in seen["panels"] if b["x0"] <= p["x"] <= b["x1"] and b["y0"] <= p["y"] <= b["y1"]]
            assert not under, (lang, p, under)
