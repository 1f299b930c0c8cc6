"""Draw the atlas' sheets once each, in parallel worker processes.

Each sheet (a choropleth, the small multiples, the stacked bars) is drawn once: that one figure is
written as PNG, SVG and PDF, and the report's preview and the Word report's picture are made from
the PNG's raster while it is still in memory (:func:`landgis.render.images.remember`).

The work functions are top-level so that they run under the ``spawn`` and ``forkserver`` start
methods; every worker registers the shipped CJK font before it draws (:func:`_init_worker`).
"""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import matplotlib
import numpy as np

__all__ = ["Sheet", "draw_sheets", "workers"]

#: Palette copies made from each PNG's raster: (width in pixels, dpi to record or None).
PREVIEWS: tuple[tuple[int, int | None], ...] = ((1400, None), (1900, 300))


@dataclass(frozen=True)
class Sheet:
    """One figure to draw: which function, its arguments, and where its files go."""

    kind: str  # "choropleth", "small_multiples" or "stacked_bars"
    args: tuple
    kwargs: dict
    stem: Path  # the files' path without suffix
    formats: tuple[str, ...]
    dpi: int = 300
    previews: tuple[tuple[int, int | None], ...] = field(default=PREVIEWS)


def workers() -> int:
    """Worker processes to use: ``LANDGIS_WORKERS`` if set, else the CPU count (at most 4).

    Examples
    --------
    >>> workers() >= 1
    True
    """
    value = os.environ.get("LANDGIS_WORKERS", "").strip()
    if value.isdigit() and int(value) > 0:
        return int(value)
    return max(1, min(4, os.cpu_count() or 1))


def _init_worker() -> None:
    matplotlib.use("Agg")
    _register_font()


def _register_font() -> None:
    from landgis.render.fonts import use_cjk_font

    use_cjk_font(set_default=False)


def _draw(sheet: Sheet):
    from landgis.render import static

    return getattr(static, sheet.kind)(*sheet.args, **sheet.kwargs)


def draw_sheet(sheet: Sheet) -> tuple[list[Path], dict[tuple[int, int | None], bytes]]:
    """Draw one sheet, write its files, and make its palette copies from the PNG's raster.

    Returns
    -------
    (list of Path, dict)
        The files written (in ``sheet.formats`` order) and the palette PNGs by (width, dpi).
    """
    import matplotlib.pyplot as plt

    from landgis.render.images import palette_from_raster
    from landgis.render.static import save_figure

    fig = _draw(sheet)
    written: list[Path] = []
    previews: dict[tuple[int, int | None], bytes] = {}
    try:
        for fmt in sheet.formats:
            path = save_figure(fig, sheet.stem.with_name(f"{sheet.stem.name}.{fmt}"), dpi=sheet.dpi)
            written.append(path)
            if fmt == "png":  # the Agg canvas still holds the 300 dpi raster just written
                rgba = np.asarray(fig.canvas.buffer_rgba())
                previews = {key: palette_from_raster(rgba, *key) for key in sheet.previews}
    finally:
        plt.close(fig)
    return written, previews


def _context():
    methods = multiprocessing.get_all_start_methods()
    if "forkserver" in methods:
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(["landgis.render.static", "landgis.render.images", "mapclassify"])
        return ctx
    return multiprocessing.get_context("spawn")


def draw_sheets(sheets: list[Sheet], n_workers: int | None = None) -> list[Path]:
    """Draw every sheet once (in parallel when more than one worker), and remember the palette copies.

    Returns
    -------
    list of Path
        The files written, in the order of ``sheets``.
    """
    from landgis.render.images import remember

    n = min(n_workers or workers(), len(sheets))
    if n <= 1:
        _register_font()
        results = [draw_sheet(s) for s in sheets]
    else:
        with ProcessPoolExecutor(max_workers=n, mp_context=_context(), initializer=_init_worker) as pool:
            results = list(pool.map(draw_sheet, sheets))
    written: list[Path] = []
    for files, previews in results:
        written.extend(files)
        png = next((p for p in files if p.suffix == ".png"), None)
        for (width, dpi), data in previews.items():
            remember(png, width, dpi, data)
    return written
