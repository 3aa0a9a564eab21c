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
def _fields() -> dict[str, re.Pattern[str]]:
    data = tomllib.loads(_VOCABULARY.read_text(encoding="utf-8"))["fields"]
    return {field: re.compile("|".join(patterns), re.IGNORECASE) for field, patterns in data.items()}


def asked_field(query: str) -> str:
    """The metadata field a question asks for (``docnumber`` / ``issuer`` / ``date``), or ''."""
    text = to_search_form(query)
    return next((field for field, pattern in _fields().items() if pattern.search(text)), "")


def metadata_answer(question: str, field: str, doc: Document, clauses: list[Clause], *, english: bool) -> Answer:
    """The field's value for ``doc``, citing the clause that writes it (else the document's first clause);
    an abstention saying the document does not give it when its metadata lacks the field."""
    value = _value(doc, field)
    label = _LABELS[field][1 if english else 0]
    if not value:
        text = (f"Not found in the corpus: 《{doc.title}》 gives no {label}." if english
                else f"语料中未找到依据：《{doc.title}》未写明{label}。")
        return Answer(question, text, "fact", abstained=True)
    shown = _writing(value, field)
    clause = next((c for c in clauses if any(w in to_search_form(c.text) for w in shown)), clauses[0] if clauses else None)
    cited = cite([(clause, 1.0)]) if clause is not None else ()
    text = (f"The {label} of 《{doc.title}》 is {value}." if english else f"《{doc.title}》的{label}：{value}。")
    return Answer(question, text + ("[1]" if cited else ""), "fact", citations=cited)


def _value(doc: Document, field: str) -> str:
    if field == "date":
        parts = doc.date.split("-") if doc.date else []
        return "".join(f"{int(p)}{unit}" for p, unit in zip(parts, ("年", "月", "日")))
    return getattr(doc, field)


def _writing(value: str, field: str) -> list[str]:
    """Forms in which a clause may write the value (a date as 2034年3月5日 or 2034-03-05)."""
    forms = [to_search_form(value)]
    if field == "docnumber":
        forms.append(to_search_form(re.sub(r"[〔［\[（(【﹝]|[〕］\])）】﹞]", "", value)))
    return forms
