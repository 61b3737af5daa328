"""Where in a sequence an emulator fails: the TV between a trained emulator's outputs and the RNN's stored ones, step by
step, on the first validation snapshots, and how often the two agree on the last step's most likely output (for the
MNIST zoo: the class). A diagnostic for issue 33.

    python experiments/emulation_by_step.py --zoo runs/small-mnist/mnist/zoo --run runs/mnist-study/interactive-3000-seed0
"""
import argparse

import numpy as np
import torch

from rnn_weight_repr.emulator import output_divergence
from rnn_weight_repr.run import load_run
from rnn_weight_repr.zoo import Zoo


def main(args):
    torch.set_num_threads(args.threads)
    zoo, model = Zoo.load(args.zoo), load_run(args.run)
    rows = zoo.rows(args.split)[:args.rows]
    theta = torch.as_tensor(np.asarray(zoo.params[rows])).float()
    x, target = zoo.inputs(rows), torch.as_tensor(np.asarray(zoo.log_probs[rows])).float()
    with torch.no_grad(): out = model(theta, x)
    target = target.view(out.shape)
    tv = output_divergence(out, target, 'tv').reshape(-1, out.shape[-2]).mean(0)          # [T]: mean over RNNs and sequences
    print(f"{len(rows)} {args.split} snapshots, {out.shape[-2]} steps")
    print('TV by step:', ' '.join(f'{v:.2f}' for v in tv.tolist()))
    print(f"mean {tv.mean():.3f} · last step {tv[-1]:.3f}")
    agree = (out[..., -1, :].argmax(-1) == target[..., -1, :].argmax(-1)).float().mean()
    print(f"emulator and RNN agree on the last step's most likely output: {agree:.3f}")


if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--zoo', required=True); parser.add_argument('--run', required=True)
    parser.add_argument('--split', default='val'); parser.add_argument('--rows', type=int, default=128)
    parser.add_argument('--threads', type=int, default=1)
    main(parser.parse_args())
