"""Dependencies flow one way: core → ingest → index → qa → ui, and eval → qa. A back-edge fails here.

Every module imports our code as ``policyqa.<layer>``; ``policyqa`` alone (or ``policyqa.<module of core/>``)
is the shared core, which imports no layer. A bare ``import ingest`` would only work from a source checkout,
so it fails here too.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ("ingest", "index", "qa", "eval", "ui", "corpus")
ALLOWED = {
    "core": set(),
    "corpus": set(),
    "ingest": {"core", "corpus"},
    "index": {"core", "ingest"},
    "qa": {"core", "ingest", "index"},
    "eval": {"core", "ingest", "index", "qa"},
    "ui": {"core", "ingest", "index", "qa", "eval", "corpus"},
}


def _our_imports(path: Path) -> set[str]:
    """The layers a module imports: 'core' for policyqa's own root modules."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    modules: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "policyqa":
                modules.extend(f"policyqa.{alias.name}" for alias in node.names)
            else:
                modules.append(node.module)
    layers: set[str] = set()
    for name in modules:
        parts = name.split(".")
        if parts[0] in LAYERS:
            layers.add(f"bare:{parts[0]}")
        elif parts[0] == "policyqa":
            layers.add(parts[1] if len(parts) > 1 and parts[1] in LAYERS else "core")
    return layers


@pytest.mark.parametrize("layer", sorted(ALLOWED))
def test_layer_imports_only_lower_layers(layer: str) -> None:
    files = sorted((ROOT / layer).rglob("*.py"))
    assert files, f"layer {layer}/ has no modules"
    for path in files:
        ours = _our_imports(path)
        bare = {name for name in ours if name.startswith("bare:")}
        assert not bare, f"{path.relative_to(ROOT)} imports {sorted(bare)} without the policyqa. prefix"
        bad = ours - ALLOWED[layer] - {layer}
        assert not bad, f"{path.relative_to(ROOT)} imports {sorted(bad)}: a back-edge from {layer}"


def test_tests_import_only_the_installed_package() -> None:
    for path in sorted((ROOT / "tests").rglob("*.py")):
        bare = {name for name in _our_imports(path) if name.startswith("bare:")}
        assert not bare, f"{path.relative_to(ROOT)} imports {sorted(bare)} without the policyqa. prefix"
