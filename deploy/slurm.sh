#!/usr/bin/env bash
# Score a news archive on a Slurm cluster: one array task per shard, then
# one job that merges them (docs/archives.md).
#
#   sbatch --array=0-15 deploy/slurm.sh /data/news/2024 /scratch/stance-2024
#   sbatch --dependency=afterok:<array job id> --wrap \
#       "stance merge /scratch/stance-2024/merged /scratch/stance-2024/shard-*"
#
# Each task reads every input and scores the documents whose id hashes to
# its shard: `stance run` takes the shard from SLURM_ARRAY_TASK_ID,
# SLURM_ARRAY_TASK_COUNT and SLURM_ARRAY_TASK_MIN, so --array=1-16 works
# as well as 0-15. A task that is killed (time limit, preemption) can
# simply be run again: it writes its folder whole or not at all.
#
#SBATCH --job-name=stance
#SBATCH --cpus-per-task=8
#SBATCH --mem=8G
#SBATCH --time=12:00:00
#SBATCH --output=stance-%A_%a.log
set -euo pipefail
ARCHIVE=${1:?give the archive folder}
OUT=${2:?give the output folder}
# The binary and models/ as installed on the cluster (the model folder is
# found beside the binary, or set STANCE_MODEL_DIR).
STANCE=${STANCE:-stance}
# Nodes may differ in CPU: bf16 runs only where it has AVX-512 BF16, and
# merge refuses shards scored differently. fp32 is the same everywhere;
# export STANCE_PRECISION=bf16 where every node has it (about 1.8x faster).
export STANCE_PRECISION=${STANCE_PRECISION:-fp32}
mkdir -p "$OUT"
"$STANCE" run "$ARCHIVE" --out "$OUT/shard-${SLURM_ARRAY_TASK_ID}" \
    --threads "${SLURM_CPUS_PER_TASK:-1}" \
    --keep date,outlet,url --title-field title --skip-bad --dup-ids skip \
    --log-every 60
