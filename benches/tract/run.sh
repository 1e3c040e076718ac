#!/usr/bin/env bash
# tract head to head with stance's backends (see src/main.rs), on the
# pairs benches/compare.sh uses:
#   benches/tract/run.sh [MODEL_DIR] [SENTENCES] [ROUNDS] [THREADS]
# Run from anywhere; needs target/release/stance (cargo build --release).
# ONNX Runtime joins when its library is found (ORT_DYLIB_PATH, the
# onnxruntime Python package, the system folders).
set -euo pipefail
cd "$(dirname "$0")/../.."
MODEL=${1:-models/minilm-stance-ce}
N=${2:-512}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
target/release/stance bench --model "$MODEL" --sentences "$N" --write-pairs "$work/pairs.jsonl"
cargo build --release --quiet --manifest-path benches/tract/Cargo.toml
PAIRS_FILE="$work/pairs.jsonl" benches/tract/target/release/tract-compare "$MODEL" "$N" "${3:-3}" "${4:-2}"
