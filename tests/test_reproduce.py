"""`rwr_reproduce` as a user runs it: killed in the middle and run again, it keeps the stages it finished; bad input is
one line and exit status 2, with nothing written."""
import json, os, signal, subprocess, sys, time
from pathlib import Path

from rnn_weight_repr.emulation import read_metrics
from rnn_weight_repr.encoders import ENCODERS as ALL_ENCODERS

BIN = Path(sys.executable).parent
ENV = {**os.environ, 'PYTHONUNBUFFERED': '1', 'OMP_NUM_THREADS': '1'}
ENCODERS = tuple(ALL_ENCODERS)  # the six, in the paper's order


def rwr_reproduce(*args, **kwargs):
    return subprocess.run([BIN / 'rwr_reproduce', '--preset', 'tiny', '--device', 'cpu', '--quiet', *map(str, args)],
                          env=ENV, capture_output=True, text=True, **kwargs)


def test_kill_9_then_rerun_keeps_finished_stages_and_writes_the_report(tmp_path):
    out = tmp_path / 'run'
    proc = subprocess.Popen([BIN / 'rwr_reproduce', '--preset', 'tiny', '--device', 'cpu', '--quiet', '--out', out],
                            env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    first_run = out / 'formal' / 'runs' / f'{ENCODERS[0]}-seed0'
    deadline = time.time() + 300
    while time.time() < deadline and not (first_run / 'result.json').exists() and proc.poll() is None:
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL); proc.wait()
    assert (first_run / 'result.json').exists(), "the zoo and the first encoder should have finished before the kill"
    assert not (out / 'report.md').exists(), "expected the kill to land before the end"
    kept = {path: path.stat().st_mtime_ns for path in [out / 'formal' / 'zoo' / 'manifest.json', first_run / 'checkpoint.pt']}

    result = rwr_reproduce('--out', out)
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.strip().endswith(f"report: {out / 'report.md'}")
    for path, mtime in kept.items(): assert path.stat().st_mtime_ns == mtime, f"{path} was written again"
    timings = json.loads((out / 'timings.json').read_text())
    assert timings['formal/zoo']['kept'] and not timings['formal/emulation']['kept']
    assert 'unfinished' not in timings['formal/emulation']
    # the emulation stage's time counts the part before the kill (the first run's own clock), not only the rerun
    trained_for = read_metrics(first_run)[-1]['seconds']
    rerun_runs = sum(read_metrics(out / 'formal' / 'runs' / f'{name}-seed0')[-1]['seconds'] for name in ENCODERS[1:])
    assert timings['formal/emulation']['seconds'] >= trained_for + rerun_runs - 0.5, (timings, trained_for, rerun_runs)
    report = (out / 'report.md').read_text()
    assert 'checks the plumbing only' in report
    for name in ENCODERS: assert f'| {name} | 0 |' in report, f"the report has no row for {name}"
    for figure in ('formal/losses.png', 'formal/eval/codes.png', 'formal/eval/predictions.png'):
        assert f']({figure})' in report and (out / figure).stat().st_size > 1000
    table = (out / 'formal' / 'eval' / 'results.csv').read_text().splitlines()
    assert [line.split(',')[0] for line in table[1:7]] == list(ENCODERS)


def test_unknown_task_is_one_line_and_exit_2(tmp_path):
    result = rwr_reproduce('--out', tmp_path / 'x', '--tasks', 'formal,chess')
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "rwr_reproduce: error: tasks: expected a comma-separated list of ('formal', 'mnist'), got 'formal,chess'"]
    assert not (tmp_path / 'x').exists()
