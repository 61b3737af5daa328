"""Why the end-to-end 5,000-step `small` table differs from the kept one in the untrained `flat` row alone (issue 32).

The end-to-end run evaluated with `rwr_eval --workers 2` (one thread per worker); the kept table's untrained codes were
computed in one process on two threads. This recomputes the three untrained `flat` encoders' codes on one and on two
threads and counts the zoo rows whose float16 codes differ from each file. Run from the repository root, after
`rwr_reproduce --preset small --tasks formal --out runs/small-5k-e2e` (about 1 minute)."""
from rnn_weight_repr.codes import kept_precision, load_codes
from rnn_weight_repr.devices import torch_threads
from rnn_weight_repr.downstream import embed_zoo
from rnn_weight_repr.emulator import build_model
from rnn_weight_repr.run import Run
from rnn_weight_repr.zoo import Zoo
import torch

zoo = Zoo.load('runs/small-5k-e2e/formal/zoo')
config = Run('runs/small-5k-e2e/formal/runs/flat-seed0').config
files = dict(end_to_end=load_codes('runs/small-5k-e2e/formal/eval/codes.npz'),
             kept=load_codes('nbs/results/small-paper-recipe/length-5000/codes.npz'))
for init in range(3):
    key = f'random flat#init{init}'
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(init)
        encoder = build_model(zoo.spec, config, token_inputs=zoo.kind_rules.token_inputs).encoder
    for threads in (1, 2):
        with torch_threads(threads): codes = kept_precision(embed_zoo(encoder, zoo))
        counts = {name: int((codes != kept.codes(key)).any(1).sum()) for name, kept in files.items()}
        print(f"{key}  {threads} thread{'s' if threads > 1 else ' '}: rows differing from the end-to-end file {counts['end_to_end']:3}, "
              f"from the kept file {counts['kept']:3} (of {len(zoo)})")
