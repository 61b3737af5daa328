#!/usr/bin/env bash
# One prepared command for a short GPU lease (device time is scarce: everything issue 18 needs measured, in one call).
# Here, before the lease:   bash tools/gpu_wheels.sh          (.whl/ and .mnist/, both ignored)
# The call:                 run(command="bash tools/gpu_session.sh", carry=[".whl", ".mnist"], timeout_s=560)
# Each stage has a time cap, the whole stays under BUDGET seconds (default 530), and every stage's output lands in
# $OUT as it goes (a stage cut by its cap says so). Stages, most needed first:
#   1 check.txt       the device, then pytest -m gpu (graph vs eager runs, resume, bf16, runs sharing the GPU, the emulator's GPU path)
#   2 bench.txt       every encoder's training step at paper sizes, batch 64: eager beside CUDA graph
#   3 zoo.txt amp.txt bf16 autocast vs float32 loss curves (CUDA graph, 400 steps, paper sizes) on a small zoo
#   4 sharing.txt     six runs one after another vs sharing the GPU
#   5 notebooks.txt   nbdev_test --flags gpu on the chapters that hold `#| gpu` cells
#   6 compile.txt     the training step under torch.compile(mode="reduce-overhead")
set -uo pipefail
cd "$(dirname "$0")/.."
out="${OUT:-out/gpu-session}"; mkdir -p "$out"
budget="${BUDGET:-530}"; start=$(date +%s)
export PYTHONUNBUFFERED=1 RWR_MNIST_ROOT="$PWD/.mnist" PYTHONPATH="/tmp/site:$PWD"
stage() {  # stage FILE CAP COMMAND...: run COMMAND for at most CAP seconds (less if the budget is nearly spent)
  local file=$1 cap=$2; shift 2
  local left=$(( budget - ($(date +%s) - start) - 10 ))
  (( left < cap )) && cap=$left
  if (( cap < 20 )); then echo "skipped: budget spent" > "$out/$file"; return; fi
  echo "== $file (cap ${cap}s): $*"
  local t0=$(date +%s)
  timeout "$cap" "$@" > "$out/$file" 2>&1; local status=$?
  echo "-- exit $status after $(( $(date +%s) - t0 ))s (124: cut by the cap)" >> "$out/$file"
  tail -n 25 "$out/$file"
}
{ nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader
  python3 -c "import torch; print('torch', torch.__version__, '· cuda', torch.version.cuda)"; date -u; git log -1 --format='%h %s' | cut -c1-100; } \
  | tee "$out/device.txt"     # and at the top of check.txt (at most 8 files come back)
python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/site .whl/*.whl \
  || { echo "installing .whl/ failed: run tools/gpu_wheels.sh here and carry .whl"; exit 1; }
export PATH="/tmp/site/bin:$PATH"                  # nbdev_test
python3 -m pip install -q --no-index --no-deps --no-build-isolation -e . > /dev/null 2>&1 \
  || echo "no editable install (the package is on PYTHONPATH; nothing below needs its console scripts)"

stage check.txt 150 bash -c "cat '$out/device.txt'; python3 -m pytest -q -m gpu tests"
rm -f "$out/device.txt"
stage bench.txt 110 python3 bench/bench_emulation.py --device cuda --modes eager graph --repeats 10
zoo=/tmp/gpu-session-zoo
stage zoo.txt 60 python3 -c "from rnn_weight_repr.zoo import generate_zoo, zoo_config; print(generate_zoo(zoo_config('small'), '$zoo', device='cuda', progress=False))"
stage amp.txt 110 python3 experiments/amp_curves.py --zoo "$zoo" --out /tmp/gpu-session-amp --steps 400 --cuda_graph
stage sharing.txt 60 python3 experiments/gpu_sharing.py --zoo "$zoo" --out /tmp/gpu-session-sharing --steps 200
notebooks=$(grep -l '#| gpu' nbs/*.ipynb | tr '\n' ' ')
stage notebooks.txt 120 bash -c "for nb in $notebooks; do nbdev_test --flags gpu --path \$nb || exit 1; done"
stage compile.txt 150 python3 bench/bench_emulation.py --device cuda --modes compile --repeats 10
echo "total $(( $(date +%s) - start ))s of a ${budget}s budget"
