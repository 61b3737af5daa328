"""What only a CUDA device can check (marked `gpu`, skipped without one; `tools/check_gpu.sh` runs them):
the emulator's GPU path against the CPU's folded one, emulation runs sharing one GPU, and runs replayed from a CUDA graph (also across time-limited slices)."""
import math
import shutil
import time
from dataclasses import replace

import pytest
import torch
import torch.nn.functional as F

from rnn_weight_repr.cli import train_runs
from rnn_weight_repr.devices import TimeLimitReached
from rnn_weight_repr.emulator import Emulator, train_config
from rnn_weight_repr.run import read_metrics
from rnn_weight_repr.emulation import train_emulation
from rnn_weight_repr.lstm import LSTMSpec
from rnn_weight_repr.generate import generate_zoo
from rnn_weight_repr.zoo import zoo_config

pytestmark = [pytest.mark.gpu, pytest.mark.skipif(not torch.cuda.is_available(), reason='needs CUDA')]


@pytest.fixture(autouse=True)
def full_precision_float32():
    "cuDNN's LSTM and cuBLAS default to TF32 on Ampere and later (10 mantissa bits): elementwise comparisons with the CPU's float32 at rtol 1e-3 need it off."
    before = torch.backends.cuda.matmul.allow_tf32, torch.backends.cudnn.allow_tf32
    torch.backends.cuda.matmul.allow_tf32 = torch.backends.cudnn.allow_tf32 = False
    yield
    torch.backends.cuda.matmul.allow_tf32, torch.backends.cudnn.allow_tf32 = before


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


@pytest.mark.parametrize('encoder', ['interactive', 'nfn', 'parameter_transformer'])
def test_cuda_graph_run_matches_the_eager_run(tmp_path, encoder):
    "`train_emulation(..., cuda_graph=True)` replays each step's forward and backward: the run's metrics are the eager run's."
    zoo = generate_zoo(zoo_config('tiny'), tmp_path / 'zoo', device='cpu', progress=False)
    config = train_config('tiny', encoder=encoder)
    eager = train_emulation(zoo, config, tmp_path / 'eager', device='cuda', progress=False)
    graphed = train_emulation(zoo, config, tmp_path / 'graphed', device='cuda', progress=False, cuda_graph=True)
    for a, b in zip(read_metrics(eager), read_metrics(graphed), strict=True):
        for key in ('train_loss', 'val_loss', 'ood_loss'):
            assert b[key] == pytest.approx(a[key], abs=1e-4), (a['step'], key)


def test_cuda_graph_resumes_and_runs_under_bf16(tmp_path):
    "A graphed run cut at its first checkpoint and resumed ends where the uninterrupted one does; with bf16 autocast it trains."
    zoo = generate_zoo(zoo_config('tiny'), tmp_path / 'zoo', device='cpu', progress=False)
    config = train_config('tiny', encoder='interactive')
    full = train_emulation(zoo, config, tmp_path / 'full', device='cuda', progress=False, cuda_graph=True)
    first = train_emulation(zoo, replace(config, steps=config.checkpoint_every), tmp_path / 'first', device='cuda',
                            progress=False, cuda_graph=True)
    cut = tmp_path / 'cut'; cut.mkdir()        # killed right after the first checkpoint
    for name in ('checkpoint.pt', 'metrics.csv'): shutil.copy(first / name, cut / name)
    shutil.copy(full / 'run.json', cut / 'run.json')
    resumed = train_emulation(zoo, config, cut, device='cuda', progress=False, resume=True, cuda_graph=True)
    assert read_metrics(resumed)[-1]['step'] == config.steps
    assert read_metrics(resumed)[-1]['val_loss'] == pytest.approx(read_metrics(full)[-1]['val_loss'], abs=1e-4)
    amp = train_emulation(zoo, config, tmp_path / 'amp', device='cuda', progress=False, amp=True, cuda_graph=True)
    assert all(math.isfinite(m['val_loss']) for m in read_metrics(amp))


def test_a_graphed_run_in_time_limited_slices_is_the_uninterrupted_run(tmp_path):
    "Stopped by its time limit after one step (checkpoint written while the graph holds its buffers), resumed with a new graph: the same run."
    zoo = generate_zoo(zoo_config('tiny'), tmp_path / 'zoo', device='cpu', progress=False)
    config = train_config('tiny', encoder='interactive')
    full = train_emulation(zoo, config, tmp_path / 'full', device='cuda', progress=False, cuda_graph=True)
    with pytest.raises(TimeLimitReached, match='after step 1 of'):
        train_emulation(zoo, config, tmp_path / 'sliced', device='cuda', progress=False, cuda_graph=True, stop_at=time.time())
    sliced = train_emulation(zoo, config, tmp_path / 'sliced', device='cuda', progress=False, resume=True, cuda_graph=True)
    for a, b in zip(read_metrics(full), read_metrics(sliced), strict=True):
        for key in ('train_loss', 'val_loss', 'ood_loss'):
            assert b[key] == pytest.approx(a[key], abs=1e-4), (a['step'], key)


def test_a_supervised_baseline_stopped_by_its_time_limit_resumes_on_the_gpu(tmp_path):
    "The supervised baseline's checkpoint read back on CUDA (the batch sampler's RNG state must stay on the CPU): stopped after one step and resumed, the uninterrupted model."
    from rnn_weight_repr.downstream import FORMAL_PROPERTIES, evaluated_rows
    from rnn_weight_repr.supervised import SupervisedConfig, train_supervised
    zoo = generate_zoo(zoo_config('tiny'), tmp_path / 'zoo', device='cpu', progress=False)
    unseen = FORMAL_PROPERTIES[3]
    fit = evaluated_rows(zoo, unseen, 'train', min_performance=0)
    config = SupervisedConfig('interactive', steps=6, checkpoint_every=3, lr=3e-3)
    whole = train_supervised(zoo, unseen, config, fit, tmp_path / 'whole', device='cuda')
    with pytest.raises(TimeLimitReached, match='at step 1 of 6'):
        train_supervised(zoo, unseen, config, fit, tmp_path / 'cut', device='cuda', stop_at=time.time())
    resumed = train_supervised(zoo, unseen, config, fit, tmp_path / 'cut', device='cuda')
    for (name, a), b in zip(whole.state_dict().items(), resumed.state_dict().values(), strict=True):
        torch.testing.assert_close(b, a, rtol=1e-4, atol=1e-5, msg=name)
