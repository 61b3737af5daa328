"""The prepared GPU script (`tools/gpu_session.sh`) read as the lease will run it, on the CPU: its stages fit the budget, and it finds
the chapters' `#| gpu` cells and not the prose that mentions them. The whole script is rehearsed with `DRY_RUN=1` (minutes, not run here)."""
import json, re, subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = (ROOT / 'tools' / 'gpu_session.sh').read_text()


def test_the_stage_caps_add_up_to_less_than_the_budget():
    caps = [int(cap) for cap in re.findall(r'^\s*stage \S+ (\d+) ', SCRIPT, re.M)]
    budget = int(re.search(r'budget="\$\{BUDGET:-(\d+)\}"', SCRIPT).group(1))
    timeout = int(re.search(r'timeout_s=(\d+)', SCRIPT).group(1))
    assert len(caps) == 5, caps
    assert sum(caps) + 40 <= budget <= timeout - 30, (sum(caps), budget, timeout)   # room for setup, the archive and the start


def test_the_notebook_pattern_finds_gpu_cells_not_prose():
    pattern = re.search(r"grep -l '(.+?)' nbs/\*\.ipynb", SCRIPT).group(1)
    found = subprocess.run(['grep', '-l', pattern, *sorted(map(str, (ROOT / 'nbs').glob('*.ipynb')))], capture_output=True, text=True).stdout.split()
    cells = lambda nb: json.loads(nb.read_text())['cells']
    expected = [str(nb) for nb in sorted((ROOT / 'nbs').glob('*.ipynb'))
                if any(c['cell_type'] == 'code' and c['source'] and c['source'][0].strip() == '#| gpu' for c in cells(nb))]
    assert found == expected and expected, (found, expected)
    mentions = [str(nb) for nb in sorted((ROOT / 'nbs').glob('*.ipynb')) if '#| gpu' in nb.read_text()]
    assert set(mentions) > set(found)                 # some chapters only mention the flag in prose: those are not run


def test_at_most_eight_files_come_back_and_the_archive_holds_no_checkpoint():
    files = set(re.findall(r'^\s*stage (\S+) ', SCRIPT, re.M)) | set(re.findall(r'"\$out/(artifacts\.tar\.gz)"', SCRIPT))
    assert 'artifacts.tar.gz' in files and len(files) <= 8, files      # the device tool returns at most eight
    assert "--exclude='*.pt'" in SCRIPT


def test_a_zoo_stage_cut_short_skips_what_needs_the_zoo_with_one_line_each(tmp_path):
    "Issue 38.1: no traceback when the zoo stage is cut by its cap: the sharing stage says why it did not run."
    block = SCRIPT[SCRIPT.index('if [ -f "$zoo/manifest.json" ]'):SCRIPT.index('# a code cell')]
    out = tmp_path / 'out'; out.mkdir()
    script = f'out={out}; zoo={tmp_path / "no-zoo"}; stage() {{ echo ran "$@"; }}\n' + block
    result = subprocess.run(['bash', '-c', script], capture_output=True, text=True)
    assert result.returncode == 0 and 'ran' not in result.stdout, result.stdout
    for name in ('sharing.txt',):
        assert (out / name).read_text().strip() == f"== {name} skipped: the zoo stage wrote no zoo (see zoo.txt)"
