"""Fixtures shared by test files: the README's first command, run once per session."""
import os, re, shlex, subprocess, sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def readme_first_command() -> list[str]:
    "The main job of the README's first command (`pip install -e . && rwr_reproduce …`), as argv."
    first = re.search(r"```sh\n(.*?)\n", (ROOT / 'README.md').read_text()).group(1)
    job = first.split('&&')[-1].strip()
    assert job.startswith('rwr_reproduce '), f"expected the README's first command to end in rwr_reproduce, got {first!r}"
    return shlex.split(job)


@pytest.fixture(scope='session')
def readme_workdir(tmp_path_factory) -> Path:
    "A folder in which the README's first command has run to completion (the package is already installed)."
    where = tmp_path_factory.mktemp('readme')
    argv = readme_first_command()
    result = subprocess.run([BIN / argv[0], *argv[1:], '--quiet'], cwd=where, capture_output=True, text=True, timeout=1800,
                            env={**os.environ, 'PYTHONUNBUFFERED': '1'})
    assert result.returncode == 0, result.stderr[-3000:]
    return where
