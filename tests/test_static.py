"""Static maps of the seed plan on the shipped layer: classes, legend, page furniture and file content."""

from __future__ import annotations

import hashlib
import logging
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pypdf
import pytest
from matplotlib.patches import Rectangle
from matplotlib.text import Text
from PIL import Image

from landgis.cli import main
from landgis.errors import InputError
from landgis.render.classes import classify
from landgis.render.static import (
    choropleth,
    plot_crs,
    render_maps,
    save_figure,
    small_multiples,
    stacked_bars,
)
from landgis.county import find_county

# Any warning fails a test: above all matplotlib's "Glyph … missing from font(s)".
pytestmark = pytest.mark.filterwarnings("error")

LIANZHOU = find_county("441882")  # the county of the seed plan, passed to every renderer

ARTIFACTS = Path(__file__).parent / "artifacts"
IND = "工矿仓储用地"


@pytest.fixture(scope="module")
def ind_map(layer):
    return choropleth(layer, IND, county=LIANZHOU)


@pytest.fixture(scope="module")
def ind_files(layer, tmp_path_factory):
    """The 工矿仓储用地 map in all three formats at print resolution, as a user gets it."""
    out = tmp_path_factory.mktemp("maps")
    paths = render_maps(layer, out, categories=[IND], extras=False, county=LIANZHOU)
    ARTIFACTS.mkdir(exist_ok=True)
    shutil.copy(paths[0], ARTIFACTS / "static_industrial.png")
    return {p.suffix[1:]: p for p in paths}


def texts(fig) -> list[str]:
    return [t.get_text() for t in fig.findobj(Text) if t.get_text()]


@pytest.fixture(autouse=True)
def no_font_fallback(caplog):
    """matplotlib logs (not warns) when it substitutes a font: that must not happen either."""
    with caplog.at_level(logging.WARNING, logger="matplotlib"):
        yield
    assert [r.getMessage() for r in caplog.records if "findfont" in r.getMessage()] == []


# --- classification ----------------------------------------------------------------------------
def test_industrial_map_puts_the_three_industrial_towns_on_top_and_fengyang_as_no_supply(ind_map):
    cls = ind_map.landgis_classification
    assert cls.column == IND and cls.scheme == "natural_breaks"
    assert 3 <= cls.k <= 5
    top3 = {"龙坪镇", "东陂镇", "保安镇"}
    a = cls.assignment
    assert min(a[n] for n in top3) > max(a[n] for n in a.index if n not in top3)
    assert set(cls.townships_in(-1)) <= top3 and cls.townships_in(-1)
    assert a["丰阳镇"] == -1 and "丰阳镇" in cls.no_supply
    assert cls.colour_of("丰阳镇") != cls.colours[0]


def test_zero_is_never_the_lowest_class(layer):
    for column in [*layer.attrs["categories"], "total", "density"]:
        cls = classify(layer, column)
        zero = set(layer.loc[layer[column] == 0, "name"])
        assert set(cls.no_supply) == zero, column
        assert all(cls.assignment[n] >= 0 for n in layer["name"] if n not in zero), column
        assert sum(cls.counts) == 12 - len(zero)
        assert len(cls.labels) == len(cls.colours) == cls.k


def test_natural_breaks_is_deterministic(layer):
    first = classify(layer, "total")
    for _ in range(3):
        again = classify(layer, "total")
        assert again.bins == first.bins and again.assignment.equals(first.assignment)


@pytest.mark.parametrize("scheme", ["quantiles", "equal_interval", "natural_breaks"])
@pytest.mark.parametrize("k", [3, 4])
def test_schemes_and_k(layer, scheme, k):
    cls = classify(layer, "total", scheme=scheme, k=k)
    assert cls.scheme == scheme and cls.k == k
    positive = layer.loc[layer["total"] > 0, "total"]
    assert cls.bins[-1] == pytest.approx(positive.max())
    if scheme == "equal_interval":
        widths = np.diff([cls.lower, *cls.bins])
        assert widths == pytest.approx([widths[0]] * k)
    if scheme == "quantiles":
        assert max(cls.counts) - min(cls.counts) <= 1  # 11 townships in k near-equal groups


def test_k_is_capped_by_the_distinct_values(layer):
    cls = classify(layer, "住宅用地", k=5)  # only three townships get housing land
    assert cls.k == 3 and cls.counts == (1, 1, 1)


def test_user_breaks(layer):
    cls = classify(layer, IND, breaks=[1, 5, 10])
    assert cls.scheme == "user"
    assert cls.bins == (1.0, 5.0, 10.0, pytest.approx(23.011857))
    assert cls.labels[0] == "≤ 1.00" and cls.labels[-1] == "10.01 – 23.01"
    a = cls.assignment
    assert (a["连州镇"], a["大路边镇"], a["九陂镇"], a["保安镇"], a["丰阳镇"]) == (0, 1, 2, 3, -1)


def test_mu_unit_converts_values_breaks_and_legend(layer):
    cls = classify(layer, IND, unit="mu", breaks=[15, 75, 150])
    assert cls.values["龙坪镇"] == pytest.approx(23.011857 * 15)
    assert cls.assignment["连州镇"] == 0 and cls.assignment["大路边镇"] == 1  # 10.5 mu, 43.1 mu
    fig = choropleth(layer, IND, unit="mu", breaks=[15, 75, 150], county=LIANZHOU)
    all_text = "\n".join(texts(fig))
    assert "计划供应面积（亩）" in all_text and "公顷" not in all_text.split("资料来源")[0]
    assert "龙坪镇\n345.2" in texts(fig)  # 23.011857 ha = 345.18 mu, labelled to 0.1 mu


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"scheme": "jenks"}, "unknown classification scheme"),
        ({"scheme": "user"}, "need breaks"),
        ({"breaks": [5, 1]}, "increasing"),
        ({"breaks": [0, 1]}, "positive"),
        ({"unit": "acre"}, "unit must be"),
        ({"k": 0}, "at least 1"),
    ],
)
def test_bad_classification_input_is_a_clear_error(layer, kwargs, message):
    with pytest.raises(InputError, match=message):
        classify(layer, IND, **kwargs)


def test_unknown_column_names_what_can_be_mapped(layer):
    with pytest.raises(InputError, match="工矿仓储用地.*total.*density"):
        classify(layer, "停车场用地")
    assert classify(layer, "工矿仓储").column == IND  # aliases resolve


# --- the map sheet -----------------------------------------------------------------------------
def test_map_sheet_has_title_legend_furniture_and_footnote(ind_map, layer):
    all_text = texts(ind_map)
    joined = "\n".join(all_text)
    assert "连州市2026年度土地供应计划：工矿仓储用地" in all_text
    cls = ind_map.landgis_classification
    legend = ind_map.findobj(lambda a: a.__class__.__name__ == "Legend")[0]
    rows = [t.get_text() for t in legend.get_texts()]
    assert legend.get_title().get_text() == "计划供应面积（公顷）"
    assert len(rows) == cls.k + 1
    assert rows[-1].startswith("无供应") and "5 个" in rows[-1]
    assert rows[0].startswith(cls.labels[-1])  # highest class on top
    assert "北" in all_text and "公里" in all_text  # north arrow, scale bar
    assert "连州市在清远市的位置" in all_text  # locator
    assert layer.attrs["provenance"]["footnote"] in joined
    assert "资料来源：《连州市2026年度土地供应计划》" in joined
    assert "界线数据：" in joined and "GeoNames" in joined  # CC BY attribution of the shipped layer
    assert "知识共享署名 4.0" in joined and "synthesised" not in joined  # in Chinese on a Chinese map
    for name in layer["name"]:
        assert any(t.startswith(name) for t in all_text), name
    assert "龙坪镇\n23.01" in all_text and "丰阳镇" in all_text


def test_scale_bar_is_true_in_the_projected_crs(ind_map, layer):
    crs = plot_crs(layer)
    assert crs.to_epsg() == 4546  # CGCS2000 3° Gauss-Krüger, central meridian 111°E
    assert crs.axis_info[0].unit_name == "metre"
    ax = ind_map.axes[0]
    width_km = np.diff(ax.get_xlim())[0] / 1000
    assert 60 < width_km < 200  # the county is about 70 km across
    segments = [p for p in ax.patches if isinstance(p, Rectangle) and p.get_zorder() == 30]
    length_km = sum(p.get_width() for p in segments) / 1000
    numbers = [float(t.get_text()) for t in ax.texts if re.fullmatch(r"\d+(\.\d+)?", t.get_text())]
    assert len(segments) >= 2 and max(numbers) == pytest.approx(length_km)
    assert length_km in (10, 20, 50)


def test_english_sheet(layer):
    fig = choropleth(layer, "total", lang="en", county=LIANZHOU)
    all_text = texts(fig)
    assert any(t.startswith("Lianzhou 2026 land supply plan") for t in all_text)
    assert "Longping\n23.01" in all_text and any(t.startswith("No supply") for t in all_text)


def test_small_multiples_share_one_set_of_classes(layer):
    fig = small_multiples(layer, county=LIANZHOU)
    panels = fig.landgis_panels
    assert list(panels) == layer.attrs["categories"]
    bins = {p.bins for p in panels.values()}
    assert len(bins) == 1
    assert panels[IND].assignment["丰阳镇"] == -1
    assert panels["住宅用地"].assignment["连州镇"] == panels["住宅用地"].k - 1  # 27.57 ha: the top class
    assert panels[IND].colours != panels["住宅用地"].colours  # each in its own standard colour


def test_total_map_states_the_plans_total_beside_the_townships_sum(layer):
    fig = choropleth(layer, "total", county=LIANZHOU)
    joined = "\n".join(texts(fig))
    assert "全市（计划）：158.18 公顷" in joined  # the plan's 158.1793169, not the townships' 156.397524
    assert "乡镇合计：156.40 公顷" in joined and "未落实到乡镇：1.78 公顷" in joined
    # 工矿仓储用地 adds up: its 全市 figure stands alone.
    joined = "\n".join(texts(choropleth(layer, IND, unit="mu", county=LIANZHOU)))
    assert "全市（计划）：1,188.6 亩" in joined and "乡镇合计" not in joined


def test_small_multiples_headers_state_the_plans_figures(layer):
    titles = [ax.get_title(loc="left") for ax in small_multiples(layer, county=LIANZHOU).axes]
    housing = next(t for t in titles if t.startswith("住宅用地"))
    assert "全市（计划）：29.33 公顷" in housing  # the plan's 29.327316
    assert "乡镇合计：29.22 公顷" in housing and "未落实到乡镇：0.11 公顷" in housing
    assert "乡镇合计" not in next(t for t in titles if t.startswith(IND))


def test_stacked_bars_table(layer):
    fig = stacked_bars(layer, unit="mu", county=LIANZHOU)
    table = fig.landgis_table
    assert list(table.index[:3]) == ["连州镇", "东陂镇", "龙坪镇"]
    assert table.sum(axis=1).iloc[0] == pytest.approx(62.376199 * 15)
    assert table.loc["丰阳镇"].sum() == 0
    assert "无供应" in texts(fig)
    assert "全市（计划）：2,372.7 亩\n乡镇合计：2,346.0 亩\n未落实到乡镇：26.7 亩" in texts(fig)


# --- classes and colours -----------------------------------------------------------------------
def test_few_supplied_townships_get_at_most_three_classes(layer):
    ind = classify(layer, IND)  # 7 townships have 工矿仓储用地
    assert ind.k == 3
    assert set(ind.townships_in(-1)) == {"龙坪镇", "东陂镇", "保安镇"}  # the industrial three: one story
    for column in [*layer.attrs["categories"], "total", "density"]:
        cls = classify(layer, column)
        if len(cls.values[cls.values > 0]) <= 8:
            assert cls.k <= 3, column
    assert classify(layer, "住宅用地").k == 2  # 3 townships: never one class per township
    assert classify(layer, "total").k > 3  # 11 townships: the scheme may use more
    assert classify(layer, IND, k=5).k == 5  # an explicit k is obeyed


@pytest.mark.parametrize("unit", ["ha", "mu", "m2"])
def test_legend_ranges_never_share_a_bound(layer, unit):
    for column in [*layer.attrs["categories"], "total", "density"]:
        cls = classify(layer, column, unit=unit)
        bounds = [[float(x.replace(",", "")) for x in label.split(" – ")] for label in cls.labels]
        for lower, upper in zip(bounds, bounds[1:]):
            assert lower[-1] < upper[0], (column, cls.labels)
        # every township's value lies within its class's printed range
        for name, value in cls.values[cls.values > 0].items():
            lo, *hi = bounds[cls.assignment[name]]
            assert lo - 1e-9 <= round(value, cls.decimals) <= (hi or [lo])[0] + 1e-9, (column, name, cls.labels)


def test_residential_ramp_stays_yellow_to_orange():
    import colorsys

    from landgis.categories import lookup, ramp

    brown = np.array([int(lookup("工矿仓储用地").colour[i:i + 2], 16) for i in (1, 3, 5)]) / 255
    for k in (1, 3, 5):
        for colour in ramp(lookup("住宅用地").colour, k):
            rgb = np.array([int(colour[i:i + 2], 16) for i in (1, 3, 5)]) / 255
            h, light, sat = colorsys.rgb_to_hls(*rgb)
            assert 0.07 <= h <= 0.18 and light >= 0.45 and sat > 0.9, colour  # yellow to orange, never brown
            assert np.abs(rgb - brown).max() > 0.25, colour


# --- the library ---------------------------------------------------------------------------------
def test_a_figure_made_outside_the_atlas_draws_chinese(layer, tmp_path):
    """A script's own figure: default rcParams restored, saved with plain savefig; no glyph may be missing."""
    import matplotlib
    import matplotlib.pyplot as plt

    import landgis

    fig = landgis.choropleth(layer, IND, county=LIANZHOU)
    with matplotlib.rc_context():
        matplotlib.rcdefaults()  # a script that resets matplotlib: the figure keeps its font file
        fig.savefig(tmp_path / "工矿仓储用地.png", dpi=60)  # filterwarnings("error"): a missing glyph fails
    own, (left, right) = plt.subplots(1, 2, figsize=(8, 4))
    try:
        assert landgis.choropleth(layer, "住宅用地", ax=left, county=LIANZHOU) is own
        landgis.choropleth(layer, "total", ax=right, county=LIANZHOU)
        right.set_title("全市供应总量")  # the user's own text: importing landgis.render made the font the default
        own.savefig(tmp_path / "两图.png", dpi=60)
    finally:
        plt.close(own)
    assert left.landgis_classification.column == "住宅用地"
    assert any(t.get_text().startswith("连州镇") for t in left.texts)
    assert (tmp_path / "两图.png").stat().st_size > 5_000


# --- dense official layers -----------------------------------------------------------------------
@pytest.fixture(scope="module")
def dense_layer(towns, plan):
    """The shipped layer with every border densified to about 1 m: a valid coverage of over 1,000,000 vertices."""
    import geopandas as gpd
    import shapely

    from landgis.allocation import join

    lines = shapely.union_all(towns.boundary.to_numpy())
    polys = shapely.get_parts(shapely.polygonize(shapely.get_parts(shapely.segmentize(lines, 0.000008))))
    owner = gpd.sjoin(gpd.GeoDataFrame(geometry=shapely.point_on_surface(polys), crs=towns.crs),
                      towns[["geometry"]], predicate="within")["index_right"]
    dense = towns.copy()
    dense["geometry"] = [polys[owner.index[owner == i][0]] for i in towns.index]
    assert shapely.get_num_coordinates(dense.geometry.to_numpy()).sum() > 1_000_000
    assert shapely.coverage_is_valid(dense.geometry.to_numpy())
    return join(plan, dense)


@pytest.mark.slow  # renders a 1M-vertex layer
def test_a_dense_layer_is_simplified_for_drawing_only(dense_layer, tmp_path):
    import shapely

    from landgis.render.furniture import drawing_layer

    crs = plot_crs(dense_layer)
    drawn = drawing_layer(dense_layer, crs)
    assert shapely.get_num_coordinates(drawn.geometry.to_numpy()).sum() < 50_000
    assert shapely.coverage_is_valid(drawn.geometry.to_numpy())  # neighbours keep one border
    assert (drawn.geometry.area / dense_layer.to_crs(crs).geometry.area).between(0.995, 1.005).all()
    assert shapely.get_num_coordinates(dense_layer.geometry.to_numpy()).sum() > 1_000_000  # analysis untouched
    svg, pdf = render_maps(dense_layer, tmp_path, categories=[IND], formats=["svg", "pdf"], county=LIANZHOU)
    assert svg.stat().st_size < 2_000_000 and pdf.stat().st_size < 2_000_000  # 33 MB unsimplified
    # The web map too: one self-contained page of a few hundred kB.
    from landgis.render.interactive import self_contained_html, web_map

    assert len(self_contained_html(web_map(dense_layer, county=LIANZHOU)).encode("utf-8")) < 1_000_000


# --- files -------------------------------------------------------------------------------------
def test_png_is_a4_at_300_dpi(ind_files):
    with Image.open(ind_files["png"]) as img:
        assert img.info["dpi"] == pytest.approx((300, 300), abs=0.1)
        w, h = img.size
        assert abs(w - 3508) <= 1 and abs(h - 2480) <= 1
        rgb = np.asarray(img.convert("RGB"))
    # The industrial ramp's darkest class (a brown) is on the page, not only white and grey.
    assert ((rgb[..., 0] > rgb[..., 2] + 25) & (rgb[..., 0] < 140)).sum() > 10_000


def test_pdf_embeds_the_cjk_font_and_text_is_extractable(ind_files):
    reader = pypdf.PdfReader(ind_files["pdf"])
    page = reader.pages[0]
    assert float(page.mediabox.width) == pytest.approx(841.89, abs=0.5)  # A4 landscape in points
    fonts = [f.get_object() for f in page["/Resources"]["/Font"].values()]
    cjk = [f for f in fonts if "NotoSansCJKsc" in str(f["/BaseFont"])]
    assert cjk and all(f["/Subtype"] == "/Type3" and f["/CharProcs"] for f in cjk)
    text = page.extract_text()
    for expected in ("连州市2026年度土地供应计划：工矿仓储用地", "无供应", "8.22 – 23.01", "龙坪镇"):
        assert expected in text
    assert reader.metadata["/Title"] == "连州市2026年度土地供应计划 工矿仓储用地"
    assert "/CreationDate" not in reader.metadata  # no dates: re-runs give the same bytes


def test_svg_carries_its_glyphs(ind_files):
    raw = ind_files["svg"].read_text("utf-8")
    root = ET.fromstring(raw)
    ns = {"svg": "http://www.w3.org/2000/svg"}
    assert root.findall(".//svg:text", ns) == []  # no text that needs a font on the reader's machine
    glyphs = [p for p in root.iter("{http://www.w3.org/2000/svg}path") if "NotoSansCJK" in (p.get("id") or "")]
    assert len(glyphs) > 40  # the Chinese glyph outlines, defined once and reused
    comments = re.findall(r"<!-- (.*?) -->", raw)
    assert "无供应    (5 个)" in comments and "连州市2026年度土地供应计划：工矿仓储用地" in comments
    assert root.get("width") == "841.889764pt"


def test_rerun_gives_identical_files_and_leaves_no_temporaries(layer, ind_files, tmp_path):
    again = render_maps(layer, tmp_path, categories=[IND], formats=["svg", "pdf"], extras=False, county=LIANZHOU)
    for path in again:
        first = ind_files[path.suffix[1:]]
        assert hashlib.sha256(path.read_bytes()).digest() == hashlib.sha256(first.read_bytes()).digest(), path.name
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in again)


def test_failed_write_leaves_the_old_file_untouched(ind_map, tmp_path):
    target = tmp_path / "map.png"
    target.write_bytes(b"old")
    with pytest.raises(InputError):
        save_figure(ind_map, tmp_path / "map.gif")

    class Boom(Exception):
        pass

    def explode(*args, **kwargs):
        raise Boom

    original = ind_map.savefig
    ind_map.savefig = explode
    try:
        with pytest.raises(Boom):
            save_figure(ind_map, target)
    finally:
        ind_map.savefig = original
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["map.png"]


@pytest.mark.slow  # renders every map of the plan
def test_every_map_of_the_plan_renders(layer, tmp_path):
    paths = render_maps(layer, tmp_path, formats=["png"], dpi=40, county=LIANZHOU)
    names = [p.name for p in paths]
    assert names == [  # Chinese names, in the plan's order
        "公用设施用地.png", "商服用地.png", "住宅用地.png", "工矿仓储用地.png", "公园与绿地.png", "交通运输用地.png",
        "供应总量.png", "供应强度.png", "各类用地一览.png", "分乡镇用地构成.png",
    ]
    for p in paths:
        with Image.open(p) as img:
            w, h = img.size  # A4 at 40 dpi
            assert abs(w - 468) <= 1 and abs(h - 331) <= 1, p.name


# --- command line ------------------------------------------------------------------------------
def test_cli_map_category_writes_that_map_alone(tmp_path, capsys):
    rc = main(["map", "--category", "工矿仓储", "--format", "png", "--dpi", "50", "--unit", "mu",
               "--breaks", "15,75,150", "--out", str(tmp_path)])
    captured = capsys.readouterr()
    out = captured.out.split()
    assert rc == 0
    assert out == [str(tmp_path / "工矿仓储用地.png")]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["工矿仓储用地.png"]
    assert "已写出 1 个文件" in captured.err
    with Image.open(out[0]) as img:
        assert img.info["dpi"] == pytest.approx((50, 50), abs=0.1)


def test_cli_map_bad_input_is_one_line(tmp_path, capsys):
    assert main(["map", "--breaks", "1,x", "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--breaks" in err
    assert main(["map", "--format", "gif", "--out", str(tmp_path)]) == 2
    assert "gif" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []
