#!/usr/bin/env bash
# Submit a whole grid: the embedding array, the grid array after it, the merge and report after
# that (each with --dependency=afterok). Run from the repository root (or set IMPRINT_BENCH).
#   IMPRINT_CACHE_DIR=/shared/cache deploy/slurm/submit.sh GRID.yaml RESULTS_DIR TASKS [sbatch options]
set -euo pipefail
GRID=${1:?usage: deploy/slurm/submit.sh GRID.yaml RESULTS_DIR TASKS [sbatch options]}
RESULTS=${2:?usage: deploy/slurm/submit.sh GRID.yaml RESULTS_DIR TASKS [sbatch options]}
TASKS=${3:?usage: deploy/slurm/submit.sh GRID.yaml RESULTS_DIR TASKS [sbatch options]}
shift 3
here=$(cd "$(dirname "$0")" && pwd)
export IMPRINT_SLURM_DIR="$here"  # where the sbatch scripts find common.sh
embed=$(sbatch --parsable --export=ALL --array="0-$((TASKS - 1))" "$@" "$here/embed.sbatch" "$GRID")
grid=$(sbatch --parsable --export=ALL --array="0-$((TASKS - 1))" --dependency="afterok:${embed%%;*}" "$@" "$here/grid.sbatch" "$GRID" "$RESULTS")
merge=$(sbatch --parsable --export=ALL --dependency="afterok:${grid%%;*}" "$@" "$here/merge.sbatch" "$GRID" "$RESULTS")
echo "embed ${embed%%;*}, grid ${grid%%;*}, merge ${merge%%;*}: squeue -u \$USER; results in $RESULTS/grid.jsonl and $RESULTS/report/"
