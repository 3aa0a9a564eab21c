"""A user's first `policyqa ask`: the real CLI in a fresh interpreter, timed from spawn to exit.

Beside ``serve_worker``'s in-process cold start this counts everything a person waits for at the
prompt (interpreter, imports, index open, jieba's dictionaries, the model, the answer), and the lines
the command printed on stderr (none expected: jieba's loading messages are silenced).
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

QUESTION = "宿州市冷链物流项目由哪个部门牵头？"


def cli_ask_cold(index_dir: Path, embedder: str, *, question: str = QUESTION, timeout_s: float = 300.0) -> dict[str, Any]:
    """Wall time and stderr lines of ``policyqa ask QUESTION --index DIR --embedder E``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("POLICYQA_")}
    cmd = [sys.executable, "-m", "policyqa.ui.cli", "ask", question, "--index", str(index_dir), "--embedder", embedder]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=timeout_s, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    # CPU time beside wall time: on a shared machine the wall time is mostly waiting for a core.
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    return {"cli_ask_cold_s": round(wall, 3), "cli_ask_cpu_s": round(cpu, 3), "cli_ask_exit": done.returncode,
            "cli_ask_stderr_lines": len(lines), "cli_ask_stderr": lines[:5]}
