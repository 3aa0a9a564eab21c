"""Chinese names of the evaluation metrics, each with a one-line explanation, for people reading results.

The English names (``eval.metrics.METRIC_NAMES``) stay the keys of `policyqa eval --json`; these labels
are what the 评测 tab and the Excel results show beside them.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class MetricLabel:
    name: str          # the report key, e.g. hit@1
    chinese: str       # 首位命中率
    explanation: str   # one line: what a higher (or lower) value means


_LABELS = (
    MetricLabel("hit@1", "首位命中率", "第 1 条检索结果就是正确条款的题目比例"),
    MetricLabel("hit@5", "前 5 命中率", "正确条款出现在前 5 条检索结果中的题目比例"),
    MetricLabel("hit@10", "前 10 命中率", "正确条款出现在前 10 条检索结果中的题目比例"),
    MetricLabel("mrr@10", "平均倒数排名", "正确条款排第 1 计 1 分、第 2 计 1/2 分……取平均，越高越靠前"),
    MetricLabel("ndcg@10", "排序质量", "前 10 条结果中正确条款的位置越靠前分数越高（0–1）"),
    MetricLabel("lead_exact", "牵头单位全对率", "答案给出的牵头单位与标准答案完全一致的题目比例"),
    MetricLabel("lead_f1", "责任单位吻合度", "答案中的牵头和配合单位与标准答案的重合程度（F1，0–1）"),
    MetricLabel("fact_contains", "事实答对率", "答案包含标准答案要点（数字、日期、名称）的题目比例"),
    MetricLabel("abstain_recall", "无答案识别率", "语料中没有答案的题目里，系统如实说明“未找到依据”的比例"),
    MetricLabel("false_abstain", "误判无答案率", "有答案的题目却回答“未找到依据”的比例，越低越好"),
    MetricLabel("compare_coverage", "对比覆盖率", "对比题中应出现的文件被引用到的比例"),
    MetricLabel("citation_precision", "引用准确率", "答案的第 1 条引用正是正确条款的比例"),
    MetricLabel("task_recall", "任务清单查全率", "问某单位承担哪些任务时，标准清单里的任务被列出的比例"),
    MetricLabel("task_precision", "任务清单查准率", "列出的任务中确实属于该单位（该角色）的比例"),
    MetricLabel("latency_ms_p50", "响应时间中位数（毫秒）", "一半的问题在这个时间内得到回答，越低越好"),
    MetricLabel("latency_ms_p95", "响应时间 95 分位（毫秒）", "95% 的问题在这个时间内得到回答，越低越好"),
)
LABELS: dict[str, MetricLabel] = {label.name: label for label in _LABELS}


def label(name: str) -> MetricLabel:
    """The label of a metric; an unknown name labels itself (a metric added without a label yet)."""
    return LABELS.get(name, MetricLabel(name, name, ""))
