"""Supervised rows for a kept evaluation's primary comparison only (issue 31): the evaluation's codes.npz cut to the
rows named, then `add_supervised` on it, so that its tables are scored again for those rows alone (a minute a member)
and not for every row of the file. `python experiments/supervised_rows.py CODES ZOO OUT --rows interactive,neuron_graph`;
run it once per encoder in parallel (`--encoders`), then once with all of them to write the tables from the cache."""
from pathlib import Path

from fastcore.script import call_parse

from rnn_weight_repr.codes import cut_codes
from rnn_weight_repr.recompute import add_supervised
from rnn_weight_repr.zoo import Zoo


@call_parse
def main(codes: str, zoo: str, out: str,
         rows: str = 'interactive,neuron_graph',   # comma-separated: trained rows to keep (the primary comparison's)
         encoders: str = None,   # comma-separated: supervised models trained by this process (default: every one of `rows`)
         steps: int = 3000, time_limit: float = None):
    import time
    out = Path(out); out.mkdir(parents=True, exist_ok=True)
    cut = out / 'cut-codes.npz'
    kept = rows.split(',')   # the trained rows, their untrained twins and the baselines
    if not cut.exists(): cut_codes(codes, out / 'cut-codes.tmp.npz', lambda label, m: label.removeprefix('random ') in kept
                                   or m['type'] in ('behavioural', 'task label', 'chance')).rename(cut)
    stop_at = time.time() + 60 * time_limit if time_limit else None
    add_supervised(cut, Zoo.load(zoo), out, steps, device='cpu', stop_at=stop_at, log=print, encoders=encoders and encoders.split(','))
