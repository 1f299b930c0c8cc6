"""The ``landgis`` command's help, in Chinese and English (part of :data:`landgis.catalog.CATALOG`).

``landgis --help`` and ``landgis <command> --help`` are said in the command line's language (Chinese unless
``--lang en``): every option's help, every group's title and argparse's own words (usage, options …) are
entries here, read by :func:`landgis.cli_options.helped`. Option names, metavars and choices stay as typed;
the examples keep the values a user's own files hold (field names such as 乡镇名称, county names).
"""

from __future__ import annotations

__all__ = ["HELP"]

#: Entries as in :data:`landgis.catalog.words.CATALOG` (a value that is a key names that key's words).
HELP: dict[str, dict[str, str] | str] = {
    # --- argparse's own words
    'help.usage': {"zh": '用法：', "en": 'usage: '},
    'help.positionals': {"zh": '位置参数', "en": 'positional arguments'},
    'help.options': {"zh": '选项', "en": 'options'},
    'help.help': {"zh": '显示本帮助并退出', "en": 'show this help message and exit'},
    'help.version': {"zh": '显示版本号并退出', "en": "show program's version number and exit"},
    'help.lang': {"zh": '帮助、提示和输出的语言（默认 zh 中文；也可写在命令之后）',
                  "en": 'language of the help, the messages and the outputs (default zh; also after the command)'},
    # --- the command and its subcommands
    'help.landgis': {"zh": '由土地供应计划生成专题图、核查结果和图集。',
                     "en": 'Maps, checks and atlases from Chinese land supply plans.'},
    'help.plan': {"zh": '解析土地供应计划并核对其中的数字', "en": 'parse a land supply plan and check its figures'},
    'help.map': {"zh": '出版级专题图（PNG、SVG、PDF）', "en": 'print-quality thematic maps (PNG, SVG, PDF)'},
    'help.web': {"zh": '交互式网页地图（单个 HTML 文件，可离线打开）',
                 "en": 'interactive HTML map, self-contained and offline'},
    'help.qa': {"zh": '地块空间核查：对照乡镇界线与供应计划', "en": 'spatial QA of parcels against townships and the plan'},
    'help.atlas': {"zh": '生成完整图集及其 HTML 报告', "en": 'build the whole atlas and its HTML report'},
    # --- options several commands share (cli_options.py)
    'help.common.county': {
        "zh": '所在县（按区县编制的计划则为地级市）：441224、怀集县、肇庆市怀集县、佛山市；默认为计划中写明的县',
        "en": 'the county (or city, for a plan by district): 441224, 怀集县, 肇庆市怀集县, 佛山市; '
              'default: the county the plan names',
    },
    'help.common.boundaries_group': {"zh": '乡镇界线（默认：本县随附的界线图层，如有）',
                                     "en": 'township boundaries (default: the layer shipped for the county, if any)'},
    'help.common.boundaries': {"zh": '乡镇界线图层：Shapefile（.shp 或 .zip）、GeoPackage、GeoJSON 或 KML',
                               "en": 'township layer: Shapefile (.shp or .zip), GeoPackage, GeoJSON or KML'},
    'help.common.boundary_layer': {"zh": '界线 GeoPackage 中的图层（默认：其唯一的面图层）',
                                   "en": 'layer of the boundary GeoPackage (default: its only polygon layer)'},
    'help.common.name_field': {"zh": '乡镇名称字段（可自动识别：XZQMC、乡镇名称、NAME …）',
                               "en": 'field with the township name (found by itself: XZQMC, 乡镇名称, NAME …)'},
    'help.common.code_field': {"zh": '乡镇代码字段（可自动识别：XZQDM …）',
                               "en": 'field with the township code (found by itself: XZQDM …)'},
    'help.common.boundary_crs': {"zh": '图层未带坐标系时的坐标系，如 4490 或 4525（高斯-克吕格 3 度带第 37 带）',
                                 "en": 'CRS of a layer that has none, e.g. 4490 or 4525 (Gauss-Krüger zone 37)'},
    'help.common.gcj02': {"zh": '图层是在高德、腾讯（GCJ-02）底图上勾绘的',
                          "en": 'the layer was digitised on an Amap or Tencent (GCJ-02) basemap'},
    'help.common.statement_timeout': {
        "zh": '读取 PostGIS 时单条语句的最长运行时间，如 90s、5min、1h（默认 5min；0 为不限）',
        "en": 'longest a statement reading PostGIS may run, e.g. 90s, 5min, 1h (default 5min; 0: no limit)',
    },
    'help.common.plan_file': {"zh": '计划文件（默认：随附的样例计划）', "en": 'plan file (default: the shipped seed plan)'},
    'help.common.date_field': {
        "zh": '供地日期字段，用于统计计划执行情况（可自动识别：供地日期、签订日期 …）',
        "en": "supply date column for the plan's execution (found by itself: 供地日期, 签订日期 …)",
    },
    'help.common.method_field': {
        "zh": '供应方式字段，用于统计计划执行情况（可自动识别：供地方式、出让方式 …）',
        "en": "supply method column for the plan's execution (found by itself: 供地方式, 出让方式 …)",
    },
    # --- landgis plan
    'help.plan.description': {
        "zh": '读取土地供应计划（.txt 为 UTF-8 或 GB18030 编码，.docx，带文字层的 .pdf），打印其乡镇 × 用地类型表及对不上的数字。',
        "en": "Read a land supply plan (.txt UTF-8/GB18030, .docx, .pdf with text), print its township × category "
              "table and what does not add up.",
    },
    'help.plan.unit': {"zh": '表格单位：ha 公顷（默认）、mu 亩、m2 平方米', "en": 'unit of the table: ha (default), mu or m2'},
    'help.plan.json': {"zh": '以 JSON 打印计划和核对结果（数字不舍入）',
                       "en": 'print the plan and findings as JSON (exact numbers)'},
    'help.plan.out': {"zh": '同时把表格写入 CSV 或 XLSX 文件', "en": 'also write the table to a CSV or XLSX file'},
    'help.plan.verbose': {"zh": '同时列出读到但未计入的面积数字（其他年度、季度 …）',
                          "en": 'also list the area figures that were read and set aside (other years, quarters …)'},
    'help.plan.ledger': {"zh": '列出文本中每个面积数字：所在行、前后原文及其去向',
                         "en": 'list every area figure of the text: its line, the text around it and what it became'},
    'help.plan.lang': {"zh": '核对结果的语言（默认 zh 中文）', "en": 'language of the findings (default zh)'},
    # --- landgis map
    'help.map.description': {
        "zh": '各用地类型、供应总量和各乡镇供应强度的分级设色图（A4，300 dpi 的 PNG，以及 SVG、PDF），'
              '另有各类用地一览图和分乡镇堆积条形图。',
        "en": 'Choropleths of each category, the total and the density per township (A4, 300 dpi PNG, SVG, PDF), '
              'a small-multiples sheet and a stacked bar chart.',
    },
    'help.map.category': {
        "zh": "只制这一类用地的图（可重复；也可为 'total' 总量、'density' 强度）；默认为全部。"
              "除非给出 --extras，只写出这些图",
        "en": "map only this category (repeatable; also 'total', 'density'); default: all of them. "
              "Only those maps are written unless --extras is given",
    },
    'help.map.scheme': {"zh": '分级方法（默认 natural_breaks，即费希尔-詹克斯自然断点法）',
                        "en": 'classification (default natural_breaks, i.e. Fisher-Jenks)'},
    'help.map.k': {"zh": '分级数，2–9（默认：按数据取 3–5）', "en": 'number of classes, 2–9 (default: 3–5 by the data)'},
    'help.map.breaks': {"zh": '自定分级的各级上限，单位同 --unit，如 1,5,10',
                        "en": 'user class upper bounds in --unit, e.g. 1,5,10'},
    'help.map.unit': {"zh": 'ha 公顷（默认）、mu 亩或 m2 平方米；供应强度一律为公顷/平方公里',
                      "en": 'ha (default), mu or m2; densities are always ha/km²'},
    'help.map.format': {"zh": '输出格式（默认三种都写）', "en": 'output formats (default: all three)'},
    'help.map.dpi': {"zh": 'PNG 分辨率，50–1200（默认 300）', "en": 'PNG resolution, 50–1200 (default 300)'},
    'help.map.lang': {"zh": '各图和提示的语言（默认 zh 中文）', "en": 'language of the maps and messages (default zh)'},
    'help.map.extras': {"zh": '与 --category 同用时，也写出各类用地一览图和条形图',
                        "en": 'also write the small-multiples sheet and the bar chart with --category'},
    'help.map.no_extras': {"zh": '不写各类用地一览图和条形图', "en": 'skip the small-multiples sheet and the bar chart'},
    'help.map.out': {"zh": '输出文件夹（默认 maps/）', "en": 'output folder (default: maps)'},
    # --- landgis web
    'help.web.file': {"zh": '计划文本（默认：随附的样例计划）', "en": 'plan text (default: the shipped seed plan)'},
    'help.web.out': {"zh": '写到哪里（默认 landgis_web.html；用 --fragment 时为 landgis_web_fragment.html）',
                     "en": 'where to write (default: landgis_web.html, or landgis_web_fragment.html with --fragment)'},
    'help.web.basemap': {"zh": '瓦片底图（默认 none：无底图，可离线使用）；amap（高德）会把地图转换到 GCJ-02',
                         "en": 'tile basemap (default none: works offline); amap (Amap) shifts the map to GCJ-02'},
    'help.web.tianditu_key': {"zh": '你的天地图密钥，用于 --basemap tianditu',
                              "en": 'your Tianditu key, for --basemap tianditu'},
    'help.web.fragment': {"zh": '写出可嵌入其他网页的 <div> 及其脚本，而非整页',
                          "en": 'write a <div> with its scripts to embed in another page, not a whole page'},
    'help.web.unit': {"zh": '公顷（ha，默认）、亩（mu）或平方米（m2）', "en": 'hectares (ha, default), mu or m² (m2)'},
    'help.web.lang': {"zh": '地图和提示的语言（默认 zh 中文）', "en": 'language of the map and messages (default zh)'},
    # --- landgis qa
    'help.qa.description': {
        "zh": '核查地块：是否在县界内、是否在申报的乡镇内、是否跨乡镇，几何、编号、面积、坐标；'
              '并按乡镇 × 用地类型对照计划核对其面积。',
        "en": 'Check parcels: inside the county, in the township they are booked under, straddling, geometry, ids, '
              'areas, coordinates; and their area per township × category against the plan.',
    },
    'help.qa.parcels': {
        "zh": 'GeoPackage、Shapefile、GeoJSON、GeoParquet、带坐标列的 CSV/XLSX，或 postgresql://…（配合 --layer 或 --sql）',
        "en": 'GeoPackage, Shapefile, GeoJSON, GeoParquet, CSV/XLSX with coordinate columns, or postgresql://… '
              '(with --layer or --sql)',
    },
    'help.qa.plan': {
        "zh": '土地供应计划（.txt/.docx/.pdf/.html/.xlsx；默认为样例计划，仅适用于其所在县：'
              '用 --county 指定其他县时请给出该县的计划）',
        "en": "land supply plan (.txt/.docx/.pdf/.html/.xlsx; default: the seed plan, for its county only: with "
              "--county of another county give that county's plan)",
    },
    'help.qa.no_plan': {"zh": '不对照计划核对面积', "en": 'skip the quota reconciliation'},
    'help.qa.out': {"zh": '输出文件夹：在其旁边生成后整体替换（默认 ./qa）',
                    "en": 'output folder, built beside it and swapped in whole (default: ./qa)'},
    'help.qa.parcel_group': {"zh": '地块文件', "en": 'parcel file'},
    'help.qa.layer': {"zh": 'GeoPackage 的图层、工作簿的工作表，或 PostGIS 中的 SCHEMA.TABLE',
                      "en": 'layer of a GeoPackage, sheet of a workbook, or SCHEMA.TABLE in PostGIS'},
    'help.qa.crs': {"zh": '文件未带坐标系时地块坐标的坐标系；投影坐标 x/y 必须给出，如 4526',
                    "en": "CRS of the parcels' coordinates when the file has none; projected x/y need it, e.g. 4526"},
    'help.qa.x_field': {"zh": '表格的 x 或经度列', "en": 'x/longitude column of a table'},
    'help.qa.y_field': {"zh": '表格的 y 或纬度列', "en": 'y/latitude column of a table'},
    'help.qa.id_field': {"zh": '地块编号列（可自动识别：地块编号、宗地编号、编号 …）',
                         "en": 'parcel id column (found by itself: 地块编号, 宗地编号, 编号 …)'},
    'help.qa.township_field': {"zh": '申报乡镇列（所属乡镇、乡镇 …）', "en": 'declared township column (所属乡镇, 乡镇 …)'},
    'help.qa.category_field': {"zh": '用地类型列（用地类型、用途 …）', "en": 'land-use category column (用地类型, 用途 …)'},
    'help.qa.area_field': {"zh": '申报面积列（面积、用地面积 …）', "en": 'stated area column (面积, 用地面积 …)'},
    'help.qa.area_unit': {"zh": '面积列的单位（默认：取自表头，否则按图形面积推断）',
                          "en": 'unit of the area column (default: from its header, else guessed from the polygons)'},
    'help.qa.area_tolerance': {"zh": '申报面积与图形面积相差多少时提示（默认 0.05，即 5%）',
                               "en": 'stated vs geometry area difference to flag (default 0.05 = 5%)'},
    'help.qa.overlap_tolerance': {"zh": '两宗地块重叠多少平方米时提示（默认 1）',
                                  "en": 'overlap between two parcels to flag, in square metres (default 1)'},
    'help.qa.postgis_group': {
        "zh": 'PostGIS（PARCELS 为 postgresql:// 连接串；表用 --layer SCHEMA.TABLE 指定）',
        "en": 'PostGIS (PARCELS is a postgresql:// URL; the table with --layer SCHEMA.TABLE)',
    },
    'help.qa.sql': {"zh": '用这一条 SELECT 读取地块（先经检查；只读执行）',
                    "en": 'read the parcels with this one SELECT (checked first; runs read-only)'},
    'help.qa.write_back': {"zh": '把核查问题写入这张表', "en": 'write the findings to this table'},
    'help.qa.replace': {"zh": '--write-back 的表已存在时替换它', "en": 'replace the --write-back table if it exists'},
    'help.qa.engine_group': {"zh": '计算引擎', "en": 'engine'},
    'help.qa.engine': {
        "zh": 'local（默认）或 dask：在 dask.distributed 集群上分块计算，结果为分块的 GeoParquet'
              '（parcels.parquet/、findings.parquet/）',
        "en": 'local (default) or dask: partitions on a dask.distributed cluster, results as partitioned '
              'GeoParquet (parcels.parquet/, findings.parquet/)',
    },
    'help.qa.scheduler': {
        "zh": '正在运行的 dask 调度器地址（--engine dask 时默认在本机起一个集群）；其工作进程须能访问 --out 所在的文件夹',
        "en": 'address of a running dask scheduler (default with --engine dask: a local cluster); its workers must '
              'see the folder --out is in',
    },
    'help.qa.partition_rows': {"zh": '每个 dask 分块的行数（限制每个工作进程的内存；默认 200000）',
                               "en": "rows per dask partition (bounds each worker's memory; default 200000)"},
    'help.qa.fail_on': {"zh": '存在该级别（或更严重）的核查问题时以状态码 1 退出',
                        "en": 'exit with status 1 when findings of this severity (or worse) exist'},
    'help.qa.no_map': {"zh": '不写 qa_map.html', "en": 'do not write qa_map.html'},
    'help.qa.quiet': {"zh": '不显示进度条', "en": 'no progress bar'},
    'help.qa.lang': {"zh": '打印内容和核查文件的语言（默认 zh 中文）',
                     "en": 'language of the printed lines and the QA files (default zh)'},
    'help.qa.unit': {"zh": '核查表格中面积的单位：公顷（ha，默认）、亩（mu）或平方米（m2）',
                     "en": 'unit of the areas in the QA tables: hectares (ha, default), mu or m² (m2)'},
    'help.qa.out_crs': {"zh": 'parcels.gpkg 的坐标系，如 4490（默认：地块自身的坐标系）',
                        "en": "CRS of parcels.gpkg, e.g. 4490 (default: the parcels' own)"},
    # --- constraint layers (三区三线), for qa and atlas
    'help.constraints.group': {"zh": '三区三线等管控图层', "en": 'constraint layers'},
    'help.constraints.constraint': {
        "zh": '一个管控图层，如 永久基本农田=YJJBNT.shp（可重复；名称任意，在 --constraint-rules 中有规则的按规则核查，否则只量算）',
        "en": 'a constraint layer, e.g. 永久基本农田=YJJBNT.shp (repeatable; any name, with a rule in '
              '--constraint-rules, else measured only)',
    },
    'help.constraints.table': {"zh": '配合 --constraint NAME=postgresql://…：该图层在 PostGIS 中的表（可重复）',
                               "en": 'with --constraint NAME=postgresql://…: the PostGIS table of that layer (repeatable)'},
    'help.constraints.sql': {
        "zh": '配合 --constraint NAME=postgresql://…：读取该图层的一条 SELECT（先经检查；只读执行）',
        "en": 'with --constraint NAME=postgresql://…: one SELECT reading that layer (checked; runs read-only)',
    },
    'help.constraints.folder': {"zh": '存放管控图层的文件夹，按名称识别（YJJBNT、STBHHX、CZKFBJ、永久基本农田 …）',
                                "en": 'a folder of constraint layers recognised by name (YJJBNT, STBHHX, CZKFBJ, 永久基本农田 …)'},
    'help.constraints.rules': {
        "zh": 'JSON 规则文件，格式同 landgis/data/constraint_rules.json（默认：与永久基本农田或生态保护红线重叠为错误；'
              '住宅、商服、工矿用地在城镇开发边界外为警告）',
        "en": 'JSON rules like landgis/data/constraint_rules.json (default: overlap with the permanent basic '
              'farmland or the ecological red line is an error; housing, commerce or industry outside the urban '
              'development boundary a warning)',
    },
    # --- landgis atlas
    'help.atlas.description': {
        "zh": '一份计划的全部地图、表格和核查，附单文件 HTML 报告（index.html）和清单。'
              '不带参数时：把样例计划的图集写入 maps/。',
        "en": "Every map, table and check for one plan, with a self-contained HTML report (index.html) and a "
              "manifest. With no argument: the seed plan's atlas into maps/.",
    },
    'help.atlas.plan': {"zh": '计划文件（.txt、.docx、.pdf、.html、.xlsx）；默认：随附的样例计划',
                        "en": 'plan file (.txt, .docx, .pdf, .html, .xlsx); default: the shipped seed plan'},
    'help.atlas.parcels': {
        "zh": '要核查的地块（GeoPackage、Shapefile、GeoJSON、CSV/XLSX，或 postgresql://… 配合 --parcel-layer SCHEMA.TABLE）',
        "en": 'parcels to check (GeoPackage, Shapefile, GeoJSON, CSV/XLSX, or postgresql://… with --parcel-layer '
              'SCHEMA.TABLE)',
    },
    'help.atlas.parcel_layer': {"zh": '地块 GeoPackage 的图层、工作簿的工作表或 PostGIS 中的 SCHEMA.TABLE',
                                "en": 'layer of the parcel GeoPackage, sheet of the workbook or SCHEMA.TABLE in PostGIS'},
    'help.atlas.out': {"zh": '图集文件夹（默认 maps/县名-年份）',
                       "en": 'atlas folder (default: maps/<county>-<year>)'},
    'help.atlas.unit': {"zh": '地图和表格的单位（默认 ha 公顷）', "en": 'unit of maps and tables (default: ha)'},
    'help.atlas.lang': {"zh": '报告的语言（默认 zh 中文）', "en": 'language of the report (default: zh)'},
    'help.atlas.format': {"zh": '静态地图格式，以逗号分隔（默认 png,svg,pdf）',
                          "en": 'static map formats, comma-separated (default: png,svg,pdf)'},
}
