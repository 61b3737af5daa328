#!/usr/bin/env bash
# The package's pretrained MNIST encoders (rnn_weight_repr/pretrained/mnist-*.pt), made by the library's own `small`
# MNIST pipeline: the 48-classifier zoo, every encoder emulated with the MNIST kind's `small` recipe (5,000 steps under
# the paper's objective at 1e-3 with a cosine schedule, chosen on validation: Results chapter, issue 33's step 3), two
# seeds each, and the downstream evaluation. Of each prober's two seeds the one whose codes placed the validation angles
# best (the paper's unseen-angle protocol) is exported. About two hours on 2 cores; rerun the same command after an
# interruption (every stage resumes).
#   bash tools/make_pretrained_mnist.sh
set -euo pipefail
cd "$(dirname "$0")/.."
out=${OUT:-runs/small-mnist-own}
root=${MNIST_ROOT:-../shared/data/mnist}
OMP_NUM_THREADS=1 rwr_reproduce --preset small --tasks mnist --out "$out" --workers 2 --mnist_root "$root"
runs=()
for encoder in ${ENCODERS:-interactive noninteractive}; do
  for seed in 0 1; do runs+=("$out/mnist/runs/$encoder-seed$seed"); done
done
python tools/export_pretrained.py --zoo "$out/mnist/zoo" --eval "$out/mnist/eval" --out rnn_weight_repr/pretrained \
  --lowest unseen_angle/val --command "bash tools/make_pretrained_mnist.sh" "${runs[@]}"
