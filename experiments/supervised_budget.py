"""Choose the supervised baseline's budget (steps, learning rate) on validation, for `rwr_eval --supervised_steps`.

Each encoder is trained end to end with the frozen-code predictor's MLP head on the paper's label (a task's offsets,
3-hot; the MNIST angle as (sin, cos)) on the train tasks' snapshots, exactly as `supervised_scores` fits its validation
fold, and scored on the validation tasks: exact task and per offset (formal), circular error (MNIST). OOD is never
touched. Each (encoder, steps, lr) is a model folder of its own under --runs, resumable like `rwr_train`.

    python experiments/supervised_budget.py --zoo runs/small/formal/zoo --runs runs/supervised-budget \
        --encoders layerwise_statistics,flat,nfn,noninteractive,interactive,neuron_graph --budgets 300:0.001,1000:0.001,3000:0.001,1000:0.0003 \
        --out nbs/results/supervised-budget --time_limit 60
    # writes OUT/budget.csv (one row per encoder and budget) and OUT/chosen.json (the budget best on validation, averaged over encoders)
"""
import argparse, csv, json, time
from pathlib import Path

import numpy as np
import torch

from rnn_weight_repr.devices import TimeLimitReached, stop_time
from rnn_weight_repr.downstream import check_no_leak, evaluated_rows, fitting_folds, property_named, row_values
from rnn_weight_repr.emulator import train_config
from rnn_weight_repr.supervised import SupervisedConfig, predict_label, train_supervised
from rnn_weight_repr.zoo import Zoo

LABEL = {'formal': 'unseen_task', 'mnist': 'unseen_angle'}     # the paper's label per zoo kind
LOWER_IS_BETTER = {'unseen_task': False, 'unseen_angle': True}


def parse_budgets(text: str) -> list[tuple[int, float]]:
    "'300:0.001,1000:0.0003' → [(300, 0.001), (1000, 0.0003)]: steps and learning rate of each candidate."
    try: budgets = [(int(steps), float(lr)) for steps, lr in (b.split(':') for b in text.split(','))]
    except ValueError: raise ValueError(f"budgets: expected STEPS:LR[,STEPS:LR...] (e.g. 300:0.001,1000:0.001), got {text!r}") from None
    if not budgets or any(s < 1 or lr <= 0 for s, lr in budgets): raise ValueError(f"budgets: expected positive steps and learning rates, got {text!r}")
    return budgets


def validation_score(zoo: Zoo, encoder: str, steps: int, lr: float, runs: Path, preset: str = 'small', seed: int = 0,
                     min_performance: float = 0.3, stop_at: float | None = None) -> dict:
    "One candidate: `encoder` (at `preset`'s sizes) trained end to end for `steps` at `lr` on the train tasks, scored on the validation tasks (the protocol's rows: performance ≥ `min_performance`)."
    prop = property_named(zoo, LABEL[zoo.kind])
    recipe = train_config(preset, encoder=encoder)
    config = SupervisedConfig(encoder, recipe.encoder_preset, recipe.encoder_sizes, recipe.code_size, steps=steps, lr=lr, seed=seed)
    rows = evaluated_rows(zoo, prop, 'val', min_performance=min_performance)
    folds = fitting_folds(zoo, prop, 'val', rows, min_performance=min_performance)
    check_no_leak(zoo, prop, folds)
    (fit, test), = folds
    start = time.time()
    model = train_supervised(zoo, prop, config, fit, runs / f'{encoder}-{steps}-lr{lr:g}-seed{seed}', stop_at=stop_at)
    true, guess = prop.targets(zoo)[test], predict_label(model, zoo, prop, test)
    row = dict(encoder=encoder, steps=steps, lr=lr, seed=seed, label=prop.name, rows=len(test), seconds=round(time.time() - start, 1))
    row[prop.name] = float(np.mean(row_values(prop, true, guess)))
    for suffix, values in prop.extra_values(true, guess).items(): row[f'{prop.name}_{suffix}'] = float(np.mean(values))
    return row


def choose(rows: list[dict]) -> dict:
    "The budget with the best validation score averaged over the encoders (per offset for the formal label: exact task is at its floor)."
    label = rows[0]['label']
    key = label + '_per_offset' if label + '_per_offset' in rows[0] else label
    encoders = {r['encoder'] for r in rows}
    budgets = {(r['steps'], r['lr']) for r in rows}
    complete = [b for b in budgets if {r['encoder'] for r in rows if (r['steps'], r['lr']) == b} == encoders]
    if not complete: raise ValueError("budget: no candidate was scored for every encoder")
    mean = {b: float(np.mean([r[key] for r in rows if (r['steps'], r['lr']) == b])) for b in complete}
    best = (min if LOWER_IS_BETTER[label] else max)(complete, key=lambda b: (mean[b], -b[0]))   # ties: the shorter
    return dict(steps=best[0], lr=best[1], score=key, mean=mean[best], encoders=sorted(encoders),
                candidates={f'{s}:{lr:g}': m for (s, lr), m in sorted(mean.items())})


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--zoo', required=True); parser.add_argument('--runs', required=True); parser.add_argument('--out', required=True)
    parser.add_argument('--encoders', required=True); parser.add_argument('--budgets', default='300:0.001,1000:0.001,3000:0.001')
    parser.add_argument('--preset', default='small'); parser.add_argument('--threads', type=int, default=1)
    parser.add_argument('--time_limit', type=float, default=None, help='minutes; stops after the step at hand, saved (exit status 75)')
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    zoo, budgets, stop_at = Zoo.load(args.zoo), parse_budgets(args.budgets), stop_time(args.time_limit)
    out = Path(args.out); out.mkdir(parents=True, exist_ok=True)
    rows = []
    for steps, lr in sorted(budgets):                       # the cheap candidates first
        for encoder in args.encoders.split(','):
            try: rows.append(validation_score(zoo, encoder, steps, lr, Path(args.runs), args.preset, stop_at=stop_at))
            except TimeLimitReached as e: raise SystemExit(print(f"{e}; run the same command again to continue") or 75)
            print(json.dumps(rows[-1]), flush=True)
            with open(out / 'budget.csv', 'w', newline='') as f:
                writer = csv.DictWriter(f, list(rows[-1])); writer.writeheader(); writer.writerows(rows)
    (out / 'chosen.json').write_text(json.dumps(choose(rows), indent=1) + '\n')
    print((out / 'chosen.json').read_text())


if __name__ == '__main__': main()
