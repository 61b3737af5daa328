"""Write trained runs' encoders into the package as pretrained files (`Run.export_encoder`), with the downstream scores
their evaluation reached in the files' record: called by tools/make_pretrained.sh."""
import argparse, csv
from pathlib import Path

import torch

from rnn_weight_repr.run import Run
from rnn_weight_repr.zoo import Zoo

# the scores kept in a file's record, per kind: the paper's protocol (unseen tasks or angles) and ours (held-out runs), MLP
SCORES = {'formal': ('unseen_task', 'exact_task', 'performance', 'step'),
          'mnist': ('unseen_angle', 'angle', 'eval_accuracy', 'generalisation_gap', 'weight_decay')}
PROTOCOL = {'formal': "MLP on the frozen codes, 95% bootstrap intervals: unseen_task = the paper's exact task (three offsets "
                      "of a held-out task all right), exact_task = ours (held-out runs)",
            'mnist': "MLP on the frozen codes, 95% bootstrap intervals: unseen_angle = the paper's angle protocol (mean "
                     "circular error in degrees, OOD angles half in the predictor's training), angle = ours (held-out runs)"}


def scores_of(results: Path, encoder: str, run: str, kind: str, seed: int | None = None) -> dict:
    "The row of run `run` (emulation seed `seed`) in an evaluation's results.csv: its one-seed row where seeds were pooled (labelled by its folder, or by its seed where `add_seeds` joined it to a one-run row), else `encoder`'s trained row; each score of the kind's `SCORES` on val and OOD with its 95% interval."
    table = list(csv.DictReader(open(results)))
    seeds = [r for r in table if r['type'] == 'one seed' and r['model'].startswith(f"{encoder} [")]
    mine = {f"{encoder} [{run}]", *([f"{encoder} [seed {seed}]"] if seed is not None else [])}
    rows = [r for r in seeds if r['model'] in mine] if seeds else [r for r in table if r['model'] == encoder and r['type'] == 'trained']
    if len(rows) != 1: raise SystemExit(f"{results}: expected one row of {encoder} ({run}, seed {seed}), found {len(rows)}")
    row, kept = rows[0], {}
    for score in SCORES[kind]:
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
    choose = parser.add_mutually_exclusive_group()
    choose.add_argument('--lowest', help="a validation score (e.g. unseen_angle/val): of several seeds of an encoder, "
                                         "export only the run whose evaluation scored lowest on it")
    choose.add_argument('--highest', help="the same for a score where higher is better (e.g. eval_accuracy/val)")
    args = parser.parse_args()
    key, sign = (args.lowest, 1) if args.lowest else (args.highest, -1) if args.highest else (None, 0)
    kind = Zoo.load(args.zoo).kind
    recorded = {}
    for folder in args.runs:
        run = Run(folder)
        scores = scores_of(Path(args.eval) / 'results.csv', run.config.encoder, run.path.name, kind, run.config.seed)
        if key and key not in scores: raise SystemExit(f"--{'lowest' if sign > 0 else 'highest'}: expected one of {sorted(scores)}, got {key!r}")
        best = recorded.get(run.config.encoder)
        if best is None or (key and sign * scores[key][0] < sign * best[1][key][0]): recorded[run.config.encoder] = (run, scores)
        elif not key: raise SystemExit(f"{folder}: a second run of {run.config.encoder}; give --lowest or --highest to choose one")
    for encoder, (run, scores) in recorded.items():
        about = dict(zoo=kind, zoo_preset='small', run=run.path.name, command=args.command,
                     val_loss=float(run.metrics()[-1]['val_loss']), scores=scores, scores_protocol=PROTOCOL[kind],
                     chosen_by=f"the {'lowest' if sign > 0 else 'highest'} {key} of {sum(Run(f).config.encoder == encoder for f in args.runs)} seeds" if key else 'one run')
        model = run.load()
        # codes of four fixed random RNNs at full precision: a loaded file must give them back (tests/test_pretrained.py)
        reference = model.encoder.spec.init_params(4, generator=torch.Generator().manual_seed(0))
        about['reference_codes'] = model.encoder.encode(reference).tolist()
        path = run.export_encoder(Path(args.out) / f"{kind}-{type(model.encoder).__name__}.pt", about)
        first = SCORES[kind][0]
        print(f"{path}: {encoder}, step {model.step}, {path.stat().st_size / 1e6:.2f} MB, {first} val {about['scores'][f'{first}/val'][0]:.3f}")


if __name__ == '__main__': main()
