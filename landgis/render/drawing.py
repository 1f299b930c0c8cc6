"""Draw the atlas' sheets once each, in parallel worker processes.

Each sheet (a choropleth, the small multiples, the stacked bars) is drawn once: that one figure is
written as PNG, SVG and PDF, and the report's preview is made from the PNG's raster while it is
still in memory (:func:`landgis.render.images.remember`); the Word report shows the PNG itself.
The costliest sheets are handed out first, so that no worker is left drawing alone at the end.

Workers are started with ``fork`` on Linux (:func:`_context`): a forked child does not import the
caller's ``__main__`` again, so a script that calls :func:`landgis.atlas.build_atlas` without an
``if __name__ == "__main__":`` guard works. Forking is safe here because a worker only draws: it
gets a :class:`Sheet` (the layer, the figures model, paths), runs matplotlib's Agg backend, writes
the sheet's own files and hands back bytes; it opens no database, cluster or file the parent is
using, and the parent is single-threaded when it forks (with other threads running, a lock one of
them holds could be copied held, so then the sheets are drawn in-process instead). Where ``fork``
is not offered, ``spawn`` is used only when ``__main__`` is not a file that would be run again
(an interactive session or a notebook); otherwise the sheets are drawn in-process, one by one.
A pool that cannot start or breaks also falls back to drawing in-process. Every worker registers
the shipped CJK font before it draws (:func:`_init_worker`).
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import os
import signal
import sys
import threading
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

import matplotlib
import matplotlib.backends.backend_pdf  # noqa: F401  the workers' writers (and fontTools' subsetter): imported
import matplotlib.backends.backend_svg  # noqa: F401  once, before the workers fork, and shared by them
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image
from PIL.PngImagePlugin import PngInfo

from landgis.catalog import message
from landgis.errors import InputError
from landgis.heap import frozen
from landgis.files import atomic_path
from landgis.render.fonts import rc_params, use_cjk_font
from landgis.render.images import opaque_rgb, palette_from_image, remember, shrink
from landgis.render.text import version

__all__ = ["FORMATS", "Sheet", "draw_sheets", "meanwhile", "save_figure", "workers"]

#: The formats a sheet is written in.
FORMATS = ("png", "svg", "pdf")

#: Palette copies made from each PNG's raster: (width in pixels, dpi to record or None): the
#: report's preview (report._preview). The Word report shows the PNG itself (word_report._picture).
PREVIEWS: tuple[tuple[int, int | None], ...] = ((1400, None),)
#: At most this many workers unless ``LANDGIS_WORKERS`` says otherwise: each holds a 300 dpi A4
#: raster (35 MB) and matplotlib's drawing, 85–110 MB of its own at its peak.
MAX_WORKERS = 2


@dataclass(frozen=True)
class Sheet:
    """One figure to draw: which function, its arguments, and where its files go."""

    draw: Callable  # a sheet function of landgis.render.static (choropleth, small_multiples, stacked_bars)
    args: tuple
    kwargs: dict
    stem: Path  # the files' path without suffix
    formats: tuple[str, ...]
    dpi: int = 300
    previews: tuple[tuple[int, int | None], ...] = field(default=PREVIEWS)
    cost: float = 1.0  # relative to one map, for the order the workers get the sheets in (not their output order)


def workers() -> int:
    """Worker processes to use: ``LANDGIS_WORKERS`` if set, else the CPU count (at most :data:`MAX_WORKERS`).

    Examples
    --------
    >>> workers() >= 1
    True
    """
    value = os.environ.get("LANDGIS_WORKERS", "").strip()
    if value.isdigit() and int(value) > 0:
        return int(value)
    return max(1, min(MAX_WORKERS, os.cpu_count() or 1))


def _init_worker() -> None:
    # The parent alone answers Ctrl-C and SIGTERM (the landgis command's handler, inherited by fork, would
    # raise in a worker); it ends its workers with SIGTERM, which must kill them.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, _HELD)  # forked while the parent held them (_signals_held)
    matplotlib.use("Agg")
    _register_font()


def _register_font() -> None:
    use_cjk_font(set_default=False)


def _draw(sheet: Sheet):
    return sheet.draw(*sheet.args, **sheet.kwargs)


def draw_sheet(sheet: Sheet) -> tuple[list[Path], dict[tuple[int, int | None], bytes]]:
    """Draw one sheet, write its files, and make its palette copies from the PNG's raster.

    The PNG is written last and the copies shrunk from its raster; the figure and its raster (35 MB at
    300 dpi) are then freed, before the copies are quantized: a worker's memory peaks at the raster and one
    shrinking, not at the raster, the quantizing and the SVG or PDF writer together.

    Returns
    -------
    (list of Path, dict)
        The files written (in ``sheet.formats`` order) and the palette PNGs by (width, dpi).
    """
    fig = _draw(sheet)
    try:
        written = {fmt: save_figure(fig, sheet.stem.with_name(f"{sheet.stem.name}.{fmt}"), dpi=sheet.dpi)
                   for fmt in sorted(sheet.formats, key=lambda fmt: fmt == "png")}
        shrunk = _shrunk(fig, sheet.previews) if "png" in written else {}
    finally:
        plt.close(fig)
        _release_raster(fig)
        del fig
        gc.collect()  # the closed figure's reference cycles, and the raster its texts still hold
    previews = {(width, dpi): palette_from_image(img, dpi) for (width, dpi), img in shrunk.items()}
    return [written[fmt] for fmt in sheet.formats], previews


def _shrunk(fig: Figure, previews: tuple[tuple[int, int | None], ...]) -> dict[tuple[int, int | None], Image.Image]:
    """The raster just written to PNG (still on the Agg canvas), shrunk to each preview's width."""
    rgba = np.asarray(fig.canvas.buffer_rgba())
    return {(width, dpi): shrink(rgba, width) for width, dpi in previews}


def _release_raster(fig) -> None:
    """Drop the Agg canvas's 300 dpi raster (35 MB), so that a figure something else still holds does not keep
    it (a closed figure sits in reference cycles until the cyclic GC runs, which :func:`draw_sheet` runs)."""
    vars(fig.canvas).pop("renderer", None)
    vars(fig.canvas).pop("_lastKey", None)


def _context():
    """The start method for the workers, or None to draw in-process (see the module's notes)."""
    methods = multiprocessing.get_all_start_methods()
    if sys.platform.startswith("linux") and "fork" in methods:
        return multiprocessing.get_context("fork") if threading.active_count() == 1 else None
    main = sys.modules.get("__main__")
    if getattr(main, "__file__", None) is None:  # nothing a spawned child would run again
        return multiprocessing.get_context("spawn")
    return None


def handout_order(sheets: list[Sheet]) -> list[int]:
    """The order the workers get the sheets in: the costliest first, so that none is left drawing alone at the
    end; equal costs keep their order.

    Examples
    --------
    >>> handout_order([Sheet(print, (), {}, Path("a"), ("png",)), Sheet(print, (), {}, Path("b"), ("png",), cost=1.5)])
    [1, 0]
    """
    return sorted(range(len(sheets)), key=lambda i: -sheets[i].cost)


def draw_sheets(sheets: list[Sheet], n_workers: int | None = None) -> list[Path]:
    """Draw every sheet once (in parallel when more than one worker), and remember the palette copies.

    Returns
    -------
    list of Path
        The files written, in the order of ``sheets``.
    """
    n = min(n_workers or workers(), len(sheets))
    ctx = _context() if n > 1 else None
    results = _draw_in_workers(sheets, n, ctx) if ctx is not None else None
    if results is None:
        _register_font()
        with frozen():  # each sheet's gc.collect() then looks at that sheet's objects alone
            results = [draw_sheet(s) for s in sheets]
    written: list[Path] = []
    for files, previews in results:
        written.extend(files)
        png = next((p for p in files if p.suffix == ".png"), None)
        for (width, dpi), data in previews.items():
            remember(png, width, dpi, data)
    return written


def _draw_in_workers(sheets: list[Sheet], n: int, ctx) -> list | None:
    """Each sheet's (files, previews) drawn by ``n`` worker processes, or None if the pool could not work."""
    # Forked workers share the parent's pages until written; the cyclic GC writes to every object
    # it scans, so the parent's objects are frozen out of it while the workers live.
    Image.preinit()  # Pillow's common formats, which it imports at a first save: here, once for all workers
    with frozen():
        before = set(multiprocessing.active_children())
        pool = ProcessPoolExecutor(max_workers=n, mp_context=ctx, initializer=_init_worker)
        try:
            first = handout_order(sheets)
            with _signals_held():  # the workers are forked here
                results = pool.map(draw_sheet, [sheets[i] for i in first])
            drawn = dict(zip(first, results))
        except (BrokenProcessPool, OSError):  # workers could not start or died: draw here instead
            drawn = None
        except BaseException:  # an interrupt: end the workers now, so that nothing waits for them
            _end(pool, before)
            raise
    pool.shutdown(wait=True)
    return None if drawn is None else [drawn[i] for i in range(len(sheets))]


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """Ctrl-C and SIGTERM wait while a pool forks its processes, and arrive when it has: an interrupt in the
    middle of a fork was lost (the command finished and said nothing) or left a worker nobody ended."""
    if not hasattr(signal, "pthread_sigmask"):  # Windows: no fork, and no signal masks
        yield
        return
    held = signal.pthread_sigmask(signal.SIG_BLOCK, _HELD)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)


_HELD = {signal.SIGINT, signal.SIGTERM}


def _end(pool: ProcessPoolExecutor, before: set) -> None:
    """End a pool's workers now (an interrupt or an error), so that nothing waits for them."""
    for worker in set(multiprocessing.active_children()) - before:
        worker.terminate()
    pool.shutdown(wait=False, cancel_futures=True)


@contextlib.contextmanager
def meanwhile(job: Callable, *args, **kwargs) -> Iterator[None]:
    """Run ``job(*args, **kwargs)`` in a forked process while the block runs; wait for it when the block ends.

    The atlas writes 报告.docx this way while it makes index.html: the two need nothing from each other,
    and the machine's second core is otherwise idle then. ``job``'s error is raised when the block
    ends (an error of the block's own comes first, and ends the process). Where no process can be
    forked (one worker, no ``fork``, other threads running), or it dies, ``job`` runs here instead.

    Examples
    --------
    >>> import tempfile
    >>> out = Path(tempfile.mkdtemp()) / "a.txt"
    >>> with meanwhile(out.write_text, "written alongside", encoding="utf-8"):
    ...     pass
    >>> out.read_text(encoding="utf-8")
    'written alongside'
    """
    ctx = _context() if workers() > 1 else None
    if ctx is None or ctx.get_start_method() != "fork":
        job(*args, **kwargs)
        yield
        return
    with frozen():  # as in draw_sheets: the child shares the parent's pages
        before = set(multiprocessing.active_children())
        pool = ProcessPoolExecutor(max_workers=1, mp_context=ctx, initializer=_init_worker)
        try:
            with _signals_held():  # the process is forked here
                future = pool.submit(job, *args, **kwargs)
        except (BrokenProcessPool, OSError):  # no process could be forked: do it here
            pool.shutdown(wait=False)
            job(*args, **kwargs)
            yield
            return
        try:
            yield
        except BaseException:  # the block's error (it comes first) or an interrupt: end the job's process now
            _end(pool, before)
            raise
        try:
            future.result()
        except BrokenProcessPool:  # the process died: do it here
            pool.shutdown(wait=True)
            job(*args, **kwargs)
            return
        except Exception:  # the job's own error: its process is idle, and ends
            pool.shutdown(wait=True)
            raise
        except BaseException:  # an interrupt while waiting for the job
            _end(pool, before)
            raise
    pool.shutdown(wait=True)


def _metadata(fmt: str, title: str) -> dict:
    # No dates: the same inputs give the same files.
    if fmt == "pdf":
        return {"Title": title, "Creator": f"landgis {version()}", "Producer": None,
                "CreationDate": None, "ModDate": None}
    if fmt == "svg":
        return {"Title": title, "Creator": f"landgis {version()}", "Date": None}
    if fmt == "png":
        return {"Title": title, "Software": f"landgis {version()} (matplotlib)"}
    return {}


def save_figure(fig: Figure, path: str | Path, *, dpi: int = 300) -> Path:
    """Write a figure atomically (temporary file in the same folder, then rename).

    Parameters
    ----------
    fig : matplotlib.figure.Figure
    path : str or pathlib.Path
        The format is the suffix: ``.png``, ``.svg`` or ``.pdf``.
    dpi : int
        Resolution of PNG output (vector formats are resolution-free).

    Returns
    -------
    pathlib.Path
    """
    path = Path(path)
    fmt = path.suffix.lstrip(".").lower()
    if fmt not in FORMATS:
        raise InputError(message("cannot write {path_name}: format must be one of {items}", path_name=path.name, items=', '.join(FORMATS)))
    with atomic_path(path) as tmp, matplotlib.rc_context({**rc_params(), "svg.hashsalt": "landgis"}):
        if fmt == "png":
            _save_png(fig, tmp, dpi, _metadata(fmt, fig.get_label() or path.stem))
        else:
            fig.savefig(tmp, format=fmt, dpi=dpi, metadata=_metadata(fmt, fig.get_label() or path.stem),
                        facecolor="white")
    return path


#: zlib level of the 300 dpi PNGs: 3 compresses an opaque map's RGB as small as matplotlib's RGBA at
#: its default 6, in two thirds of the time.
PNG_COMPRESS_LEVEL = 3


def _save_png(fig: Figure, path: str | Path, dpi: int, metadata: dict) -> None:
    """The figure's Agg raster as a PNG: RGB when every pixel is opaque (a white page always is).

    matplotlib writes RGBA at zlib level 6; the same pixels without the constant alpha channel, at
    :data:`PNG_COMPRESS_LEVEL`, cost a third less CPU and a few per cent fewer bytes. The text chunks
    (Software, Title) and the resolution are the ones ``savefig`` writes.
    """
    canvas = fig.canvas
    agg = canvas if isinstance(canvas, FigureCanvasAgg) else FigureCanvasAgg(fig)  # as savefig would switch
    try:
        fig.savefig(os.devnull, format="rgba", dpi=dpi, facecolor="white")  # renders the page on the canvas
        rgba = np.asarray(agg.buffer_rgba())
    finally:
        if agg is not canvas:
            fig.set_canvas(canvas)
    if rgba[..., 3].min() == 255:
        image = opaque_rgb(rgba)  # the raster itself, not a 35 MB copy
    else:
        image = Image.frombuffer("RGBA", (rgba.shape[1], rgba.shape[0]), rgba, "raw", "RGBA", 0, 1)
    info = PngInfo()
    for key, value in {"Software": None, **metadata}.items():  # savefig's order: Software first
        if value is not None:
            info.add_text(key, value)
    image.save(path, format="png", pnginfo=info, dpi=(dpi, dpi), compress_level=PNG_COMPRESS_LEVEL)
