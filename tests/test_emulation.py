"""`rwr_train` as a user drives it: end to end, killed and resumed, two DDP processes, bad input, divergence."""
import os, signal, subprocess, sys, time
from pathlib import Path

import pytest
import torch

from rnn_weight_repr.run import load_run, read_metrics
from rnn_weight_repr.generate import generate_zoo
from rnn_weight_repr.zoo import zoo_config

BIN = Path(sys.executable).parent
ENV = {**os.environ, 'PYTHONUNBUFFERED': '1', 'OMP_NUM_THREADS': '1'}


@pytest.fixture(scope='module')
def zoo(tmp_path_factory):
    return generate_zoo(zoo_config('tiny'), tmp_path_factory.mktemp('zoo') / 'tiny', device='cpu', progress=False)


def rwr_train(zoo, out, *args, **kwargs):
    return subprocess.run([BIN / 'rwr_train', '--zoo', zoo.path, '--out', out, '--device', 'cpu', '--quiet', *map(str, args)],
                          env=ENV, capture_output=True, text=True, **kwargs)


def assert_same_weights(a: Path, b: Path, atol=1e-6):
    sa, sb = (torch.load(p / 'checkpoint.pt', weights_only=True) for p in (a, b))
    assert sa['step'] == sb['step']
    for k in sa['model']:
        torch.testing.assert_close(sa['model'][k], sb['model'][k], rtol=0, atol=atol, msg=k)


@pytest.fixture(scope='module')
def reference(zoo, tmp_path_factory):
    "A flat-encoder run (permutation augmentation included) of 60 steps, never interrupted."
    out = tmp_path_factory.mktemp('runs') / 'reference'
    result = rwr_train(zoo, out, '--encoder', 'flat', '--steps', 60)
    assert result.returncode == 0, result.stderr
    return out


def test_end_to_end_writes_a_complete_run(reference):
    assert {'run.json', 'checkpoint.pt', 'metrics.csv', 'losses.png', 'result.json'} <= {p.name for p in reference.iterdir()}
    metrics = read_metrics(reference)
    assert [m['step'] for m in metrics] == [10, 20, 30, 40, 50, 60]
    assert all(0 <= m['val_loss'] <= 1 and 0 <= m['ood_loss'] <= 1 for m in metrics)  # TV distances
    model = load_run(reference)
    assert model.step == 60 and model.finished and not model.training


def test_kill_9_then_resume_continues_the_same_run(zoo, reference, tmp_path):
    out = tmp_path / 'run'
    cmd = [BIN / 'rwr_train', '--zoo', zoo.path, '--out', out, '--device', 'cpu', '--quiet', '--encoder', 'flat', '--steps', '60']
    proc = subprocess.Popen(cmd, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 120
    while time.time() < deadline:  # wait for a checkpoint after step 0, then kill
        if (out / 'metrics.csv').exists() and len(read_metrics(out)) >= 2: break  # so the step-10 checkpoint is on disk
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL); proc.wait()
    step = torch.load(out / 'checkpoint.pt', weights_only=True)['step']
    assert 10 <= step < 60 and not (out / 'result.json').exists(), f"the kill should land mid-run, got step {step}"

    refused = rwr_train(zoo, out, '--encoder', 'flat', '--steps', 60)
    assert refused.returncode == 2 and '--resume' in refused.stderr
    resumed = rwr_train(zoo, out, '--encoder', 'flat', '--steps', 60, '--resume')
    assert resumed.returncode == 0, resumed.stderr
    assert_same_weights(out, reference)
    assert [m['step'] for m in read_metrics(out)] == [10, 20, 30, 40, 50, 60]


def test_a_time_limit_stops_after_a_saved_step_and_resume_continues_the_same_run(zoo, reference, tmp_path):
    out = tmp_path / 'sliced'
    for step in (1, 2):  # a limit shorter than any step: each command makes the one step it is owed, and saves it
        result = rwr_train(zoo, out, '--encoder', 'flat', '--steps', 60, '--resume', '--time_limit', 1e-6)
        assert result.returncode == 75, result.stderr[-3000:]
        assert result.stderr.strip().splitlines() == [
            f"rwr_train: {out}: stopped at the time limit after step {step} of 60, with all of it saved; "
            "run the same command with --resume to continue"]
        assert torch.load(out / 'checkpoint.pt', weights_only=True)['step'] == step
    result = rwr_train(zoo, out, '--encoder', 'flat', '--steps', 60, '--resume')
    assert result.returncode == 0, result.stderr[-3000:]
    assert_same_weights(out, reference)
    # the loss summed over steps 1 and 2 was kept: the logged training loss is the uninterrupted run's too
    assert [m['train_loss'] for m in read_metrics(out)] == pytest.approx([m['train_loss'] for m in read_metrics(reference)], rel=1e-5)


def test_a_time_limit_that_is_not_positive_is_refused_before_anything_is_written(zoo, tmp_path):
    result = rwr_train(zoo, tmp_path / 'x', '--encoder', 'flat', '--time_limit', 0)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == ["rwr_train: error: time_limit: expected a positive number of minutes, got 0.0"]
    assert not (tmp_path / 'x').exists()


def test_two_ddp_processes_train_the_same_model_as_one(zoo, reference, tmp_path):
    out = tmp_path / 'ddp'
    result = subprocess.run([BIN / 'torchrun', '--nproc_per_node', '2', '--master_port', '29531', '--no-python',
                             BIN / 'rwr_train', '--zoo', zoo.path, '--out', out, '--device', 'cpu', '--quiet',
                             '--encoder', 'flat', '--steps', '60'], env=ENV, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.count('step 60') == 1  # only rank 0 reports
    assert_same_weights(out, reference, atol=1e-5)  # the global batch is split, the gradient is the same


def test_two_ddp_processes_stop_at_the_same_step_and_resume_to_the_same_model(zoo, reference, tmp_path):
    out = tmp_path / 'ddp-sliced'
    def torchrun(*args):
        return subprocess.run([BIN / 'torchrun', '--nproc_per_node', '2', '--master_port', '29532', '--no-python',
                               BIN / 'rwr_train', '--zoo', zoo.path, '--out', out, '--device', 'cpu', '--quiet',
                               '--encoder', 'flat', '--steps', '60', '--resume', *map(str, args)],
                              env=ENV, capture_output=True, text=True, timeout=600)
    stopped = torchrun('--time_limit', 1e-6)   # the processes agree on the first step's verdict: neither waits for the other
    assert stopped.returncode != 0
    assert stopped.stderr.count('stopped at the time limit after step 1 of 60') == 2, stopped.stderr[-3000:]
    assert torch.load(out / 'checkpoint.pt', weights_only=True)['step'] == 1
    finished = torchrun()
    assert finished.returncode == 0, finished.stderr[-3000:]
    assert_same_weights(out, reference, atol=1e-5)


def test_a_diverging_run_stops_and_keeps_its_last_good_checkpoint(zoo, tmp_path):
    result = rwr_train(zoo, tmp_path / 'nan', '--encoder', 'flat', '--steps', 60, '--lr', 1e30)
    assert result.returncode == 3
    assert 'NaN or infinite' in result.stderr and 'Traceback' not in result.stderr
    state = torch.load(tmp_path / 'nan' / 'checkpoint.pt', weights_only=True)
    assert all(torch.isfinite(v).all() for v in state['model'].values())


@pytest.mark.parametrize('args,message', [
    (['--encoder', 'flat'], 'not a zoo'),           # --zoo points at a folder that is not a zoo (set below)
    (['--encoder', 'rnn'], "invalid choice: 'rnn'"),
])
def test_bad_input_is_a_one_line_error(tmp_path, args, message):
    result = subprocess.run([BIN / 'rwr_train', '--zoo', tmp_path, '--out', tmp_path / 'out', '--quiet', *args],
                            env=ENV, capture_output=True, text=True)
    assert result.returncode == 2 and message in result.stderr and 'Traceback' not in result.stderr



def test_cuda_graph_without_a_gpu_is_refused_before_anything_is_written(zoo, tmp_path):
    result = rwr_train(zoo, tmp_path / 'graphed', '--encoder', 'interactive', '--cuda_graph')
    assert result.returncode == 2 and 'Traceback' not in result.stderr
    assert 'cuda_graph: needs one process on a CUDA device, got 1 process(es) on cpu' in result.stderr
    assert not (tmp_path / 'graphed').exists()

def test_another_runs_folder_is_refused_and_kept(zoo, reference, tmp_path):
    before = (reference / 'checkpoint.pt').read_bytes()
    result = rwr_train(zoo, reference, '--encoder', 'nfn', '--steps', 60)
    assert result.returncode == 2 and 'differs in encoder' in result.stderr
    assert (reference / 'checkpoint.pt').read_bytes() == before
