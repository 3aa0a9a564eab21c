"""The corpora the bench measures: the bundled seed corpus, corpus-extra, and recombined scale corpora.

Scale corpora are built from real clause texts so that BM25 sees a realistic vocabulary and
term-frequency distribution: each synthetic clause is a real clause with its sentences shuffled by a
seeded RNG, sometimes with one sentence of another clause spliced in. The same seed gives the same corpus.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Sequence

from policyqa.model import Clause, Document, ParsedDocument

# Sources in corpus-extra that are question sets, not documents, and the .docx twins of the .txt
# province reports (the same 31 texts): the 210 documents are the .txt and .md files elsewhere.
_EXTRA_SKIP_PREFIX = "qa-"
_EXTRA_SUFFIXES = (".txt", ".md")
_EXTRA_SKIP_NAMES = ("SOURCES.md",)

_SENTENCE_END = re.compile(r"(?<=[。；！？;!?])")
_MAX_CLAUSE_CHARS = 400        # the parser's own clause cap is of this order
CLAUSES_PER_DOC = 100          # a long plan; 1M clauses make 10k documents


def default_extra_dir() -> Path:
    """``../shared/corpus-extra`` beside the repository (may not exist)."""
    return Path(__file__).resolve().parents[3] / "shared" / "corpus-extra"


def extra_files(extra_dir: Path, *, max_chars: int | None = None) -> list[Path]:
    """corpus-extra's documents (txt + md, no QA sets), sorted; ``max_chars`` takes a sample.

    The sample is taken round-robin over the sub-folders (sources) so every kind of document is in it,
    and stops once the texts reach ``max_chars`` characters (the dense model embeds ~1k chars/s here,
    so the 3.2M characters of the full set take the better part of an hour).
    """
    files = sorted(p for p in extra_dir.rglob("*") if p.is_file() and p.suffix.lower() in _EXTRA_SUFFIXES
                   and p.name not in _EXTRA_SKIP_NAMES
                   and not p.relative_to(extra_dir).parts[0].startswith(_EXTRA_SKIP_PREFIX))
    if max_chars is None:
        return files
    by_source: dict[str, list[Path]] = {}
    for p in files:
        by_source.setdefault(p.relative_to(extra_dir).parts[0], []).append(p)
    picked, total = [], 0
    queues = [iter(v) for _, v in sorted(by_source.items())]
    while queues and total < max_chars:
        for q in list(queues):
            p = next(q, None)
            if p is None:
                queues.remove(q)
                continue
            picked.append(p)
            total += len(p.read_text(encoding="utf-8", errors="replace"))
            if total >= max_chars:
                break
    return sorted(picked)


@dataclass(frozen=True)
class PoolClause:
    """A real clause's searchable text and responsibility units: the material of the scale corpora."""

    text: str
    leads: tuple[str, ...]
    cooperating: tuple[str, ...]
    title: str
    region: str


def clause_pool(parsed: Sequence[ParsedDocument]) -> list[PoolClause]:
    """Every non-empty clause of the parsed documents, in order."""
    return [PoolClause(c.search_text, c.leads, c.cooperating, p.document.title, p.document.region)
            for p in parsed for c in p.clauses if c.search_text.strip()]


def save_pool(pool: Sequence[PoolClause], path: Path) -> None:
    with open(path, "w", encoding="utf-8") as f:
        for c in pool:
            f.write(json.dumps([c.text, c.leads, c.cooperating, c.title, c.region], ensure_ascii=False) + "\n")


def load_pool(path: Path) -> list[PoolClause]:
    with open(path, encoding="utf-8") as f:
        return [PoolClause(t, tuple(le), tuple(co), ti, r) for t, le, co, ti, r in map(json.loads, f)]


def _recombine(rng: random.Random, pool: Sequence[PoolClause]) -> PoolClause:
    base = pool[rng.randrange(len(pool))]
    sentences = [s for s in _SENTENCE_END.split(base.text) if s]
    rng.shuffle(sentences)
    if rng.random() < 0.5:
        other = [s for s in _SENTENCE_END.split(pool[rng.randrange(len(pool))].text) if s]
        sentences.insert(rng.randrange(len(sentences) + 1), other[rng.randrange(len(other))])
    text = "".join(sentences)[:_MAX_CLAUSE_CHARS]
    return PoolClause(text, base.leads, base.cooperating, base.title, base.region)


def scale_documents(pool: Sequence[PoolClause], n_clauses: int, *, seed: int = 0) -> Iterator[ParsedDocument]:
    """``n_clauses`` recombined clauses in documents of ``CLAUSES_PER_DOC``; deterministic for a seed."""
    if not pool:
        raise ValueError("the clause pool is empty: parse the seed corpus first")
    rng = random.Random(seed)
    for d, first in enumerate(range(0, n_clauses, CLAUSES_PER_DOC)):
        parts = [_recombine(rng, pool) for _ in range(min(CLAUSES_PER_DOC, n_clauses - first))]
        yield _document(f"scale-{n_clauses}-{d:06d}", parts)


def _document(doc_id: str, parts: Sequence[PoolClause]) -> ParsedDocument:
    text = "\n".join(p.text for p in parts)
    doc = Document(doc_id=doc_id, title=f"{parts[0].title}（重组 {doc_id}）",
                   sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(), doc_type="规模测试")
    clauses, start = [], 0
    for j, p in enumerate(parts, start=1):
        end = start + len(p.text)
        clauses.append(Clause(doc_id=doc_id, numbering=(str(j),), path=(str(j),), text=p.text,
                              search_text=p.text, start=start, end=end, doc_title=doc.title,
                              region=p.region, doc_type=doc.doc_type, leads=p.leads,
                              cooperating=p.cooperating))
        start = end + 1
    return ParsedDocument(doc, text, tuple(clauses))
