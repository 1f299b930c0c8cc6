"""The sentences of the QA findings and GEOS's reasons, in Chinese and English (part of :data:`landgis.catalog.CATALOG`).

The checks record each finding's Chinese sentence with its numbers; :mod:`landgis.qa.messages` re-words it from
these for ``--lang`` and ``--unit``.
"""

from __future__ import annotations

__all__ = ["FINDINGS"]

#: Entries as in :data:`landgis.catalog.words.CATALOG` (a value that is a key names that key's words).
FINDINGS: dict[str, dict[str, str] | str] = {
    # --- QA finding sentences (qa/messages.py): the checks record the Chinese; these re-word it for --lang/--unit
    'qa.finding.area_mismatch': {"zh": '填报面积 {stated} 与图形面积 {geometry} 相差 {relative}（容差 {tolerance}）', "en": 'stated area {stated} differs from the drawn area {geometry} by {relative} (tolerance {tolerance})'},
    'qa.finding.implausible_area': {"zh": '填报面积 {stated} 不合理（应大于 0、不超过 {max}），未计入指标核算，改按图形面积计', "en": 'stated area {stated} is not plausible (must be above 0 and at most {max}); the drawn area is counted instead'},
    'qa.finding.quota_over': {"zh": '{township}{category}超出计划：按实际位置，地块 {booked}（{parcels}），计划 {allocated}，超出 {difference}', "en": '{township} {category} over the plan: by location, parcels {booked} ({parcels}), planned {allocated}, over by {difference}'},
    'qa.finding.quota_under': {"zh": '{township}{category}尚未用足：按实际位置，地块 {booked}（{parcels}），计划 {allocated}，剩余 {remaining}', "en": '{township} {category} not used up: by location, parcels {booked} ({parcels}), planned {allocated}, {remaining} left'},
    'qa.finding.category_not_in_plan': {"zh": '{township}{category}：计划未安排该类用地，地块已占 {booked}（{parcels}）', "en": '{township} {category}: not in the plan, parcels take {booked} ({parcels})'},
    'qa.finding.constraint_overlap': {"zh": '与{constraint}重叠 {overlap}（占地块面积 {share}；图斑 {features}）', "en": 'overlaps {constraint} by {overlap} ({share} of the parcel; features {features})'},
    'qa.finding.outside_constraint': {"zh": '有 {outside} 位于{constraint}外（占地块面积 {share}）', "en": '{outside} lies outside {constraint} ({share} of the parcel)'},
    'qa.finding.parcels': {"zh": '{n} 宗', "en": '{n} parcels'},
    'qa.finding.parts': {"zh": '仅有跨乡镇地块的一部分', "en": 'only parts of parcels lying mainly elsewhere'},
    'qa.finding.sep': 'word.join',  # 、/ ,
    'qa.finding.more': {"zh": ' 等 {n} 个图斑', "en": ' … {n} in all'},
    'qa.finding.missing_geometry': {"zh": '缺少几何（无坐标或坐标无法读取）', "en": 'no geometry (no coordinates, or coordinates that cannot be read)'},
    'qa.finding.empty_geometry': 'kind.empty_geometry',
    'qa.finding.invalid_geometry': {"zh": '几何无效：{reason}（已按修复后的几何检查）', "en": 'invalid geometry: {reason} (checked as repaired)'},
    'qa.finding.outside_county': {"zh": '位于县（市）界外，不在任何乡镇内', "en": 'outside the county: in no township'},
    'qa.finding.partly_outside_county': {"zh": '地块有 {share} 的面积位于县（市）界外', "en": "{share} of the parcel's area lies outside the county"},
    'qa.finding.straddles_townships': {"zh": '地块跨乡镇界线：{shares}', "en": 'the parcel straddles townships: {shares}'},
    'qa.finding.missing_township': {"zh": '未填写所属乡镇', "en": 'no township given'},
    'qa.finding.unknown_township': {"zh": '所属乡镇“{name}”不在乡镇图层中{hint}', "en": 'township “{name}” is not in the township layer{hint}'},
    'qa.finding.did_you_mean': {"zh": '；是否为{items}？', "en": '; did you mean {items}?'},
    'qa.finding.township_mismatch': {"zh": '申报位于{declared}，实际位于{found}', "en": 'declared in {declared}, lies in {found}'},
    'qa.finding.township_mismatch_shares': {"zh": '申报位于{declared}，实际主要位于{found}（{share_found}），在{declared}内的面积占 {share_declared}', "en": 'declared in {declared}, lies mainly in {found} ({share_found}); {share_declared} of its area lies in {declared}'},
    'qa.finding.missing_category': {"zh": '未填写用地类型', "en": 'no category given'},
    'qa.finding.unknown_category': {"zh": '用地类型“{name}”无法识别{hint}', "en": 'category “{name}” is not recognised{hint}'},
    'qa.finding.unreadable_area': {"zh": '面积“{value}”不是数字', "en": 'area “{value}” is not a number'},
    'qa.finding.duplicate_id': {"zh": '编号“{pid}”重复：共 {n} 个地块（第 {where} 行）', "en": 'id “{pid}” is used by {n} parcels (rows {where})'},
    'qa.finding.duplicate_geometry': {"zh": '几何完全相同的地块共 {n} 个（第 {where} 行）', "en": '{n} parcels have the same geometry (rows {where})'},
    'qa.finding.rows_more': {"zh": '等；名单见 finding_groups.csv', "en": ' …; all are listed in finding_groups.csv'},
    'qa.finding.overlap_inside': {"zh": '位于地块 {other} 内：重叠 {area}，占本地块 {share}', "en": 'lies inside parcel {other}: overlap {area}, {share} of this parcel'},
    'qa.finding.overlap_contains': {"zh": '包含地块 {other}：重叠 {area}，占本地块 {share}', "en": 'contains parcel {other}: overlap {area}, {share} of this parcel'},
    'qa.finding.overlap_partial': {"zh": '与地块 {other} 部分重叠：重叠 {area}，占本地块 {share}、占对方 {other_share}', "en": 'overlaps parcel {other} in part: overlap {area}, {share} of this parcel, {other_share} of the other'},
    'qa.finding.overlap_many': {"zh": '与 {n} 个地块重叠（{shown}等；名单见 finding_groups.csv），重叠合计 {area}', "en": 'overlaps {n} parcels (all are listed in finding_groups.csv), {area} in all'},
    'qa.finding.overlap_area': {"zh": '{m2} 平方米（{area}）', "en": '{m2} m² ({area})'},
    'qa.finding.swapped_coordinates': {"zh": '经纬度疑似颠倒：（{x}, {y}）不在中国境内，互换后为 {lon}°E, {lat}°N{where}', "en": 'longitude and latitude look swapped: ({x}, {y}) is outside China; swapped, it is {lon}°E, {lat}°N{where}'},
    'qa.finding.gauss_kruger_as_degrees': {"zh": '坐标（{x}, {y}）是高斯-克吕格投影坐标（米），却被当作经纬度读入；按 EPSG:{epsg}{flipped} 换算为 {lon}°E, {lat}°N{where}', "en": 'coordinates ({x}, {y}) are Gauss-Krüger metres read as degrees; as EPSG:{epsg}{flipped} they are {lon}°E, {lat}°N{where}'},
    'qa.finding.xy_swapped': {"zh": ' 并互换 X/Y', "en": ' (X/Y swapped)'},
    'qa.finding.outside_china': {"zh": '坐标（{x}, {y}）不在中国境内，疑似坐标系错误', "en": 'coordinates ({x}, {y}) are outside China: a wrong coordinate system?'},
    'qa.finding.outside_china_as': {"zh": '按 {crs} 解释，坐标（{x}, {y}）位于 {lon}°E, {lat}°N，不在中国境内，疑似坐标系错误', "en": 'read as {crs}, coordinates ({x}, {y}) lie at {lon}°E, {lat}°N, outside China: a wrong coordinate system?'},
    'qa.finding.lands_in': {"zh": '，落在{township}', "en": ', in {township}'},
    'qa.finding.still_outside': {"zh": '，仍在县界外', "en": ', still outside the county'},
    # --- GEOS's reasons for an invalid geometry (shapely.is_valid_reason), keyed by GEOS's English (qa/labels.py)
    'geos.Self-intersection': {"zh": '自相交', "en": 'self-intersection'},
    'geos.Ring Self-intersection': {"zh": '环自相交', "en": 'ring self-intersection'},
    'geos.Hole lies outside shell': {"zh": '内环位于外环之外', "en": 'hole lies outside the shell'},
    'geos.Holes are nested': {"zh": '内环相互嵌套', "en": 'holes are nested'},
    'geos.Interior is disconnected': {"zh": '内部不连通', "en": 'interior is disconnected'},
    'geos.Nested shells': {"zh": '外环相互嵌套', "en": 'nested shells'},
    'geos.Duplicate Rings': {"zh": '环重复', "en": 'duplicate rings'},
    'geos.Too few points in geometry component': {"zh": '点数过少', "en": 'too few points in a part'},
    'geos.Too few distinct points in geometry component': {"zh": '不同的点数过少', "en": 'too few distinct points in a part'},
    'geos.Invalid Coordinate': {"zh": '坐标无效', "en": 'invalid coordinate'},
    'geos.Ring is not closed': {"zh": '环未闭合', "en": 'ring not closed'},
    'geos.Repeated Point': {"zh": '重复点', "en": 'repeated point'},
    'geos.Topology Validation Error': {"zh": '拓扑错误', "en": 'topology validation error'},
    # --- The QA map (render/qa_map.py): its title, layers, legend, popups and footnotes
    'qa.map.title': {"zh": '地块质检', "en": 'Parcel QA'},
    'qa.map.title_of': {"zh": '地块质检：{name}', "en": 'Parcel QA: {name}'},
    'qa.map.declared': {"zh": '申报乡镇', "en": 'Declared township'},
    'qa.map.found': {"zh": '所在乡镇', "en": 'Lies in'},
    'qa.map.category': 'report.category',
    'qa.map.townships': {"zh": '乡镇', "en": 'Townships'},
    'qa.map.labels': 'web.labels',
    'qa.map.parcels': {"zh": '地块', "en": 'Parcels'},
    'qa.map.legend': {"zh": '最严重问题', "en": 'Worst finding'},
    'qa.map.legend_item': {"zh": '{label}（{n} 宗）', "en": '{label} ({n})'},
    'qa.map.no_geometry': {"zh": '{n} 宗地块无可用几何（缺失、为空或坐标不在中国境内），未上图，详见 findings.csv', "en": '{n} parcels have no usable geometry (missing, empty or outside China) and are not drawn; see findings.csv'},
    'qa.map.hidden': {"zh": '另有 {n} 宗地块（问题最轻者）未上图，详见 parcels.gpkg', "en": '{n} more parcels (those with the least serious findings) are not drawn; see parcels.gpkg'},
    'qa.map.quota': {"zh": '指标超出 {n} 项，详见 quota.csv', "en": '{n} quota cells over the plan; see quota.csv'},
    # --- the three standard constraint layers (三区三线), glossed in English after their Chinese name
    'qa.constraint.glossed': {"zh": '{name}', "en": '{name} ({gloss})'},
    'qa.constraint.gloss.永久基本农田': {"zh": '永久基本农田', "en": 'permanent basic farmland'},
    'qa.constraint.gloss.生态保护红线': {"zh": '生态保护红线', "en": 'ecological protection red line'},
    'qa.constraint.gloss.城镇开发边界': {"zh": '城镇开发边界', "en": 'urban development boundary'},
}
