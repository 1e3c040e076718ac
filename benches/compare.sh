#!/usr/bin/env bash
# Side-by-side throughput: PyTorch (benches/baseline_torch.py) against
# `stance bench` with candle (fp32, and bf16 where the CPU has it) and with
# ONNX Runtime, alternating in one run so
# that machine noise hits all engines alike. Prints pairs/s and ratios.
#
# PyTorch runs the way a practitioner runs it on N cores: N single-threaded
# processes (OPENBLAS_NUM_THREADS=1, OMP_NUM_THREADS=1) sharing the pairs
# in even slices, started together; their rate is all pairs over the
# slowest one's time. On 1 core, one such process. ONNX Runtime's own
# Python API (benches/baseline_ort.py, the same model.onnx) runs the same
# way, and also as one process with N intra-op threads: the other baseline
# a user might pick. Where they apply: ONNX Runtime's int8 dynamic
# quantisation (the folder's model_int8.onnx), PyTorch under bf16
# autocast (a CPU with AVX-512 BF16), and on AMX CPUs stance's AVX-512
# BF16 kernel beside the tiles (STANCE_NO_AMX=1). Ratios are against
# PyTorch's best (fp32 or bf16) and against the best baseline of all. (Earlier versions ran one
# process with torch threads set, leaving OpenBLAS's own pool free, which
# is neither how it is deployed nor a fair 1-thread figure.)
#
#   benches/compare.sh [MODEL_DIR] [SENTENCES] [ROUNDS] [BATCH]
#
# MODEL_DIR defaults to target/bench-model (benches/make_bench_model.py).
# Needs: target/release/stance built with --features ort, ORT_DYLIB_PATH
# (or the onnxruntime Python package), and the Python reference venv in
# .venv (or PYTHON=...). See BENCHMARKS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
MODEL=${1:-target/bench-model}
N=${2:-512}
ROUNDS=${3:-2}
BATCH=${4:-8}
PY=${PYTHON:-.venv/bin/python}
STANCE=${STANCE:-target/release/stance}
export LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-pthread${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$STANCE" bench --model "$MODEL" --sentences "$N" --write-pairs "$work/pairs.jsonl"
results="$work/results.jsonl"
# N processes of a Python baseline, one thread each, on even slices of the
# pairs, started together; their rate is all pairs over the slowest one's time.
procs() { # engine script processes [extra arguments]
    : > "$work/part.jsonl"
    for k in $(seq 1 "$3"); do
        OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 "$PY" "$2" "$MODEL" \
            "$work/pairs.jsonl" --threads 1 --batch-size "$BATCH" --part "$k/$3" "${@:4}" \
            >> "$work/part.jsonl" &
    done
    wait
    python3 -c 'import json,sys; r=[json.loads(l) for l in open(sys.argv[1])]; print(json.dumps({"engine": sys.argv[2], "threads": len(r), "batch_size": r[0]["batch_size"], "pairs": sum(x["pairs"] for x in r), "pairs_per_sec": sum(x["pairs"] for x in r) / max(x["secs"] for x in r)}))' "$work/part.jsonl" "$1" >> "$results"
}
for round in $(seq 1 "$ROUNDS"); do
    for threads in 1 2; do
        echo "round $round, $threads thread(s)" >&2
        procs pytorch benches/baseline_torch.py "$threads"
        procs onnxruntime-python benches/baseline_ort.py "$threads"
        # ONNX Runtime's int8 dynamic quantisation (MLAS uses VNNI and
        # AMX-INT8 where the CPU has them), and PyTorch's bf16 autocast where
        # the CPU has bf16.
        [ -f "$MODEL/model_int8.onnx" ] &&
            procs onnxruntime-python-int8 benches/baseline_ort.py "$threads" --variant int8
        grep -qw avx512_bf16 /proc/cpuinfo &&
            procs pytorch-bf16 benches/baseline_torch.py "$threads" --variant bf16
        if [ "$threads" -gt 1 ]; then
            # ONNX Runtime's other way to use N cores: one process, N intra-op threads.
            "$PY" benches/baseline_ort.py "$MODEL" "$work/pairs.jsonl" --threads "$threads" \
                --batch-size "$BATCH" | python3 -c 'import json,sys; r=json.loads(sys.stdin.read()); r["engine"]="onnxruntime-python-1proc"; print(json.dumps(r))' >> "$results"
        fi
        engines="candle ort"
        # candle in bf16 where the CPU has AVX-512 BF16 (the default there).
        grep -qw avx512_bf16 /proc/cpuinfo && engines="$engines candle-bf16"
        # On AMX, bf16 runs on the tiles; the AVX-512 BF16 kernel beside it.
        grep -qw amx_bf16 /proc/cpuinfo && engines="$engines candle-bf16-avx512"
        [ -f "$MODEL/model_int8.onnx" ] && engines="$engines ort-int8"
        for engine in $engines; do
            case $engine in
                ort-int8) flags=(--backend ort --quantized) ;;
                candle) flags=(--backend candle --precision fp32) ;;
                candle-bf16 | candle-bf16-avx512) flags=(--backend candle --precision bf16) ;;
                *) flags=(--backend "$engine") ;;
            esac
            no_amx=; [ "$engine" = candle-bf16-avx512 ] && no_amx=1
            STANCE_NO_AMX=$no_amx "$STANCE" bench --model "$MODEL" "${flags[@]}" --sentences "$N" \
                --threads "$threads" --batch-size "$BATCH" --json "$work/b.json" > /dev/null
            python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); s=r["settings"][0]; print(json.dumps({"engine": "stance-"+sys.argv[2], "threads": s["threads"], "batch_size": s["batch_size"], "pairs": s["pairs"], "pairs_per_sec": s["pairs_per_sec"]}))' "$work/b.json" "$engine" >> "$results"
        done
    done
done

python3 - "$results" <<'PYEOF'
import json, sys, statistics
rows = [json.loads(l) for l in open(sys.argv[1])]
by = {}
for r in rows:
    by.setdefault((r["engine"], r["threads"]), []).append(r["pairs_per_sec"])
torch_best = max(statistics.median(v) for (e, t), v in by.items() if e.startswith("pytorch"))
base_best = max(statistics.median(v) for (e, t), v in by.items() if not e.startswith("stance"))
print(f"{'engine':<26} {'threads':>7} {'pairs/s (median)':>17} {'x PyTorch best':>15} {'x best baseline':>16}")
print("(pytorch and onnxruntime-python at N threads: N single-threaded processes on even slices")
print(" of the pairs; onnxruntime-python-1proc: one process with N intra-op threads)")
for (e, t), v in sorted(by.items()):
    m = statistics.median(v)
    print(f"{e:<26} {t:>7} {m:>17.1f} {m / torch_best:>15.2f} {m / base_best:>16.2f}")
PYEOF
