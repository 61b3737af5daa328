"""The zoo as a user drives it: the console script, killed and resumed, sharded over processes, and bad input."""
import json, os, shutil, signal, subprocess, sys, time
from pathlib import Path

import numpy as np
import pytest

from conftest import assert_same_zoo
from rnn_weight_repr.zoo import Zoo, generator_pid, zoo_config

BIN = Path(sys.executable).parent
ENV = {**os.environ, 'PYTHONUNBUFFERED': '1', 'OMP_NUM_THREADS': '1'}


def rwr_zoo(*args, **kwargs):
    return subprocess.run([BIN / 'rwr_zoo', 'formal', '--preset', 'tiny', '--device', 'cpu', '--quiet', *map(str, args)],
                          env=ENV, capture_output=True, text=True, **kwargs)


@pytest.fixture(scope='module')
def reference(tmp_path_factory):
    "The tiny zoo generated in one go, uninterrupted."
    out = tmp_path_factory.mktemp('reference') / 'zoo'
    result = rwr_zoo('--out', out)
    assert result.returncode == 0, result.stderr
    return Zoo.load(out)


def test_console_script_prints_a_summary(reference):
    result = rwr_zoo('--out', reference.path)  # already complete: returns it
    assert result.returncode == 0
    assert '120 snapshots of 24 runs' in result.stdout
    assert 'mean performance' in result.stdout


def test_kill_9_then_resume_gives_the_same_zoo(tmp_path, reference):
    out = tmp_path / 'zoo'
    proc = subprocess.Popen([BIN / 'rwr_zoo', 'formal', '--preset', 'tiny', '--device', 'cpu', '--quiet',
                             '--out', out], env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 120
    while time.time() < deadline and len(list((out / 'chunks').glob('0000[0-9]'))) < 1:
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL); proc.wait()
    finished = sorted(p.name for p in (out / 'chunks').iterdir() if '.tmp-' not in p.name)
    assert 1 <= len(finished) < 3, f"expected the kill to land mid-generation, chunks done: {finished}"
    assert not (out / 'manifest.json').exists()
    assert (out / 'generating.lock').exists(), "expected the killed generator's lock file to stay behind"
    with pytest.raises(ValueError, match='unfinished generation, and no generator is running: run the same command again'):
        Zoo.load(out)                                   # the stale lock is recognised as stale

    result = rwr_zoo('--out', out)
    assert result.returncode == 0, result.stderr
    assert_same_zoo(Zoo.load(out), reference)
    assert not (out / 'chunks').exists() and not (out / 'generating.lock').exists()


def test_a_time_limit_stops_between_chunks_and_the_commands_add_up_to_the_same_zoo(tmp_path, reference):
    out = tmp_path / 'zoo'
    # a limit shorter than any chunk: each worker trains the one chunk it is owed, the chunks after it do not begin
    result = rwr_zoo('--out', out, '--workers', 2, '--time_limit', 1e-6)
    assert result.returncode == 75, result.stderr[-3000:]
    assert result.stderr.strip().splitlines() == [
        f"rwr_zoo: {out}: stopped at the time limit with 2 of 3 chunks written; run the same command again to continue"]
    assert not (out / 'generating.lock').exists(), "a stopped generator leaves no lock behind"
    result = rwr_zoo('--out', out, '--time_limit', 1e-6)   # the last chunk: the command's first, so it runs, and the zoo is assembled
    assert result.returncode == 0, result.stderr[-3000:]
    assert_same_zoo(Zoo.load(out), reference)


def test_two_local_workers_give_the_same_zoo(tmp_path, reference):
    result = rwr_zoo('--out', tmp_path / 'zoo', '--workers', 2)
    assert result.returncode == 0, result.stderr
    assert_same_zoo(Zoo.load(tmp_path / 'zoo'), reference)


def test_torchrun_two_ranks_gloo_give_the_same_zoo(tmp_path, reference):
    out = tmp_path / 'zoo'
    result = subprocess.run([BIN / 'torchrun', '--nproc_per_node', '2', '--master_port', '29517', '--no-python',
                             BIN / 'rwr_zoo', 'formal', '--preset', 'tiny', '--device', 'cpu', '--quiet', '--out', out],
                            env=ENV, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.count('120 snapshots of 24 runs') == 1  # only rank 0 reports
    assert_same_zoo(Zoo.load(out), reference)


def test_a_different_zoo_in_the_folder_is_refused_and_kept(reference, tmp_path):
    out = tmp_path / 'zoo'
    shutil.copytree(reference.path, out)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    result = rwr_zoo('--out', out, '--runs', 8)
    assert result.returncode != 0
    assert 'differs in num_runs' in result.stderr and 'Traceback' not in result.stderr
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_an_unfinished_generation_with_other_settings_is_refused(tmp_path):
    out = tmp_path / 'zoo'
    out.mkdir()
    (out / 'generation.json').write_text(json.dumps(zoo_config('tiny', seed=5).to_json()))
    (out / 'chunks').mkdir()
    result = rwr_zoo('--out', out)
    assert result.returncode != 0 and 'differs in seed' in result.stderr


def test_a_folder_of_other_files_is_refused(tmp_path):
    (tmp_path / 'thesis.tex').write_text('precious')
    result = rwr_zoo('--out', tmp_path)
    assert result.returncode != 0 and 'not a zoo being generated' in result.stderr
    assert (tmp_path / 'thesis.tex').read_text() == 'precious'


def start_small(out, *args):
    "A generator that runs for minutes (the small preset), in the background."
    return subprocess.Popen([BIN / 'rwr_zoo', 'formal', '--preset', 'small', '--device', 'cpu', '--quiet', '--out', out, *map(str, args)],
                            env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def wait_for(condition, seconds=300, what=''):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if condition(): return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def test_a_second_generator_is_refused_while_the_first_lives(tmp_path):
    out = tmp_path / 'zoo'
    first = start_small(out)
    try:
        wait_for(lambda: generator_pid(out) == first.pid, what='the first generator to take the lock')
        with pytest.raises(ValueError, match=f'a generator, pid {first.pid}, is working on it now'): Zoo.load(out)
        second = subprocess.run([BIN / 'rwr_zoo', 'formal', '--preset', 'small', '--device', 'cpu', '--quiet', '--out', out],
                                env=ENV, capture_output=True, text=True, timeout=300)
        assert second.returncode == 2 and 'Traceback' not in second.stderr, second.stderr[-2000:]
        assert second.stderr.strip().splitlines() == [
            f"rwr_zoo: error: {out}: another generator (pid {first.pid}) is generating this zoo now; "
            "wait for it to finish, or stop it and run the command again"]
        assert first.poll() is None, "the refused second generator must leave the first running"
    finally:
        first.kill(); first.wait()
    assert generator_pid(out) is None                    # dead: its lock is stale and blocks nothing


def children_of(pid: int) -> list[int]:
    found = []
    for entry in Path('/proc').iterdir():
        if entry.name.isdigit():
            try: fields = (entry / 'stat').read_text().rsplit(')', 1)[1].split()
            except OSError: continue
            if int(fields[1]) == pid: found.append(int(entry.name))
    return found


def alive(pid: int) -> bool:
    try: return (Path('/proc') / str(pid) / 'stat').read_text().rsplit(')', 1)[1].split()[0] != 'Z'
    except OSError: return False


@pytest.mark.skipif(not Path('/proc/self/stat').exists(), reason='reads processes from /proc')
def test_killing_the_generator_kills_its_workers(tmp_path):
    proc = start_small(tmp_path / 'zoo', '--workers', 2)
    try:
        wait_for(lambda: len(children_of(proc.pid)) >= 2, what='two workers')
        time.sleep(5)                                    # the workers are training their chunks now
        workers = children_of(proc.pid)
    finally:
        proc.kill(); proc.wait()
    wait_for(lambda: not any(alive(p) for p in workers), seconds=30, what=f'the workers {workers} to die with their parent')


def test_random_strings_are_part_of_the_zoo(tmp_path, reference):
    "--random_strings changes the training data, and so the zoo; it is recorded in the zoo's identity; a bad value is refused."
    out = tmp_path / 'noisy'
    result = rwr_zoo('--out', out, '--random_strings', 0.5)
    assert result.returncode == 0, result.stderr
    noisy = Zoo.load(out)
    assert noisy.manifest['generation']['random_string_probability'] == 0.5
    np.testing.assert_array_equal(np.asarray(noisy.params[0]), np.asarray(reference.params[0]))   # the same initial weights …
    assert np.abs(np.asarray(noisy.params[4]) - np.asarray(reference.params[4])).max() > 1e-3    # … trained on other strings
    refused = rwr_zoo('--out', out, '--random_strings', 0.1)
    assert refused.returncode != 0 and 'differs in random_string_probability' in refused.stderr
    bad = rwr_zoo('--out', tmp_path / 'bad', '--random_strings', 1.5)
    assert bad.returncode != 0 and 'expected a probability in [0, 1], got 1.5' in bad.stderr


def test_fresh_stored_digits_keep_the_weights_and_are_part_of_the_zoo(tmp_path):
    "--stored_inputs train-fresh: the same classifiers row for row, other stored inputs at every snapshot; recorded in the identity; refused where it has no meaning."
    mnist = lambda *args: subprocess.run([BIN / 'rwr_zoo', 'mnist', '--preset', 'tiny', '--device', 'cpu', '--quiet', '--no_download',
                                          *map(str, args)], env=ENV, capture_output=True, text=True)
    for name, extra in (('fixed', ()), ('fresh', ('--stored_inputs', 'train-fresh'))):
        result = mnist('--out', tmp_path / name, *extra)
        assert result.returncode == 0, result.stderr
    fixed, fresh = Zoo.load(tmp_path / 'fixed'), Zoo.load(tmp_path / 'fresh')
    assert fresh.manifest['generation']['stored_inputs'] == 'train-fresh' and fixed.manifest['generation']['stored_inputs'] == 'eval'
    np.testing.assert_array_equal(np.asarray(fresh.params), np.asarray(fixed.params))
    np.testing.assert_array_equal(fresh.performance, fixed.performance)
    seqs = np.asarray(fresh.sequences)
    assert not np.array_equal(seqs[0], seqs[1]) and np.array_equal(np.asarray(fixed.sequences)[0], np.asarray(fixed.sequences)[1])
    assert fresh.verify().ok                                     # stored answers are the stored weights' on the stored digits
    refused = mnist('--out', tmp_path / 'fresh')                  # resuming it as the other zoo
    assert refused.returncode != 0 and 'differs in stored_inputs' in refused.stderr
    bad = mnist('--out', tmp_path / 'bad', '--stored_inputs', 'train')
    assert bad.returncode != 0 and "stored_inputs: expected one of ('eval', 'train-fresh'), got 'train'" in bad.stderr
    formal = rwr_zoo('--out', tmp_path / 'formal', '--stored_inputs', 'train-fresh')
    assert formal.returncode != 0 and "'train-fresh' is an mnist setting" in formal.stderr


def test_restoring_the_other_stored_inputs_gives_the_generated_zoo(tmp_path):
    "--restore_from: a zoo made from another's weights with the other stored inputs is, file for file, the zoo generating it gives; bad sources are refused before anything is written."
    mnist = lambda *args: subprocess.run([BIN / 'rwr_zoo', 'mnist', '--device', 'cpu', '--quiet', '--no_download', *map(str, args)],
                                         env=ENV, capture_output=True, text=True)
    for name, extra in (('fixed', ()), ('fresh', ('--stored_inputs', 'train-fresh'))):
        result = mnist('--preset', 'tiny', '--runs', 4, '--out', tmp_path / name, *extra)
        assert result.returncode == 0, result.stderr
    fixed, fresh = Zoo.load(tmp_path / 'fixed'), Zoo.load(tmp_path / 'fresh')
    for source, stored, twin in ((fixed, 'train-fresh', fresh), (fresh, 'eval', fixed)):
        result = mnist('--restore_from', source.path, '--stored_inputs', stored, '--out', tmp_path / f'restored-{stored}')
        assert result.returncode == 0, result.stderr
        restored = Zoo.load(tmp_path / f'restored-{stored}')
        assert restored.fingerprint() == twin.fingerprint() != source.fingerprint()
        assert restored.manifest['restored_from']['zoo'] == source.fingerprint()
    again = mnist('--restore_from', fixed.path, '--stored_inputs', 'train-fresh', '--out', tmp_path / 'restored-train-fresh')
    assert again.returncode != 0 and 'exists and is not an empty folder' in again.stderr
    assert Zoo.load(tmp_path / 'restored-train-fresh').fingerprint() == fresh.fingerprint()   # the refusal touched nothing
    same = mnist('--restore_from', fixed.path, '--stored_inputs', 'eval', '--out', tmp_path / 'same')
    assert same.returncode != 0 and "stores 'eval' already" in same.stderr and not (tmp_path / 'same').exists()
    unset = mnist('--restore_from', fixed.path, '--out', tmp_path / 'unset')
    assert unset.returncode != 0 and '--stored_inputs: expected the setting to restore' in unset.stderr
    formal_zoo = rwr_zoo('--out', tmp_path / 'formal')
    assert formal_zoo.returncode == 0, formal_zoo.stderr
    formal = mnist('--restore_from', tmp_path / 'formal', '--stored_inputs', 'train-fresh', '--out', tmp_path / 'from-formal')
    assert formal.returncode != 0 and "is a zoo of kind 'formal', expected 'mnist'" in formal.stderr
    missing = mnist('--restore_from', tmp_path / 'nowhere', '--stored_inputs', 'eval', '--out', tmp_path / 'from-nowhere')
    assert missing.returncode != 0 and 'not a folder' in missing.stderr
