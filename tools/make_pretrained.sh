#!/usr/bin/env bash
# The package's pretrained encoders (rnn_weight_repr/pretrained/), made by the project's own pipeline: the `small`
# formal-language zoo, emulation under the paper's objective (`own`) at its learning rate (constant 1e-4 after a 100-step
# warm-up) for 10,000 steps, the recipe and seeds that the Results chapter chose on validation (section "The weight
# readers at the paper's rate": the interactive prober's seed 1 named the most validation tasks; the non-interactive
# prober has one seed; of the weight readers `neuron_graph`'s seed 1 named the most validation tasks). The probers train on
# one core each, both at once, then the weight reader on two; rerun the same command after an interruption.
#   bash tools/make_pretrained.sh            # zoo (15 min on 2 cores, skipped if there) → runs (about 40 min) → eval → export
set -euo pipefail
cd "$(dirname "$0")/.."
zoo=${ZOO:-runs/small/formal/zoo}
runs=${RUNS:-runs/pretrained}
recipe='lr=0.0001;lr_schedule=constant;objective=own'
names=(interactive-10000-seed1 noninteractive-10000-seed0 neuron_graph-10000-seed1)
probers=("interactive:10000:1/$recipe" "noninteractive:10000:0/$recipe")
reader="neuron_graph:10000:1/$recipe"
tag='-lr=0.0001-lr_schedule=constant-objective=own'

[ -f "$zoo/manifest.json" ] || rwr_zoo formal --preset small --out "$zoo" --workers 2 --quiet
pids=()
for job in "${probers[@]}"; do
  OMP_NUM_THREADS=1 python experiments/emulation_study.py train --zoo "$zoo" --runs "$runs" --threads 1 --jobs "$job" &
  pids+=($!)
done
for pid in "${pids[@]}"; do wait "$pid"; done
OMP_NUM_THREADS=2 python experiments/emulation_study.py train --zoo "$zoo" --runs "$runs" --threads 2 --jobs "$reader"
folders=(); for name in "${names[@]}"; do folders+=("$runs/$name$tag"); done
# always asked: an evaluation of these runs resumes from its cache; one of other runs (an older version of this script) is refused, named
rwr_eval --zoo "$zoo" --runs "${folders[@]}" --out "$runs/eval" --device cpu --quiet
python tools/export_pretrained.py --zoo "$zoo" --eval "$runs/eval" --out rnn_weight_repr/pretrained \
  --command "bash tools/make_pretrained.sh" "${folders[@]}"
