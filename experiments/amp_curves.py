"""bf16 autocast against float32 on one GPU, loss curve beside loss curve: every encoder at the paper's sizes is
trained twice from the same initial model on the same batches (the `small` recipe: lr 1e-3, 100 warm-up steps, cosine;
the emulator at the paper's 2 × 256), and the validation and OOD losses are printed side by side at each evaluation,
with each run's wall-clock time. bf16 keeps the loss curve where the two columns agree to within the seed-to-seed spread.

    python experiments/amp_curves.py --zoo ZOO --out OUT [--steps 400] [--only interactive nfn] [--cuda_graph]

Writes OUT/amp_curves.csv (one row per encoder, precision and evaluation step) and the runs' folders under OUT.
"""
import argparse
import csv
import time
from pathlib import Path

import torch

from rnn_weight_repr.emulator import train_config
from rnn_weight_repr.run import read_metrics
from rnn_weight_repr.emulation import train_emulation
from rnn_weight_repr.encoders import ENCODERS
from rnn_weight_repr.zoo import Zoo


def lstm_dtype_under_autocast(device: str) -> str:
    "The dtype an nn.LSTM's output has inside `torch.autocast(dtype=bfloat16)` on `device` (what the emulator's LSTMs compute in), or why it fails."
    lstm = torch.nn.LSTM(8, 8, batch_first=True).to(device)
    try:
        with torch.autocast(torch.device(device).type, dtype=torch.bfloat16):
            return str(lstm(torch.randn(2, 3, 8, device=device))[0].dtype)
    except RuntimeError as e:   # oneDNN's CPU LSTM refuses mixed dtypes: the emulator keeps its LSTMs out of autocast there
        return f"nothing: it fails ({str(e).splitlines()[0][:80]})"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--zoo', required=True)
    parser.add_argument('--out', required=True)
    parser.add_argument('--steps', type=int, default=400)
    parser.add_argument('--only', nargs='*', default=list(ENCODERS))
    parser.add_argument('--cuda_graph', action='store_true', help='replay each step from a CUDA graph')
    parser.add_argument('--device', default='cuda')
    parser.add_argument('--encoder_preset', default='paper', help="the encoders' sizes (tiny for a rehearsal on the CPU)")
    args = parser.parse_args()
    zoo, out = Zoo.load(args.zoo), Path(args.out)
    print(f"under bf16 autocast an nn.LSTM on {args.device} computes in {lstm_dtype_under_autocast(args.device)} "
          "(PyTorch's cuDNN RNN autocast path is float16 only)", flush=True)
    every = max(1, args.steps // 4)
    rows = []
    print(f"{'encoder':22} {'step':>5} {'val fp32':>9} {'val bf16':>9} {'OOD fp32':>9} {'OOD bf16':>9}   seconds fp32 / bf16", flush=True)
    for name in args.only:
        config = train_config('small', encoder=name, encoder_preset=args.encoder_preset, emulator_hidden_size=256, steps=args.steps,
                              eval_every=every, checkpoint_every=args.steps)
        curves, seconds = {}, {}
        for amp in (False, True):
            start = time.time()
            run = train_emulation(zoo, config, out / f"{name}-{'bf16' if amp else 'fp32'}", device=args.device, resume=True,
                                  progress=False, amp=amp, cuda_graph=args.cuda_graph)
            curves[amp], seconds[amp] = read_metrics(run), time.time() - start
        for fp32, bf16 in zip(curves[False], curves[True], strict=True):
            print(f"{name:22} {fp32['step']:>5.0f} {fp32['val_loss']:>9.4f} {bf16['val_loss']:>9.4f} {fp32['ood_loss']:>9.4f} "
                  f"{bf16['ood_loss']:>9.4f}", flush=True)
            for precision, m in (('fp32', fp32), ('bf16', bf16)):
                rows.append(dict(encoder=name, precision=precision, step=int(m['step']), val_loss=m['val_loss'],
                                 ood_loss=m['ood_loss'], train_loss=m['train_loss']))
        print(f"{name:22} {'':>5} {'':>9} {'':>9} {'':>9} {'':>9}   {seconds[False]:.1f} / {seconds[True]:.1f}", flush=True)
    out.mkdir(parents=True, exist_ok=True)
    with open(out / 'amp_curves.csv', 'w', newline='') as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader(); writer.writerows(rows)
    print(f"device {torch.cuda.get_device_name() if torch.cuda.is_available() else args.device} · torch {torch.__version__} · "
          f"cuda_graph {args.cuda_graph} · {args.steps} steps · {out / 'amp_curves.csv'}")


if __name__ == '__main__':
    main()
