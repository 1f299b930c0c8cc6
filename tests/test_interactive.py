"""The interactive map: its content in Python, and its behaviour in headless Chromium, offline."""

from __future__ import annotations

import re

import numpy as np
import pytest
import shapely
from jinja2 import Template

from landgis.cli import main
from landgis.plan import SEED_PLAN
from landgis.render.interactive import (
    NO_SUPPLY_COLOUR,
    _TownshipLayers,
    fragment_html,
    iframe_html,
    self_contained_html,
    simplify_coverage,
    web_map,
    write_html,
)
from landgis.county import find_county
from landgis.synthesis import SYNTHETIC_FOOTNOTE, SYNTHETIC_FOOTNOTE_EN

LIANZHOU = find_county("441882")  # the county of the seed plan, passed to every renderer

EVIL = "<img src=x onerror=alert(1)>"


@pytest.fixture(scope="module")
def seed_html(layer, tmp_path_factory):
    path = tmp_path_factory.mktemp("web") / "seed.html"
    write_html(self_contained_html(web_map(layer, county=LIANZHOU)), path)
    return path


def _element(m) -> _TownshipLayers:
    (el,) = [c for c in m._children.values() if isinstance(c, _TownshipLayers)]
    return el


def _features(m) -> dict[str, dict]:
    return {f["properties"]["name"]: f for f in _element(m).data["features"]}


# --- geometry ------------------------------------------------------------------------------------
def test_simplification_keeps_a_valid_coverage(layer):
    before = layer.geometry
    assert shapely.coverage_is_valid(before.to_numpy(), gap_width=1e-5)  # the shipped layer is a coverage
    after = simplify_coverage(before, tolerance_m=30)
    assert len(after) == len(before) == 12
    assert shapely.get_num_coordinates(after.to_numpy()).sum() < shapely.get_num_coordinates(before.to_numpy()).sum()
    # No overlaps and no gaps between neighbours (edges match exactly, slivers under ~1 m would be flagged).
    assert shapely.coverage_is_valid(after.to_numpy(), gap_width=1e-5)
    union_area = shapely.union_all(after.to_numpy()).area
    assert union_area == pytest.approx(shapely.area(after.to_numpy()).sum(), rel=1e-9)
    assert union_area == pytest.approx(shapely.union_all(before.to_numpy()).area, rel=0.01)
    # Every pair of neighbours still shares a border line, not just a point.
    for i in range(12):
        for j in range(i + 1, 12):
            if before.iloc[i].intersection(before.iloc[j]).length > 0.001:
                assert after.iloc[i].intersection(after.iloc[j]).length > 0.001, (layer.name[i], layer.name[j])
    coords = shapely.get_coordinates(after.to_numpy())
    assert np.allclose(coords, np.round(coords, 5))


# --- the map's content ---------------------------------------------------------------------------
def test_one_layer_per_category_total_and_density(layer):
    m = web_map(layer, county=LIANZHOU)
    spec = _element(m).spec
    cats = layer.attrs["categories"]
    assert [ls["label"] for ls in spec["layers"]] == [*cats, "供应总量", "供应强度"]
    assert spec["initial"] == "total"
    # The boundaries' note is a sentence of its own, not a value after a 「乡镇界线：」 label.
    assert SYNTHETIC_FOOTNOTE in spec["footnotes"]
    assert not any(line.startswith("乡镇界线：") for line in spec["footnotes"]), spec["footnotes"]
    feats = _features(m)
    assert set(feats) == set(layer["name"])
    # 丰阳镇 receives nothing: drawn as 无供应 in every layer, never as the lowest class.
    for key, (colour, cls) in feats["丰阳镇"]["properties"]["style"].items():
        assert (colour, cls) == (NO_SUPPLY_COLOUR, -1), key
    # 工矿仓储用地: 龙坪镇, 东陂镇 and 保安镇 in the top classes, as in the static maps.
    key = spec["layers"][cats.index("工矿仓储用地")]["key"]
    classes = {n: f["properties"]["style"][key][1] for n, f in feats.items()}
    top = max(classes.values())
    assert {classes["龙坪镇"], classes["东陂镇"], classes["保安镇"]} == {top}
    assert all(c < top for n, c in classes.items() if n not in ("龙坪镇", "东陂镇", "保安镇"))
    # Popup: every category, the total, density and share.
    rows = {r[0]: r[1] for r in feats["连州镇"]["properties"]["rows"]}
    assert {f"{c}（公顷）" for c in cats} <= set(rows)  # every figure row gives its unit
    assert rows["住宅用地（公顷）"] == "27.57"  # 27.5658 ha, to the display precision of 公顷
    assert rows["供应总量（公顷）"] == f"{layer.set_index('name').loc['连州镇', 'total']:,.2f}"
    assert rows["供应强度（公顷/平方公里）"] == f"{62.376199 / 191.03:.4f}"
    # 占全市比例 is of the plan's stated 158.1793169 ha, which the popup states beside the townships' sum.
    assert rows["占全市比例"] == f"{62.376199 / 158.1793169 * 100:.2f}%"
    assert _element(m).spec["county"] == ["全市（计划）：158.18 公顷", "乡镇合计：156.40 公顷", "未落实到乡镇：1.78 公顷"]


def test_the_map_formats_the_runs_figures(layer):
    """Classes, county lines and township figures are the model's: the map adds up and classes nothing itself."""
    from landgis.figures import layer_figures
    from landgis.render.classes import run_classes

    figs = layer_figures(layer, LIANZHOU)
    m = web_map(layer, county=LIANZHOU, figures=figs, scheme="quantiles", k=3)
    spec, feats = _element(m).spec, _features(m)
    columns = [*layer.attrs["categories"], "total", "density"]
    assert len(figs.map_classes) == len(columns)  # one classification per map, asked of the model
    for ls, column in zip(spec["layers"], columns):
        cls = run_classes(figs, layer, column, scheme="quantiles", k=3)  # the same object the map drew
        assert [row[1] for row in ls["legend"] if len(row) == 2] == list(cls.labels)[::-1]
        for name, f in feats.items():
            assert f["properties"]["style"][ls["key"]] == [cls.colour_of(name), int(cls.assignment[name])]
    assert len(figs.map_classes) == len(columns)
    assert spec["county"] == figs.lines("total")
    for name, f in feats.items():  # each township's figure is the model's (its stated total or its sum)
        rows = {r[0]: r[1] for r in f["properties"]["rows"]}
        assert rows["供应总量（公顷）"] == figs.text(figs.townships[name], label=False)


def test_figures_in_another_unit_are_refused(layer):
    from landgis.errors import InputError
    from landgis.figures import layer_figures

    with pytest.raises(InputError, match="figures are in ha/zh, the map in mu/zh"):
        web_map(layer, county=LIANZHOU, unit="mu", figures=layer_figures(layer, LIANZHOU))


def test_render_modules_hold_no_javascript_or_css():
    """The pages' scripts and styles live in render/templates/; Python holds none (docstrings aside)."""
    import ast
    from pathlib import Path

    import landgis.render

    web = re.compile(r"<script|<style|\bstyle\s*=\s*\"|\bfunction\b\s*\w*\s*\(|@font-face|\bvar\s+\w+\s*=|\bL\.\w+\(")
    found = []
    for path in sorted(Path(landgis.render.__file__).parent.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docs = {id(n.body[0].value) for n in ast.walk(tree)
                if isinstance(n, (ast.Module, ast.ClassDef, ast.FunctionDef)) and n.body
                and isinstance(n.body[0], ast.Expr) and isinstance(n.body[0].value, ast.Constant)}
        found += [f"{path.name}:{node.lineno}" for node in ast.walk(tree)
                  if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docs
                  and web.search(node.value)]
    assert not found


def test_unit_mu_multiplies_by_15(layer):
    feats = _features(web_map(layer, unit="mu", county=LIANZHOU))
    rows = {r[0]: r[1] for r in feats["龙坪镇"]["properties"]["rows"]}
    assert rows["工矿仓储用地（亩）"] == f"{23.011857 * 15:,.1f}"
    assert "亩" in feats["龙坪镇"]["properties"]["text"]["total"]


def test_amap_basemap_shifts_to_gcj02(layer):
    from landgis.crs import transform_geometry, wgs84_to_gcj02

    plain = shapely.geometry.shape(_features(web_map(layer, county=LIANZHOU))["连州镇"]["geometry"])
    amap = shapely.geometry.shape(_features(web_map(layer, basemap="amap", county=LIANZHOU))["连州镇"]["geometry"])
    shift = np.array([amap.centroid.x - plain.centroid.x, amap.centroid.y - plain.centroid.y])
    # GCJ-02 in northern Guangdong: about 550 m east and 300 m south.
    assert 0.004 < shift[0] < 0.007 and -0.004 < shift[1] < -0.0015
    assert shapely.hausdorff_distance(amap, transform_geometry(plain, wgs84_to_gcj02)) < 2e-5


def test_english_labels(layer):
    m = web_map(layer, lang="en", county=LIANZHOU)
    spec = _element(m).spec
    assert [ls["label"] for ls in spec["layers"]][-2:] == ["Total supply", "Supply density"]
    assert "Industrial, mining and storage" in [ls["label"] for ls in spec["layers"]]
    assert "连州镇 Lianzhou" in _features(m)
    assert spec["title"].startswith("Lianzhou"), spec["title"]  # the county as the print maps name it
    # English punctuation in every word the map adds: "Total supply (ha)", "Residential: 27.57 ha", not （）or ：
    feats = _features(m)
    added = [ls["legend_title"] for ls in spec["layers"]]
    added += [row[0] for f in feats.values() for row in f["properties"]["rows"]]
    added += [t for f in feats.values() for t in f["properties"]["text"].values()]
    assert "Total supply (ha)" in added and "Residential (ha)" in added
    assert not [w for w in added if re.search("[（）：]", w)], [w for w in added if re.search("[（）：]", w)][:3]
    assert SYNTHETIC_FOOTNOTE_EN in spec["footnotes"]  # said once: not "Township boundaries: Township boundaries…"
    assert not any(line.startswith("Township boundaries:") for line in spec["footnotes"]), spec["footnotes"]


def test_a_plugin_that_needs_a_cdn_is_refused(layer):
    from folium.plugins import MiniMap

    from landgis.errors import LandgisError

    m = web_map(layer, county=LIANZHOU)
    MiniMap().add_to(m)
    with pytest.raises(LandgisError, match="MiniMap needs .* from a CDN"):
        self_contained_html(m)


def test_tianditu_needs_a_key(layer):
    from landgis.errors import InputError

    with pytest.raises(InputError, match="tianditu-key"):
        web_map(layer, basemap="tianditu", county=LIANZHOU)


def test_self_contained_html_references_nothing_outside(layer):
    html = self_contained_html(web_map(layer, county=LIANZHOU))
    assert not re.search(r"<(script|link|img)\b[^>]*(src|href)=[\"']?(https?:)?//", html)
    for cdn in ("jsdelivr", "cdnjs", "unpkg", "bootstrapcdn", "code.jquery"):
        assert cdn not in html
    assert "@font-face" in html and "data:font/woff;base64," in html
    assert html.count("<html") == 1


def test_basemap_tiles_are_the_only_remote_urls(layer):
    html = self_contained_html(web_map(layer, basemap="osm", county=LIANZHOU))
    assert "https://tile.openstreetmap.org/{z}/{x}/{y}.png" in html
    assert not re.search(r"<(script|link)\b[^>]*(src|href)=[\"']?https?:", html)


def test_write_html_is_atomic_and_reports_size(tmp_path):
    out = tmp_path / "sub" / "m.html"
    size = write_html("<p>连州</p>", out)
    assert size == out.stat().st_size == len("<p>连州</p>".encode())
    with pytest.raises(UnicodeEncodeError):
        write_html("\ud800", out)  # cannot be encoded: the old file stays, no temp file left
    assert out.read_text(encoding="utf-8") == "<p>连州</p>"
    assert [p.name for p in out.parent.iterdir()] == ["m.html"]


# --- in the browser ------------------------------------------------------------------------------
def _fills(page) -> dict[str, str]:
    return page.evaluate("""() => Object.fromEntries(Array.from(
        document.querySelectorAll('path.landgis-township')).map(p => [p.dataset.township, p.getAttribute('fill')]))""")


def _inside(page, name: str) -> tuple[float, float]:
    """Screen point inside a township: its label (drawn at a representative point, not clickable)."""
    box = page.locator(".landgis-label").filter(has_text=re.compile(f"^{re.escape(name)}$")).bounding_box()
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


@pytest.mark.slow  # Chromium
def test_map_in_browser_offline(browser, seed_html, layer):
    report = browser(seed_html, wait_for="path.landgis-township")
    page = report.page
    report.assert_offline_clean()
    assert page.evaluate("typeof L") == "object"

    # All 12 townships drawn, one path each, with the names of the layer.
    paths = page.locator("path.landgis-township")
    assert paths.count() == 12
    fills = _fills(page)
    assert set(fills) == set(layer["name"])
    assert fills["丰阳镇"] == NO_SUPPLY_COLOUR
    hatch = page.locator('path[data-township="丰阳镇"]').evaluate("e => getComputedStyle(e).fill")
    assert re.fullmatch(r'url\(".*#map_\w+-hatch"\)', hatch), hatch  # hatched, as on the printed maps

    # Hover shows the tooltip of that township with its value.
    page.mouse.move(*_inside(page, "龙坪镇"))
    tip = page.locator(".leaflet-tooltip")
    tip.wait_for()
    assert tip.inner_text().splitlines() == ["龙坪镇", "供应总量：23.01 公顷"]

    # The footnote of the boundary layer is on the map.
    assert "乡镇界线为示意" in page.locator(".landgis-footnote").inner_text()

    # Switching the layer changes the fills and the legend.
    assert page.locator(".landgis-legend-title").inner_text() == "供应总量（公顷）"
    page.locator(".leaflet-control-layers-base label", has_text="工矿仓储用地").click()
    key = f"c{layer.attrs['categories'].index('工矿仓储用地')}"
    page.wait_for_selector(f'path.landgis-township[data-layer="{key}"]', state="attached")
    after = _fills(page)
    assert after != fills and set(after) == set(fills)
    assert page.locator("path.landgis-township").count() == 12
    assert page.locator(".landgis-legend-title").inner_text() == "工矿仓储用地（公顷）"
    assert after["星子镇"] == NO_SUPPLY_COLOUR  # 星子镇 gets only 公用设施用地

    # Click: the popup lists the full breakdown.
    page.mouse.move(5, 450)
    page.mouse.click(*_inside(page, "东陂镇"))
    popup = page.locator(".landgis-popup")
    popup.wait_for()
    page.wait_for_function("getComputedStyle(document.querySelector('.leaflet-popup')).opacity === '1'")
    text = popup.inner_text()
    for cat in layer.attrs["categories"]:
        assert cat in text
    assert "22.17" in text and "占全市比例" in text and "全市（计划）：158.18 公顷" in text

    # Chinese is drawn with the inlined font, and its glyphs are real (two different characters
    # give different pixels; tofu boxes would be identical).
    faces = page.evaluate("Array.from(document.fonts).map(f => [f.family.replace(/\"/g, ''), f.status])")
    assert ["landgis-cjk", "loaded"] in faces
    assert page.evaluate("document.fonts.check('16px landgis-cjk', '连州镇')")
    assert "landgis-cjk" in page.locator(".landgis-title").first.evaluate("e => getComputedStyle(e).fontFamily")
    distinct = page.evaluate("""() => {
        const draw = ch => { const c = document.createElement('canvas'); c.width = c.height = 40;
            const g = c.getContext('2d'); g.font = '32px landgis-cjk'; g.fillText(ch, 2, 34);
            return Array.from(g.getImageData(0, 0, 40, 40).data).join(','); };
        return [draw('连') !== draw('州'), draw('连') !== draw(' ')];
    }""")
    assert distinct == [True, True]
    assert report.screenshot("web_map").stat().st_size > 10_000
    report.assert_offline_clean()


@pytest.mark.slow  # Chromium
def test_user_text_is_escaped_in_browser(browser, layer, tmp_path):
    evil = layer.copy()
    evil.attrs = dict(layer.attrs)
    evil.loc[evil["name"] == "连州镇", "name"] = EVIL
    evil = evil.rename(columns={"住宅用地": EVIL + "用地"})
    evil.attrs["categories"] = [EVIL + "用地" if c == "住宅用地" else c for c in layer.attrs["categories"]]
    evil.attrs["provenance"] = {**layer.attrs["provenance"], "footnote": "<script>alert(2)</script>"}
    path = tmp_path / "evil.html"
    write_html(self_contained_html(web_map(evil, county=LIANZHOU)), path)

    report = browser(path, wait_for="path.landgis-township")
    page = report.page
    page.mouse.move(*_inside(page, EVIL))
    page.locator(".leaflet-tooltip").wait_for()
    assert page.locator(".leaflet-tooltip").inner_text().splitlines()[0] == EVIL
    assert page.locator(".landgis-label").filter(has_text=EVIL).count() == 1
    assert EVIL + "用地" in page.locator(".leaflet-control-layers").inner_text()
    assert "<script>alert(2)</script>" in page.locator(".landgis-footnote").inner_text()
    page.locator(".leaflet-control-layers-base label", has_text="onerror").click()
    page.mouse.move(5, 450)
    page.mouse.click(*_inside(page, EVIL))
    assert EVIL in page.locator(".landgis-popup").inner_text()
    assert page.locator(".leaflet-container img").count() == 0
    report.screenshot("web_map_escaped")
    assert page.evaluate("document.querySelectorAll('img[src=\"x\"], body script:not([src]) ~ img').length") == 0
    report.assert_offline_clean()  # no dialog fired, no request for "x"


_HOST = Template("""<!DOCTYPE html><html><head><meta charset="utf-8"><title>report</title></head>
<body><h1>报告</h1>{% for f in fragments %}<section>{{ f | safe }}</section>{% endfor %}
<iframe-slot>{{ frame | safe }}</iframe-slot></body></html>""")


@pytest.mark.slow  # Chromium
def test_fragments_embed_twice_in_one_page(browser, layer, tmp_path):
    frag_zh = fragment_html(web_map(layer, county=LIANZHOU), height="400px")
    frag_mu = fragment_html(web_map(layer, unit="mu", county=LIANZHOU), height="400px", include_leaflet=False)  # uses the first's
    assert "<html" not in frag_zh and "<head" not in frag_zh and "<body" not in frag_zh
    assert "html, body" not in frag_zh  # does not restyle the host page
    path = tmp_path / "report.html"
    write_html(_HOST.render(fragments=[frag_zh, frag_mu], frame=iframe_html(web_map(layer, county=LIANZHOU), height="300px")), path)

    report = browser(path, wait_for="path.landgis-township", viewport=(1000, 1600))
    page = report.page
    report.assert_offline_clean()
    assert page.locator(".landgis-map-fragment").count() == 2
    assert page.locator(".landgis-map-fragment path.landgis-township").count() == 24
    assert page.evaluate("getComputedStyle(document.body).margin") == "8px"
    heights = page.locator(".landgis-map-fragment").evaluate_all("els => els.map(e => e.offsetHeight)")
    assert heights == [400, 400]
    titles = page.locator(".landgis-map-fragment .landgis-legend-title").all_inner_texts()
    assert titles == ["供应总量（公顷）", "供应总量（亩）"]
    frame = page.frame_locator("iframe.landgis-map-frame")
    assert frame.locator("path.landgis-township").count() == 12
    report.screenshot("web_fragments", full_page=True)


# --- command line --------------------------------------------------------------------------------
def test_cli_web_writes_a_map_and_reports_its_size(tmp_path, capsys):
    out = tmp_path / "lianzhou.html"
    assert main(["web", str(SEED_PLAN), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert str(out) in printed and re.search(r"\d+ KiB", printed)
    html = out.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and "landgis-cjk" in html
    assert out.stat().st_size < 600_000

    frag = tmp_path / "frag.html"
    assert main(["web", "--fragment", "--unit", "mu", "--out", str(frag)]) == 0
    text = frag.read_text(encoding="utf-8")
    assert text.startswith('<div class="landgis-map-fragment"') and "<html" not in text
    assert "亩" in text or "\\u4ea9" in text


def test_cli_web_bad_input_is_one_line(tmp_path, capsys):
    out = tmp_path / "x.html"
    assert main(["web", "--basemap", "tianditu", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "tianditu-key" in err and "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert not out.exists()


# --- on a phone ----------------------------------------------------------------------------------
@pytest.fixture
def phone(_chromium):
    """A 420 px wide touch screen with no mouse hover, offline (every non-file request is aborted)."""
    context = _chromium.new_context(viewport={"width": 420, "height": 780}, has_touch=True, is_mobile=True,
                                    service_workers="block")
    blocked: list[str] = []

    def route(r):
        if r.request.url.startswith(("file:", "data:", "blob:", "about:")):
            r.continue_()
        else:
            blocked.append(r.request.url)
            r.abort("internetdisconnected")

    context.route("**/*", route)
    page = context.new_page()
    page.landgis_blocked = blocked
    yield page
    context.close()


def _box(page, selector: str) -> dict:
    return page.locator(selector).first.bounding_box()


def _overlap(a: dict, b: dict) -> bool:
    return not (a["x"] + a["width"] <= b["x"] or b["x"] + b["width"] <= a["x"]
                or a["y"] + a["height"] <= b["y"] or b["y"] + b["height"] <= a["y"])


@pytest.mark.slow  # Chromium
def test_map_on_a_phone(phone, seed_html):
    page = phone
    page.goto(seed_html.resolve().as_uri())
    page.wait_for_selector("path.landgis-township")
    assert page.locator(".leaflet-zoom-anim").count() == 0  # opens on its final view, no zoom animation
    assert page.landgis_blocked == []
    # The layer control starts collapsed; the legend does not cover the footnote.
    assert page.locator(".leaflet-control-layers").count() == 1
    assert page.locator(".leaflet-control-layers-expanded").count() == 0
    assert not _overlap(_box(page, ".landgis-legend"), _box(page, ".landgis-footnote"))
    # The map fits the county: every township is inside the map's box.
    frame = _box(page, ".leaflet-container")
    for i in range(page.locator("path.landgis-township").count()):
        b = page.locator("path.landgis-township").nth(i).bounding_box()
        assert b["x"] >= frame["x"] - 1 and b["x"] + b["width"] <= frame["x"] + frame["width"] + 1
        assert b["y"] >= frame["y"] - 1 and b["y"] + b["height"] <= frame["y"] + frame["height"] + 1
    # A metric scale bar only; no Leaflet flag in the attribution.
    assert page.locator(".leaflet-control-scale-line").count() == 1
    assert "km" in page.locator(".leaflet-control-scale-line").inner_text()
    assert "Leaflet" not in page.locator(".leaflet-control-attribution").inner_text()
    # The help says to tap, and a tap opens the township's breakdown.
    assert "轻触乡镇查看明细" in page.locator(".landgis-help").inner_text()
    box = page.locator('path[data-township="连州镇"]').bounding_box()
    page.touchscreen.tap(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_selector(".landgis-popup")
    assert "占全市比例" in page.locator(".landgis-popup").inner_text()
    page.screenshot(path=str(_artifacts() / "web_map_phone.png"))


def _artifacts():
    from pathlib import Path

    out = Path(__file__).parent / "artifacts"
    out.mkdir(exist_ok=True)
    return out
