"""Dependencies flow one way: ingest → index → qa → ui, and eval → qa. A back-edge fails here."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ALLOWED = {
    "ingest": set(),
    "index": {"ingest"},
    "qa": {"ingest", "index"},
    "eval": {"ingest", "index", "qa"},
    "ui": {"ingest", "index", "qa", "eval"},
}


def _imported_top_levels(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("layer", sorted(ALLOWED))
def test_layer_imports_only_lower_layers(layer: str) -> None:
    files = sorted((ROOT / layer).rglob("*.py"))
    assert files, f"layer {layer}/ has no modules"
    for path in files:
        ours = _imported_top_levels(path) & set(ALLOWED)
        bad = ours - ALLOWED[layer] - {layer}
        assert not bad, f"{path.relative_to(ROOT)} imports {sorted(bad)}: a back-edge from {layer}"
