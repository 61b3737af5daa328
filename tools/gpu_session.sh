#!/usr/bin/env bash
# One prepared command for a short GPU lease (device time is scarce: everything the GPU issues need measured, in one call).
# Here, before the lease:   bash tools/gpu_wheels.sh          (.whl/ and .mnist/, both ignored)
# The call:                 run(command="bash tools/gpu_session.sh", carry=[".whl", ".mnist"], timeout_s=580)
# Rehearsal on the CPU:     DRY_RUN=1 bash tools/gpu_session.sh   (tiny sizes, the same stages and caps; must end within 8 minutes)
# Each stage has a time cap, the caps add up to less than BUDGET seconds (default 540), and every stage's output lands in
# $OUT as it goes (a stage cut by its cap says so; a failed stage does not stop the next). Stages, most needed first (the
# lease of 2026-12-04 measured bf16 autocast and torch.compile: experiments/amp_curves.py and bench_emulation.py --modes
# compile rerun them by hand; nbs/results/gpu-h200 holds the figures):
#   1 check.txt       the device, then pytest -m gpu (graph vs eager runs, resume of emulation and of the supervised baseline,
#                     bf16, runs sharing the GPU, the emulator's GPU path)
#   2 zoo.txt         a 144-run zoo at the small recipe
#   3 sharing.txt     the six encoders one after another vs sharing the GPU (50 steps each)
#   4 notebooks.txt   nbdev_test --flags gpu on the chapters holding a `#| gpu` cell, in parallel (every failure listed)
#   5 bench.txt       every encoder's training step at paper sizes, batch 64: eager beside CUDA graph (a second day's reading)
# At the end artifacts.tar.gz packs what the stages wrote beside their logs (CSV files, metrics; no checkpoints):
# six files come back in all.
set -uo pipefail
cd "$(dirname "$0")/.."
out="${OUT:-out/gpu-session}"; mkdir -p "$out"
budget="${BUDGET:-540}"; start=$(date +%s)
scratch=/tmp/gpu-session; rm -rf "$scratch"; mkdir -p "$scratch"
export PYTHONUNBUFFERED=1
if [ -n "${DRY_RUN:-}" ]; then   # the CPU, tiny sizes, this environment's packages: every stage must run and print its line
  device=cpu bench_preset=tiny zoo_config="zoo_config('tiny')" sharing_steps=2 nb_flags=""
  export RWR_MNIST_ROOT="${RWR_MNIST_ROOT:-$PWD/../shared/data/mnist}"
else
  device=cuda bench_preset=paper zoo_config="zoo_config('small', num_runs=144)" sharing_steps=50 nb_flags="--flags gpu"
  export RWR_MNIST_ROOT="$PWD/.mnist" PYTHONPATH="/tmp/site:$PWD"
fi
stage() {  # stage FILE CAP COMMAND...: run COMMAND for at most CAP seconds (less if the budget is nearly spent)
  local file=$1 cap=$2; shift 2
  local left=$(( budget - ($(date +%s) - start) - 10 ))
  (( left < cap )) && cap=$left
  if (( cap < 15 )); then echo "== $file skipped: budget spent" | tee "$out/$file"; return; fi
  echo "== $file (cap ${cap}s): $*"
  local t0=$(date +%s)
  timeout "$cap" "$@" > "$out/$file" 2>&1; local status=$?
  echo "-- exit $status after $(( $(date +%s) - t0 ))s (124: cut by the cap)" >> "$out/$file"
  tail -n 25 "$out/$file"
}
{ if [ -z "${DRY_RUN:-}" ]; then nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader; else echo "dry run on the CPU"; fi
  python3 -c "import torch; print('torch', torch.__version__, '· cuda', torch.version.cuda)"; date -u; git log -1 --format='%h %s' | cut -c1-100; } \
  > "$scratch/device.txt"; cat "$scratch/device.txt"
if [ -z "${DRY_RUN:-}" ]; then
  python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/site .whl/*.whl \
    || { echo "installing .whl/ failed: run tools/gpu_wheels.sh here and carry .whl"; exit 1; }
  export PATH="/tmp/site/bin:$PATH"                  # nbdev_test
  python3 -m pip install -q --no-index --no-deps --no-build-isolation -e . > /dev/null 2>&1 \
    || echo "no editable install (the package is on PYTHONPATH; nothing below needs its console scripts)"
fi

stage check.txt 140 bash -c "cat '$scratch/device.txt'; python3 -m pytest -q -m gpu -rfE --durations=10 tests"
zoo=$scratch/zoo
stage zoo.txt 30 python3 -c "from rnn_weight_repr.generate import generate_zoo; from rnn_weight_repr.zoo import zoo_config; print(generate_zoo($zoo_config, '$zoo', device='$device', progress=False))"
if [ -f "$zoo/manifest.json" ]; then   # a zoo stage cut by its cap leaves no zoo: say so once instead of a traceback
  stage sharing.txt 80 python3 experiments/gpu_sharing.py --zoo "$zoo" --out "$scratch/sharing" --steps $sharing_steps --device $device --preset $bench_preset
else
  echo "== sharing.txt skipped: the zoo stage wrote no zoo (see zoo.txt)" | tee "$out/sharing.txt"
fi
# a code cell's own line `#| gpu` (not the chapters' prose that mentions it); each chapter in its own process, all at once,
# a line and its log's tail as each ends (a chapter still running at the cap is named by its missing line)
notebooks=$(grep -l '^ *"#| gpu\\n",$' nbs/*.ipynb | xargs -n1 basename | sed 's/\.ipynb$//' | paste -sd' ')
# Each chapter gets its share of the cores: on the second lease two chapters with all 16 threads each ran their CPU cells
# 80-100x slower than this 2-core machine does (nbs/results/gpu-h200-second-lease/trace-*.txt), cut by the cap.
chapter() { local t0=$(date +%s)
            OMP_NUM_THREADS=$threads nbdev_test $nb_flags --do_print --path "nbs/$1.ipynb" > "$scratch/$1.log" 2>&1
            echo "$1: exit $? after $(( $(date +%s) - t0 ))s"; tail -n 20 "$scratch/$1.log"; }
threads=$(( $(nproc) / $(wc -w <<< "$notebooks") )); (( threads < 1 )) && threads=1
export -f chapter; export nb_flags scratch threads
stage notebooks.txt 190 bash -c "echo chapters: $notebooks; for nb in $notebooks; do chapter \$nb & done; wait"
pkill -f nbdev_test 2>/dev/null   # chapters still running at the cap: not beside the bench
stage bench.txt 50 python3 bench/bench_emulation.py --device $device --preset $bench_preset --modes eager $([ $device = cuda ] && echo graph) --repeats 5
tar -czf "$out/artifacts.tar.gz" -C "$scratch" --exclude='*.pt' --exclude='zoo' . 2>/dev/null
echo "artifacts.tar.gz: $(du -h "$out/artifacts.tar.gz" | cut -f1) ($(tar -tzf "$out/artifacts.tar.gz" | grep -vc '/$') files)"
echo "total $(( $(date +%s) - start ))s of a ${budget}s budget"
