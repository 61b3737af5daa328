"""Forward+backward time of the two probing encoders at paper size, for k = 1 and k = 8 parallel probe sequences.

    python bench/bench_probing.py [--device cuda] [--batch 64] [--length 22] [--parallel 1 8] [--repeats 7]

Prints one table (median of the repeats), every configuration measured in the same run.
"""
import argparse

import torch

from rnn_weight_repr.lstm import LSTMSpec
from rnn_weight_repr.probing import InteractiveProber, NonInteractiveProber
from timing import timed



def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--device', default='cuda' if torch.cuda.is_available() else 'cpu')
    parser.add_argument('--batch', type=int, default=64, help='RNNs per batch')
    parser.add_argument('--length', type=int, default=22, help='probe length T')
    parser.add_argument('--parallel', type=int, nargs='+', default=[1, 8], help='values of k')
    parser.add_argument('--repeats', type=int, default=7)
    args = parser.parse_args()
    device = torch.device(args.device)
    spec = LSTMSpec(6, 32, 2, 6)
    theta = spec.init_params(args.batch, generator=torch.Generator().manual_seed(0)).to(device)
    rows = []
    for name, cls in (('noninteractive', NonInteractiveProber), ('interactive', InteractiveProber)):
        for k in args.parallel:
            encoder = cls(spec, num_parallel=k, probe_length=args.length).to(device)

            def step():
                encoder.zero_grad(set_to_none=True)
                encoder(theta).square().mean().backward()

            with torch.no_grad():
                forward = timed(lambda: encoder(theta), device, args.repeats).wall
            rows.append((name, k, sum(p.numel() for p in encoder.parameters()), forward,
                         timed(step, device, args.repeats).wall))
    print(f"B={args.batch} RNNs of {spec}, probe length {args.length}, {device} "
          f"({torch.get_num_threads()} threads), torch {torch.__version__}, median of {args.repeats}")
    print("| encoder | k | parameters | forward ms | forward+backward ms |\n|---|---:|---:|---:|---:|")
    for name, k, params, fwd, both in rows:
        print(f"| {name} | {k} | {params:,} | {fwd * 1e3:.1f} | {both * 1e3:.1f} |")


if __name__ == '__main__':
    main()
