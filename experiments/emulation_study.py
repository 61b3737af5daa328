"""The emulation study behind chapter Results: recipe sweep (chosen on validation), small runs, and the scale study.

Trains emulation runs named ENCODER-STEPS-seedSEED[-TAG] into --runs (resumable: rerun the same command after an
interruption), then evaluates them downstream with the library's protocol and writes the tables and the scale figure.

    # train (run two of these at once, one per core, with disjoint jobs)
    python experiments/emulation_study.py train --zoo runs/small/formal/zoo --runs runs/study \
        --jobs interactive:1000:0,layerwise_statistics:1000:0
    # a recipe variant: KEY=VALUE overrides of TrainConfig after a '/', separated by ';'
    python experiments/emulation_study.py train ... --jobs "interactive:1000:0/objective=foreign;sequences_per_rnn=4"
    # evaluate every finished run of --runs and write OUT/{results,scale}.csv, scale.png
    python experiments/emulation_study.py evaluate --zoo runs/small/formal/zoo --runs runs/study --out nbs/results/study
"""
import argparse, csv, json, os, sys, time
from pathlib import Path

import numpy as np
import torch

from rnn_weight_repr.emulation import TrainConfig, read_metrics, train_config, train_emulation
from rnn_weight_repr.zoo import Zoo


def parse_job(job: str) -> tuple[str, TrainConfig]:
    "'encoder:steps:seed[/key=value,...]' → (run folder name, config): the small preset with those fields."
    head, _, tail = job.partition('/')
    encoder, steps, seed = head.split(':')
    overrides = {}
    for item in filter(None, tail.split(';')):
        key, value = item.split('=')
        kind = type(getattr(TrainConfig(), key))
        overrides[key] = kind(float(value)) if kind in (int, float) else value
    config = train_config('small', encoder=encoder, steps=int(steps), seed=int(seed), **overrides)
    config = TrainConfig(**{**config.to_json(), 'eval_every': min(config.eval_every, max(1, int(steps) // 4)),
                            'checkpoint_every': min(config.checkpoint_every, int(steps))})
    tag = ''.join(f"-{k}={v}" for k, v in sorted(overrides.items()))
    return f"{encoder}-{steps}-seed{seed}{tag}", config


def train(args):
    torch.set_num_threads(args.threads)
    zoo = Zoo.load(args.zoo)
    for job in args.jobs.split(','):
        name, config = parse_job(job)
        start = time.time()
        run = train_emulation(zoo, config, Path(args.runs) / name, device='cpu', resume=True, progress=False)
        last = read_metrics(run)[-1]
        print(f"{name}: {time.time() - start:.0f} s · val {last['val_loss']:.4f} · z gap val {last['z_gap_val']:.4f} "
              f"· same step {last['z_gap_same_step_val']:.4f}", flush=True)


def evaluate(args):
    from rnn_weight_repr.downstream import evaluate_runs
    torch.set_num_threads(args.threads)
    zoo = Zoo.load(args.zoo)
    runs = sorted(p for p in Path(args.runs).iterdir() if (p / 'result.json').exists())
    if args.only: runs = [r for r in runs if any(r.name.startswith(o) for o in args.only.split(','))]
    if not args.variants: runs = [r for r in runs if '=' not in r.name]              # recipe variants only when asked
    out = Path(args.out); out.mkdir(parents=True, exist_ok=True)
    evaluate_runs(zoo, runs, out / 'eval', seeds=args.seeds, log=lambda m: print(m, flush=True))
    rows = []
    for run in runs:
        last = read_metrics(run)[-1]
        config = TrainConfig(**json.loads((run / 'run.json').read_text())['identity']['train'])
        rows.append(dict(run=run.name, encoder=config.encoder, steps=config.steps, seed=config.seed,
                         **{k: last[k] for k in ('val_loss', 'ood_loss', 'z_gap_val', 'z_gap_ood',
                                                 'z_gap_same_step_val', 'z_gap_same_step_ood', 'seconds')}))
    with open(out / 'runs.csv', 'w', newline='') as f:
        writer = csv.DictWriter(f, list(rows[0])); writer.writeheader(); writer.writerows(rows)
    print(out / 'runs.csv')
    figure(args)


def _read_csv(path: Path) -> list[dict]:
    with open(path, newline='') as f: return list(csv.DictReader(f))


def scale_table(out: Path, predictor: str = 'mlp') -> list[dict]:
    "One row per (encoder, emulation steps) of the plain recipe: exact task, clone validity and z gaps; steps 0 = untrained."
    results = {r['model']: r for r in _read_csv(out / 'eval' / 'results.csv')}
    runs = [r for r in _read_csv(out / 'runs.csv') if '=' not in r['run']]        # recipe variants are not on the scale
    number = lambda row, key: float(row[key]) if row.get(key) not in (None, '') else float('nan')
    table = []
    for encoder in sorted({r['encoder'] for r in runs}):
        points = {0: (results.get(f'random {encoder}'), [])}
        for steps in sorted({int(r['steps']) for r in runs if r['encoder'] == encoder}):
            members = [r for r in runs if r['encoder'] == encoder and int(r['steps']) == steps]
            names = ' + '.join(r['run'] for r in members)
            row = next((v for k, v in results.items() if v['type'] == 'trained' and
                        (k == encoder or k.endswith(f'[{names}]'))), None)
            points[steps] = (row, members)
        for steps, (row, members) in points.items():
            if row is None: continue
            entry = dict(encoder=encoder, steps=steps, seeds=len(members) or 'inits')
            for split in ('val', 'ood'):
                key = f'exact_task/{split}/{predictor}'
                entry |= {f'exact_task_{split}{s}': number(row, key + s) for s in ('', '_ci95_lo', '_ci95_hi')}
            entry |= {f'clone_val{s}': number(row, 'clone/val' + s) for s in ('', '_ci95_lo', '_ci95_hi')}
            for key in ('z_gap_val', 'z_gap_same_step_val', 'z_gap_ood', 'z_gap_same_step_ood'):
                entry[key] = float(np.mean([float(m[key]) for m in members])) if members else float('nan')
            table.append(entry)
    with open(out / 'scale.csv', 'w', newline='') as f:
        writer = csv.DictWriter(f, list(table[0])); writer.writeheader(); writer.writerows(table)
    return table


def plot_scale(table: list[dict]):
    "The scale study: exact task (val, OOD), clone validity and the same-step z gap against emulation steps, per encoder."
    from matplotlib.figure import Figure
    fig = Figure(figsize=(15, 3.6)); axes = fig.subplots(1, 4)
    panels = (('exact_task_val', 'exact task · validation'), ('exact_task_ood', 'exact task · OOD'),
              ('clone_val', 'clone valid fraction · validation'), ('z_gap_same_step_val', 'same-step z gap · validation'))
    for ax, (key, title) in zip(axes, panels):
        for encoder in sorted({r['encoder'] for r in table}):
            rows = sorted((r for r in table if r['encoder'] == encoder), key=lambda r: r['steps'])
            x = [max(r['steps'], 300) for r in rows]                     # untrained drawn at 300 on the log axis
            y = [r[key] for r in rows]
            if f'{key}_ci95_lo' in rows[0]:
                low = [r[key] - r[f'{key}_ci95_lo'] for r in rows]; high = [r[f'{key}_ci95_hi'] - r[key] for r in rows]
                ax.errorbar(x, y, yerr=[low, high], marker='o', capsize=3, label=encoder)
            else: ax.plot(x, y, marker='o', label=encoder)
        ax.set_xscale('log'); ax.set_title(title, fontsize=10); ax.grid(alpha=.3)
        ax.set_xlabel('emulation steps (leftmost: untrained)')
    axes[0].legend(fontsize=8)
    fig.tight_layout()
    return fig


def figure(args):
    out = Path(args.out)
    table = scale_table(out)
    plot_scale(table).savefig(out / 'scale.png', dpi=110)
    print(out / 'scale.png')


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('command', choices=('train', 'evaluate', 'figure'))
    parser.add_argument('--zoo', required=True)
    parser.add_argument('--runs', required=True)
    parser.add_argument('--jobs', default='')
    parser.add_argument('--out', default='nbs/results/study')
    parser.add_argument('--only', default='', help='evaluate: only runs whose names start with one of these')
    parser.add_argument('--variants', action='store_true', help='evaluate: include recipe variants (runs named …-key=value)')
    parser.add_argument('--seeds', type=int, default=3, help='evaluate: predictor seeds')
    parser.add_argument('--threads', type=int, default=1)
    args = parser.parse_args(argv)
    dict(train=train, evaluate=evaluate, figure=figure)[args.command](args)


if __name__ == '__main__':
    main()
