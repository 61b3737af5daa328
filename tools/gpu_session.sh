#!/usr/bin/env bash
# One prepared command for a short GPU lease (device time is scarce: everything the GPU issues need measured, in one call).
# Here, before the lease:   bash tools/gpu_wheels.sh          (.whl/ and .mnist/, both ignored)
# The call:                 run(command="bash tools/gpu_session.sh", carry=[".whl", ".mnist"], timeout_s=580)
# Rehearsal on the CPU:     DRY_RUN=1 bash tools/gpu_session.sh   (tiny sizes, the same stages and caps; must end within 8 minutes)
# Each stage has a time cap, the caps add up to less than BUDGET seconds (default 540), and every stage's output lands in
# $OUT as it goes (a stage cut by its cap says so; a failed stage does not stop the next). Stages, most needed first:
#   1 check.txt       the device, then pytest -m gpu (graph vs eager runs, resume, bf16, runs sharing the GPU, the emulator's GPU path)
#   2 bench.txt       every encoder's training step at paper sizes, batch 64: eager beside CUDA graph
#   3 zoo.txt amp.txt a 144-run zoo at the small recipe, then bf16 autocast vs float32 loss curves (CUDA graph, 200 steps, paper
#                     sizes) with the dtype the LSTMs compute in under autocast
#   4 sharing.txt     the six encoders one after another vs sharing the GPU (50 steps each)
#   5 notebooks.txt   nbdev_test --flags gpu on the chapters holding a `#| gpu` cell, in parallel (every failure listed)
#   6 compile.txt     the training step under torch.compile(mode="reduce-overhead"), for the two encoders where it can pay
# At the end artifacts.tar.gz packs what the stages wrote beside their logs (CSV files, metrics, figures; no checkpoints):
# eight files come back in all.
set -uo pipefail
cd "$(dirname "$0")/.."
out="${OUT:-out/gpu-session}"; mkdir -p "$out"
budget="${BUDGET:-540}"; start=$(date +%s)
scratch=/tmp/gpu-session; rm -rf "$scratch"; mkdir -p "$scratch"
export PYTHONUNBUFFERED=1
if [ -n "${DRY_RUN:-}" ]; then   # the CPU, tiny sizes, this environment's packages: every stage must run and print its line
  device=cpu bench_preset=tiny zoo_config="zoo_config('tiny')" amp_steps=10 sharing_steps=2 nb_flags=""
  export RWR_MNIST_ROOT="${RWR_MNIST_ROOT:-$PWD/../shared/data/mnist}"
else
  device=cuda bench_preset=paper zoo_config="zoo_config('small', num_runs=144)" amp_steps=200 sharing_steps=50 nb_flags="--flags gpu"
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

stage check.txt 100 bash -c "cat '$scratch/device.txt'; python3 -m pytest -q -m gpu -rfE --durations=10 tests"
stage bench.txt 70 python3 bench/bench_emulation.py --device $device --preset $bench_preset --modes eager $([ $device = cuda ] && echo graph) --repeats 10
zoo=$scratch/zoo
stage zoo.txt 40 python3 -c "from rnn_weight_repr.zoo import generate_zoo, zoo_config; print(generate_zoo($zoo_config, '$zoo', device='$device', progress=False))"
if [ -f "$zoo/manifest.json" ]; then   # a zoo stage cut by its cap leaves no zoo: say so once instead of two tracebacks
  stage amp.txt 95 python3 experiments/amp_curves.py --zoo "$zoo" --out "$scratch/amp" --steps $amp_steps --device $device --encoder_preset $bench_preset \
    $([ $device = cuda ] && echo --cuda_graph)
  stage sharing.txt 45 python3 experiments/gpu_sharing.py --zoo "$zoo" --out "$scratch/sharing" --steps $sharing_steps --device $device --preset $bench_preset
else
  for f in amp.txt sharing.txt; do echo "== $f skipped: the zoo stage wrote no zoo (see zoo.txt)" | tee "$out/$f"; done
fi
# a code cell's own line `#| gpu` (not the chapters' prose that mentions it); the chapters in parallel, every failure listed
notebooks=$(grep -l '^ *"#| gpu\\n",$' nbs/*.ipynb | xargs -n1 basename | sed 's/\.ipynb$//' | paste -sd'|')
stage notebooks.txt 90 nbdev_test $nb_flags --n_workers 4 --timing --path nbs --file_re "^($notebooks)\.ipynb$"
stage compile.txt 60 python3 bench/bench_emulation.py --device $device --preset $bench_preset --modes compile --repeats 10 \
  --only interactive parameter_transformer
tar -czf "$out/artifacts.tar.gz" -C "$scratch" --exclude='*.pt' --exclude='zoo' . 2>/dev/null
echo "artifacts.tar.gz: $(du -h "$out/artifacts.tar.gz" | cut -f1) ($(tar -tzf "$out/artifacts.tar.gz" | grep -vc '/$') files)"
echo "total $(( $(date +%s) - start ))s of a ${budget}s budget"
