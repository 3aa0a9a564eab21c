"""The one data model that travels through ingest → index → qa → ui: Document and Clause."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

# 2: Document gained ``docnumber`` and ``provenance``; Clause gained ``responsible``. Version-1 dicts
# still load (the new fields take their defaults).
SCHEMA = 2

CLAUSE_KINDS = ("clause", "heading", "paragraph", "preamble")


@dataclass(frozen=True, slots=True)
class Document:
    """One source document and its metadata.

    ``doc_id`` is stable across edits of the same file (catalog id, or the file name slug);
    ``sha256`` is the hash of its original text and decides whether a re-ingest changes anything.
    ``provenance`` says where each metadata field came from, as ``(field, source)`` pairs:
    ``catalog`` / ``sidecar`` (given), or ``inferred:title`` / ``inferred:filename`` /
    ``inferred:docnumber`` / ``inferred:body`` … (read from the document itself).
    """

    doc_id: str
    title: str
    sha256: str
    source_path: str = ""            # file name as ingested (never used as a path on its own)
    issuer: str = ""
    province: str = ""
    city: str = ""
    district: str = ""
    level: str = ""                  # province / city / district
    date: str = ""                   # as precise as the text allows: 2022, 2022-05, 2022-05-08
    doc_type: str = ""               # 工作方案 / 行动计划 / 实施意见 / 新闻报道 / …
    script: str = "simplified"       # simplified / traditional
    source_note: str = ""
    docnumber: str = ""              # 文号, e.g. 宿政办发〔2022〕5号
    provenance: tuple[tuple[str, str], ...] = ()

    def __post_init__(self) -> None:
        if not self.doc_id:
            raise ValueError("Document.doc_id must not be empty")
        if not isinstance(self.provenance, tuple):
            raise ValueError("Document.provenance must be a tuple of (field, source) pairs")
        if not self.title:
            raise ValueError(f"Document.title must not be empty ({self.doc_id})")

    @property
    def region(self) -> str:
        """Province + city + district as one string, e.g. 安徽省宿州市埇桥区."""
        return f"{self.province}{self.city}{self.district}"

    def source_of(self, name: str) -> str:
        """Where field ``name`` came from (``catalog``, ``inferred:title`` …), or ``""`` if unrecorded."""
        return dict(self.provenance).get(name, "")

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["provenance"] = dict(self.provenance)
        return {"schema": SCHEMA, **data, "region": self.region}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Document:
        names = cls.__dataclass_fields__
        values = {k: v for k, v in data.items() if k in names}
        provenance = values.get("provenance", ())
        items = provenance.items() if isinstance(provenance, dict) else provenance
        values["provenance"] = tuple((str(k), str(v)) for k, v in items)
        return cls(**values)


@dataclass(frozen=True, slots=True)
class Clause:
    """One numbered clause of a plan (or one sentence group of a news report).

    ``numbering`` is the clause's numbering path exactly as written, without punctuation, e.g.
    ("五", "31") or ("二", "（三）", "2"); ``path`` is what a reader sees: the enclosing headings'
    full text and then the clause's own number, e.g. ("五、实施长三角绿色农产品生产加工供应基地建设行动", "31").
    ``text`` is the original text (display, citation); ``search_text`` its normalised form (indexes).
    ``start``/``end`` are character offsets of ``text`` in the document's original text.
    ``part`` > 0 marks the continuation pieces of a long clause that was split at sentence boundaries.
    """

    doc_id: str
    numbering: tuple[str, ...]
    path: tuple[str, ...]
    text: str
    search_text: str
    start: int
    end: int
    doc_title: str = ""
    region: str = ""
    doc_type: str = ""
    kind: str = "clause"             # clause / heading / paragraph / preamble
    part: int = 0
    leads: tuple[str, ...] = ()      # 牵头单位 (or the first of a 责任单位 list where the document says so)
    cooperating: tuple[str, ...] = ()  # 配合单位 / 按职责分工负责 after a 牵头
    responsible: tuple[str, ...] = ()  # 责任单位 with no lead named among them
    page: int | None = None          # PDF page number (1-based) where the clause starts
    deadline: str = ""               # 完成时限 of a 责任分工表 row
    ocr: bool = False                # text recognised from a scanned page (may hold OCR errors)

    def __post_init__(self) -> None:
        if not self.doc_id:
            raise ValueError("Clause.doc_id must not be empty")
        if self.kind not in CLAUSE_KINDS:
            raise ValueError(f"Clause.kind must be one of {CLAUSE_KINDS}, got {self.kind!r}")
        if not 0 <= self.start <= self.end:
            raise ValueError(f"Clause span ({self.start}, {self.end}) is not a valid range")
        for name in ("numbering", "path", "leads", "cooperating", "responsible"):
            if not isinstance(getattr(self, name), tuple):
                raise ValueError(f"Clause.{name} must be a tuple")

    @property
    def clause_id(self) -> str:
        """Stable id: document id + numbering path (+ part), e.g. ``suzhou-yrd-action-plan-2021:五/31``."""
        key = "/".join(self.numbering) or "0"
        return f"{self.doc_id}:{key}" + (f"#{self.part}" if self.part else "")

    @property
    def has_responsibility(self) -> bool:
        return bool(self.leads or self.cooperating or self.responsible)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        for name in ("numbering", "path", "leads", "cooperating", "responsible"):
            data[name] = list(data[name])
        return {"schema": SCHEMA, "clause_id": self.clause_id, **data}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Clause:
        names = cls.__dataclass_fields__
        values = {k: v for k, v in data.items() if k in names}
        for name in ("numbering", "path", "leads", "cooperating", "responsible"):
            values[name] = tuple(values.get(name, ()))
        return cls(**values)


@dataclass(frozen=True, slots=True)
class ParsedDocument:
    """A document with its original text and its clauses, in reading order."""

    document: Document
    text: str
    clauses: tuple[Clause, ...] = field(default=())
