"""The cyclic garbage collector and the objects that live as long as the process.

Imported modules make some 190,000 objects that are never garbage, and the collector scans the whole heap
again at each of its full collections: importing what ``landgis atlas`` uses took 0.26–0.30 s of GC alone.
:func:`import_quietly` imports with the collector off and keeps what it made out of later collections
(``gc.freeze``). :func:`frozen` keeps the objects alive at its start out of the collector while a block
runs (forked workers then share those pages instead of copying each one the collector touches); blocks
nest, and only the outermost one lets them back in. The ``landgis`` command runs in one
(:func:`landgis.cli.main`), so a program that calls it gets its collector back as it was.
"""

from __future__ import annotations

import contextlib
import gc
import importlib
from types import ModuleType
from typing import Iterator

__all__ = ["frozen", "import_quietly"]

_HOLDERS = [0]  # the frozen() blocks running


@contextlib.contextmanager
def frozen() -> Iterator[None]:
    """Within the block, every object alive at its start is kept out of the cyclic GC (``gc.freeze``).

    Examples
    --------
    >>> with frozen():
    ...     gc.get_freeze_count() > 0
    True
    """
    _HOLDERS[0] += 1
    gc.freeze()
    try:
        yield
    finally:
        _HOLDERS[0] -= 1
        if _HOLDERS[0] == 0:
            gc.unfreeze()


def import_quietly(name: str) -> ModuleType:
    """``importlib.import_module(name)`` with the cyclic GC off; what it made is then kept out of the GC until the
    outermost :func:`frozen` block ends (the ``landgis`` command runs in one: its modules live as long as it does).

    Examples
    --------
    >>> import_quietly("json").__name__
    'json'
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        return importlib.import_module(name)
    finally:
        gc.freeze()
        if enabled:
            gc.enable()
