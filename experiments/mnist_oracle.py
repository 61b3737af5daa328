"""Issue 33, steps 1 to 7: the MNIST emulator with a perfect code (OracleEncoder), with no code (constant features) and with the
interactive prober, at the recipe of nbs/results/small-mnist-now; the plan is nbs/results/mnist-oracle/plan.md.

    python experiments/mnist_oracle.py --zoo runs/small-mnist/mnist/zoo --runs runs/mnist-oracle --out nbs/results/mnist-oracle --workers 2 --step 1

Resumable: each run continues from its checkpoint when the command is given again (--time_limit MINUTES stops after the
step at hand, saved). Writes OUT/emulation-stepN.csv (one row per run of the plan's step N), OUT/curves-stepN.csv and .png (validation TV at each logged step) and prints the arms' means."""
import argparse, csv, json
from concurrent.futures import as_completed
from dataclasses import replace
from pathlib import Path

import matplotlib
matplotlib.use('Agg')
import matplotlib.pyplot as plt
import numpy as np
import torch

from rnn_weight_repr.baselines import OracleEncoder
from rnn_weight_repr.clones import clone_quality
from rnn_weight_repr.codes import load_codes
from rnn_weight_repr.devices import TimeLimitReached, stop_time, worker_pool
from rnn_weight_repr.emulation import spread_rows, stored_behaviour, train_emulation
from rnn_weight_repr.emulator import TrainConfig, output_divergence, train_config
from rnn_weight_repr.run import Run, read_metrics
from rnn_weight_repr.zoo import Zoo

KEPT = Path(__file__).resolve().parents[1] / 'nbs' / 'results' / 'small-mnist-now'
# arm: (code, objective, steps, seeds[, rate]); step 1 of the plan at the kept recipe's 1,000 steps, step 2 at 10,000, step 3
# the `small` preset's length and rate against the kept recipe's rate (1e-3, cosine) at 5,000 and 3,000 steps
ARMS = {'oracle': ('oracle', 'foreign', 1000, (0, 1)), 'constant': ('constant', 'foreign', 1000, (0, 1)),
        'interactive': ('interactive', 'foreign', 1000, (0, 1)), 'oracle-own': ('oracle', 'own', 1000, (0, 1)),
        'oracle-own-10k': ('oracle', 'own', 10_000, (0, 1)), 'constant-own-10k': ('constant', 'own', 10_000, (0, 1)),
        'interactive-own-10k': ('interactive', 'own', 10_000, (0,)),
        'interactive-5k-small-rate': ('interactive', 'own', 5000, (0, 1), 'small'), 'interactive-5k': ('interactive', 'own', 5000, (0, 1)),
        'interactive-3k': ('interactive', 'own', 3000, (0, 1)), 'oracle-5k': ('oracle', 'own', 5000, (0, 1)),
        'oracle-3k': ('oracle', 'own', 3000, (0, 1)),
        'interactive-5k-probes50': ('interactive', 'own', 5000, (0, 1)),
        'interactive-5k-foreign': ('interactive', 'foreign', 5000, (0, 1))}
SIZES = {'interactive-5k-probes50': {'probe_length': 50}}   # step 5: the paper's 50 probe steps (small's preset has 12)
RATES = {'kept': {}, 'small': dict(lr=train_config('small').lr, lr_schedule=train_config('small').lr_schedule,
                                   warmup_steps=train_config('small').warmup_steps)}
COLOURS = {'oracle': 'tab:green', 'constant': 'tab:gray', 'interactive': 'tab:blue'}
STEP = {1: ['oracle', 'constant', 'interactive', 'oracle-own'], 2: ['oracle-own-10k', 'constant-own-10k', 'interactive-own-10k'],
        3: ['interactive-5k-small-rate', 'interactive-5k', 'interactive-3k', 'oracle-5k', 'oracle-3k'],
        5: ['interactive-5k-probes50'], 6: ['oracle-5k'],   # steps 6 and 7: the plan of nbs/results/mnist-480 (the oracle; the prober under `foreign`)
        7: ['interactive-5k-foreign']}
EVALUATED = {5: ['interactive-5k-probes50', 'interactive-5k']}   # step 5's runs scored downstream together, the first arm the reference


def kept_recipe() -> TrainConfig:
    "The recipe of the kept small-mnist-now runs, read from the interactive prober's identity in its codes.npz."
    return TrainConfig(**load_codes(KEPT / 'codes.npz').members['interactive [interactive-seed0]']['identity']['train'])


def module_of(code: str, zoo: Zoo):
    "The encoder module of an arm (None: the library's encoder the config names)."
    if code == 'oracle': return OracleEncoder(zoo)
    if code == 'constant': return OracleEncoder(zoo, features=np.zeros(len(zoo)))
    return None


def config_of(arm: str, seed: int) -> TrainConfig:
    code, objective, steps, _, *rate = ARMS[arm]
    return replace(kept_recipe(), encoder='custom' if code in ('oracle', 'constant') else code, objective=objective, steps=steps,
                   seed=seed, checkpoint_every=500 if steps <= 1000 else 1000, encoder_sizes=SIZES.get(arm, {}),
                   **RATES[rate[0] if rate else 'kept'])


def train(arm: str, seed: int, zoo_path: str, runs: str, stop_at) -> tuple[str, int, bool]:
    "One run, in a worker process: (arm, seed, finished)."
    zoo = Zoo.load(zoo_path)
    try: train_emulation(zoo, config_of(arm, seed), Path(runs) / f'{arm}-seed{seed}', device='cpu', resume=True, progress=False,
                         encoder=module_of(ARMS[arm][0], zoo), stop_at=stop_at)
    except TimeLimitReached: return arm, seed, False
    return arm, seed, True


def clones(zoo: Zoo, run: Path, code: str, rows: np.ndarray) -> dict[str, float]:
    "Over `rows`: mean accuracy on the stored digits of the clones and of the classifiers, and the TV between them at the last of the 50 steps (the class read off the classifier)."
    model = Run(run).load(encoder=module_of(code, zoo))
    clone, original = clone_quality(model, zoo, rows)
    with torch.no_grad():
        theta, x, target = stored_behaviour(zoo, rows, 0)
        tv = output_divergence(model(theta, x), target, 'tv')                        # [R, T]
    return dict(clone_accuracy_val=float(np.mean(clone)), rnn_accuracy_val=float(np.mean(original)),
                val_tv_last_step=float(tv[:, -1].mean()), val_tv_all_steps=float(tv.mean()))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--zoo', required=True); parser.add_argument('--runs', required=True); parser.add_argument('--out', required=True)
    parser.add_argument('--workers', type=int, default=1); parser.add_argument('--time_limit', type=float)
    parser.add_argument('--step', type=int, default=1, choices=sorted(STEP), help="the plan's step: its arms")
    args = parser.parse_args()
    zoo, stop_at = Zoo.load(args.zoo), stop_time(args.time_limit)
    arms = STEP[args.step]
    jobs = sorted([(arm, seed) for arm in arms for seed in ARMS[arm][3]], key=lambda job: (-ARMS[job[0]][2], ARMS[job[0]][0] != 'interactive'))   # longest first
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
        table.append(dict(arm=arm, code=ARMS[arm][0], objective=ARMS[arm][1], seed=seed, steps=last['step'], val_tv=last['val_loss'],
                          ood_tv=last['ood_loss'], **clones(zoo, run, ARMS[arm][0], rows), minutes=last['seconds'] / 60))
    with open(out / f'emulation-step{args.step}.csv', 'w', newline='') as f:
        writer = csv.DictWriter(f, list(table[0])); writer.writeheader(); writer.writerows(table)
    curves = [dict(arm=arm, seed=seed, step=m['step'], val_tv=m['val_loss'], ood_tv=m['ood_loss'])
              for arm, seed in sorted(jobs) for m in read_metrics(Path(args.runs) / f'{arm}-seed{seed}')]
    with open(out / f'curves-step{args.step}.csv', 'w', newline='') as f:
        writer = csv.DictWriter(f, list(curves[0])); writer.writeheader(); writer.writerows(curves)
    figure, axis = plt.subplots(figsize=(6.5, 4))
    for number, arm in enumerate(arms):
        for seed in ARMS[arm][3]:
            mine = [c for c in curves if c['arm'] == arm and c['seed'] == seed]
            colour = COLOURS[ARMS[arm][0]] if args.step < 3 else f'C{number}'
            axis.plot([c['step'] for c in mine], [c['val_tv'] for c in mine], color=colour, alpha=0.9 - 0.4 * seed,
                      label=f"{arm if args.step == 3 else ARMS[arm][0]} ({ARMS[arm][1]}), seed {seed}")
    axis.set(xlabel='emulation step', ylabel='validation TV (mean over the 50 steps)', title='MNIST emulation with a perfect, no or a learnt code')
    axis.legend(fontsize=8); figure.tight_layout(); figure.savefig(out / f'curves-step{args.step}.png', dpi=100)
    print(f"zoo {zoo.path} (fingerprint {zoo.fingerprint()}); recipe {json.dumps(kept_recipe().to_json())}")
    print(f"{'arm':20} {'val TV':>20} {'OOD TV':>20} {'val TV last step':>20} {'clone acc val':>20} {'RNN acc val':>12}")
    for arm in arms:
        mine = [r for r in table if r['arm'] == arm]
        cell = lambda key: f"{np.mean([r[key] for r in mine]):.3f} ({'/'.join(f'{r[key]:.3f}' for r in mine)})"
        print(f"{arm:20} {cell('val_tv'):>20} {cell('ood_tv'):>20} {cell('val_tv_last_step'):>20} {cell('clone_accuracy_val'):>20} "
              f"{np.mean([r['rnn_accuracy_val'] for r in mine]):12.3f}")
    if args.step in EVALUATED:   # the arms' codes scored downstream together (each arm's seeds pooled), paired on the same rows
        from rnn_weight_repr.report import evaluate_runs
        evaluated = EVALUATED[args.step]
        run_dirs = [Path(args.runs) / f'{arm}-seed{seed}' for arm in evaluated for seed in ARMS[arm][3]]
        row = lambda arm: f"{ARMS[arm][0]} [{' + '.join(f'{arm}-seed{seed}' for seed in ARMS[arm][3])}]"   # rwr_eval's label of pooled seeds
        evaluate_runs(zoo, run_dirs, out / f'downstream-step{args.step}', workers=args.workers, stop_at=stop_at, log=print,
                      pairs=[(row(arm), 'chance') for arm in evaluated])
        print(out / f'downstream-step{args.step}' / 'results.md')


if __name__ == '__main__':
    main()
