"""Drawing: printed maps (static), the web map (interactive), the report, and the shipped CJK font.

Importing this package changes nothing in matplotlib: landgis draws its own figures with the shipped
Noto Sans CJK SC (``rc_context`` and per-text font properties). Call :func:`use_cjk_font` to make it the
default of your own figures too.

:func:`use_cjk_font` is loaded on first use (module ``__getattr__``, as in ``landgis/__init__.py``), so
importing a module of this package that draws nothing (``landgis.render.text``) does not import matplotlib.
"""

from __future__ import annotations

import importlib

__all__ = ["use_cjk_font"]


def __getattr__(name: str):
    if name != "use_cjk_font":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = importlib.import_module("landgis.render.fonts").use_cjk_font
    globals()[name] = value  # once loaded, a plain attribute
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
