#!/usr/bin/env bash
# The GPU checks: every notebook cell flagged `gpu` (with the notebooks' other tests) and every pytest test marked `gpu`.
# Needs a CUDA device; the CPU checks are tools/check.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
python -c "import sys, torch; sys.exit(0 if torch.cuda.is_available() else 'check_gpu.sh: no CUDA device here; run it on a GPU machine')"
python -c "import torch; print('device:', torch.cuda.get_device_name(), '· torch', torch.__version__)"

echo "== nbdev_test --flags gpu (slow cells still skipped)"
nbdev_test --flags gpu --n_workers "${RWR_TEST_WORKERS:-4}" --timing

echo "== pytest -m gpu"
python -m pytest -q -m gpu tests "$@"
