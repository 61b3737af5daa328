"""Forward+backward of many LSTMs: `LSTMSpec.forward` (all RNNs batched) against a loop of `nn.LSTM`s.

    python bench/bench_lstm.py [--device cuda] [--rnns 64] [--batch 32] [--length 41]

Prints one table, both methods measured in the same run.
"""
import argparse

import torch

from rnn_weight_repr.lstm import LSTMSpec
from timing import timed



def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--device', default='cuda' if torch.cuda.is_available() else 'cpu')
    parser.add_argument('--rnns', type=int, default=64)
    parser.add_argument('--batch', type=int, default=32)
    parser.add_argument('--length', type=int, default=41)
    parser.add_argument('--repeats', type=int, default=10)
    args = parser.parse_args()
    device = torch.device(args.device)
    spec = LSTMSpec(6, 32, 2, 6)
    theta = spec.init_params(args.rnns, device=device).requires_grad_()
    x = torch.randn(args.rnns, args.batch, args.length, spec.input_size, device=device)
    modules = [spec.to_modules(row) for row in theta.detach()]

    def batched():
        theta.grad = None
        spec.forward(theta, x)[0].square().mean().backward()

    def loop():
        for m, (lstm, linear) in enumerate(modules):
            lstm.zero_grad(); linear.zero_grad()
            linear(lstm(x[m])[0]).square().mean().backward()

    results = {'nn.LSTM loop': timed(loop, device, args.repeats).wall,
               'LSTMSpec.forward': timed(batched, device, args.repeats).wall}
    base = results['nn.LSTM loop']
    print(f"{args.rnns} RNNs × batch {args.batch} × {args.length} steps, forward+backward, {device} "
          f"({torch.get_num_threads()} threads), torch {torch.__version__}")
    print("| method | ms | speed-up |\n|---|---:|---:|")
    for name, t in results.items(): print(f"| {name} | {t * 1e3:.1f} | {base / t:.2f}× |")


if __name__ == '__main__':
    main()
