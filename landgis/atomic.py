"""Files written completely or not at all: an output path checked before any work, and a temporary
path beside it that replaces it only when the writing succeeded.

This is the light half of :mod:`landgis.files` (no pandas or openpyxl), so that the ``landgis``
command can check its paths and say its ``--help`` without loading them.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
from pathlib import Path
from typing import Iterator

from landgis.catalog import message, word
from landgis.errors import InputError
from landgis.secrets import redact

try:  # POSIX only: the file size limit (ulimit -f) is read where there is one
    import resource
except ImportError:  # pragma: no cover - Windows
    resource = None

__all__ = ["check_output_path", "atomic_path", "write_bytes", "write_text", "space_problem"]


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _kind_of(mode: int):
    for test, key in ((stat.S_ISDIR, "dir"), (stat.S_ISLNK, "link"), (stat.S_ISFIFO, "fifo"),
                      (stat.S_ISCHR, "char"), (stat.S_ISBLK, "block"), (stat.S_ISSOCK, "socket")):
        if test(mode):
            return word(f"term.mode.{key}")
    return word("term.mode.regular" if stat.S_ISREG(mode) else "term.mode.other")


def check_output_path(out: str | Path, kind: str = "file") -> Path:
    """``out`` as a place to write a new ``kind`` (``"file"`` or ``"folder"``), or :class:`InputError`.

    Accepted: a new path, or an existing regular file (for a file) or folder (for a folder). Refused:
    a symbolic link as the last component (the output would replace the link, not go where it points),
    and a device node, FIFO or socket, which a write would replace with a regular file.

    Examples
    --------
    >>> check_output_path("table.xlsx")
    PosixPath('table.xlsx')
    >>> check_output_path("/dev/null")
    Traceback (most recent call last):
    landgis.errors.InputError: /dev/null: is a character device, not a file; give a new path or a file to replace
    """

    path = Path(out)
    if not str(out).strip():
        raise InputError(message("--out is empty; give a {kind} name", kind=word(f"term.{kind}")))
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return path
    except OSError as exc:  # a parent that is a file, a path too long …
        raise OSError(exc.errno, exc.strerror, str(path)) from None
    if stat.S_ISLNK(mode):
        target = os.readlink(path)
        raise InputError(message("{path}: is a symbolic link (to {target}); give the {kind} itself or a new path", path=path, target=target, kind=word(f"term.{kind}")))
    wanted = stat.S_ISDIR(mode) if kind == "folder" else stat.S_ISREG(mode)
    if not wanted:
        raise InputError(message("{path}: is {mode}, not a {kind}; give a new path or a {kind} to replace", path=path, mode=_kind_of(mode), kind=word(f"term.{kind}")))
    return path


@contextlib.contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """A temporary path beside ``path`` that replaces it only if the block succeeds.

    For writers that want a file name (``savefig``, ``to_file``). The suffix is kept so that
    writers which choose the format by extension still do.

    Examples
    --------
    >>> with atomic_path("map.png") as tmp:  # doctest: +SKIP
    ...     fig.savefig(tmp)
    """
    path = Path(path)
    tmp = path  # until the temporary file exists, errors name the output itself
    check_output_path(path, "file")  # never replace a device, a FIFO or a link with a regular file
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=path.suffix, dir=path.parent)
        os.close(fd)
        tmp = Path(name)
        tmp.unlink()  # some writers (GDAL) refuse to overwrite an existing file
        try:
            yield tmp
        except Exception as exc:
            problem = space_problem(tmp, path)
            if problem is not None and not isinstance(exc, OSError):
                raise problem from exc  # a writer (GDAL, matplotlib) that hides the disk behind its own error
            raise
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp's 0600 would hide the output from colleagues
        os.replace(tmp, path)
    except OSError as exc:
        if exc.filename is None or exc.filename in (str(tmp), str(path)) or str(exc.filename).startswith(
                str(path.parent / f".{path.stem}.")):
            raise OSError(exc.errno, exc.strerror, str(path)) from exc  # the user's path, not our temporary one
        raise
    finally:
        if tmp != path:
            tmp.unlink(missing_ok=True)


def space_problem(tmp: Path, path: Path) -> OSError | None:
    """An OSError saying the disk is full or the file size limit was hit while writing ``path``, if so."""

    try:
        st = os.statvfs(path.parent)
        if st.f_bavail * st.f_frsize < (1 << 20):
            return OSError(errno.ENOSPC, word("cli.os.disk_full"), str(path))
    except (OSError, AttributeError):  # pragma: no cover - statvfs is POSIX
        pass
    try:
        soft, _ = resource.getrlimit(resource.RLIMIT_FSIZE)
        size = tmp.stat().st_size if tmp.exists() else 0
        if soft != resource.RLIM_INFINITY and (size >= soft - (1 << 16) or soft < (1 << 26)):
            return OSError(errno.EFBIG, message("the file size limit (ulimit -f, {soft} bytes) was reached", soft=soft),
                           str(path))
    except (AttributeError, OSError):  # pragma: no cover - resource is POSIX
        pass
    return None


def write_bytes(path: str | Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically; return the path."""
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)
    return Path(path)


def write_text(path: str | Path, text: str, encoding: str = "utf-8") -> Path:
    """Write ``text`` to ``path`` atomically, without any registered password; return the path."""

    return write_bytes(path, redact(text).encode(encoding))
