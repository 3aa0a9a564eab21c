"""Does the index hold the documents a test set asks about? A run without them would score 0 and mean nothing.

``check_coverage`` refuses such a run with the missing documents and how to ingest them, so the 评测
tab and `policyqa eval` never report an all-zero run as a result.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from policyqa.eval.errors import DocumentsNotIndexedError
from policyqa.eval.testset import TestCase

_SHOWN = 8


def wanted_documents(case: TestCase) -> dict[str, str]:
    """Document id → how to get it (its file, when the case names one) for one question."""
    from policyqa.ingest.pipeline import slug

    if case.gold_files:
        return {slug(Path(f).stem): f for f in case.gold_files}
    return {doc_id: "" for doc_id in (*case.gold_docs, *case.expected_docs)}


def missing_documents(cases: Sequence[TestCase], indexed: Iterable[str]) -> dict[str, str]:
    """The documents the cases need that are not in ``indexed`` (doc id → file, '' when unknown)."""
    have = set(indexed)
    missing: dict[str, str] = {}
    for case in cases:
        for doc_id, file in wanted_documents(case).items():
            if doc_id not in have:
                missing.setdefault(doc_id, file)
    return missing


def check_coverage(cases: Sequence[TestCase], indexed: Iterable[str], *, testset: str, index_dir: Path,
                   extra_dir: Path | None = None) -> None:
    """Raise unless every document the test set needs is in the index.

    Raises:
        DocumentsNotIndexedError: naming the missing documents (first few), and the command that adds them.
    """
    missing = missing_documents(cases, indexed)
    if not missing:
        return
    shown = "、".join(list(missing)[:_SHOWN]) + (f" 等 {len(missing)} 份" if len(missing) > _SHOWN else "")
    files = [f for f in missing.values() if f]
    if files and extra_dir is not None:
        paths = " ".join(str(extra_dir / f) for f in files[:3]) + (" …" if len(files) > 3 else "")
        how = f"policyqa ingest {paths} --index {index_dir}"
    else:
        how = f"policyqa ingest FILE… --index {index_dir}"
    raise DocumentsNotIndexedError(
        f"测试集 {testset} 所需的文件不在索引中：{shown}。请先导入（或在“文库”上传）这些文件再评测：`{how}` "
        f"(the index lacks {len(missing)} document(s) this test set asks about)", tuple(missing))
