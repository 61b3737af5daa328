"""The end-to-end 5,000-step `small` run against the kept runs (trained to 3,000 steps end to end, then extended by
Run.extend) and the kept table nbs/results/small-paper-recipe/length-5000/results.csv: run from the repository root."""
import csv, re
from pathlib import Path
e2e, kept = Path('runs/small-5k-e2e/formal/runs'), Path('runs/small-5k/runs')
for run in sorted(e2e.iterdir()):
    enc, seed = run.name.rsplit('-seed', 1)
    other = kept / f'{enc}-5000-seed{seed}'
    if not (run / 'metrics.csv').exists(): continue
    a = list(csv.DictReader(open(run / 'metrics.csv'))); b = {r['step']: r for r in csv.DictReader(open(other / 'metrics.csv'))}
    diff = [(r['step'], r['val_loss'], b[r['step']]['val_loss']) for r in a if r['step'] in b and r['val_loss'] != b[r['step']]['val_loss']]
    same = sum(r['step'] in b and r['val_loss'] == b[r['step']]['val_loss'] for r in a)
    print(f"run {run.name:28} finished={(run / 'result.json').exists()!s:5} {len(a)} evaluations logged: val_loss equal to {other.name}'s at {same}, differs at {len(diff)} {diff[:2]}")
res = Path('runs/small-5k-e2e/formal/eval/results.csv')
if res.exists():
    ref = {r['model']: r for r in csv.DictReader(open('nbs/results/small-paper-recipe/length-5000/results.csv'))}
    def kept_label(label: str, kind: str) -> str:
        if kind == 'trained': return f"{label} [{label}-5000-seed0 + {label}-5000-seed1]"
        if kind == 'one seed': return re.sub(r'\[(\w+)-seed(\d)\]', r'[\1-5000-seed\2]', label)
        return label
    total = differ = 0
    for r in csv.DictReader(open(res)):
        other = ref.get(kept_label(r['model'], r['type']))
        if other is None: print(f"table {r['model']:45} not in the kept table"); continue
        keys = [k for k in r if k not in ('model', 'type', 'step') and k in other and not k.startswith(('clone', 'rnn'))]
        bad = [(k, r[k], other[k]) for k in keys if r[k] != other[k]]
        total += len(keys); differ += len(bad)
        print(f"table {r['model']:45} {len(keys)} numbers, {len(bad)} differ {bad[:2]}")
    print(f"table: {total} numbers compared, {differ} differ")
