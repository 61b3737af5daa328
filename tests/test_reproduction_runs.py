"experiments/reproduction_runs.py as a study drives it: runs of rwr_reproduce's configs in its folders, stopped by --time_limit (exit 75, saved) and continued by the same command."
import json, os, subprocess, sys
from pathlib import Path

from rnn_weight_repr.cli import run_folder
from rnn_weight_repr.generate import generate_zoo
from rnn_weight_repr.zoo import zoo_config

SCRIPT = Path(__file__).parents[1] / 'experiments' / 'reproduction_runs.py'


def test_a_time_limit_stops_saved_and_the_same_command_finishes_the_run(tmp_path):
    generate_zoo(zoo_config('tiny'), tmp_path / 'formal' / 'zoo', device='cpu', progress=False)
    command = [sys.executable, SCRIPT, '--out', tmp_path, '--kind', 'formal', '--preset', 'tiny', '--encoders', 'flat', '--seeds', '0', '--workers', '1']
    run = lambda *extra: subprocess.run([*map(str, command), *extra], capture_output=True, text=True, env={**os.environ, 'OMP_NUM_THREADS': '1'})
    folder = run_folder(tmp_path, 'formal', 'flat', 0)                       # rwr_reproduce's own folder for the run
    stopped = run('--time_limit', '1e-6')
    assert stopped.returncode == 75, stopped.stderr[-2000:]
    assert 'run the same command again to continue' in stopped.stdout
    assert (folder / 'checkpoint.pt').exists() and not (folder / 'result.json').exists()
    finished = run()
    assert finished.returncode == 0, finished.stderr[-2000:]
    assert json.loads((folder / 'run.json').read_text())['identity']['train']['encoder'] == 'flat'
    assert (folder / 'result.json').exists()
