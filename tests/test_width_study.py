"The width study (experiments/width_study.py): width zoos keep small's tasks; the predictor fitted on small's train tasks names another zoo's tasks from its codes."
import importlib.util, itertools
from pathlib import Path

import numpy as np
import pytest

from rnn_weight_repr.formal_zoo import three_hot
from rnn_weight_repr.zoo import zoo_config

spec = importlib.util.spec_from_file_location('width_study', Path(__file__).parents[1] / 'experiments' / 'width_study.py')
width = importlib.util.module_from_spec(spec); spec.loader.exec_module(width)


class TableZoo:
    "What the study reads of a zoo: tasks, steps, performance and split rows (each task's snapshots in one split)."
    def __init__(self, tasks: np.ndarray, split_of_task: dict, snapshots: int = 3):
        self.tasks = np.repeat(tasks, snapshots, axis=0)
        self.steps = np.tile(np.arange(1, snapshots + 1), len(tasks))
        self.performance = np.full(len(self.tasks), 0.9)
        self.split = np.array([split_of_task[tuple(t)] for t in self.tasks])
    def rows(self, split): return np.flatnonzero(self.split == split)


def zoos(seed: int = 0):
    tasks = np.array(list(itertools.product(range(-3, 3), repeat=3)))
    split = dict(zip(map(tuple, tasks), np.random.default_rng(seed).choice(['train', 'val', 'ood'], len(tasks), p=[0.7, 0.15, 0.15])))
    return TableZoo(tasks, split), TableZoo(tasks, split, snapshots=1)


def test_width_config_keeps_smalls_tasks_and_recipe():
    config, small = width.width_config(64, 3), zoo_config('small')
    assert (config.hidden_size, config.num_layers, config.num_runs) == (64, 3, len(small.tasks))
    assert config.tasks == small.tasks and config.snapshot_steps == small.snapshot_steps and config.lr_knots == small.lr_knots
    with pytest.raises(ValueError, match='positive hidden size'): width.width_config(0, 2)


def test_the_label_in_the_codes_names_unseen_tasks_and_noise_does_not():
    small, other = zoos()
    label = lambda zoo: three_hot(np.asarray(zoo.tasks)).astype(np.float64)          # a code that is the paper's label
    rows = other.rows('val')
    named = width.named_tasks(width.fitted_predictors(label(small), small), label(other), other, rows)
    assert named.shape == (3, len(rows)) and named.mean() > 0.9
    rng = np.random.default_rng(1)
    noise = lambda zoo: rng.standard_normal((len(zoo.tasks), 18))
    assert width.named_tasks(width.fitted_predictors(noise(small), small), noise(other), other, rows).mean() < 0.1
