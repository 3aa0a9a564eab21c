"""Duty tables written as text: markdown pipe tables and columns aligned by spaces or tabs, as a table
copied from a web page or typed by hand lands in a .txt/.md file; any other text stays exactly as written."""

from __future__ import annotations

from pathlib import Path

import pytest

from policyqa.ingest.formats.text_tables import find_duty_tables
from policyqa.ingest.pipeline import parse_file
from policyqa.model import ParsedDocument

SPACED = """关于做好2023年重点工作的通知

附件：重点任务分工表

序号    工作任务                          牵头单位          配合单位            完成时限
1       建设市级数据共享交换平台，        市数据资源局      市发展改革委        2023年6月底前
        推动部门数据按需共享                                市经信局
2       开展营商环境评价                  市发展改革委                          2023年底前
3       推进工程建设项目审批制度改革      市住房城乡建设局  市自然资源和规划局  持续推进

各单位要按照分工抓好落实。
"""


def _rows(parsed: ParsedDocument) -> list:
    return [c for c in parsed.clauses if c.path and "分工表" in c.path[0] and c.kind == "clause"]


def test_space_aligned_table_with_wrapped_cells(tmp_path: Path) -> None:
    path = tmp_path / "plan.txt"
    path.write_text(SPACED, encoding="utf-8")
    parsed = parse_file(path)
    rows = _rows(parsed)
    assert [(r.leads, r.cooperating, r.deadline) for r in rows] == [
        (("市数据资源局",), ("市发展改革委", "市经信局"), "2023年6月底前"),
        (("市发展改革委",), (), "2023年底前"),
        (("市住房城乡建设局",), ("市自然资源和规划局",), "持续推进")]
    assert rows[0].text.startswith("建设市级数据共享交换平台，推动部门数据按需共享（")
    assert rows[0].path == ("附件 重点任务分工表", "第1行")
    # The sentence after the table is prose again.
    assert any(c.text == "各单位要按照分工抓好落实。" and not c.leads for c in parsed.clauses)


def test_markdown_table_with_line_breaks_in_cells(tmp_path: Path) -> None:
    path = tmp_path / "plan.md"
    path.write_text("# 某市行动方案\n\n**重点任务分工表**\n\n"
                    "| 序号 | 重点任务 | 责任单位 | 完成时间 |\n|:---:|---|---|---|\n"
                    "| 1 | 完善城市更新政策体系 | 市住房城乡建设局<br>市自然资源和规划局 | 2024年 |\n"
                    "| 2 | 实施老旧小区改造 | 各县区人民政府 | 2025年 |\n", encoding="utf-8")
    rows = _rows(parse_file(path))
    # 责任单位 without a 牵头 column: its units lead (the first table names the rest cooperating).
    assert [(r.leads, r.deadline) for r in rows] == [(("市住房城乡建设局", "市自然资源和规划局"), "2024年"),
                                                     (("各县区人民政府",), "2025年")]
    assert rows[0].path[0] == "重点任务分工表"


@pytest.mark.parametrize("text", [
    # A metadata table of a web page, and columns of figures: no task and unit columns.
    "| 索引号 | 11340000 |\n|---|---|\n| 发布机构 | 省政府办公厅 |\n",
    "指标      2022年    2025年\n地区生产总值增速    6%    6.5%\n",
    # Prose that names the columns without being a table.
    "各牵头单位要会同配合单位，明确重点任务和完成时限。\n　　各责任单位要加强协调。\n",
])
def test_other_text_stays_exactly_as_written(text: str, tmp_path: Path) -> None:
    path = tmp_path / "notice.txt"
    path.write_text(text, encoding="utf-8")
    assert find_duty_tables(text.split("\n")) == []
    assert parse_file(path).text == text


def test_lines_with_more_cells_than_the_header_end_the_table() -> None:
    lines = ["序号  重点任务  牵头单位", "1  建设平台  市数据资源局",
             "注：  表中  单位  按  职责  分工  负责  落实"]  # a note spread over the page, not a row
    (table,) = find_duty_tables(lines)
    assert (table.first, table.last) == (0, 2)


def test_a_supporting_column_names_cooperating_units(tmp_path: Path) -> None:
    path = tmp_path / "plan.md"
    path.write_text("青禾区数字治理行动计划\n\n附件：重点任务分工表\n\n| 序号 | 重点任务 | 牵头单位 | 支撑单位 |\n|---|---|---|---|\n"
                    "| 1 | 推进一网统管平台建设 | 区城运中心 | 区大数据中心、各街镇 |\n", encoding="utf-8")
    assert [(r.leads, r.cooperating) for r in _rows(parse_file(path))] == [(("区城运中心",), ("区大数据中心", "各街镇"))]


CELL_PER_LINE = """青禾区优化营商环境行动方案

附件

重点任务分工表

序号
重点任务
牵头单位
配合单位
1
推行企业开办一网通办
区市场监管局
区政务服务办、区税务局
2
建设产业用地预供应机制
区规划资源局
区发展改革委
3
开展营商环境体验官活动
区营商办

各单位要按照分工抓好落实。
"""


def test_a_table_copied_one_cell_per_line(tmp_path: Path) -> None:
    path = tmp_path / "plan.txt"
    path.write_text(CELL_PER_LINE, encoding="utf-8")
    rows = [c for c in parse_file(path).clauses if c.has_responsibility]
    assert [(r.text.split("（")[0].split("。")[0], r.leads, r.cooperating) for r in rows] == [
        ("推行企业开办一网通办", ("区市场监管局",), ("区政务服务办", "区税务局")),
        ("建设产业用地预供应机制", ("区规划资源局",), ("区发展改革委",)),
        ("开展营商环境体验官活动", ("区营商办",), ())]


def test_a_markdown_table_without_outer_pipes(tmp_path: Path) -> None:
    path = tmp_path / "plan.md"
    path.write_text("青禾区数字治理行动计划\n\n附件：重点任务分工表\n\n序号 | 重点任务 | 牵头单位 | 配合单位\n---|---|---|---\n"
                    "1 | 推进一网统管平台建设 | 区城运中心 | 区大数据中心、各街镇\n2 | 建设城市数字底座 | 区大数据中心 | 区科委\n\n"
                    "各单位要抓好落实 | 按月报送进展。\n", encoding="utf-8")
    assert [(r.leads, r.cooperating) for r in _rows(parse_file(path))] == [
        (("区城运中心",), ("区大数据中心", "各街镇")), (("区大数据中心",), ("区科委",))]


def test_a_traditional_script_table(tmp_path: Path) -> None:
    path = tmp_path / "plan.txt"
    path.write_text("青禾區數字治理行動計劃\n\n附件\n\n重點任務分工表\n\n序號\n重點任務\n牽頭單位\n配合單位\n"
                    "1\n推進一網統管平臺建設\n區城運中心\n區大數據中心、各街鎮\n", encoding="utf-8")
    rows = [c for c in parse_file(path).clauses if c.has_responsibility]
    assert [(r.leads, r.cooperating) for r in rows] == [(("區城運中心",), ("區大數據中心", "各街鎮"))]
