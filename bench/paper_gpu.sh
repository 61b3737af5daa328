#!/usr/bin/env bash
# As much of the `paper` preset as fits a short lease of one GPU, timed: the speed benchmarks at paper sizes,
# then a formal-language zoo on the paper's full schedule (20k steps, 9 snapshots) with one run per task (216 runs).
#
#     bash bench/paper_gpu.sh [OUT_DIR]          # needs a CUDA GPU; ZOO_SECONDS caps the zoo stage (default 330)
#
# The results chapter (nbs/11_results.ipynb) quotes what this printed.
set -uo pipefail
out="${1:-${OUT:-out/paper-gpu}}"; mkdir -p "$out"
export PYTHONUNBUFFERED=1
{ nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader; python3 -c "import torch; print('torch', torch.__version__)"; } | tee "$out/device.txt"

echo "== zoo training speed: batched trainer vs one nn.LSTM at a time"
python3 bench/bench_zoo.py --device cuda --rnns 216 1080 --steps 100 --loop-rnns 1 2>&1 | tee "$out/bench_zoo.txt"

echo "== emulation training steps, paper sizes, batch 64"
python3 bench/bench_emulation.py --device cuda --repeats 5 2>&1 | tee "$out/bench_emulation.txt"

echo "== paper-schedule zoo: 216 runs (one per task) x 20k steps x 9 snapshots"
start=$(date +%s)
timeout "${ZOO_SECONDS:-330}" rwr_zoo formal --preset paper --runs 216 --chunk_size 216 --out /tmp/paper-zoo 2>&1 \
  | tr '\r' '\n' | grep -v -e '^zoo:' -e '^\s*$' | tee "$out/zoo.txt"   # the summary, without the progress bar
status=${PIPESTATUS[0]}
echo "zoo stage: $(( $(date +%s) - start )) s (exit $status; 124 = stopped by the time cap)" | tee -a "$out/zoo.txt"
