"""Hand-made documents and a counting embedder for the index tests (no parser needed)."""

from __future__ import annotations

from pathlib import Path

from policyqa.model import Clause, Document, ParsedDocument
from policyqa.ingest.normalize import to_search_form
from policyqa.index.embedders import HashEmbedder


class CountingHashEmbedder(HashEmbedder):
    """HashEmbedder (NOT semantic) that counts the passages it embeds, to check the cache."""

    cache_worthy = True  # the plain HashEmbedder skips the cache; these tests are about the cache

    def __init__(self) -> None:
        super().__init__()
        self.embedded: list[str] = []

    def _encode(self, texts, is_query):  # noqa: ANN001, ANN202
        if not is_query:
            self.embedded.extend(texts)
        return super()._encode(texts, is_query)


def make_doc(doc_id: str, texts: list[str], *, sha: str = "v1", leads: dict[int, tuple[str, ...]] | None = None,
             city: str = "宿州市", doc_type: str = "工作方案", heading: str = "一、总体要求") -> ParsedDocument:
    """A document whose clauses are ``texts`` under one heading; ``leads`` maps clause index → units."""
    document = Document(doc_id=doc_id, title=f"{city}{doc_id}方案", sha256=sha, province="安徽省", city=city,
                        doc_type=doc_type)
    leads = leads or {}
    clauses = [Clause(doc_id=doc_id, numbering=("一",), path=(heading,), text=heading,
                      search_text=to_search_form(heading), start=0, end=len(heading), kind="heading")]
    for i, text in enumerate(texts, start=1):
        clauses.append(Clause(doc_id=doc_id, numbering=("一", str(i)), path=(heading, str(i)), text=text,
                              search_text=to_search_form(text), start=0, end=len(text),
                              leads=leads.get(i - 1, ())))
    return ParsedDocument(document, "\n".join(texts), tuple(clauses))


TEXTS_A = ["加快农产品产地批发市场、冷链物流等项目建设（市发展改革委牵头，市商务局配合）",
           "推进蕲县港、宿州港建设，完善港口集疏运体系",
           "开展干部双向挂职交流，选派优秀年轻干部到杭州挂职",
           "建设长三角绿色农产品生产加工供应基地"]
TEXTS_B = ["埇桥区与上城区开展结对帮扶，推进产业合作园区共建（区商务局负责）",
           "深化教育医疗合作，推动优质公共服务资源共享",
           "发展数字经济，建设大数据产业园"]


class StallingEmbedder(HashEmbedder):
    """HashEmbedder that, once a build embeds passages, touches ``marker`` and sleeps: a test kills it then."""

    def __init__(self, marker: str) -> None:
        super().__init__()
        self.marker = marker

    def _encode(self, texts, is_query):  # noqa: ANN001, ANN202
        if not is_query:
            import pathlib
            import time

            pathlib.Path(self.marker).touch()
            time.sleep(120)
        return super()._encode(texts, is_query)


def write_file(folder: Path, name: str, text: str) -> Path:
    """``text`` written as ``folder/name`` (UTF-8), the folder made if needed: a user's file to upload or ingest."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path
