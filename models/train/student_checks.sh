#!/usr/bin/env bash
# Every check a student faces before it may ship (the teacher-and-student
# issue, item 5), after `student.sh RUN` has finished:
#
#   bash models/train/student_checks.sh RUN
#
# - polarity_checks.sh: dev, negation, on-topic no-side, new sets, frames
#   (target/eval/RUN-*.{csv,json,txt});
# - the paired bootstrap against the shipped model on dev
#   (target/eval/RUN-boot.txt; needs target/eval/ce9-dev.csv from
#   `polarity_checks.sh ce9:models/minilm-stance-ce`);
# - the founding article (target/RUN-helsinki/summary.csv: the four
#   positions);
# - PolNeAR dev with the default claim (target/RUN-polnear; the keyword
#   proxy in target/eval/RUN-offtopic.txt; judge leaning rows by hand).
#
# About 15 minutes on an AMD EPYC core pair with nothing else running.
set -euo pipefail
cd "$(dirname "$0")/../.."
RUN=${1:?usage: student_checks.sh RUN}
MODEL=target/train/$RUN/final
B=${STANCE_BIN:-target/release/stance}
[ -f "$MODEL/config.json" ] || { echo "$MODEL: no finished model; run student.sh $RUN first" >&2; exit 1; }
[ -f target/eval/ce9-dev.csv ] || { echo "target/eval/ce9-dev.csv is missing: run polarity_checks.sh ce9:models/minilm-stance-ce" >&2; exit 1; }
bash models/train/polarity_checks.sh "$RUN:$MODEL" > "target/eval/$RUN-checks.log" 2>&1
python3 models/train/paired_bootstrap.py target/stance-split/dev.csv target/eval/ce9-dev.csv \
    "target/eval/$RUN-dev.csv" > "target/eval/$RUN-boot.txt"
"$B" run datasets/helsinki-summit.txt --model "$MODEL" --out "target/$RUN-helsinki" > /dev/null
"$B" run ../shared/data/polnear/dev/text --model "$MODEL" --out "target/$RUN-polnear" > "target/$RUN-polnear.log" 2>&1
python3 models/train/offtopic_leaning.py "target/$RUN-polnear" > "target/eval/$RUN-offtopic.txt"
grep -E "swapped|read as favor or against" "target/eval/$RUN-checks.log"
tail -3 "target/eval/$RUN-boot.txt"
cut -d, -f1,8 "target/$RUN-helsinki/summary.csv"
cat "target/eval/$RUN-offtopic.txt"
