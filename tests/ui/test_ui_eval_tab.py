"""The 评测 tab's pieces: one labelled progress bar per phase, with counts."""

from __future__ import annotations

from policyqa.ui.tabs.evaluate import phase_progress


class _Bar:
    """Records what a gr.Progress would be told (called as progress((done, total), desc=...))."""

    def __init__(self) -> None:
        self.calls: list[tuple[tuple[int, int], str]] = []

    def __call__(self, value: tuple[int, int], *, desc: str) -> None:
        self.calls.append((value, desc))


def test_each_phase_is_labelled_with_its_counts() -> None:
    bar = _Bar()
    tick = phase_progress(bar, True)
    for line in ("policyqa: 1/2", "policyqa: 2/2", "baseline: 0/2", "baseline: 1/2", "not a tick"):
        tick(line)
    assert [v for v, _ in bar.calls] == [(1, 2), (2, 2), (0, 2), (1, 2)]
    labels = [d for _, d in bar.calls]
    assert labels[0] == "阶段 1/2 · policyqa 作答：第 1/2 题"
    assert labels[2].startswith("阶段 2/2 · 基线 (baseline) 作答：") and "嵌入" in labels[2]
    assert labels[3] == "阶段 2/2 · 基线 (baseline) 作答：第 1/2 题"
    alone = _Bar()
    phase_progress(alone, False)("policyqa: 1/3")
    assert alone.calls == [((1, 3), "阶段 1/1 · policyqa 作答：第 1/3 题")]
