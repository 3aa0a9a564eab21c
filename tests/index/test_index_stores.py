"""Store contract (one suite, subclassed per store) and oracle tests against brute force."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from policyqa.index.bm25_store import Bm25Store
from policyqa.index.embedders import HashEmbedder
from policyqa.index.faiss_store import FaissStore, choose_kind, recall_at_k
from policyqa.index.tokenize import ClauseTokenizer
from index_helpers import TEXTS_A, TEXTS_B

TOK = ClauseTokenizer()
TEXTS = TEXTS_A + TEXTS_B + ["宿迁市南北合作共建园区", "沪苏浙城市结对帮扶皖北城市", "完善港口集疏运体系建设"]


class StoreContract:
    """Every store: top-k unique positions in range, best first, ``allowed`` respected, self-query first.

    Subclasses implement ``build(tmp_path, texts)`` and ``query(store, text, k, allowed)`` returning
    (scores, positions).
    """

    def build(self, tmp_path: Path, texts: list[str]):  # noqa: ANN201
        raise NotImplementedError

    def query(self, store, text: str, k: int, allowed: np.ndarray | None):  # noqa: ANN001, ANN201
        raise NotImplementedError

    @pytest.fixture()
    def store(self, tmp_path: Path):  # noqa: ANN201
        return self.build(tmp_path, TEXTS)

    def test_top_k_unique_sorted_in_range(self, store) -> None:  # noqa: ANN001
        scores, positions = self.query(store, "港口建设", 4, None)
        assert 0 < len(positions) <= 4 and len(set(positions.tolist())) == len(positions)
        assert all(0 <= p < len(TEXTS) for p in positions)
        assert list(scores) == sorted(scores, reverse=True)

    def test_self_query_ranks_itself_first(self, store) -> None:  # noqa: ANN001
        for i in (0, 4, 8):
            _, positions = self.query(store, TEXTS[i], 3, None)
            assert positions[0] == i

    def test_allowed_positions_respected(self, store) -> None:  # noqa: ANN001
        allowed = np.array([1, 3, 5], dtype=np.int64)
        _, positions = self.query(store, TEXTS[0], 10, allowed)
        assert set(positions.tolist()) <= {1, 3, 5}


class TestFlatFaissContract(StoreContract):
    kind = "flat"

    def build(self, tmp_path: Path, texts: list[str]) -> FaissStore:
        FaissStore.build(tmp_path, HashEmbedder().embed_passages_array(texts), self.kind)
        return FaissStore(tmp_path, self.kind)

    def query(self, store, text, k, allowed):  # noqa: ANN001, ANN201
        return store.search(HashEmbedder().embed_query_array(text), k, allowed)


class TestHnswFaissContract(TestFlatFaissContract):
    kind = "hnsw"


class TestIvfFaissContract(TestFlatFaissContract):
    kind = "ivf"


class TestBm25Contract(StoreContract):
    def build(self, tmp_path: Path, texts: list[str]) -> Bm25Store:
        Bm25Store.build(tmp_path, TOK.tokenize_many(texts))
        return Bm25Store(tmp_path)

    def query(self, store, text, k, allowed):  # noqa: ANN001, ANN201
        scores = store.scores(TOK.tokenize(text)).scores
        if allowed is not None:
            scores = np.where(np.isin(np.arange(len(scores)), allowed), scores, 0)
        order = [p for p in np.argsort(-scores, kind="stable")[:k] if scores[p] > 0]
        return scores[order], np.array(order, dtype=np.int64)


def test_flat_faiss_matches_numpy_argsort(tmp_path: Path) -> None:
    rng = np.random.default_rng(7)
    vectors = rng.normal(size=(300, 32)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    FaissStore.build(tmp_path, vectors, "flat")
    store = FaissStore(tmp_path, "flat")
    for query in rng.normal(size=(5, 32)).astype(np.float32):
        query = query / np.linalg.norm(query)
        scores, positions = store.search(query, 10)
        exact = vectors @ query
        np.testing.assert_array_equal(positions, np.argsort(-exact, kind="stable")[:10])
        np.testing.assert_allclose(scores, np.sort(exact)[::-1][:10], rtol=1e-5)


def test_recall_of_approximate_indexes_against_exact() -> None:
    rng = np.random.default_rng(3)
    vectors = rng.normal(size=(2000, 32)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    queries = vectors[:50]
    assert recall_at_k(vectors, queries, k=10, kind="flat") == 1.0
    assert recall_at_k(vectors, queries, k=10, kind="hnsw") >= 0.9
    assert recall_at_k(vectors, queries, k=10, kind="ivf") >= 0.9


def test_ivf_filtered_search_is_exact_on_a_small_allowed_set(tmp_path: Path) -> None:
    rng = np.random.default_rng(5)
    vectors = rng.normal(size=(3000, 32)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    FaissStore.build(tmp_path, vectors, "ivf")
    store = FaissStore(tmp_path, "ivf")
    allowed = np.arange(0, 3000, 97)  # 31 scattered rows: an IVF probe alone would miss most of them
    scores, positions = store.search(vectors[1], 10, allowed)
    exact = vectors[allowed] @ vectors[1]
    np.testing.assert_array_equal(positions, allowed[np.argsort(-exact, kind="stable")[:10]])
    np.testing.assert_allclose(scores, np.sort(exact)[::-1][:10], rtol=1e-5)


def test_bm25_scores_normalised_and_lexical_overlap_aware(tmp_path: Path) -> None:
    tok = TOK
    Bm25Store.build(tmp_path, tok.tokenize_many(TEXTS))
    store = Bm25Store(tmp_path)
    exact = store.scores(tok.tokenize(TEXTS[1]))
    assert 0 < exact.scores.max() <= 1.0 + 1e-6 and int(np.argmax(exact.scores)) == 1
    # half the query's terms unknown to the corpus: the best score drops
    diluted = store.scores(tok.tokenize(TEXTS[1] + " quantum blockchain metaverse zeppelin"))
    assert diluted.scores.max() < exact.scores.max()
    english = store.scores(tok.tokenize("Who leads cold-chain logistics?"))
    assert english.scores.max() == 0 and english.matched == ()


def test_choose_kind() -> None:
    assert choose_kind("auto", 10, threshold=100) == "flat"
    assert choose_kind("auto", 1000, threshold=100) == "ivf"
    assert choose_kind("hnsw", 10) == "hnsw"
    with pytest.raises(ValueError, match="flat"):
        choose_kind("pq", 10)


def test_chunked_bm25_matrix_scores_equal_bm25s_index(tmp_path: Path) -> None:
    """index.bm25_matrix (chunked, bounded memory) against bm25s's own ``index`` on the seed corpus."""
    import bm25s

    from policyqa.index.bm25_matrix import score_matrix
    from policyqa.ingest.catalog import bundled_corpus_dir
    from policyqa.ingest.pipeline import ingest_paths

    corpus = [TOK.tokenize(c.search_text) for p in ingest_paths([bundled_corpus_dir()]).parsed for c in p.clauses]
    corpus.insert(3, [])  # a clause of stopwords only keeps its row
    reference = bm25s.BM25(k1=1.2, b=0.75, method="lucene")
    reference.index([list(t) for t in corpus], show_progress=False)
    # 37 documents a chunk: many chunks, and columns whose documents span several of them
    ours = score_matrix(iter(corpus), tmp_path / "scratch", k1=1.2, b=0.75, chunk_docs=37).to_bm25s(1.2, 0.75)
    assert not (tmp_path / "scratch").exists()
    assert set(ours.vocab_dict) == set(reference.vocab_dict) and ours.scores["num_docs"] == len(corpus)
    for term in [t for t in reference.vocab_dict if t]:
        np.testing.assert_array_equal(ours.get_scores([ours.vocab_dict[term]]),
                                      reference.get_scores([reference.vocab_dict[term]]), err_msg=term)
    query = ["冷链", "物流", "牵头", "宿州"]
    ours.save(str(tmp_path / "saved"))
    loaded = bm25s.BM25.load(str(tmp_path / "saved"), mmap=True)
    np.testing.assert_allclose(loaded.get_scores([loaded.vocab_dict[t] for t in query]),
                               reference.get_scores([reference.vocab_dict[t] for t in query]), rtol=1e-6)


def test_row_file_reads_exactly_what_numpy_reads(tmp_path: Path) -> None:
    from policyqa.index.npy_files import NpyRowWriter, RowFile

    rng = np.random.default_rng(1)
    parts = [rng.normal(size=(n, 8)).astype(np.float32) for n in (5, 0, 17, 1)]
    writer = NpyRowWriter(tmp_path / "v.npy", 8)
    for part in parts:
        writer.append(part)
    rows = writer.finish()
    expected = np.load(tmp_path / "v.npy")
    np.testing.assert_array_equal(expected, np.vstack(parts))
    assert isinstance(rows, RowFile) and rows.shape == (23, 8) and len(rows) == 23
    picks = np.array([22, 0, 3, 3, 4, 5, 21, 10])  # any order, repeats, runs
    np.testing.assert_array_equal(rows[picks], expected[picks])
    np.testing.assert_array_equal(rows[4:9], expected[4:9])
    np.testing.assert_array_equal(rows[::7], expected[::7])
    np.testing.assert_array_equal(rows[-1], expected[-1])
    np.testing.assert_array_equal(np.asarray(rows), expected)
    assert rows[np.zeros(0, np.int64)].shape == (0, 8)
    with pytest.raises(IndexError):
        rows[np.array([23])]
    with open(tmp_path / "v.npy", "r+b") as handle:  # truncated under a reader: a clear error, not garbage
        handle.truncate(handle.seek(0, 2) - 8)
    with pytest.raises(OSError, match="short read"):
        rows[22]
