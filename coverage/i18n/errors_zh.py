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
    "error.unknown_tier": (
        "未知层级 {value}{more}；已知层级：{known}；如需使用新的设施类型，请在情景中声明："
        "[types.<code>] label_zh = {label}（其中类型代码由小写字母、数字或“_”组成）"
    ),
    # --- Scenario and audit files
    "error.text": "{text}",
    "error.scenario.line": "{file}：{where}：",
    "error.settings.value": "运行参数 {setting}：",
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
    "error.value.tuple_type": "应为列表 [...]，实际为 {input}",
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
    "error.scenario.crs": '未知的坐标系 {value}；可用 {names}、cgcs2000（cgcs；EPSG:4490）或 EPSG 代码，如 4326、"EPSG:4326"、32650（大小写、空格、连字符和下划线均不影响）',
    "error.scenario.select_empty": "select 至少需要一个字段，例如 {example}",
    "error.scenario.network_source": "请只给出一种路网来源：path、place、bbox 或 polygon = true",
    "error.scenario.got": "（现为 {given}）",
    "error.scenario.bbox": "bbox 应为 [西, 南, 东, 北]，单位为度",
    "error.scenario.cell_size": "catchment_cell_m（{cell}）不得超过 walk_off_m（{walk_off}）的一半",
    "error.scenario.layer_source": "请给出 path 或 osm_buildings = true（需求图层）二者之一，不能同时给出",
    "error.scenario.columns_field": "未知字段 {fields}：columns 的键应为标准字段（{known}）",
    "error.scenario.buildings_kinds": "building_types 与 floor_area_per_person_m2 应列出相同的需求类别：building_types 为 {kinds}，floor_area_per_person_m2 为 {areas}",
    "error.scenario.buildings_case": "{setting}：建筑类型 {value} 应为小写、前后无空格（请写作 {fixed}）",
    "error.scenario.buildings_type": "{setting}：建筑类型 {value} 不在 building_types 所计的类型之中（已计：{known}），请检查拼写",
    "error.scenario.buildings_without_osm": "buildings 设置需要 osm_buildings = true",
    "error.scenario.raster_only": "band 和 max_cell_m 只用于人口栅格（.tif）",
    "error.scenario.layer_not_table": (
        "layer 用于选择工作簿的工作表或 GeoPackage 的图层：人口栅格和 osm_buildings 没有这些；"
        "请删除该设置"
    ),
    "error.scenario.add_and_target": "add 和 target 只能给出其一",
    "error.scenario.tiers_twice": "tiers 中 {tiers} 出现了不止一次",
    "error.scenario.stage_not_tier": "stage_add 中的 {stray} 不在 tiers = {tiers} 之中",
    "error.scenario.in": "{where}：",
    "error.scenario.tianditu_key": 'basemap = "tianditu" 需要天地图密钥：请设置 [output] tianditu_key 或环境变量 TIANDITU_KEY（可在天地图官网免费申请）',
    "error.scenario.print_suffix": "应为 .png 或 .pdf 文件，而不是 {name}",
    "error.scenario.threshold_twice": "tier_threshold_min：{name} 即“{code}”，被设置了两次",
    "error.scenario.threshold_in_type": "tier_threshold_min：“{code}”在 [types.{code}] 中也设置了 threshold_min；请只在一处设置",
    "error.scenario.no_layers": "情景至少需要一个 [[facilities]] 或 [[candidates]] 图层",
    "error.scenario.demand_weight": '请用 weight = "..." 指明 {path} 的权重列',
    "error.scenario.not_a_register": "需要点位名册（CSV、Excel 或 GIS 文件）；栅格和 osm_buildings 只用于 [[demand]]",
    "error.scenario.raster_needs_area": "栅格和 osm_buildings 需求需要研究区：请设置 [area] path",
    "error.scenario.area_path_only": "{setting} 用于从研究区文件（path）中选取，但未设置 path；街道/乡镇边界文件（subdistricts）总是整体读取：请设置 path 或删除 {setting}",
    "error.scenario.area_subdistricts_only": "{setting} 是街道/乡镇边界文件（subdistricts）的设置，但未设置 subdistricts：请设置 subdistricts 或删除 {setting}",
    "error.scenario.area_crs_unused": "crs 是 path 和 subdistricts 文件的坐标系，但二者均未设置：请设置其一或删除 crs",
    "error.scenario.plan_unknown_tier": "未知层级 {tiers}（已知：{known}）",
    "error.scenario.option": "{option} {value}：",
    "error.scenario.argument": "{name}={value}：",
    "error.scenario.and": "；",
    "error.scenario.write_outside": "{scenario}：{name} = {value} 位于情景文件所在文件夹（{folder}）和工作目录（{cwd}）之外；情景文件只能写入这两处：{instead}",
    "error.scenario.instead.out": '请改在命令行中使用 --out（Python 中：scenario.set_output("dir", 路径)）',
    "error.scenario.instead.map": '请改在命令行中使用 --map（Python 中：scenario.set_output("map", 路径)）',
    "error.scenario.instead.print": '请删除此项，改为在 `coverage map` 中使用 --print（Python 中：scenario.set_output("print_map", 路径)）',
    "error.scenario.instead.cache": "请把缓存移到那里，或在包含缓存的文件夹中运行命令",
    "error.audit.dir_outside": "output.dir = {value} 位于评估文件所在文件夹和工作目录之外；如需写到别处，请使用 --out（Python 中：run_audit(..., out=路径)）",
    "error.audit.cache_outside": "network.cache_dir = {value} 位于评估文件所在文件夹和工作目录之外；请把缓存移到那里，或在包含缓存的文件夹中运行命令",
    "error.scenario.use_lang": "可用 zh 或 en",
    "error.scenario.method": "“{method}”不是 'grid' 或 'exact'",
    "error.scenario.bands_list": "不是分钟数列表，例如 5,10,15",
    "error.scenario.bands_positive": "每个步行时间段都必须是大于 0 的分钟数",
    "error.audit.no_code_field": "没有用作区县代码的字段“{field}”；现有字段：{fields}；请设置 [districts] code_field",
    "error.audit.no_code": "区县没有代码",
    "error.audit.code_twice": "代码 {code} 也是第 {row} 行（名称 {name}）的代码：同一区县的各部分代码和名称都相同，不同区县的代码必须不同",
    "error.audit.same_folder": "代码 {code} 和代码 {other} 对应同一个文件夹名 {folder}；代码请只用字母、数字、“-”、“_”或“.”",
    "error.audit.scheduler": "无法启动或连接 dask 调度器 {scheduler}：{reason}",
    "error.audit.local_cluster": "无法启动或连接本地 dask 集群：{reason}",
    "error.audit.not_run": "未运行",
    "error.scenario.threshold_unknown_tier": "tier_threshold_min：未知层级 {value}（已知：{known}；也接受 {example} 等名称；新的设施类型请用 [types.<code>] 声明）",
    # --- Input files
    "error.input.file_not_found": "找不到文件",
    "error.input.wrong_encoding": "无法按 {encoding} 编码读取文件：{reason}",
    "error.input.bad_utf16": "文件不是有效的 UTF-16 文本（{reason}）",
    "error.input.binary_csv": (
        "不是文本（CSV）文件：其中含有二进制数据（文件已损坏，或是改了扩展名的其他类型文件）；"
        "请在 Excel 中打开并另存为 CSV UTF-8 或 .xlsx"
    ),
    "error.input.not_utf8_gbk": (
        "文件既不是 UTF-8 也不是 GBK/GB18030 文本（{reason}）；请另存为 UTF-8 编码的 CSV，"
        '或在该图层的设置中写明其编码（例如 encoding = "big5"）'
    ),
    "error.input.not_gbk_text": (
        "文件既不是 UTF-8 也不是 GBK/GB18030 文本：按 GBK 读取，列名和数值都是乱码；"
        '请在该图层的设置中写明其编码（例如繁体中文 Big5 写 encoding = "big5"），'
        "或另存为 UTF-8 编码的 CSV；若确为 GBK（名称中有希腊字母或日文假名），"
        '写 encoding = "gb18030" 即按原样读取'
    ),
    "error.input.value_too_long": (
        '有一个值超过 {limit:,} 个字符（文件第 {line} 行）：有一个引号（"）没有配对，'
        "文件的其余部分都成了一个值；请补上或删去这个引号"
    ),
    "error.input.csv_unparsable": "无法解析 CSV 文件（第 {line} 行）：{reason}",
    "error.input.html_as_excel": "这是一个用表格扩展名命名的 HTML/XML 文件；请在 Excel 中打开并另存为 .xlsx",
    "error.input.not_a_workbook": (
        "不是 Excel 工作簿：文件既不是 xlsx（zip）或 xls 工作簿，也不是文本，因此已损坏，"
        "或是改名为 {suffix} 的其他类型文件；请在 Excel 中打开并另存为 .xlsx"
    ),
    "error.input.empty_file": "文件是空的",
    "error.input.unreadable": "无法读取文件：{reason}（文件是否已损坏，或并非真正的 {suffix} 文件？）",
    "error.input.unsupported_type": (
        "不支持的文件类型“{suffix}”（请使用 CSV、Excel、GeoJSON、GeoPackage 或 Shapefile）"
    ),
    "error.input.no_sheet": "工作簿中没有工作表“{sheet}”；现有工作表：{names}",
    "error.input.layer_of_csv": (
        "设置了 layer = '{layer}'，但 CSV 文件只有一张表（layer 用于选择工作簿的工作表或 "
        "GeoPackage 的图层）：请删除该设置"
    ),
    "error.input.layer_of_csv_named": (
        "设置了 layer = '{layer}'，但这个 {suffix} 文件实为 CSV 文本文件而非工作簿，只有一张表："
        "请删除该设置（或在 Excel 中另存为 .xlsx）"
    ),
    "error.input.bad_xlsx": (
        "不是可读取的 Excel 工作簿（xlsx）：文件已损坏、不完整或不是工作簿（{reason}）；"
        "请在 Excel 中打开后重新保存"
    ),
    "error.input.bad_xlsx_sheet": (
        "不是可读取的 Excel 工作簿（xlsx）：有工作表已损坏（{reason}）；请在 Excel 中打开后重新保存"
    ),
    "error.input.bad_xls": (
        "不是可读取的 Excel 97-2003 工作簿（xls）：{reason}{hint}；请在 Excel 中打开并另存为 .xlsx"
    ),
    "error.input.xls_password": "（工作簿是否设了密码？请去掉密码）",
    "error.input.bad_xls_sheet": (
        "不是可读取的 Excel 97-2003 工作簿（xls）：有工作表已损坏（{reason}）；"
        "请在 Excel 中打开并另存为 .xlsx"
    ),
    "error.input.mapped_column_missing": "找不到列“{col}”（映射为 {field}）；现有列：{columns}",
    "error.input.missing_column": "缺少“{field}”所需的列（可识别的列名：{names}）；现有列：{columns}",
    "error.input.no_lon_column": "找不到经度列（可识别的列名：{names}）；现有列：{columns}",
    "error.input.no_lat_column": "找不到纬度列（可识别的列名：{names}）；现有列：{columns}",
    "error.input.one_cell_coordinates": (
        "；列“{col}”的每个单元格都写着两个数（如“{example}”）：请把它分成经度、纬度两列"
    ),
    "error.input.several_sheets": (
        "工作表“{sheet}”和 {names} 都是登记表，而一个图层只读取一个工作表：请为该图层设置 {setting}，"
        "并为其余每个要读取的工作表各添加一个图层（{other}）"
    ),
    "error.input.column_datum_undeclared": (
        "该列标明坐标为 {looks}，但该图层未设置 crs，将按 WGS-84 读取：请为该图层设置 {setting}"
        "（如确为 WGS-84，请设置 {wgs84}）"
    ),
    "error.input.other_sheets": (
        "（读取的是工作表“{sheet}”；工作簿还有工作表：{names}：请在情景中为该图层设置 {setting}）"
    ),
    "error.input.unknown_crs": (
        '未知的坐标系 {value}；请使用 {names}，或 EPSG 代码，如 4326、"EPSG:4326" 或 32650'
        "（不区分大小写，空格、连字符和下划线不影响识别）"
    ),
    "error.input.columns_swapped": (
        "每一行的纬度都超出范围，而交换两个坐标后数值合理：列“{lon}”存的是纬度，“{lat}”存的是经度；"
        "请在情景的列映射或文件中交换这两列"
    ),
    "error.input.columns_swapped_xy": (
        "每一行的点都在坐标系的范围之外，而交换两个坐标后数值合理：列“{lon}”存的是北坐标（Y），"
        "“{lat}”存的是东坐标（X）；请在情景的列映射或文件中交换这两列"
    ),
    "error.input.no_crs_not_lonlat": (
        "文件没有坐标参考系，其坐标（如 {x:g}, {y:g}）也不是经纬度；请添加 .prj 文件，"
        "或声明图层的 crs（EPSG 代码）"
    ),
    "error.input.latlon_order": (
        "每个要素的坐标按经度/纬度读取都超出范围，交换后则有效（如 {x:g}, {y:g}）：文件把纬度放在经度之前；"
        "请以经度在前（x = 经度）重新导出"
    ),
    "error.input.no_crs": "文件没有坐标系；请声明图层的 crs（如 {examples} 或 EPSG 代码）",
    "error.input.crs_mismatch": (
        "情景声明 crs = {said}，但文件的坐标系是 {file_crs}；请使二者一致（重新投影文件或更正 crs）"
    ),
    "error.input.projected_for_lonlat": (
        "情景声明 crs = {said}（投影坐标，单位为米），但文件存的是经纬度（{file_crs}）；请更正 crs"
    ),
    "error.input.not_lonlat_extent": (
        "坐标范围为 x {x0:g}…{x1:g}，y {y0:g}…{y1:g}：并非 {crs} 所表示的经纬度；"
        "请声明图层的 crs（EPSG 代码，如 32650）"
    ),
    "error.input.no_select_field": "没有用于筛选的字段“{name}”；现有字段：{fields}",
    "error.input.no_feature_value": "没有要素的 {name} = {value}{among}；现有值：{values}",
    "error.input.among_selected": "（在其他字段选出的要素中）",
    "error.rows.more": "{shown}……",
    "error.rows.count": "（共 {n} 行）",
    "error.input.listing_more": "{shown}……（共 {n} 个）",
    "error.input.no_name_field": "没有用作名称的字段“{field}”；现有字段：{fields}",
    "error.input.no_polygon": "没有可读取的多边形",
    "error.input.no_polygon_selected": "所选要素中没有可读取的多边形",
    "error.input.no_layer": "没有图层“{layer}”；现有图层：{layers}",
    "error.input.polygons_unreadable": "无法读取多边形：{reason}",
    "error.input.no_geometries": "文件中没有几何图形（是普通表格吗？）",
    "error.input.no_features": "图层中没有要素（文件或图层为空）",
    "error.input.not_polygons": "应为多边形，实际为 {kinds}（{n} 个要素，第一个是第 {first} 个要素）",
    "error.input.raster_unreadable": "无法读取栅格：{reason}",
    "error.input.no_band": "没有第 {band} 波段；该栅格共有 {count} 个波段",
    "error.input.rotated_grid": "不支持旋转或斜切的栅格；请先将其重采样为正北朝向的栅格",
    "error.input.bad_scale": "scale 应为正数，而不是 {value}",
    "error.input.bad_kind": "kind 应为名称（如 {example}），而不是 {value}",
    "error.input.raster_outside": (
        "栅格（x {rx0:g}…{rx1:g}，y {ry0:g}…{ry1:g}）未覆盖研究区（x {x0:g}…{x1:g}，"
        "y {y0:g}…{y1:g}）；请检查栅格的 crs"
    ),
    "error.input.no_tier_allowed": "没有层级列：每个设施都需要以下层级之一：{tiers}",
    "error.input.no_tier_known": "没有层级列：每个设施都需要一个层级（{known}，或已声明的类型）",
    "error.input.also_rows": "（另见第 {rows} 行）",
    "error.input.also_rows_more": "（另见第 {rows} 行及另外 {n} 行）",
    "error.input.no_names_column": "没有用作街道名称的列“{field}”（现有列：{columns}）；请设置 {setting}",
    "error.input.no_tier_column": (
        "没有层级列，也没有默认值：请添加层级列（{tiers}），或在情景中为该图层设置 {setting}"
    ),
    "error.input.tier_column_named": "；若层级在未使用的列 {columns} 之一中，请设置 {setting}",
    "error.input.tier_column_found": "；列“{column}”写的是层级（第 {row} 行：“{value}”）：如要按该列读取层级，请设置 {setting}",
    "error.input.tier_default_contradicted": (
        "写的是层级“{value}”（{label}），但该图层没有层级列，其默认值 {default} 会用于每一行"
        "（此列有 {n} 行写的是其他层级）：如要按该列读取层级，请设置 {setting}"
    ),
    "error.input.area_needed": "栅格和 {what} 需求需要研究区：请设置 {setting}",
    "error.input.no_layer_section": "没有 [[{section}]] 图层：coverage 至少需要一个",
    "error.input.facility": "设施",
    "error.input.demand": "需求",
    "error.input.no_data_rows": "没有可用的{what}行：{names} 没有数据行",
    "error.input.no_usable_rows": (
        "{names} 中没有可用的{what}行：{skipped}，共 {n} 个问题{listed}；前几个如下："
    ),
    "error.input.rows_skipped": "跳过 {n} 行",
    "error.input.layer_unusable": (
        "{file}：{n} 行数据全部跳过，该图层没有任何{what}计入结果（原因逐行列于 {table}）"
    ),
    "error.input.all_listed": "（全部列于 {path}）",
    "error.input.reason_line": "  {text}",
    "error.input.and_more": "  ……另有 {n} 个",
    "error.input.and_more_in": "  ……另有 {n} 个，见 {path}",
    "error.input.datum_declared": (
        "这些点声明为 {declared}（{said}），但按 {best} 读取才与街道吻合：{evidence}；"
        "{fix}，或设置 {keep} 以继续运行"
    ),
    "error.input.datum_default": (
        "图层未设置 crs，这些点按默认的 {declared}（{said}）读取，但按 {best} 读取才与街道吻合："
        "{evidence}；{fix}，或设置 {keep} 以继续运行"
    ),
    "error.input.datum_evidence": (
        "按 {declared} 距街道的中位距离为 {here}，按 {best} 为 {there}；按 {best} 有 "
        "{s_there:.0%} 的点在街道 {near:.0f} 米内（按 {declared} 为 {s_here:.0%}，随机平移为 "
        "{chance:.0%}）"
    ),
    "error.input.datum_fix": "请为该图层设置 {setting}",
    "error.input.datum_fix_projected": "请把这些点从 {best} 经纬度转换为 WGS-84 后重新投影",
    "error.input.datum_swapped": (
        "{finding}；请在情景的列映射或文件中交换这两列，或设置 {keep} 以继续运行"
    ),
    "error.input.buildings_no_crs": "建筑图层没有坐标系；使用前请为其设置坐标系（如 EPSG:4326）",
    "error.input.buildings_not_polygon": "只能为多边形下载建筑，而不是 {kind}",
    "error.input.area_invalid": "研究区多边形无效（{reason}）",
    "error.input.area_not_lonlat": "研究区多边形不是以经纬度（WGS-84）表示的",
    "error.input.cache_is_file": "缓存文件夹是一个文件，而不是文件夹；请指定一个可写入的缓存文件夹",
    "error.input.cache_unwritable": "无法在该处写入建筑缓存（{reason}）；请指定一个可写入的缓存文件夹",
    "error.input.buildings_download": (
        "下载 OSM 建筑失败（首次运行需要联网，之后的运行使用 {cache} 中的缓存）：{reason}"
    ),
    "error.input.buildings_cache_unreadable": "缓存的下载文件无法读取（{reason}）；请删除该文件以重新下载",
    "error.input.buildings_unsaved": "无法保存下载的建筑（{reason}）；请指定一个可写入的缓存文件夹",
    "error.input.levels_unreadable": "{n} 栋建筑的 {tag} 无法读取（如 {values}）：已使用类型的默认值",
    "error.input.unknown_building_kind": "建筑估算不认识需求类型“{kind}”；已知类型：{known}",
    "error.input.no_buildings": "OpenStreetMap 在研究区多边形内没有建筑",
    # --- Network, outputs and planning
    "error.network.speed": "步行速度应为正数，实际为 {speed} 公里/小时",
    "error.network.missing_columns": "{file}：边表缺少列 {missing}；需要 u、v、geometry",
    "error.network.no_crs": "{file}：边表没有坐标系（CRS）",
    "error.network.not_lines": "{file}：第 {row} 行的几何类型为 {kind}；街道线段必须是线（共 {n} 行如此）",
    "error.network.no_segments": "{file}：没有街道线段",
    "error.network.cache_is_file": "{folder}：路网缓存文件夹是一个文件而不是文件夹；请在情景文件中把 network.cache_dir 设为可写入的文件夹",
    "error.network.cache_unwritable": "{folder}：无法在此写入路网缓存（{reason}）；请在情景文件中把 network.cache_dir 设为可写入的文件夹",
    "error.network.cache_save": "{file}：无法把下载的数据保存到缓存（{reason}）；请释放空间，或在情景文件中把 network.cache_dir 设为其他文件夹",
    "error.network.cache_unreadable": "{file}：缓存的下载数据无法读取（{reason}）；请删除该文件以重新下载",
    "error.download.unreachable": "无法连接 {url}：{reason}",
    "error.network.download_query": "下载需要且只需要 place、polygon 或 bbox 之一",
    "error.network.what_bbox": "范围 {bbox}",
    "error.network.what_area": "研究区多边形",
    "error.network.download_failed": "步行路网下载失败（{what}；首次运行需要联网，之后的运行使用 {cache} 中的缓存）：{reason}",
    "error.network.landcover_failed": "水域和绿地无法下载（{reason}）；地图将不显示它们（删除 {cache} 可重新下载两者）",
    "error.network.geocode_failed": "找不到“{place}”的边界（首次运行需要联网，之后的运行使用 {cache} 中的缓存）：{reason}",
    "error.network.geocode_not_area": "“{place}”的地理编码结果为 {kinds}，不是一个区域；请给出 [area] path",
    "error.network.unreadable": "{file}：无法读取的 {kind} 文件，是否被截断或已损坏？（{reason}）",
    "error.network.kind_bz2": "bzip2 压缩的 OSM XML",
    "error.network.kind_network": "路网",
    "error.network.no_street": "研究区内没有路网中的街道（请检查坐标系和研究区）",
    "error.network.no_edges": "{file}：图中没有边",
    "error.network.not_osmnx": "{file}：不是 osmnx 街道图（节点需要 x、y 坐标，图需要 crs；{reason}）",
    "error.network.not_found": "找不到路网文件：{file}",
    "error.network.unknown_format": "{file}：未知的路网格式；请使用 {formats} 或边表（{tables}）",
    "error.network.no_walkable": "{file}：其中 {n} 条道路都不是可步行的街道",
    "error.network.left_out": "（未采用：{shown}）",
    "error.network.ways_cut": "{file}：{n} 条街道在文件缺失的节点处被截断",
    "error.network.polygon_needs_area": "network.polygon = true 需要 [area] path",
    "error.output.cells_cut": (
        "{book}，工作表“{sheet}”，列“{column}”：有 {n} 个单元格超过 Excel 单元格的 {limit:,} "
        "个字符上限，已截断至上限，以“…”结尾（行 {rows}）"
    ),
    "error.output.reason.disk_full": "磁盘已满；请释放空间或选择其他输出文件夹",
    "error.output.reason.quota": "磁盘配额已用尽；请释放空间或选择其他输出文件夹",
    "error.output.reason.denied": "没有权限（文件夹是否只读？）；请选择其他输出文件夹",
    "error.output.reason.read_only": "文件系统为只读；请选择其他输出文件夹",
    "error.output.reason.folder_in_way": "已有同名文件夹；请删除它或换一个名称",
    "error.output.reason.name_too_long": "名称对文件系统而言过长",
    "error.output.not_utf8": "路径不是有效的 UTF-8（名称使用了其他编码），无法写入 GeoPackage；请重命名该文件夹或另选一个",
    "error.output.is_file": "输出文件夹是一个文件而不是文件夹；请删除该文件或选择其他输出文件夹",
    "error.output.parent_is_file": "输出文件夹是一个文件而不是文件夹（“{blocker}”是文件）；请删除该文件或选择其他输出文件夹",
    "error.output.cannot_create": "无法创建输出文件夹：{reason}",
    "error.output.cannot_write_in": "无法在输出文件夹中写入：{reason}",
    "error.output.cannot_remove": "上次运行留下的文件（并非本次结果），无法删除：{reason}",
    "error.output.cannot_write": "无法写入：{reason}",
    "error.output.report_is_folder": "报告路径是一个文件夹；请给出以 .html 结尾的文件名",
    "error.output.map_is_folder": "地图路径是一个文件夹；请给出以 .html 结尾的文件名",
    "error.output.paper": "应为 A4 或 A3",
    "error.output.print_suffix": "应为 .png 或 .pdf 文件",
    "error.output.layers_suffix": "应为 .gpkg（GeoPackage）、.geojson 或 .json（GeoJSON）文件",
    "error.output.edges_suffix": "应为 .parquet（GeoParquet）或 .gpkg（GeoPackage）文件",
    "error.output.no_cjk_font": "matplotlib 找不到中文字体：打印地图和图表上的中文名称与标题将无法显示，图中标注改用英文；请安装中文字体（Debian/Ubuntu：sudo apt-get install fonts-wqy-zenhei 或 fonts-noto-cjk）后重新运行",
    "error.plan.no_facility_rows": "没有可用的设施行",
    "error.plan.time_limit": "请给出大于 0 的秒数",
    "error.plan.no_candidate_rows": "没有可选的候选点：{files} 中没有角色为“候选”的可用行（已建 {existing} 行，排除 {excluded} 行，因无法使用而跳过 {skipped} 行）；请将可选地点标为候选，或将 [plan] grid_spacing_m 设为大于 0，或设置 [plan] osm_features = true",
    "error.plan.no_candidates": "没有候选点：请添加 [[candidates]] 图层、将 [plan] grid_spacing_m 设为大于 0（路网节点网格），或设置 [plan] osm_features = true（OSM 中的社区中心、图书馆、市政厅、商场和政府机关）",
    "error.plan.add_needs_candidates": "--add、--target、--stage 等规划选项需要候选点：请添加 [[candidates]] 图层、将 [plan] grid_spacing_m 设为大于 0（路网节点网格），或设置 [plan] osm_features = true（OSM 中的社区中心、图书馆、市政厅、商场和政府机关）",
    "error.plan.unknown_role": (
        "未知的角色“{role}”（可用 candidate、existing 或 excluded，或写作候选、已建、排除）"
    ),
    "error.plan.osm_features": "plan.osm_features 需要 .osm 路网文件、地名（place）或研究区",
    "error.plan.osm_download": (
        "下载候选点位的 OpenStreetMap 要素失败（plan.osm_features 需要联网，路网为 .osm 文件时除外）：{reason}"
    ),
    "error.plan.add_and_target": "--add 和 --target 只能给出其一",
    "error.plan.whole_sites": "请给出新增站点的整数个数，至少为 1",
    "error.plan.share": "请给出 0 到 1 之间的比例，例如 0.95",
    "error.plan.use": "可用 {choices}",
    "error.plan.model_needs_target": "{model} 求达到目标覆盖比例所需的最少新增站点：请给出 {ask}",
    "error.plan.model_needs_count": "{model} 按给定个数布设新增站点：请给出 {ask}",
    "error.plan.tier_staged": "--tier 用于单阶段规划；分阶段规划的层级见 [plan] tiers",
    "error.plan.unknown_tier": "未知层级（已知：{known}）",
    "error.plan.add_or_target": "请给出 --add N 或 --target 比例（或 [plan] add / target）",
    "error.plan.not_staged": "{tier} 不是分阶段规划的层级（[plan] tiers = {tiers}）",
    "error.plan.stage_and_add": "--stage {stage} 和 --add/--target 都设置了 {tier} 阶段：请只给出一个",
    "error.plan.stage_count": "请说明 {tier} 要新增几处：--stage {tier}=N，或 [plan] stage_add = {{ {tier} = N }}",
    "error.plan.stage_form": "请写成 层级=N，例如 {example}",
    "error.plan.stage_twice": "{tier} 给出了不止一次",
    "error.plan.highs_resolve": "HiGHS 返回的解与其目标值不符；正在重新求解",
    "error.plan.target_unreachable": "目标覆盖率 {target} 无法达到：现有设施或候选点步行 {minutes} 分钟内的需求最多占 {best}（{points} 个需求点共 {weight} 人不在任何设施或候选点的步行范围内）；请改为不超过 {suggest} 的目标（{ask}），或增加候选点",
    "error.plan.ask_target": "--target 或 [plan] target",
    "error.plan.capacity_ignored": "[plan] capacity = true 仅适用于最大覆盖模型和 P 中位模型；{model} 阶段不考虑容量",
    "error.plan.no_capacity": "[plan] capacity = true，但没有候选点给出容量（候选点文件中的“容量”列）：本次规划不考虑容量",
    "error.plan.node_lp": "分支定界中有一个节点的线性规划未能求解；该部分搜索按其上界计入",
    # The same, worded for Python callers (coverage.plan(add=…)): keyword arguments, not options
    "error.plan.api.add_and_target": "add= 和 target= 只能给出其一",
    "error.plan.api.add_or_target": "请给出 add=N 或 target=比例（或 [plan] add / target）",
    "error.plan.api.tier_staged": "tier= 用于单阶段规划；分阶段规划的层级见 [plan] tiers",
    "error.plan.api.unknown_tier": "未知层级；已知层级：{known}",
    "error.plan.api.stage_and_add": "stage_add={stage} 和 add=/target= 都设置了 {tier} 阶段：请只给出一个",
    "error.plan.api.stage_count": "请说明 {tier} 要新增几处：stage_add={{'{tier}': N}}，或 [plan] stage_add = {{ {tier} = N }}",
    "error.plan.api.add_needs_candidates": "add=、target=、stage_add= 等规划设置需要候选点：请添加 [[candidates]] 图层、将 [plan] grid_spacing_m 设为大于 0（路网节点网格），或设置 [plan] osm_features = true（OSM 中的社区中心、图书馆、市政厅、商场和政府机关）",
    "error.plan.api.ask_target": "target= 或 [plan] target",
    # --- Optional packages
    "error.package.missing": "{purpose}需要 Python 包“{package}”，但它未安装或无法导入（{reason}）；请用以下命令安装：pip install {package}",
    "error.purpose.osm_candidates": "从 OpenStreetMap 查找候选点位",
    "error.purpose.osm_files": "读取 OSM 文件（.osm、.osm.bz2、.osm.pbf）",
    "error.purpose.osmnx": "读取 OSM 文件和 GraphML、下载路网",
    "error.purpose.figures": "绘制静态地图和覆盖曲线",
    "error.purpose.buildings": "下载建筑轮廓",
}
