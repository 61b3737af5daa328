"""Issue 37: the Results chapter's tables come back from the codes kept in the repository alone (no runs/, no zoo, no
emulator): a few rows of each recorded evaluation are recomputed by `recompute_results` and compared with the
recorded results.csv. Rows are few and single (one seed, a baseline) to keep the run short: 20 to 30 s a row on one
core, twice that for a row pooling two seeds. `rwr_recompute --codes FILE --out DIR` recomputes a whole table.

On the machine that wrote them the tables come back byte for byte. On another CPU they do not: a float rounded the
other way by another CPU's kernels flips a linear probe's prediction now and then, and sends the MLP predictor's few
thousand Adam steps to another of its equally likely fits. Measured: on 2026-12-04 (AMD EPYC, against files written on
2026-12-03) linear scores within 0.005, MLP scores up to 0.016 apart; on 2026-12-05 (an Intel Xeon, and CI's machine)
linear scores up to 0.0052 apart (one prediction in 192), MLP scores up to 0.048 (angles 1.0°), every one inside its recorded 95%
interval. So a linear score must come back within 0.01, an MLP score inside the interval the table recorded for it
(the spread between its fits is what that interval already holds), and numbers copied from the codes file (the clone
and RNN columns) to their printed six digits.

Every table costs 60 to 110 s (the unseen task's ten halvings of a 3-hot MLP are most of it), all of them half an hour
of one core: CI recomputes the tables in `IN_CI`, one for each way a table is made (a run's rows, a behavioural row under
a changed protocol, the MNIST kind, codes merged from two evaluations, a seed joined by add_seeds, supervised scores
kept as they were, the paper's recipe at length), in two test classes, which pytest-xdist's `--dist loadscope` gives to both workers. The others run with
`RWR_ALL_KEPT=1 pytest -n 2 tests/test_kept_results.py` (about 15 minutes on 2 cores): run it when a table is added
or the downstream code changes."""
import csv, os
from pathlib import Path

import numpy as np
import pytest

from rnn_weight_repr.codes import load_codes, save_codes
from rnn_weight_repr.recompute import recompute_results

RESULTS = Path(__file__).resolve().parents[1] / 'nbs' / 'results'
# (evaluation, rows recomputed[, changes to the recorded protocol]): a trained or behavioural row, and the constant guess
RECORDED = [('small-all-tasks', ['interactive [interactive-seed0]', 'chance']),
            ('small-all-tasks/unfiltered', ['sample statistics', 'chance'], {'min_performance': 0.0}),   # a table made with another protocol
            ('small-mnist-now', ['digit answers', 'chance']),
            ('small-paper-protocol', ['sample statistics', 'chance']),
            ('small-all-tasks/supervised', ['supervised parameter_transformer', 'chance']),
            ('small-all-tasks/three-seeds', ['neuron_graph [neuron_graph-seed2]', 'chance']),   # a seed joined by add_seeds
            ('objective-study/own-vs-foreign-1000', ['flat [flat-1000-seed0-objective=own] · own', 'chance']),   # merged by merge_codes
            ('objective-study/own-3000', ['nfn [nfn-3000-seed1-objective=own]', 'chance']),
            ('objective-study/own-vs-foreign-3000', ['layerwise_statistics [layerwise_statistics-3000-seed0-objective=foreign] · foreign', 'chance']),
            ('objective-study/own-10000', ['interactive [interactive-10000-seed0-lr=0.0001-lr_schedule=constant-objective=own]', 'chance']),   # the paper's learning rate
            ('objective-study/own-10000-lr', ['neuron_graph', 'chance']),
            ('objective-study/own-10000-rate', ['flat', 'chance']),   # every weight reader at the paper's rate
            ('objective-study/own-3000-rate/0.0001', ['interactive [interactive-3000-seed1-lr=0.0001-lr_schedule=constant-objective=own]', 'chance']),   # small's recipe
            ('objective-study/own-3000-rate/0.0003', ['neuron_graph', 'chance']),   # the rate not chosen
            ('pretrained', ['interactive', 'chance']),   # the package's pretrained probers, re-trained by tools/make_pretrained.sh
            ('pretrained/neuron_graph', ['neuron_graph', 'chance']),   # the package's pretrained formal weight reader
            ('small-paper-recipe', ['interactive [interactive-seed0]', 'chance']),   # small end to end with the paper's recipe
            ('small-paper-recipe/length', ['interactive [interactive-5000-seed1-lr=0.0001-lr_schedule=constant-objective=own]', 'chance']),   # small's length, 3k vs 5k
            ('small-paper-recipe/length-5000', ['interactive [interactive-5000-seed0 + interactive-5000-seed1]', 'chance']),   # every encoder at 5k, extended
            ('objective-study/interactive-3000', ['interactive [interactive-3000-seed0-objective=own]', 'chance']),
            ('small-mnist-own/probers', ['interactive [interactive-seed0]', 'chance']),   # MNIST at its chosen recipe, the paper's gap (codes format 2)
            ('small-mnist-own/probers/primary', ['noninteractive', 'task label']),   # the plan's pairs, recomputed with rwr_recompute --pairs
            ('small-mnist-own/readers', ['nfn [nfn-seed1]', 'chance']),   # the weight readers' two seeds, the second joined by add_seeds
            ('small-mnist-own/probers/supervised', ['supervised interactive', 'chance']),   # supervised rows added by experiments/supervised_rows.py
            ('mnist-480/probers', ['noninteractive [noninteractive-seed1]', 'chance']),   # 480 classifiers: 4,320 rows, about 1.5 minutes a row
            ('mnist-480/probers/primary', ['interactive', 'chance']),
            ('mnist-480/probers/supervised', ['interactive', 'chance']),   # its supervised scores are in its tables; its codes are the probers'
            ('mnist-480/foreign', ['interactive [interactive-5k-foreign-seed0 + interactive-5k-foreign-seed1]', 'chance']),   # codes cut to the interactive rows
            ('mnist-480/readers', ['nfn', 'chance']),   # every encoder on 480 classifiers, codes cut by cut_codes
            ('mnist-480/readers/against-guess', ['flat', 'chance']),
            ('mnist-480/readers/supervised', ['flat', 'chance']),   # the weight readers' supervised twins; its codes are the readers'
            ('mnist-480/readers/supervised-pt', ['parameter_transformer', 'chance']),   # the parameter transformer's twin, trained later; its codes are the readers'
            ('mnist-oracle/downstream-step5', ['interactive [interactive-5k-probes50-seed0 + interactive-5k-probes50-seed1]', 'chance']),   # 50 probe steps against 12
            ('mnist-480/downstream-step5', ['interactive [interactive-5k-probes50-seed0 + interactive-5k-probes50-seed1]', 'chance']),   # the same on 480 classifiers, cut
            ('mnist-fresh-digits', ['interactive · fresh', 'chance'])]   # fresh digits against fixed: merged by merge_codes, the fixed arm's codes the probers'
IN_CI = {'small-all-tasks/supervised', 'small-all-tasks/unfiltered', 'small-mnist-now', 'small-all-tasks/three-seeds',
         'objective-study/own-vs-foreign-1000', 'objective-study/own-10000'}
ALL_KEPT = bool(os.environ.get('RWR_ALL_KEPT'))
STRONG = 'objective-study/own-10000'   # the paper's recipe at 10,000 steps: 0.64 of unseen tasks named
STRONG_ROW = next(r[1][0] for r in RECORDED if r[0] == STRONG)
LINEAR_TOLERANCE = 0.01   # two flipped predictions among ~200 held-out snapshots (above)


def agrees(recomputed: float, recorded: dict, key: str) -> bool:
    "A recomputed score against its recorded row: linear within LINEAR_TOLERANCE (relative beyond 1: degrees), MLP inside the recorded 95% interval."
    b = float(recorded[key])
    if key.endswith('/linear'): return abs(recomputed - b) <= LINEAR_TOLERANCE * max(1, abs(b))
    lo, hi = float(recorded[f'{key}_ci95_lo']), float(recorded[f'{key}_ci95_hi'])
    slack = LINEAR_TOLERANCE * max(1, abs(b))           # a constant row's interval has no width
    return lo - slack <= recomputed <= hi + slack


def test_agrees_holds_linear_scores_close_and_mlp_scores_inside_their_interval():
    row = {'a/val/linear': '0.500', 'a/val/mlp': '0.500', 'a/val/mlp_ci95_lo': '0.45', 'a/val/mlp_ci95_hi': '0.60'}
    assert agrees(0.509, row, 'a/val/linear') and not agrees(0.512, row, 'a/val/linear')
    assert agrees(0.455, row, 'a/val/mlp') and agrees(0.605, row, 'a/val/mlp')
    assert not agrees(0.43, row, 'a/val/mlp') and not agrees(0.62, row, 'a/val/mlp')


def read_table(path: Path) -> dict[str, dict]:
    with open(path) as f: return {row['model']: row for row in csv.DictReader(f)}


def codes_of(folder: Path) -> Path:
    "The codes a recorded table was computed from: its own, or those of the evaluation it was recomputed from (a folder holding a table alone)."
    return folder / 'codes.npz' if (folder / 'codes.npz').exists() else folder.parent / 'codes.npz'


def in_ci(evaluation: str):
    return pytest.param(evaluation, marks=() if evaluation in IN_CI or ALL_KEPT else
                        pytest.mark.skip(reason='one of the tables CI leaves out: RWR_ALL_KEPT=1 recomputes every table'))


def test_ci_recomputes_a_table_of_each_kind():
    "IN_CI names recorded tables only, and among them a supervised row, a changed protocol, the MNIST kind and a merged table."
    assert IN_CI <= {r[0] for r in RECORDED}
    assert STRONG in IN_CI and any(len(r) == 3 for r in RECORDED if r[0] in IN_CI)
    assert {'small-mnist-now', 'small-all-tasks/supervised', 'objective-study/own-vs-foreign-1000'} <= IN_CI


def tables(half: int) -> list:
    "Every other recorded table (CI's first, so each half gets half of them), as parameters."
    order = sorted(RECORDED, key=lambda r: r[0] not in IN_CI)
    return [in_ci(r[0]) for r in order[half::2]]


class TestFirstHalf:
    "The tables of one half (a class: a unit of work of its own under pytest-xdist's --dist loadscope)."
    @pytest.mark.parametrize('evaluation', tables(0))
    def test_recorded_rows_come_back_from_the_kept_codes(self, evaluation, tmp_path): recorded_rows_come_back(evaluation, tmp_path)


class TestSecondHalf:
    @pytest.mark.parametrize('evaluation', tables(1))
    def test_recorded_rows_come_back_from_the_kept_codes(self, evaluation, tmp_path): recorded_rows_come_back(evaluation, tmp_path)


def test_the_halves_hold_every_table_once():
    assert sorted(p.values[0] for p in tables(0) + tables(1)) == sorted(r[0] for r in RECORDED)


def recorded_rows_come_back(evaluation: str, tmp_path: Path):
    "The recorded rows of `evaluation`, recomputed from its kept codes alone, agree with its results.csv."
    rows, changes = next((*r[1:], {})[:2] for r in RECORDED if r[0] == evaluation)
    folder = RESULTS / evaluation
    recorded = read_table(folder / 'results.csv')
    assert set(rows) <= set(recorded), f"{evaluation}: the rows {rows} are not all in its results.csv"
    recompute_results(codes_of(folder), tmp_path, only=rows, **changes)
    recomputed = read_table(tmp_path / 'results.csv')
    assert list(recomputed) == rows
    means = [k for k in recorded[rows[0]] if k not in ('model', 'type', 'step') and not k.endswith(('_std', '_ci95_lo', '_ci95_hi'))]
    compared = 0
    for row in rows:
        assert recomputed[row]['type'] == recorded[row]['type']
        for key in means:
            if recorded[row][key] == '':
                assert recomputed[row][key] == '', f"{evaluation} {row} {key}"
                continue
            a, b = float(recomputed[row][key]), float(recorded[row][key])
            if key.split('/')[0] in ('clone', 'rnn', 'clone_gap'):                # copied from the codes file, printed to 6 digits
                assert a == pytest.approx(b, rel=1e-5, abs=1e-9), f"{evaluation} {row} {key}: recomputed {a}, recorded {b}"
                continue
            assert agrees(a, recorded[row], key), (f"{evaluation} {row} {key}: recomputed {a}, recorded {b} "
                                                   f"[{recorded[row].get(key + '_ci95_lo')}, {recorded[row].get(key + '_ci95_hi')}]")
            compared += 1
    assert compared >= 10 * len(rows), f"{evaluation}: only {compared} scores compared"


def test_a_changed_code_changes_the_recomputed_row(tmp_path):
    "The check above can fail: one run's codes replaced by noise give another row."
    kept = load_codes(RESULTS / STRONG / 'codes.npz')
    members = kept.writable_members()
    members[STRONG_ROW]['codes'] = np.random.default_rng(0).standard_normal(members[STRONG_ROW]['codes'].shape)
    save_codes(tmp_path / 'noise.npz', kept.zoo, kept.models, members, kept.protocol, kept.pairs)
    recompute_results(tmp_path / 'noise.npz', tmp_path / 'out', only=[STRONG_ROW])
    recorded, recomputed = read_table(RESULTS / STRONG / 'results.csv')[STRONG_ROW], read_table(tmp_path / 'out' / 'results.csv')[STRONG_ROW]
    for key in ('unseen_task/val/mlp', 'exact_task/val/mlp', 'exact_task/val/linear'):     # 0.64, 0.93, 0.93 recorded
        assert not agrees(float(recomputed[key]), recorded, key), (key, recomputed[key], recorded[key])


def test_every_recorded_table_has_its_codes():
    "Issue 37: no results.csv under nbs/results that could not be recomputed (its codes beside it, or it a table recomputed from its parent's)."
    tables = sorted(RESULTS.rglob('results.csv'))
    assert len(tables) >= len(RECORDED)
    missing = [str(t.parent.relative_to(RESULTS)) for t in tables if not codes_of(t.parent).exists()]
    assert not missing, f"tables without kept codes: {missing}"
    assert {r[0] for r in RECORDED} == {str(t.parent.relative_to(RESULTS)) for t in tables}, "each table has a row recomputed above"
