"""Error and warning messages: English template → Chinese (read through :class:`landgis.catalog.Message`)."""

from __future__ import annotations

__all__ = ["MESSAGES"]

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
    "{where}: invalid geometry repaired ({n}): {which}":
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
    "{option}: expected NAME={what}": "{option}：应为 名称={what}",
    "{option} {name}: give the layer's database as --constraint {name}=postgresql://…":
        "{option} {name}：请用 --constraint {name}=postgresql://… 给出该图层所在的数据库",
    "{option} {name}: give one table or one query for a layer, not both":
        "{option} {name}：一个图层只能给一个表或一个查询，不能两者都给",
    "--constraint, --constraints and --constraint-rules check parcels: give --parcels too":
        "--constraint、--constraints 和 --constraint-rules 用于核查地块：请同时给出 --parcels",
    "the {name} layer: a query (sql) needs a postgresql:// URL as its source":
        "{name}图层：查询（SQL）需要以 postgresql:// 地址为数据源",
    "constraint {name}: expected source, layer and sql, not {items}": "管控图层{name}：只接受数据源、图层和查询（SQL）三项，不接受 {items}",
    "constraint {name}: no source given": "管控图层{name}：未给出数据源",
    "the figures are in {figs_unit}/{figs_lang}, the map in {unit}/{lang}: compute them with the map's unit and language":
        "数字模型的单位和语言为 {figs_unit}/{figs_lang}，地图为 {unit}/{lang}：请按地图的单位和语言计算",
    "{where}: its codes are of {other} ({top}), not of {county} ({code}); give --county {top} (county= in Python), or {county}'s township layer":
        "{where}：其行政区划代码属于{other}（{top}），不属于{county}（{code}）；请给出 --county {top}（Python 中 county=），或提供{county}的乡镇界线图层",
    "the township layer is of county {layer_code}, the parcels are checked in {label} ({code}); give --county {layer_code} (county= in Python) and that county's plan, or {name}'s township layer (--boundaries)":
        "乡镇界线图层属于县 {layer_code}，地块却在{label}（{code}）核查；请给出 --county {layer_code}（Python 中 county=）及该县的计划，或提供{name}的乡镇界线图层（--boundaries）",
    # --- PostgreSQL/PostGIS: connecting, reading, writing (the server's own reason is a {reason} field)
    "statement timeout must be a number of seconds >= 0, got {seconds!r}":
        "语句超时应为不小于 0 的秒数，实为 {seconds!r}",
    "not a valid PostgreSQL connection string: {shown}: {reason}":
        "不是有效的 PostgreSQL 连接串：{shown}：{reason}",
    "not a valid PostgreSQL connection string: {shown}: {reason} (did you mean {close}?)":
        "不是有效的 PostgreSQL 连接串：{shown}：{reason}（是否是指 {close}？）",
    "cannot connect to {shown}: {reason}":
        "无法连接到 {shown}：{reason}",
    "cannot connect to {shown}: {reason} (check the password in the URL, PGPASSWORD or ~/.pgpass)":
        "无法连接到 {shown}：{reason}（请检查连接地址中的密码、PGPASSWORD 或 ~/.pgpass）",
    "{shown}: reading {what} failed: {reason}":
        "{shown}：读取{what}失败：{reason}",
    "{shown}: reading {what} failed: {reason} (--statement-timeout is {timeout:g} s; give a slow query more)":
        "{shown}：读取{what}失败：{reason}（--statement-timeout 为 {timeout:g} 秒；慢查询请给更长的时间）",
    "table {name}":
        "表 {name}",
    "the --sql query":
        "--sql 查询",
    "{shown}: geometry column {gname!r} of {what} is declared SRID {srid} but holds SRID {held}":
        "{shown}：{what}的几何字段 {gname!r} 声明为 SRID {srid}，实际存有 SRID {held}",
    "{shown}: geometry column {gname!r} of {what} mixes SRIDs {srids}; select one with --sql and ST_Transform":
        "{shown}：{what}的几何字段 {gname!r} 混有多个 SRID {srids}；请用 --sql 和 `ST_Transform` 统一为一个",
    "give either a table (--layer) or a query (--sql), not both":
        "只能给出表（--layer）或查询（--sql）之一，不能两者都给",
    "chunksize must be a positive integer, got {chunksize!r}":
        "每块行数（chunksize=）应为正整数，实为 {chunksize!r}",
    "expected a table name SCHEMA.TABLE, got {name!r}":
        "应为表名 SCHEMA.TABLE，实为 {name!r}",
    "unterminated quote in table name {name!r}":
        "表名 {name!r} 中的引号未闭合",
    "expected '.' after the quoted part of table name {name!r}":
        "表名 {name!r} 中带引号的部分之后应为“.”",
    "{shown}: say which table to read with --layer SCHEMA.TABLE (or --sql); tables with geometry: {listing}":
        "{shown}：请用 --layer SCHEMA.TABLE（或 --sql）指明要读取的表；含几何的表：{listing}",
    "{shown}: no table {table} in the database (tables with geometry: {listing})":
        "{shown}：数据库中没有表 {table}（含几何的表：{listing}）",
    "SRID {srid} is not a coordinate system landgis knows: {exc}":
        "SRID {srid} 不是 landgis 认识的坐标系（英文原因可用 --lang en 查看）",
    "{shown}: {what} has more than one column named {names}; give them distinct names (AS …)":
        "{shown}：{what}中有多个字段名为 {names}；请给它们不同的名称（AS …）",
    "{shown}: {what} has no geometry column; columns: {names}":
        "{shown}：{what}没有几何字段；字段：{names}",
    "{shown}: {what} has no geometry column (the PostGIS extension is not installed in this database); columns: {names}":
        "{shown}：{what}没有几何字段（该数据库未安装 PostGIS 扩展）；字段：{names}",
    "{what} {name!r} is longer than PostgreSQL's {limit} bytes":
        "{what} {name!r} 超过 PostgreSQL 的 {limit} 字节上限",
    "{shown}: no schema to write {table!r} into; give SCHEMA.TABLE":
        "{shown}：没有可写入 {table!r} 的模式；请给出 SCHEMA.TABLE",
    "{shown}: table {table} already exists; use --replace to replace it":
        "{shown}：表 {table} 已存在；如要替换请用 --replace",
    "{shown}: writing table {table} failed: {reason}":
        "{shown}：写入表 {table} 失败：{reason}",
    "write_findings expects a QA result (with .parcels) or a GeoDataFrame":
        "write_findings() 需要核查结果（含 .parcels）或 `GeoDataFrame`",
    "the parcels' CRS has no EPSG code PostGIS would know ({crs_name}); reproject them first":
        "地块的坐标系（{crs_name}）没有 PostGIS 能识别的 EPSG 代码；请先重新投影",
    "column names repeat: {names}":
        "字段名重复：{names}",
    "{shown}: writing table {table} failed{where}, nothing was written: {reason}":
        "{shown}：写入表 {table} 失败{where}，未写入任何内容：{reason}",
    " at parcel row {row}":
        "（地块第 {row} 行）",
    "{shown}: {what} changed its SRID while being read":
        "{shown}：{what}在读取过程中改变了 SRID",
    "rows per chunk must be a positive integer, got {rows!r}":
        "每块行数应为正整数，实为 {rows!r}",
    "{what}: {counted} rows by blocks but {n} counted":
        "{what}：按块计得 {counted} 行，但计数为 {n} 行",
    "{shown}: reading {what} failed: rows {first}–{last} gave {got} rows instead of {count}":
        "{shown}：读取{what}失败：第 {first}–{last} 行读到 {got} 行，应为 {count} 行",
    "{shown}: cannot create a table in schema {schema}: {reason}":
        "{shown}：无法在模式 {schema} 中建表：{reason}",
    "{shown}: writing the findings failed, nothing was written: {reason}":
        "{shown}：写入核查结果失败，未写入任何内容：{reason}",
    "{shown}: writing table {table} failed, nothing was written: {count} of {expected} parcels arrived":
        "{shown}：写入表 {table} 失败，未写入任何内容：{expected} 个地块中只收到 {count} 个",
    # --- synthesize (a developer's tool for test layers)
    "synthesize: {k} seats but {n} areas":
        "synthesize()：有 {k} 个驻地，却有 {n} 个面积",
    "synthesize: {k} seats but {n} shares":
        "synthesize()：有 {k} 个驻地，却有 {n} 个份额",
    "synthesize: shares must be 'thiessen', 'equal' or a list of weights, not {shares!r}":
        "synthesize()：份额（shares=）应为 `'thiessen'`、`'equal'` 或权重列表，不能是 {shares!r}",
    "synthesize: method must be 'additive' or 'power', not {method!r}":
        "synthesize()：方法（method=）应为 `'additive'` 或 `'power'`，不能是 {method!r}",
    "synthesize: seat {i} {seat} lies outside the outline":
        "synthesize()：第 {i} 个驻地 {seat} 位于轮廓之外",
    "synthesize: chosen areas sum to {given:.1f} km², the outline has {total:.1f}":
        "synthesize()：指定面积合计 {given:.1f} 平方公里，轮廓面积为 {total:.1f}",
    "synthesize: chosen areas ({given:.1f} km²) leave nothing of the outline's {total:.1f} km² for the others":
        "synthesize()：指定面积（{given:.1f} 平方公里）已占满轮廓的 {total:.1f} 平方公里，其他乡镇没有剩余",
    "synthesize: areas off by up to {err:.1%} after refitting":
        "synthesize()：重新拟合后面积仍偏差最多 {err:.1%}",
    "synthesize: township {i} cannot reach its area without losing its seat to township {j}; check the seats and the chosen areas":
        "synthesize()：第 {i} 个乡镇若要达到其面积，会把驻地让给第 {j} 个乡镇；请检查驻地和指定面积",
    # --- values of the command's options (argparse type functions)
    "expected {what} from {lo:g} to {hi:g}, got {text!r}":
        "应为 {lo:g} 到 {hi:g} 之间的{what}，实为 {text!r}",
    "expected numbers separated by commas, e.g. 1,5,10; got {text!r}":
        "应为以逗号分隔的数字，如 1,5,10；实为 {text!r}",
    "expected finite numbers separated by commas, e.g. 1,5,10; got {text!r}":
        "应为以逗号分隔的有限数字，如 1,5,10；实为 {text!r}",
    "class bounds must increase, e.g. 1,5,10; got {text!r}":
        "分级界值应递增，如 1,5,10；实为 {text!r}",
    "expected a duration such as 300, 90s, 5min or 1h (0: no limit); got {text!r}":
        "应为时长，如 300、90s、5min 或 1h（0 表示不限）；实为 {text!r}",
    "expected a duration from 1ms to 24h (0: no limit); got {text!r}":
        "时长应在 1ms 到 24h 之间（0 表示不限）；实为 {text!r}",
    # --- what a layer's coordinates look like (the hint of a missing or wrong CRS)
    "coordinates that are not finite numbers or beyond 10⁹ fit no CRS":
        "坐标不是有限数或超过 10⁹，不符合任何坐标系",
    "longitude/latitude degrees: CGCS2000 (EPSG:4490) or WGS-84 (EPSG:4326)":
        "经纬度（度）：CGCS2000（EPSG:4490）或 WGS-84（EPSG:4326）",
    "Gauss-Krüger 3° zone {zone} with zone prefix on CGCS2000 (EPSG:{epsg}, central meridian {cm}°E)":
        "CGCS2000 高斯-克吕格 3 度带第 {zone} 带、横坐标带带号（EPSG:{epsg}，中央经线 {cm}°E）",
    "Gauss-Krüger 6° zone {zone} with zone prefix on CGCS2000 (EPSG:{epsg}, central meridian {cm}°E)":
        "CGCS2000 高斯-克吕格 6 度带第 {zone} 带、横坐标带带号（EPSG:{epsg}，中央经线 {cm}°E）",
    "Gauss-Krüger eastings without zone prefix (CGCS2000 3° zones are EPSG:4534–4554); near {lon:.2f}°E that is EPSG:{epsg} (central meridian {cm}°E)":
        "不带带号的高斯-克吕格横坐标（CGCS2000 3 度带为 EPSG:4534–4554）；在 {lon:.2f}°E 附近即 EPSG:{epsg}（中央经线 {cm}°E）",
    "Gauss-Krüger eastings without zone prefix: one of CGCS2000 3° zones EPSG:4534–4554 (or 6° zones EPSG:4502–4512); the zone cannot be read from the coordinates":
        "不带带号的高斯-克吕格横坐标：CGCS2000 3 度带 EPSG:4534–4554 之一（或 6 度带 EPSG:4502–4512）；无法从坐标读出带号",
    "metres, but no Gauss-Krüger pattern; possibly Web Mercator (EPSG:3857)":
        "以米为单位，但不符合高斯-克吕格坐标的特征；可能是网络墨卡托（EPSG:3857）",
    "coordinates fit no known CRS pattern":
        "坐标不符合任何已知坐标系的特征",
    "its coordinates fit no known CRS ({guess}); pass --crs EPSG":
        "其坐标不符合任何已知坐标系（{guess}）；请用 --crs 给出 EPSG 代码",
    "its coordinates fit no known CRS ({guess}); pass --crs to override the .prj with EPSG":
        "其坐标不符合任何已知坐标系（{guess}）；请用 --crs 给出 EPSG 代码以取代 .prj",
    "its coordinates look like {guess} (if the layer is near {county}); pass --crs {epsg}":
        "其坐标像是{guess}（如果图层在{county}附近）；请用 --crs {epsg}",
    "its coordinates look like {guess} (if the layer is near {county}); pass --crs to override the .prj with {epsg}":
        "其坐标像是{guess}（如果图层在{county}附近）；请用 --crs {epsg} 取代 .prj",
    "its coordinates look like {guess}; pass --crs {epsg}":
        "其坐标像是{guess}；请用 --crs {epsg}",
    "its coordinates look like {guess}; pass --crs to override the .prj with {epsg}":
        "其坐标像是{guess}；请用 --crs {epsg} 取代 .prj",
    "figures of land with no plan named (no 供应计划, 计划供应, 拟供应 …)":
        "未提及任何计划的用地数字（文中没有“供应计划”“计划供应”“拟供应”等字样）",
    "{n} page(s) of the run were left without their web font":
        "本次运行有 {n} 个页面未填入网页字体",
}
