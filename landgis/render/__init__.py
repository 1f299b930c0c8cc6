"""Drawing: printed maps (static), the web map (interactive), the report, and the shipped CJK font.

Importing this package changes nothing in matplotlib: landgis draws its own figures with the shipped
Noto Sans CJK SC (``rc_context`` and per-text font properties). Call :func:`use_cjk_font` to make it the
default of your own figures too.
"""

from landgis.render.fonts import use_cjk_font

__all__ = ["use_cjk_font"]
