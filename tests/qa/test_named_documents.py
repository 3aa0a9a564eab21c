"""Documents a question names — by 文号 in any brackets, or by their titles written whole — are the documents
it asks about; two named are compared side by side, though they share one issuer and no place tells them
apart. Three national documents written for this test, ingested as plain files."""

from __future__ import annotations

import pytest

from policyqa.ingest.metadata.docnumber import docnumber_key, docnumbers_written
from tests.qa.test_evidence_abstention import _engine_over

OCEAN = """国务院关于加快远洋渔业转型发展的意见
国发〔2030〕7号
各省、自治区、直辖市人民政府，国务院各部委、各直属机构：
一、加强人才培养。支持涉海高校扩大远洋渔业专业招生规模，每年培训船员2万人次。
二、完善装备。更新远洋渔船500艘。
国务院
2030年3月2日
"""
ORCHARD = """国务院办公厅关于推进山地果园机械化的通知
国办发〔2031〕12号
各省、自治区、直辖市人民政府：
一、强化人才培养。依托职业院校开设果园农机专业，培育农机手5万名。
二、推广机具。支持研发轻简型山地果园运输机。
国务院办公厅
2031年5月8日
"""
GRASSLAND = """国务院办公厅关于加强草原牧区防灾减灾的通知
国办发〔2031〕30号
各省、自治区、直辖市人民政府：
一、注重人才培养。建立牧区防灾减灾专家库，培训基层防灾员1万名。
二、储备物资。建设饲草料储备库100座。
国务院办公厅
2031年9月1日
"""


@pytest.fixture(scope="module")
def national(request, tmp_path_factory):  # noqa: ANN001, ANN201 - QAEngine
    engine = _engine_over(request, tmp_path_factory, "national", {"ocean.txt": OCEAN, "orchard.txt": ORCHARD,
                                                                   "grassland.txt": GRASSLAND})
    yield engine
    engine.index.close()


def _titles(answer) -> set[str]:  # noqa: ANN001
    return {c.clause.doc_title for c in answer.citations}


def test_a_docnumber_written_with_other_brackets_names_its_document(national) -> None:  # noqa: ANN001
    answer = national.ask("国办发[2031]12号文件在人才培养上有什么要求？")
    assert _titles(answer) == {"国务院办公厅关于推进山地果园机械化的通知"} and "农机手" in answer.text
    answer = national.ask("国办发2031年30号文件在人才培养上有什么要求？")
    assert _titles(answer) == {"国务院办公厅关于加强草原牧区防灾减灾的通知"} and "防灾员" in answer.text


def test_two_documents_named_by_docnumber_are_compared(national) -> None:  # noqa: ANN001
    answer = national.ask("国发〔2030〕7号和国办发2031年30号在人才培养上分别怎么安排？")
    assert answer.intent == "compare", answer.text
    assert _titles(answer) == {"国务院关于加快远洋渔业转型发展的意见", "国务院办公厅关于加强草原牧区防灾减灾的通知"}, answer.text


def test_two_titles_written_whole_are_compared(national) -> None:  # noqa: ANN001
    answer = national.ask("关于推进山地果园机械化的通知和关于加强草原牧区防灾减灾的通知对人才培养怎么规定？")
    assert answer.intent == "compare"
    assert _titles(answer) == {"国务院办公厅关于推进山地果园机械化的通知", "国务院办公厅关于加强草原牧区防灾减灾的通知"}


def test_docnumber_keys_ignore_brackets_and_keep_the_words() -> None:
    assert docnumber_key("国办发﹝2031﹞ 12号") == docnumber_key("国办发〔2031〕12号") == ("国办发", "2031", "12")
    written = docnumbers_written("按国发2030年7号文和国办发[2031]第012号执行")
    assert [key[1:] for key, _ in written] == [("2030", "7"), ("2031", "12")]
    assert written[1][0][0].endswith("国办发")  # the organ may hold the words before it: compared by its end


def test_documents_listed_by_part_of_their_titles_are_compared(national) -> None:  # noqa: ANN001
    answer = national.ask("远洋渔业那份意见和草原牧区防灾那份通知，在人才培养上有何异同？")
    assert answer.intent == "compare"
    assert _titles(answer) == {"国务院关于加快远洋渔业转型发展的意见", "国务院办公厅关于加强草原牧区防灾减灾的通知"}, answer.text


@pytest.mark.parametrize(("words", "title"), [
    ("渔业转型意见", "国务院关于加快远洋渔业转型发展的意见"),
    ("牧区防灾通知里", "国务院办公厅关于加强草原牧区防灾减灾的通知"),
    ("山地果园通知在机具方面", "国务院办公厅关于推进山地果园机械化的通知"),
    # Words of every title, of no title, or a kind no title has name nothing.
    ("国务院办公厅的通知", ""), ("人才培养意见", ""), ("远洋渔业方案", ""), ("远洋渔业", ""),
])
def test_document_abbreviated_by_title_words_and_kind(national, words, title) -> None:  # noqa: ANN001
    named = national.corpus.document_abbreviated(words)
    assert (national.corpus.documents[named[0]].title if named else "") == title


def test_documents_abbreviated_side_by_side_are_compared(national) -> None:  # noqa: ANN001
    # No word of comparison: the two documents listed make it one.
    answer = national.ask("远洋渔业意见和牧区防灾通知对人才培养怎么要求？")
    assert answer.intent == "compare"
    assert _titles(answer) == {"国务院关于加快远洋渔业转型发展的意见", "国务院办公厅关于加强草原牧区防灾减灾的通知"}, answer.text
