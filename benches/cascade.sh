#!/usr/bin/env bash
# The shipped cascade against the old default (the bi-encoder head) and
# against its own cross-encoder run on every pair, side by side in one run:
# the three alternate, round after round, so that machine noise hits all
# alike. Prints the medians of pairs/s and the ratios the stance-model
# issue sets (BENCHMARKS.md, "The default model").
#
#   benches/cascade.sh [ROUNDS] [THREADS] [BATCH]
#
# Workloads:
# - the founding article once (54 sentences × the default claim);
# - 512 sentences (the article repeated, copies told apart) × 3 claims:
#   the default one and two that most of its sentences are off: "Climate
#   change is caused by human activity" and "The minimum wage should be
#   raised".
# Needs target/release/stance.
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${1:-3}
THREADS=${2:-2}
BATCH=${3:-8}
STANCE=${STANCE:-target/release/stance}
NEW=models/minilm-stance-ce
OLD=models/minilm-stance
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# The cross-encoder alone: the same files without cascade.json.
mkdir -p "$work/plain-ce"
for f in config.json model.safetensors tokenizer.json; do
    ln -s "$PWD/$NEW/$f" "$work/plain-ce/$f"
done
results="$work/results.jsonl"
for round in $(seq 1 "$ROUNDS"); do
    for workload in article three-claims; do
        case $workload in
            article) args=(--sentences 54) ;;
            three-claims) args=(--sentences 512 --target "Russia interfered in the 2016 US election"
                --target "Climate change is caused by human activity"
                --target "The minimum wage should be raised") ;;
        esac
        for model in old cascade plain-ce; do
            case $model in
                old) dir=$OLD ;;
                cascade) dir=$NEW ;;
                plain-ce) dir=$work/plain-ce ;;
            esac
            echo "round $round: $workload, $model" >&2
            "$STANCE" bench --model "$dir" --threads "$THREADS" --batch-size "$BATCH" \
                "${args[@]}" --json "$work/b.json" > /dev/null
            python3 -c 'import json,sys; s=json.load(open(sys.argv[1]))["settings"][0]; print(json.dumps({"workload": sys.argv[2], "model": sys.argv[3], "pairs": s["pairs"], "gated": s["gated_pairs"], "pairs_per_sec": s["pairs_per_sec"]}))' \
                "$work/b.json" "$workload" "$model" >> "$results"
        done
    done
done
python3 - "$results" <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
med = {}
for w in ("article", "three-claims"):
    print(f"\n{w}:")
    print(f"{'model':<10} {'pairs':>6} {'gated':>6} {'pairs/s':>9}")
    for m in ("old", "cascade", "plain-ce"):
        rs = [r for r in rows if r["workload"] == w and r["model"] == m]
        med[w, m] = statistics.median(r["pairs_per_sec"] for r in rs)
        print(f"{m:<10} {rs[0]['pairs']:>6} {rs[0]['gated']:>6} {med[w, m]:>9.1f}")
print(f"\ncost per pair, cascade / old, founding article: {med['article', 'old'] / med['article', 'cascade']:.2f}x (at most 3x)")
print(f"speed, cascade / plain cross-encoder, 3 claims: {med['three-claims', 'cascade'] / med['three-claims', 'plain-ce']:.2f}x (at least 1.5x)")
PY
