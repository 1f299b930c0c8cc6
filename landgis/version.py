"""The installed version of landgis, read from the package metadata (``pyproject.toml``'s ``version``).

Modules that print or record the version import it from here, never back from the package.

>>> __version__[0].isdigit()
True
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

__all__ = ["__version__"]

try:
    __version__: str = version("landgis")
except PackageNotFoundError:  # a source tree on sys.path without an install: say so rather than guess
    __version__ = "0+unknown"
