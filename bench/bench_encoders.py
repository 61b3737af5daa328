"""Forward+backward time of every encoder for one batch of weight vectors, at a size preset.

    python bench/bench_encoders.py [--device cuda] [--batch 64] [--preset paper] [--repeats 5] [--only nfn flat] [--threads 1]

Prints one table (median of the repeats), all encoders measured in the same run. `ENCODERS` is the list
of (name, constructor) pairs; the probing encoders join it when `rnn_weight_repr.probing` provides them.
"""
import argparse, importlib
from functools import partial

import torch

from rnn_weight_repr.lstm import LSTMSpec
from rnn_weight_repr.mechanistic import FlatEncoder, LayerwiseStatistics, ParameterTransformer
from rnn_weight_repr.mechanistic import SIZE_PRESETS as MECHANISTIC_PRESETS
from rnn_weight_repr.nfn import NFNEncoder, SIZE_PRESETS as NFN_PRESETS
from timing import timed

ENCODERS = [('layerwise_statistics', LayerwiseStatistics), ('flat', FlatEncoder),
            ('parameter_transformer', ParameterTransformer),
            ('parameter_transformer[neuron]', partial(ParameterTransformer, tokens='neuron')),  # a variant
            ('nfn', NFNEncoder)]
SIZE_PRESETS = {**MECHANISTIC_PRESETS, **NFN_PRESETS}


def add_probers():
    "Append the probing encoders if their module exists (it is written separately)."
    try:
        probing = importlib.import_module('rnn_weight_repr.probing')
    except ImportError:
        return
    for name, cls_name in (('noninteractive', 'NonInteractiveProber'), ('interactive', 'InteractiveProber')):
        if hasattr(probing, cls_name) and name not in dict(ENCODERS):
            ENCODERS.append((name, getattr(probing, cls_name)))
    SIZE_PRESETS.update(getattr(probing, 'SIZE_PRESETS', {}))


def preset_sizes(name, preset):
    "Constructor sizes of encoder `name` (a variant `base[...]` uses its base's) at `preset`."
    return SIZE_PRESETS.get(name.split('[')[0], {}).get(preset, {})



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
    add_probers()
    device = torch.device(args.device)
    spec = LSTMSpec(6, 32, 2, 6)
    theta = spec.init_params(args.batch, generator=torch.Generator().manual_seed(0)).to(device)
    rows = []
    for name, cls in ENCODERS:
        if args.only and name not in args.only: continue
        torch.manual_seed(0)
        encoder = cls(spec, **preset_sizes(name, args.preset)).to(device)
        params = sum(p.numel() for p in encoder.parameters())

        def step():
            encoder.zero_grad(set_to_none=True)
            encoder(theta).square().mean().backward()

        rows.append((name, params, *timed(step, device, args.repeats)))
    print(f"encoders at preset '{args.preset}', batch {args.batch} RNNs ({spec.num_params:,} weights each), "
          f"forward+backward, {device} ({torch.get_num_threads()} threads), torch {torch.__version__}, "
          f"median of {args.repeats}")
    print('| encoder | parameters | wall ms | process CPU ms |\n|---|---:|---:|---:|')
    for name, params, wall, cpu in rows: print(f"| {name} | {params:,} | {wall * 1e3:.1f} | {cpu * 1e3:.1f} |")


if __name__ == '__main__':
    main()
