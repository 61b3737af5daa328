"""Zoo generation speed: the batched trainer (many LSTMs in the same kernels) against a plain loop that trains one
`nn.LSTM` + `nn.Linear` at a time with the same settings (AdamW, batch 32, strings of length 42).

    python bench/bench_zoo.py [--device cuda] [--rnns 216 1080] [--steps 50] [--loop-rnns 2]

On a GPU each batched size is also timed without its CUDA graph (the eager path). Prints RNN-training steps per
second for each, side by side in one run, and the time the `paper` zoo (1,080 runs x
20k steps) would take at that rate. The batched trainer is `formal_zoo.train_formal_chunk` itself, with one snapshot at the
end kept small so that the figure is the training loop's (snapshots add a fixed cost per run, measured separately).
"""
import argparse, time
from dataclasses import replace

import torch
import torch.nn.functional as F

from rnn_weight_repr.languages import all_tasks, sample_strings, to_inputs_targets
from rnn_weight_repr.formal_zoo import train_formal_chunk
from rnn_weight_repr.zoo import zoo_config
from rnn_weight_repr.zoo_kind import learning_rate

PAPER_RNN_STEPS = 1_080 * 20_000


def sync(device):
    if device.type == 'cuda': torch.cuda.synchronize()


def batched_rate(rnns, steps, device, snapshot_samples, cuda_graph=True):
    config = replace(zoo_config('paper'), num_runs=rnns, chunk_size=rnns, snapshot_steps=(steps,),
                     lr_knots=((0, 1e-2), (steps, 1e-2)), stored_sequences=min(10, snapshot_samples),
                     performance_samples=snapshot_samples)
    train_formal_chunk(replace(config, snapshot_steps=(2,)), 0, device, cuda_graph=cuda_graph)  # warm-up
    sync(device); start = time.perf_counter()
    train_formal_chunk(config, 0, device, cuda_graph=cuda_graph)
    sync(device)
    return rnns * steps / (time.perf_counter() - start)


def loop_rate(rnns, steps, device):
    "One nn.LSTM at a time, the same work per step."
    tasks = all_tasks()[:rnns].to(device)
    g = torch.Generator(device=device).manual_seed(0)
    start = None
    for r in range(rnns):
        lstm = torch.nn.LSTM(6, 32, 2, batch_first=True, device=device)
        linear = torch.nn.Linear(32, 6, device=device)
        params = [*lstm.parameters(), *linear.parameters()]
        optimizer = torch.optim.AdamW(params, lr=1e-2, weight_decay=1e-4)
        for step in range(steps + (2 if r == 0 else 0)):  # two warm-up steps on the first RNN
            if r == 0 and step == 2: sync(device); start = time.perf_counter()
            for group in optimizer.param_groups: group['lr'] = learning_rate(step)
            inputs, targets = to_inputs_targets(sample_strings(tasks[r:r + 1], 32, generator=g)[0])
            loss = F.cross_entropy(linear(lstm(inputs)[0]).flatten(0, 1), targets.flatten())
            optimizer.zero_grad(set_to_none=True); loss.backward(); optimizer.step()
    sync(device)
    return rnns * steps / (time.perf_counter() - start)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--device', default='cuda' if torch.cuda.is_available() else 'cpu')
    parser.add_argument('--rnns', type=int, nargs='+', default=[16, 72])
    parser.add_argument('--steps', type=int, default=50)
    parser.add_argument('--loop-rnns', type=int, default=2)
    parser.add_argument('--snapshot-samples', type=int, default=10)
    args = parser.parse_args()
    device = torch.device(args.device)
    where = torch.cuda.get_device_name(device) if device.type == 'cuda' else f'{torch.get_num_threads()} threads'
    print(f"formal-language LSTMs 6/32/2/6, batch 32 x 41 steps, {args.steps} training steps, {device} ({where}), torch {torch.__version__}")
    rows = [('plain loop, one nn.LSTM at a time', loop_rate(args.loop_rnns, args.steps, device))]
    for m in args.rnns:
        rows.append((f'batched trainer, {m} RNNs at once', batched_rate(m, args.steps, device, args.snapshot_samples)))
        if device.type == 'cuda':   # the same trainer without its CUDA graph: every kernel launched eagerly
            rows.append((f'batched trainer, {m} RNNs, eager (no CUDA graph)', batched_rate(m, args.steps, device, args.snapshot_samples, cuda_graph=False)))
    base = rows[0][1]
    print("| method | RNN-steps/s | speed-up | paper zoo (21.6M RNN-steps) |\n|---|---:|---:|---:|")
    for name, rate in rows:
        print(f"| {name} | {rate:,.0f} | {rate / base:.1f}x | {PAPER_RNN_STEPS / rate / 60:,.0f} min |")


if __name__ == '__main__':
    main()
