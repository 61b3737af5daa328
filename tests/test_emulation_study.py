"The study script behind the Results chapter (experiments/emulation_study.py): how it names runs and pairs objectives."
import importlib.util
from pathlib import Path

import pytest

spec = importlib.util.spec_from_file_location('emulation_study', Path(__file__).parents[1] / 'experiments' / 'emulation_study.py')
study = importlib.util.module_from_spec(spec); spec.loader.exec_module(study)


def test_parse_job_names_the_run_by_its_recipe():
    name, config = study.parse_job('interactive:3000:1/objective=own')
    assert name == 'interactive-3000-seed1-objective=own'
    assert (config.encoder, config.steps, config.seed, config.objective) == ('interactive', 3000, 1, 'own')
    name, config = study.parse_job('nfn:1000:0')
    assert name == 'nfn-1000-seed0' and config.objective == study.PRESET_OBJECTIVE


def trained(*runs): return {'type': 'trained', 'runs': [f'x [{r}]' for r in runs]}


def test_objective_pairs_reads_untagged_runs_as_the_presets_objective():
    other = 'own' if study.PRESET_OBJECTIVE != 'own' else 'foreign'
    results = {'a': trained('interactive-3000-seed0', 'interactive-3000-seed1'),                       # the preset's objective
               'b': trained(f'interactive-3000-seed0-objective={other}', f'interactive-3000-seed1-objective={other}'),
               'c': trained('nfn-3000-seed0-objective=own'),                                           # no partner
               'd': trained('nfn-1000-seed0', 'nfn-3000-seed0')}                                       # mixed lengths: no recipe
    pairs = study.objective_pairs(results)
    assert pairs == ([('a', 'b')] if study.PRESET_OBJECTIVE != 'own' else [('b', 'a')])


@pytest.mark.parametrize('name, on', [('interactive-3000-seed0', True), ('interactive-3000-seed0-objective=own', True),
                                      ('interactive-3000-seed0-lr=0.0001', False)])
def test_recipe_variants_stay_off_the_scale(name, on):
    assert study._on_the_scale(name) is on
