"""Forward+backward time of every encoder for one batch of weight vectors, at a size preset.

    python bench/bench_encoders.py [--device cuda] [--batch 64] [--preset paper] [--repeats 5] [--only nfn flat] [--threads 1]

Prints one table (median of the repeats), all encoders measured in the same run: the paper's six and our extensions
(`ALL_ENCODERS`, built by `make_encoder` at the preset's sizes), and the parameter transformer's cheaper tokenisations.
"""
import argparse

import torch

from rnn_weight_repr.encoders import ALL_ENCODERS, make_encoder
from rnn_weight_repr.lstm import LSTMSpec
from timing import timed

VARIANTS = {f'parameter_transformer[{t}]': ('parameter_transformer', dict(tokens=t)) for t in ('layer_row', 'neuron')}  # name: (encoder, sizes)


def encoders_to_time(only=None) -> dict[str, tuple[str, dict]]:
    "{row name: (encoder name, sizes)}: every encoder in the library's order, each variant after its encoder."
    rows = {}
    for name in ALL_ENCODERS:
        rows[name] = (name, {})
        rows |= {variant: base for variant, base in VARIANTS.items() if base[0] == name}
    return {row: base for row, base in rows.items() if not only or row in only}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--device', default='cuda' if torch.cuda.is_available() else 'cpu')
    parser.add_argument('--batch', type=int, default=64)
    parser.add_argument('--preset', default='paper', choices=['tiny', 'small', 'paper'])
    parser.add_argument('--repeats', type=int, default=5)
    parser.add_argument('--only', nargs='*', help='encoder names to time (default: all)')
    parser.add_argument('--threads', type=int, help='CPU threads (default: torch\'s choice)')
    args = parser.parse_args()
    if args.threads: torch.set_num_threads(args.threads)
    device = torch.device(args.device)
    spec = LSTMSpec(6, 32, 2, 6)
    theta = spec.init_params(args.batch, generator=torch.Generator().manual_seed(0)).to(device)
    rows = []
    for row, (name, sizes) in encoders_to_time(args.only).items():
        torch.manual_seed(0)
        encoder = make_encoder(name, spec, args.preset, **sizes).to(device)
        params = sum(p.numel() for p in encoder.parameters())

        def step():
            encoder.zero_grad(set_to_none=True)
            encoder(theta).square().mean().backward()

        rows.append((row, params, *timed(step, device, args.repeats)))
    print(f"encoders at preset '{args.preset}', batch {args.batch} RNNs ({spec.num_params:,} weights each), "
          f"forward+backward, {device} ({torch.get_num_threads()} threads), torch {torch.__version__}, "
          f"median of {args.repeats}")
    print('| encoder | parameters | wall ms | process CPU ms |\n|---|---:|---:|---:|')
    for name, params, wall, cpu in rows: print(f"| {name} | {params:,} | {wall * 1e3:.1f} | {cpu * 1e3:.1f} |")


if __name__ == '__main__':
    main()
