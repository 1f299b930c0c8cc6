"""Each sheet is drawn once, in worker processes, and the atlas is the same bytes on every run."""

import hashlib
import io
import json
import multiprocessing
import os
import re
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from landgis.atlas import build_atlas
from landgis.errors import InputError, LandgisError
from landgis.render import fonts, images
from landgis.render.drawing import PREVIEWS, Sheet, _context, draw_sheet, draw_sheets
from landgis.render.static import choropleth

REPO = Path(__file__).resolve().parents[1]


def _hashes(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _env() -> dict:
    return {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")])}


@pytest.mark.slow
def test_atlas_outputs_are_byte_identical_across_runs_and_previews_come_from_the_drawing(tmp_path, monkeypatch):
    monkeypatch.setenv("LANDGIS_WORKERS", "2")  # the parallel path, even on a one-core machine
    before, subsets = images.stats(), fonts.subset_count()
    first = build_atlas(out=tmp_path / "one")
    after = images.stats()
    pngs = sorted((tmp_path / "one" / "maps").glob("*.png"))
    assert len(pngs) == 10
    # every report preview was the copy made from the drawing's raster: no PNG was decoded
    assert after["decoded"] == before["decoded"]
    assert after["remembered"] - before["remembered"] == len(pngs)
    # the Word report's pictures are the maps' own PNGs, byte for byte
    with zipfile.ZipFile(tmp_path / "one" / "报告.docx") as docx:
        media = {hashlib.sha256(docx.read(n)).hexdigest() for n in docx.namelist() if n.startswith("word/media/")}
    assert {hashlib.sha256(p.read_bytes()).hexdigest() for p in pngs} <= media
    # the web font: one subset for the run, the same in web_map.html and in index.html (its page and map fragment)
    assert fonts.subset_count() - subsets == 1
    fonts_in = {name: set(re.findall(r"font/woff;base64,([A-Za-z0-9+/=]+)", (tmp_path / "one" / name).read_text("utf-8")))
                for name in ("web_map.html", "index.html")}
    assert len(fonts_in["web_map.html"] | fonts_in["index.html"]) == 1 and len(fonts_in["index.html"]) == 1
    # the second run: an unguarded script in a fresh process (workers forked, __main__ not run again)
    script = tmp_path / "unguarded.py"
    script.write_text(f"from landgis.atlas import build_atlas\nbuild_atlas(out={str(tmp_path / 'two')!r})\n",
                      encoding="utf-8")
    subprocess.run([sys.executable, str(script)], check=True, cwd=tmp_path, env=_env(), timeout=1800)
    one, two = _hashes(first.out_dir), _hashes(tmp_path / "two")
    assert len(one) == 38
    assert one == two  # every file, none excluded (PDF/SVG/PNG carry no dates; docx/zip times are fixed)
    manifest = json.loads((tmp_path / "one" / "manifest.json").read_text(encoding="utf-8"))
    assert {o["path"] for o in manifest["outputs"]} == set(one) - {"manifest.json"}


@pytest.mark.slow  # runs a script using landgis in a new process, which draws in 2 more
def test_an_unguarded_script_draws_in_workers_and_runs_its_body_once(tmp_path):
    # spawn/forkserver children run the caller's script again; without a __main__ guard that
    # started the pool again from every child. The script's body must run once, the sheets drawn.
    marker = tmp_path / "ran.txt"
    script = tmp_path / "unguarded.py"
    script.write_text(textwrap.dedent(f"""
        import os
        from pathlib import Path
        from landgis.allocation import join
        from landgis.townships import load_townships
        from landgis.plan import SEED_PLAN, parse_plan
        from landgis.render.drawing import Sheet, _context, draw_sheets
        from landgis.render.static import choropleth

        with open({str(marker)!r}, "a") as fh:
            fh.write(str(os.getpid()) + "\\n")
        plan = parse_plan(SEED_PLAN)
        layer = join(plan, load_townships(county=plan.county))
        cats = list(layer.attrs["categories"])[:2]
        sheets = [Sheet(choropleth, (layer, c), {{"county": plan.county}}, Path({str(tmp_path)!r}) / f"s{{i}}",
                        ("png",)) for i, c in enumerate(cats)]
        print(_context().get_start_method() if _context() else "in-process")
        print(len(draw_sheets(sheets, n_workers=2)))
    """), encoding="utf-8")
    res = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, cwd=tmp_path, env=_env(),
                         timeout=900)
    assert res.returncode == 0, res.stderr
    method, count = res.stdout.split()
    if sys.platform.startswith("linux"):
        assert method == "fork"
    assert count == "2"
    assert len(marker.read_text().split()) == 1
    assert sorted(p.name for p in tmp_path.glob("s*.png")) == ["s0.png", "s1.png"]


def test_copy_from_raster_equals_copy_from_file(tmp_path):
    rng = np.random.default_rng(0)
    rgba = np.full((300, 500, 4), 255, dtype=np.uint8)
    rgba[50:250, 100:400, :3] = rng.integers(0, 255, size=(200, 300, 3), dtype=np.uint8)
    path = tmp_path / "m.png"
    Image.fromarray(rgba).save(path)
    for width, dpi in PREVIEWS + ((200, None),):
        assert images.palette_png(path, width, dpi) == images.palette_from_raster(rgba, width, dpi)
    made = images.palette_from_raster(rgba, 200, 300)
    assert Image.open(io.BytesIO(made)).mode == "P"


def test_the_costliest_sheets_are_handed_out_first_and_the_files_keep_their_order(tmp_path, monkeypatch):
    # in list order, the atlas' 10 sheets on 2 workers left one worker drawing the small multiples alone at the end
    from landgis.allocation import join
    from landgis.plan import SEED_PLAN, parse_plan
    from landgis.render import static
    from landgis.render.drawing import handout_order
    from landgis.townships import load_townships

    costs = [1.0, 1.0, 1.5, 1.0, 2.0]
    assert handout_order([Sheet(print, (), {}, tmp_path / f"s{i}", ("png",), cost=c)
                          for i, c in enumerate(costs)]) == [4, 2, 0, 1, 3]
    plan = parse_plan(SEED_PLAN)
    layer = join(plan, load_townships(county=plan.county))
    handed = []
    monkeypatch.setattr(static, "draw_sheets", handed.extend)  # the sheets render_maps makes, not drawn
    static.render_maps(layer, tmp_path, formats=("png",), county=plan.county)
    names = [s.stem.name for s in handed]
    assert names[-2:] == ["各类用地一览", "分乡镇用地构成"]  # the files' order: as the report lists them
    assert names[handout_order(handed)[0]] == "各类用地一览"  # drawn first


def test_draw_sheets_draws_each_sheet_once_in_workers(tmp_path, monkeypatch):
    from landgis.allocation import join
    from landgis.plan import SEED_PLAN, parse_plan
    from landgis.townships import load_townships

    plan = parse_plan(SEED_PLAN)
    layer = join(plan, load_townships(county=plan.county))
    cats = list(layer.attrs["categories"])[:2]
    sheets = [Sheet(choropleth, (layer, c), {"county": plan.county}, tmp_path / f"s{i}", ("png", "svg"))
              for i, c in enumerate(cats)]
    before = images.stats()
    written = draw_sheets(sheets, n_workers=2)
    assert [p.name for p in written] == ["s0.png", "s0.svg", "s1.png", "s1.svg"]
    for png in written[::2]:
        rgba = np.asarray(Image.open(png).convert("RGBA"))
        # the copy handed back by the worker is the one made from the raster that became the file
        assert images.palette_png(png, 1400) == images.palette_from_raster(rgba, 1400)
    assert images.stats()["remembered"] - before["remembered"] == 2


def test_report_previews_are_the_size_made_while_drawing():
    from landgis.render import report

    assert (report._preview.__defaults__[0], None) in PREVIEWS


def test_a_run_subsets_the_font_once_for_the_union_of_its_pages():
    with fonts.one_webfont_per_run() as font:
        before = fonts.subset_count()
        pages = [f"<style>{fonts.webfont_css('龙坪镇', 'a')}</style>", fonts.webfont_css("星子镇", "b")]
        assert fonts.subset_count() == before and "base64" not in "".join(pages)  # nothing made yet
        first, second = (font.fill(p) for p in pages)
        assert fonts.subset_count() - before == 1
        assert first.split("src:")[1].split(")")[0] == second.split("src:")[1].split(")")[0]  # one font for both
        assert '"a"' in first and '"b"' in second and first.startswith("<style>@font-face")
    alone = fonts.webfont_css("龙坪镇", "a")  # outside a run: the page's own characters, subset at once
    assert fonts.subset_count() - before == 2 and len(alone) < len(first) - len("<style></style>")


def test_a_page_left_without_its_font_is_a_bug_not_a_silent_placeholder():
    with pytest.raises(LandgisError, match="without their web font"):
        with fonts.one_webfont_per_run():
            fonts.webfont_css("连州")


def test_page_text_cannot_forge_the_placeholder():
    with fonts.one_webfont_per_run() as font:
        page = fonts.webfont_css("连州")
        forged = page.replace(page.split("-")[2], "0" * 24)  # the same form with another token
        assert font.fill(forged + "|/*landgis-webfont-0-0*/").endswith(forged + "|/*landgis-webfont-0-0*/")
        font.fill(page)


def test_no_fork_while_another_thread_runs():
    # a lock held by another thread at fork time would be copied held: then draw in-process
    import threading

    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert _context() is None
    finally:
        stop.set()
        thread.join()
    if sys.platform.startswith("linux") and threading.active_count() == 1:
        assert _context().get_start_method() == "fork"


def test_a_png_is_matplotlib_s_pixels_in_rgb_with_its_title_and_resolution(tmp_path):
    import matplotlib
    from matplotlib.figure import Figure

    from landgis.render.drawing import save_figure

    fig = Figure(figsize=(2, 1.5), label="图名")
    ax = fig.add_subplot()
    ax.fill([0, 1, 1], [0, 0, 1], color="#31a354", alpha=0.6)
    ax.text(0.1, 0.8, "连州市 1.25", fontsize=9)
    ours = save_figure(fig, tmp_path / "ours.png", dpi=150)
    with matplotlib.rc_context(fonts.rc_params()):  # the font save_figure draws with
        fig.savefig(tmp_path / "theirs.png", dpi=150, facecolor="white", metadata={"Title": "图名"})
    with Image.open(ours) as a, Image.open(tmp_path / "theirs.png") as b:
        assert (a.mode, b.mode) == ("RGB", "RGBA")
        assert np.asarray(b)[..., 3].min() == 255  # the page is opaque, so the alpha channel said nothing
        assert (np.asarray(a) == np.asarray(b)[..., :3]).all()
        assert a.text["Title"] == "图名" and a.text["Software"].startswith("landgis ")
        assert [round(v) for v in a.info["dpi"]] == [150, 150] and a.size == b.size


def test_a_drawn_sheet_lets_go_of_its_300_dpi_raster_before_the_gc_runs(tmp_path):
    # a closed figure lives on in reference cycles until the cyclic GC runs; its canvas must not keep the
    # 35 MB raster meanwhile (a worker drawing five sheets held five of them)
    from landgis.allocation import join
    from landgis.plan import SEED_PLAN, parse_plan
    from landgis.townships import load_townships

    plan = parse_plan(SEED_PLAN)
    layer = join(plan, load_townships(county=plan.county))
    drawn = []

    def draw(*args, **kwargs):
        drawn.append(choropleth(*args, **kwargs))  # kept alive, as the cycles keep it
        return drawn[-1]

    for i, c in enumerate(list(layer.attrs["categories"])[:2]):
        files, previews = draw_sheet(Sheet(draw, (layer, c), {"county": plan.county}, tmp_path / f"s{i}",
                                           ("png", "svg")))
        assert [p.suffix for p in files] == [".png", ".svg"] and len(previews) == len(PREVIEWS)
    assert len(drawn) == 2
    assert [vars(fig.canvas).get("renderer") for fig in drawn] == [None, None]


def test_the_figure_and_its_raster_are_freed_before_the_previews_are_quantized(tmp_path, monkeypatch):
    # the PNG is written last, its previews shrunk, and the figure freed: the quantizing does not add to a
    # worker's peak of the 300 dpi raster (issue 23: 400 MB)
    import weakref

    from landgis.allocation import join
    from landgis.plan import SEED_PLAN, parse_plan
    from landgis.render import drawing
    from landgis.townships import load_townships

    plan = parse_plan(SEED_PLAN)
    layer = join(plan, load_townships(county=plan.county))
    figures, order, alive_when_quantized = [], [], []

    def draw(*args, **kwargs):
        fig = choropleth(*args, **kwargs)
        figures.append(weakref.ref(fig))
        return fig

    def save(fig, path, **kwargs):
        order.append(Path(path).suffix)
        return real_save(fig, path, **kwargs)

    def quantize(img, dpi=None):
        alive_when_quantized.append(figures[-1]() is not None)
        return real_quantize(img, dpi)

    real_save, real_quantize = drawing.save_figure, drawing.palette_from_image
    monkeypatch.setattr(drawing, "save_figure", save)
    monkeypatch.setattr(drawing, "palette_from_image", quantize)
    files, previews = draw_sheet(Sheet(draw, (layer, layer.attrs["categories"][0]), {"county": plan.county},
                                       tmp_path / "s", ("png", "svg", "pdf")))
    assert order == [".svg", ".pdf", ".png"]  # drawn in this order, listed in the sheet's
    assert [p.suffix for p in files] == [".png", ".svg", ".pdf"]
    assert alive_when_quantized == [False] * len(PREVIEWS) and len(previews) == len(PREVIEWS)
    rgba = np.asarray(Image.open(files[0]).convert("RGBA"))
    assert previews[PREVIEWS[0]] == images.palette_from_raster(rgba, *PREVIEWS[0])


@pytest.mark.slow
def test_the_workers_fork_from_a_parent_without_the_later_steps_modules_and_import_nothing(tmp_path):
    # what the web map, the Word report, the workbooks and the web font need is imported after the drawing,
    # and what the workers need (the SVG and PDF writers, fontTools' subsetter, Pillow's formats) before the
    # fork, once for all of them (issue 23: 400 MB)
    script = tmp_path / "watch.py"
    script.write_text(textwrap.dedent(f"""
        import json, os, sys
        from landgis.render import drawing, static

        out = {str(tmp_path)!r}
        real_sheets, real_sheet, real_init = static.draw_sheets, drawing.draw_sheet, drawing._init_worker
        forked = {{}}

        def draw_sheets(sheets, *args, **kwargs):
            with open(os.path.join(out, "parent.json"), "w") as fh:
                json.dump(sorted(sys.modules), fh)
            return real_sheets(sheets, *args, **kwargs)

        def init():
            real_init()
            forked["modules"] = set(sys.modules)

        def draw_sheet(sheet):
            result = real_sheet(sheet)
            with open(os.path.join(out, f"worker-{{os.getpid()}}.json"), "a") as fh:
                fh.write(json.dumps(sorted(set(sys.modules) - forked["modules"])) + "\\n")
            return result

        static.draw_sheets, drawing.draw_sheet, drawing._init_worker = draw_sheets, draw_sheet, init
        from landgis.cli import main
        sys.argv = ["landgis", "atlas", "--out", os.path.join(out, "atlas")]
        main()
    """), encoding="utf-8")
    env = {**_env(), "LANDGIS_WORKERS": "2"}
    run = subprocess.run([sys.executable, str(script)], env=env, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr
    parent = {m.split(".")[0] for m in json.loads((tmp_path / "parent.json").read_text())}
    assert parent & {"folium", "branca", "docx", "openpyxl", "pypdf", "requests"} == set()
    assert "matplotlib.backends.backend_pdf" in json.loads((tmp_path / "parent.json").read_text())
    logs = sorted(tmp_path.glob("worker-*.json"))
    assert len(logs) == 2  # both workers drew
    imported = {m for log in logs for line in log.read_text().splitlines() for m in json.loads(line)}
    assert {m for m in imported if not m.startswith("encodings.")} == set()
    assert len(list((tmp_path / "atlas").rglob("*.*"))) == 38


def _note_pid(path: Path) -> None:
    path.write_text(str(os.getpid()), encoding="utf-8")


def _fail(path: Path) -> None:
    raise InputError(f"cannot write {path.name}")


def _wait_then_note(path: Path) -> None:
    import time

    time.sleep(30)
    path.write_text("late", encoding="utf-8")


def test_meanwhile_runs_the_job_in_a_second_process_and_waits_for_it(tmp_path, monkeypatch):
    from landgis.render.drawing import meanwhile

    monkeypatch.setenv("LANDGIS_WORKERS", "2")
    forks = _context() is not None  # not under pytest-xdist, whose threads make forking unsafe: then it runs here
    out = tmp_path / "pid.txt"
    with meanwhile(_note_pid, out):
        here = os.getpid()
    # written by another process when it can fork, and done when the block ended
    assert (out.read_text(encoding="utf-8") != str(here)) is forks
    monkeypatch.setenv("LANDGIS_WORKERS", "1")  # one worker: the job runs here, before the block
    with meanwhile(_note_pid, out):
        assert out.read_text(encoding="utf-8") == str(here)


def test_meanwhile_raises_the_jobs_error_after_the_block_and_the_blocks_own_first(tmp_path, monkeypatch):
    from landgis.render.drawing import meanwhile

    monkeypatch.setenv("LANDGIS_WORKERS", "2")
    forks = _context() is not None
    ran = []
    with pytest.raises(InputError, match="cannot write x.docx"):
        with meanwhile(_fail, tmp_path / "x.docx"):
            ran.append("block")
    assert ran == (["block"] if forks else [])  # here, the job runs first and its error ends the run at once
    if forks:
        late = tmp_path / "late.txt"
        with pytest.raises(KeyError):
            with meanwhile(_wait_then_note, late):
                raise KeyError("the block's own")
        for child in multiprocessing.active_children():
            child.join(timeout=10)  # ended with SIGTERM: gone at once, not after the job's 30 s
        assert not late.exists() and not [p for p in multiprocessing.active_children() if p.is_alive()]


def test_meanwhile_does_the_job_here_when_no_process_can_be_forked(tmp_path, monkeypatch):
    from concurrent.futures import ProcessPoolExecutor

    from landgis.render.drawing import meanwhile

    def no_fork(self, *args, **kwargs):
        raise OSError(11, "Resource temporarily unavailable")  # what fork() says without processes or memory

    monkeypatch.setenv("LANDGIS_WORKERS", "2")
    monkeypatch.setattr(ProcessPoolExecutor, "submit", no_fork)
    out = tmp_path / "pid.txt"
    with meanwhile(_note_pid, out):
        assert out.read_text(encoding="utf-8") == str(os.getpid())  # done here, before the block

