"""The web map in real Chromium: pasted twice, at three widths, panels off the townships, popup units."""

from __future__ import annotations

import re
from importlib.resources import files

import pytest
from jinja2 import Template

from landgis.render.interactive import fragment_html, self_contained_html, web_map, write_html

LIANZHOU = "441882"
WIDTHS = [(1280, 900), (768, 1000), (420, 860)]

_TWICE = Template("""<!DOCTYPE html><html><head><meta charset="utf-8"><title>twice</title></head>
<body>{% for f in fragments %}<section>{{ f | safe }}</section>{% endfor %}</body></html>""")


def _report_css() -> str:
    """The report's own stylesheet (render/templates/report.html), its template expressions dropped."""
    text = files("landgis.render").joinpath("templates", "report.html").read_text(encoding="utf-8")
    css = re.search(r"<style>(.*?)</style>", text, re.S).group(1)
    return re.sub(r"\{\{.*?\}\}|\{%.*?%\}", "", css)


_REPORT = Template("""<!DOCTYPE html><html><head><meta charset="utf-8"><meta name="viewport"
content="width=device-width, initial-scale=1"><title>report</title><style>{{ css | safe }}</style></head>
<body><main><section id="webmap"><h2>交互地图</h2><div class="webmap">{{ fragment | safe }}</div>
<p class="note">说明文字</p></section></main></body></html>""")


_UNDER_PANELS = """() => {
  const panels = Array.from(document.querySelectorAll('.leaflet-control')).map(e => e.getBoundingClientRect())
    .filter(r => r.width > 0 && r.height > 0);
  const map = document.querySelector('.leaflet-container').getBoundingClientRect();
  return Array.from(document.querySelectorAll('.landgis-label')).map(l => {
    const r = l.getBoundingClientRect(), x = r.left + r.width / 2, y = r.top + r.height / 2;
    const inside = x >= map.left && x <= map.right && y >= map.top && y <= map.bottom;
    const under = panels.some(p => x >= p.left && x <= p.right && y >= p.top && y <= p.bottom);
    const labelUnder = panels.some(p => r.left < p.right && r.right > p.left && r.top < p.bottom && r.bottom > p.top);
    return [l.textContent, inside, under, labelUnder];
  });
}"""


@pytest.fixture(scope="module")
def fragment(layer):
    return fragment_html(web_map(layer, county=LIANZHOU))


@pytest.mark.slow  # Chromium
def test_same_fragment_twice_draws_two_maps(browser, fragment, tmp_path):
    path = tmp_path / "twice.html"
    write_html(_TWICE.render(fragments=[fragment, fragment]), path)  # byte-identical copies
    report = browser(path, wait_for="path.landgis-township", viewport=(1000, 1400))
    page = report.page
    report.assert_offline_clean()  # no "Map container is already initialized"
    boxes = page.locator(".landgis-map-fragment")
    assert boxes.count() == 2
    for i in range(2):
        box = boxes.nth(i)
        assert box.locator("path.landgis-township").count() == 12, i
        assert box.locator(".landgis-legend-title").inner_text() == "供应总量（公顷）"
        assert box.locator(".landgis-label").count() == 12
        # Each copy's 无供应 hatch points at a pattern inside its own map.
        fill = box.locator('path[data-township="丰阳镇"]').evaluate("e => getComputedStyle(e).fill")
        pattern_id = re.fullmatch(r'url\(".*#([\w-]+)"\)', fill).group(1)
        assert box.locator(f"pattern#{pattern_id}").count() == 1, (i, pattern_id)
    ids = page.locator(".landgis-map-fragment .folium-map").evaluate_all("els => els.map(e => e.id)")
    assert len(set(ids)) == 2, ids


@pytest.mark.slow  # Chromium
@pytest.mark.parametrize("viewport", WIDTHS, ids=lambda v: f"{v[0]}px")
def test_report_map_keeps_to_its_box(browser, fragment, tmp_path, viewport):
    path = tmp_path / "report.html"
    write_html(_REPORT.render(css=_report_css(), fragment=fragment), path)
    report = browser(path, wait_for="path.landgis-township", viewport=viewport)
    page = report.page
    report.assert_offline_clean()
    outer = page.locator(".webmap").bounding_box()
    inner = page.locator(".landgis-map-fragment").bounding_box()
    leaflet = page.locator(".landgis-map-fragment .leaflet-container").bounding_box()
    note = page.locator("#webmap p.note").bounding_box()
    for b in (inner, leaflet):
        assert b["y"] + b["height"] <= outer["y"] + outer["height"] + 0.5, (viewport, b, outer)
        assert b["x"] + b["width"] <= outer["x"] + outer["width"] + 0.5, (viewport, b, outer)
    assert note["y"] >= outer["y"] + outer["height"] - 0.5, (viewport, note, outer)
    if viewport[0] <= 600:  # the report's phone rule is the one that holds
        assert abs(outer["height"] - 460) <= 2, outer
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport[0]
    # Inside the report's box too, no township opens under a panel.
    rows = page.evaluate(_UNDER_PANELS)
    assert len(rows) == 12 and [r[0] for r in rows if not r[1] or r[2] or r[3]] == [], viewport
    report.screenshot(f"webmap_report_{viewport[0]}", full_page=True)





@pytest.mark.slow  # Chromium
@pytest.mark.parametrize("viewport", WIDTHS, ids=lambda v: f"{v[0]}px")
def test_no_township_under_a_panel_on_open(browser, layer, tmp_path, viewport):
    path = tmp_path / "map.html"
    write_html(self_contained_html(web_map(layer, county=LIANZHOU)), path)
    report = browser(path, wait_for="path.landgis-township", viewport=viewport)
    report.assert_offline_clean()
    rows = report.page.evaluate(_UNDER_PANELS)
    assert {r[0] for r in rows} == set(layer["name"])
    assert [r[0] for r in rows if not r[1]] == [], viewport  # every township's point is in the map
    assert [r[0] for r in rows if r[2]] == [], viewport  # and none under a panel
    assert [r[0] for r in rows if r[3]] == [], viewport  # nor its label
    report.screenshot(f"webmap_open_{viewport[0]}")


@pytest.mark.slow  # Chromium
def test_popup_gives_a_unit_on_every_figure_row(browser, layer, tmp_path):
    path = tmp_path / "mu.html"
    write_html(self_contained_html(web_map(layer, unit="mu", county=LIANZHOU)), path)
    report = browser(path, wait_for="path.landgis-township")
    page = report.page
    label = page.locator(".landgis-label").filter(has_text=re.compile("^连州镇$")).bounding_box()
    page.mouse.click(label["x"] + label["width"] / 2, label["y"] + label["height"] / 2)
    page.locator(".landgis-popup").wait_for()
    rows = page.locator(".landgis-popup tr").evaluate_all(
        "trs => trs.map(t => Array.from(t.cells).map(c => c.textContent))")
    assert len(rows) == len(layer.attrs["categories"]) + 3
    for name, value in rows:
        assert re.search(r"（(亩|公顷/平方公里)）$", name) or value.endswith("%"), (name, value)
    report.assert_offline_clean()
