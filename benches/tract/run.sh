#!/usr/bin/env bash
# tract head to head with stance's backends (see src/main.rs):
#   benches/tract/run.sh [MODEL_DIR] [PAIRS] [ROUNDS] [THREADS]
# Run from the repository root. ONNX Runtime joins when its library is
# found (ORT_DYLIB_PATH, the onnxruntime Python package, system folders).
set -euo pipefail
cd "$(dirname "$0")/../.."
cargo build --release --quiet --manifest-path benches/tract/Cargo.toml
exec benches/tract/target/release/tract-compare "$@"
