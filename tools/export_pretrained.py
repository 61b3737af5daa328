"""Write trained runs' encoders into the package as pretrained files (`Run.export_encoder`), with the downstream scores
their evaluation reached in the files' record: called by tools/make_pretrained.sh."""
import argparse, csv
from pathlib import Path

import torch

from rnn_weight_repr.run import Run
from rnn_weight_repr.zoo import Zoo

# the scores kept in a file's record: the paper's exact-task protocol (unseen tasks) and ours (held-out runs), MLP
SCORES = ('unseen_task', 'exact_task', 'performance', 'step')


def scores_of(results: Path, encoder: str) -> dict:
    "The trained row of `encoder` in an evaluation's results.csv: each score of `SCORES` on val and OOD with its 95% interval."
    rows = [r for r in csv.DictReader(open(results)) if r['model'] == encoder and r['type'] == 'trained']
    if len(rows) != 1: raise SystemExit(f"{results}: expected one trained row of {encoder}, found {len(rows)}")
    row, kept = rows[0], {}
    for score in SCORES:
        for split in ('val', 'ood'):
            key = f'{score}/{split}/mlp'
            kept[f'{score}/{split}'] = [float(row[key]), float(row[key + '_ci95_lo']), float(row[key + '_ci95_hi'])]
    return kept


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('runs', nargs='+', help='run folders (rwr_train --out)')
    parser.add_argument('--zoo', required=True, help="the zoo they were trained on (its kind names the file)")
    parser.add_argument('--eval', required=True, help="their rwr_eval --out folder")
    parser.add_argument('--out', required=True, help="folder of the pretrained files")
    parser.add_argument('--command', required=True, help="the command that made them, kept in the record")
    args = parser.parse_args()
    kind = Zoo.load(args.zoo).kind
    for folder in args.runs:
        run = Run(folder)
        encoder = run.config.encoder
        about = dict(zoo=kind, zoo_preset='small', run=run.path.name, command=args.command,
                     val_loss=float(run.metrics()[-1]['val_loss']),
                     scores=scores_of(Path(args.eval) / 'results.csv', encoder),
                     scores_protocol="MLP on the frozen codes, 95% bootstrap intervals: unseen_task = the paper's exact "
                                     "task (three offsets of a held-out task all right), exact_task = ours (held-out runs)")
        model = run.load()
        # codes of four fixed random RNNs at full precision: a loaded file must give them back (tests/test_pretrained.py)
        reference = model.encoder.spec.init_params(4, generator=torch.Generator().manual_seed(0))
        about['reference_codes'] = model.encoder.encode(reference).tolist()
        path = run.export_encoder(Path(args.out) / f"{kind}-{type(model.encoder).__name__}.pt", about)
        print(f"{path}: {encoder}, step {model.step}, {path.stat().st_size / 1e6:.2f} MB, "
              f"paper's exact task val {about['scores']['unseen_task/val'][0]:.2f}")


if __name__ == '__main__': main()
