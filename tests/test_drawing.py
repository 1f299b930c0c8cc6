"""Each sheet is drawn once, in worker processes, and the atlas is the same bytes on every run."""

import hashlib
import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from landgis.atlas import build_atlas
from landgis.render import images
from landgis.render.drawing import PREVIEWS, Sheet, draw_sheets


def _hashes(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.slow
def test_atlas_outputs_are_byte_identical_across_runs_and_previews_come_from_the_drawing(tmp_path, monkeypatch):
    monkeypatch.setenv("LANDGIS_WORKERS", "2")  # the parallel path, even on a one-core machine
    before = images.stats()
    first = build_atlas(out=tmp_path / "one")
    after = images.stats()
    pngs = sorted((tmp_path / "one" / "maps").glob("*.png"))
    assert len(pngs) == 10
    # every report preview and Word picture was the copy made from the drawing's raster: no PNG was decoded
    assert after["decoded"] == before["decoded"]
    assert after["remembered"] - before["remembered"] == 2 * len(pngs)
    second = build_atlas(out=tmp_path / "two")
    one, two = _hashes(first.out_dir), _hashes(second.out_dir)
    assert len(one) == 38
    assert one == two  # every file, none excluded (PDF/SVG/PNG carry no dates; docx/zip times are fixed)


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


def test_draw_sheets_draws_each_sheet_once_in_workers(tmp_path, monkeypatch):
    from landgis.allocation import join
    from landgis.boundaries import load_townships
    from landgis.plan import SEED_PLAN, parse_plan

    plan = parse_plan(SEED_PLAN)
    layer = join(plan, load_townships(county=plan.county))
    cats = list(layer.attrs["categories"])[:2]
    sheets = [Sheet("choropleth", (layer, c), {"county": plan.county}, tmp_path / f"s{i}", ("png", "svg"))
              for i, c in enumerate(cats)]
    before = images.stats()
    written = draw_sheets(sheets, n_workers=2)
    assert [p.name for p in written] == ["s0.png", "s0.svg", "s1.png", "s1.svg"]
    for png in written[::2]:
        rgba = np.asarray(Image.open(png).convert("RGBA"))
        # the copy handed back by the worker is the one made from the raster that became the file
        assert images.palette_png(png, 1400) == images.palette_from_raster(rgba, 1400)
    assert images.stats()["remembered"] - before["remembered"] == 2
