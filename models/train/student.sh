#!/usr/bin/env bash
# The distilled student (the teacher-and-student issue, item 5): the
# shipped MiniLM cross-encoder trained one pass on ng1's gold mixture (the
# ce9 recipe plus negated claims in eight wordings, contrast frames and
# UKP; models/train/README.md has ng1's figures) and on the teacher's soft
# labels of the distillation pool, learnt through the KL divergence at
# temperature T. Everything but the soft labels is ng1's, seed included,
# so the difference from ng1 is the teacher's.
#
#   $PY models/train/distil_pool.py                                     # target/distil/pool.csv
#   $PY models/train/teacher_label.py --model TEACHER --name teacher2g \
#       --stance target/release/stance --limit N                        # target/distil/teacher2g.csv
#   nohup bash models/train/student.sh [RUN] [LABELS] [T] [FLAG...] > target/train/RUN.out 2>&1 &
#
# RUN defaults to ds1, LABELS to teacher2g, T to 2; any further flags go
# to train_stance.py after these (the last of a repeated flag wins). The soft rows count
# twice (--soft-repeat 2): teacher2g's first 54,272 rows (--soft-pairs
# 54272, what ds1-ds3 saw) then make some 40% of the mixture; all of
# teacher2g's 89,128 labelled rows make more. It checkpoints every 10
# minutes and the same command resumes it; the dev report comes at the
# end only. About 50 minutes at 7-8 pairs/s on an AMD EPYC core pair.
set -euo pipefail
cd "$(dirname "$0")/../.."
PY=${PY:-"env LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-pthread .venv-train/bin/python"}
export STANCE_BIN=${STANCE_BIN:-target/release/stance}
RUN=${1:-ds1}
LABELS=${2:-teacher2g}
T=${3:-2}
shift $(($# < 3 ? $# : 3))
mkdir -p target/train
exec nice -n 10 $PY models/train/train_stance.py --arch cross --run "$RUN" --init models/minilm-stance-ce \
    --epochs 1 --pairs-per-epoch 24000 --lr 8e-6 \
    --snli 20000 --reported 12000 --claim-frames 6000 --negated-claims 40000 --negation-forms \
    --contrast-frames 8000 --cap fnc1/discuss=8000 --repeat check-covid=2 --repeat emergent=2 \
    --new-sets ukp --repeat ukp=2 --seed 33 --eval-cap 200 \
    --soft "$LABELS" --soft-repeat 2 --temperature "$T" --ckpt-minutes 10 --eval-minutes 600 --threads 2 "$@"
