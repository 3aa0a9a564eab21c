"""jieba set up once per process (``index.jieba_setup``): quiet, and jieba.posseg's tag table from a cache.

Each check runs in a fresh interpreter: what matters is the state at import, as in a cold `policyqa ask`.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # fresh interpreters, each loading jieba

SENTENCE = "宿州市冷链物流项目由市发展改革委牵头，埇桥区人民政府配合，宿迁南北共建园区。"
_TAGS = ("import json, sys, jieba.posseg as p; "
         "print(json.dumps([[w.word, w.flag] for w in p.cut(sys.argv[1])], ensure_ascii=False))")


def _run(code: str, tmp: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "TMPDIR": str(tmp)}
    return subprocess.run([sys.executable, "-c", code, SENTENCE], capture_output=True, text=True, env=env,
                          check=True, timeout=300)


def test_cached_tags_equal_jiebas_own_and_nothing_is_logged(tmp_path: Path) -> None:
    ours = "import policyqa.index.tokenize; " + _TAGS
    first = _run(ours, tmp_path)                      # builds the cache
    assert list(tmp_path.glob("policyqa-jieba-postags-*.marshal"))
    second = _run(ours, tmp_path)                     # reads it
    plain = _run(_TAGS, tmp_path)                     # jieba alone
    assert json.loads(first.stdout) == json.loads(second.stdout) == json.loads(plain.stdout)
    assert ["宿州市", "ns"] in json.loads(second.stdout)
    assert first.stderr == second.stderr == ""


def test_a_broken_cache_falls_back_to_jieba(tmp_path: Path) -> None:
    ours = "import policyqa.index.tokenize; " + _TAGS
    _run(ours, tmp_path)
    (cache,) = tmp_path.glob("policyqa-jieba-postags-*.marshal")
    cache.write_bytes(b"not marshal data")
    again = _run(ours, tmp_path)
    assert json.loads(again.stdout) == json.loads(_run(_TAGS, tmp_path).stdout)
