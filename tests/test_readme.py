"""Every code block of the README (generated from nbs/index.ipynb) runs as written after the README's first command."""
import csv, json, os, re, shutil, subprocess, sys

import pytest

from conftest import BIN, ROOT, readme_first_command
from rnn_weight_repr.cli import (EMULATION_COLUMNS, EVAL_INITS, EVAL_PARTITIONS, TINY_NOTE, emulation_rows, read_emulation_csv,
                                 reproduce_task, run_folder, rwr_reproduce)
from rnn_weight_repr.console import CommandError
from rnn_weight_repr.downstream import Protocol
from rnn_weight_repr.encoders import ALL_ENCODERS
from rnn_weight_repr.run import read_metrics


def python_blocks(text: str) -> list[str]:
    "The README's Python code blocks in page order (``` or ```python; shell blocks are commands, not code)."
    return [code for lang, code in re.findall(r"```(\w*)\n(.*?)```", text, re.S) if lang in ('', 'python')]


def test_the_readme_has_the_blocks_we_expect():
    blocks = python_blocks((ROOT / 'README.md').read_text())
    assert len(blocks) >= 3, blocks
    assert any('nearest_in_zoo' in b for b in blocks), "expected the 'Using your own RNN' block"
    assert readme_first_command()[:3] == ['rwr_reproduce', '--preset', 'tiny']


def test_every_block_runs_after_the_first_command(readme_workdir):
    code = '\n'.join(python_blocks((ROOT / 'README.md').read_text()))
    result = subprocess.run([sys.executable, '-c', code], cwd=readme_workdir, capture_output=True, text=True, timeout=600,
                            env={**os.environ, 'OMP_NUM_THREADS': '1'})
    assert result.returncode == 0, f"a README block failed:\n{result.stderr[-3000:]}"
    assert "'similarity'" in result.stdout, result.stdout[-2000:]


def test_the_tiny_report_says_its_numbers_mean_nothing(readme_workdir):
    report = (readme_workdir / 'runs' / 'tiny' / 'report.md').read_text()
    assert 'checks the plumbing only' in report


def test_two_workers_evaluate_to_the_same_table_as_one(readme_workdir, tmp_path):
    "rwr_eval --workers 2 (rwr_reproduce passes its --workers on) evaluates the models in two processes of one thread: the same tables, digit for digit, as one process of two threads, each model named once."
    tiny = readme_workdir / 'runs' / 'tiny' / 'formal'
    runs = [str(tiny / 'runs' / f'{name}-seed0') for name in ('interactive', 'flat')]
    quick = ['--seeds', '1', '--partitions', '2', '--inits', '2', '--resamples', '100', '--clone_samples', '10', '--min_performance', '0', '--device', 'cpu']
    logs = {}
    for workers in (1, 2):
        result = subprocess.run([BIN / 'rwr_eval', '--zoo', tiny / 'zoo', '--runs', *runs, '--out', tmp_path / f'w{workers}',
                                 '--workers', str(workers), *quick],
                                capture_output=True, text=True, timeout=900, env={**os.environ, 'OMP_NUM_THREADS': str(3 - workers)})
        assert result.returncode == 0, result.stderr[-3000:]
        logs[workers] = result.stderr
    for table in ('results.csv', 'differences.csv'):
        assert (tmp_path / 'w2' / table).read_text() == (tmp_path / 'w1' / table).read_text(), table
    models = ['interactive', 'flat', 'random interactive', 'random flat', 'sample statistics']
    assert all(len(re.findall(rf'^{re.escape(m)}: ', logs[2], re.M)) == 1 for m in models), logs[2]


def test_the_tiny_reproduction_reports_every_encoder_and_a_rerun_keeps_every_stage(readme_workdir, tmp_path):
    "Chapter CLI's walk through the tiny pipeline, on the README's own run (the chapter's cells are skipped by nbdev_test: this is the same run): the report, emulation.csv, a rerun that retrains nothing, bad arguments, and an evaluation killed after its first model that keeps its time."
    out = tmp_path / 'tiny'
    shutil.copytree(readme_workdir / 'runs' / 'tiny', out)
    report = (out / 'report.md').read_text()
    assert all(f'| {name} | 0 |' in report for name in ALL_ENCODERS)
    assert 'over 3 random partitions' in report and 'pool 2 initialisations' in report            # tiny's thinner protocol …
    assert [(EVAL_PARTITIONS[p], EVAL_INITS[p]) for p in ('small', 'paper')] == [(Protocol().partitions, Protocol().inits)] * 2   # … the others keep the full one
    assert 'exact task' in report and 'mean performance' in report and 'same-step z gap' in report and '| code spread val |' in report
    assert TINY_NOTE in report
    assert all((run_folder(out, 'formal', name, 0) / 'result.json').exists() for name in ALL_ENCODERS)
    with open(out / 'formal' / 'emulation.csv') as f: emulation = list(csv.DictReader(f))
    assert [r['encoder'] for r in emulation] == list(ALL_ENCODERS)                                 # one row per run, seed 0
    assert list(emulation[0]) == ['encoder', 'seed', 'steps', *EMULATION_COLUMNS, 'minutes']
    assert all(f"| {r['encoder']} | 0 | {r['steps']} | {float(r['val_loss']):.4f} |" in report for r in emulation)   # the table shows the file
    assert abs(float(emulation[0]['val_loss']) - read_metrics(run_folder(out, 'formal', emulation[0]['encoder'], 0))[-1]['val_loss']) < 1e-9
    assert read_emulation_csv(out / 'formal' / 'emulation.csv') == emulation_rows(out, 'formal')   # back as written, typed

    before = {p: p.stat().st_mtime_ns for p in (out / 'formal' / 'runs').rglob('checkpoint.pt')}
    rwr_reproduce(preset='tiny', out=out, device='cpu', quiet=True)
    assert {p: p.stat().st_mtime_ns for p in (out / 'formal' / 'runs').rglob('checkpoint.pt')} == before   # nothing retrained
    assert all(v['kept'] for k, v in json.loads((out / 'timings.json').read_text()).items() if k != 'formal/downstream')
    for arguments, message in ((dict(tasks='audio'), 'tasks: expected'), (dict(seeds=0), 'seeds: expected a positive'),
                               (dict(preset='small'), "holds a reproduction at preset 'tiny'"), (dict(zoo_runs=1), 'zoo_runs: expected 2 or more'),
                               (dict(zoo_runs=6), "holds a reproduction with zoos of the preset's size, not zoos of 6 RNNs")):
        with pytest.raises(CommandError, match=re.escape(message)): rwr_reproduce(**{'preset': 'tiny', 'out': out, 'quiet': True, **arguments})

    # an evaluation killed after its first model keeps the time it spent; the call that finishes the stage adds its own
    shutil.rmtree(out / 'formal' / 'eval')
    timings = {k: v for k, v in json.loads((out / 'timings.json').read_text()).items() if k != 'formal/downstream'}
    def stop_after_first_model(message: str):
        if message.startswith('  '): raise RuntimeError('killed')   # where a kill would land
    with pytest.raises(RuntimeError, match='killed'):
        reproduce_task('formal', 'tiny', out, timings, device='cpu', progress=False, log=stop_after_first_model)
    first = dict(timings['formal/downstream'])
    assert first['unfinished'] and first['seconds'] > 0
    reproduce_task('formal', 'tiny', out, timings, device='cpu', progress=False, log=lambda m: None)
    assert 'unfinished' not in timings['formal/downstream'] and timings['formal/downstream']['seconds'] >= first['seconds']
