"""Drawing: printed maps (static), the web map (interactive), the report, and the shipped CJK font.

Importing this package makes the shipped Noto Sans CJK SC file matplotlib's default font, so that
any figure a script or notebook draws with landgis has its Chinese text.
"""

from landgis.render.fonts import use_cjk_font

use_cjk_font()
