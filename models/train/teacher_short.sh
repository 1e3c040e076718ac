#!/usr/bin/env bash
# A teacher that trains within one session: all-mpnet-base-v2 fine-tuned
# as a stance cross-encoder on the polarity issue's mixture (ng1's: the ce9
# recipe plus negated claims in eight wordings, contrast frames and UKP),
# one pass of 16,000 pairs (1,000 steps of 16) at 64 tokens, with the
# learning rate decayed to zero by the end. About 90 minutes at the 2.9
# pairs/s these two cores give it (AMD EPYC, AVX2).
#
# Why: the full teacher (teacher.sh, 7,500 steps) needs some 26 CPU-hours,
# and its checkpoint lives in target/, which a new machine does not have.
# This one can be trained, measured and used to label the pool in sessions
# that each start from a clean clone.
#
#   bash models/train/fetch_mpnet.sh          # once: target/mpnet/
#   $PY models/train/stance_data.py           # once: target/stance-split/
#   cargo build --release                     # stance negate --every-form
#   nohup bash models/train/teacher_short.sh > target/train/teacher2.out 2>&1 &
#
# It checkpoints every 10 minutes and the same command resumes it.
set -euo pipefail
cd "$(dirname "$0")/../.."
PY=${PY:-"env LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-pthread .venv-train/bin/python"}
export STANCE_BIN=${STANCE_BIN:-target/release/stance}
mkdir -p target/train
exec nice -n 10 $PY models/train/train_stance.py --arch cross --base mpnet --run teacher2 \
    --epochs 1 --pairs-per-epoch 16000 --lr 2e-5 --max-length 64 \
    --snli 20000 --reported 12000 --claim-frames 6000 --negated-claims 40000 --negation-forms \
    --contrast-frames 8000 --cap fnc1/discuss=8000 --repeat check-covid=2 --repeat emergent=2 \
    --new-sets ukp --repeat ukp=2 --seed 22 \
    --eval-cap 150 --ckpt-minutes 10 --eval-minutes 600 --threads 2 "$@"
