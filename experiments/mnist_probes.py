"""Where the trained probers' real-valued probes lie, against the range of the tiles the MNIST classifiers read.

    python experiments/mnist_probes.py runs/small-mnist     # the folder of rwr_reproduce --tasks mnist

For each prober run of the reproduction (both emulation seeds), the probes it writes for the validation RNNs: their mean,
spread and extremes, and the fraction inside the normalised pixel range [(0 - mean) / std, (1 - mean) / std].
"""
import sys
from pathlib import Path

import numpy as np
import torch

from rnn_weight_repr.cli import run_folder
from rnn_weight_repr.run import load_run
from rnn_weight_repr.mnist import MNIST_MEAN, MNIST_STD
from rnn_weight_repr.zoo import Zoo


def main(out: Path, seeds: int = 2):
    torch.set_num_threads(1)
    zoo = Zoo.load(out / 'mnist' / 'zoo', checksums=False)
    low, high = (0 - MNIST_MEAN) / MNIST_STD, (1 - MNIST_MEAN) / MNIST_STD
    rows = zoo.rows('val')
    theta = torch.from_numpy(np.asarray(zoo.params[rows], np.float32))
    tiles = torch.from_numpy(np.asarray(zoo.sequences[rows], np.float32))[:, :, 1:]      # without the BOS tile
    print(f"stored tiles: range [{low:.2f}, {high:.2f}], mean {tiles.mean():.3f}, std {tiles.std():.3f}")
    for name in ('noninteractive', 'interactive'):
        for seed in range(seeds):
            encoder = load_run(run_folder(out, 'mnist', name, seed)).encoder.eval()
            with torch.no_grad(): probes = encoder(theta, diagnostics=True)[1]['probes']
            inside = ((probes >= low) & (probes <= high)).float().mean()
            print(f"{name} seed {seed}: probes {list(probes.shape)}, mean {probes.mean():.3f}, std {probes.std():.3f}, "
                  f"min {probes.min():.2f}, max {probes.max():.2f}, inside the pixel range {inside:.2f}")


if __name__ == '__main__': main(Path(sys.argv[1]))
