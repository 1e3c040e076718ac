#!/usr/bin/env bash
# "Your own claim": how far a few hundred labels for one claim take the
# bundled model, shown on a claim of the claim-disjoint dev split (no model
# here trained on it), as if it were a user's own data.
#
#   bash models/train/own_claim.sh ["We should abolish capital punishment"]
#
# 1. The claim's dev rows are split by a hash of the text: 60% to label
#    (own-train.csv), 40% to measure (own-test.csv).
# 2. The bundled default is measured on own-test.csv as it is.
# 3. Its cross-encoder is fine-tuned on own-train.csv (train_stance.py
#    --init, 3 epochs, lr 2e-5; about a minute on 2 cores) and measured.
# 4. A `stance train` head on the gate encoder (seconds) is measured too.
# Writes target/own-claim/. Needs target/stance-split (stance_data.py), the
# training venv (setup.sh) and a release build.
set -euo pipefail
cd "$(dirname "$0")/../.."
CLAIM=${1:-We should abolish capital punishment}
OUT=target/own-claim
STANCE=target/release/stance
PY="env LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-pthread ${VENV:-.venv-train}/bin/python"
mkdir -p "$OUT"
$PY - "$CLAIM" "$OUT" <<'PY'
import csv, hashlib, sys
claim, out = sys.argv[1], sys.argv[2]
rows = [r for r in csv.DictReader(open("target/stance-split/dev.csv", encoding="utf-8"))
        if r["target"] == claim]
if not rows:
    raise SystemExit(f"no dev rows for the claim {claim!r}")
cols = ["text", "target", "label", "source"]
parts = {"own-train": [], "own-test": []}
for r in rows:
    h = int(hashlib.sha256(r["text"].encode()).hexdigest(), 16) % 100
    parts["own-train" if h < 60 else "own-test"].append(r)
for name, part in parts.items():
    with open(f"{out}/{name}.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, cols, extrasaction="ignore")
        w.writeheader()
        w.writerows(part)
    print(f"{name}: {len(part)} rows")
PY
echo "== the bundled default, as it is"
"$STANCE" eval "$OUT/own-test.csv" --model models/minilm-stance-ce --out "$OUT/default.json" \
    | tee "$OUT/default.txt"
echo "== its cross-encoder fine-tuned on own-train.csv"
rm -rf target/train/own-claim
$PY models/train/train_stance.py --arch cross --run own-claim --init models/minilm-stance-ce \
    --train "$OUT/own-train.csv" --dev "$OUT/own-test.csv" --epochs 3 --lr 2e-5 --eval-cap 0 \
    > "$OUT/train.log"
"$STANCE" eval "$OUT/own-test.csv" --model target/train/own-claim/final --out "$OUT/tuned.json" \
    | tee "$OUT/tuned.txt"
echo "== a stance train head on the gate encoder"
"$STANCE" train "$OUT/own-train.csv" --model models/minilm-stance-ce --method head --out "$OUT/head" \
    --no-onnx --force > /dev/null
"$STANCE" eval "$OUT/own-test.csv" --model "$OUT/head" --out "$OUT/head.json" | tee "$OUT/head.txt"
grep -h "examples:" "$OUT"/default.txt "$OUT"/tuned.txt "$OUT"/head.txt
