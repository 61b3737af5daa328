#!/usr/bin/env bash
# The project's test command (README): notebooks and exports agree, lint is clean, notebook tests pass, pytest passes.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== nbdev_export and nbdev_clean must leave the notebooks and the package unchanged"
fingerprint() { find nbs rnn_weight_repr -type f \( -name '*.ipynb' -o -name '*.py' \) -not -path '*/.ipynb_checkpoints/*' -not -path '*/__pycache__/*' | sort | xargs sha1sum; }
before=$(fingerprint)
nbdev_export
nbdev_clean
after=$(fingerprint)
if [ "$before" != "$after" ]; then
  diff <(echo "$before") <(echo "$after") || true
  echo "FAIL: nbdev_export/nbdev_clean changed the files above: run both and commit notebooks with their exports." >&2
  exit 1
fi
python tools/make_readme.py --check

echo "== ruff: pyflakes rules (unused imports and names, undefined names) on the notebooks, the package, tests, tools and scripts"
ruff check --select F --output-format concise nbs rnn_weight_repr tests tools bench experiments

echo "== nbdev_test (notebooks at the tiny preset; cells flagged slow/gpu are skipped)"
# one thread per notebook: two notebooks run at once on two cores, more threads would only fight. On two workers the
# two longest notebooks (09d and 09e, about half of the notebooks' time) run one after the other from the start, the
# others in the second process: in name order 09e began two-thirds in and ran alone at the end, two minutes longer.
if [ "${RWR_TEST_WORKERS:-2}" = 2 ]; then
  long='09[de]_*.ipynb'
  OMP_NUM_THREADS=1 nbdev_test --n_workers 0 --file_glob "$long" --timing & long_pid=$!
  OMP_NUM_THREADS=1 nbdev_test --n_workers 0 --skip_file_glob "$long" --timing
  wait "$long_pid"
else
  OMP_NUM_THREADS=1 nbdev_test --n_workers "${RWR_TEST_WORKERS}" --timing
fi

echo "== pytest"
# two workers on two cores (pytest-xdist), one thread each; --dist loadscope keeps a file's test functions, and so its
# module fixtures (a zoo, trained runs), in one worker, and a test class's methods in one (test_kept_results.py splits
# its tables into two classes that share nothing, so both workers recompute them). Exit code 5 (no tests collected)
# fails the run like any other code.
OMP_NUM_THREADS=1 python -m pytest -q -n "${RWR_TEST_WORKERS:-2}" --dist loadscope --durations=15 tests "$@"
