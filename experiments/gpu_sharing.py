"""Several emulation runs sharing one GPU against the same runs one after another: the six encoders at the paper's
sizes for a few hundred steps, trained by `train_runs` with one worker, then with six (spawned processes on the device).
The emulation stage of `rwr_reproduce --workers K` is the second; its time should approach the slowest run's, not the sum.

    python experiments/gpu_sharing.py --zoo ZOO --out OUT [--steps 300] [--workers 6]
"""
import argparse
import time
from pathlib import Path

from rnn_weight_repr.cli import train_runs
from rnn_weight_repr.emulator import train_config
from rnn_weight_repr.run import read_metrics
from rnn_weight_repr.encoders import ENCODERS
from rnn_weight_repr.zoo import Zoo


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--zoo', required=True)
    parser.add_argument('--out', required=True)
    parser.add_argument('--steps', type=int, default=300)
    parser.add_argument('--workers', type=int, default=len(ENCODERS))
    parser.add_argument('--device', default='cuda')
    parser.add_argument('--preset', default='paper', help="the encoders' and emulator's sizes (tiny for a rehearsal on the CPU)")
    args = parser.parse_args()
    zoo, out = Zoo.load(args.zoo), Path(args.out)
    config = lambda name: train_config(args.preset, encoder=name, steps=args.steps, eval_every=args.steps, eval_rows=256,
                                       checkpoint_every=args.steps)
    seconds = {}
    for workers in (1, args.workers):
        jobs = [(config(name), out / f'workers-{workers}' / name) for name in ENCODERS]
        start = time.time()
        train_runs(zoo, jobs, device=args.device, workers=workers, progress=False, log=lambda message: None)
        seconds[workers] = time.time() - start
        alone = {run.name: read_metrics(run)[-1]['seconds'] for _, run in jobs}
        print(f"workers {workers}: {seconds[workers]:.1f} s for {len(jobs)} runs of {args.steps} steps; each run's own time: "
              + ', '.join(f"{n} {s:.1f}" for n, s in alone.items()), flush=True)
    print(f"sharing the device: {seconds[1] / seconds[args.workers]:.2f}× faster than one after another")


if __name__ == '__main__':
    main()
