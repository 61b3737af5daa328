"""`rwr_eval` as a user drives it: end to end on a tiny zoo and two tiny runs, rerun from the cache, bad input, MNIST;
the protocol's statistics on a table: intervals, paired differences, seeds of one encoder pooled, untrained initialisations."""
import csv, os, shutil, subprocess, sys, time
from pathlib import Path

import numpy as np
import pytest

from rnn_weight_repr.emulator import train_config
from rnn_weight_repr.emulation import train_emulation
from rnn_weight_repr.generate import generate_zoo
from rnn_weight_repr.zoo import zoo_config

BIN = Path(sys.executable).parent
ENV = {**os.environ, 'PYTHONUNBUFFERED': '1', 'OMP_NUM_THREADS': '1'}
FAST_ENCODERS = ('layerwise_statistics', 'flat')
FORMAL_KEYS = [f'{p}/{s}/{m}' for m in ('mlp', 'linear') for p in ('performance', 'step', 'exact_task', 'unseen_task', 'unseen_task_per_offset')
               for s in ('val', 'ood')]
KEEP_ALL = ('--min_performance', 0)   # few tiny RNNs pass the default floor: keep every trained snapshot for the exact task


def rwr_eval(*args, tmp=None):
    "Run the console script (or, before it is installed, the same function as a script file)."
    command = [BIN / 'rwr_eval']
    if not command[0].exists():
        script = Path(tmp) / 'rwr_eval_script.py'
        script.write_text('from rnn_weight_repr.report import rwr_eval\nrwr_eval()\n')
        command = [sys.executable, script]
    return subprocess.run([*command, *map(str, args)], env=ENV, capture_output=True, text=True)


@pytest.fixture(scope='module')
def setup(tmp_path_factory):
    "A tiny formal-language zoo and two tiny emulation runs on it."
    root = tmp_path_factory.mktemp('downstream')
    zoo = generate_zoo(zoo_config('tiny'), root / 'zoo', device='cpu', progress=False)
    runs = [train_emulation(zoo, train_config('tiny', encoder=name), root / 'runs' / name, device='cpu', progress=False)
            for name in FAST_ENCODERS]
    return root, zoo, runs


@pytest.fixture(scope='module')
def evaluated(setup):
    root, zoo, runs = setup
    out = root / 'eval'
    start = time.time()
    result = rwr_eval('--zoo', zoo.path, '--runs', *runs, '--out', out, '--device', 'cpu', '--seeds', 2,
                      '--clone_samples', 20, *KEEP_ALL, tmp=root)
    return out, result, time.time() - start


def read_table(out: Path) -> list[dict]:
    with open(out / 'results.csv', newline='') as f: return list(csv.DictReader(f))


def test_end_to_end_writes_table_and_figures(evaluated):
    out, result, _ = evaluated
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(out / 'results.md')
    assert {'results.md', 'results.csv', 'differences.csv', 'codes.png', 'predictions.png'} <= {p.name for p in out.iterdir()}
    for figure in ('codes.png', 'predictions.png'):
        assert (out / figure).read_bytes()[:8] == b'\x89PNG\r\n\x1a\n' and (out / figure).stat().st_size > 10_000


def test_table_has_every_model_and_column_with_numbers_in_range(evaluated):
    out, _, _ = evaluated
    table = read_table(out)
    assert [r['model'] for r in table] == [*FAST_ENCODERS, *(f'random {e}' for e in FAST_ENCODERS), 'sample statistics', 'task label', 'chance']
    assert [r['type'] for r in table] == ['trained'] * 2 + ['random'] * 2 + ['behavioural', 'task label', 'chance']
    assert {f'{k}{s}' for k in FORMAL_KEYS for s in ('', '_std', '_ci95_lo', '_ci95_hi')} <= set(table[0])
    for row in table:
        for key in FORMAL_KEYS:
            if key.startswith(('step', 'exact_task', 'unseen_task')) and row[key]:
                assert 0 <= float(row[f'{key}_ci95_lo']) <= float(row[key]) <= float(row[f'{key}_ci95_hi']) <= 1, (row['model'], key)
            if row[key]: assert float(row[f'{key}_std']) >= 0
    for row in table[:2]:
        assert row['step'] == '30'
        for key in ('clone/val', 'clone/ood', 'rnn/val', 'rnn/ood', 'clone_gap/val', 'clone_gap/ood'):
            assert 0 <= float(row[key]) <= 1, key
    assert all(row['clone/val'] == '' for row in table[2:])                 # only trained encoders have clones
    assert table[-2]['exact_task/ood/mlp'] == table[-2]['exact_task/ood/linear'] == '1'
    markdown = (out / 'results.md').read_text()
    for label in [r['model'] for r in table]: assert f'| {label} |' in markdown
    for header in ('performance R² · val', 'step accuracy · OOD', 'exact task accuracy · OOD (chance', 'clone · val',
                   'unseen task accuracy · val', 'unseen task per-offset accuracy · OOD', 'Paired differences', 'performance ≥ 0.00',
                   '10 random partitions', 'over 10 random halvings'):
        assert header in markdown
    row = table[0]
    assert f"{float(row['step/val/mlp']):.3f} [{float(row['step/val/mlp_ci95_lo']):.3f}, {float(row['step/val/mlp_ci95_hi']):.3f}]" in markdown


def test_paired_differences_are_the_differences_of_the_table(evaluated):
    out, _, _ = evaluated
    table = {r['model']: r for r in read_table(out)}
    with open(out / 'differences.csv', newline='') as f: differences = list(csv.DictReader(f))
    assert [(d['a'], d['b']) for d in differences] == [
        ('layerwise_statistics', 'flat'), ('layerwise_statistics', 'sample statistics'),
        ('layerwise_statistics', 'random layerwise_statistics'), ('flat', 'random flat')]
    for d in differences:
        for key in FORMAL_KEYS:
            if not d[key]: continue
            a, b = float(table[d['a']][key]), float(table[d['b']][key])
            assert abs(float(d[key]) - (a - b)) <= 1e-5 * max(1, abs(a), abs(b)), (d['a'], d['b'], key)
            assert float(d[f'{key}_ci95_lo']) <= float(d[f'{key}_ci95_hi'])


def call_rwr_eval(capsys, *args, **kwargs):
    "rwr_eval in this process (no interpreter start-up): (exit status, stdout, stderr)."
    from rnn_weight_repr.report import rwr_eval as function
    capsys.readouterr()
    try: function(*args, **kwargs); status = 0
    except SystemExit as e: status = e.code
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_rerun_keeps_everything_and_reevaluates_only_what_changed(setup, evaluated, capsys):
    root, zoo, runs = setup
    out, _, first = evaluated
    settings = dict(zoo=str(zoo.path), out=str(out), device='cpu', seeds=2, clone_samples=20, min_performance=0)
    cache = {p.name: p.stat().st_mtime_ns for p in (out / 'cache').iterdir()}
    start = time.time()
    status, _, log = call_rwr_eval(capsys, runs=[str(r) for r in runs], **settings)
    assert status == 0, log
    assert time.time() - start < first
    assert {p.name: p.stat().st_mtime_ns for p in (out / 'cache').iterdir()} == cache
    assert log.count('kept from an earlier evaluation') == 5, log
    os.utime(runs[1] / 'checkpoint.pt')                                      # as if run 2 had trained on
    status, _, log = call_rwr_eval(capsys, runs=[str(r) for r in runs], **settings)
    lines = log.splitlines()
    assert any(l.startswith('flat: ') and 'kept' not in l for l in lines), log
    assert any(l.startswith('layerwise_statistics: ') and 'kept' in l for l in lines), log
    assert log.count('kept from an earlier evaluation') == 4
    status, _, log = call_rwr_eval(capsys, runs=[str(runs[0])], **{**settings, 'seeds': 1}, overwrite=True)
    assert status == 0 and 'kept' not in log                                  # other settings: evaluated anew
    assert [r['model'] for r in read_table(out)] == ['layerwise_statistics', 'random layerwise_statistics', 'sample statistics', 'task label', 'chance']


def test_bad_input_from_the_command_line_is_one_line_and_exit_2(setup, tmp_path):
    root, zoo, runs = setup
    result = rwr_eval('--zoo', zoo.path, '--runs', runs[0], root, '--out', tmp_path / 'out', tmp=tmp_path)
    assert result.returncode == 2 and result.stderr.strip() == \
        f"rwr_eval: error: {root}: not a training run: expected run.json and checkpoint.pt (written by rwr_train)"
    result = rwr_eval('--zoo', zoo.path, '--out', tmp_path / 'out', tmp=tmp_path)   # argparse: --runs is required
    assert result.returncode == 2 and 'required: --runs' in result.stderr
    assert not (tmp_path / 'out').exists()


@pytest.mark.parametrize('case', ['missing_zoo', 'not_a_zoo', 'other_zoo', 'other_rnns', 'broken_run_json', 'zero_seeds'])
def test_bad_input_is_one_line_and_exit_2(setup, tmp_path, capsys, case):
    root, zoo, runs = setup
    args = dict(zoo=str(zoo.path), runs=[str(runs[0])], out=str(tmp_path / 'out'), seeds=1, clone_samples=5, device='cpu')
    if case == 'missing_zoo': args['zoo'] = str(tmp_path / 'nowhere')
    if case == 'not_a_zoo': args['zoo'] = str(runs[0])
    if case == 'other_zoo':                                                  # the same RNNs, other weights
        args['zoo'] = str(generate_zoo(zoo_config('tiny', seed=1), tmp_path / 'other', device='cpu', progress=False).path)
    if case in ('other_rnns', 'broken_run_json'):
        run = tmp_path / 'run'
        shutil.copytree(runs[0], run)
        text = (run / 'run.json').read_text()
        (run / 'run.json').write_text(text.replace('"hidden_size": 32', '"hidden_size": 8') if case == 'other_rnns' else text[:40])
        args['runs'] = [str(run)]
    if case == 'zero_seeds': args['seeds'] = 0
    status, out, err = call_rwr_eval(capsys, **args)
    assert status == 2, (out, err)
    expected = {'missing_zoo': 'not a folder', 'not_a_zoo': 'not a zoo', 'other_zoo': 'trained on another zoo',
                'other_rnns': 'trained on RNNs', 'broken_run_json': 'run.json: unreadable',
                'zero_seeds': '--seeds: expected a positive number'}[case]
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith('rwr_eval: error: ') and expected in lines[0], err
    assert not (tmp_path / 'out').exists()                                   # nothing was started
    if case == 'other_zoo':                                                  # on purpose: allowed
        status, out, err = call_rwr_eval(capsys, **args, any_zoo=True)
        assert status == 0 and (tmp_path / 'out' / 'results.md').exists(), err


def test_a_copied_zoo_is_the_same_zoo(setup, tmp_path, capsys):
    "Runs know their zoo by content: a copy (moved, another machine) evaluates without --any_zoo."
    root, zoo, runs = setup
    copy = shutil.copytree(zoo.path, tmp_path / 'copy')
    status, out, err = call_rwr_eval(capsys, zoo=str(copy), runs=[str(runs[0])], out=str(tmp_path / 'out'), seeds=1,
                                     clone_samples=5, device='cpu')
    assert status == 0 and (tmp_path / 'out' / 'results.md').exists(), err


def test_mnist_zoo(tmp_path):
    from rnn_weight_repr.mnist import MNISTNotFoundError
    try: zoo = generate_zoo(zoo_config('tiny', 'mnist', download=False), tmp_path / 'zoo', device='cpu', progress=False)
    except MNISTNotFoundError as e: pytest.skip(f'MNIST is not on this machine: {e}')
    run = train_emulation(zoo, train_config('tiny', encoder='layerwise_statistics', steps=10), tmp_path / 'run',
                          device='cpu', progress=False)
    result = rwr_eval('--zoo', zoo.path, '--runs', run, '--out', tmp_path / 'out', '--seeds', 1, tmp=tmp_path)
    assert result.returncode == 0, result.stderr
    table = read_table(tmp_path / 'out')
    assert [r['model'] for r in table] == ['layerwise_statistics', 'random layerwise_statistics', 'digit answers', 'task label', 'chance']
    answers = table[2]                                  # the behavioural baseline: classifiers' answers on fixed digits
    assert answers['type'] == 'behavioural' and 0 <= float(answers['angle/val/mlp']) <= 180
    digit_codes = np.load(tmp_path / 'out' / 'codes' / 'digit_answers.npy').astype(np.float64)   # 8 digits × 8 angles × 10 classes
    assert digit_codes.shape == (len(zoo), 640) and np.allclose(digit_codes.reshape(len(zoo), 64, 10).sum(-1), 1, atol=1e-2)
    keys = [f'{p}/{s}/{m}' for p in ('eval_accuracy', 'generalisation_gap', 'angle', 'weight_decay', 'unseen_angle')
            for s in ('val', 'ood') for m in ('mlp', 'linear')]
    assert set(keys) <= set(table[0])
    for row in table:
        assert all(0 <= float(row[k]) <= 180 for k in keys if k.startswith(('angle', 'unseen_angle')) and row[k])
        assert all(0 <= float(row[k]) <= 1 for k in keys if k.startswith('weight_decay'))
    # the zoo stores its digits' labels: clone and RNN are both scored by accuracy on the same digits, with their gap
    clone, rnn, gap = (float(table[0][f'{w}/val']) for w in ('clone', 'rnn', 'clone_gap'))
    assert 0 <= clone <= 1 and 0 <= rnn <= 1 and abs(clone - rnn) - 1e-9 <= gap <= 1
    assert '| model | clone accuracy · val | RNN accuracy · val |' in (tmp_path / 'out' / 'results.md').read_text()
    assert 'angle error ° · OOD' in (tmp_path / 'out' / 'results.md').read_text()
    assert 'unseen angle error ° · OOD' in (tmp_path / 'out' / 'results.md').read_text()
    assert table[-2]['unseen_angle/ood/linear'] != ''                          # the paper's halving of the OOD angles


def test_runs_of_one_encoder_at_different_sizes_each_get_their_own_random_baseline(setup, tmp_path):
    "A sweep (the same encoder, different probe lengths) must not collapse its untrained baselines into one row."
    from rnn_weight_repr.report import evaluate_runs
    root, zoo, _ = setup
    runs = [train_emulation(zoo, train_config('tiny', encoder='noninteractive', steps=2, encoder_sizes=dict(probe_length=length)),
                            tmp_path / f'T{length}', device='cpu', progress=False) for length in (3, 5)]
    results = evaluate_runs(zoo, runs, tmp_path / 'eval', seeds=1, clone_samples=5, clone_rows=4, device='cpu')
    random_rows = sorted(label for label, r in results.items() if r['type'] == 'random')
    assert random_rows == ['random noninteractive (tiny, probe_length=3)', 'random noninteractive (tiny, probe_length=5)']
    assert sorted(label for label, r in results.items() if r['type'] == 'trained') == [
        'noninteractive [T3]', 'noninteractive [T5]']


def test_default_protocol_scores_only_snapshots_that_learnt(setup, tmp_path):
    "Under the default min_performance the exact task scores the snapshots with performance ≥ 0.3 (in tasks with two such runs) and the table says how many; under a floor no RNN reaches it has no rows, and the table says so."
    from rnn_weight_repr.properties import exact_task_rows
    from rnn_weight_repr.report import evaluate_runs
    _, zoo, runs = setup
    evaluate_runs(zoo, runs[:1], tmp_path / 'eval', seeds=1, clone_samples=5, clone_rows=4, device='cpu', partitions=2, inits=1)
    rows = exact_task_rows(zoo, 'val')
    assert 0 < len(rows) < len(zoo.split('val')) and (zoo.performance[rows] >= 0.3).all()
    markdown = (tmp_path / 'eval' / 'results.md').read_text()
    assert 'performance ≥ 0.30' in markdown and f'{len(rows)} snapshots' in markdown, markdown[:1500]
    assert all(row['exact_task/val/mlp'] != '' for row in read_table(tmp_path / 'eval'))
    evaluate_runs(zoo, runs[:1], tmp_path / 'floor', seeds=1, clone_samples=5, clone_rows=4, device='cpu', partitions=2, inits=1,
                  min_performance=0.99)
    assert all(row[key] == '' for row in read_table(tmp_path / 'floor') for key in FORMAL_KEYS if key.startswith('exact_task'))
    assert 'val: 0 tasks, 0 runs, 0 snapshots' in (tmp_path / 'floor' / 'results.md').read_text()


def test_seeds_of_one_encoder_are_pooled_and_baselines_have_several_inits(setup, tmp_path):
    from rnn_weight_repr.report import evaluate_runs
    _, zoo, _ = setup
    runs = [train_emulation(zoo, train_config('tiny', encoder='layerwise_statistics', steps=3, seed=seed), tmp_path / f'stats-seed{seed}',
                            device='cpu', progress=False) for seed in (0, 1)]
    results = evaluate_runs(zoo, runs, tmp_path / 'eval', seeds=1, clone_samples=5, clone_rows=4, device='cpu',
                            min_performance=0, partitions=2, inits=3)
    table = {r['model']: r for r in read_table(tmp_path / 'eval')}
    assert [(model, r['type']) for model, r in table.items()] == [
        ('layerwise_statistics', 'trained'), ('layerwise_statistics [stats-seed0]', 'one seed'),
        ('layerwise_statistics [stats-seed1]', 'one seed'), ('random layerwise_statistics', 'random'),
        ('sample statistics', 'behavioural'), ('task label', 'task label'),
        ('chance', 'chance')]
    assert len(results['layerwise_statistics']['members']) == 2 and len(results['random layerwise_statistics']['members']) == 3
    for key in ('step/val/mlp', 'step/ood/linear', 'exact_task/val/mlp', 'clone/val'):
        seeds = [float(table[f'layerwise_statistics [stats-seed{s}]'][key]) for s in (0, 1)]
        assert abs(float(table['layerwise_statistics'][key]) - np.mean(seeds)) < 1e-5, key     # pooled: the mean over seeds
    with open(tmp_path / 'eval' / 'differences.csv', newline='') as f:
        assert [(d['a'], d['b']) for d in csv.DictReader(f)] == [('layerwise_statistics', 'sample statistics'),
                                                                 ('layerwise_statistics', 'random layerwise_statistics')]


def test_kept_codes_recompute_the_tables_of_the_command(evaluated, tmp_path):
    "The codes.npz that rwr_eval writes gives its three tables again, byte for byte, without the zoo or the runs."
    from rnn_weight_repr.recompute import recompute_results
    out, _, _ = evaluated
    copy = shutil.copy(out / 'codes.npz', tmp_path / 'codes.npz')            # alone, elsewhere
    recompute_results(copy, tmp_path / 'again')
    for name in ('results.csv', 'differences.csv', 'results.md'):
        assert (tmp_path / 'again' / name).read_text() == (out / name).read_text(), name


def test_a_leak_between_fitted_and_scored_tasks_fails(setup, monkeypatch):
    "The unseen-task protocol refuses folds that fit on a task they score: inject one and the evaluation stops."
    import rnn_weight_repr.downstream as downstream
    _, zoo, runs = setup
    unseen = downstream.FORMAL_PROPERTIES[3]
    codes = np.random.default_rng(0).normal(size=(len(zoo), 4))
    downstream.predict_property(codes, zoo, unseen, 'linear', min_performance=0)     # honest folds: no error
    honest = downstream.fitting_folds
    leaky = lambda *a, **k: [(np.concatenate([fit, test]), test) for fit, test in honest(*a, **k)]
    monkeypatch.setattr(downstream, 'fitting_folds', leaky)
    with pytest.raises(ValueError, match='task\\(s\\) both fitted and scored'):
        downstream.predict_property(codes, zoo, unseen, 'linear', min_performance=0)
    with pytest.raises(ValueError, match='both fitted and scored'):
        downstream.evaluate_codes(codes, zoo, downstream.Protocol(seeds=1, partitions=1, min_performance=0))


def test_no_task_is_fitted_and_scored_in_any_halving(tmp_path):
    "A zoo of 40 tasks (6 OOD): over many halvings each OOD row is scored once, by a predictor fitted on the train tasks and the other half only."
    from rnn_weight_repr.downstream import FORMAL_PROPERTIES, evaluated_rows, fitting_folds
    from rnn_weight_repr.properties import task_ids_of
    from rnn_weight_repr.formal_zoo import spread_tasks
    zoo = generate_zoo(zoo_config('tiny', tasks=spread_tasks(40), num_runs=40, snapshot_steps=(0, 5)), tmp_path / 'zoo', device='cpu', progress=False)
    unseen, task = FORMAL_PROPERTIES[3], task_ids_of(zoo)
    ood, train = (evaluated_rows(zoo, unseen, split, min_performance=0) for split in ('ood', 'train'))
    assert len(np.unique(task[ood])) == 6
    halves = set()
    for halving in range(20):
        folds = fitting_folds(zoo, unseen, 'ood', ood, halving, min_performance=0)
        assert len(folds) == 2 and sorted(np.concatenate([test for _, test in folds])) == sorted(ood)   # each row once
        for fit, test in folds:
            assert not set(task[fit]) & set(task[test])                              # never a scored task among the fitted
            assert set(task[fit]) == set(task[train]) | (set(task[ood]) - set(task[test]))   # train + the other half
            assert len(np.unique(task[test])) == 3
        halves.add(tuple(sorted(set(task[folds[0][1]]))))
    assert len(halves) > 5                                                           # the halvings differ


def test_supervised_rows_beside_the_pretrained_ones(setup, tmp_path, capsys):
    "rwr_eval --supervised_steps: each encoder also trained end to end on the offsets; its row has the paper's protocol only, is paired with the pretrained row, and its per-row scores are kept for the recomputation."
    from rnn_weight_repr.recompute import recompute_results
    _, zoo, runs = setup
    out = tmp_path / 'eval'
    status, _, err = call_rwr_eval(capsys, zoo=str(zoo.path), runs=[str(r) for r in runs], out=str(out), seeds=1, clone_samples=5,
                                   device='cpu', min_performance=0, partitions=2, inits=1, supervised_steps=3)
    assert status == 0, err
    table = {r['model']: r for r in read_table(out)}
    for name in FAST_ENCODERS:
        row = table[f'supervised {name}']
        assert row['type'] == 'supervised'
        assert 0 <= float(row['unseen_task/val/mlp']) <= 1 and row['unseen_task/val/linear'] == '' and row['exact_task/val/mlp'] == ''
    with open(out / 'differences.csv', newline='') as f: pairs = [(d['a'], d['b']) for d in csv.DictReader(f)]
    assert ('flat', 'supervised flat') in pairs and ('layerwise_statistics', 'supervised layerwise_statistics') in pairs
    assert sorted(p.name.rsplit('-', 1)[0] for p in (out / 'supervised').iterdir()) == ['supervised_flat', 'supervised_layerwise_statistics']
    recompute_results(out / 'codes.npz', tmp_path / 'again')
    assert (tmp_path / 'again' / 'results.csv').read_text() == (out / 'results.csv').read_text()
    status, _, err = call_rwr_eval(capsys, zoo=str(zoo.path), runs=[str(runs[0])], out=str(tmp_path / 'bad'), supervised_steps=-1)
    assert status == 2 and '--supervised_steps: expected 0 (none) or more' in err and not (tmp_path / 'bad').exists()
    status, _, err = call_rwr_eval(capsys, zoo=str(zoo.path), runs=[str(runs[0])], out=str(tmp_path / 'bad'), min_performance=1.5)
    assert status == 2 and '--min_performance: expected a fraction in [0, 1], got 1.5' in err and not (tmp_path / 'bad').exists()
