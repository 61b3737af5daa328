#!/usr/bin/env bash
# Every speed benchmark on the CPU, one after the other, each printing its table; copies land in OUT_DIR.
#
#     bash bench/cpu_all.sh [OUT_DIR]          # default nbs/results/cpu; run on an otherwise idle machine
#
# The results chapter (nbs/11_results.ipynb) shows what this printed on the project's 2-core CPU.
set -euo pipefail
out="${1:-nbs/results/cpu}"; mkdir -p "$out"
export PYTHONUNBUFFERED=1
{ python -c "import torch, platform; print(platform.processor() or platform.machine(), '|', torch.get_num_threads(), 'threads | torch', torch.__version__)"; nproc; } | tee "$out/device.txt"
python bench/bench_lstm.py --device cpu | tee "$out/bench_lstm.txt"
python bench/bench_zoo.py --device cpu | tee "$out/bench_zoo.txt"
python bench/bench_mnist_zoo.py --device cpu | tee "$out/bench_mnist_zoo.txt"
python bench/bench_encoders.py --device cpu | tee "$out/bench_encoders.txt"
python bench/bench_probing.py --device cpu | tee "$out/bench_probing.txt"
python bench/bench_emulation.py --device cpu | tee "$out/bench_emulation.txt"
