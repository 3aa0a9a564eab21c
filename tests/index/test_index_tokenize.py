"""The one tokenizer: unit and place names stay whole, junk goes, scripts meet in the search form."""

from __future__ import annotations

from hypothesis import given, settings, strategies as st

from policyqa.index.tokenize import ClauseTokenizer, is_searchable
from policyqa.ingest.normalize import to_search_form

UNITS = ["市发展改革委", "埇桥区", "市商务局", "区农业农村局"]
PLAIN = ClauseTokenizer()  # jieba loads its dictionary once per tokenizer (~1 s)


def test_unit_and_place_names_stay_one_token() -> None:
    tokens = ClauseTokenizer(UNITS).tokenize("由市发展改革委牵头，市商务局配合，推进埇桥区冷链物流基地建设。")
    for unit in ("市发展改革委", "市商务局", "埇桥区"):
        assert unit in tokens
    assert "冷链" in tokens and "物流" in tokens


def test_stopwords_punctuation_and_space_removed_case_folded() -> None:
    tokens = PLAIN.tokenize("谁负责 Cold-Chain 的 建设？（一）")
    assert not {"谁", "的", "？", "（", " ", "-"} & set(tokens)
    assert "cold" in tokens and "chain" in tokens
    assert all(is_searchable(t) for t in tokens)


def test_traditional_and_simplified_give_the_same_tokens() -> None:
    tok = ClauseTokenizer(UNITS)
    assert tok.tokenize(to_search_form("滬蘇浙城市結對幫扶")) == tok.tokenize("沪苏浙城市结对帮扶")


def test_user_words_affect_only_texts_containing_them() -> None:
    # Why: the builder re-tokenizes only clauses containing added or removed user words.
    text = "推进产业合作园区建设，完善交通基础设施"
    assert ClauseTokenizer(UNITS).tokenize(text) == ClauseTokenizer(UNITS + ["合作园区共建"]).tokenize(text)


def test_signature_changes_with_user_words() -> None:
    assert ClauseTokenizer(["埇桥区"]).signature != ClauseTokenizer(["上城区"]).signature
    assert ClauseTokenizer(["b", "埇桥区", "埇桥区"]).signature == ClauseTokenizer(["埇桥区"]).signature


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=40))
def test_tokens_are_never_empty_or_junk(text: str) -> None:
    for token in PLAIN.tokenize(text):
        assert token and token == token.strip() and is_searchable(token)


def test_a_script_without_a_main_guard_still_tokenizes(tmp_path) -> None:  # noqa: ANN001
    """Spawned workers re-run an unguarded script and fail to start: tokenizing falls back to the
    calling process instead of waiting forever for them."""
    import subprocess
    import sys
    import textwrap

    script = tmp_path / "unguarded.py"
    script.write_text(textwrap.dedent("""
        from policyqa.index.tokenize import PARALLEL_MIN, ClauseTokenizer
        texts = ["加快推进长三角一体化发展", "完善冷链物流体系"] * 3
        with ClauseTokenizer().batches(PARALLEL_MIN, workers=2) as tokens_of:
            print(tokens_of(texts) == ["\\t".join(ClauseTokenizer().tokenize(t)) for t in texts])
    """), encoding="utf-8")
    done = subprocess.run([sys.executable, str(script)], cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().splitlines()[-1] == "True"
    assert "tokenizing in this process instead" in done.stderr
