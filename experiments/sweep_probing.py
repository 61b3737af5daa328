"""The paper's two sweeps of the interactive prober, at the `small` preset: k parallel probe sequences in {1, 2, 4, 8}
(at the preset's probe length) and probe length in {7, 12, 22, 42} (k = 1). Each setting is one emulation run on the
formal-language zoo that `rwr_reproduce --preset small` wrote; then all of them go through the downstream evaluation
together, so their table rows compare directly.

    python experiments/sweep_probing.py [--root runs/small] [--steps 1000] [--device cpu] [--threads 1]

Writes ROOT/formal/sweep/k{K}-T{T}/ (emulation runs, resumable) and ROOT/formal/sweep/eval/ (results.md, results.csv,
figures). Every run of the sweep has the same number of steps and the `small` preset's recipe otherwise, so the sweep
compares settings with each other; the main `small` table's interactive runs are separate runs.
"""
import argparse, time
from pathlib import Path

import torch

from rnn_weight_repr.report import evaluate_runs
from rnn_weight_repr.emulator import train_config
from rnn_weight_repr.emulation import train_emulation
from rnn_weight_repr.encoders import SIZE_PRESETS
from rnn_weight_repr.zoo import Zoo

PARALLEL = (1, 2, 4, 8)
LENGTHS = (7, 12, 22, 42)


def settings(preset_length: int) -> list[tuple[int, int]]:
    "(k, T) pairs: the k sweep at the preset's length, then the length sweep at k = 1, without repeats."
    pairs = [(k, preset_length) for k in PARALLEL] + [(1, length) for length in LENGTHS]
    return list(dict.fromkeys(pairs))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--root', default='runs/small', help="rwr_reproduce's output folder")
    parser.add_argument('--preset', default='small')
    parser.add_argument('--steps', type=int, default=1_000, help='emulation steps of every run of the sweep')
    parser.add_argument('--seeds', type=int, default=3, help='predictor seeds')
    parser.add_argument('--device', default=None)
    parser.add_argument('--threads', type=int, default=None, help='CPU threads for torch')
    args = parser.parse_args()
    if args.threads: torch.set_num_threads(args.threads)
    root = Path(args.root) / 'formal'
    zoo = Zoo.load(root / 'zoo')
    preset_length = SIZE_PRESETS['interactive'][args.preset].get('probe_length', 22)
    runs, times = [], {}
    for k, length in settings(preset_length):
        run = root / 'sweep' / f'k{k}-T{length}'
        config = train_config(args.preset, encoder='interactive', steps=args.steps,
                              encoder_sizes=dict(num_parallel=k, probe_length=length))
        start = time.time()
        train_emulation(zoo, config, run, device=args.device, resume=True, progress=True)
        times[run.name] = time.time() - start
        runs.append(run)
    evaluate_runs(zoo, runs, root / 'sweep' / 'eval', seeds=args.seeds, device=args.device, log=print)
    for name, seconds in times.items(): print(f"{name:10} emulation {seconds / 60:.1f} min")
    print(f"table: {root / 'sweep' / 'eval' / 'results.md'}")


if __name__ == '__main__':
    main()
