"""The files shipped in ``landgis/render/templates/``: the web pages' JavaScript, CSS and Jinja2 wrappers.

Only landgis' own text is ever compiled as a template; user values reach a template as variables.

Examples
--------
>>> "function el(" in template_text("dom_helpers.js")
True
"""

from __future__ import annotations

from functools import lru_cache
from importlib.resources import files

from jinja2 import Template

__all__ = ["template", "template_text"]


@lru_cache(maxsize=None)
def template_text(name: str) -> str:
    """The text of a file shipped in ``landgis/render/templates/`` (our own code, no user data).

    Examples
    --------
    >>> "function el(" in template_text("dom_helpers.js")
    True
    """
    return files("landgis.render").joinpath("templates", name).read_text(encoding="utf-8")


@lru_cache(maxsize=None)
def template(name: str, autoescape: bool = True) -> Template:
    """A shipped file of ``landgis/render/templates/`` compiled as a Jinja2 template (only ever our own text;
    user values reach it as variables).

    Examples
    --------
    >>> template("iframe.html").render(title="<b>", height="9px", doc="")[:50]
    '<iframe class="landgis-map-frame" title="&lt;b&gt;'
    """
    return Template(template_text(name), autoescape=autoescape)
