"""A document's date from its own text and file name, as precise as they give it, and never invented."""

from __future__ import annotations

import pytest

from policyqa.ingest.metadata.dates import infer_date


@pytest.mark.parametrize(("text", "date"), [
    # A speech's session line, in its usual forms.
    ("政府工作报告\n——2023年1月9日在某某市第五届人民代表大会第二次会议上\n各位代表：\n", "2023-01-09"),
    ("政府工作报告\n\n——2023年2月3日在某某市第六届人民代表大会\n\n第六次会议上\n\n各位代表：\n", "2023-02-03"),
    ("政府工作报告\n----2023年1月15日张某市长在某某市第十六届人民代表大会第三次会议的政府工作报告\n", "2023-01-15"),
    ("政府工作报告\n2023年1月14日在某某省第十四届人民代表大会第三次会议上某某省省长作政府工作报告。\n", "2023-01-14"),
    ("政府工作报告\n（2023年1月在某某县第一届人民代表大会第二次会议上）\n各位代表：\n", "2023-01"),
    # A labelled date, made precise by a signing date that agrees with it.
    ("**发布日期**: 2022年5月26日\n正文。\n", "2022-05-26"),
    ("**发布日期**: 2022年5月\n正文。\n某某部\n2022年5月18日\n", "2022-05-18"),
    ("成文日期：2021-03-02\n正文。\n", "2021-03-02"),
    # The signing date under the title or at the end after the issuer.
    ("某某市人民政府办公室关于印发某某方案的通知\n各县区：\n现将方案印发给你们。\n某某市人民政府办公室\n2021年8月9日\n", "2021-08-09"),
    ("关于某某工作的通知\n正文。\n某某省人民政府办公厅 2021年9月2日\n", "2021-09-02"),
])
def test_dates_the_text_gives(text: str, date: str) -> None:
    assert infer_date(text)[0] == date


@pytest.mark.parametrize("text", [
    "- **发布日期**：2020-2022年期间\n某某三年行动计划（2020-2022年）\n",  # a period, not a date
    "某某方案\n一、2022年3月5日起，开展专项行动。\n二、到2025年，建成示范区。\n",  # dates in running text
    "某某方案\n2022年13月40日\n",  # no such day
])
def test_no_date_where_the_text_gives_none(text: str) -> None:
    assert infer_date(text) == ("", "")


def test_the_file_name_gives_a_full_date_but_a_hash_name_gives_none() -> None:
    assert infer_date("某某通知\n正文。\n", file_stem="2023-04-07_某某通知") == ("2023-04-07", "inferred:filename")
    assert infer_date("某某通知\n正文。\n", file_stem="某某通知20230407") == ("2023-04-07", "inferred:filename")
    assert infer_date("某某通知\n正文。\n", file_stem="001_99c20230407b8bb") == ("", "")


def test_a_work_report_without_a_date_line_is_of_the_year_after_the_one_it_reviews() -> None:
    assert infer_date("各位代表：\n一、2022年工作回顾\n过去一年……\n", speech=True) == ("2023", "inferred:body")
