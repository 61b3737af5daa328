"""Every code block of the README (generated from nbs/index.ipynb) runs as written after the README's first command."""
import os, re, subprocess, sys

from conftest import ROOT, readme_first_command


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
