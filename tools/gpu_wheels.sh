#!/usr/bin/env bash
# Before a GPU lease: the wheels the device machine lacks (its image has torch, numpy, matplotlib, scikit-learn, tqdm,
# pytest, but not fastcore, nor nbdev and what nbdev_test needs), for its Python 3.12, into the ignored folder .whl/,
# and the test digits into the ignored folder .mnist/ (../shared does not travel). tools/gpu_session.sh installs them.
set -euo pipefail
cd "$(dirname "$0")/.."
wheels=(fastcore==1.14.5 nbdev==2.4.14 execnb==0.1.18 ghapi==1.1.1 fastgit==0.0.6 astunparse==1.6.3 asttokens==3.0.2
        watchdog==7.1.0 ipython==9.18.1 ipython_pygments_lexers==1.1.1 jedi==0.20.1 parso==0.8.7 matplotlib-inline==0.2.2
        traitlets==5.16.1 pexpect==4.9.0 ptyprocess==0.7.0 prompt_toolkit==3.0.53 wcwidth==0.9.4 stack_data==0.6.3
        executing==2.3.0 pure_eval==0.2.4)
rm -rf .whl && mkdir -p .whl
python3 -m pip download -q --no-deps --only-binary=:all: --python-version 3.12 --implementation cp \
  --platform manylinux_2_28_x86_64 --platform manylinux_2_17_x86_64 --platform manylinux2014_x86_64 \
  -d .whl "${wheels[@]}"
rm -rf .mnist && mkdir -p .mnist && cp -r ../shared/data/mnist/. .mnist/
du -sh .whl .mnist
