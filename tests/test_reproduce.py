"""`rwr_reproduce` as a user runs it: killed in the middle, stopped by its time limit and run again, it keeps the stages it finished; bad input is
one line and exit status 2, with nothing written; the MNIST pipeline runs end to end."""
import csv, json, os, re, signal, subprocess, sys, time
from pathlib import Path

import numpy as np

from rnn_weight_repr.run import read_metrics
from rnn_weight_repr.cli import EMULATION_CPU_MINUTES
from rnn_weight_repr.encoders import ALL_ENCODERS
from rnn_weight_repr.zoo import Zoo

BIN = Path(sys.executable).parent
ENV = {**os.environ, 'PYTHONUNBUFFERED': '1', 'OMP_NUM_THREADS': '1'}
ENCODERS = tuple(ALL_ENCODERS)  # the paper's six, in its order, then our neuron_graph


def rwr_reproduce(*args, **kwargs):
    return subprocess.run([BIN / 'rwr_reproduce', '--preset', 'tiny', '--device', 'cpu', '--quiet', *map(str, args)],
                          env=ENV, capture_output=True, text=True, **kwargs)


def check_mnist_added_to(out: Path):
    """The MNIST pipeline added to a folder holding a formal reproduction: the zoo through emulation and downstream, two workers,
    on the offline copy of MNIST; every table filled for the seven encoders, and the report keeps the formal section (issue 35.9)."""
    mnist_root = Path(__file__).resolve().parents[2] / 'shared' / 'data' / 'mnist'
    result = rwr_reproduce('--out', out, '--tasks', 'mnist', '--workers', 2, '--mnist_root', mnist_root)
    assert result.returncode == 0, result.stderr[-3000:]
    assert f"[mnist] MNIST from {mnist_root / 'MNIST' / 'raw'}" in result.stdout      # where the digits were found
    zoo = Zoo.load(out / 'mnist' / 'zoo')
    assert zoo.kind == 'mnist' and zoo.verify().ok
    assert zoo.labels is not None and zoo.labels.shape == zoo.sequences.shape[:2] and int(np.max(zoo.labels)) <= 9
    emulation = list(csv.DictReader(open(out / 'mnist' / 'emulation.csv')))
    assert [r['encoder'] for r in emulation] == list(ENCODERS)
    assert all(np.isfinite(float(r['val_loss'])) and 0 <= float(r['val_loss']) <= 1 for r in emulation)   # a TV distance
    rows = {r['model']: r for r in csv.DictReader(open(out / 'mnist' / 'eval' / 'results.csv'))}
    assert [m for m in rows if rows[m]['type'] == 'trained'] == list(ENCODERS)
    for model in (*ENCODERS, 'chance', 'task label'):
        for key in ('eval_accuracy/val/mlp', 'generalisation_gap/ood/mlp', 'weight_decay/val/linear'):
            assert np.isfinite(float(rows[model][key])), (model, key)
        assert 0 <= float(rows[model]['angle/ood/mlp']) <= 180, model          # a circular error in degrees
    for model in ENCODERS:
        clone, rnn, gap = (float(rows[model][f'{w}/val']) for w in ('clone', 'rnn', 'clone_gap'))
        assert 0 <= clone <= 1 and 0 <= rnn <= 1 and gap >= abs(clone - rnn) - 1e-9
    # the RNN's accuracy beside the clones is its accuracy on its stored digits, the same whatever the encoder
    assert len({rows[m]['rnn/val'] for m in ENCODERS}) == 1
    report = (out / 'report.md').read_text()
    assert '## Sequential MNIST' in report and '| model | clone accuracy · val | RNN accuracy · val |' in report
    assert 'angle error ° · val' in report
    assert '## Formal languages' in report and report.index('## Formal languages') < report.index('## Sequential MNIST')
    assert '`rwr_reproduce --preset tiny --tasks formal,mnist`' in report
    stages = re.findall(r"^\| ((?:formal|mnist)/\w+) \|", report, re.M)
    assert stages == ['formal/zoo', 'formal/emulation', 'formal/downstream', 'mnist/zoo', 'mnist/emulation', 'mnist/downstream'], stages


def test_kill_9_then_rerun_keeps_finished_stages_and_writes_the_report(tmp_path):
    out = tmp_path / 'run'
    proc = subprocess.Popen([BIN / 'rwr_reproduce', '--preset', 'tiny', '--device', 'cpu', '--quiet', '--out', out],
                            env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    first = max(ENCODERS, key=lambda name: EMULATION_CPU_MINUTES.get(name, 0))   # runs start longest first
    first_run = out / 'formal' / 'runs' / f'{first}-seed0'
    deadline = time.time() + 300
    while time.time() < deadline and not (first_run / 'result.json').exists() and proc.poll() is None:
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL); proc.wait()
    assert (first_run / 'result.json').exists(), "the zoo and the first encoder should have finished before the kill"
    assert not (out / 'report.md').exists(), "expected the kill to land before the end"
    kept = {path: path.stat().st_mtime_ns for path in [out / 'formal' / 'zoo' / 'manifest.json', first_run / 'checkpoint.pt']}

    # a command whose time limit passes at once: the run at work makes one step, saved, and the command exits 75
    stopped = rwr_reproduce('--out', out, '--time_limit', 1e-6)
    assert stopped.returncode == 75, stopped.stderr[-3000:]
    [line] = stopped.stderr.strip().splitlines()
    assert re.fullmatch(rf"rwr_reproduce: formal: {re.escape(str(out))}/formal/runs/\w+-seed0: stopped at the time limit after "
                        r"step \d+ of 30, with all of it saved; run the same command again to continue", line), line
    assert json.loads((out / 'timings.json').read_text())['formal/emulation']['unfinished']
    assert not (out / 'report.md').exists()

    result = rwr_reproduce('--out', out)
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.strip().endswith(f"report: {out / 'report.md'}")
    for path, mtime in kept.items(): assert path.stat().st_mtime_ns == mtime, f"{path} was written again"
    timings = json.loads((out / 'timings.json').read_text())
    assert timings['formal/zoo']['kept'] and not timings['formal/emulation']['kept']
    assert 'unfinished' not in timings['formal/emulation']
    # the emulation stage's time counts the part before the kill (the first run's own clock), not only the rerun
    trained_for = read_metrics(first_run)[-1]['seconds']
    rerun_runs = sum(read_metrics(out / 'formal' / 'runs' / f'{name}-seed0')[-1]['seconds'] for name in ENCODERS if name != first)
    assert timings['formal/emulation']['seconds'] >= trained_for + rerun_runs - 0.5, (timings, trained_for, rerun_runs)
    report = (out / 'report.md').read_text()
    assert 'checks the plumbing only' in report
    for name in ENCODERS: assert f'| {name} | 0 |' in report, f"the report has no row for {name}"
    for figure in ('formal/losses.png', 'formal/eval/codes.png', 'formal/eval/predictions.png'):
        assert f']({figure})' in report and (out / figure).stat().st_size > 1000
    table = (out / 'formal' / 'eval' / 'results.csv').read_text().splitlines()
    assert [line.split(',')[0] for line in table[1:len(ENCODERS) + 1]] == list(ENCODERS)
    check_mnist_added_to(out)


def test_unknown_task_is_one_line_and_exit_2(tmp_path):
    result = rwr_reproduce('--out', tmp_path / 'x', '--tasks', 'formal,chess')
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "rwr_reproduce: error: tasks: expected a comma-separated list of ('formal', 'mnist'), got 'formal,chess'"]
    assert not (tmp_path / 'x').exists()



def test_cuda_graph_on_the_cpu_is_one_line_and_exit_2(tmp_path):
    result = rwr_reproduce('--out', tmp_path / 'x', '--cuda_graph')
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == ["rwr_reproduce: error: cuda_graph: needs a CUDA device, got cpu"]
    assert not (tmp_path / 'x').exists()

