"""The distribution installs one top-level package, ``policyqa``, with every layer and its data inside."""

from __future__ import annotations

import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LAYER_DIRS = ("core", "ingest", "index", "qa", "ui", "eval", "corpus")


def _run(*args: str | Path, **kwargs: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(a) for a in args], check=True, capture_output=True, text=True, **kwargs)


@pytest.fixture(scope="module")
def fresh_install(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A wheel of this checkout installed (without dependencies) into a new, empty venv."""
    tmp = tmp_path_factory.mktemp("wheel")
    _run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", tmp / "dist", ROOT)
    wheel = next((tmp / "dist").glob("policyqa-*.whl"))
    env_dir = tmp / "venv"
    venv.create(env_dir, with_pip=False)
    python = env_dir / "bin" / "python"
    site = Path(_run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])").stdout.strip())
    _run(sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", "-q", wheel)
    return python, site


@pytest.mark.slow
def test_only_policyqa_lands_at_the_top_level(fresh_install: tuple[Path, Path]) -> None:
    _, site = fresh_install
    top = {p.name for p in site.iterdir() if not p.name.startswith("_") and p.suffix != ".pth"}
    ours = {name for name in top if name.lower().startswith("policyqa")}
    assert ours == {"policyqa", next(n for n in ours if n.endswith(".dist-info"))}, sorted(top)
    assert not {"ingest", "index", "qa", "ui", "eval", "corpus", "core"} & top


@pytest.mark.slow
def test_every_source_package_and_data_file_is_in_the_wheel(fresh_install: tuple[Path, Path]) -> None:
    """A folder with an ``__init__.py`` missing from pyproject's package list would silently vanish."""
    _, site = fresh_install
    for layer in LAYER_DIRS:
        for init in (ROOT / layer).rglob("__init__.py"):
            rel = init.parent.relative_to(ROOT / layer)
            installed = site / "policyqa" / ("" if layer == "core" else layer) / rel / "__init__.py"
            assert installed.is_file(), f"{init.relative_to(ROOT)} is not installed (add it to pyproject packages)"
    # Every data file the code reads beside itself (role words, glossaries, the bundled corpus, test sets).
    for layer in LAYER_DIRS:
        for data in (ROOT / layer).rglob("*"):
            if data.is_file() and data.suffix in (".toml", ".txt", ".jsonl", ".csv", ".tsv"):
                rel = data.relative_to(ROOT / layer)
                installed = site / "policyqa" / ("" if layer == "core" else layer) / rel
                assert installed.is_file(), f"{data.relative_to(ROOT)} is not in the wheel (add it to package-data)"


@pytest.mark.slow
def test_the_installed_package_imports_from_its_own_site(fresh_install: tuple[Path, Path]) -> None:
    python, site = fresh_install
    deps = sysconfig.get_paths()["purelib"]  # this venv's dependencies; its editable finder is not on this path
    out = _run(python, "-c", "import policyqa.qa.engine, policyqa.ui.cli, policyqa; print(policyqa.__file__)",
               env={"PYTHONPATH": deps, "PATH": "/usr/bin:/bin"}, cwd="/").stdout.strip()
    assert Path(out).is_relative_to(site), out
