"""The input problems in Chinese: what ``problems.csv`` and the report's data notes say.

The same keys and fields as :mod:`coverage.i18n.problems_en` (see there);
:mod:`coverage.i18n.zh` merges these words into its catalogue.
"""

from __future__ import annotations

__all__ = ["WORDS"]

WORDS: dict[str, str] = {
    "problem.audit.near_no_district": "{n} 行不在任何被普查的区附近，任何区的结果都不含这些行（第 {rows} 行）；若它们应当计入，请检查其坐标",
    # --- Rows and cells
    "problem.missing_geometry": "缺少几何位置",
    "problem.missing_lon": "缺少经度",
    "problem.missing_lat": "缺少纬度",
    "problem.totals_row": "合计行，不是地点",
    "problem.formula_no_value": "公式 {formula} 没有保存的计算结果：请用 Excel/WPS 打开并保存该文件",
    "problem.not_a_number": "不是数字：“{value}”",
    "problem.ambiguous_number": (
        "“{text}”有歧义：逗号作小数点时为 {dec}，作千位分隔符时为 {thou}；请写成 {dec} 或 {thou}"
    ),
    "problem.value_left_empty": "；该值留空",
    "problem.no_weight_column": "没有权重列：每个需求点计为 1",
    "problem.missing_weight": "缺少权重",
    "problem.weight_not_positive": "权重必须为正数，实际为 {v:g}",
    "problem.weight_too_large": "权重 {v:g} 超过一个点可能的人数（至多 {most:,.0f}）：应是填充值或录入错误",
    "problem.capacity_not_positive": "容量应为正数，实际为 {v:g}",
    "problem.missing_tier": "缺少层级",
    "problem.unknown_tier": "未知层级“{value}”",
    "problem.allowed": "（可用：{values}）",
    "problem.missing_tier_known": "缺少层级（已知：{known}）",
    "problem.unknown_service": "未知服务项目 {names}，已忽略（已知：{known}）",
    "problem.unknown_services": "未知服务项目 {names}，已忽略（已知：{known}）",
    "problem.services_joined": (
        "{n} 行的服务项目以空格或斜杠连接，但并非都是已知服务：{names}（行 {rows}）；"
        "均按原文计为一项服务。要分开统计，请用 ; 或 、 分隔各项服务"
        "（或在情景文件的 services 中列出已知服务）"
    ),
    "problem.outside_area": "位于研究区之外",
    "problem.outside_area_kept": "位于研究区之外；仍保留，因为它可能服务边界另一侧的人",
    "problem.no_street": "附近没有可步行的街道",
    "problem.far_from_street": "距最近的可步行街道 {d:.0f} 米（上限 {limit:.0f} 米）",
    "problem.row_too_wide": "该行有 {n} 个值，但表头只有 {width} 列（未加引号的值里有逗号？）",
    "problem.workbook_named": "该文件是 Excel 工作簿（{kind}），扩展名却是 {suffix}；已按 {kind} 读取",
    "problem.workbook_no_suffix": "该文件是 Excel 工作簿（{kind}），但没有扩展名；已按 {kind} 读取",
    "problem.merged_filled": "合并单元格：共 {n} 处合并区域，已按 Excel 的显示把其值填入区域内的每个单元格",
    "problem.several_columns": (
        "有多列可能是“{field}”：{found}；已使用“{col}”（可在情景文件中指定该字段对应的列）"
    ),
    # The fields a column can stand for (coverage.inputs.columns.ALIASES)
    "problem.field.lon": "经度",
    "problem.field.lat": "纬度",
    "problem.field.name": "名称",
    "problem.field.id": "编号",
    "problem.field.tier": "层级",
    "problem.field.type": "类型",
    "problem.field.services": "服务项目",
    "problem.field.capacity": "容量",
    "problem.field.weight": "权重",
    "problem.field.area": "面积",
    "problem.field.address": "地址",
    "problem.field.role": "角色",
    "problem.field.district": "区县",
    "problem.field.subdistrict": "街道",
    "problem.column_datum": "列“{col}”看起来是 {looks} 坐标，但该图层声明为 {declared}；请检查坐标系设置",
    # --- Coordinates
    "problem.lat_out_of_range": "纬度 {v:g} 超出范围（-90 至 90）",
    "problem.lon_out_of_range": "经度 {v:g} 超出范围（-180 至 180）",
    "problem.lonlat_out_of_range": "坐标（{x:g}, {y:g}）超出经纬度范围",
    "problem.hint_swap_china": "；经纬度互换后数值位于中国境内",
    "problem.hint_swap_points": "；互换后数值落在文件其他点之间：请检查经度和纬度是否写反",
    "problem.outside_crs_swapped": (
        "（{x:.2f}, {y:.2f}）位于 {crs} 的适用范围之外；X 与 Y 互换后数值相符"
    ),
    "problem.not_transformable": "（{x:.2f}, {y:.2f}）无法从 {crs} 转换",
    "problem.not_transformable_g": "（{x:g}, {y:g}）无法从 {crs} 转换",
    "problem.outside_china": "位于中国境外，但图层声明为 {crs}：{crs} 偏移只在中国境内有定义",
    "problem.outside_china_unchanged": "，坐标按原值使用",
    # --- Duplicates and ids
    "problem.duplicate_name": "与第 {row} 行重复（同名“{name}”，相距 {d:.1f} 米）",
    "problem.duplicate_in_file": "与 {file} 第 {row} 行重复（同名“{name}”、同层级，相距 {d:.1f} 米）",
    "problem.duplicate_in_file_kind": (
        "与 {file} 第 {row} 行重复（同名“{name}”、同类需求，相距 {d:.1f} 米）"
    ),
    "problem.role_twin": "与 {file} 第 {row} 行为同一地点的无名称站点（相距 {d:.1f} 米），该行为“{role}”：以更严格的角色为准，本行不予使用",
    "problem.duplicate_attrs": "与第 {row} 行重复（属性相同，相距 {d:.1f} 米）",
    "problem.same_place_named": (
        "距第 {row} 行（“{name}”）{d:.1f} 米：同一地点、名称不同；请核实不是同一设施"
    ),
    "problem.same_place": "距第 {row} 行 {d:.1f} 米：同一地点、名称不同；请核实不是同一设施",
    "problem.same_place_other_tier": (
        "距第 {row} 行 {d:.1f} 米，同名但层级不同：按两个层级的设施分别保留；请核实登记表确有两处"
    ),
    "problem.same_name_far": "与第 {row} 行同名（“{name}”），但相距 {d:.0f} 米；请核实是不同的设施",
    "problem.duplicate_id": "编号“{id}”重复：第 {row} 行的编号相同（编号必须唯一）",
    # --- Boundaries
    "problem.no_name": "没有名称",
    "problem.subdistrict_unnamed": "没有名称：在表格和地图上记为“{label}”；请在 {field} 中填写名称",
    "problem.district_merged": (
        "{n} 个要素的代码“{code}”和名称“{name}”相同（第 {rows} 行）：作为一个区县评估，"
        "其多边形合并，同一区县的几个部分本应如此"
    ),
    "problem.subdistrict_merged": (
        "{n} 个多边形同名“{name}”（第 {rows} 行）：在表格和地图上合并为一个街道统计，"
        "同一街道的几个部分本应如此；如需分开统计，请改用不同的名称"
    ),
    "problem.missing_geometry_skipped": "缺少几何位置；已跳过",
    "problem.empty_polygon": "空多边形；已跳过",
    "problem.after_wgs84": "（转换为 WGS-84 后）",
    "problem.invalid_polygon_lost": "多边形无效{stage}（{reason}），修复后没有面积；已跳过",
    "problem.invalid_polygon_repaired": "多边形无效{stage}（{reason}）；已自动修复",
    "problem.geos.self_intersection": "自相交{at}",
    "problem.geos.ring_self_intersection": "环自相交{at}",
    "problem.geos.hole_outside_shell": "内环位于外环之外{at}",
    "problem.geos.nested_holes": "内环相互嵌套{at}",
    "problem.geos.nested_shells": "外环相互嵌套{at}",
    "problem.geos.interior_disconnected": "内部不连通{at}",
    "problem.geos.too_few_points": "组成部分的点太少{at}",
    "problem.geos.duplicate_rings": "环重复{at}",
    "problem.geos.invalid_coordinate": "坐标无效{at}",
    "problem.geos.ring_not_closed": "环未闭合{at}",
    "problem.geos.other": "{reason}",
    # --- Rasters
    "problem.raster_negative": "研究区内有 {n} 个像元为负值（{people:,.1f} 人）；已跳过",
    "problem.raster_nodata": "研究区内有 {n} 个像元没有数据；已跳过",
    "problem.raster_not_finite": "研究区内有 {n} 个像元不是有限数值；已跳过",
    "problem.raster_too_large": "研究区内有 {n} 个像元的人数超过 {most:,.0f}（可能是文件未声明为无数据的填充值）；已跳过",
    "problem.raster_partial": "栅格只覆盖研究区的 {share:.1%}；其范围以外的人口未计入",
    # --- The datum check (coverage.inputs.datum_words); {here} and {there} are worded distances
    "problem.as_written": "{text}",
    "problem.datum.metres": "{m:.0f} 米",
    "problem.datum.more_than": "超过 {m:.0f} 米",
    "problem.datum.beyond": "超出搜索范围",
    "problem.datum.looks": (
        "这些点按 {best} 读取才与街道吻合，而不是声明的 "
        "{declared}：按 {declared} 距街道的中位距离为 "
        "{here}，按 {best} 为 {there}；按 {best} 有 "
        "{s_there:.0%} 的点在街道 {near:.0f} 米内（按 "
        "{declared} 为 {s_here:.0%}，随机平移为 "
        '{chance:.0%}）；请声明 crs = "{crs_key}"'
    ),
    "problem.datum.kept_as_declared": "；已按声明的坐标系保留",
    "problem.datum.may_be": (
        "这些点可能是 {best} 坐标，但图层声明为 {declared}：按 "
        "{declared} 距街道的中位距离为 {here}，按 {best} 为 "
        "{there}；按 {best} 有 {s_there:.0%} 的点在街道 "
        "{near:.0f} 米内（按 {declared} 为 "
        "{s_here:.0%}，随机平移为 {chance:.0%}），{closer:.0%} "
        "的点会更靠近街道；两种坐标系下落在街道上的点都太少，无法定论：请检查坐标系设置"
    ),
    "problem.datum.far": (
        "无论按哪种坐标系，这些点都远离街道（按声明距离中位数为 {here}，按 "
        "{a} 为 {at_a}，按 {b} 为 {at_b}）：路网可能没有覆盖这些点"
        "，或坐标系有误"
    ),
    "problem.datum.out_of_range": "{total} 个点中有 {n} 个纬度超出 ±90° 或经度超出 ±180°（行 {rows}）",
    "problem.datum.swapped_china": (
        "{total} 个点中有 {n} 个只有在经纬度互换后才位于中国境内（行 "
        "{rows}）：请检查经度列的数值约为 73–135、纬度列约为 18–54"
    ),
    "problem.datum.swapped_extent": "{total} 个点中有 {n} 个只有在经纬度互换后才落在路网范围内（行 {rows}）：经度列似乎是纬度，纬度列似乎是经度",
    "problem.datum.outside_china": (
        "{total} 个点中有 {n} 个位于中国境外，但图层声明为 "
        "{declared}（行 {rows}）：{declared} "
        "偏移只在中国境内有定义"
    ),
    "problem.datum.unchanged": "，其中 {n} 个按原值使用",
    "problem.datum.check_coordinates": "；请检查坐标或声明的坐标系",
    "problem.datum.row_other": (
        "按 {other} 读取才与街道吻合，而不是图层声明的 "
        "{declared}：按 {other} 距街道 {there:.0f} "
        "米，按 {declared} 为 {here}"
    ),
    "problem.datum.closer": "（近了 {m:.0f} 米）",
    "problem.datum.row_kept": "；已按 {declared} 保留——请检查这一行的坐标（是否抄自 {other} 地图？）",
    "problem.datum.row_swapped": "该点只有在经纬度互换后才与街道吻合",
    # --- Unusual scenario values (coverage.scenario.checks), row = the scenario file's line
    "problem.unusual": "{value:g} {unit}不常见（通常{usual} {unit}：{why}）；按给定值使用",
    "problem.usual_range": "为 {low:g} 至 {high:g}",
    "problem.usual_max": "不超过 {high:g}",
    "problem.unit.km_h": "公里/小时",
    "problem.unit.min": "分钟",
    "problem.unit.m": "米",
    "problem.unit.times": "倍",
    "problem.why.walk_speed_kmh": "步行速度为每小时 3–6 公里",
    "problem.why.walk_threshold_min": "步行时间阈值以分钟计，而不是小时",
    "problem.why.walk_max_snap_m": "离街道这么远的点不在街道上",
    "problem.why.walk_walk_off_m": "每个服务范围都会因此扩大这么多",
    "problem.why.walk_steps_penalty": "台阶用时是平路的几倍，不会更多",
    "problem.why.walk_circle_radius_m": "直线距离圆通常为 1 公里",
    "problem.why.network_margin_m": "路网裁剪边距应在步行范围内",
    "problem.kind_close": "人群类别“{kind}”不是常用类别，但与“{code}”相近：其人数将作为单独的类别显示（写“{code}”即计为{label}）",
    "problem.bands_above": "步行时间段 {bands} 分钟超过了所有阈值（{limit:g} 分钟）：地图画出的服务范围超出了计为覆盖的范围",
    "problem.default_bands_above": "默认步行时间段 {bands} 分钟超过了所有阈值（{limit:g} 分钟）：地图画出的服务范围超出了计为覆盖的范围",
    # --- How each layer was read (the console's and the report's data notes; run.json in English)
    "problem.note.file": "{file}：{text}",
    "problem.note.sep": "；",
    "problem.note.comma": "，",
    "problem.note.format_named": "{kind}（扩展名为 {suffix}）",
    "problem.note.file_format": "文件",
    "problem.note.utf8_bom": "UTF-8（带 BOM）",
    "problem.note.sheet": "工作表“{name}”",
    "problem.note.layer": "图层“{name}”",
    "problem.note.header_row": "表头在第 {row} 行",
    "problem.note.column": "{field} ← “{col}”（{how}）",
    "problem.note.recognised": "自动识别",
    "problem.note.mapped": "情景指定",
    "problem.note.unused": "未使用：{columns}",
    "problem.note.raster": (
        "{file} 第 {band} 波段，坐标系 {crs}：{kind}{people:,.0f} 人，取自研究区内 {cells:,} 个像元中的 {used:,} 个"
    ),
    "problem.note.split": "，每个像元分为 {a}×{b}",
    "problem.note.skipped": "；跳过 {items}",
    "problem.note.cells.nodata": "{n} 个无数据像元",
    "problem.note.cells.negative": "{n} 个负值像元",
    "problem.note.cells.not_finite": "{n} 个非有限值像元",
    "problem.note.cells.too_large": "{n} 个人数超过 {most:,.0f} 的像元",
    "problem.note.buildings": "{kind}{people:,.0f} 人，取自 {total:,} 栋建筑中的 {used:,} 栋",
    "problem.note.bld.tag": "{n} 栋 {tag}",
    "problem.note.bld.no_geometry": "{n} 栋无几何图形",
    "problem.note.bld.no_footprint": "{n} 栋无轮廓（{kind}）",
    "problem.note.bld.zero_area": "{n} 栋轮廓面积为零",
    "problem.note.assumptions": "{name} 的假设：{values}",
    "problem.note.far": (
        "{name}：{kind}中有 {people:,.0f} 人（占 {share:.1%}）距任何可步行街道超过 {m:g} 米："
        "已保留，计为步行不可达"
    ),
    "problem.note.level": "【{level}】{text}",
    "problem.note.level_warning": "警告",
    "problem.note.level_info": "提示",
    "problem.note.datum_ok": "坐标系 {name} 核验无误：按声明读取时到最近街道的中位距离为 {here}（{others}）",
    "problem.note.if_read_as": "按 {name} 读取为 {at}",
    "problem.note.few_near": (
        "{total} 个点中只有 {n} 个在街道 {m:.0f} 米内：街道网络可能未覆盖该图层，因此未检查其坐标系"
    ),
    "problem.note.none_in_china": (
        "没有点位于中国境内（WGS-84、GCJ-02 与 BD-09 只在境内有差别）：无需检查"
    ),
    "problem.note.few_in_china": "中国境内的点太少（{n} 个），无法对照街道检查坐标系",
    "problem.note.rows_other": (
        "{total} 个点中有 {n} 个按其他坐标系读取比按 {name} 更贴合街道（第 {rows} 行）；已按 {name} 保留"
    ),
    # How the coordinates were read (a layer's crs label)
    "problem.crs.converted": "{crs}，已用 prcoords 转换为 WGS-84（精确逆变换）",
    "problem.crs.assumed": "{crs}（假定：文件未声明坐标系）",
    "problem.crs.file": "{crs}（文件坐标系 {file_crs}）",
    "problem.crs.projected_from": "{crs}（由 {datum} 经纬度投影）",
    "problem.crs.undeclared_china": (
        "未声明坐标系：按文件标注的“{crs}”读取；高德边界同样标注为 WGS-84 经纬度，实为 GCJ-02"
        "（相差约 500 米）：如文件来自高德，请设置“{gcj}”；确为 WGS-84 请设置“{wgs}”"
    ),
    "problem.crs.own": "{crs}（文件自带，按 {datum} 读取）",
    "problem.crs.declared": "{crs}（情景声明；文件标注为 {file_crs}）",
    # The field column: the program's own words (the planner's column names stay as written)
    "problem.column.geometry": "几何图形",
    "problem.column.band": "第 {band} 波段",
    "problem.column.coordinates": "坐标",
}
