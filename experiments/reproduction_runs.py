"""Some emulation runs of `rwr_reproduce` ahead of the others: the very configs (`train_config(preset, kind)`) and folders
(`run_folder`) it uses, so the same `rwr_reproduce` command later finds them finished and trains the rest. Used when a
study's primary comparison needs a few encoders first (issue 33, step 4: the probers, then four weight readers'
first seed, on a machine too slow for all fourteen runs in one session). `--time_limit MINUTES` stops the runs after
their step at hand, saved (exit status 75); the same command continues them.

    python experiments/reproduction_runs.py --out runs/small-mnist-own --kind mnist --encoders interactive noninteractive --seeds 0 1
    python experiments/reproduction_runs.py --out runs/small-mnist-own --kind mnist --encoders nfn neuron_graph layerwise_statistics flat --seeds 0
"""
import argparse
from pathlib import Path

from rnn_weight_repr.cli import run_folder, train_runs
from rnn_weight_repr.devices import TimeLimitReached, stop_time
from rnn_weight_repr.emulator import train_config
from rnn_weight_repr.kinds import ZOO_KINDS
from rnn_weight_repr.zoo import Zoo

if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--out', required=True, help="rwr_reproduce's --out (its zoo must be generated)")
    parser.add_argument('--kind', default='mnist', choices=sorted(ZOO_KINDS))
    parser.add_argument('--preset', default='small')
    parser.add_argument('--encoders', nargs='+', required=True)
    parser.add_argument('--seeds', nargs='+', type=int, default=[0, 1])
    parser.add_argument('--workers', type=int, default=2)
    parser.add_argument('--time_limit', type=float, default=None, help='minutes; then stop after the step at hand, saved, exit status 75')
    args = parser.parse_args()
    out = Path(args.out)
    zoo = Zoo.load(out / args.kind / 'zoo')
    jobs = [(train_config(args.preset, ZOO_KINDS[args.kind], encoder=name, seed=seed), run_folder(out, args.kind, name, seed))
            for name in args.encoders for seed in args.seeds]
    try: train_runs(zoo, jobs, device='cpu', workers=args.workers, progress=False, stop_at=stop_time(args.time_limit))
    except TimeLimitReached as e: raise SystemExit(print(f"{e}; run the same command again to continue") or 75)   # as the other experiments
