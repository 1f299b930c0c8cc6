"""Output folders built beside their place and swapped in whole (the atlas, ``qa --out``).

A folder output is written into ``.NAME.building-PID-XXXX`` beside ``NAME`` and swapped in with two
renames only when every file is written, so ``NAME`` is always either the previous output or the new
one. Folders left by killed runs are cleaned up by the next run (:func:`remove_stale`).

Examples
--------
>>> with staged_folder(Path("maps/lianzhou-2026")) as work:  # doctest: +SKIP
...     (work / "index.html").write_text("…")
"""

from __future__ import annotations

import contextlib
import glob
import os
import re
import shutil
import signal
import tempfile
import threading
from pathlib import Path
from typing import Callable, Iterable, Iterator

from landgis.atomic import check_output_path
from landgis.catalog import message
from landgis.errors import InputError

__all__ = ["check_destination", "staged_folder", "swap_into_place", "remove_stale", "installed", "forget_installed"]

#: Names of the folders a run builds in or sets aside: ``.NAME.building-PID-…`` and ``.NAME.old-PID``.
_WORK_NAME = re.compile(r"\..+\.(building|old)-\d+(-.*)?")

_installed: list[Path] = []


def installed() -> list[Path]:
    """The folders this process has swapped into place since :func:`forget_installed`.

    The ``landgis`` command lets an interrupt that arrives after its output was installed pass
    quietly: the output is whole, so the run succeeded.

    Examples
    --------
    >>> forget_installed(); installed()
    []
    """
    return list(_installed)


def forget_installed() -> None:
    """Start a new run: no folder installed yet."""
    _installed.clear()


def check_destination(out: str | Path, *, earlier: Callable[[Path], bool], what: str,
                      inputs: Iterable[str | Path | None] = ()) -> Path:
    """``out`` as a folder that a new ``what`` may replace whole, or :class:`InputError` before any work.

    Refused: anything but a folder or a new path (:func:`landgis.files.check_output_path`), a folder
    with other things in it than an earlier output (``earlier(folder)``), the current folder or one
    holding it, a folder holding one of the ``inputs``, and a path inside a folder a run builds or sets aside.

    Examples
    --------
    >>> check_destination("maps/lianzhou-2026", earlier=lambda p: False, what="atlas")  # doctest: +SKIP
    PosixPath('maps/lianzhou-2026')
    """
    dest = check_output_path(out, "folder")
    real = dest.resolve()
    if real.parent == real:
        raise InputError(message("{out}: is the root folder; the {what} replaces its folder whole, choose another "
                                 "--out", out=out, what=what))
    cwd = Path.cwd().resolve()
    if real == cwd or real in cwd.parents:
        raise InputError(message("{out}: is the current folder or holds it; the {what} replaces its folder whole, "
                                 "so choose another --out (e.g. a new folder) or run landgis from elsewhere", out=out, what=what))
    inside = [p for p in (real, *real.parents) if _WORK_NAME.fullmatch(p.name)]
    if inside:
        raise InputError(message("{out}: is inside {inside}, a folder landgis builds an output in or sets aside; "
                                 "choose another --out", out=out, inside=inside[-1]))
    for source in inputs:
        if source is None or "://" in str(source) or "=" in str(source):
            continue
        src = Path(source).resolve()
        if src == real or real in src.parents:
            raise InputError(message("{out}: holds the input {source}; the {what} replaces its folder whole, so "
                                     "choose another --out", out=out, source=source, what=what))
    if dest.is_dir() and any(dest.iterdir()) and not earlier(dest):
        raise InputError(message("{dest}: is a folder with other files, not an earlier {what}; the {what} would "
                                 "replace it, so choose an empty or new --out", dest=dest, what=what))
    return dest


@contextlib.contextmanager
def staged_folder(dest: str | Path) -> Iterator[Path]:
    """A new folder beside ``dest`` to write into; swapped into place whole when the block succeeds.

    On any exception (or interrupt) the folder is removed and ``dest`` is left as it was. Stale
    folders of killed runs are cleaned up first.
    """
    dest = Path(dest)
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        remove_stale(dest)
        work = Path(tempfile.mkdtemp(prefix=f".{dest.name}.building-{os.getpid()}-", dir=dest.parent))
    except OSError as exc:
        raise OSError(exc.errno, exc.strerror, str(dest)) from exc  # the user's path, not ours
    try:
        work.chmod(0o777 & ~_umask())  # mkdtemp's 0700 would hide the output from colleagues
        yield work
        swap_into_place(work, dest)
    except OSError as exc:
        shutil.rmtree(work, ignore_errors=True)
        name = str(exc.filename) if exc.filename is not None else None
        if name is not None and (name == str(work) or name.startswith(str(work) + os.sep)):
            # errors name the file as the user will find it: Q/parcels.gpkg, not .Q.building-…/parcels.gpkg
            raise OSError(exc.errno, exc.strerror, str(dest) + name[len(str(work)):]) from exc
        raise
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's live process
        return True
    return True


def remove_stale(dest: Path) -> list[Path]:
    """Clean up after killed runs: ``.X.building-PID-*`` and ``.X.old-PID`` of dead processes only.

    An ``.X.old-PID`` is put back as ``X`` when ``X`` is missing (a run killed between the two
    renames of the swap); otherwise it is removed. Folders of live processes (a concurrent run) are
    left alone. Returns the folders removed or restored.

    Examples
    --------
    >>> remove_stale(Path("maps/lianzhou-2026"))  # doctest: +SKIP
    [PosixPath('maps/.lianzhou-2026.building-4242-k2j9')]
    """
    pattern = re.compile(rf"\.{re.escape(dest.name)}\.(building|old)-(\d+)(-.*)?")
    done = []
    for path in sorted(dest.parent.glob(f".{glob.escape(dest.name)}.*")):
        m = pattern.fullmatch(path.name)
        if not m or not path.is_dir() or path.is_symlink() or _pid_alive(int(m.group(2))):
            continue
        if m.group(1) == "old" and not dest.exists():
            os.replace(path, dest)
        else:
            shutil.rmtree(path, ignore_errors=True)
        done.append(path)
    return done


@contextlib.contextmanager
def _signals_deferred():
    """SIGINT and SIGTERM that arrive in the block are noted, and handled as usual once it is done.

    Python-level handlers, not a signal mask: with a mask the kernel hands the signal to another
    thread (numpy's, GDAL's), and Python raises it in the main thread anyway.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    arrived: list[int] = []
    previous = {s: signal.signal(s, lambda signum, frame: arrived.append(signum))
                for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
        for s in dict.fromkeys(arrived):
            handler = previous[s]
            if callable(handler):
                handler(s, None)  # e.g. KeyboardInterrupt; the landgis command's passes once installed
            elif handler == signal.SIG_DFL:
                signal.raise_signal(s)


def swap_into_place(work: Path, dest: Path) -> None:
    """Replace ``dest`` by ``work``; the old folder is removed only once the new one is in place.

    The two renames happen with SIGINT/SIGTERM deferred, and a failure of the second puts the old
    folder back, so ``dest`` is always either the old output or the new one. Once the new one is in
    place, ``dest`` is in :func:`installed`.
    """
    if dest.is_symlink() or (dest.exists() and not dest.is_dir()):
        raise InputError(message("{dest}: exists and is not a folder; choose another --out", dest=dest))
    old = None
    try:
        with _signals_deferred():
            if dest.exists():
                old = dest.with_name(f".{dest.name}.old-{os.getpid()}")
                os.replace(dest, old)
            try:
                os.replace(work, dest)
            except BaseException:
                if old is not None and not dest.exists():
                    os.replace(old, dest)
                    old = None
                raise
            _installed.append(dest)
    finally:
        if old is not None and dest.exists():
            shutil.rmtree(old, ignore_errors=True)
