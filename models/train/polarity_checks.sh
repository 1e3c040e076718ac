#!/usr/bin/env bash
# Every dev check of the polarity issue for one or more models, with
# `stance eval` (release build, fp32) on the files of target/stance-split/:
#
#   bash models/train/polarity_checks.sh ce9:models/minilm-stance-ce pu1:target/train/pu1/final
#
# - dev.csv: the claim-disjoint dev split (mean macro-F1 over 8 sources);
# - polar-dev.csv and negated-dev.csv: negation consistency
#   (negation_dev.py --consistency);
# - on-topic-none-dev.csv: on-topic sentences that take no side (UKP's
#   no-argument sentences of the dev topic, FNC-1's dev `discuss`
#   sentences): the share read as favor or against;
# - new-dev.csv: the sets added later (UKP, P-Stance, Nixon-Kennedy);
# - frames-dev.csv: the contrast frames, trained and held-out families.
#
# Predictions and metrics go to target/eval/NAME-FILE.{csv,json,txt};
# a file already there is not scored again. Compare two models' dev
# predictions with paired_bootstrap.py. Needs stance_data.py,
# negation_dev.py and frames_dev.py run first; on-topic-none-dev.csv is
# made here from new-dev.csv and dev.csv.
set -euo pipefail
cd "$(dirname "$0")/../.."
B=${STANCE_BIN:-target/release/stance}
E=target/eval
S=target/stance-split
PY=${PY:-"env LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-pthread .venv-train/bin/python"}
mkdir -p "$E"
$PY - <<'PY'
import csv
rows = []
for r in csv.DictReader(open("target/stance-split/new-dev.csv", encoding="utf-8")):
    if r["source"] == "ukp" and r["label"] == "none":
        rows.append({"text": r["text"], "target": r["target"], "label": "none", "source": "ukp-no-argument"})
for r in csv.DictReader(open("target/stance-split/dev.csv", encoding="utf-8")):
    if r["source"] == "fnc1" and r["raw"] == "discuss":
        rows.append({"text": r["text"], "target": r["target"], "label": "none", "source": "fnc1-discuss"})
with open("target/stance-split/on-topic-none-dev.csv", "w", encoding="utf-8", newline="") as f:
    w = csv.DictWriter(f, fieldnames=["text", "target", "label", "source"])
    w.writeheader()
    w.writerows(rows)
PY
for nm in "$@"; do
    name=${nm%%:*}
    model=${nm#*:}
    for f in dev polar-dev negated-dev on-topic-none-dev new-dev frames-dev; do
        [ -f "$E/$name-$f.json" ] && continue
        $B eval "$S/$f.csv" --model "$model" --precision fp32 --predictions "$E/$name-$f.csv" \
            --out "$E/$name-$f.json" > "$E/$name-$f.txt" 2>&1
    done
    echo "== $name ($model)"
    grep -E "^mean over" "$E/$name-dev.txt"
    $PY models/train/negation_dev.py --consistency "$E/$name-polar-dev.csv" "$E/$name-negated-dev.csv"
    $PY - "$E/$name-on-topic-none-dev.csv" <<'PY'
import collections, csv, sys
rows = list(csv.DictReader(open("target/stance-split/on-topic-none-dev.csv", encoding="utf-8")))
pred = list(csv.DictReader(open(sys.argv[1], encoding="utf-8")))
n, c = collections.Counter(), collections.Counter()
for r, p in zip(rows, pred):
    n[r["source"]] += 1
    c[r["source"]] += p["predicted"] != "none"
for s in n:
    print(f"{s}: {c[s]} of {n[s]} read as favor or against ({100 * c[s] / n[s]:.1f}%)")
PY
    grep -E "^(ukp|pstance|nixon-kennedy) " "$E/$name-new-dev.txt" || true
    grep -E "^frames-" "$E/$name-frames-dev.txt" || true
done
