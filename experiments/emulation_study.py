"""The emulation study behind chapter Results: recipe sweep (chosen on validation), small runs, and the scale study.

Trains emulation runs named ENCODER-STEPS-seedSEED[-TAG] into --runs (resumable: rerun the same command after an
interruption), then evaluates them downstream with the library's protocol and writes the tables and the scale figure.

    # train (run two of these at once, one per core, with disjoint jobs)
    python experiments/emulation_study.py train --zoo runs/small/formal/zoo --runs runs/study \
        --jobs interactive:1000:0,layerwise_statistics:1000:0
    # in slices: --time_limit MINUTES stops after the step at hand, saved (exit status 75); the same command continues
    # a recipe variant: KEY=VALUE overrides of TrainConfig after a '/', separated by ';'
    python experiments/emulation_study.py train ... --jobs "interactive:1000:0/objective=foreign;sequences_per_rnn=4"
    # evaluate every finished run of --runs and write OUT/{results,scale}.csv, scale.png
    python experiments/emulation_study.py evaluate --zoo runs/small/formal/zoo --runs runs/study --out nbs/results/study
    # what the emulators write: OUT/clones.md
    python experiments/emulation_study.py clones --zoo runs/small/formal/zoo --runs runs/study --only interactive-3000-seed0
    # the zoo-size axis: the same jobs on zoos keeping K runs of each train task (val and OOD untouched), evaluated on the
    # full zoo beside the full-zoo runs of --runs: OUT/zoo-size/{eval/,zoo_size.csv}
    python experiments/emulation_study.py subzoo --zoo runs/small/formal/zoo --runs runs/study-zoo --keep 2,4
    python experiments/emulation_study.py train --zoo runs/study-zoo/train2/zoo --runs runs/study-zoo/train2 --jobs ...
    python experiments/emulation_study.py zoosize --zoo runs/small/formal/zoo --runs runs/study --only interactive-1000 \
        --subzoos runs/study-zoo/train2,runs/study-zoo/train4
    # finished runs of a constant rate trained on to --steps (Run.extend: the same as runs of that length from the start),
    # named ENCODER-STEPS-seedSEED in --runs, --workers at a time, resumable in --time_limit slices
    python experiments/emulation_study.py extend --zoo runs/small/formal/zoo --runs runs/small-5k --shorter runs/small/formal/runs \
        --steps 5000 --workers 2 --time_limit 60
    # longer runs beside the `small` pipeline's own of the same encoders, on the same rows: OUT/eval/ (paired longer − shorter)
    python experiments/emulation_study.py longer --zoo runs/small/formal/zoo --runs runs/study-paper --shorter runs/small/formal/runs \
        --out runs/study-paper/longer
"""
import argparse, csv, json, re, time
from pathlib import Path

import numpy as np
import torch

from rnn_weight_repr.devices import TimeLimitReached, stop_time, time_is_up
from rnn_weight_repr.downstream import embed_zoo
from rnn_weight_repr.report import random_codes
from rnn_weight_repr.emulator import TrainConfig, train_config
from rnn_weight_repr.encoders import MECHANISTIC
from rnn_weight_repr.run import load_run, read_metrics
from rnn_weight_repr.emulation import code_spread, train_emulation
from rnn_weight_repr.zoo import Zoo


# The study's runs are named against the `small` recipe they were started under (until 2026-12-05): a run's name
# carries only what differs from it, so every name keeps its meaning after `small` changed (issue 32).
STUDY_BASE = dict(lr=1e-3, lr_schedule='cosine', warmup_steps=100, objective='foreign')


def parse_job(job: str) -> tuple[str, TrainConfig]:
    "'encoder:steps:seed[/key=value,...]' → (run folder name, config): the study's base recipe (`STUDY_BASE` on `small`) with those fields."
    head, _, tail = job.partition('/')
    encoder, steps, seed = head.split(':')
    overrides = {}
    for item in filter(None, tail.split(';')):
        key, value = item.split('=')
        kind = type(getattr(TrainConfig(), key))
        overrides[key] = kind(float(value)) if kind in (int, float) else value
    config = train_config('small', encoder=encoder, steps=int(steps), seed=int(seed), **{**STUDY_BASE, **overrides})
    config = TrainConfig(**{**config.to_json(), 'eval_every': min(config.eval_every, max(1, int(steps) // 4)),
                            'checkpoint_every': min(config.checkpoint_every, int(steps))})
    tag = ''.join(f"-{k}={v}" for k, v in sorted(overrides.items()))
    return f"{encoder}-{steps}-seed{seed}{tag}", config


def train(args):
    torch.set_num_threads(args.threads)
    zoo, stop_at = Zoo.load(args.zoo), stop_time(args.time_limit)
    for n, job in enumerate(args.jobs.split(',')):
        name, config = parse_job(job)
        if n and time_is_up(stop_at) and not (Path(args.runs) / name / 'result.json').exists():
            raise SystemExit(print(f"stopped at the time limit before {name}; run the same command again to continue") or 75)
        start = time.time()
        try: run = train_emulation(zoo, config, Path(args.runs) / name, device='cpu', resume=True, progress=False, stop_at=stop_at)
        except TimeLimitReached as e: raise SystemExit(print(f"{e}; run the same command again to continue") or 75)
        last = read_metrics(run)[-1]
        print(f"{name}: {time.time() - start:.0f} s · val {last['val_loss']:.4f} · z gap val {last['z_gap_val']:.4f} "
              f"· same step {last['z_gap_same_step_val']:.4f}", flush=True)


def spread_of(codes: np.ndarray, steps: np.ndarray, split: str = 'val') -> dict:
    "The library's `code_spread` of `codes` within their training `steps`, and the RMS distance of the steps' mean unit codes to all."
    units = torch.nn.functional.normalize(torch.as_tensor(codes, dtype=torch.float64), dim=-1).numpy()
    means = np.stack([units[steps == s].mean(0) for s in np.unique(steps)])
    between = np.sqrt(np.mean(np.sum((means - units.mean(0)) ** 2, -1)))
    return {f'code_spread_same_step_{split}': code_spread(codes, steps), f'code_spread_between_steps_{split}': float(between)}


def run_spread(run: Path, zoo: Zoo, split: str = 'val') -> dict:
    "`spread_of` the codes a trained run's encoder gives the snapshots of `split`."
    rows = zoo.split(split)
    return spread_of(embed_zoo(load_run(run).encoder, zoo, rows, device='cpu'), np.asarray(zoo.steps)[rows], split)


def untrained_spread(encoder: str, zoo: Zoo, inits: int = 3, split: str = 'val') -> dict:
    "`spread_of` the untrained encoder at the `small` sizes, averaged over `inits` initialisations (the downstream baselines' codes)."
    rows = zoo.split(split)
    spreads = [spread_of(random_codes(train_config('small', encoder=encoder), zoo, init)[rows], np.asarray(zoo.steps)[rows], split)
               for init in range(inits)]
    return {k: float(np.mean([s[k] for s in spreads])) for k in spreads[0]}


PRESET_OBJECTIVE = STUDY_BASE['objective']     # what an untagged run was trained under


def objective_pairs(results: dict) -> list[tuple[str, str]]:
    "(row under another objective, row of the paper's objective) for each pair of trained rows of one encoder and length."
    def recipe(label):                              # 'ENCODER-STEPS' and the objective of a row's runs, seeds set aside
        names = {run.split('[')[-1].rstrip(']') for run in results[label]['runs']}
        keys = {(re.sub(r'-seed\d+', '', n.split('-objective=')[0]), n.partition('-objective=')[2] or PRESET_OBJECTIVE) for n in names}
        return keys.pop() if len(keys) == 1 else None
    rows = {key: label for label, r in results.items() if r['type'] == 'trained' and (key := recipe(label))}
    return [(label, rows[(length, 'own')]) for (length, objective), label in rows.items()
            if objective != 'own' and (length, 'own') in rows]


def evaluate(args):
    from rnn_weight_repr.downstream import Protocol
    from rnn_weight_repr.report import evaluate_runs
    from rnn_weight_repr.tables import write_results
    torch.set_num_threads(args.threads)
    zoo = Zoo.load(args.zoo)
    runs = sorted(p for p in Path(args.runs).iterdir() if (p / 'result.json').exists())
    if args.only: runs = [r for r in runs if any(r.name.startswith(o) for o in args.only.split(','))]
    if not args.variants: runs = [r for r in runs if _on_the_scale(r.name)]          # other recipe variants only when asked
    out = Path(args.out); out.mkdir(parents=True, exist_ok=True)
    results = evaluate_runs(zoo, runs, out / 'eval', seeds=args.seeds, log=lambda m: print(m, flush=True))
    if pairs := objective_pairs(results):                       # each other objective minus the paper's, same encoder and steps
        write_results(results, zoo, out / 'eval', Protocol(seeds=args.seeds), pairs)
    rows = []
    for run in runs:
        last = read_metrics(run)[-1]
        config = TrainConfig(**json.loads((run / 'run.json').read_text())['identity']['train'])
        rows.append(dict(run=run.name, encoder=config.encoder, objective=config.objective, steps=config.steps, seed=config.seed,
                         **{k: last[k] for k in ('val_loss', 'ood_loss', 'z_gap_val', 'z_gap_ood',
                                                 'z_gap_same_step_val', 'z_gap_same_step_ood', 'seconds')},
                         **run_spread(run, zoo)))
    for encoder in sorted({r['encoder'] for r in rows}):            # the untrained encoders: step 0 of the scale
        rows.append(dict(run=f'random {encoder}', encoder=encoder, objective='', steps=0, seed='', **untrained_spread(encoder, zoo)))
    with open(out / 'runs.csv', 'w', newline='') as f:
        writer = csv.DictWriter(f, list(rows[0])); writer.writeheader(); writer.writerows(rows)
    print(out / 'runs.csv')
    figure(args)


def _read_csv(path: Path) -> list[dict]:
    with open(path, newline='') as f: return list(csv.DictReader(f))


def _on_the_scale(name: str) -> bool:
    "A run of the plain recipe or of the plain recipe with another objective (other recipe variants are not on the scale)."
    return all(tag.startswith('objective=') for tag in name.split('-')[3:])


def scale_table(out: Path, predictor: str = 'mlp') -> list[dict]:
    "One row per (encoder, objective, emulation steps): exact task, clone validity, z gaps and code spread; steps 0 = untrained."
    results = {r['model']: r for r in _read_csv(out / 'eval' / 'results.csv')}
    listed = _read_csv(out / 'runs.csv')
    untrained = {r['encoder']: r for r in listed if r['run'].startswith('random ')}
    runs = [r for r in listed if not r['run'].startswith('random ') and _on_the_scale(r['run'])]
    number = lambda row, key: float(row[key]) if row.get(key) not in (None, '') else float('nan')
    table = []
    for encoder, objective in sorted({(r['encoder'], r['objective']) for r in runs}):
        line = [r for r in runs if (r['encoder'], r['objective']) == (encoder, objective)]
        points = {0: (results.get(f'random {encoder}'), [])}
        for steps in sorted({int(r['steps']) for r in line}):
            members = [r for r in line if int(r['steps']) == steps]
            names = ' + '.join(r['run'] for r in members)
            row = next((v for k, v in results.items() if v['type'] == 'trained' and
                        (k == encoder or k.endswith(f'[{names}]'))), None)
            points[steps] = (row, members)
        for steps, (row, members) in points.items():
            if row is None: continue
            entry = dict(encoder=encoder, objective=objective, steps=steps, seeds=len(members) or 'inits')
            for split in ('val', 'ood'):
                key = f'exact_task/{split}/{predictor}'
                entry |= {f'exact_task_{split}{s}': number(row, key + s) for s in ('', '_ci95_lo', '_ci95_hi')}
            entry |= {f'clone_val{s}': number(row, 'clone/val' + s) for s in ('', '_ci95_lo', '_ci95_hi')}
            for key in ('z_gap_val', 'z_gap_same_step_val', 'z_gap_ood', 'z_gap_same_step_ood',
                        'code_spread_same_step_val', 'code_spread_between_steps_val'):
                sources = members or [untrained.get(encoder, {})]           # untrained: only the code spread is known
                entry[key] = float(np.mean([number(m, key) for m in sources]))
            table.append(entry)
    with open(out / 'scale.csv', 'w', newline='') as f:
        writer = csv.DictWriter(f, list(table[0])); writer.writeheader(); writer.writerows(table)
    return table


UNTRAINED_AT = 100     # where the untrained point sits on the log axis


def plot_scale(table: list[dict], chance: dict | None = None):
    "The scale study against emulation steps, a line per encoder and objective: exact task (val, OOD), same-step z gap, code spread within a step, clone validity."
    from matplotlib.figure import Figure
    fig = Figure(figsize=(19, 3.9)); axes = fig.subplots(1, 5)
    lines = sorted({(r['encoder'], r['objective']) for r in table})
    colours = {e: f'C{i}' for i, e in enumerate(sorted({e for e, _ in lines}))}
    panels = (('exact_task_val', 'exact task · validation'), ('exact_task_ood', 'exact task · OOD'),
              ('z_gap_same_step_val', 'same-step z gap · validation'),
              ('code_spread_same_step_val', 'unit codes: spread within a step · val'), ('clone_val', 'clone valid fraction · validation'))
    for ax, (key, title) in zip(axes, panels):
        for (encoder, objective), offset in zip(lines, np.linspace(0.96, 1.04, len(lines))):
            rows = sorted((r for r in table if (r['encoder'], r['objective']) == (encoder, objective)), key=lambda r: r['steps'])
            x = [max(r['steps'], UNTRAINED_AT) * offset for r in rows]     # side by side, so the intervals stay apart
            y = [r[key] for r in rows]
            style = dict(marker='o', color=colours[encoder], linestyle='-' if objective == 'own' else '--',
                         label=encoder if objective == 'own' else f'{encoder} · {objective}')
            if f'{key}_ci95_lo' in rows[0]:
                low = [r[key] - r[f'{key}_ci95_lo'] for r in rows]; high = [r[f'{key}_ci95_hi'] - r[key] for r in rows]
                ax.errorbar(x, y, yerr=[low, high], capsize=3, **style)
            else: ax.plot(x, y, **style)
        if chance and key in chance: ax.axhline(chance[key], color='grey', linestyle=':', label='chance')
        ax.set_xscale('log'); ax.set_title(title, fontsize=10); ax.grid(alpha=.3)
        if key.startswith('code_spread'): ax.set_yscale('log')          # collapse spans orders of magnitude
        ticks = sorted({max(r['steps'], UNTRAINED_AT) for r in table})
        ax.set_xticks(ticks, ['none' if t == UNTRAINED_AT else f'{t:,}' for t in ticks], minor=False)
        ax.set_xticks([], minor=True)
        ax.set_xlabel('emulation steps')
    axes[0].legend(fontsize=7, loc='upper left')          # the top right holds the longest runs
    fig.tight_layout()
    return fig


def figure(args):
    out = Path(args.out)
    table = scale_table(out)
    chance_row = next(r for r in _read_csv(out / 'eval' / 'results.csv') if r['model'] == 'chance')
    chance = {f'exact_task_{split}': float(chance_row[f'exact_task/{split}/mlp']) for split in ('val', 'ood')}
    plot_scale(table, chance).savefig(out / 'scale.png', dpi=110)
    print(out / 'scale.png')


def clones(args):
    "What the emulator writes given z: for a few well-trained validation RNNs of distinct tasks, their own string and clones."
    from rnn_weight_repr.clones import emulate_strings
    from rnn_weight_repr.formal_zoo import string_scores
    from rnn_weight_repr.languages import accept, decode
    torch.set_num_threads(args.threads)
    zoo = Zoo.load(args.zoo)
    val = zoo.split('val')
    order = val[np.argsort(-np.asarray(zoo.performance)[val], kind='stable')]
    rows = list({tuple(zoo.tasks[r]): int(r) for r in order[::-1]}.values())[::-1][:args.rows]   # the best RNN of each task
    lines = ["| run | task (d1, d2, d3) | a valid string of the RNN | three clones | clones valid · RNN |", "|---|---|---|---|---|"]
    for name in args.only.split(','):
        model = load_run(Path(args.runs) / name).eval()
        with torch.no_grad():
            z = model.encoder(torch.from_numpy(np.asarray(zoo.params[rows], dtype=np.float32)))
            strings = emulate_strings(model.emulator, z, 100, zoo.sequences.shape[-1], torch.Generator().manual_seed(0))
        valid = string_scores(strings, zoo.tasks[rows])
        for i, row in enumerate(rows):
            stored = torch.as_tensor(np.array(zoo.sequences[row]))
            own = decode(stored[accept(stored, torch.as_tensor(zoo.tasks[row]).long())[0].int().argmax()])  # its first valid string
            lines.append(f"| {name} | {tuple(int(t) for t in zoo.tasks[row])} | `{own}` | "
                         f"{' '.join(f'`{c}`' for c in decode(strings[i, :3]))} | {valid[i]:.2f} · {zoo.performance[row]:.2f} |")
    out = Path(args.out); out.mkdir(parents=True, exist_ok=True)
    (out / 'clones.md').write_text('\n'.join(lines) + '\n')
    print(out / 'clones.md')


def write_subzoo(zoo: Zoo, out: Path, keep: int) -> Path:
    "A copy of `zoo` in `out` holding only the first `keep` runs of each train task (val and OOD runs all kept): a smaller zoo with the same splits."
    if (out / 'manifest.json').exists(): return out
    runs, train = np.asarray(zoo.runs), set(zoo.split('train').tolist())
    kept_runs = set()
    for task in np.unique(np.asarray(zoo.tasks), axis=0):
        rows = np.flatnonzero((np.asarray(zoo.tasks) == task).all(1))
        task_runs = sorted(set(runs[rows].tolist()))
        kept_runs |= set(task_runs[:keep] if int(rows[0]) in train else task_runs)
    zoo.subset(sorted(kept_runs), out, train_runs_per_task=keep)
    return out


def subzoo(args):
    zoo = Zoo.load(args.zoo)
    for keep in map(int, args.keep.split(',')):
        small = Zoo.load(write_subzoo(zoo, Path(args.runs) / f'train{keep}' / 'zoo', keep))
        same = all(np.array_equal(np.unique(np.asarray(small.tasks)[small.split(s)], axis=0), np.unique(np.asarray(zoo.tasks)[zoo.split(s)], axis=0))
                   for s in ('train', 'val', 'ood'))
        assert same, "the subset changed the splits"
        print(f"{small.path}: {small.manifest['num_runs']} runs, {len(small)} snapshots ({keep} per train task), splits unchanged")


def zoosize(args):
    "Evaluate on the full zoo the runs of --only trained on the full zoo (--runs) and on each subset zoo (--subzoos): OUT/zoo-size."
    from rnn_weight_repr.downstream import Protocol
    from rnn_weight_repr.report import evaluate_runs
    from rnn_weight_repr.tables import write_results
    torch.set_num_threads(args.threads)
    zoo = Zoo.load(args.zoo)
    picked = lambda folder: sorted(p for p in Path(folder).iterdir() if (p / 'result.json').exists()
                                   and any(p.name.startswith(o) for o in args.only.split(',')))
    sizes = {'all': picked(args.runs)} | {Path(f).name: picked(f) for f in args.subzoos.split(',')}
    runs = [run for group in sizes.values() for run in group]
    out = Path(args.out) / 'zoo-size'
    results = evaluate_runs(zoo, runs, out / 'eval', seeds=args.seeds, any_zoo=True, log=lambda m: print(m, flush=True))
    size_of = {Path(folder).name: size for size, folder in zip(sizes, [args.runs, *args.subzoos.split(',')])}
    folder_of = lambda run_label: run_label.split('[')[-1].rstrip(']').split('/')[0]      # 'enc [train2/name]' → 'train2'
    rows = [dict(model=label, size=size_of[folder_of(r['runs'][0])]) for label, r in results.items() if r['type'] == 'trained']
    encoder_of = lambda label: label.split(' [')[0]
    pairs = [(full['model'], other['model']) for full in rows if full['size'] == 'all'       # the full zoo minus each smaller one
             for other in rows if other['size'] != 'all' and encoder_of(other['model']) == encoder_of(full['model'])]
    write_results(results, zoo, out / 'eval', Protocol(seeds=args.seeds), pairs)
    with open(out / 'sizes.csv', 'w', newline='') as f:
        writer = csv.DictWriter(f, ['model', 'size']); writer.writeheader(); writer.writerows(rows)
    print(out / 'sizes.csv')


def extend(args):
    "Each finished run of --shorter copied into --runs by `Run.extend` (named ENCODER-STEPS-seedSEED) and trained on to --steps, --workers at a time."
    from rnn_weight_repr.cli import EMULATION_CPU_MINUTES, train_runs
    from rnn_weight_repr.run import Run
    torch.set_num_threads(args.threads)
    zoo, stop_at, jobs = Zoo.load(args.zoo), stop_time(args.time_limit), []
    for path in sorted(p for p in Path(args.shorter).iterdir() if (p / 'result.json').exists()):
        run = Run(path); config = run.config
        longer_run = Path(args.runs) / f'{config.encoder}-{args.steps}-seed{config.seed}'
        if not (longer_run / 'run.json').exists(): run.extend(longer_run, args.steps)
        jobs.append((Run(longer_run).config, longer_run))
    jobs.sort(key=lambda job: -EMULATION_CPU_MINUTES.get(job[0].encoder, 0))   # the longest first: the workers finish together
    start = time.time()
    try: train_runs(zoo, jobs, 'cpu', args.workers, progress=False, log=lambda m: print(m, flush=True), stop_at=stop_at)
    except TimeLimitReached as e: raise SystemExit(print(f"{e}; run the same command again to continue") or 75)
    print(f"{len(jobs)} runs at {args.steps} steps in {args.runs} ({(time.time() - start) / 60:.1f} min this call)")


def longer(args):
    "The runs of --runs beside the shorter runs of the same encoders in --shorter, evaluated together on the same rows: OUT/eval/, with each encoder's longer row minus its shorter one among the paired differences."
    from rnn_weight_repr.report import evaluate_runs
    torch.set_num_threads(args.threads)
    zoo = Zoo.load(args.zoo)
    finished = lambda folder: sorted(p for p in Path(folder).iterdir() if (p / 'result.json').exists())
    config = lambda run: TrainConfig(**json.loads((run / 'run.json').read_text())['identity']['train'])
    longer_runs = finished(args.runs)
    encoders = {config(r).encoder for r in longer_runs}
    shorter_runs = [r for r in finished(args.shorter) if config(r).encoder in encoders]
    results = evaluate_runs(zoo, longer_runs + shorter_runs, Path(args.out) / 'eval', seeds=args.seeds, log=lambda m: print(m, flush=True),
                            workers=args.workers)
    steps_of = {r.name: config(r).steps for r in longer_runs + shorter_runs}
    steps = lambda label: max(steps_of[run.split('[')[-1].rstrip(']')] for run in results[label]['runs'])   # 'encoder [folder]'
    trained = [label for label, r in results.items() if r['type'] == 'trained']
    pairs = [(a, b) for a in trained for b in trained if results[a]['encoder'] == results[b]['encoder'] and steps(a) > steps(b)]
    pairs += [(a, b) for a in trained for b in trained if results[a]['encoder'] == 'noninteractive' and steps(a) == steps(b)
              and results[b]['encoder'] in MECHANISTIC]   # the other prober against each weight reader of its length
    # again with the pairs, every model from the cache: the tables and the kept codes (codes.npz) both hold them
    evaluate_runs(zoo, longer_runs + shorter_runs, Path(args.out) / 'eval', seeds=args.seeds, pairs=pairs)
    print(Path(args.out) / 'eval' / 'differences.csv')


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('command', choices=('train', 'evaluate', 'figure', 'clones', 'subzoo', 'zoosize', 'extend', 'longer'))
    parser.add_argument('--zoo', required=True)
    parser.add_argument('--runs', required=True)
    parser.add_argument('--jobs', default='')
    parser.add_argument('--out', default='nbs/results/study')
    parser.add_argument('--only', default='', help='evaluate: only runs whose names start with one of these')
    parser.add_argument('--variants', action='store_true', help='evaluate: include recipe variants (runs named …-key=value)')
    parser.add_argument('--seeds', type=int, default=3, help='evaluate: predictor seeds')
    parser.add_argument('--rows', type=int, default=3, help='clones: validation RNNs shown (the best of distinct tasks)')
    parser.add_argument('--keep', default='2,4', help='subzoo: runs kept per train task, one zoo per value')
    parser.add_argument('--subzoos', default='', help='zoosize: folders holding subset-zoo runs (made by subzoo, trained there)')
    parser.add_argument('--shorter', default='runs/small/formal/runs', help='longer: the run folders of the shorter runs')
    parser.add_argument('--threads', type=int, default=1)
    parser.add_argument('--steps', type=int, default=5000, help='extend: the longer length')
    parser.add_argument('--workers', type=int, default=1, help='extend, longer: processes side by side, e.g. one per core')
    parser.add_argument('--time_limit', type=float, default=None, help='train: minutes; then stop after the step at hand, saved, exit status 75')
    args = parser.parse_args(argv)
    dict(train=train, evaluate=evaluate, figure=figure, clones=clones, subzoo=subzoo, zoosize=zoosize, extend=extend, longer=longer)[args.command](args)


if __name__ == '__main__':
    main()
