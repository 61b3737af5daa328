"""Issue 36, part 2: do the pretrained probers read LSTMs of other widths and depths? (plan: nbs/results/width-study/plan.md)

A width zoo is `small`'s formal recipe with another `hidden_size` and `num_layers`, one run of each of the 216 tasks, so
that its train/val/OOD tasks are `small`'s (the split is a function of the tasks present). The pretrained probers encode
its snapshots through the input/output interface alone; the paper's predictor of the 3-hot offsets, fitted once on the
codes of the `small` zoo's train tasks (2 x 32 LSTMs), names the task of each width zoo's validation and OOD snapshots.

    # one zoo per (hidden size, layers), resumable, in slices (exit status 75: run the same command again)
    python experiments/width_study.py zoo --hidden 64 --layers 2 --out runs/width/h64-l2 --workers 2 --time_limit 30
    # every width zoo beside the small zoo's own validation and OOD tasks: OUT/width.csv (the Results chapter renders it)
    python experiments/width_study.py evaluate --small runs/small-new/formal/zoo --zoos runs/width/h64-l2,runs/width/h16-l2 \
        --out nbs/results/width-study
"""
import argparse, csv, sys, time
from pathlib import Path

import numpy as np
import torch

from rnn_weight_repr.baselines import behavioural_baseline
from rnn_weight_repr.devices import TimeLimitReached, stop_time
from rnn_weight_repr.downstream import bootstrap_weights, embed_zoo, summarise
from rnn_weight_repr.properties import OffsetsPredictor, learnt_rows, task_ids_of
from rnn_weight_repr.encoders import InteractiveProber, NonInteractiveProber
from rnn_weight_repr.encoding import pretrained_folder, read_pretrained
from rnn_weight_repr.generate import generate_zoo
from rnn_weight_repr.zoo import Zoo, zoo_config

TASKS_OF_SMALL = len(zoo_config('small').tasks)          # one run of each
ENCODER_ROWS = ('interactive (pretrained)', 'noninteractive (pretrained)', 'interactive (untrained)')   # the rows beside behaviour


def width_config(hidden: int, layers: int):
    "`small`'s formal recipe with another width and depth, one run per task (`small`'s split, since the tasks are the same)."
    if hidden < 1 or layers < 1: raise ValueError(f"expected a positive hidden size and layer count, got {hidden} and {layers}")
    return zoo_config('small', hidden_size=hidden, num_layers=layers, num_runs=TASKS_OF_SMALL)


def zoo(args):
    start = time.time()
    try: generate_zoo(width_config(args.hidden, args.layers), args.out, device='cpu', workers=args.workers,
                      stop_at=stop_time(args.time_limit))
    except TimeLimitReached:
        print(f"{args.out}: stopped at the time limit after {(time.time() - start) / 60:.1f} min; run the same command again", file=sys.stderr)
        sys.exit(75)
    print(f"{args.out}: done in {(time.time() - start) / 60:.1f} min of this call")


def encoders(small: Zoo, inits: int = 3) -> dict[str, list]:
    "The table's rows, each a list of encoders pooled: the pretrained probers, the untrained interactive prober (`inits` initialisations, the pretrained file's settings)."
    kwargs = read_pretrained(pretrained_folder() / 'formal-InteractiveProber.pt')['kwargs']
    def untrained(seed: int):
        torch.manual_seed(seed)
        return InteractiveProber(small.spec, **kwargs)
    return {'interactive (pretrained)': [InteractiveProber.pretrained('formal')],
            'noninteractive (pretrained)': [NonInteractiveProber.pretrained('formal')],
            'interactive (untrained)': [untrained(seed) for seed in range(inits)]}


def fitted_predictors(codes_small: np.ndarray, small: Zoo, seeds: int = 3) -> list[OffsetsPredictor]:
    "The paper's 3-hot MLP, one per predictor seed, fitted on the codes of `small`'s learnt train snapshots (step ≥ 1, performance ≥ 0.3)."
    fit = learnt_rows(small, 'train')
    return [OffsetsPredictor('mlp', seed).fit(codes_small[fit], np.asarray(small.tasks)[fit]) for seed in range(seeds)]


def named_tasks(predictors: list[OffsetsPredictor], codes: np.ndarray, zoo: Zoo, rows: np.ndarray) -> np.ndarray:
    "Correct [seeds, R]: whether each predictor names all three offsets of the task of each of `rows` of `zoo`."
    truth = np.asarray(zoo.tasks)[rows]
    return np.asarray([(predictor.predict(codes[rows]) == truth).all(1) for predictor in predictors], np.float64)


def evaluate(args):
    small = Zoo.load(args.small)
    zoos = {'small': small, **{Path(p).name: Zoo.load(p) for p in args.zoos.split(',') if p}}
    members = {name: {z: {s: [] for s in ('val', 'ood')} for z in zoos} for name in ('sample statistics', *ENCODER_ROWS)}
    groups = {name: [lambda zoo, e=e: embed_zoo(e, zoo) for e in group] for name, group in encoders(small, args.inits).items()}
    groups['sample statistics'] = [lambda zoo: embed_zoo(behavioural_baseline(zoo), zoo)]   # reads stored samples: any width
    for name, group in groups.items():
        for codes_of in group:
            codes_small = codes_of(small)
            predictors = fitted_predictors(codes_small, small)
            for z, zoo in zoos.items():
                codes = codes_small if zoo is small else codes_of(zoo)
                for split in ('val', 'ood'): members[name][z][split].append(named_tasks(predictors, codes, zoo, learnt_rows(zoo, split)))
        print(f"{name}: done", flush=True)
    table = []
    for name, by_zoo in members.items():
        for z, zoo in zoos.items():
            row = dict(encoder=name, zoo=z, hidden=zoo.spec.hidden_size, layers=zoo.spec.num_layers)
            for split, values in by_zoo[z].items():
                rows = learnt_rows(zoo, split)
                weights = bootstrap_weights(task_ids_of(zoo)[rows], np.asarray(zoo.runs)[rows], resamples=args.resamples)
                row.update({f'{split}_{k}': v for k, v in summarise(values, weights).items()}, **{f'{split}_snapshots': len(rows)})
            table.append(row); print(row, flush=True)
    out = Path(args.out); out.mkdir(parents=True, exist_ok=True)
    with open(out / 'width.csv', 'w', newline='') as f:
        writer = csv.DictWriter(f, list(table[0])); writer.writeheader(); writer.writerows(table)
    return table


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    sub = parser.add_subparsers(dest='command', required=True)
    z = sub.add_parser('zoo'); z.add_argument('--hidden', type=int, required=True); z.add_argument('--layers', type=int, required=True)
    z.add_argument('--out', required=True); z.add_argument('--workers', type=int, default=1); z.add_argument('--time_limit', type=float)
    e = sub.add_parser('evaluate'); e.add_argument('--small', required=True); e.add_argument('--zoos', default='')
    e.add_argument('--out', required=True); e.add_argument('--inits', type=int, default=3); e.add_argument('--resamples', type=int, default=1000)
    args = parser.parse_args(argv)
    torch.set_num_threads(1)
    {'zoo': zoo, 'evaluate': evaluate}[args.command](args)


if __name__ == '__main__':
    main()
