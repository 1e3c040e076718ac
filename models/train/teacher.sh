#!/usr/bin/env bash
# The teacher of the distillation: all-mpnet-base-v2 fine-tuned as a
# stance cross-encoder on the full training mixture (the ce9 recipe from
# scratch, two epochs of 60,000 pairs sampled from it). Days of CPU on 2
# cores: run it in the background; it saves a checkpoint every 10 minutes
# and reports dev every hour (target/train/teacher1/log.jsonl), and the
# same command resumes it. Stop it (kill the python process) when you
# need the cores; a checkpoint loses at most 10 minutes.
#
#   bash models/train/fetch_mpnet.sh          # once: target/mpnet/
#   $PY models/train/stance_data.py           # once: target/stance-split/
#   nohup bash models/train/teacher.sh > target/train/teacher1.out 2>&1 &
#
# The checkpoint lives in target/train/teacher1/ (1.3 GB with the
# optimiser state), never in git; a run on another machine starts over.
set -euo pipefail
cd "$(dirname "$0")/../.."
PY=${PY:-"env LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-pthread .venv-train/bin/python"}
mkdir -p target/train
exec nice -n 10 $PY models/train/train_stance.py --arch cross --base mpnet --run teacher1 \
    --epochs 2 --pairs-per-epoch 60000 --lr 2e-5 --max-length 96 \
    --snli 20000 --reported 12000 --claim-frames 6000 --cap fnc1/discuss=8000 \
    --repeat check-covid=2 --repeat emergent=2 --seed 21 \
    --eval-cap 150 --ckpt-minutes 10 --eval-minutes 60 --threads 2 "$@"
