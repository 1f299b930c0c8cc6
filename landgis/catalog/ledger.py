"""The ledger of a plan's area figures, in Chinese and English (part of :data:`landgis.catalog.CATALOG`).

The parser (:mod:`landgis.plan`) gives each figure a role (``ledger.role.<role>``) and, where it sets a
figure aside or cannot place it, a reason: one of the ``ledger.reason.*`` keys with its parameters (the plan's
own names and figures as printed), worded here at output. ``ledger.what.*`` are the words the ledger adds to
the plan's names in its 归属 (what) column.
"""

from __future__ import annotations

__all__ = ["LEDGER"]

#: Entries as in :data:`landgis.catalog.words.CATALOG`.
LEDGER: dict[str, dict[str, str] | str] = {
    # --- The terminal ledger (landgis plan --ledger) and the workbook's ledger sheet
    'ledger.header': {
        "zh": '面积数字台账（行号 · 数字 · 去向 · 说明 · 原文中该数字所在的分句，数字以【】标出）：',
        "en": 'Ledger of area figures (line · figure · use · note · the clause of the text around the figure, '
              'marked 【】):',
    },
    'ledger.note_sep': 'qa.summary.sep',
    'ledger.quote': {"zh": '「{context}」', "en": '“{context}”'},
    'ledger.sheet': {"zh": '面积数字台账', "en": 'Ledger of area figures'},
    'ledger.col.line': {"zh": '行号', "en": 'Line'},
    'ledger.col.figure': {"zh": '数字', "en": 'Figure'},
    'ledger.col.value': {"zh": '数值', "en": 'Value'},
    'ledger.col.unit': {"zh": '单位', "en": 'Unit'},
    'ledger.col.hectares': {"zh": '公顷', "en": 'Hectares'},
    'ledger.col.role': {"zh": '去向', "en": 'Use'},
    'ledger.col.what': {"zh": '归属', "en": 'Of'},
    'ledger.col.reason': {"zh": '说明', "en": 'Note'},
    'ledger.col.context': {"zh": '上下文（数字以【】标出）', "en": 'Context (the figure marked 【】)'},
    'ledger.col.text': {"zh": '原文（整行）', "en": 'Text (the whole line)'},
    # --- What a figure became (its role)
    'ledger.role.total': {"zh": '供应总量', "en": 'total'},
    'ledger.role.structure': {"zh": '供应结构', "en": 'structure'},
    'ledger.role.group': {"zh": '分组小计', "en": 'group subtotal'},
    'ledger.role.township_total': {"zh": '乡镇（区域）合计', "en": 'township (area) total'},
    'ledger.role.township_category': {"zh": '乡镇分类', "en": 'township category'},
    'ledger.role.sub_item': {"zh": '其中项', "en": 'part of'},
    'ledger.role.method': 'qa.execution_headers.method',
    'ledger.role.schedule': {"zh": '供应时序', "en": 'schedule'},
    'ledger.role.set_aside': {"zh": '未计入', "en": 'set aside'},
    'ledger.role.unplaced': {"zh": '未归类', "en": 'not placed'},
    'ledger.role.damaged': {"zh": '数字残缺', "en": 'digits lost'},
    # --- What a figure is of, where the ledger adds words to the plan's names
    'ledger.what.total': {"zh": '供应总量', "en": 'the total'},
    'ledger.what.cell': {"zh": '{town}{cat}', "en": '{town} {cat}'},
    'ledger.what.structure': {"zh": '{cat}（供应结构）', "en": '{cat} (supply structure)'},
    'ledger.what.split': {"zh": '{name}（{role}）', "en": '{name} ({role})'},
    'ledger.what.all_of': {"zh": '{what}（全部为{cat}）', "en": '{what} (all of it {cat})'},
    'ledger.what.sub_item': {"zh": '{scope} {parent}：{name}', "en": '{scope} {parent}: {name}'},
    'ledger.what.sub_item_bare': {"zh": '{scope}：{name}', "en": '{scope}: {name}'},  # no parent named
    # --- Why a figure was set aside, or could not be placed, or how it was used
    'ledger.reason.same_as_before': {"zh": '与前文{what}相同，不重复计入', "en": 'the same as {what} before; not counted twice'},
    'ledger.reason.differs_from_before': {
        "zh": '与前文{what}{figure}不一致，保留前者',
        "en": 'differs from {what} before ({figure}); the first is kept',
    },
    'ledger.reason.same_as_total': {"zh": '与供应总量相同，不重复计入', "en": 'the same as the total; not counted twice'},
    'ledger.reason.differs_from_total': {
        "zh": '与供应总量{figure}不一致，保留前者',
        "en": 'differs from the total ({figure}); the first is kept',
    },
    'ledger.reason.rounded_total': {
        "zh": '约数，与供应总量相近，取精确数',
        "en": 'a rounded figure near the total; the exact one is taken',
    },
    'ledger.reason.rounded_total_first': {
        "zh": '约数，取后文的精确供应总量',
        "en": 'a rounded figure; the exact total given later is taken',
    },
    'ledger.reason.same_sub_item': {
        "zh": '与前文{parent}的其中项{name}相同，不重复计入',
        "en": 'the same as {name}, part of {parent}, before; not counted twice',
    },
    'ledger.reason.other_sub_item': {
        "zh": '前文{name}已有{figure}，保留前者',
        "en": '{name} was given as {figure} before; the first is kept',
    },
    'ledger.reason.sub_item_of': {"zh": '{parent}的其中项', "en": 'part of {parent}'},
    'ledger.reason.sub_item': {"zh": '前文数字的其中项', "en": 'a part of a figure before it'},
    'ledger.reason.unplaced': {"zh": '未能确定此数字的归属', "en": 'what this figure is of could not be decided'},
    'ledger.reason.damaged': {
        "zh": '数字残缺：原文“{printed}”缺少数字，未计入',
        "en": 'digits lost: the text’s “{printed}” has no digits; not counted',
    },
    'ledger.reason.prior_year': {"zh": '上年度执行情况', "en": "last year's outturn"},
    'ledger.reason.unknown': {"zh": '未识别的面积', "en": 'an area not recognised'},
    'ledger.reason.not_recognised': {"zh": '未能识别此数字是什么', "en": 'what this figure is could not be recognised'},
    'ledger.reason.subset': {
        "zh": '上述用地中的一部分（{subset}），不另计入',
        "en": 'part of the land above ({subset}); not counted again',
    },
    'ledger.reason.subset_unnamed': {
        "zh": '上述用地中的一部分（上述用地的一部分），不另计入',
        "en": 'part of the land above; not counted again',
    },
    'ledger.reason.sold_lot': {
        "zh": '出让（成交）地块的面积，不是计划的数字',
        "en": 'the area of a parcel sold, not a figure of the plan',
    },
    'ledger.reason.comparison': {"zh": '与其他年份比较', "en": 'a comparison with another year'},
    'ledger.reason.supplied': {"zh": '已供应（实绩）数字', "en": 'land already supplied (an outturn)'},
    'ledger.reason.city_wide': {
        "zh": '全市数字，本计划范围为{scope}',
        "en": "a figure of the whole city; this plan's scope is {scope}",
    },
    'ledger.reason.other_years': {"zh": '{years}年的数字', "en": 'a figure of {years}'},
    'ledger.reason.no_category': {
        "zh": '未能确定此数字属于哪类用地',
        "en": 'which category this figure is of could not be decided',
    },
    'ledger.reason.no_township': {
        "zh": '未能确定此数字属于哪个乡镇或总量',
        "en": "whether this figure is a township's or the total could not be decided",
    },
    'ledger.reason.negative': {"zh": '负数，不可能是供地面积', "en": 'a negative number cannot be an area of supply'},
    'ledger.reason.converted_ha': {
        "zh": '括号内另有公顷数，取公顷数',
        "en": 'the brackets give the figure in hectares; the hectares are taken',
    },
    'ledger.reason.converted': {
        "zh": '括号内换算，取括号外数字',
        "en": 'a conversion in brackets; the figure before them is taken',
    },
    'ledger.reason.parcel': {
        "zh": '单个地块（项目）的面积，不是计划的分类或总量',
        "en": 'the area of one parcel (project), not a category or total of the plan',
    },
    'ledger.reason.split': {
        "zh": '分季度/分方式/存量新增等拆分',
        "en": 'a split by quarter, supply method, existing or new land …',
    },
    'ledger.reason.counted_elsewhere': {
        "zh": '原文说明已计入别处，不重复计入',
        "en": 'the text says it is counted elsewhere; not counted twice',
    },
    'ledger.reason.bracket_parcel': {
        "zh": '括号内的单个项目（地块）面积，不是计划的分类或总量',
        "en": 'the area of one project (parcel) in brackets, not a category or total of the plan',
    },
    'ledger.reason.zero_cell': {"zh": '零值单元格', "en": 'a cell of zero'},
    'ledger.reason.row_not_township': {"zh": '行名不是乡镇', "en": "the row's name is not a township"},
    'ledger.reason.unknown_cell': {
        "zh": '表格中行名或列名无法识别',
        "en": "the table's row or column name is not recognised",
    },
    'ledger.reason.row_unnamed': {"zh": '表格行没有名称', "en": 'the table row has no name'},
    'ledger.reason.converted_row': {
        "zh": '折合（换算）数字，与合计行相同',
        "en": 'a converted figure, the same as the total row',
    },
    'ledger.reason.row_cells': {
        "zh": '表格行的单元格数与表头（{header}）不符',
        "en": "the row's cells do not match the header ({header})",
    },
    'ledger.reason.not_category': {"zh": '“{name}”不是用地类别', "en": '“{name}” is not a land-use category'},
    'ledger.reason.use_not_category': {
        "zh": '用途“{name}”不是用地类别',
        "en": 'the use “{name}” is not a land-use category',
    },
    'ledger.reason.summed': {"zh": '逐行相加', "en": 'added up row by row'},
    'ledger.reason.method_and_period': {
        "zh": '既分方式又分时序的数字，不是全年的拆分',
        "en": "a figure of one method in one period, not a split of the year's figure",
    },
    'ledger.reason.share': {"zh": '占比或累计数，不是面积', "en": 'a share or a running total, not an area'},
    'ledger.reason.split_table_total': {
        "zh": '供应方式（时序）表的合计，总量以正文为准',
        "en": "the total of a supply method (schedule) table; the text's total is taken",
    },
    'ledger.reason.split_table_unknown': {
        "zh": '供应方式（时序）表中行名或列名无法识别',
        "en": 'a row or column name of the supply method (schedule) table is not recognised',
    },
    'ledger.reason.split_of_part': {
        "zh": '{name}的供应方式（时序），不是全年的拆分',
        "en": "the supply method (schedule) of {name}, not a split of the year's figure",
    },
    # --- The township × category table of `landgis plan` (its rows below the townships, its total column)
    'plan_table.township': 'report.township',
    'plan_table.total': 'sheet.county_total',
    'plan_table.placed': 'report.placed',
    'plan_table.stated': {"zh": '计划总量', "en": 'Plan (stated)'},
    'plan_table.no_total': {"zh": '计划未列总量（合计为各项之和）', "en": 'No stated total (the total is a sum)'},
    # --- ... written by `landgis plan --out` (.csv, and the .xlsx with its findings sheet)
    'plan_table.csv_head': {"zh": '乡镇（单位：{label}）', "en": 'Township (unit: {label})'},
    'plan_table.sheet': {"zh": '分乡镇分类', "en": 'By township and category'},
    'plan_table.title': {
        "zh": '{place}{year}年度土地供应计划 分乡镇分类（单位：{label}）',
        "en": '{place} {year} land supply plan by township and category (unit: {label})',
    },
    'plan_table.findings_sheet': 'tables.sheet_findings',
    'plan_table.col.kind': {"zh": '类型', "en": 'Kind'},
    'plan_table.col.message': {"zh": '说明', "en": 'Finding'},
    'plan_table.col.severity': 'tables.severity',
    'plan_table.col.township': 'plan_table.township',
    'plan_table.col.category': 'sheet.legend_category',
    'plan_table.col.stated': {"zh": '计划数(公顷)', "en": 'Stated (ha)'},
    'plan_table.col.computed': {"zh": '合计数(公顷)', "en": 'Computed (ha)'},
    'plan_table.col.difference': {"zh": '差额(公顷)', "en": 'Difference (ha)'},
}
