"""The MNIST zoo as a user drives it: the console script at tiny, killed and resumed, worker processes,
missing data, and the authors' released format."""
import os, shutil, signal, subprocess, sys, time
from pathlib import Path

import numpy as np
import pytest

from conftest import assert_same_zoo
from rnn_weight_repr.zoo import Zoo, export_released

BIN = Path(sys.executable).parent
ENV = {**os.environ, 'PYTHONUNBUFFERED': '1', 'OMP_NUM_THREADS': '1'}
ENV.pop('RWR_MNIST_ROOT', None)
# the repository's sibling copy of MNIST (../shared/data/mnist beside the clone), as in CI
MNIST = Path(os.environ.get('RWR_MNIST_ROOT') or Path(__file__).resolve().parents[2] / 'shared' / 'data' / 'mnist')
if not (MNIST / 'MNIST' / 'raw').is_dir():
    pytest.skip(f"no MNIST copy at {MNIST} (expected MNIST/raw/ there, or set RWR_MNIST_ROOT)", allow_module_level=True)


def command(*args):
    return [BIN / 'rwr_zoo', 'mnist', '--preset', 'tiny', '--device', 'cpu', '--quiet', *map(str, args)]


def rwr_zoo(*args, env=ENV, **kwargs):
    return subprocess.run(command(*args), env=env, capture_output=True, text=True, **kwargs)


@pytest.fixture(scope='module')
def reference(tmp_path_factory):
    "The tiny MNIST zoo generated in one go, uninterrupted."
    out = tmp_path_factory.mktemp('reference') / 'zoo'
    result = rwr_zoo('--out', out, '--mnist_root', MNIST)
    assert result.returncode == 0, result.stderr
    return Zoo.load(out)


def test_console_script_generates_a_verified_mnist_zoo(reference):
    assert reference.kind == 'mnist' and len(reference) == 8 * 4
    assert reference.sequences.shape == (32, 8, 50, 16) and reference.sequences.dtype == np.float16
    assert reference.log_probs.shape == (32, 8, 50, 10)
    assert reference.verify(max_rows=len(reference)).ok
    assert set(np.unique(reference.table['weight_decay'])) <= {0.0, 0.001, 0.01, 0.1}
    assert ((np.asarray(reference.tasks) >= 0) & (np.asarray(reference.tasks) < 360)).all()
    result = rwr_zoo('--out', reference.path, '--mnist_root', MNIST)  # already complete: returns it
    assert result.returncode == 0
    assert '32 snapshots of 8 runs' in result.stdout and 'mean eval accuracy' in result.stdout


def test_kill_9_then_resume_gives_the_same_zoo(tmp_path, reference):
    out = tmp_path / 'zoo'
    proc = subprocess.Popen(command('--out', out, '--mnist_root', MNIST), env=ENV,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 300
    while time.time() < deadline and not (out / 'chunks' / '00000').is_dir():
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL); proc.wait()
    finished = sorted(p.name for p in (out / 'chunks').iterdir() if '.tmp-' not in p.name)
    assert finished == ['00000'], f"expected the kill to land after the first of two chunks, done: {finished}"
    assert not (out / 'manifest.json').exists()
    with pytest.raises(ValueError, match='unfinished generation'):
        Zoo.load(out)

    # resumed from the same data in another place: where MNIST lives is not part of the zoo's identity
    result = rwr_zoo('--out', out, env={**ENV, 'RWR_MNIST_ROOT': str(MNIST)})
    assert result.returncode == 0, result.stderr
    assert_same_zoo(Zoo.load(out), reference)
    assert not (out / 'chunks').exists()


def test_two_local_workers_give_the_same_zoo(tmp_path, reference):
    result = rwr_zoo('--out', tmp_path / 'zoo', '--mnist_root', MNIST, '--workers', 2)
    assert result.returncode == 0, result.stderr
    assert_same_zoo(Zoo.load(tmp_path / 'zoo'), reference)


@pytest.mark.parametrize('how', ['argument', 'environment'])
def test_missing_mnist_says_where_to_put_it(tmp_path, how):
    empty = tmp_path / 'no-mnist'
    empty.mkdir()
    if how == 'argument': result = rwr_zoo('--out', tmp_path / 'zoo', '--mnist_root', empty, '--no_download')
    else: result = rwr_zoo('--out', tmp_path / 'zoo', '--no_download', env={**ENV, 'RWR_MNIST_ROOT': str(empty)})
    assert result.returncode != 0
    assert 'Traceback' not in result.stderr
    assert str(empty / 'MNIST' / 'raw') in result.stderr
    assert 'train-images-idx3-ubyte' in result.stderr and 'RWR_MNIST_ROOT' in result.stderr
    assert not (tmp_path / 'zoo').exists()      # issue 35.1: found before anything is written, so the corrected retry is not blocked


def test_released_format_round_trip(tmp_path, reference):
    released = Zoo.load(export_released(reference, tmp_path / 'released'))
    assert (released.released, released.kind, released.spec) == (True, 'mnist', reference.spec)
    assert sorted(p.name for p in released.path.iterdir()) == [
        'accuracy_losses.npy', 'args.json', 'logits.npy', 'num_step.npy', 'parameters.npy', 'sequences.npy', 'tasks.npy']
    np.testing.assert_array_equal(np.asarray(released.params), np.asarray(reference.params))
    for column in ('run', 'step', 'performance', 'train_loss', 'eval_loss', 'weight_decay'):
        np.testing.assert_allclose(released.table[column], reference.table[column], rtol=1e-6)
    assert released.verify(max_rows=len(released)).ok
    np.testing.assert_array_equal(released.split('ood'), reference.split('ood'))
    theta, tiles, logits, angle, facts = released.dataset('train')[0]
    assert tiles.shape == (8, 50, 16) and angle.shape == (1,)
    # a damaged released zoo is refused, naming the file
    np.save(tmp_path / 'released' / 'accuracy_losses.npy', np.zeros((len(reference), 3)))
    with pytest.raises(ValueError, match=r'accuracy_losses.npy: expected \[N, 4\]'):
        Zoo.load(tmp_path / 'released')


def test_a_cut_short_mnist_file_is_named_as_damaged_not_missing(tmp_path):
    "Issue 35.7: a truncated raw file is there but unreadable, and the message says so instead of 'not found'."
    from rnn_weight_repr.mnist import MNISTNotFoundError, load_mnist, mnist_root
    source = mnist_root() / 'MNIST' / 'raw'
    if not (source / 'train-images-idx3-ubyte').exists(): pytest.skip('MNIST is not on this machine')
    raw = tmp_path / 'MNIST' / 'raw'; shutil.copytree(source, raw)
    with open(raw / 'train-images-idx3-ubyte', 'r+b') as f: f.truncate(100_000)
    with pytest.raises(MNISTNotFoundError, match='are there but cannot be read .* cut short or damaged'):
        load_mnist(tmp_path, download=False)
    (raw / 'train-images-idx3-ubyte').unlink()                                # truly missing: the message says where to put it
    with pytest.raises(MNISTNotFoundError, match='MNIST not found: expected'):
        load_mnist(tmp_path, download=False)
