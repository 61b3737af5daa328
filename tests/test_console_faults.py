"""Every fault a user can make with the five console scripts is one line on stderr, exit status 2, no traceback, and
loses nothing; runs keep their zoo by content, so a moved `runs/` folder still resumes and evaluates (issue 14)."""
import hashlib, io, json, os, shutil, subprocess, sys
from contextlib import redirect_stderr, redirect_stdout
from types import SimpleNamespace
from pathlib import Path

import numpy as np
import pytest
import torch

from rnn_weight_repr import emulation
from rnn_weight_repr.report import check_run
from rnn_weight_repr.emulator import train_config
from rnn_weight_repr.run import read_metrics
from rnn_weight_repr.emulation import TrainingDiverged, train_emulation
from rnn_weight_repr.generate import generate_zoo
from rnn_weight_repr.zoo import Zoo, zoo_config

BIN = Path(sys.executable).parent
ENV = {**os.environ, 'PYTHONUNBUFFERED': '1', 'OMP_NUM_THREADS': '1'}
SCRIPTS = ('rwr_zoo', 'rwr_train', 'rwr_eval', 'rwr_recompute', 'rwr_reproduce')


def run(script, *args, installed=False):
    "Run a console script on `args`: in this process through its entry point (fast), or the installed script."
    if installed:
        return subprocess.run([BIN / script, *map(str, args)], env=ENV, capture_output=True, text=True, timeout=600)
    from rnn_weight_repr import cli, emulation, recompute, report
    entry = {'rwr_zoo': cli.zoo_script, 'rwr_train': emulation.train_script, 'rwr_eval': report.eval_script,
             'rwr_recompute': recompute.recompute_script, 'rwr_reproduce': cli.reproduce_script}[script]
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        try: status = entry([str(a) for a in args])
        except SystemExit as e: status = e.code          # argparse: --help, or a usage error
    return SimpleNamespace(returncode=status, stdout=out.getvalue(), stderr=err.getvalue())


def assert_one_line(result, *fragments, status=2):
    "Exit status `status`, one line on stderr naming the script and holding every fragment, no traceback."
    lines = result.stderr.strip().splitlines()
    assert result.returncode == status, f"expected exit status {status}, got {result.returncode}: {result.stderr[-2000:]}"
    assert len(lines) == 1 and 'Traceback' not in result.stderr, f"expected one line, got:\n{result.stderr[-2000:]}"
    for fragment in fragments: assert fragment in lines[0], f"expected {fragment!r} in {lines[0]!r}"
    return lines[0]


@pytest.fixture(scope='module')
def zoo(tmp_path_factory):
    return generate_zoo(zoo_config('tiny'), tmp_path_factory.mktemp('zoo') / 'zoo', device='cpu', progress=False)


@pytest.fixture(scope='module')
def trained(zoo, tmp_path_factory):
    "A finished tiny run of the layer-wise statistics encoder."
    config = train_config('tiny', encoder='layerwise_statistics', steps=10)   # what `rwr_train --steps 10` trains
    return train_emulation(zoo, config, tmp_path_factory.mktemp('runs') / 'stats', device='cpu', progress=False)


_EVALUATIONS = {}

def kept_codes(zoo, trained) -> Path:
    "The codes.npz of a quick evaluation of `trained` (made once, beside the run's folder)."
    if trained not in _EVALUATIONS:
        from rnn_weight_repr.report import evaluate_runs
        out = Path(trained).parent / 'eval'
        evaluate_runs(zoo, [trained], out, seeds=1, clone_samples=5, device='cpu', min_performance=0, partitions=2, inits=1, resamples=50)
        _EVALUATIONS[trained] = out / 'codes.npz'
    return _EVALUATIONS[trained]


def args_for(script, zoo, trained, out):
    "The least a script needs, with `out` as its output folder (rwr_recompute: adding supervised rows, which needs the zoo)."
    if script == 'rwr_recompute':
        return ['--codes', kept_codes(zoo, trained), '--zoo', zoo.path, '--supervised_steps', 2, '--out', out, '--quiet']
    return {'rwr_zoo': ['formal', '--out', out, '--quiet'],
            'rwr_train': ['--zoo', zoo.path, '--encoder', 'flat', '--out', out, '--quiet'],
            'rwr_eval': ['--zoo', zoo.path, '--runs', trained, '--out', out, '--quiet'],
            'rwr_reproduce': ['--out', out, '--quiet']}[script]


def with_checksums(folder: Path):
    "Rewrite a zoo's manifest checksums, as if its generator had written the files as they are now."
    manifest = json.loads((folder / 'manifest.json').read_text())
    for name, entry in manifest['files'].items():
        entry['sha256'] = hashlib.sha256((folder / name).read_bytes()).hexdigest()
    (folder / 'manifest.json').write_text(json.dumps(manifest, indent=1))


def nan_zoo(zoo, folder: Path, rows=(7,)) -> Path:
    shutil.copytree(zoo.path, folder)
    params = np.load(folder / 'parameters.npy')
    params[list(rows), 3] = np.nan
    np.save(folder / 'parameters.npy', params)
    with_checksums(folder)
    return folder


# --- the command line itself -------------------------------------------------------------------------------------

@pytest.mark.parametrize('script', SCRIPTS)
def test_help_shows_every_default(script):
    result = run(script, '--help', installed=script == 'rwr_zoo')
    assert result.returncode == 0, result.stderr
    from rnn_weight_repr import cli, console, recompute, report
    func = {'rwr_zoo': cli.rwr_zoo, 'rwr_train': emulation.rwr_train, 'rwr_eval': report.rwr_eval,
            'rwr_recompute': recompute.rwr_recompute, 'rwr_reproduce': cli.rwr_reproduce}[script]
    parser = console.script_parser(func, ('kind',) if script == 'rwr_zoo' else ())
    for action in parser._actions:
        if action.option_strings and not action.required and action.dest != 'help':
            assert 'default' in action.help, f"{script} {action.option_strings[0]}: no default in {action.help!r}"


def test_both_flag_spellings_work(tmp_path):
    "fastcore 1.x spells flags --chunk_size, 2.x --chunk-size: the scripts take both."
    for flag in ('--chunk_size', '--chunk-size'):
        result = run('rwr_zoo', 'formal', '--out', tmp_path / 'z', flag, 0, '--quiet')
        assert_one_line(result, 'chunk_size must be positive')
    assert not (tmp_path / 'z').exists()


# --- one-line errors -------------------------------------------------------------------------------------------

@pytest.mark.parametrize('script', SCRIPTS)
def test_the_installed_scripts_give_one_line_errors(script, zoo, trained, tmp_path):
    result = run(script, *args_for(script, zoo, trained, tmp_path / 'out'), '--device', 'gpu0', installed=True)
    assert_one_line(result, f'{script}: error: device:', "'gpu0'")

@pytest.mark.parametrize('script', SCRIPTS)
def test_out_that_is_a_file(script, zoo, trained, tmp_path):
    (tmp_path / 'notes.txt').write_text('mine')
    assert_one_line(run(script, *args_for(script, zoo, trained, tmp_path / 'notes.txt')), 'is a file')
    assert (tmp_path / 'notes.txt').read_text() == 'mine'


@pytest.mark.parametrize('script', SCRIPTS)
def test_out_that_cannot_be_made(script, zoo, trained, tmp_path):
    (tmp_path / 'notes.txt').write_text('mine')
    assert_one_line(run(script, *args_for(script, zoo, trained, tmp_path / 'notes.txt' / 'out')), 'cannot make the folder')


@pytest.mark.skipif(os.geteuid() == 0, reason='root writes into read-only folders')
@pytest.mark.parametrize('script', SCRIPTS)
def test_out_in_a_read_only_folder(script, zoo, trained, tmp_path):
    locked = tmp_path / 'locked'; locked.mkdir(); locked.chmod(0o500)
    try: assert_one_line(run(script, *args_for(script, zoo, trained, locked / 'out')), 'cannot write into')
    finally: locked.chmod(0o700)


@pytest.mark.parametrize('script', SCRIPTS)
@pytest.mark.parametrize('device', ['gpu0', 'cuda'])
def test_device_this_machine_lacks(script, device, zoo, trained, tmp_path):
    if device == 'cuda' and torch.cuda.is_available(): device = f'cuda:{torch.cuda.device_count()}'
    result = run(script, *args_for(script, zoo, trained, tmp_path / 'out'), '--device', device)
    assert_one_line(result, 'device:', repr(device))
    assert not (tmp_path / 'out').exists(), "a refused device must not leave an output folder"


def test_same_run_twice_to_rwr_eval(zoo, trained, tmp_path):
    assert_one_line(run('rwr_eval', '--zoo', zoo.path, '--runs', trained, trained, '--out', tmp_path / 'e'), 'given twice')


def malicious_checkpoint(path: Path, marker: Path):
    class Payload:
        def __reduce__(self): return (os.system, (f'touch {marker}',))
    torch.save({'model': Payload(), 'optimizer': {}, 'step': 0, 'generator': torch.zeros(1)}, path)


@pytest.mark.parametrize('damage', ['truncated', 'corrupt', 'malicious'])
def test_damaged_checkpoint(damage, zoo, trained, tmp_path):
    runs = tmp_path / 'runs'; copy = runs / 'stats'
    shutil.copytree(trained, copy)
    checkpoint, marker = copy / 'checkpoint.pt', tmp_path / 'pwned'
    if damage == 'truncated': checkpoint.write_bytes(checkpoint.read_bytes()[:1000])
    elif damage == 'corrupt': checkpoint.write_bytes(b'\x00' * 4096)
    else: malicious_checkpoint(checkpoint, marker)
    line = assert_one_line(run('rwr_eval', '--zoo', zoo.path, '--runs', copy, '--out', tmp_path / 'e'),
                           f'{checkpoint}: not a checkpoint written by rnn_weight_repr')
    (copy / 'result.json').unlink()                    # unfinished: --resume must read the checkpoint
    line2 = assert_one_line(run('rwr_train', '--zoo', zoo.path, '--encoder', 'layerwise_statistics', '--out', copy,
                                '--steps', 10, '--resume', '--quiet'), 'not a checkpoint written by rnn_weight_repr')
    for text in (line, line2): assert 'weights_only' not in text
    assert not marker.exists(), "the checkpoint's code ran"


def test_zoo_with_nan_weights_in_rwr_eval(zoo, trained, tmp_path):
    bad = nan_zoo(zoo, tmp_path / 'nan-zoo', rows=(7, 9))
    assert_one_line(run('rwr_eval', '--zoo', bad, '--runs', trained, '--out', tmp_path / 'e', '--any_zoo'),
                    'hold NaN or infinite weights: rows [7, 9]', 'Zoo.verify()')
    assert not (tmp_path / 'e').exists()


@pytest.mark.parametrize('broken', ['run.json', 'manifest.json', 'timings.json'])
def test_broken_json_names_the_file(broken, zoo, trained, tmp_path):
    if broken == 'run.json':
        copy = tmp_path / 'run'; shutil.copytree(trained, copy)
        (copy / 'run.json').write_text('{"identity": {"tra')
        assert_one_line(run('rwr_eval', '--zoo', zoo.path, '--runs', copy, '--out', tmp_path / 'e'), f'{copy / "run.json"}: unreadable: broken JSON')
        assert_one_line(run('rwr_train', '--zoo', zoo.path, '--encoder', 'flat', '--out', copy, '--resume'), f'{copy / "run.json"}: unreadable: broken JSON')
    elif broken == 'manifest.json':
        copy = tmp_path / 'zoo'; shutil.copytree(zoo.path, copy)
        (copy / 'manifest.json').write_text('{"format": "rnn_w')
        assert_one_line(run('rwr_eval', '--zoo', copy, '--runs', trained, '--out', tmp_path / 'e'), f'{copy / "manifest.json"}')
        assert_one_line(run('rwr_zoo', 'formal', '--out', copy, '--quiet'), f'{copy / "manifest.json"}: unreadable: broken JSON')
    else:
        out = tmp_path / 'repro'; out.mkdir()
        (out / 'timings.json').write_text('{"formal/zoo": {"sec')
        assert_one_line(run('rwr_reproduce', '--out', out, '--quiet'), f'{out / "timings.json"}: unreadable: broken JSON')


@pytest.mark.parametrize('script,flag,value', [('rwr_zoo', '--workers', 0), ('rwr_zoo', '--workers', -2),
                                               ('rwr_reproduce', '--workers', 0), ('rwr_reproduce', '--seeds', 0),
                                               *[(script, '--time_limit', 0) for script in SCRIPTS]])
def test_non_positive_counts_are_refused(script, flag, value, zoo, trained, tmp_path):
    assert_one_line(run(script, *args_for(script, zoo, trained, tmp_path / 'out'), flag, value), f'{flag[2:]}: expected')
    assert not (tmp_path / 'out').exists()


# --- nothing lost ----------------------------------------------------------------------------------------------

def test_rwr_eval_refuses_a_folder_of_other_files(zoo, trained, tmp_path):
    (tmp_path / 'thesis.tex').write_text('precious')
    assert_one_line(run('rwr_eval', '--zoo', zoo.path, '--runs', trained, '--out', tmp_path), 'did not write', 'thesis.tex')
    assert sorted(p.name for p in tmp_path.iterdir()) == ['thesis.tex']


def test_rwr_eval_refuses_an_evaluation_of_other_runs_unless_overwrite(zoo, trained, tmp_path):
    out = tmp_path / 'eval'; (out / 'cache').mkdir(parents=True)
    (out / 'evaluation.json').write_text(json.dumps({'runs': {'nfn': '0123456789abcdef'}}))
    (out / 'results.md').write_text('the nfn evaluation')
    assert_one_line(run('rwr_eval', '--zoo', zoo.path, '--runs', trained, '--out', out, '--seeds', 1), 'other runs (nfn)', '--overwrite')
    assert (out / 'results.md').read_text() == 'the nfn evaluation'
    result = run('rwr_eval', '--zoo', zoo.path, '--runs', trained, '--out', out, '--seeds', 1, '--clone_samples', 5,
                 '--clone_rows', 8, '--overwrite', '--quiet')
    assert result.returncode == 0, result.stderr[-3000:]
    assert json.loads((out / 'evaluation.json').read_text())['runs'].keys() == {'layerwise_statistics'}


def test_rwr_reproduce_refuses_a_folder_of_other_files(tmp_path):
    (tmp_path / 'thesis.tex').write_text('precious')
    assert_one_line(run('rwr_reproduce', '--out', tmp_path, '--quiet'), 'did not write', 'thesis.tex')
    assert sorted(p.name for p in tmp_path.iterdir()) == ['thesis.tex']


def test_a_run_that_never_started_does_not_block_the_corrected_retry(zoo, tmp_path):
    out = tmp_path / 'run'
    assert_one_line(run('rwr_train', '--zoo', zoo.path, '--encoder', 'flat', '--out', out, '--steps', 0), 'steps')
    assert not out.exists(), "a refused argument must not leave a run folder"
    # a run.json left by a run that stopped before its first step (an older version, or a crash) is replaced
    out.mkdir(); (out / 'run.json').write_text(json.dumps({'identity': {'train': {'steps': 7}, 'zoo': 'x'}}))
    result = run('rwr_train', '--zoo', zoo.path, '--encoder', 'flat', '--out', out, '--steps', 2, '--quiet')
    assert result.returncode == 0, result.stderr[-2000:]


# --- moving results --------------------------------------------------------------------------------------------

def test_a_moved_runs_folder_resumes_and_evaluates_without_any_zoo(zoo, tmp_path):
    here = tmp_path / 'here'
    shutil.copytree(zoo.path, here / 'zoo')
    config = train_config('tiny', encoder='layerwise_statistics', steps=10, eval_every=10, checkpoint_every=10)
    train_emulation(Zoo.load(here / 'zoo'), config, here / 'runs' / 'stats', device='cpu', progress=False)
    there = tmp_path / 'elsewhere' / 'there'
    shutil.move(here, there)
    moved = Zoo.load(there / 'zoo')
    check_run(there / 'runs' / 'stats', moved)                              # no --any_zoo needed
    (there / 'runs' / 'stats' / 'result.json').unlink()                     # as if killed before the end
    train_emulation(moved, config, there / 'runs' / 'stats', device='cpu', resume=True, progress=False)
    assert (there / 'runs' / 'stats' / 'result.json').exists()
    other = generate_zoo(zoo_config('tiny', num_runs=12), tmp_path / 'other', device='cpu', progress=False)
    with pytest.raises(ValueError, match='trained on another zoo'): check_run(there / 'runs' / 'stats', other)


# --- NaN -------------------------------------------------------------------------------------------------------

def test_nan_weights_are_named_by_zoo_row_and_resume_says_so(zoo, tmp_path, monkeypatch):
    rows = zoo.split('train')                                # every training row: the first batch meets one
    bad = Zoo.load(nan_zoo(zoo, tmp_path / 'nan-zoo', rows=rows))
    named = f"rows {rows[:8].tolist()}"[:-1]
    first = f"run {zoo.runs[rows[0]]} at step {zoo.steps[rows[0]]}"
    config = train_config('tiny', encoder='flat', steps=10)
    with pytest.raises(ValueError) as fresh:
        train_emulation(bad, config, tmp_path / 'run', device='cpu', progress=False)
    for text in (named, first, 'Zoo.verify()'): assert text in str(fresh.value), f"expected {text!r} in {fresh.value}"
    assert not (tmp_path / 'run').exists()
    # a run that an older version let start on this zoo, stopped by the NaN (naming only minibatch positions then)
    with monkeypatch.context() as m:
        m.setattr(Zoo, 'check_finite', lambda self, *a, **k: None)
        with pytest.raises((TrainingDiverged, ValueError)): train_emulation(bad, config, tmp_path / 'run', device='cpu', progress=False)
    assert (tmp_path / 'run' / 'checkpoint.pt').exists()
    with pytest.raises(ValueError) as resumed:
        train_emulation(bad, config, tmp_path / 'run', device='cpu', resume=True, progress=False)
    for text in (named, 'Zoo.verify()', str(tmp_path / 'run' / 'checkpoint.pt')):
        assert text in str(resumed.value), f"expected {text!r} in {resumed.value}"


# --- metrics after a resume --------------------------------------------------------------------------------------

def test_metrics_steps_stay_integers_after_a_resume(zoo, tmp_path, monkeypatch):
    config = train_config('tiny', encoder='layerwise_statistics', steps=30, eval_every=10, checkpoint_every=10)
    write, calls = emulation.write_metrics, []
    def interrupted(path, rows):
        calls.append(1)
        if len(calls) == 2: raise KeyboardInterrupt     # killed at step 20, before its checkpoint
        write(path, rows)
    with monkeypatch.context() as m:
        m.setattr(emulation, 'write_metrics', interrupted)
        with pytest.raises(KeyboardInterrupt): train_emulation(zoo, config, tmp_path / 'run', device='cpu', progress=False)
    train_emulation(zoo, config, tmp_path / 'run', device='cpu', resume=True, progress=False)
    steps = [line.split(',')[0] for line in (tmp_path / 'run' / 'metrics.csv').read_text().splitlines()[1:]]
    assert steps == ['10', '20', '30'], steps
    assert [m['step'] for m in read_metrics(tmp_path / 'run')] == [10, 20, 30]


# --- issue 35: what a newcomer's battery still found ---------------------------------------------------------------

def test_a_copy_of_a_run_is_not_a_second_seed(zoo, trained, tmp_path):
    copy = shutil.copytree(trained, tmp_path / 'copy-of-stats')
    assert_one_line(run('rwr_eval', '--zoo', zoo.path, '--runs', trained, copy, '--out', tmp_path / 'e'),
                    f'{copy} is the same training run as {trained}', 'not a second emulation seed')
    assert not (tmp_path / 'e').exists()


def test_a_pickled_zoo_array_or_junk_manifest_names_its_file(zoo, trained, tmp_path):
    copy = tmp_path / 'zoo'; shutil.copytree(zoo.path, copy)
    np.save(copy / 'tasks.npy', np.array([{'a': 1}] * len(zoo), dtype=object), allow_pickle=True)
    with_checksums(copy)
    assert_one_line(run('rwr_eval', '--zoo', copy, '--runs', trained, '--out', tmp_path / 'e'),
                    f'{copy / "tasks.npy"}: holds Python objects', 'it was not loaded')
    (copy / 'manifest.json').write_bytes(bytes(range(128, 256)))
    assert_one_line(run('rwr_eval', '--zoo', copy, '--runs', trained, '--out', tmp_path / 'e'),
                    f'{copy / "manifest.json"}: unreadable', 'not a manifest this library wrote')
    assert not (tmp_path / 'e').exists()


def test_hostile_cached_codes_name_their_file(zoo, trained, tmp_path):
    out = tmp_path / 'e'
    assert run('rwr_eval', '--zoo', zoo.path, '--runs', trained, '--out', out, '--seeds', 1, '--partitions', 1, '--inits', 1,
               '--clone_samples', 5, '--quiet').returncode == 0
    np.save(out / 'codes' / 'layerwise_statistics.npy', np.array([object()] * 3, dtype=object), allow_pickle=True)
    assert_one_line(run('rwr_eval', '--zoo', zoo.path, '--runs', trained, '--out', out, '--seeds', 1, '--partitions', 1, '--inits', 1,
                        '--clone_samples', 5, '--quiet'), f"{out / 'codes' / 'layerwise_statistics.npy'}: not codes rwr_eval wrote")


@pytest.mark.parametrize('script,again', [('rwr_train', 'run the same command with --resume to continue'),
                                          ('rwr_eval', 'run the same command again to continue')])
def test_ctrl_c_is_one_line_that_says_how_to_go_on(script, again, zoo, trained, tmp_path, monkeypatch):
    "Issue 35.6: an interrupt is one line with exit status 130 and the command that continues, not a traceback."
    from rnn_weight_repr import report
    def interrupted(*args, **kwargs): raise KeyboardInterrupt
    monkeypatch.setattr(emulation, 'train_emulation', interrupted)
    monkeypatch.setattr(report, 'evaluate_runs', interrupted)
    args = args_for(script, zoo, trained, tmp_path / 'out')
    assert_one_line(run(script, *args), f'{script}: interrupted; the work saved so far is kept: {again}', status=130)


def test_a_flipped_bit_in_a_checkpoint_is_refused(zoo, trained, tmp_path):
    "Issue 35.4: a checkpoint carries the checksum of its contents; one bit flipped in a weight is found on load, by rwr_eval and --resume."
    copy = shutil.copytree(trained, tmp_path / 'stats')
    checkpoint = copy / 'checkpoint.pt'
    state = emulation.load_checkpoint(checkpoint)
    weight = next(t for t in state['model'].values() if t.numel() > 100).detach().numpy()
    data = bytearray(checkpoint.read_bytes())
    at = bytes(data).find(weight.tobytes()[:64])                             # the weight's bytes, where torch stored them
    assert at > 0
    data[at + 3] ^= 0x40                                                     # one exponent bit of its first number
    checkpoint.write_bytes(bytes(data))
    assert_one_line(run('rwr_eval', '--zoo', zoo.path, '--runs', copy, '--out', tmp_path / 'e'), f'{checkpoint}: damaged')
    assert not (tmp_path / 'e').exists()
    (copy / 'result.json').unlink()
    assert_one_line(run('rwr_train', '--zoo', zoo.path, '--encoder', 'layerwise_statistics', '--out', copy, '--steps', 10,
                        '--resume', '--quiet'), f'{checkpoint}: damaged')


@pytest.mark.parametrize('script,flag,value', [('rwr_zoo', '--seed', -1), ('rwr_train', '--lr', -1), ('rwr_train', '--seed', -3)])
def test_a_refused_argument_writes_nothing_and_the_corrected_retry_runs(script, flag, value, zoo, trained, tmp_path):
    "Issue 35.1: every argument is checked before anything is written, the error names it, and the retry is not blocked."
    out = tmp_path / 'out'
    args = ['formal', '--preset', 'tiny', '--runs', 4, '--chunk_size', 4, '--out', out, '--quiet'] if script == 'rwr_zoo' else \
           ['--zoo', zoo.path, '--encoder', 'layerwise_statistics', '--steps', 2, '--out', out, '--quiet']
    assert_one_line(run(script, *args, flag, value), f'{flag[2:]}: expected')
    assert not out.exists()
    assert run(script, *args).returncode == 0


def test_a_second_rwr_reproduce_on_one_folder_is_refused(tmp_path):
    "Issue 35.8: while one rwr_reproduce works in a folder, another on the same --out is refused naming the first's pid."
    from rnn_weight_repr.devices import FolderLock
    out = tmp_path / 'repro'; out.mkdir()
    (out / 'reproduction.json').write_text(json.dumps(dict(preset='tiny')))
    held = FolderLock(out, 'reproducing.lock', 'rwr_reproduce')               # the first one, at work
    try: assert_one_line(run('rwr_reproduce', '--out', out, '--quiet'), f'another rwr_reproduce (pid {os.getpid()}) is working in this folder now')
    finally: held.release()
    assert not (out / 'formal').exists()                                     # the second did nothing


def test_an_unknown_encoder_in_run_json_writes_nothing(zoo, trained, tmp_path):
    "Issue 35.1: a run whose run.json names an encoder this library lacks is refused before --out is made."
    copy = shutil.copytree(trained, tmp_path / 'stats')
    identity = json.loads((copy / 'run.json').read_text())
    identity['identity']['train']['encoder'] = 'no_such_encoder'
    (copy / 'run.json').write_text(json.dumps(identity))
    assert_one_line(run('rwr_eval', '--zoo', zoo.path, '--runs', copy, '--out', tmp_path / 'e'),
                    f"{copy / 'run.json'}: not the settings of a run this library can load", "no_such_encoder")
    assert not (tmp_path / 'e').exists()


def test_rwr_reproduce_without_mnist_writes_nothing(tmp_path, monkeypatch):
    "Issue 35.1: MNIST's files are looked for before rwr_reproduce makes its folder, so the corrected retry starts clean."
    from rnn_weight_repr import mnist
    read = mnist.load_mnist
    monkeypatch.setattr(mnist, 'load_mnist', lambda root=None, download=True: read(root, download=False))   # no network in tests
    empty = tmp_path / 'no-mnist'; empty.mkdir()
    out = tmp_path / 'repro'
    assert_one_line(run('rwr_reproduce', '--tasks', 'mnist', '--mnist_root', empty, '--out', out, '--quiet'),
                    "MNIST not found: expected train-images-idx3-ubyte", str(empty / 'MNIST' / 'raw'))
    assert not out.exists()


def test_a_cut_short_metrics_file_is_named_not_shown_as_nan(trained, tmp_path):
    "Issue 35.10: metrics.csv is written whole, so a cut one is damage: named with its line, never a report of `nan s`."
    copy = shutil.copytree(trained, tmp_path / 'stats')
    text = (copy / 'metrics.csv').read_text()
    assert len(read_metrics(copy)) == 1
    (copy / 'metrics.csv').write_text(text[:text.rindex(',')])             # the last row loses its last value
    with pytest.raises(ValueError, match=rf"{copy / 'metrics.csv'}: line \d+ is damaged"): read_metrics(copy)
    (copy / 'metrics.csv').write_text(text.replace('\n10,', '\nx,', 1))    # a number that is not one
    with pytest.raises(ValueError, match="is damaged .*could not convert"): read_metrics(copy)


def test_rwr_recompute_refuses_what_is_not_codes(zoo, trained, tmp_path):
    (tmp_path / 'codes.npz').write_bytes(b'not a zip file')
    assert_one_line(run('rwr_recompute', '--codes', tmp_path / 'codes.npz', '--out', tmp_path / 'out'), 'not a readable codes file')
    assert_one_line(run('rwr_recompute', '--codes', kept_codes(zoo, trained), '--out', tmp_path / 'out', '--supervised_steps', 2),
                    '--zoo: expected the zoo the codes were made on')
    result = run('rwr_recompute', *args_for('rwr_recompute', zoo, trained, tmp_path / 'out'))
    assert result.returncode == 0, result.stderr
    assert 'supervised layerwise_statistics' in (tmp_path / 'out' / 'results.csv').read_text()
