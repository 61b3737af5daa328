#!/usr/bin/env bash
# the small recipe candidates: own, 3,000 steps, constant 1e-4 or 3e-4 (plan.md, 06:50 UTC); one evaluation per rate
set -e
cd "$(dirname "$0")/.."
R=runs/objective-study
for rate in 0.0001 0.0003; do
  runs=""
  for enc_seed in interactive:0 interactive:1 neuron_graph:0 neuron_graph:1; do
    d="$R/${enc_seed%%:*}-3000-seed${enc_seed##*:}-lr=$rate-lr_schedule=constant-objective=own"
    [ -f "$d/result.json" ] && runs="$runs $d"
  done
  echo $runs | tr ' ' '\n' | xargs -n1 basename > $R/eval-3000-$rate.runs
  rwr_eval --zoo runs/small/formal/zoo --runs $runs --out $R/eval-3000-$rate --device cpu
done
