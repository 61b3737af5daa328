"The supervised baseline's budget study (experiments/supervised_budget.py): candidates scored on validation only, the choice."
import importlib.util
from pathlib import Path

import pytest

from rnn_weight_repr.downstream import evaluated_rows, property_named
from rnn_weight_repr.generate import generate_zoo
from rnn_weight_repr.zoo import zoo_config

spec = importlib.util.spec_from_file_location('supervised_budget', Path(__file__).parents[1] / 'experiments' / 'supervised_budget.py')
budget = importlib.util.module_from_spec(spec); spec.loader.exec_module(budget)


def test_parse_budgets():
    assert budget.parse_budgets('300:0.001,1000:3e-4') == [(300, 0.001), (1000, 0.0003)]
    for bad in ('300', '300:0', 'x:0.1', ''):
        with pytest.raises(ValueError, match='budgets: expected'): budget.parse_budgets(bad)


def row(encoder, steps, lr, per_offset):
    return dict(encoder=encoder, steps=steps, lr=lr, label='unseen_task', unseen_task=0.0, unseen_task_per_offset=per_offset)


def test_choose_averages_over_encoders_and_ignores_incomplete_candidates():
    rows = [row('a', 300, 1e-3, 0.30), row('b', 300, 1e-3, 0.20),     # mean 0.25
            row('a', 1000, 1e-3, 0.50), row('b', 1000, 1e-3, 0.10),   # mean 0.30: chosen
            row('a', 3000, 1e-3, 0.90)]                               # only one encoder: not a candidate
    chosen = budget.choose(rows)
    assert (chosen['steps'], chosen['lr'], chosen['score']) == (1000, 1e-3, 'unseen_task_per_offset')
    assert chosen['mean'] == pytest.approx(0.30) and set(chosen['candidates']) == {'300:0.001', '1000:0.001'}
    angle = [dict(encoder='a', steps=s, lr=1e-3, label='unseen_angle', unseen_angle=e) for s, e in ((300, 40.0), (1000, 60.0))]
    assert budget.choose(angle)['steps'] == 300                        # an error: lower is better


def test_validation_score_trains_on_train_tasks_and_scores_validation(tmp_path):
    zoo = generate_zoo(zoo_config('tiny'), tmp_path / 'zoo', device='cpu', progress=False)
    scored = budget.validation_score(zoo, 'flat', 5, 1e-3, tmp_path / 'runs', preset='tiny', min_performance=0.0)  # tiny learns little
    prop = property_named(zoo, 'unseen_task')
    assert scored['rows'] == len(evaluated_rows(zoo, prop, 'val', min_performance=0.0)) > 0 and 0 <= scored['unseen_task'] <= scored['unseen_task_per_offset'] <= 1
    kept = sorted((tmp_path / 'runs').iterdir())
    assert [p.name for p in kept] == ['flat-5-lr0.001-seed0'] and (kept[0] / 'checkpoint.pt').exists()
    again = budget.validation_score(zoo, 'flat', 5, 1e-3, tmp_path / 'runs', preset='tiny', min_performance=0.0)       # read back, not retrained
    assert again['unseen_task_per_offset'] == scored['unseen_task_per_offset']
