"""The lines the ``landgis`` command prints, in Chinese and English (part of :data:`landgis.catalog.CATALOG`).

:mod:`landgis.cli` and :mod:`landgis.plan.export` say what they wrote and what the plan's figures came to
from these entries, never by choosing between two literals on the language.
"""

from __future__ import annotations

__all__ = ["LINES"]

#: Entries as in :data:`landgis.catalog.words.CATALOG` (a value that is a key names that key's words).
LINES: dict[str, dict[str, str] | str] = {
    # --- What a command wrote (cli.py)
    'cli.wrote_web': {"zh": '已写出交互地图 {path}（{kib} KiB，{n} 个{units}，{n_cats} 个用地类型）',
                      "en": 'wrote map {path} ({kib} KiB, {n} {units}, {n_cats} categories)'},
    'cli.wrote_fragment': {"zh": '已写出网页片段 {path}（{kib} KiB，{n} 个{units}，{n_cats} 个用地类型）',
                           "en": 'wrote fragment {path} ({kib} KiB, {n} {units}, {n_cats} categories)'},
    'cli.wrote_back': {"zh": '已写入 {n} 条核查问题到 {table}', "en": 'wrote {n} findings to {table}'},
    'cli.qa_map_skipped': {
        "zh": '未绘制 qa_map.html：地块 {n} 宗，超过网页地图上限 {most} 宗；请在 QGIS 中打开 parcels.parquet',
        "en": "qa_map.html not drawn: {n} parcels are more than the map's {most}; open parcels.parquet in QGIS",
    },
    'cli.os.where': {"zh": '{where}：{reason}；{done}', "en": '{where}: {reason}; {done}'},
    'cli.os.why': {"zh": '{reason}；{done}', "en": '{reason}; {done}'},
    'cli.plan_untitled': {"zh": '土地供应计划', "en": 'land supply plan'},
    # --- The plan's figures, as `landgis plan` prints them (plan/export.format_findings)
    'plan.figure_counts': {
        "zh": '共读到{read}个面积数字：计入计划{used}个，未计入{set_aside}个，未归类{unplaced}个。',
        "en": '{read} area figures read: {used} used, {set_aside} set aside, {unplaced} not placed.',
    },
    'plan.check_ok': {"zh": '核对结果：各项数字相符。', "en": 'Check: every figure adds up.'},
    'plan.check': {"zh": '核对结果：', "en": 'Check:'},
}
