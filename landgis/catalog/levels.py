"""A county's level words, in Chinese and English (part of :data:`landgis.catalog.CATALOG`).

A text that names the county as a whole (全市平均, 占全县比例) or its units (各镇（乡）, 乡镇（街道）) has the
fields ``{whole}`` and ``{units}``; :func:`landgis.catalog.table` fills them from these entries, chosen by the
county's level (:attr:`landgis.county.County.whole_key`, :attr:`~landgis.county.County.units_key`).
"""

from __future__ import annotations

__all__ = ["LEVELS"]

#: Entries as in :data:`landgis.catalog.words.CATALOG`.
LEVELS: dict[str, dict[str, str] | str] = {
    # --- The county as a whole, as its plan says it
    'level.whole.county': {"zh": '全县', "en": 'County'},
    'level.whole.county_city': {"zh": '全市', "en": 'County'},  # a 县级市
    'level.whole.district': {"zh": '全区', "en": 'District'},
    'level.whole.banner': {"zh": '全旗', "en": 'Banner'},
    'level.whole.city': {"zh": '全市', "en": 'City'},  # a prefecture-level city (a plan by district)
    'level.whole.prefecture': {"zh": '全州', "en": 'Prefecture'},
    'level.whole.league': {"zh": '全盟', "en": 'League'},
    'level.whole.region': {"zh": '全区', "en": 'Prefecture'},  # a 地区
    # --- Its units, as a map names them (the English of a sheet names them by unit_level)
    'level.units.town': {"zh": '镇', "en": 'towns'},
    'level.units.town_township': {"zh": '镇（乡）', "en": 'townships'},
    'level.units.town_street': {"zh": '镇（街道）', "en": 'towns and subdistricts'},
    'level.units.township_street': {"zh": '乡镇（街道）', "en": 'townships and subdistricts'},
    'level.units.district': {"zh": '区（县）', "en": 'districts'},
    # --- The English of a sheet for a city's plan by district (the Chinese names the units by {units})
    'sheet.subtitle_cat@district': {"zh": '各{units}计划供应面积', "en": 'Planned supply by district'},
    'sheet.subtitle_density@district': {
        "zh": '各{units}每平方公里辖区面积的计划供应面积（公顷/平方公里）',
        "en": 'Planned supply per km² of district area (ha/km²)',
    },
    'sheet.supplied@district': {"zh": '{n} 个{units}有供应', "en": '{n} districts with supply'},
    'sheet.sm_names@district': {"zh": '{units}名称', "en": 'Districts'},
    'sheet.bars_title@district': {"zh": '{title}：各{units}分类供应面积', "en": '{title}: supply by district and category'},
}
