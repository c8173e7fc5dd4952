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
    # --- Input files
    # --- Network, outputs and planning
}
