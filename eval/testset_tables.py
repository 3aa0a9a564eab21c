"""Staff's own test sets as tables: CSV or Excel rows → the same ``TestCase``s as a JSON Lines set.

One row per question; the first row holds the column names (Chinese, or the JSONL field names):

| column | meaning |
|---|---|
| 问题 (question) | the question, required |
| 牵头单位 (leads) | expected lead units, separated by 、 or ; — makes it a responsibility question |
| 配合单位 (cooperating) | expected cooperating units (optional) |
| 答案 (answer) | a fact the answer must contain (a figure, a date, a name); ``无答案`` = the corpus has no answer |
| 条款 (clause) | a distinctive piece of the clause that answers it, copied from the document (optional) |
| 文件 (document) | the id of the document that holds the answer (optional; `policyqa docs` lists ids) |
| 编号 (id) | a question id (optional; default ``row-N``) |

A row must say what a right answer is: lead units, an answer, a clause, or 无答案. The format and a
template are in eval/testsets/FORMAT.md and ``write_template``.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path

from policyqa.eval.errors import TestSetError
from policyqa.eval.testset import TestCase

TABLE_SUFFIXES = (".csv", ".xlsx")
NO_ANSWER = "无答案"
# Column name → field; Chinese first (what the template uses), then the JSONL names and English.
COLUMNS: dict[str, str] = {
    "问题": "question", "牵头单位": "leads", "配合单位": "cooperating", "答案": "answer", "条款": "clause",
    "文件": "document", "编号": "id",
    "question": "question", "leads": "leads", "cooperating": "cooperating", "answer": "answer",
    "clause": "clause", "gold_clauses": "clause", "document": "document", "gold_docs": "document", "id": "id",
}
TEMPLATE_HEADERS = ("编号", "问题", "牵头单位", "配合单位", "答案", "条款", "文件")
# Examples over the bundled corpus, written from its text (宿州 plan clause 五/31, 埇桥 pairing plan).
TEMPLATE_ROWS = (
    ("q1", "宿州市冷链物流项目建设由哪个部门牵头？", "市发展改革委", "市商务局、市农业农村局、市交通运输局、各县区人民政府", "",
     "加快农产品产地批发市场、冷链物流等项目建设", "suzhou-yrd-action-plan-2021"),
    ("q2", "火星基地的氧气工厂由哪个部门负责？", "", "", NO_ANSWER, "", ""),
)
_SPLIT = re.compile(r"[、;；,，\n]+")


def load_any_testset(name_or_path: str | Path) -> list[TestCase]:
    """A bundled name or a ``.jsonl`` path (``eval.testset.load_testset``), or a ``.csv``/``.xlsx`` table."""
    from policyqa.eval.testset import load_testset

    if Path(str(name_or_path)).suffix.lower() in TABLE_SUFFIXES:
        path = Path(name_or_path).expanduser()
        if not path.is_file():
            raise TestSetError(path, 0, "no such file")
        return load_table_testset(path)
    return load_testset(name_or_path)


def load_table_testset(path: Path) -> list[TestCase]:
    """Read and validate a CSV (UTF-8, with or without BOM) or Excel (.xlsx, first sheet) test set.

    Raises:
        TestSetError: as ``path:row: problem`` (row numbers as a spreadsheet shows them, header = 1).
    """
    path = Path(path)
    rows = list(_rows(path))
    if not rows:
        raise TestSetError(path, 0, "the table is empty; the first row must name the columns (问题, 牵头单位, …)")
    header, body = rows[0], rows[1:]
    fields = _fields(path, header)
    cases: list[TestCase] = []
    seen: dict[str, int] = {}
    for number, values in enumerate(body, start=2):
        if not any(v.strip() for v in values):
            continue
        record = {fields[i]: v.strip() for i, v in enumerate(values) if i in fields and v.strip()}
        case = row_case(record, path=path, row=number)
        if case.id in seen:
            raise TestSetError(path, number, f"duplicate 编号 {case.id!r} (first on row {seen[case.id]})")
        seen[case.id] = number
        cases.append(case)
    if not cases:
        raise TestSetError(path, 0, "the table holds no questions (only its header row)")
    return cases


def _fields(path: Path, header: list[str]) -> dict[int, str]:
    fields: dict[int, str] = {}
    for i, name in enumerate(header):
        key = name.strip().split("(")[0].split("（")[0].strip()
        if not key:
            continue
        field = COLUMNS.get(key) or COLUMNS.get(key.lower())
        if field is None:
            known = "、".join(TEMPLATE_HEADERS)
            raise TestSetError(path, 1, f"unknown column {name!r}; columns: {known}")
        fields[i] = field
    if "question" not in fields.values():
        raise TestSetError(path, 1, "missing column 问题 (question)")
    return fields


def row_case(record: dict[str, str], *, path: Path | str = "<table>", row: int = 0) -> TestCase:
    """One row (field → text) as a ``TestCase``; raises ``TestSetError`` naming ``path:row``."""
    question = record.get("question", "")
    if not question:
        raise TestSetError(path, row, "empty 问题 (question)")
    leads, cooperating = _units(record.get("leads", "")), _units(record.get("cooperating", ""))
    answer, clauses = record.get("answer", ""), _clauses(record.get("clause", ""))
    docs = _units(record.get("document", ""))
    case_id = record.get("id") or f"row-{row}"
    if answer == NO_ANSWER:
        if leads or clauses:
            raise TestSetError(path, row, f"a {NO_ANSWER} row must not name 牵头单位 or 条款")
        return TestCase(case_id, question, "unanswerable", _lang(question), NO_ANSWER, line=row)
    if not (leads or answer or clauses):
        raise TestSetError(path, row, f"say what a right answer is: 牵头单位, 答案 or 条款 (or {NO_ANSWER})")
    if cooperating and not leads:
        raise TestSetError(path, row, "配合单位 without 牵头单位")
    intent = "responsibility" if leads else ("fact" if answer else "general")
    shown = answer or "、".join(leads) or clauses[0]
    return TestCase(case_id, question, intent, _lang(question), shown, gold_docs=docs, gold_clauses=clauses,
                    leads=leads, cooperating=cooperating, answer_contains=(answer,) if answer else (), line=row)


def _units(text: str) -> tuple[str, ...]:
    return tuple(u.strip() for u in _SPLIT.split(text) if u.strip())


def _clauses(text: str) -> tuple[str, ...]:
    # A clause excerpt holds 、 and ， itself: only line breaks and ； separate several.
    return tuple(c.strip() for c in re.split(r"[\n;；]+", text) if c.strip())


def _lang(question: str) -> str:
    return "zh" if re.search(r"[\u4e00-\u9fff]", question) else "en"


def _rows(path: Path) -> Iterator[list[str]]:
    if path.suffix.lower() == ".xlsx":
        yield from _xlsx_rows(path)
        return
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise TestSetError(path, 0, "not UTF-8 text; in Excel save as “CSV UTF-8”, or upload the .xlsx") from exc
    yield from csv.reader(io.StringIO(text))


def _xlsx_rows(path: Path) -> Iterator[list[str]]:
    from zipfile import BadZipFile

    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (BadZipFile, OSError, KeyError, ValueError) as exc:
        raise TestSetError(path, 0, f"not a readable Excel .xlsx file ({exc})") from exc
    try:
        for values in book.worksheets[0].iter_rows(values_only=True):
            yield ["" if v is None else str(v) for v in values]
    finally:
        book.close()


def write_template(path: Path) -> Path:
    """An Excel template with the columns and two example rows (one 无答案); returns ``path``."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "测试集"
    sheet.append(list(TEMPLATE_HEADERS))
    for row in TEMPLATE_ROWS:
        sheet.append(list(row))
    for column, width in zip("ABCDEFG", (8, 36, 20, 28, 16, 40, 30)):
        sheet.column_dimensions[column].width = width
    book.save(path)
    return path
