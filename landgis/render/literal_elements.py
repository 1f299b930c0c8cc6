"""branca elements whose output is text, never a template: user data in a folium map stays data.

branca renders a :class:`~branca.element.MacroElement` in two steps: it calls the element's ``header``,
``html`` and ``script`` macros, then wraps each result in ``Element(result)``, and ``Element(text)``
compiles ``text`` as a new Jinja2 template, rendered once more when the figure is rendered. Whatever the
macros put out (a parcel id as JSON through ``tojson``, a plan title) is thus compiled as Jinja2 source:
``{{ … }}`` in a parcel id runs Python, a stray ``{%`` aborts the page.

:class:`DataMacroElement` renders its macros the same way but hands the result to the figure as a
:class:`LiteralElement`, whose :meth:`~LiteralElement.render` returns the text as it is. The macros' own
template (written by landgis) is the only template; user values reach it only as variables.

Examples
--------
>>> import folium
>>> from jinja2 import Template
>>> class Note(DataMacroElement):
...     _template = Template('{% macro script(this, kwargs) %}var note = {{ this.text | tojson }};{% endmacro %}')
...     def __init__(self, text):
...         super().__init__()
...         self.text = text
>>> m = folium.Map(tiles=None)
>>> _ = Note("{{ 7 * 7 }} {% raw").add_to(m)
>>> 'var note = "{{ 7 * 7 }} {% raw";' in m.get_root().render()
True
"""

from __future__ import annotations

from branca.element import Element, Figure, MacroElement

__all__ = ["LiteralElement", "DataMacroElement"]


class LiteralElement(Element):
    """An element that renders as the text it was given, unchanged (no template is compiled).

    Examples
    --------
    >>> LiteralElement("{{ 7 * 7 }}").render()
    '{{ 7 * 7 }}'
    """

    def __init__(self, text: str):
        super().__init__()
        self._name = "LiteralElement"
        self.text = str(text)

    def render(self, **kwargs) -> str:
        return self.text


class DataMacroElement(MacroElement):
    """A :class:`~branca.element.MacroElement` whose rendered macros are added to the figure as literal text.

    Subclasses define ``_template`` with ``header``/``html``/``script`` macros as for branca; values passed
    through ``this`` are data (serialise them with ``tojson``), never template source.
    """

    def render(self, **kwargs) -> None:
        figure = self.get_root()
        if not isinstance(figure, Figure):
            raise TypeError(f"{type(self).__name__} can only be rendered inside a branca Figure")
        module = self._template.module.__dict__
        for part, holder in (("header", figure.header), ("html", figure.html), ("script", figure.script)):
            macro = module.get(part)
            if macro is not None:
                holder.add_child(LiteralElement(macro(self, kwargs)), name=self.get_name())
        for element in self._children.values():
            element.render(**kwargs)
