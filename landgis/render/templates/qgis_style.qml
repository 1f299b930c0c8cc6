<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>
{% import "qgis_macros.xml" as m -%}
{{ m.qgis_style(style, version) }}
