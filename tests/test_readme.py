"""Every code block of the README (generated from nbs/index.ipynb) runs as written after the README's first command."""
import os, re, subprocess, sys

from conftest import BIN, ROOT, readme_first_command


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
