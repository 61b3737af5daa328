"""What only a CUDA device can check (marked `gpu`, skipped without one; `tools/check_gpu.sh` runs them):
the emulator's GPU path against the CPU's folded one, and emulation runs sharing one GPU."""
import pytest
import torch
import torch.nn.functional as F

from rnn_weight_repr.cli import train_runs
from rnn_weight_repr.emulation import Emulator, read_metrics, train_config
from rnn_weight_repr.lstm import LSTMSpec
from rnn_weight_repr.zoo import generate_zoo, zoo_config

pytestmark = [pytest.mark.gpu, pytest.mark.skipif(not torch.cuda.is_available(), reason='needs CUDA')]


def test_emulator_gpu_path_matches_the_folded_cpu_one():
    "On CUDA the emulator runs `unfolded` (nn.LSTM, cuDNN); on the CPU `forward` folds the embedding: the same function, the same gradients."
    torch.manual_seed(0)
    emulator = Emulator(LSTMSpec(6, 32, 2, 6))
    z, x = torch.randn(8, 16), F.one_hot(torch.randint(0, 6, (8, 41)), 6).float()
    results = []
    for device in ('cpu', 'cuda'):
        model = emulator.to(device)
        model.zero_grad()
        logits, (h, c) = model(z.to(device), x.to(device))
        logits.sin().sum().backward()
        results.append([t.detach().cpu() for t in (logits, h, c, *(p.grad for p in model.parameters()))])
    for cpu, gpu in zip(*results):
        torch.testing.assert_close(gpu, cpu, rtol=1e-3, atol=1e-4)


def test_runs_sharing_one_gpu_match_runs_alone(tmp_path):
    "`train_runs` with two workers on a GPU: both processes train on the device, and each run is the run trained alone."
    zoo = generate_zoo(zoo_config('tiny'), tmp_path / 'zoo', device='cpu', progress=False)
    names = ('layerwise_statistics', 'interactive')
    together = [(train_config('tiny', encoder=n), tmp_path / f'{n}-together') for n in names]
    train_runs(zoo, together, device='cuda', workers=2, log=lambda m: None)
    alone = [(config, tmp_path / f'{config.encoder}-alone') for config, _ in together]
    train_runs(zoo, alone, device='cuda', workers=1, progress=False, log=lambda m: None)
    for (_, a), (_, b) in zip(together, alone):
        assert (a / 'result.json').exists()
        assert read_metrics(a)[-1]['val_loss'] == pytest.approx(read_metrics(b)[-1]['val_loss'], abs=1e-4)
