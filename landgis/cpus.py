"""How many threads landgis' own numeric kernels use (shapely and numpy release the GIL)."""

from __future__ import annotations

import os

__all__ = ["default_threads"]


def default_threads() -> int:
    """The CPUs this process may use, at most 8.

    Examples
    --------
    >>> 1 <= default_threads() <= 8
    True
    """
    try:
        n = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        n = os.cpu_count() or 1
    return max(1, min(n, 8))
