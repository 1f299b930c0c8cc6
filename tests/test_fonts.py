"""The shipped CJK font: matplotlib uses it with no missing glyphs, PDF embeds it, HTML gets a subset."""

from __future__ import annotations

import base64
import io
import re

import matplotlib
import pypdf
import pytest
from fontTools.ttLib import TTFont
from matplotlib import font_manager
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from landgis.render.fonts import FONT_FAMILY, cjk_font_path, pin_font, rc_params, use_cjk_font, webfont_css

pytestmark = pytest.mark.filterwarnings("error")  # a missing glyph is a UserWarning: make it fail

TEXT = "连州市2026年度土地供应计划：工矿仓储用地 无供应 瑶安瑶族乡 三水瑶族乡 丰阳镇 东陂镇 公顷 亩"


def test_font_file_is_shipped_and_covers_the_township_names():
    path = cjk_font_path()
    assert path.is_file() and path.name == "NotoSansCJKsc-Regular.otf"
    with TTFont(path, lazy=True) as font:
        cmap = font.getBestCmap()
    missing = [c for c in TEXT + "−°²" if ord(c) not in cmap]
    assert missing == []


def test_use_cjk_font_resolves_to_the_shipped_file_not_a_system_font():
    props = use_cjk_font(set_default=False)
    found = font_manager.findfont(props, fallback_to_default=False)
    assert found == str(cjk_font_path())
    assert props.get_family() == [FONT_FAMILY]


def test_chinese_text_draws_without_missing_glyph_warnings():
    with matplotlib.rc_context(rc_params()):
        fig = Figure(figsize=(4, 2))
        FigureCanvasAgg(fig)
        fig.text(0.05, 0.5, TEXT + " −3.5 km²", fontsize=8)
        fig.canvas.draw()  # filterwarnings("error") turns "Glyph … missing" into a failure


def test_a_font_without_chinese_does_warn(tmp_path):
    """The check above can fail: DejaVu Sans alone has no Chinese glyphs."""
    with matplotlib.rc_context({"font.family": "DejaVu Sans"}):
        fig = Figure(figsize=(2, 1))
        FigureCanvasAgg(fig)
        fig.text(0.1, 0.5, "连州")
        with pytest.raises(UserWarning, match="missing from font"):
            fig.canvas.draw()


def test_pdf_embeds_the_font_and_keeps_the_text_extractable(tmp_path):
    with matplotlib.rc_context(rc_params()):
        fig = Figure(figsize=(6, 2))
        FigureCanvasAgg(fig)
        fig.text(0.05, 0.5, TEXT, fontsize=7)
        fig.savefig(tmp_path / "t.pdf")
    page = pypdf.PdfReader(tmp_path / "t.pdf").pages[0]
    fonts = [f.get_object() for f in page["/Resources"]["/Font"].values()]
    cjk = [f for f in fonts if "NotoSansCJK" in str(f["/BaseFont"])]
    assert cjk, [f["/BaseFont"] for f in fonts]
    assert all(f["/Subtype"] == "/Type3" for f in cjk)
    # Every distinct character has its glyph outline embedded (a CharProc).
    glyphs = sum(len(f["/CharProcs"].get_object()) for f in cjk)
    assert glyphs >= len(set(TEXT) - {" "})
    assert "连州市2026年度土地供应计划" in page.extract_text()


def _decode(css: str) -> TTFont:
    m = re.search(r"url\(data:font/woff;base64,([A-Za-z0-9+/=]+)\) format\(\"woff\"\)", css)
    assert m, css[:200]
    return TTFont(io.BytesIO(base64.b64decode(m.group(1))))


def test_webfont_css_is_a_subset_with_every_character_of_the_text():
    css = webfont_css(TEXT, family="landgis-cjk")
    assert css.startswith("@font-face") and 'font-family: "landgis-cjk"' in css
    font = _decode(css)
    cmap = font.getBestCmap()
    assert [c for c in TEXT + "0123456789.,;:()%ABCxyz（）" if ord(c) not in cmap] == []
    assert "龙" not in {chr(c) for c in cmap}  # not in TEXT: subset, not the whole font
    assert len(css) < 120_000  # the full font is 16 MB
    assert "SIL Open Font License" in font["name"].getDebugName(13)  # the OFL notice travels with it


def test_webfont_css_rejects_a_family_that_could_break_the_css():
    with pytest.raises(ValueError):
        webfont_css("连州", family='x"; } body { color: red')


@pytest.fixture
def impostor():
    """A machine whose "Noto Sans CJK SC" is another file: here DejaVu Sans, which has no Chinese."""
    import dataclasses

    from matplotlib.ft2font import FT2Font

    path = font_manager.findfont("DejaVu Sans")
    entry = dataclasses.replace(font_manager.ttfFontProperty(FT2Font(path)), name="Noto Sans CJK SC")
    manager = font_manager.fontManager
    manager.ttflist.insert(0, entry)
    manager._findfont_cached.cache_clear()
    yield path
    manager.ttflist.remove(entry)
    manager._findfont_cached.cache_clear()


def test_the_shipped_file_wins_over_a_system_font_of_the_same_name(impostor):
    assert font_manager.findfont(font_manager.FontProperties(family=["Noto Sans CJK SC"])) == impostor
    assert font_manager.findfont(use_cjk_font(set_default=False), fallback_to_default=False) == str(cjk_font_path())
    with matplotlib.rc_context(rc_params()):
        fig = Figure(figsize=(4, 2))
        FigureCanvasAgg(fig)
        text = fig.text(0.05, 0.5, TEXT, fontsize=8)
        fig.canvas.draw()  # DejaVu would warn "missing from font"
        assert font_manager.findfont(text.get_fontproperties()) == str(cjk_font_path())


def test_a_pinned_figure_draws_chinese_under_any_rc_settings(impostor):
    fig = Figure(figsize=(4, 2))
    FigureCanvasAgg(fig)
    fig.text(0.05, 0.5, TEXT, fontsize=8)
    pin_font(fig)
    with matplotlib.rc_context({"font.family": "sans-serif", "font.sans-serif": ["Noto Sans CJK SC"]}):
        fig.canvas.draw()


def test_importing_landgis_changes_no_matplotlib_default_until_asked():
    """No process-wide side effect on import: a user's figures get the font only from use_cjk_font()."""
    import subprocess
    import sys

    code = ("import matplotlib, landgis, landgis.render, landgis.render.static; "
            "before = list(matplotlib.rcParams['font.sans-serif']); "
            "landgis.render.use_cjk_font(); "
            "print(before[0] != {f!r}, matplotlib.rcParams['font.sans-serif'][0] == {f!r})").format(f=FONT_FAMILY)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["True", "True"]
    assert font_manager.findfont(use_cjk_font(set_default=False)) == str(cjk_font_path())

def test_the_font_ships_as_package_data_with_its_ofl_licence():
    """The very file landgis drew with when it came from mplfonts 0.0.11 (so outputs stay identical)."""
    import hashlib

    path = cjk_font_path()
    assert path.parent.name == "fontdata" and path.parent.parent.name == "render"
    assert hashlib.sha256(path.read_bytes()).hexdigest() == (
        "1652500938055a232cfbfa321de6ebaadfc5635dd9f75e369bc991d14a6512dd")
    licence = (path.parent / "OFL.txt").read_text("utf-8")
    assert "SIL OPEN FONT LICENSE Version 1.1" in licence and "Adobe Systems Incorporated" in licence
