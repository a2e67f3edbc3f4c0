# Sourced from IMPRINT_SLURM_DIR (submit.sh sets it) or SLURM_SUBMIT_DIR/deploy/slurm (sbatch run from the repository root).
# IMPRINT_BENCH: the command that runs imprint-bench on the compute nodes, e.g.
#   imprint-bench                                 (installed: npm install -g, or the image's wrapper)
#   node /shared/imprint-ts/apps/benchmark/dist/bin.js   (a built checkout on a shared file system)
#   apptainer exec /shared/imprint-bench.sif imprint-bench   (the image of deploy/Dockerfile)
# Default: imprint-bench on PATH, else the checkout sbatch was run from (built with pnpm build).
if [ -z "${IMPRINT_BENCH:-}" ]; then
  if command -v imprint-bench >/dev/null 2>&1; then
    IMPRINT_BENCH=imprint-bench
  elif [ -f "${SLURM_SUBMIT_DIR:-.}/apps/benchmark/dist/bin.js" ]; then
    IMPRINT_BENCH="node ${SLURM_SUBMIT_DIR:-.}/apps/benchmark/dist/bin.js"
  else
    echo "imprint-bench not found: set IMPRINT_BENCH (see deploy/slurm/common.sh) or submit from a built checkout" >&2
    exit 2
  fi
fi
# The embedding cache must be one folder that every node sees (NFS, Lustre, GPFS, CephFS).
if [ -z "${IMPRINT_CACHE_DIR:-}" ]; then
  echo "set IMPRINT_CACHE_DIR to a folder on a file system shared by the nodes (the embedding cache)" >&2
  exit 2
fi
mkdir -p "$IMPRINT_CACHE_DIR"
echo "== $(date -Is) ${SLURM_JOB_NAME:-job} ${SLURM_ARRAY_JOB_ID:-${SLURM_JOB_ID:-}}_${SLURM_ARRAY_TASK_ID:-} on $(hostname), restart ${SLURM_RESTART_COUNT:-0}"
