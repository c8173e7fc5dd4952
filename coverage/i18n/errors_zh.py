"""The messages that stop a run, in Chinese: what the console prints after ``错误：``.

The same keys and fields as :mod:`coverage.i18n.errors_en` (see there);
:mod:`coverage.i18n.zh` merges these words into its catalogue.
"""

from __future__ import annotations

__all__ = ["WORDS"]

WORDS: dict[str, str] = {
    # --- Where: file, row and field
    "error.where.row": "第 {row} 行",
    "error.where.field": "字段“{field}”",
    "error.where.sep": "，",
    "error.where.end": "：",
    # --- Scenario and audit files
    "error.text": "{text}",
    "error.scenario.line": "{file}：{where}：",
    "error.value.missing": "必填",
    "error.value.extra_forbidden": "未知的键（请检查拼写）",
    "error.value.finite_number": "应为有限数值，实际为 {input}",
    "error.value.int_type": "应为整数，实际为 {input}",
    "error.value.int_parsing": "应为整数，实际为 {input}",
    "error.value.int_from_float": "应为整数，实际为 {input}",
    "error.value.float_type": "应为数值，实际为 {input}",
    "error.value.float_parsing": "应为数值，实际为 {input}",
    "error.value.string_type": "应为加引号的文字，实际为 {input}",
    "error.value.bool_type": "应为 true 或 false，实际为 {input}",
    "error.value.bool_parsing": "应为 true 或 false，实际为 {input}",
    "error.value.list_type": "应为列表 [...]，实际为 {input}",
    "error.value.dict_type": "应为表，实际为 {input}",
    "error.value.model_type": "应为表，实际为 {input}",
    "error.value.literal_error": "应为 {expected} 之一，实际为 {input}",
    "error.value.enum": "应为 {expected} 之一，实际为 {input}",
    "error.value.greater_than": "应大于 {gt}，实际为 {input}",
    "error.value.greater_than_equal": "应不小于 {ge}，实际为 {input}",
    "error.value.less_than": "应小于 {lt}，实际为 {input}",
    "error.value.less_than_equal": "应不大于 {le}，实际为 {input}",
    "error.value.too_short": "至少需要 {min_length} 项，实际为 {input}",
    "error.value.too_long": "最多 {max_length} 项，实际为 {input}",
    "error.where.top_level": "（顶层）",
    "error.read.scenario_not_found": "找不到情景文件",
    "error.read.audit_not_found": "找不到评估文件",
    "error.read.scenario_unreadable": "无法读取情景文件：{reason}",
    "error.read.audit_unreadable": "无法读取评估文件：{reason}",
    "error.read.not_utf8": "不是 UTF-8 文本（{reason}）；请另存为 UTF-8 编码",
    "error.read.invalid": "不是有效的 TOML：{reason}",
    "error.scenario.file_not_found": "{scenario}：{setting}：找不到文件：{file}",
    "error.scenario.name_chars": "只能使用字母、数字、“-”、“_”或“.”（它用于输出文件名）",
    "error.scenario.crs": "未知的坐标系 {value}；可用 {names}、cgcs2000（cgcs；EPSG:4490）或 EPSG 代码，如 4326、\"EPSG:4326\"、32650（大小写、空格、连字符和下划线均不影响）",
    "error.scenario.select_empty": "select 至少需要一个字段，例如 {example}",
    "error.scenario.network_source": "请只给出一种路网来源：path、place、bbox 或 polygon = true",
    "error.scenario.got": "（现为 {given}）",
    "error.scenario.bbox": "bbox 应为 [西, 南, 东, 北]，单位为度",
    "error.scenario.cell_size": "catchment_cell_m（{cell}）不得超过 walk_off_m（{walk_off}）的一半",
    "error.scenario.layer_source": "请给出 path 或 osm_buildings = true（需求层）二者之一，不能同时给出",
    "error.scenario.buildings_without_osm": "buildings 设置需要 osm_buildings = true",
    "error.scenario.raster_only": "band 和 max_cell_m 只用于人口栅格（.tif）",
    "error.scenario.add_and_target": "add 和 target 只能给出其一",
    "error.scenario.tiers_twice": "tiers 中 {tiers} 出现了不止一次",
    "error.scenario.stage_not_tier": "stage_add 中的 {stray} 不在 tiers = {tiers} 之中",
    "error.scenario.in": "{where}：",
    "error.scenario.unknown_tier": "未知层级 {value}；已知层级：{known}；如需新的设施类型，请在情景文件中声明：[types.<code>] label_zh = {label}（code 由小写字母、数字和“_”组成）",
    "error.scenario.print_suffix": "应为 .png 或 .pdf 文件，而不是 {name}",
    "error.scenario.threshold_twice": "tier_threshold_min：{name} 即“{code}”，被设置了两次",
    "error.scenario.threshold_in_type": "tier_threshold_min：“{code}”在 [types.{code}] 中也设置了 threshold_min；请只在一处设置",
    "error.scenario.no_layers": "情景至少需要一个 [[facilities]] 或 [[candidates]] 图层",
    "error.scenario.demand_weight": "请用 weight = \"...\" 指明 {path} 的权重列",
    "error.scenario.not_a_register": "需要点位名册（CSV、Excel 或 GIS 文件）；栅格和 osm_buildings 只用于 [[demand]]",
    "error.scenario.raster_needs_area": "栅格和 osm_buildings 需求需要研究区域：请设置 [area] path",
    "error.scenario.plan_unknown_tier": "未知层级 {tiers}（已知：{known}）",
    "error.scenario.option": "{option} {value}：",
    "error.scenario.and": "；",
    "error.scenario.write_outside": "{scenario}：{name} = {value} 位于情景文件所在文件夹（{folder}）和工作目录（{cwd}）之外；情景文件只能写入这两处：{instead}",
    "error.scenario.instead.out": "请改在命令行中使用 --out",
    "error.scenario.instead.map": "请改在命令行中使用 --map",
    "error.scenario.instead.print": "请删除此项，改为在 `coverage map` 中使用 --print",
    "error.scenario.instead.cache": "请把缓存移到那里，或在包含缓存的文件夹中运行命令",
    "error.audit.dir_outside": "output.dir = {value} 位于评估文件所在文件夹和工作目录之外；如需写到别处，请使用 --out",
    # --- Input files
    # --- Network, outputs and planning
}
