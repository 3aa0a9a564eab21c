"""Questions for a document's own particulars — its 文号, its issuer, the date it was issued — answered from
the document's metadata, which ingest read from its text, file name or catalog, with the clause that shows it.

The wording that asks for each field is data (``metadata.toml``).
"""

from __future__ import annotations

import functools
import re
import sys
from pathlib import Path

from policyqa.ingest.normalize import to_search_form
from policyqa.model import Clause, Document
from policyqa.qa.answer import Answer
from policyqa.qa.answerers.citations import cite

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

_VOCABULARY = Path(__file__).with_name("metadata.toml")
_LABELS = {"docnumber": ("文号", "document number"), "issuer": ("发文机关", "issuer"),
           "date": ("印发日期", "date")}


@functools.lru_cache(maxsize=1)
def _vocabulary() -> tuple[dict[str, re.Pattern[str]], re.Pattern[str]]:
    data = tomllib.loads(_VOCABULARY.read_text(encoding="utf-8"))
    fields = {field: re.compile("|".join(patterns), re.IGNORECASE) for field, patterns in data["fields"].items()}
    return fields, re.compile("|".join(data["other_document"]["patterns"]), re.IGNORECASE)


def asked_fields(query: str) -> tuple[str, ...]:
    """The metadata fields a question asks for (``docnumber`` / ``issuer`` / ``date``), in that order;
    none when it asks them of another document than the one it is about (依据的…文件的文号)."""
    text = to_search_form(query)
    fields, other = _vocabulary()
    if other.search(text):
        return ()
    return tuple(field for field, pattern in fields.items() if pattern.search(text))


def metadata_answer(question: str, fields: tuple[str, ...], doc: Document, clauses: list[Clause], *,
                    english: bool) -> Answer | None:
    """The fields' values for ``doc``, citing the clause that writes the first (else the document's first
    clause); ``None`` when its metadata lacks one of them: the text may still say it."""
    values = [(_LABELS[f][1 if english else 0], _value(doc, f), f) for f in fields]
    if not values or not all(value for _, value, _ in values):
        return None
    shown = _writing(values[0][1], values[0][2])
    clause = next((c for c in clauses if any(w in _compact(c.text) for w in shown)), clauses[0] if clauses else None)
    cited = cite([(clause, 1.0)]) if clause is not None else ()
    text = (f"《{doc.title}》: " + "; ".join(f"{label} {value}" for label, value, _ in values) + "." if english
            else f"《{doc.title}》" + "；".join(f"{label}：{value}" for label, value, _ in values) + "。")
    return Answer(question, text + ("[1]" if cited else ""), "fact", citations=cited)


def _compact(text: str) -> str:
    return re.sub(r"\s+", "", to_search_form(text))


def _value(doc: Document, field: str) -> str:
    if field == "date":
        parts = doc.date.split("-") if doc.date else []
        return "".join(f"{int(p)}{unit}" for p, unit in zip(parts, ("年", "月", "日")))
    return getattr(doc, field)


def _writing(value: str, field: str) -> list[str]:
    """Forms in which a clause may write the value (a date as 2034年3月5日 or 2034-03-05)."""
    forms = [_compact(value)]
    if field == "docnumber":
        forms.append(_compact(re.sub(r"[〔［\[（(【﹝]|[〕］\])）】﹞]", "", value)))
    return forms
