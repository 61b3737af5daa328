"""Issue 33, step 1: the MNIST emulator with a perfect code (OracleEncoder), with no code (constant features) and with the
interactive prober, at the recipe of nbs/results/small-mnist-now; the plan is nbs/results/mnist-oracle/plan.md.

    python experiments/mnist_oracle.py --zoo runs/small-mnist/mnist/zoo --runs runs/mnist-oracle --out nbs/results/mnist-oracle --workers 2

Resumable: each run continues from its checkpoint when the command is given again (--time_limit MINUTES stops after the
step at hand, saved). Writes OUT/emulation.csv (one row per run) and prints the arms' means."""
import argparse, csv, json
from concurrent.futures import as_completed
from dataclasses import replace
from pathlib import Path

import numpy as np

from rnn_weight_repr.baselines import OracleEncoder
from rnn_weight_repr.clones import clone_quality
from rnn_weight_repr.codes import load_codes
from rnn_weight_repr.devices import TimeLimitReached, stop_time, worker_pool
from rnn_weight_repr.emulation import spread_rows, train_emulation
from rnn_weight_repr.emulator import TrainConfig
from rnn_weight_repr.run import Run, read_metrics
from rnn_weight_repr.zoo import Zoo

KEPT = Path(__file__).resolve().parents[1] / 'nbs' / 'results' / 'small-mnist-now'
ARMS = {'oracle': ('oracle', 'foreign'), 'constant': ('constant', 'foreign'), 'interactive': ('interactive', 'foreign'),
        'oracle-own': ('oracle', 'own')}
SEEDS = (0, 1)


def kept_recipe() -> TrainConfig:
    "The recipe of the kept small-mnist-now runs, read from the interactive prober's identity in its codes.npz."
    return TrainConfig(**load_codes(KEPT / 'codes.npz').members['interactive [interactive-seed0]']['identity']['train'])


def module_of(code: str, zoo: Zoo):
    "The encoder module of an arm (None: the library's encoder the config names)."
    if code == 'oracle': return OracleEncoder(zoo)
    if code == 'constant': return OracleEncoder(zoo, features=np.zeros(len(zoo)))
    return None


def config_of(arm: str, seed: int) -> TrainConfig:
    code, objective = ARMS[arm]
    return replace(kept_recipe(), encoder='custom' if code in ('oracle', 'constant') else code, objective=objective, seed=seed)


def train(arm: str, seed: int, zoo_path: str, runs: str, stop_at) -> tuple[str, int, bool]:
    "One run, in a worker process: (arm, seed, finished)."
    zoo = Zoo.load(zoo_path)
    try: train_emulation(zoo, config_of(arm, seed), Path(runs) / f'{arm}-seed{seed}', device='cpu', resume=True, progress=False,
                         encoder=module_of(ARMS[arm][0], zoo), stop_at=stop_at)
    except TimeLimitReached: return arm, seed, False
    return arm, seed, True


def clones(zoo: Zoo, run: Path, code: str, rows: np.ndarray) -> tuple[float, float]:
    "Mean accuracy on the stored digits of the clones and of the classifiers, over `rows`."
    model = Run(run).load(encoder=module_of(code, zoo))
    clone, original = clone_quality(model, zoo, rows)
    return float(np.mean(clone)), float(np.mean(original))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--zoo', required=True); parser.add_argument('--runs', required=True); parser.add_argument('--out', required=True)
    parser.add_argument('--workers', type=int, default=1); parser.add_argument('--time_limit', type=float)
    args = parser.parse_args()
    zoo, stop_at = Zoo.load(args.zoo), stop_time(args.time_limit)
    jobs = sorted([(arm, seed) for arm in ARMS for seed in SEEDS], key=lambda job: job[0] != 'interactive')   # longest first
    with worker_pool(args.workers) as pool:
        futures = [pool.submit(train, arm, seed, args.zoo, args.runs, stop_at) for arm, seed in jobs]
        unfinished = [f.result()[:2] for f in as_completed(futures) if not f.result()[2]]
    if unfinished: raise SystemExit(f"stopped at the time limit with {unfinished} unfinished; run the same command again")
    rows = spread_rows(zoo.split('val'), 128)
    out = Path(args.out); out.mkdir(parents=True, exist_ok=True)
    table = []
    for arm, seed in sorted(jobs):
        run = Path(args.runs) / f'{arm}-seed{seed}'
        last = read_metrics(run)[-1]
        clone, rnn = clones(zoo, run, ARMS[arm][0], rows)
        table.append(dict(arm=arm, code=ARMS[arm][0], objective=ARMS[arm][1], seed=seed, steps=last['step'], val_tv=last['val_loss'],
                          ood_tv=last['ood_loss'], clone_accuracy_val=clone, rnn_accuracy_val=rnn, minutes=last['seconds'] / 60))
    with open(out / 'emulation.csv', 'w', newline='') as f:
        writer = csv.DictWriter(f, list(table[0])); writer.writeheader(); writer.writerows(table)
    print(f"zoo {zoo.path} (fingerprint {zoo.fingerprint()}); recipe {json.dumps(kept_recipe().to_json())}")
    print(f"{'arm':12} {'val TV':>16} {'OOD TV':>16} {'clone acc val':>16} {'RNN acc val':>12}")
    for arm in ARMS:
        mine = [r for r in table if r['arm'] == arm]
        cell = lambda key: f"{np.mean([r[key] for r in mine]):.3f} ({'/'.join(f'{r[key]:.3f}' for r in mine)})"
        print(f"{arm:12} {cell('val_tv'):>16} {cell('ood_tv'):>16} {cell('clone_accuracy_val'):>16} {np.mean([r['rnn_accuracy_val'] for r in mine]):12.3f}")


if __name__ == '__main__':
    main()
