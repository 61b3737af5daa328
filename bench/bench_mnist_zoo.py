"""Throughput of the MNIST zoo trainer: M classifiers trained at once (`training_step` on `LSTMSpec`'s batched
forward, one AdamW over [M, P]) against the same M trained one at a time with `nn.LSTM` + `nn.Linear` and their own
`torch.optim.AdamW`. Both include building the inputs (batched rotation + tiling on the device).

    python bench/bench_mnist_zoo.py --device cpu --runs 16 --steps 5
    python bench/bench_mnist_zoo.py --device cuda --runs 256 --steps 20
"""
import argparse

import torch
import torch.nn.functional as F

from rnn_weight_repr.mnist import load_mnist, tile_sequences, training_step
from rnn_weight_repr.zoo import ZooConfig
from timing import timed



def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--device', default='cuda' if torch.cuda.is_available() else 'cpu')
    p.add_argument('--runs', type=int, default=16, help='RNNs trained together (M)')
    p.add_argument('--batch', type=int, default=32, help='images per RNN per step')
    p.add_argument('--steps', type=int, default=5, help='timed training steps')
    p.add_argument('--mnist_root', default=None, help='folder holding MNIST/raw/ (default: see rnn_weight_repr.mnist.mnist_root)')
    args = p.parse_args()
    device, M, B = torch.device(args.device), args.runs, args.batch

    config = ZooConfig(kind='mnist', num_runs=M, chunk_size=M)
    spec, runs = config.spec, list(range(M))
    images, labels = (t.to(device) for t in load_mnist(args.mnist_root))
    angles = config.task_of(runs)[:, 0].to(device)
    decays = config.weight_decay_of(runs).to(device, torch.float32)
    generator = torch.Generator().manual_seed(0)
    draw = lambda: torch.randint(len(images), (M, B), generator=generator).to(device)

    # all M at once: the zoo's trainer
    theta = spec.init_params(M, generator=torch.Generator().manual_seed(1)).to(device).requires_grad_()
    optimizer = torch.optim.AdamW([theta], lr=1e-3, weight_decay=0.0)
    def batched():
        index = draw()
        training_step(spec, theta, optimizer, decays, 1e-3, tile_sequences(images[index], angles), labels[index])

    # one at a time: nn.LSTM + nn.Linear, each with its own AdamW and weight decay
    models = []
    for m in range(M):
        lstm, linear = spec.to_modules(theta[m].detach())
        params = [*lstm.parameters(), *linear.parameters()]
        models.append((lstm, linear, torch.optim.AdamW(params, lr=1e-3, weight_decay=decays[m].item())))
    def one_by_one():
        index = draw()
        for m, (lstm, linear, opt) in enumerate(models):
            x = tile_sequences(images[index[m:m + 1]], angles[m:m + 1])[0]
            logits = linear(lstm(x)[0])
            loss = F.cross_entropy(logits.flatten(0, 1), labels[index[m]][:, None].expand(-1, logits.shape[1]).flatten())
            opt.zero_grad(set_to_none=True); loss.backward(); opt.step()

    rows = [('batched LSTMSpec, one AdamW over [M, P]', timed(batched, device, args.steps).wall),
            ('nn.LSTM, one model at a time', timed(one_by_one, device, args.steps).wall)]
    print(f"device {device}, M = {M} RNNs, batch {B} images of 50 tiles, {args.steps} timed steps, "
          f"{torch.get_num_threads()} CPU threads")
    print("| trainer | ms per step (all M) | RNN-steps/s | images/s per RNN | speed-up |")
    print("|---|---:|---:|---:|---:|")
    slowest = max(t for _, t in rows)
    for name, seconds in rows:
        print(f"| {name} | {seconds * 1e3:,.1f} | {M / seconds:,.1f} | {B / seconds:,.0f} | {slowest / seconds:.2f}× |")


if __name__ == '__main__':
    main()
