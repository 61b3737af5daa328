"""Whole emulation training steps (encoder + emulator, forward, backward, clipping, AdamW), every encoder, beside
the anchors of the authors' code measured on this project's 2-core CPU (DESIGN.md).

    python bench/bench_emulation.py [--device cuda] [--preset paper] [--batch 64] [--repeats 7] [--only flat nfn]
    python bench/bench_emulation.py --device cuda --modes eager graph compile --amp   # each step three ways, bf16 autocast
    python bench/bench_emulation.py --emulator                      # the emulator alone: folded vs nn.LSTM, side by side

Modes (rows `encoder/mode`; eager rows carry the bare name): `eager`, the step as `train_emulation` runs it; `graph`,
its forward and backward replayed from a CUDA graph (`CapturedStep`, `train_emulation(cuda_graph=True)`); `compile`,
the model under `torch.compile(mode="reduce-overhead")` (inductor kernels, CUDA graphs of its own). A mode that fails
for an encoder prints its error in that row and the benchmark goes on.

Formal-language sizes: RNNs LSTMSpec(6, 32, 2, 6), one stored sequence of 41 steps each. One table, all encoders
measured in the same run (median of the repeats). On the CPU at the anchors' settings it also times the statistics step
as it was computed beside the anchors (emulator unfolded), before and after the encoders, and scales the anchors by how
much slower or faster that step runs now ("anchor now"). On a GPU it adds steps/s and the time 100k steps would take.
"""
import argparse

import torch
import torch.nn.functional as F

from rnn_weight_repr.emulator import Emulator, build_model, train_config
from rnn_weight_repr.emulation import CapturedStep, _forward_backward
from rnn_weight_repr.encoders import ALL_ENCODERS
from rnn_weight_repr.lstm import LSTMSpec
from timing import timed

# the authors' code on this project's 2-core CPU, batch 64, measured beside ours in one run (DESIGN.md, 2026-11-23);
# the machine drifts ±40% between runs, so compare with margin. Our extensions have no anchor.
ANCHOR_MS = {'layerwise_statistics': 203, 'flat': 186, 'parameter_transformer': 11_163, 'nfn': 623,
             'noninteractive': 262, 'interactive': 263}
# Our statistics step in that same run: 104 ms. Its code is unchanged since but for the emulator's folding, so the same
# step with the emulator unfolded, timed here, says how fast this machine runs now, and scales the anchors to now.
CALIBRATION_MS = 104


def token_inputs(batch, generator, device):
    "One-hot formal-language inputs [batch, 41, 6], as the zoo stores them."
    return F.one_hot(torch.randint(0, 6, (batch, 41), generator=generator), 6).float().to(device)


def training_step(name, preset, batch, device, amp, mode='eager', unfolded=False):
    "One training step of encoder `name` as `train_emulation` takes it (permutation drawn on the CPU, batch copied over), and the encoder's size."
    spec = LSTMSpec(6, 32, 2, 6)
    config = train_config(preset, encoder=name, batch_size=batch)
    model = build_model(spec, config).to(device)
    if unfolded: model.emulator.forward = model.emulator.unfolded     # the emulator as it was computed on 2026-11-23
    optimizer = torch.optim.AdamW(model.parameters(), lr=config.lr, weight_decay=config.weight_decay)
    g = torch.Generator().manual_seed(0)
    theta = spec.init_params(batch, generator=g)
    x = token_inputs(batch, g, device)
    target = torch.randn(batch, 41, 6, generator=g).to(device)
    augment = model.encoder.needs_permutation_augmentation
    trained = torch.compile(model, mode='reduce-overhead') if mode == 'compile' else model
    graph = CapturedStep(model, model, config, amp) if mode == 'graph' else None

    def step():
        t = (spec.random_permute(theta, g) if augment else theta).to(device, non_blocking=True)
        if graph is not None: graph(t, x, target)
        else:
            if mode == 'compile': torch.compiler.cudagraph_mark_step_begin()
            optimizer.zero_grad(set_to_none=True)
            _forward_backward(trained, model, t, x, target, config, amp)   # clips encoder and emulator separately
        optimizer.step()
    return step, sum(p.numel() for p in model.encoder.parameters())


def emulator_step(preset, batch, device, folded):
    "Forward and backward of the emulator alone on a batch of codes, folded (`Emulator.forward`) or as written (`Emulator.unfolded`)."
    spec, config = LSTMSpec(6, 32, 2, 6), train_config(preset, batch_size=batch)
    emulator = Emulator(spec, config.code_size, config.emulator_hidden_size, config.emulator_num_layers).to(device)
    g = torch.Generator().manual_seed(0)
    z = torch.randn(batch, config.code_size, generator=g).to(device).requires_grad_()
    x = token_inputs(batch, g, device)
    run = emulator.forward if folded else emulator.unfolded
    return lambda: run(z, x)[0].square().mean().backward()


def compare_emulators(args, device):
    "Both ways of computing the emulator, alternated in the same run (the machine drifts between runs)."
    print(f"{'emulator (fwd + bwd)':22} {'ms':>9}")
    for round in range(3):
        for folded in (False, True):
            seconds = timed(emulator_step(args.preset, args.batch, device, folded), device, args.repeats, warmup=2).wall
            print(f"{'folded' if folded else 'nn.LSTM on embeddings':22} {1e3 * seconds:>9.1f}   (round {round + 1})", flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--device', default='cuda' if torch.cuda.is_available() else 'cpu')
    parser.add_argument('--preset', default='paper', choices=['tiny', 'small', 'paper'])
    parser.add_argument('--batch', type=int, default=64)
    parser.add_argument('--repeats', type=int, default=7)
    parser.add_argument('--amp', action='store_true', help='bf16 autocast (GPU)')
    parser.add_argument('--modes', nargs='+', default=['eager'], choices=['eager', 'graph', 'compile'],
                        help='eager (as training runs), graph (CUDA graph), compile (torch.compile reduce-overhead)')
    parser.add_argument('--only', nargs='*', default=list(ALL_ENCODERS))
    parser.add_argument('--emulator', action='store_true', help='time the emulator alone, folded vs nn.LSTM, instead')
    args = parser.parse_args()
    device = torch.device(args.device)
    if args.emulator: return compare_emulators(args, device)
    print(f"emulation training step, batch {args.batch}, preset {args.preset}, device {device}"
          f"{' (' + torch.cuda.get_device_name(device) + ')' if device.type == 'cuda' else f' ({torch.get_num_threads()} threads)'}"
          f", amp {args.amp}, modes {' '.join(args.modes)}")
    calibrate = device.type == 'cpu' and args.preset == 'paper' and args.batch == 64
    def machine_drift():
        "This machine's slowness now relative to the anchors' run: the 2026-11-23 statistics step, timed now, over its 104 ms then."
        step, _ = training_step('layerwise_statistics', args.preset, args.batch, device, False, unfolded=True)
        return 1e3 * timed(step, device, args.repeats, warmup=2).wall / CALIBRATION_MS
    header = f"{'encoder':22} {'enc. params':>11} {'ms/step':>9} {'anchor ms':>9} {'speed-up':>8}"
    if calibrate: header += f" {'drift':>6} {'anchor now':>10} {'speed-up now':>12}"
    if device.type == 'cuda': header += f" {'steps/s':>8} {'100k steps':>10}"
    print(header)
    before = machine_drift() if calibrate else None
    for name in args.only:
        for mode in args.modes:
            label = name if mode == 'eager' else f'{name}/{mode}'
            try:
                step, params = training_step(name, args.preset, args.batch, device, args.amp, mode)
                seconds = timed(step, device, args.repeats, warmup=3).wall
            except Exception as e:                          # one mode failing for one encoder: say so, measure the rest
                print(f"{label:22} failed: {type(e).__name__}: {str(e).splitlines()[0][:150]}", flush=True)
                continue
            after = machine_drift() if calibrate else None     # interleaved: each encoder between two calibrations
            print_row(label, params, seconds, device, (before + after) / 2 if calibrate else None)
            before = after
    if calibrate:
        print(f"drift: the 2026-11-23 statistics step (emulator unfolded) timed just before and after each encoder, over its "
              f"{CALIBRATION_MS} ms beside the anchors; anchor now = anchor x drift")


def print_row(name, params, seconds, device, drift=None):
    anchor = ANCHOR_MS.get(name.split('/')[0])
    line = f"{name:22} {params:>11,} {1e3 * seconds:>9.1f} " + (f"{anchor:>9,} {anchor / (1e3 * seconds):>7.1f}×" if anchor else f"{'—':>9} {'—':>8}")
    if drift: line += f" {drift:>6.2f}" + (f" {anchor * drift:>10,.0f} {anchor * drift / (1e3 * seconds):>11.1f}×" if anchor else f" {'—':>10} {'—':>12}")
    if device.type == 'cuda': line += f" {1 / seconds:>8.1f} {1e5 * seconds / 3600:>9.2f}h"
    print(line, flush=True)


if __name__ == '__main__':
    main()
