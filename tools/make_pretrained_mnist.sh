#!/usr/bin/env bash
# The package's pretrained MNIST encoders (rnn_weight_repr/pretrained/mnist-*.pt), made by the library's own `small`
# MNIST pipeline: the 48-classifier zoo, every encoder emulated with the MNIST kind's `small` recipe (5,000 steps under
# the paper's objective at 1e-3 with a cosine schedule, chosen on validation: Results chapter, issue 33's step 3), two
# seeds each, and the downstream evaluation. Of each prober's two seeds the one whose codes placed the validation angles
# best (the paper's unseen-angle protocol) is exported; of the weight readers the NFN, whose codes told the classifiers'
# eval accuracy best (R² on validation; plan nbs/results/small-mnist-own/plan.md, amendment of 08:38), with its seed
# that told it best. About four hours on 2 cores; rerun the same command after an interruption (every stage resumes).
#   bash tools/make_pretrained_mnist.sh
set -euo pipefail
cd "$(dirname "$0")/.."
out=${OUT:-runs/small-mnist-own}
eval_dir=${EVAL:-$out/mnist/eval}
root=${MNIST_ROOT:-../shared/data/mnist}
[ -n "${SKIP_TRAINING:-}" ] || OMP_NUM_THREADS=1 rwr_reproduce --preset small --tasks mnist --out "$out" --workers 2 --mnist_root "$root"
export_runs() {   # export_runs CHOICE ENCODER…: each encoder's seeds 0 and 1, one exported per encoder by CHOICE
  local choice=$1; shift; local runs=()
  for encoder in "$@"; do for seed in 0 1; do runs+=("$out/mnist/runs/$encoder-seed$seed"); done; done
  python tools/export_pretrained.py --zoo "$out/mnist/zoo" --eval "$eval_dir" --out rnn_weight_repr/pretrained \
    $choice --command "bash tools/make_pretrained_mnist.sh" "${runs[@]}"
}
[ -n "${SKIP_PROBERS:-}" ] || export_runs "--lowest unseen_angle/val" interactive noninteractive
[ -n "${SKIP_READER:-}" ] || export_runs "--highest eval_accuracy/val" nfn
