"""What test files share: the README's first command (run once per session), and what makes two zoos the same."""
import os, re, shlex, subprocess, sys
from pathlib import Path

import numpy as np
import pytest

from rnn_weight_repr.zoo import Zoo

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


def assert_same_zoo(a: Zoo, b: Zoo):
    "Two zoos hold the same runs, snapshots and tasks, the same weights (to float rounding), performance within 0.05."
    assert len(a) == len(b)
    np.testing.assert_array_equal(a.runs, b.runs)
    np.testing.assert_array_equal(a.steps, b.steps)
    np.testing.assert_array_equal(np.asarray(a.tasks), np.asarray(b.tasks))
    np.testing.assert_allclose(np.asarray(a.params), np.asarray(b.params), rtol=0, atol=1e-5)
    np.testing.assert_allclose(a.performance, b.performance, atol=0.05)
