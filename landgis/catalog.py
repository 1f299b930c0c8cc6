"""Every word landgis says to a person, in Chinese and English: one catalogue, one lookup.

Outputs (maps, reports, workbooks, the QA files) take their words from :data:`CATALOG` through
:func:`text`; each entry has both languages. Error messages are :class:`Message` objects: their
English template is their key in :data:`MESSAGES` (gettext's msgid), so ``str(error)`` stays English for a
program that calls landgis, and the ``landgis`` command prints :meth:`Message.render` in ``--lang``.

This module imports nothing of landgis: every other module may use it.

Examples
--------
>>> text("sheet.north", "zh"), text("sheet.north", "en")
('北', 'N')
>>> str(message("no such file: {path}", path="计划.txt"))
'no such file: 计划.txt'
"""

from __future__ import annotations

from collections.abc import Mapping

__all__ = ["LANGS", "CATALOG", "MESSAGES", "Message", "text", "table", "message", "word", "either"]

#: The languages of every output and message; Chinese is the default.
LANGS: tuple[str, ...] = ("zh", "en")

#: Every word of the outputs, by key: ``{"zh": …, "en": …}``. A key whose value is another key's name
#: is a table's own name for words the catalogue already holds (one entry for the same words).
#: ``{name}`` fields are filled by :func:`text`.
CATALOG: dict[str, dict[str, str] | str] = {
    # --- Print maps and charts (render/text.py, static.py, furniture.py)
    'sheet.no_supply': {"zh": '无供应', "en": 'No supply'},
    'sheet.total': {"zh": '供应总量', "en": 'Total supply'},
    'sheet.density': {"zh": '供应强度', "en": 'Supply density'},
    'sheet.subtitle_cat': {"zh": '各镇（乡）计划供应面积', "en": 'Planned supply by township'},
    'sheet.subtitle_density': {
        "zh": '各镇（乡）每平方公里辖区面积的计划供应面积（公顷/平方公里）',
        "en": 'Planned supply per km² of township area (ha/km²)',
    },
    'sheet.legend': {"zh": '计划供应面积（{u}）', "en": 'Planned supply ({u})'},
    'sheet.legend_density': {"zh": '供应强度（{u}）', "en": 'Supply density ({u})'},
    'sheet.plan': {"zh": '{place}{year}年度土地供应计划', "en": '{place} {year} land supply plan'},
    'sheet.source': {"zh": '资料来源：《{title}》', "en": 'Source: {title}'},
    'sheet.boundaries': {"zh": '乡镇界线：{source}', "en": 'Township boundaries: {source}'},
    'sheet.crs': {
        "zh": '坐标系：CGCS2000，3度带高斯-克吕格投影（中央经线{cm}°E）',
        "en": 'CRS: CGCS2000 / 3-degree Gauss-Krüger, central meridian {cm}°E',
    },
    'sheet.made': {"zh": '制图：landgis {v}', "en": 'Made with landgis {v}'},
    'sheet.locator': {"zh": '{county}在{pref}的位置', "en": '{county} in {pref}'},
    'sheet.north': {"zh": '北', "en": 'N'},
    'sheet.km': {"zh": '公里', "en": 'km'},
    'sheet.count': {"zh": '{n} 个', "en": '{n}'},
    'sheet.supplied': {"zh": '{n} 个镇（乡）有供应', "en": '{n} townships with supply'},
    'sheet.summary_density': {"zh": '全市平均 {v} {u}', "en": 'County mean {v} {u}'},
    'sheet.top': {"zh": '最多：{name} {v}', "en": 'Largest: {name} {v}'},
    'sheet.sm_title': {"zh": '{title}：各类用地供应布局（同一分级）', "en": '{title}: supply by category (same classes)'},
    'sheet.sm_names': {"zh": '镇（乡）名称', "en": 'Townships'},
    'sheet.bars_title': {"zh": '{title}：各镇（乡）分类供应面积', "en": '{title}: supply by township and category'},
    'sheet.bars_x': 'sheet.legend',
    'sheet.county_total': {"zh": '合计', "en": 'Total'},
    'sheet.stem_small_multiples': {"zh": '各类用地一览', "en": 'all-categories'},
    'sheet.stem_stacked_bars': {"zh": '分乡镇用地构成', "en": 'by-township'},
    'sheet.legend_category': {"zh": '用地类别', "en": 'Category'},
    'sheet.boundary_data': {"zh": '界线数据：{credit}', "en": 'Boundary data: {credit}'},
    # --- index.html (render/report.py)
    'report.title': {"zh": '{place}{year}年度土地供应计划图集', "en": 'Land supply plan atlas: {place} {year}'},
    'report.subtitle': {
        "zh": '依据《{source}》，由 landgis {version} 生成',
        "en": 'Made by landgis {version} from “{source}”',
    },
    'report.key_figures': {"zh": '主要指标', "en": 'Key figures'},
    'report.structure': {"zh": '供应结构', "en": 'Supply by category'},
    'report.findings': {"zh": '计划数据核对', "en": "Checks of the plan's figures"},
    'report.findings_intro': {
        "zh": '计划文本中以下数字前后不一致或需要注意，可直接引用：',
        "en": 'These figures of the plan do not add up or need attention:',
    },
    'report.no_findings': {
        "zh": '计划各项数字前后一致：各乡镇合计等于供应总量，各类用地合计等于供应结构。',
        "en": "The plan's figures add up: the townships sum to the total and the categories to the structure.",
    },
    'report.interactive': {"zh": '交互地图', "en": 'Interactive map'},
    'report.interactive_note': {
        "zh": '点击右上角图层控件切换用地类型；悬停查看数值，点击查看乡镇明细。单独打开：',
        "en": "Switch categories with the layer control; hover for values, click for a township's breakdown. On its own:",
    },
    'report.static_maps': {"zh": '专题图', "en": 'Thematic maps'},
    'report.by_township': {"zh": '分乡镇供应安排', "en": 'Supply by township'},
    'report.tables_note': {"zh": '表格下载：', "en": 'Download the tables:'},
    'report.qa': {"zh": '地块核查', "en": 'Parcel checks'},
    'report.qa_kind': {"zh": '问题类型', "en": 'Kind'},
    'report.qa_severity': {"zh": '级别', "en": 'Severity'},
    'report.qa_count': {"zh": '数量', "en": 'Count'},
    'report.qa_note': {"zh": '核查明细：', "en": 'Details:'},
    'report.sources': {"zh": '数据来源与说明', "en": 'Sources and notes'},
    'report.footer': {
        "zh": '本图集由 landgis 自动生成；各输出文件的大小与 SHA-256 校验值见 manifest.json。',
        "en": 'Made by landgis; manifest.json lists every output with its size and SHA-256.',
    },
    'report.total': {"zh": '全市供应总量（计划）', "en": 'County total (plan)'},
    'report.placed': {"zh": '乡镇合计', "en": 'Sum over townships'},
    'report.unplaced': {"zh": '未落实到乡镇', "en": 'Not placed in a township'},
    'report.towns': {"zh": '安排供地的乡镇', "en": 'Townships receiving land'},
    'report.towns_value': {"zh": '{n} / {of}', "en": '{n} / {of}'},
    'report.category': {"zh": '用地类型', "en": 'Category'},
    'report.code': {"zh": '代码', "en": 'Code'},
    'report.stated': {"zh": '全市（计划）', "en": 'County (plan)'},
    'report.sum': 'report.placed',
    'report.diff': {"zh": '差额（计划−乡镇合计）', "en": 'Difference (plan − townships)'},
    'report.township': {"zh": '乡镇', "en": 'Township'},
    'report.row_total': 'sheet.county_total',
    'report.density': {"zh": '供应强度（公顷/平方公里）', "en": 'Supply density (ha/km²)'},
    'report.share': {"zh": '占全市比例', "en": 'Share of county'},
    'report.all': 'report.stated',
    'report.towns_sum': 'report.placed',
    'report.unplaced_row': 'report.diff',
    'report.table': {"zh": '表{n}', "en": 'Table {n}'},
    'report.figure': {"zh": '图{n}', "en": 'Figure {n}'},
    'report.qa_errors': {"zh": '有错误的地块', "en": 'Parcels with errors'},
    'report.qa_id': {"zh": '地块编号', "en": 'Parcel'},
    'report.qa_town': 'report.township',
    'report.qa_finding': {"zh": '问题', "en": 'Finding'},
    'report.scroll_hint': {"zh": '表格较宽时可左右滑动。', "en": 'Wide tables scroll sideways.'},
    'report.qa_constraints': {"zh": '分乡镇三区三线核对', "en": 'Constraint layers by township'},
    'report.plan_source': {"zh": '土地供应计划', "en": 'Land supply plan'},
    'report.boundary_source': {"zh": '乡镇界线', "en": 'Township boundaries'},
    'report.software': {"zh": '软件', "en": 'Software'},
    'report.parcels': {"zh": '核查地块', "en": 'Parcels checked'},
    'report.with_findings': {"zh": '有问题的地块', "en": 'Parcels with findings'},
    'report.errors': {"zh": '错误', "en": 'Errors'},
    'report.warnings': {"zh": '警告', "en": 'Warnings'},
    'report.caption_small_multiples': {"zh": '各类用地一览', "en": 'Every category'},
    'report.caption_stacked_bars': {"zh": '分乡镇用地构成', "en": 'Categories by township'},
    'report.caption_outline': {"zh": '辖区供应总量', "en": 'County total'},
    # --- 报告.docx (render/word_report.py)
    'word.title': {"zh": '{place}{year}年度土地供应计划图集说明', "en": '{place} {year} land supply plan: atlas report'},
    'word.made': {"zh": '由 landgis {v} 依据《{source}》生成', "en": 'Made by landgis {v} from “{source}”'},
    'word.key': {"zh": '一、主要指标', "en": '1. Key figures'},
    'word.findings': {"zh": '二、计划数据核对', "en": "2. Checks of the plan's figures"},
    'word.tables': {"zh": '三、供应安排', "en": '3. Supply'},
    'word.maps': {"zh": '四、专题图', "en": '4. Maps'},
    'word.qa': {"zh": '五、地块核查', "en": '5. Parcel checks'},
    'word.sources': 'report.sources',
    'word.total': {
        "zh": '《{title}》安排国有建设用地供应总量{v}{u}。',
        "en": '“{title}” plans a total supply of {v} {u} of state-owned construction land.',
    },
    'word.placed': {"zh": '其中落实到乡镇{v}{u}。', "en": ' {v} {u} of it are placed in townships.'},
    'word.unplaced': {
        "zh": '其中落实到乡镇{v}{u}，另有{gap}{u}未落实到乡镇。',
        "en": ' {v} {u} of it are placed in townships; {gap} {u} are not placed in any township.',
    },
    'word.over': {
        "zh": '各乡镇合计{v}{u}，比计划多{gap}{u}（乡镇合计超出计划）。',
        "en": ' The townships add up to {v} {u}, {gap} {u} more than the plan.',
    },
    'word.towns': {
        "zh": '全市{of}个镇（乡）中有{n}个安排供地{none}。',
        "en": " {n} of the county's {of} townships receive land{none}.",
    },
    'word.none': {"zh": '，{names}无供应', "en": '; {names} receive none'},
    'word.top': {"zh": '供应量居前的镇（乡）依次为{items}。', "en": ' The largest allocations are {items}.'},
    'word.top_item': {"zh": '{name}（{v}{u}，占乡镇合计{p}%）', "en": '{name} ({v} {u}, {p}% of the township sum)'},
    'word.join': {"zh": '、', "en": ', '},
    'word.cats': {"zh": '按用途，{items}。', "en": ' By category: {items}.'},
    'word.cat_item': {"zh": '{name}{v}{u}（占{p}%）', "en": '{name} {v} {u} ({p}%)'},
    'word.no_findings': 'report.no_findings',
    'word.findings_intro': {
        "zh": '计划文本中以下数字前后不一致或需要注意：',
        "en": 'These figures of the plan do not add up or need attention:',
    },
    'word.structure': {"zh": '表{n}  供应结构（{u}）', "en": 'Table {n}  Supply by category ({u})'},
    'word.by_town': {"zh": '表{n}  分乡镇供应安排（{u}）', "en": 'Table {n}  Supply by township ({u})'},
    'word.category': 'report.category',
    'word.code': 'report.code',
    'word.stated': {"zh": '计划数', "en": 'Stated'},
    'word.sum': {"zh": '乡镇合计', "en": 'Township sum'},
    'word.diff': 'report.diff',
    'word.township': 'report.township',
    'word.row_total': 'sheet.county_total',
    'word.county': {"zh": '全市（计划数）', "en": 'County (stated)'},
    'word.county_short': {"zh": '全市', "en": 'County'},
    'word.figure': {"zh": '图', "en": 'Figure'},
    'word.table': {"zh": '表', "en": 'Table'},
    'word.dash': {"zh": '—', "en": '–'},
    'word.maps_list': {
        "zh": '专题图共{n}幅，横向排版，见后页：{items}。',
        "en": '{n} maps follow, one landscape page each: {items}.',
    },
    'word.plan_source': {"zh": '土地供应计划：{v}', "en": 'Land supply plan: {v}'},
    'word.boundary_source': {"zh": '乡镇界线：{v}', "en": 'Township boundaries: {v}'},
    'word.qa_summary': {
        "zh": '核查地块{n}宗，其中有问题{k}宗：错误{e}项，警告{w}项，提示{i}项。',
        "en": '{n} parcels checked, {k} with findings: {e} errors, {w} warnings, {i} notes.',
    },
    'word.qa_kind': {"zh": '问题类型', "en": 'Finding'},
    'word.qa_severity': 'report.qa_severity',
    'word.qa_count': 'report.qa_count',
    'word.qa_table': {"zh": '表{n}  地块核查问题', "en": 'Table {n}  Parcel findings'},
    'word.qa_constraints': {"zh": '表{n}  分乡镇三区三线核对', "en": 'Table {n}  Constraint layers by township'},
    'word.no_breakdown': {"zh": '{what}。', "en": ' {what}.'},
    # --- The web map (render/interactive.py)
    'web.total': 'sheet.total',
    'web.density': 'sheet.density',
    'web.share': 'report.share',
    'web.no_supply': 'sheet.no_supply',
    'web.boundaries': 'report.boundary_source',
    'web.source': {"zh": '资料来源', "en": 'Source'},
    'web.credit': {"zh": '界线数据', "en": 'Boundary data'},
    'web.title': {"zh": '{place}{year}年度土地供应计划', "en": '{place} land supply plan {year}'},
    'web.labels': {"zh": '乡镇名称', "en": 'Township names'},
    'web.help_hover': {
        "zh": '鼠标悬停查看数值，点击乡镇查看明细；右上角切换用地类型。',
        "en": 'Hover for values, click a township for its breakdown; switch categories top right.',
    },
    'web.help_touch': {
        "zh": '轻触乡镇查看明细；右上角图层按钮切换用地类型。',
        "en": 'Tap a township for its breakdown; switch categories with the layers button top right.',
    },
    # --- The outline sheet without a township layer (render/outline.py)
    'outline.subtitle': {
        "zh": '{county}计划供应总量（未提供乡镇界线，仅示{level}界）',
        "en": 'Planned supply of {county} (no township layer: outline only)',
    },
    'outline.table': {"zh": '分类供应计划（{u}）', "en": 'Supply by category ({u})'},
    'outline.category': 'report.category',
    'outline.total': 'sheet.county_total',
    'outline.county': {"zh": '县', "en": 'county'},
    'outline.city': {"zh": '市', "en": 'city'},
    'outline.no_layer': {
        "zh": '未提供{county}的乡镇界线图层，本图集仅示县界与合计；请用 --boundaries XZQ.shp 提供本县三调乡镇界线（XZQ）后重新生成',
        "en": "No township layer was given for {county}: this atlas shows the county outline and totals only; give the county's township layer (三调 XZQ) with --boundaries XZQ.shp",
    },
    'outline.no_district_layer': {
        "zh": '未提供{county}的区县界线图层，本图集仅示市界与合计；请用 --boundaries XZQ.shp 提供本市各区县界线（县级行政区）后重新生成',
        "en": "No district layer was given for {county}: this atlas shows the city outline and totals only; give the city's district layer (county-level divisions) with --boundaries XZQ.shp",
    },
    'outline.no_scope_layer': {
        "zh": '本计划的范围是{scope}，不是一个县：本图集仅示{county}全市界线与计划合计；请用 --boundaries XZQ.shp 提供{scope}的区界（片区界线）图层后重新生成',
        "en": "This plan covers part of {county} ({scope}), not one county: this atlas shows the whole city's outline and the plan's totals only; give a layer of the districts or areas within {scope} with --boundaries XZQ.shp",
    },
    'outline.file_stem': {"zh": '辖区供应总量', "en": 'county-outline'},
    # --- 图集.qgz (render/qgis_project.py)
    'qgis.title': {"zh": '{place}{year}年度土地供应计划图集', "en": '{place} {year} land supply plan atlas'},
    'qgis.stated': {"zh": '全市计划 {v} {u}', "en": 'County (stated) {v} {u}'},
    'qgis.placed': {"zh": '乡镇合计 {v} {u}，落到 {n} 个镇（乡）', "en": 'Townships add up to {v} {u} in {n} townships'},
    'qgis.top': {"zh": '最多：{name} {v} {u}', "en": 'Largest: {name} {v} {u}'},
    'qgis.density': 'sheet.supplied',
    'qgis.parcels': 'report.qa',
    'qgis.km': 'sheet.km',
    # --- The figures model's row names (figures.py)
    'figures.stated': {"zh": '{whole}（计划）', "en": '{whole} (plan)'},
    'figures.county': {"zh": '{whole}', "en": '{whole}'},
    'figures.townships': {"zh": '{units}合计', "en": 'Sum over {units}'},
    'figures.unplaced': {"zh": '未落实到{units}', "en": 'Not placed in a {unit}'},
    'figures.over': {"zh": '{units}合计超出计划', "en": '{Units} above the plan'},
    'figures.no_breakdown': {"zh": '计划未分列{units}', "en": 'The plan gives no figures by {unit}'},
    'figures.not_given': {"zh": '计划未分列', "en": 'not given by the plan'},
    # --- Units of area
    'unit.ha': {"zh": '公顷', "en": 'ha'},
    'unit.mu': {"zh": '亩', "en": 'mu'},
    'unit.m2': {"zh": '平方米', "en": 'm²'},
    'unit.10k_m2': {"zh": '万平方米', "en": '10,000 m²'},
    'unit.km2': {"zh": '平方公里', "en": 'km²'},
    'unit.10k_ha': {"zh": '万公顷', "en": '10,000 ha'},
    'unit.10k_mu': {"zh": '万亩', "en": '10,000 mu'},
    # --- Density, written the same way everywhere
    'density.unit': {"zh": '公顷/平方公里', "en": 'ha/km²'},
    # --- Severities
    'severity.error': {"zh": '错误', "en": 'error'},
    'severity.warning': {"zh": '警告', "en": 'warning'},
    'severity.info': {"zh": '提示', "en": 'note'},
    'severity.ok': {"zh": '无问题', "en": 'no finding'},
    # --- Kinds of QA finding
    'kind.missing_geometry': {"zh": '缺少几何', "en": 'missing geometry'},
    'kind.empty_geometry': {"zh": '几何为空', "en": 'empty geometry'},
    'kind.invalid_geometry': {"zh": '几何无效', "en": 'invalid geometry'},
    'kind.duplicate_geometry': {"zh": '几何重复', "en": 'duplicate geometry'},
    'kind.overlaps_parcel': {"zh": '与其他地块重叠', "en": 'overlaps another parcel'},
    'kind.duplicate_id': {"zh": '编号重复', "en": 'duplicate id'},
    'kind.swapped_coordinates': {"zh": '经纬度颠倒', "en": 'swapped coordinates'},
    'kind.gauss_kruger_as_degrees': {"zh": '投影坐标当作经纬度', "en": 'Gauss-Krüger metres read as degrees'},
    'kind.outside_china': {"zh": '坐标不在中国境内', "en": 'outside China'},
    'kind.outside_county': {"zh": '位于县界外', "en": 'outside the county'},
    'kind.partly_outside_county': {"zh": '部分位于县界外', "en": 'partly outside the county'},
    'kind.township_mismatch': {"zh": '所在乡镇与申报不符', "en": 'in another township'},
    'kind.straddles_townships': {"zh": '跨乡镇界线', "en": 'straddles townships'},
    'kind.unknown_township': {"zh": '乡镇名称无法识别', "en": 'unknown township'},
    'kind.missing_township': {"zh": '未填乡镇', "en": 'no township'},
    'kind.unknown_category': {"zh": '用地类型无法识别', "en": 'unknown category'},
    'kind.missing_category': {"zh": '未填用地类型', "en": 'no category'},
    'kind.area_mismatch': {"zh": '面积不符', "en": 'area mismatch'},
    'kind.unreadable_area': {"zh": '面积不是数字', "en": 'area not a number'},
    'kind.implausible_area': {"zh": '面积不合理', "en": 'implausible area'},
    'kind.quota_over': {"zh": '超出计划指标', "en": 'over the quota'},
    'kind.quota_under': {"zh": '计划指标未用足', "en": 'quota not used up'},
    'kind.category_not_in_plan': {"zh": '计划未安排该类用地', "en": 'category not in the plan'},
    'kind.constraint_overlap': {"zh": '占用管控区（三区三线）', "en": 'overlaps a constraint layer'},
    'kind.outside_constraint': {"zh": '位于管控边界外', "en": 'outside a boundary layer'},
    # --- QA tables, sheets and notes (qa/)
    'qa.finding_headers.row': {"zh": '行号', "en": 'input_row'},
    'qa.finding_headers.parcel_id': {"zh": '地块编号', "en": 'parcel_id'},
    'qa.finding_headers.kind': {"zh": '类型', "en": 'kind'},
    'qa.finding_headers.severity': {"zh": '严重程度', "en": 'severity'},
    'qa.finding_headers.message': {"zh": '说明', "en": 'message'},
    'qa.finding_headers.township_declared': {"zh": '申报乡镇', "en": 'township_declared'},
    'qa.finding_headers.township_found': {"zh": '所在乡镇', "en": 'township_found'},
    'qa.finding_headers.category': {"zh": '用地类型', "en": 'category'},
    'qa.finding_headers.figures': {"zh": '数据', "en": 'figures'},
    'qa.finding_headers.kind_code': {"zh": '类型代码', "en": 'kind_code'},
    'qa.finding_headers.count': {"zh": '条数', "en": 'count'},
    'qa.finding_headers.note': {"zh": '备注', "en": 'note'},
    'qa.group_headers.group': {"zh": '重复组', "en": 'group'},
    'qa.group_headers.kind': 'qa.finding_headers.kind',
    'qa.group_headers.group_size': {"zh": '组内地块数', "en": 'group_size'},
    'qa.group_headers.row': 'qa.finding_headers.row',
    'qa.group_headers.parcel_id': 'qa.finding_headers.parcel_id',
    'qa.quota_headers.township': {"zh": '乡镇', "en": 'township'},
    'qa.quota_headers.category': 'qa.finding_headers.category',
    'qa.quota_headers.category_code': {"zh": '类型代码', "en": 'category_code'},
    'qa.quota_headers.allocated_ha': {"zh": '计划面积（{u}）', "en": 'allocated ({u})'},
    'qa.quota_headers.booked_ha': {
        "zh": '落地面积（{u}，按地块实际所在乡镇与图形面积）',
        "en": 'booked ({u}, where parcels lie, drawn area)',
    },
    'qa.quota_headers.difference_ha': {"zh": '差额（{u}，落地−计划）', "en": 'difference ({u}, booked − allocated)'},
    'qa.quota_headers.used_share': {"zh": '使用比例', "en": 'used share'},
    'qa.quota_headers.n_parcels': {"zh": '地块数（按所在乡镇；{left}）', "en": 'parcels (where they lie; {left})'},
    'qa.quota_headers.declared_ha': {
        "zh": '申报面积（{u}，按申报乡镇与申报面积）',
        "en": 'declared ({u}, declared township and area)',
    },
    'qa.quota_headers.n_declared': {"zh": '申报地块数', "en": 'parcels declared'},
    'qa.quota_headers.status': {"zh": '状态', "en": 'status'},
    'qa.quota_status.over': {"zh": '超出', "en": 'over'},
    'qa.quota_status.under': {"zh": '未用足', "en": 'under'},
    'qa.quota_status.full': {"zh": '持平', "en": 'full'},
    'qa.quota_status.not_in_plan': {"zh": '计划外', "en": 'not in the plan'},
    'qa.constraint_headers.row': 'qa.finding_headers.row',
    'qa.constraint_headers.parcel_id': 'qa.finding_headers.parcel_id',
    'qa.constraint_headers.constraint': {"zh": '管控图层', "en": 'constraint layer'},
    'qa.constraint_headers.overlap_m2': {"zh": '重叠面积（{u}）', "en": 'overlap ({u})'},
    'qa.constraint_headers.share': {"zh": '重叠占地块面积比例', "en": 'share of the parcel'},
    'qa.constraint_headers.outside_m2': {"zh": '图层外面积（{u}）', "en": 'outside the layer ({u})'},
    'qa.constraint_headers.features': {"zh": '涉及图斑', "en": 'features'},
    'qa.constraint_headers.township_found': {"zh": '所在乡镇', "en": 'township'},
    'qa.constraint_headers.category': 'qa.finding_headers.category',
    'qa.constraint_headers.parcels_overlapping': {"zh": '重叠地块数', "en": 'parcels overlapping'},
    'qa.constraint_headers.parcels_outside': {"zh": '图层外地块数', "en": 'parcels outside'},
    'qa.sheets.findings': {"zh": '问题清单', "en": 'findings'},
    'qa.sheets.by_kind': {"zh": '问题统计', "en": 'findings by kind'},
    'qa.sheets.quota_note': {"zh": '说明', "en": 'basis'},
    'qa.sheets.quota': {"zh": '配额核对', "en": 'quota'},
    'qa.sheets.constraints': {"zh": '管控图层核对', "en": 'constraints'},
    'qa.sheets.constraints_by_township': {"zh": '分乡镇管控核对', "en": 'constraints by township'},
    'qa.qa_notes.item': {"zh": '项目', "en": 'item'},
    'qa.qa_notes.note': {"zh": '说明', "en": 'note'},
    'qa.qa_notes.basis': {"zh": '统计口径', "en": 'basis'},
    'qa.qa_notes.left_out': {"zh": '未计入地块', "en": 'parcels left out'},
    'qa.qa_notes.unit': {"zh": '面积单位', "en": 'unit of area'},
    'qa.qa_notes.left_n': {"zh": '未计入 {n} 宗', "en": '{n} left out'},
    'qa.qa_notes.left_sep': {"zh": '：', "en": ': '},
    'qa.qa_notes.left_part': {"zh": '{reason} {n} 宗', "en": '{reason} {n}'},
    'qa.qa_notes.join': {"zh": '，', "en": ', '},
    'qa.qa_notes.too_many': {
        "zh": '共 {n} 条问题，超过 {max} 条，明细见 {where}',
        "en": '{n} findings, more than {max}; all of them are in {where}',
    },
    'qa.left_out.outside': 'kind.outside_county',
    'qa.left_out.no_geometry': {"zh": '无可用几何', "en": 'no usable geometry'},
    'qa.left_out.duplicate': {"zh": '重复地块（同一几何的第二宗起）', "en": 'duplicate (same geometry, second and later)'},
    'qa.basis': {
        "zh": '按地块实际所在乡镇和图形面积统计：跨乡镇地块按各乡镇内面积分摊，点状地块按申报面积计；县界外、无几何及重复的地块不计入。申报乡镇与申报面积见“申报面积”列。',
        "en": "Counted where each parcel lies, with its drawn area: a parcel across townships is shared by its area in each, a point parcel counts its stated area; parcels outside the county, without geometry or duplicated are left out. The declared township and area are in the 'declared' columns.",
    },
    'qa.summary.head': {
        "zh": '地块 {n_parcels} 宗，其中有问题 {n_with_findings} 宗；问题：{w_error} {error}，{w_warning} {warning}，{w_info} {info}',
        "en": '{n_parcels} parcels, {n_with_findings} with findings; findings: {error} {w_error}, {warning} {w_warning}, {info} {w_info}',
    },
    'qa.summary.kind': {
        "zh": '  {severity}  {label}（{kind}）：{count}',
        "en": '  {severity}  {label} ({kind}): {count}',
    },
    'qa.summary.over': {"zh": '指标超出 {n} 项：', "en": '{n} quota cells over: '},
    'qa.summary.sep': {"zh": '；', "en": '; '},
    'qa.summary.cell': {"zh": '{township}{category} +{ha:.4f}公顷', "en": '{township} {category} +{ha:.4f} ha'},
    'qa.summary.total': {
        "zh": '地块面积合计 {booked_ha:.4f} 公顷，计划安排 {allocated_ha:.4f} 公顷',
        "en": 'parcels add up to {booked_ha:.4f} ha; the plan allocates {allocated_ha:.4f} ha',
    },
    'qa.all_findings_files': {"zh": 'findings.csv 与 findings.parquet', "en": 'findings.csv and findings.parquet'},
    # --- Sentences of the plan's findings (plan/sentences.py)
    'finding.township_sum': {
        "zh": '{township}各类用地合计{computed}，比其土地供应量{stated}{more_zh}{diff}。',
        "en": '{township}: its categories add up to {computed}, {diff} {more_en} than its stated total {stated}.',
    },
    'finding.county_sum_less': {
        "zh": '各乡镇布局合计{computed}，比供应总量{stated}少{diff}，未落实到乡镇。',
        "en": 'The townships add up to {computed}, {diff} less than the stated total {stated}: not placed in any township.',
    },
    'finding.county_sum_more': {
        "zh": '各乡镇布局合计{computed}，比供应总量{stated}多{diff}，超出供应总量。',
        "en": 'The townships add up to {computed}, {diff} more than the stated total {stated}.',
    },
    'finding.structure_sum': {
        "zh": '供应结构各类用地合计{computed}，比供应总量{stated}{more_zh}{diff}。',
        "en": 'The categories of the structure add up to {computed}, {diff} {more_en} than the stated total {stated}.',
    },
    'finding.category_unlisted': {
        "zh": '各乡镇布局中有{category}{computed}，但供应结构未列此类用地。',
        "en": 'The townships have {computed} of {category}, which the structure does not list.',
    },
    'finding.category_sum_less': {
        "zh": '{category}供应结构为{stated}，各乡镇布局合计{computed}，有{diff}未落实到乡镇。',
        "en": '{category}: the structure states {stated}, the townships add up to {computed} ({diff} not placed).',
    },
    'finding.category_sum_more': {
        "zh": '{category}供应结构为{stated}，各乡镇布局合计{computed}，超出供应结构{diff}。',
        "en": '{category}: the structure states {stated}, the townships add up to {computed} ({diff} more).',
    },
    'finding.group_sum': {
        "zh": '{group}为{stated}，其包括的{members}合计{computed}，相差{diff}。',
        "en": '{group} is {stated}, but its members ({members}) add up to {computed}: {diff} apart.',
    },
    'finding.unknown_category': {
        "zh": '“{category}”{amount}不在用地分类（{system}）中，已按原名保留，未赋分类代码，请核对。',
        "en": '“{category}”{amount} is not a class of {system}; kept under its own name without a code. Please check.',
    },
    'finding.plan_own_category': {
        "zh": '“{category}”{amount}是本计划自定的用地类别，已按原名保留{maps_zh}。',
        "en": "“{category}”{amount} is a class of the plan's own system, kept under its printed name{maps_en}.",
    },
    'finding.unknown_township': {
        "zh": '计划中的“{township}”不是{county}的乡镇（街道），无法落到乡镇界线上，请核对名称{hint_zh}。',
        "en": '“{township}” in the plan is not a township of {county}; it cannot be placed on the township map. Please check the name{hint_en}.',
    },
    'finding.report': {
        "zh": '本文是关于{plan_zh}的报道或转载（原文有“{evidence}”），不是计划文件本身；数字已按报道读取，请以正式公布的计划文件为准。',
        "en": 'This text is a report about {plan_en} (it has “{evidence}”), not the plan itself; its figures were read as reported: prefer the officially published plan.',
    },
    'finding.no_supply': {"zh": '{township}本年度无土地供应安排。', "en": '{township} receives no land in this plan.'},
    'finding.no_breakdown': {
        "zh": '计划未按乡镇（区）分列供地，无法判断各乡镇（区）有无供地安排。',
        "en": 'The plan gives no breakdown by township or district: it cannot say which receive land.',
    },
    'finding.named_unplaced': {
        "zh": '{township}：原文第{line}行有其数字{figure}，未能归入计划，不是无供应，请核对。',
        "en": '{township}: line {line} gives it {figure}, which could not be placed; it is not “no supply”. Please check.',
    },
    'finding.no_total': {
        "zh": '计划未列总量；表中合计为各项数字之和（{computed}），不是计划的总量。',
        "en": "The plan states no total; the table's total is the sum of its figures ({computed}), not a figure of the plan.",
    },
    'finding.unplaced': {
        "zh": '第{line}行的{figure}未能归入计划（{reason}）：“{text}”。请核对。',
        "en": 'Line {line}: {figure} could not be placed in the plan ({reason}): “{text}”. Please check.',
    },
    'finding.unit_misprint': {
        "zh": '第{line}行的“{printed}”写作“顷”，已按公顷读取，请核对。',
        "en": 'Line {line}: “{printed}” is written with 顷 alone; read as hectares. Please check.',
    },
    'finding.negative': {
        "zh": '第{line}行的{figure}是负数，不可能是供地面积，未计入，请核对。',
        "en": 'Line {line}: {figure} is negative and cannot be a supply area; not used. Please check.',
    },
    'finding.implausible_total': {
        "zh": '供应总量{stated}超过{limit}，不可能是一个县（市、区）的年度供地计划，请核对单位和数字。',
        "en": "The total {stated} exceeds {limit}: it cannot be a county's annual plan. Please check the unit and the figure.",
    },
    'finding.township_over_county': {
        "zh": '{township}的{stated}大于供应总量{computed}，一个乡镇（区域）不可能多于全县（市），请核对。',
        "en": '{township}: {stated} is more than the county total {computed}; please check.',
    },
    'finding.precision_note': {
        "zh": '（差额小于原文数字的精度{precision}，应为四舍五入所致）',
        "en": " (the difference is below the plan's printed precision of {precision}: rounding)",
    },
    # --- The atlas' progress lines
    'atlas_step.plan': {"zh": '读取供应计划', "en": 'reading the plan'},
    'atlas_step.boundaries': {"zh": '读取乡镇界线', "en": 'loading township boundaries'},
    'atlas_step.maps': {"zh": '绘制专题图和统计图', "en": 'drawing the static maps and charts'},
    'atlas_step.web': {"zh": '制作交互地图', "en": 'making the interactive map'},
    'atlas_step.tables': {"zh": '写出分配表', "en": 'writing the allocation tables'},
    'atlas_step.parcels': {"zh": '核查地块', "en": 'checking the parcels'},
    'atlas_step.reports': {"zh": '写出报告、QGIS 工程和文件清单', "en": 'writing the reports, the QGIS project and the manifest'},
    # --- The atlas' allocation tables (allocations.xlsx/.csv)
    'tables.sheet_by_township': {"zh": "按乡镇", "en": "by township"},
    'tables.sheet_by_category': {"zh": "按用地类型", "en": "by category"},
    'tables.sheet_findings': {"zh": "核对结果", "en": "findings"},
    'tables.code': {"zh": "代码", "en": "code"},
    'tables.category_in_unit': {"zh": "{c}（{label}）", "en": "{c} ({label})"},
    'tables.total': {"zh": "合计（{label}）", "en": "total ({label})"},
    'tables.density': {"zh": "供应强度（公顷/平方公里）", "en": "density (ha/km²)"},
    'tables.share_of_county': {"zh": "占{whole}比例（%）", "en": "share of county (%)"},
    'tables.total_row': {"zh": "合计", "en": "total"},
    'tables.county_plan': {"zh": "{whole}（计划）（{label}）", "en": "county, plan ({label})"},
    'tables.sum_over_townships': {"zh": "乡镇合计（{label}）", "en": "sum over townships ({label})"},
    'tables.difference_plan_townships': {"zh": "差额：计划−乡镇合计（{label}）", "en": "difference: plan − townships ({label})"},
    'tables.severity': {"zh": "级别", "en": "severity"},
    'tables.stated': {"zh": "计划数（{label}）", "en": "stated ({label})"},
    'tables.computed': {"zh": "合计数（{label}）", "en": "computed ({label})"},
    'tables.difference': {"zh": "差额（{label}）", "en": "difference ({label})"},
    # --- 图层.gpkg: field names and aliases, style names
    'gpkg.unit_suffix': {"zh": "（{u}）", "en": " ({u})"},
    'gpkg.name_en': {"zh": "英文名", "en": "name_en"},
    'gpkg.area_km2': {"zh": "面积_平方公里", "en": "area_km2"},
    'gpkg.stated_total': {"zh": "计划合计", "en": "stated_total"},
    'gpkg.density': {"zh": "密度", "en": "density"},
    'gpkg.share_pct': {"zh": "占比", "en": "share_pct"},
    'gpkg.unit': {"zh": "单位", "en": "unit"},
    'gpkg.class': {"zh": "{value_field}_分级", "en": "{value_field}_class"},
    'gpkg.name': {"zh": "名称", "en": "name"},
    'gpkg.stated_total_figure': {"zh": "计划总量", "en": "stated_total"},
    'gpkg.township_sum': {"zh": "乡镇合计", "en": "township_sum"},
    'gpkg.difference': {"zh": "差额（计划−乡镇合计）", "en": "difference"},
    'gpkg.by_severity': {"zh": "按问题级别", "en": "by severity"},
    'gpkg.outline': {"zh": "界线", "en": "outline"},
    'gpkg.outline_title': {"zh": "行政区界线", "en": "Outline"},
    'gpkg.stated_total_alias': {"zh": "计划合计（{u}）", "en": "stated total ({u})"},
    'gpkg.density_alias': {"zh": "供应强度（{density_word}）", "en": "density ({density_word})"},
    'gpkg.share_alias': {"zh": "占{whole}比例（%）", "en": "share of the county's total (%)"},
    # --- Kinds of the plan's findings (the 类型 column of the findings tables)
    'plan_kind.township_sum': {"zh": '乡镇分类合计与其总量不符', "en": "township's categories differ from its total"},
    'plan_kind.county_sum': {"zh": '乡镇合计与供应总量不符', "en": 'townships differ from the county total'},
    'plan_kind.structure_sum': {"zh": '供应结构合计与供应总量不符', "en": 'structure differs from the total'},
    'plan_kind.category_sum': {"zh": '分类乡镇合计与供应结构不符', "en": 'category: townships differ from the structure'},
    'plan_kind.category_unlisted': {"zh": '供应结构未列的用地类型', "en": 'category not in the structure'},
    'plan_kind.unknown_category': {"zh": '用地类型不在分类中', "en": 'category outside the classification'},
    'plan_kind.plan_own_category': {"zh": '计划自定的用地类别', "en": "the plan's own category"},
    'plan_kind.unknown_township': 'kind.unknown_township',
    'plan_kind.report': {"zh": '报道而非计划原文', "en": 'a report, not the plan'},
    'plan_kind.no_supply': 'sheet.no_supply',
    'plan_kind.no_breakdown': {"zh": '未分乡镇列示', "en": 'no breakdown by township'},
    'plan_kind.named_unplaced': {"zh": '乡镇数字未能归入计划', "en": "a township's figure not placed"},
    'plan_kind.no_total': {"zh": '计划未列总量', "en": 'no stated total'},
    'plan_kind.unplaced': {"zh": '数字未能归入计划', "en": 'figure not placed'},
    'plan_kind.unit_misprint': {"zh": '单位笔误', "en": 'unit misprint'},
    'plan_kind.negative': {"zh": '负数', "en": 'negative figure'},
    'plan_kind.implausible_total': {"zh": '总量不合理', "en": 'implausible total'},
    'plan_kind.township_over_county': {"zh": '乡镇大于全县', "en": 'township above the county'},
    'plan_kind.no_layer': {"zh": '未提供乡镇界线图层', "en": 'no township layer'},
    # --- Words that fill a message's fields (what is read, where)
    'term.plan': {"zh": '计划', "en": 'plan'},
    'term.parcel': {"zh": '地块', "en": 'parcel'},
    'term.atlas': {"zh": '图集', "en": 'atlas'},
    'term.mode.dir': {"zh": '文件夹', "en": 'a folder'},
    'term.mode.link': {"zh": '符号链接', "en": 'a symbolic link'},
    'term.mode.fifo': {"zh": '命名管道（FIFO）', "en": 'a FIFO'},
    'term.mode.char': {"zh": '字符设备', "en": 'a character device'},
    'term.mode.block': {"zh": '块设备', "en": 'a block device'},
    'term.mode.socket': {"zh": '套接字', "en": 'a socket'},
    'term.mode.regular': {"zh": '普通文件', "en": 'a regular file'},
    'term.mode.other': {"zh": '特殊文件', "en": 'not a regular file'},
    'term.the_atlas': {"zh": '图集', "en": 'the atlas'},
    'term.parcel_qa': {"zh": '地块核查', "en": 'parcel QA'},
    'term.township_of': {"zh": '{county}的乡镇', "en": 'township of {county}'},
    'term.the_township_layer': {"zh": '乡镇界线图层', "en": 'the township layer'},
    'term.township_not_in': {"zh": '乡镇（不在{source}中）', "en": 'township (not in {source})'},
    'term.township': 'qa.quota_headers.township',
    'term.qa_result': {"zh": '核查结果', "en": 'QA result'},
    'term.parcels': {"zh": '地块文件', "en": 'parcels'},
    'term.township_layer': {"zh": '乡镇界线图层', "en": 'township layer'},
    'term.layer': {"zh": '图层', "en": 'layer'},
    'term.file': {"zh": '文件', "en": 'file'},
    'term.folder': {"zh": '文件夹', "en": 'folder'},
    'term.column': {"zh": '字段', "en": 'column'},
    'term.row': {"zh": '行', "en": 'row'},
    'term.line': {"zh": '行', "en": 'line'},
    # --- The command line
    'cli.plan_head': {"zh": '《{title}》（原文单位：{unit}；本表单位：{table_unit}）', "en": '《{title}》 (units of the text: {unit}; of this table: {table_unit})'},
    'cli.set_aside': {"zh": '未计入的面积数字：', "en": 'Area figures set aside:'},
    'cli.see_ledger': {"zh": '加 --ledger 查看每个面积数字的去向。', "en": 'Add --ledger to see where every area figure went.'},
    'cli.wrote': {"zh": '已写出 {path}', "en": 'wrote {path}'},
    'cli.wrote_files': {"zh": '已写出 {n} 个文件到 {folder}', "en": 'wrote {n} files to {folder}'},
    'cli.report': {"zh": '报告：{path}', "en": 'report: {path}'},
    'cli.interrupted': {"zh": '已中断，没有留下写了一半的文件', "en": 'interrupted; nothing half-written was left behind'},
    'cli.not_installed': {"zh": "未安装 {module}：pip install 'landgis[{extra}]'", "en": "{module} is not installed: pip install 'landgis[{extra}]'"},
    'cli.nothing_half_written': {"zh": '没有留下写了一半的文件', "en": 'nothing was half-written'},
    'cli.os.disk_full': {"zh": '磁盘已满', "en": 'the disk is full'},
    'cli.os.too_large': {"zh": '文件超出此磁盘或系统的大小限制', "en": 'the file is too large for this disk or limit'},
    'cli.os.quota': {"zh": '超出磁盘配额', "en": 'the disk quota is exceeded'},
    'cli.os.not_found': {"zh": '找不到该文件或文件夹', "en": 'no such file or folder'},
    'cli.os.denied': {"zh": '没有访问权限', "en": 'permission denied'},
    'cli.os.read_only': {"zh": '磁盘为只读', "en": 'the disk is read-only'},
    'cli.os.other': {"zh": '读写文件出错（英文原因可用 --lang en 查看）', "en": '{reason}'},
}

#: Error and warning messages: the English template (the message's key, as gettext's msgid) → Chinese.
MESSAGES: dict[str, str] = {
    "the file size limit (ulimit -f, {soft} bytes) was reached":
        "已达到文件大小限制（ulimit -f，{soft} 字节）",
    "{path}, column {n}":
        "{path} 第 {n} 列",
    "{path}, row {row}, column {column!r}":
        "{path} 第 {row} 行 {column!r} 列",
    "{what}: its title is '{title}'":
        "{what}：其标题为“{title}”",
    "a 土地储备计划 (land reserve plan)":
        "土地储备计划",
    "a 供地结果公示 (notice of land already supplied)":
        "供地结果公示（已供应土地的公告）",
    "a 供地情况 report (land supplied in past years)":
        "供地情况报告（以往年度的供地）",
    "news or a notice of land auctions (it speaks of {words}): its title is '{title}'":
        "土地出让的新闻或公告（文中有{words}）：其标题为“{title}”",
    "a news article ('{mark}' in it; auction words {words}) with no figure of a land supply plan: its title is '{title}'":
        "新闻报道（文中有“{mark}”，以及出让用语{words}），其中没有土地供应计划的数字：其标题为“{title}”",
    "a news article ('{mark}' in it) with no figure of a land supply plan: its title is '{title}'":
        "新闻报道（文中有“{mark}”），其中没有土地供应计划的数字：其标题为“{title}”",
    "{n} lines":
        "{n} 行",
    "{n} lines; sections {sections}":
        "{n} 行；章节 {sections}",
    "; {n} area figures set aside (other years, quarters …)":
        "；另有 {n} 个面积数字未计入（其他年份、季度等）",
    "unknown {what} {name!r}; did you mean {hint}? (known: {known})":
        "无法识别的{what} {name!r}；是否是指 {hint}？（已知：{known}）",
    "unknown {what} {name!r} (known: {known})":
        "无法识别的{what} {name!r}（已知：{known}）",
    "plan {source}: {error}":
        "计划 {source}：{error}",
    "the township layer has no CRS: cannot simplify it in metres":
        "乡镇界线图层没有坐标系：无法按米简化",
    "township feature(s) {index} have no geometry":
        "乡镇要素 {index} 没有几何",
    "lang must be one of {items}, not {lang!r}":
        "语言应为 {items} 之一，不能是 {lang!r}",
    "basemap must be none, {items}; not {basemap!r}":
        "底图应为 none 或 {items}，不能是 {basemap!r}",
    "the 天地图 basemap needs your key: --tianditu-key KEY (apply at console.tianditu.gov.cn)":
        "天地图底图需要您的密钥：--tianditu-key 密钥（在 console.tianditu.gov.cn 申请）",
    "a 天地图 key is letters and digits only, got {tianditu_key!r}":
        "天地图密钥只能由字母和数字组成，实为 {tianditu_key!r}",
    "the layer lacks column(s) {items}: pass the output of landgis.allocation.join":
        "图层缺少字段 {items}：请传入 landgis.allocation.join 的结果",
    "the layer has no townships":
        "图层中没有乡镇",
    "the map still references {items}: it is not self-contained":
        "地图仍引用 {items}：不能离线独立使用",
    "height must be a CSS length such as 560px or 70vh, not {height!r}":
        "高度应为 CSS 长度，如 560px 或 70vh，不能是 {height!r}",
    "cannot find the map's container id in its script ({count} times)":
        "在地图脚本中找不到地图容器的编号（出现 {count} 次）",
    "{name} needs {items} from a CDN; it cannot be inlined for an offline map":
        "{name} 需要从 CDN 加载 {items}；无法内嵌到离线地图中",
    "the registry file {name} is missing from landgis/registry; rebuild it with `python -m landgis.registry.build`":
        "landgis/registry 中缺少名录文件 {name}；请用 `python -m landgis.registry.build` 重新生成",
    "the registry file outlines.zip is missing from landgis/registry; rebuild it with `python -m landgis.registry.build`":
        "landgis/registry 中缺少名录文件 outlines.zip；请用 `python -m landgis.registry.build` 重新生成",
    "the CJK font {path} is missing; reinstall landgis":
        "缺少中文字体 {path}；请重新安装 landgis",
    "the layer has no CRS; cannot project it for a map":
        "图层没有坐标系；无法投影制图",
    "the allocation layer carries no plan (attrs['plan']); make it with landgis.allocation.join":
        "分配图层未附带计划（attrs['plan']）；请用 landgis.allocation.join 生成",
    "the QA result carries no township layer to draw":
        "核查结果未附带可绘制的乡镇界线图层",
    "the shipped layer {name} is missing from landgis.shipped (boundaries/); rebuild it with `python boundaries/build.py`":
        "landgis.shipped（boundaries/）中缺少内置图层 {name}；请用 `python boundaries/build.py` 重新生成",
    "registry() needs the county's 6-digit code, e.g. registry('441882')":
        "registry() 需要县（市、区）的 6 位代码，如 registry('441882')",
    "{where}: the page could be read only in part (line {line}: {items})":
        "{where}：网页只能部分读取（第 {line} 行；英文原因可用 --lang en 查看）",
    "{where}: unknown code page {cpg!r} in the .cpg file; detecting the encoding":
        "{where}：.cpg 文件中的代码页 {cpg!r} 无法识别；将自动检测编码",
    "{where}: the .cpg says {cpg!r} but the attributes are not in it; read as {enc}":
        "{where}：.cpg 文件写明 {cpg!r}，但属性不是该编码；已按 {enc} 读取",
    "{where}: {cut} text value(s) or field name(s) end inside a {encoding} character (cut at the field's width); read without the broken ends":
        "{where}：有 {cut} 个文本值或字段名在一个 {encoding} 字符中间被截断（受字段宽度限制）；已去掉残缺的末尾后读取",
    "{where}: repaired {n} invalid geometry(ies): {which}":
        "{where}：已修复 {n} 个无效几何：{which}",
    "{where}: has no polygon for {absent} of {county}'s {n} townships; they will be missing from maps":
        "{where}：{county}的 {n} 个乡镇中，{absent} 没有面要素；地图上将缺少这些乡镇",
    "{folder}: not recognised as a constraint layer, left out: {unknown} (name them with --constraint NAME=FILE)":
        "{folder}：以下文件未识别为管控图层，已略过：{unknown}（可用 --constraint 名称=文件 指定）",
    "{path}: {n} invalid polygon(s) of the {name} layer repaired (make_valid)":
        "{path}：已修复{name}图层中 {n} 个无效面要素",
    "{path}: {opened} ring(s) did not repeat their first point at the end; closed them":
        "{path}：有 {opened} 个环的末点未重复首点；已将其闭合",
    "{path}: {open_lines} open polyline(s) are not parcel outlines; left out":
        "{path}：{open_lines} 条未闭合的多段线不是地块界线；已略过",
    "a township or village code":
        "这是乡镇或村级代码",
    "no county-level division code":
        "不是县级行政区划代码",
    "{code} is {pref}'s prefecture code (for the city as a whole: {code}00 or {pref})":
        "{code} 是{pref}的地级代码（指全市请用 {code}00 或 {pref}）",
    "{what}; a county is given by its 6-digit code or its name, e.g. {listing}":
        "{what}；县（市、区）请用 6 位代码或名称指定，如 {listing}",
    "{what}; a county is given by its 6-digit code or its name (e.g. 441224 or 肇庆市怀集县)":
        "{what}；县（市、区）请用 6 位代码或名称指定（如 441224 或 肇庆市怀集县）",
    "{level} is a level of division, not a name; give the county's name or 6-digit code, e.g. 怀集县, 肇庆市怀集县 or 441224":
        "“{level}”是行政区划级别，不是名称；请给出县（市、区）的名称或 6 位代码，如 怀集县、肇庆市怀集县 或 441224",
    "no county-level division of that name or code in the registry (give the 6-digit code or the name with its prefecture, e.g. 肇庆市怀集县)":
        "行政区划名录中没有该名称或代码的县级行政区（请给出 6 位代码，或连同所属地级市的名称，如 肇庆市怀集县）",
    "{value:,} {what}, more than {limit:,}":
        "{what} {value:,}，超过 {limit:,}",
    "more than {limit:,} {what}":
        "{what}超过 {limit:,}",
    "members in the zip archive":
        "zip 压缩包内的文件数",
    "bytes of XML uncompressed":
        "解压后的 XML 字节数",
    "bytes uncompressed":
        "解压后的字节数",
    "records in the .dbf":
        ".dbf 中的记录数",
    "characters of text (tables with merged cells repeated)":
        "文本字符数（表格合并单元格重复计入）",
    "table cells in the Word tables (rows × columns)":
        "Word 表格的单元格数（行数 × 列数）",
    "pages":
        "页数",
    "characters of text":
        "文本字符数",
    "levels of element nesting (the page could be read only in part)":
        "元素嵌套层数（网页只能部分读取）",
    "table cells after colspan/rowspan are repeated":
        "展开合并单元格后的表格单元格数",
    "characters in tables after colspan/rowspan are repeated":
        "展开合并单元格后的表格字符数",
    "features":
        "要素数",
    "rows":
        "行数",
    "characters in the column name":
        "字段名字符数",
    "characters in one cell":
        "单元格字符数",
    "地块":
        "地块数",
    "pairs of intersecting polygons (copies of one parcel?)":
        "相交的面要素对数（同一地块的重复？）",
    "{path}: is a folder, not a {what} file":
        "{path}：是文件夹，不是{what}文件",
    "{path}: no such {what} file":
        "{path}：找不到该{what}文件",
    "--sql and --write-back need PARCELS to be a postgresql:// URL":
        "--sql 和 --write-back 要求 PARCELS 是 postgresql:// 连接地址",
    "--format takes png, svg and pdf, not {items}":
        "--format 只接受 png、svg 和 pdf，不接受 {items}",
    "{source}: the plan names no county, so its townships cannot be placed; give --county CODE|NAME (e.g. --county 441882 or --county 连州市)":
        "{source}：计划未写明所属县（市、区），无法把乡镇落到图上；请用 --county 代码|名称 指定（如 --county 441882 或 --county 连州市）",
    "qa --no-plan needs the county the parcels are in: give --county CODE|NAME":
        "qa --no-plan 需要知道地块所在的县（市、区）：请用 --county 代码|名称 指定",
    "county {name_or_code!r} is ambiguous: {listing}; give the code or the name with its prefecture (--county {code} or --county {prefecture}{name})":
        "县（市、区）{name_or_code!r} 有重名：{listing}；请给出代码或连同所属地级市的名称（--county {code} 或 --county {prefecture}{name}）",
    "county {name_or_code!r}: {name_or_code2}":
        "县（市、区）{name_or_code!r}：{name_or_code2}",
    "{what} needs the county: give --county CODE|NAME (county= in Python), e.g. 441882 or 连州市":
        "{what}需要知道所属县（市、区）：请用 --county 代码|名称 指定（Python 中用 county=），如 441882 或 连州市",
    "the registry has no outline for {label} ({code}); give its township layer with --boundaries":
        "行政区划名录中没有{label}（{code}）的辖区界线；请用 --boundaries 给出其乡镇界线图层",
    "cannot measure areas of a layer without CRS":
        "图层没有坐标系，无法计算面积",
    "{where}: {value!r} is not a CRS (expected an EPSG code such as 4490 or 4546)":
        "{where}：{value!r} 不是坐标系（应为 EPSG 代码，如 4490 或 4546）",
    "unknown area unit {unit!r}; expected one of ha/公顷, mu/亩, m2/平方米":
        "无法识别的面积单位 {unit!r}；应为 ha/公顷、mu/亩、m2/平方米 之一",
    "unit must be 'ha' (公顷), 'mu' (亩) or 'm2' (平方米), not {unit!r}":
        "单位应为 'ha'（公顷）、'mu'（亩）或 'm2'（平方米），不能是 {unit!r}",
    "--out is empty; give a {kind} name":
        "--out 为空；请给出{kind}名称",
    "{path}: is a symbolic link (to {target}); give the {kind} itself or a new path":
        "{path}：是符号链接（指向 {target}）；请给出{kind}本身或一个新路径",
    "{path}: is {mode}, not a {kind}; give a new path or a {kind} to replace":
        "{path}：是{mode}，不是{kind}；请给出新路径或要替换的{kind}",
    "{out}: is the root folder; the {what} replaces its folder whole, choose another --out":
        "{out}：是根目录；{what}会整体替换其文件夹，请另选 --out",
    "{out}: is the current folder or holds it; the {what} replaces its folder whole, so choose another --out (e.g. a new folder) or run landgis from elsewhere":
        "{out}：是当前文件夹或包含当前文件夹；{what}会整体替换其文件夹，请另选 --out（如一个新文件夹），或在别处运行 landgis",
    "{out}: is inside {inside}, a folder landgis builds an output in or sets aside; choose another --out":
        "{out}：位于 {inside} 之内，该文件夹是 landgis 生成或暂存输出的地方；请另选 --out",
    "{dest}: is a folder with other files, not an earlier {what}; the {what} would replace it, so choose an empty or new --out":
        "{dest}：是存有其他文件的文件夹，不是以前生成的{what}；{what}会替换它，请选择空文件夹或新的 --out",
    "{dest}: exists and is not a folder; choose another --out":
        "{dest}：已存在且不是文件夹；请另选 --out",
    "{out}: holds the input {source}; the {what} replaces its folder whole, so choose another --out":
        "{out}：包含输入文件 {source}；{what}会整体替换其文件夹，请另选 --out",
    "{where}: {got} (the limit; set LANDGIS_LIMIT_{upper} to raise it)":
        "{where}：{got}（已达上限；可设置环境变量 LANDGIS_LIMIT_{upper} 提高上限）",
    "{path}: the text is neither UTF-8 nor GB18030 (GBK); save it as UTF-8 and try again":
        "{path}：文本既不是 UTF-8 编码也不是 GB18030（GBK）编码；请另存为 UTF-8 后重试",
    "{path}: the PDF has no text layer (a scan?); run OCR on it or give the plan as .txt/.docx":
        "{path}：PDF 没有文字层（是扫描件？）；请先做文字识别（OCR），或提供 .txt/.docx 格式的计划",
    "{path}: no such plan file":
        "{path}：找不到该计划文件",
    "{path}: old Word .doc files cannot be read; save it as .docx":
        "{path}：无法读取旧版 Word .doc 文件；请另存为 .docx",
    "{path}: not a readable Word .docx file ({exc})":
        "{path}：不是可读取的 Word .docx 文件（英文原因可用 --lang en 查看）",
    "{path}: not a readable Word .docx file (not a zip archive)":
        "{path}：不是可读取的 Word .docx 文件（不是 zip 压缩包）",
    "{path}: not a readable PDF ({exc})":
        "{path}：不是可读取的 PDF 文件（英文原因可用 --lang en 查看）",
    "{source}: not a land supply plan; the text looks like {other}. landgis reads a county's 国有建设用地供应计划 (annual land supply plan)":
        "{source}：不是土地供应计划；文本看起来是{other}。landgis 读取的是县（市、区）的年度国有建设用地供应计划",
    "{source}: no land supply plan found (looked at {looked}{ign}). Expected a county total like '供应总量控制在158.1793169公顷以内', a structure like '住宅用地29.327316公顷，商服用地13.159566公顷', or a layout by township ('阳城镇土地供应量为62.376199公顷，其中：…' or a table with a 镇名 column and category columns), with figures in 公顷, 亩 or 平方米":
        "{source}：未找到土地供应计划（已查看 {looked}{ign}）。应有全县总量，如“供应总量控制在158.1793169公顷以内”；或供应结构，如“住宅用地29.327316公顷，商服用地13.159566公顷”；或分乡镇布局（“阳城镇土地供应量为62.376199公顷，其中：…”，或含镇名列和各用地类型列的表格），面积单位为公顷、亩或平方米",
    "{source}: cannot read the plan file ({strerror})":
        "{source}：无法读取计划文件（英文原因可用 --lang en 查看）",
    "{label}: could not read the plan ({name}: {exc})":
        "{label}：无法读取计划（英文原因可用 --lang en 查看）",
    "{source}: not a land supply plan; the text looks like {news}":
        "{source}：不是土地供应计划；文本看起来是{news}",
    "{path}: cannot write a {suffix} file; use .csv or .xlsx":
        "{path}：不能写出 {suffix} 文件；请使用 .csv 或 .xlsx",
    "{path}: the folder {parent} does not exist":
        "{path}：文件夹 {parent} 不存在",
    "{path}: has {n_polys} polygon layers, name one with --layer/layer=; layers: {listing}":
        "{path}：有 {n_polys} 个面图层，请用 --layer（Python 中用 layer=）指定一个；图层：{listing}",
    "{where}: its township names are {county_name}'s, but in its CRS ({declared_name}, {to_string}) it would lie at lon {minx:.2f}–{maxx:.2f}, lat {miny:.2f}–{maxy:.2f}, about {n:,.0f} km from {county_name} (near {cx:.2f}°E, {cy:.2f}°N), so the CRS is wrong; {replace}":
        "{where}：乡镇名称属于{county_name}，但按其坐标系（{declared_name}，{to_string}）图层将位于经度 {minx:.2f}–{maxx:.2f}、纬度 {miny:.2f}–{maxy:.2f}，距{county_name}（约 {cx:.2f}°E，{cy:.2f}°N）约 {n:,.0f} 公里，坐标系有误；{replace}",
    "{path}: no such boundary file":
        "{path}：找不到该乡镇界线文件",
    "{path}: is a folder; expected a .shp, .zip, .gpkg, .geojson or .kml file":
        "{path}：是文件夹；应为 .shp、.zip、.gpkg、.geojson 或 .kml 文件",
    "{where}: has no features (expected township polygons)":
        "{where}：没有要素（应为乡镇面要素）",
    "{where}: expected township polygons, found {items}":
        "{where}：应为乡镇面要素，实为 {items}",
    "{where}: no township name field found (looked for {items} …); fields: {items2}; name one with --name-field":
        "{where}：找不到乡镇名称字段（已查找 {items} …）；现有字段：{items2}；请用 --name-field 指定",
    "{where}: feature(s) {rows} have an empty {name_col}":
        "{where}：第 {rows} 个要素的 {name_col} 为空",
    "{where}: feature(s) without geometry: {bad}":
        "{where}：以下要素没有几何：{bad}",
    "{where}: in its CRS ({declared_name}) the layer would lie at lon {minx:.2f}–{maxx:.2f}, lat {miny:.2f}–{maxy:.2f}, outside China, so the CRS is wrong; {raw_bounds}":
        "{where}：按其坐标系（{declared_name}）图层将位于经度 {minx:.2f}–{maxx:.2f}、纬度 {miny:.2f}–{maxy:.2f}，在中国境外，坐标系有误；{raw_bounds}",
    "{path}: no field {wanted!r} for the township {what}; fields: {items}":
        "{path}：没有用作乡镇{what}的字段 {wanted!r}；现有字段：{items}",
    "landgis ships no township layer for {label} ({code}); give the county's official township layer (三调 XZQ) with --boundaries XZQ.shp":
        "landgis 未内置{label}（{code}）的乡镇界线图层；请用 --boundaries XZQ.shp 给出该县正式的乡镇界线图层（三调 XZQ）",
    "options layer/name_field/code_field/crs/gcj02 apply only to a boundary file (--boundaries)":
        "选项 --layer、--name-field、--code-field、--crs、--gcj02（Python 中的 layer=、name_field=、code_field=、crs=、gcj02=）只适用于乡镇界线文件（--boundaries）",
    "{where}: cannot be read as a vector layer ({exc})":
        "{where}：无法作为矢量图层读取（英文原因可用 --lang en 查看）",
    "{where}: has no CRS (no .prj or equivalent); {total_bounds}":
        "{where}：没有坐标系（缺少 .prj 或同类信息）；{total_bounds}",
    "{where}: declares geographic {crs_name} but holds projected coordinates; {total_bounds}":
        "{where}：声明为地理坐标系 {crs_name}，但存储的是投影坐标；{total_bounds}",
    "{path}: cannot be opened as a vector layer ({exc})":
        "{path}：无法作为矢量图层打开（英文原因可用 --lang en 查看）",
    "{path}: no layer {layer!r}; layers: {listing}":
        "{path}：没有图层 {layer!r}；现有图层：{listing}",
    "nothing to map called {column!r}; the layer has {items}, total and density":
        "没有可制图的 {column!r}；图层中有：{items}，以及 total（供应总量）和 density（供应强度）",
    "column {column!r} has no number for {items}":
        "字段 {column!r} 在 {items} 处不是数字",
    "column {column!r} is negative for {items}":
        "字段 {column!r} 在 {items} 处为负数",
    "unknown classification scheme {scheme!r}; use one of {items}":
        "无法识别的分级方法 {scheme!r}；请使用 {items} 之一",
    "the number of classes must be at least 1, got {k}":
        "分级数至少为 1，实为 {k}",
    "user classes need breaks, e.g. --breaks 1,5,10":
        "自定义分级需要给出分级界值，如 --breaks 1,5,10",
    "breaks must be positive and increasing, got {items}":
        "分级界值应为递增的正数，实为 {items}",
    "the layer names no categories to draw":
        "图层中没有可绘制的用地类型",
    "cannot write {path_name}: format must be one of {items}":
        "无法写出 {path_name}：格式应为 {items} 之一",
    "unknown output format {items}; use png, svg or pdf":
        "无法识别的输出格式 {items}；请使用 png、svg 或 pdf",
    "{path}: no coordinate columns found; expected lon/lat, 经度/纬度, x/y or a WKT column (or name them with --x-field/--y-field). Columns: {items}":
        "{path}：找不到坐标字段；应有 lon/lat、经度/纬度、x/y 或 WKT 字段（或用 --x-field/--y-field 指定）。现有字段：{items}",
    "{source}: no column {given!r} for the {role} (columns: {items})":
        "{source}：没有用作{role}的字段 {given!r}（现有字段：{items}）",
    "{path}: the layer has no geometry; give a table with coordinate columns instead":
        "{path}：图层没有几何；请改为提供带坐标字段的表格",
    "{path}: no such parcel file":
        "{path}：找不到该地块文件",
    "{path}: is a folder, not a parcel file":
        "{path}：是文件夹，不是地块文件",
    "no GeoParquet rows to read":
        "没有可读取的 GeoParquet 记录",
    "{where}: geometry encoding {encoding!r}; expected WKB GeoParquet":
        "{where}：几何编码为 {encoding!r}；应为 WKB 编码的 GeoParquet",
    "{path}: not a readable {upper} file (damaged or another format): {exc}":
        "{path}：不是可读取的 {upper} 文件（文件损坏或为其他格式）（英文原因可用 --lang en 查看）",
    "{path}: no layer {layer!r}: {exc}":
        "{path}：没有图层 {layer!r}（英文原因可用 --lang en 查看）",
    "{path}: damaged layer: {exc}":
        "{path}：图层已损坏（英文原因可用 --lang en 查看）",
    "{path}: reading old .xls workbooks needs xlrd (pip install xlrd); or save the sheet as .xlsx or .csv in Excel/WPS (另存为)":
        "{path}：读取旧版 .xls 工作簿需要 xlrd（pip install xlrd）；或在 Excel/WPS 中另存为 .xlsx 或 .csv",
    "{path}: not a readable {suffix} workbook (damaged or another format): {exc}":
        "{path}：不是可读取的 {suffix} 工作簿（文件损坏或为其他格式）（英文原因可用 --lang en 查看）",
    "{path}: columns {xcol!r}/{ycol!r} hold projected coordinates (e.g. {x:.0f}, {y:.0f}); say which CRS with --crs (e.g. 4526 for CGCS2000 Gauss-Krüger 3° zone 38)":
        "{path}：字段 {xcol!r}/{ycol!r} 存储的是投影坐标（如 {x:.0f}, {y:.0f}）；请用 --crs 指定坐标系（如 4526，即 CGCS2000 高斯-克吕格 3 度带第 38 带）",
    "{path}: --crs {crs!r} is not a coordinate system; expected an EPSG code such as 4490 (CGCS2000 lon/lat) or 4526 (Gauss-Krüger 3° zone 38)":
        "{path}：--crs {crs!r} 不是坐标系；应为 EPSG 代码，如 4490（CGCS2000 经纬度）或 4526（高斯-克吕格 3 度带第 38 带）",
    "{f}: a Parquet file without GeoParquet metadata ('geo'); expected GeoParquet":
        "{f}：Parquet 文件缺少 GeoParquet 元数据（'geo'）；应为 GeoParquet",
    "{path}: cannot read sheet {sheet}: {exc}":
        "{path}：无法读取工作表 {sheet}（英文原因可用 --lang en 查看）",
    "{path}: not a readable CSV table: {exc}":
        "{path}：不是可读取的 CSV 表格（英文原因可用 --lang en 查看）",
    "{path}: no coordinate column {f!r} (columns: {items})":
        "{path}：没有坐标字段 {f!r}（现有字段：{items}）",
    "{f}: cannot read as GeoParquet: {exc}":
        "{f}：无法作为 GeoParquet 读取（英文原因可用 --lang en 查看）",
    "{path}: several layers ({items}); say which with --layer":
        "{path}：有多个图层（{items}）；请用 --layer 指定",
    "{path}: unknown parcel format {suffix!r}; expected .gpkg, .shp, .zip, .geojson, .parquet, .csv, .xlsx, .dxf or a 报部格式 coordinate .txt":
        "{path}：无法识别的地块文件格式 {suffix!r}；应为 .gpkg、.shp、.zip、.geojson、.parquet、.csv、.xlsx、.dxf 或报部格式坐标 .txt",
    "{path}: the layer has no CRS and projected coordinates; say which with --crs (e.g. 4526)":
        "{path}：图层没有坐标系，且存储的是投影坐标；请用 --crs 指定（如 4526）",
    "{where}: expected an object of constraint names":
        "{where}：应为以管控图层名称为键的对象",
    "{folder}: --constraints expects a folder of constraint layers":
        "{folder}：--constraints 需要一个存放管控图层的文件夹",
    "{folder}: no constraint layer found; expected names such as YJJBNT, STBHHX, CZKFBJ or 永久基本农田, 生态保护红线, 城镇开发边界":
        "{folder}：找不到管控图层；文件名应如 YJJBNT、STBHHX、CZKFBJ 或 永久基本农田、生态保护红线、城镇开发边界",
    "{path}: the {name} layer has no CRS; give it a .prj":
        "{path}：{name}图层没有坐标系；请为其提供 .prj",
    "{path}: feature {n} of the {name} layer is a {get_type_id!r}-type geometry; a constraint layer holds polygons":
        "{path}：{name}图层第 {n} 个要素的几何类型为 {get_type_id!r}；管控图层应为面图层",
    "{path}: the {name} layer has no polygons":
        "{path}：{name}图层没有面要素",
    "{where}:{lineno}: not valid JSON: {msg}":
        "{where}:{lineno}：不是有效的 JSON（英文原因可用 --lang en 查看）",
    "{where}: {name}: expected an object with rule, severity, tolerance_m2":
        "{where}：{name}：应为含 rule、severity、tolerance_m2 的对象",
    "{where}: {name}: rule {rule!r}; expected overlap, outside or report":
        "{where}：{name}：规则 {rule!r} 无效；应为 overlap、outside 或 report",
    "{where}: {name}: severity {severity!r}; expected error, warning or info":
        "{where}：{name}：严重程度 {severity!r} 无效；应为 error、warning 或 info",
    "{where}: {name}: tolerance_m2 must be a number ≥ 0":
        "{where}：{name}：tolerance_m2 应为不小于 0 的数",
    "--constraint {spec!r}: expected NAME=FILE, e.g. 永久基本农田=YJJBNT.shp":
        "--constraint {spec!r}：应为 名称=文件，如 永久基本农田=YJJBNT.shp",
    "--constraint {strip} is given twice":
        "--constraint {strip} 重复给出",
    "{where}: cannot read the constraint rules: {exc}":
        "{where}：无法读取管控规则（英文原因可用 --lang en 查看）",
    "{where}: {name}: tolerance_m2 is not a number":
        "{where}：{name}：tolerance_m2 不是数字",
    "{folder}: two layers for {name}: {found} and {path}; give one with --constraint {name}=FILE":
        "{folder}：{name}有两个图层：{found} 和 {path}；请用 --constraint {name}=文件 指定一个",
    "{folder}: two layers for {kind}: {found} and {path}; give one with --constraint {kind}=FILE":
        "{folder}：{kind}有两个图层：{found} 和 {path}；请用 --constraint {kind}=文件 指定一个",
    "unknown QA engine {engine!r}; expected 'local' or 'dask'":
        "无法识别的核查引擎 {engine!r}；应为 'local' 或 'dask'",
    "constraint layers (--constraint, --constraints) are not checked by the dask engine yet; use --engine local":
        "dask 引擎暂不核查管控图层（--constraint、--constraints）；请使用 --engine local",
    "no plan of {label} ({code}) to check the parcels' quotas against: give its plan with --plan PATH (plan= in Python), or --no-plan (plan=False)":
        "没有{label}（{code}）的计划，无法核对地块的计划指标：请用 --plan 路径 给出计划（Python 中用 plan=），或用 --no-plan（plan=False）",
    "the township layer has no 'name' column":
        "乡镇界线图层没有 'name' 字段",
    "a query (sql=, --sql) needs the parcels to be a postgresql:// URL":
        "查询语句（sql=、--sql）要求地块是 postgresql:// 连接地址",
    "unknown area unit {area_unit!r}; expected 公顷, 亩 or 平方米 (ha, mu, m2)":
        "无法识别的面积单位 {area_unit!r}；应为 公顷、亩 或 平方米（ha、mu、m2）",
    "{what} is empty; give one SELECT statement":
        "{what}为空；请给出一条 SELECT 语句",
    "{what} must be one SELECT statement; this is {n_stmts} statements (nothing was run)":
        "{what}只能是一条 SELECT 语句，实为 {n_stmts} 条（未执行任何语句）",
    "{what} must be a SELECT statement, not {kind} (nothing was run)":
        "{what}只能是 SELECT 语句，不能是 {kind}（未执行任何语句）",
    "{what} {bad} (nothing was run)":
        "{what}：{bad}（未执行任何语句）",
    "{what} is not valid SQL: {exc}":
        "{what}不是有效的 SQL（英文原因可用 --lang en 查看）",
    "{what} reads {value}, which calls the {kind} {value2}: not a read-only built-in or PostGIS {kind} (nothing was run)":
        "{what}读取的 {value} 调用了 {kind} {value2}：它不是只读的内置或 PostGIS {kind}（未执行任何语句）",
    "the township layer has no CRS and no area_km2 column: cannot compute densities":
        "乡镇界线图层没有坐标系，也没有 area_km2 字段：无法计算供应强度",
    "the township layer is of county {layer_code}, the plan of {label} ({code}); give {the_county_name}'s township layer (--boundaries) or --county":
        "乡镇界线图层属于县（市、区）{layer_code}，计划属于{label}（{code}）；请给出{the_county_name}的乡镇界线图层（--boundaries）或用 --county 指定",
    "the township layer has no 'name' column (columns: {items})":
        "乡镇界线图层没有 'name' 字段（现有字段：{items}）",
    "the township layer has more than one feature named {items}; dissolve them first":
        "乡镇界线图层中名为 {items} 的要素不止一个；请先将其融合为一个要素",
    "{path}: the .dbf beside the .shp is missing (expected {name})":
        "{path}：.shp 旁缺少 .dbf 文件（应为 {name}）",
    "{where}: the .dbf file is truncated (expected a dBase header)":
        "{where}：.dbf 文件不完整（缺少 dBase 文件头）",
    "{path}: not a readable zip archive (expected a zipped shapefile)":
        "{path}：不是可读取的 zip 压缩包（应为压缩的 shapefile）",
    "{path}: expected exactly one .shp in the zip archive, found {found}":
        "{path}：zip 压缩包中应恰有一个 .shp，实有 {found} 个",
    "{path}: {shps} has no .dbf beside it in the zip archive":
        "{path}：zip 压缩包中 {shps} 旁没有 .dbf 文件",
    "lang must be 'zh' or 'en', not {lang!r}":
        "语言应为 'zh' 或 'en'，不能是 {lang!r}",
    "parcels can only be checked against township boundaries; {the_county}":
        "地块只能对照乡镇界线核查；{the_county}",
    "language must be 'zh' or 'en', not {lang!r}":
        "语言应为 'zh' 或 'en'，不能是 {lang!r}",
    "{partition} is not installed: pip install 'landgis[{extra}]'":
        "未安装 {partition}：pip install 'landgis[{extra}]'",
    "{path}: the text is neither UTF-8 nor GBK/GB18030":
        "{path}：文本既不是 UTF-8 编码也不是 GBK/GB18030 编码",
    "{path}: a DXF has no coordinate system and its eastings carry no Gauss-Krüger zone number in front; say which CRS with --crs (e.g. 4526)":
        "{path}：DXF 没有坐标系，其横坐标前也没有高斯-克吕格带号；请用 --crs 指定坐标系（如 4526）",
    "{path}: no 地块 in the [地块坐标] section (a 地块 line ends with ,@)":
        "{path}：[地块坐标] 部分没有地块（地块行以 ,@ 结尾）",
    "{path}:{line}: the 地块 line says {count} 界址点, {n_points} point lines follow it":
        "{path}:{line}：地块行写明 {count} 个界址点，其后却有 {n_points} 个点行",
    "{path}: 计量单位={unit!r}; expected 米":
        "{path}：计量单位={unit!r}；应为 米",
    "{path}:{no}: some eastings (Y) carry the zone number in front and some do not":
        "{path}:{no}：部分横坐标（Y）前带带号，部分不带",
    "{path}: no such DXF file":
        "{path}：找不到该 DXF 文件",
    "{path}: no closed polylines (LWPOLYLINE/POLYLINE) to read as parcels":
        "{path}：没有可作为地块读取的闭合多段线（LWPOLYLINE/POLYLINE）",
    "{path}:{line_no}: a 地块 line needs at least 界址点数,地块面积,地块编号,地块名称 before the @; found {n_fields} fields":
        "{path}:{line_no}：地块行在 @ 之前至少应有 界址点数,地块面积,地块编号,地块名称；实有 {n_fields} 项",
    "{path}:{line_no}: 记录图形属性 is {shape!r}; only 面 (polygon) 地块 are parcels":
        "{path}:{line_no}：记录图形属性为 {shape!r}；只有“面”地块才是宗地",
    "{path}:{no}: expected the [属性描述] or [地块坐标] section first, found {line!r}":
        "{path}:{no}：应先有 [属性描述] 或 [地块坐标] 部分，实为 {line!r}",
    "{path}:{no}: a point before the first 地块 line (…,@)":
        "{path}:{no}：第一个地块行（…,@）之前出现了点",
    "{path}:{no}: expected a point 点号,地块圈号,X,Y (e.g. J1,1,2734512.10,38512300.00), found {line!r}":
        "{path}:{no}：应为点行 点号,地块圈号,X,Y（如 J1,1,2734512.10,38512300.00），实为 {line!r}",
    "{path}:{no}: expected a point 点号,地块圈号,X,Y with 圈号 ≥ 1 and finite coordinates, found {line!r}":
        "{path}:{no}：应为点行 点号,地块圈号,X,Y，圈号 ≥ 1 且坐标为有限数，实为 {line!r}",
    "{path}: 坐标系={get!r}; expected 2000国家大地坐标系, 1980西安坐标系 or 1954北京坐标系 (or give --crs)":
        "{path}：坐标系={get!r}；应为 2000国家大地坐标系、1980西安坐标系 或 1954北京坐标系（或用 --crs 指定）",
    "{path}:{no}: eastings (Y) of several zones ({items}) in one file":
        "{path}:{no}：同一文件中的横坐标（Y）属于多个带（{items}）",
    "{path}: 带号={stated} but the eastings (Y) start with zone {zone}":
        "{path}：带号={stated}，但横坐标（Y）以带号 {zone} 开头",
    "{path}: the eastings (Y) have no zone number in front and [属性描述] gives no 带号; say which CRS with --crs (e.g. 4526)":
        "{path}：横坐标（Y）前没有带号，[属性描述] 也未给出带号；请用 --crs 指定坐标系（如 4526）",
    "{path}: {exc} (first point on line {first})":
        "{path}：{exc}（第一个点在第 {first} 行）",
    "{path}:{line}: the 地块 {id!r} has no points":
        "{path}:{line}：地块 {id!r} 没有点",
    "{path}: not a readable DXF file: {items}":
        "{path}：不是可读取的 DXF 文件（英文原因可用 --lang en 查看）",
    "{path}:{no}: expected 名称=值 in [属性描述], found {line!r}":
        "{path}:{no}：[属性描述] 中应为 名称=值，实为 {line!r}",
    "{path}:{no}: expected a point 点号,地块圈号,X,Y with numbers, found {line!r}":
        "{path}:{no}：应为以数字表示的点行 点号,地块圈号,X,Y，实为 {line!r}",
    "{path}:{no}: X={x:.3f} looks like an easting with the zone in front and Y={y:.3f} like a northing; the 报部格式 has X = northing, Y = easting":
        "{path}:{no}：X={x:.3f} 像是带带号的横坐标，Y={y:.3f} 像是纵坐标；报部格式中 X 为纵坐标（北）、Y 为横坐标（东）",
    "{path}:{ring}: ring {ring2} of 地块 {id!r} has fewer than 3 distinct points":
        "{path}:{ring}：地块 {id!r} 的第 {ring2} 圈不同的点少于 3 个",
    "{path}:{line_no}: {what} {text!r} is not a number; a 地块 line reads 界址点数,地块面积,地块编号,地块名称,面,图幅号,地块用途,地类编号,@":
        "{path}:{line_no}：{what} {text!r} 不是数字；地块行格式为 界址点数,地块面积,地块编号,地块名称,面,图幅号,地块用途,地类编号,@",
    "no such file: {path}": "找不到文件：{path}",
    "{what} has no column {name!r}": "{what}没有字段 {name!r}",
}


def _lang(lang: str) -> str:
    return "en" if lang == "en" else "zh"


def _entry(key: str) -> dict[str, str]:
    value = CATALOG[key]
    while isinstance(value, str):
        value = CATALOG[value]
    return value


def text(key: str, lang: str = "zh", /, **params) -> str:
    """The catalogue's words for ``key`` in ``lang`` (``zh`` unless ``en``), ``{fields}`` filled from ``params``.

    Examples
    --------
    >>> text("sheet.count", "zh", n=3), text("sheet.count", "en", n=3)
    ('3 个', '3')
    >>> text("unit.mu", "en")
    'mu'
    """
    words = _entry(key)[_lang(lang)]
    return words.format(**_rendered(params, lang)) if params else words


def table(section: str, lang: str = "zh") -> dict[str, str]:
    """Every entry of one section (``"sheet"``, ``"qa.sheets"`` …) in ``lang``, keyed without the section.

    Examples
    --------
    >>> table("severity", "en")["info"]
    'note'
    """
    head = section + "."
    return {key[len(head):]: _entry(key)[_lang(lang)] for key in CATALOG
            if key.startswith(head) and "." not in key[len(head):]}


class Message:
    """A message for a person: rendered in either language, English when printed with ``str``.

    ``template`` is English with ``{fields}``; its Chinese is ``MESSAGES[template]``. A field whose value is a
    :class:`Message` (such as :func:`word`) is rendered in the same language.

    Examples
    --------
    >>> m = message("{what} has no column {name!r}", what=word("term.plan"), name="用途")
    >>> str(m)
    "plan has no column '用途'"
    >>> m.render("zh")
    "计划没有字段 '用途'"
    """

    __slots__ = ("template", "params", "key", "given")

    def __init__(self, template: str, params: Mapping | None = None, key: str | None = None,
                 given: Mapping[str, str] | None = None) -> None:
        self.template, self.params, self.key, self.given = template, dict(params or {}), key, given

    def render(self, lang: str = "en") -> str:
        """The message in ``lang``; a template without a Chinese translation stays English."""
        if self.given is not None:
            return self.given[_lang(lang)]
        if self.key is not None:
            return text(self.key, lang, **self.params)
        words = MESSAGES.get(self.template, self.template) if _lang(lang) == "zh" else self.template
        return words.format(**_rendered(self.params, lang))

    def __str__(self) -> str:
        return self.render("en")

    def __repr__(self) -> str:
        return f"Message({self.template!r}, {self.params!r})"

    def __add__(self, other):  # "message" + " more" keeps working for code that appends
        return str(self) + other

    def __radd__(self, other):
        return other + str(self)


def message(template: str, /, **params) -> Message:
    """An error or warning message: English ``template`` (a key of :data:`MESSAGES`) and its fields.

    Examples
    --------
    >>> message("no such file: {path}", path="a.txt").render("zh")
    '找不到文件：a.txt'
    """
    return Message(template, params)


def word(key: str, /, **params) -> Message:
    """The catalogue entry ``key`` as a field of a :class:`Message`, rendered in the message's language.

    Examples
    --------
    >>> word("term.parcel").render("zh")
    '地块'
    """
    return Message(key, params, key=key)


def either(zh: str, en: str) -> Message:
    """Words already made in both languages (a county's own line), as a field of a :class:`Message`.

    Examples
    --------
    >>> either("未提供乡镇界线图层", "no township layer").render("zh")
    '未提供乡镇界线图层'
    """
    return Message(en, given={"zh": zh, "en": en})


def _rendered(params: Mapping, lang: str) -> dict:
    """The fields in ``lang``: a message, or an error carrying one, is rendered; anything else is kept."""
    out = {}
    for k, v in params.items():
        if isinstance(v, BaseException) and v.args and isinstance(v.args[0], Message):
            v = v.args[0]
        out[k] = v.render(lang) if isinstance(v, Message) else v
    return out
