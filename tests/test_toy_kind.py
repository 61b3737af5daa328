"""A third kind of zoo that lives only in this file (issue 34): registered from outside the package, it goes through
generation, loading, splits, emulation and the downstream properties with no library file naming it."""
from pathlib import Path

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from rnn_weight_repr.downstream import Protocol, embed_zoo, evaluate_codes, properties
from rnn_weight_repr.emulator import train_config
from rnn_weight_repr.run import load_run
from rnn_weight_repr.emulation import train_emulation
from rnn_weight_repr.kinds import ZOO_KINDS, register_kind
from rnn_weight_repr.lstm import LSTMSpec
from rnn_weight_repr.generate import generate_zoo
from rnn_weight_repr.zoo import Zoo, ZooConfig, export_released, zoo_config
from rnn_weight_repr.zoo_kind import ZooKind, run_generator

VOCAB, LENGTH = 4, 8          # token ids 0..3, stored sequences of 8 tokens
NUM_TASKS = 4                 # task t: say (input + t) mod 4


def _shift_targets(x, tasks):
    "What a run of task t should answer at each position: the input token shifted by t."
    return (x[..., :-1] + tasks.view(-1, *[1] * (x.ndim - 1))) % VOCAB


def train_shift_chunk(config, chunk, device='cpu', on_steps=None):
    "Train a chunk of LSTMs to shift tokens by their task; one row per run and snapshot, run-major."
    runs, spec = config.chunk_runs(chunk), config.spec
    tasks = config.task_of(runs)[:, 0]
    theta = torch.cat([spec.init_params(1, generator=run_generator(config.seed, r, 'init')) for r in runs]).requires_grad_()
    optimizer = torch.optim.Adam([theta], lr=0.03)
    data = run_generator(config.seed, chunk, 'data')
    snapshots = []
    for step in range(config.total_steps + 1):
        if step in config.snapshot_steps:
            x = torch.stack([torch.randint(VOCAB, (config.stored_sequences, LENGTH), generator=run_generator(config.seed, r, f'stored-{step}'))
                             for r in runs])
            with torch.no_grad(): log_probs = spec.forward(theta, F.one_hot(x[..., :-1], VOCAB).float())[0].log_softmax(-1)
            right = (log_probs.argmax(-1) == _shift_targets(x, tasks)).double().mean((1, 2))
            snapshots.append(dict(parameters=theta.detach().clone(), sequences=x.to(torch.int16), logits=log_probs, performance=right))
        if step == config.total_steps: break
        x = torch.randint(VOCAB, (len(runs), config.batch_size, LENGTH), generator=data)
        out = spec.forward(theta, F.one_hot(x[..., :-1], VOCAB).float())[0]
        loss = F.cross_entropy(out.flatten(0, 2), _shift_targets(x, tasks).flatten(), reduction='sum') / (config.batch_size * (LENGTH - 1))
        optimizer.zero_grad(); loss.backward(); optimizer.step()
        if on_steps: on_steps(len(runs))
    run_major = lambda key: torch.stack([s[key] for s in snapshots], 1).flatten(0, 1).numpy()
    S = len(snapshots)
    return dict(parameters=run_major('parameters'), sequences=run_major('sequences'), logits=run_major('logits'),
                tasks=np.repeat(config.task_of(runs).numpy(), S, 0), run=np.repeat(np.array(runs), S),
                step=np.tile(np.array(config.snapshot_steps), len(runs)), performance=run_major('performance'))


def _split_by_task(tasks, **_):
    "The last task out of distribution, the one before it for validation, the rest for training."
    tasks = np.unique(np.asarray(tasks), axis=0)
    return {'train': tasks[:-2], 'val': tasks[-2:-1], 'ood': tasks[-1:]}


SHIFT_KIND = ZooKind(
    'shift', spec=lambda config: LSTMSpec(VOCAB, config.hidden_size, config.num_layers, VOCAB), normalise=lambda config: {},
    task_of=lambda config, runs: torch.tensor([[r % NUM_TASKS] for r in runs], dtype=torch.long),
    weight_decay_of=lambda config, runs: torch.zeros(len(runs), dtype=torch.float64), train_chunk=train_shift_chunk,
    presets={'tiny': dict(num_runs=8, snapshot_steps=(0, 20, 40), hidden_size=8, num_layers=1, batch_size=16,
                          stored_sequences=6, performance_samples=6, chunk_size=4)},
    facts=('run', 'step', 'performance'), splits=_split_by_task,
    properties=(('performance', 'regression', 'R²'), ('step', 'classification', 'accuracy'), ('exact_task', 'exact_task', 'accuracy', 'runs')),
    title='Shifted tokens')


@pytest.fixture(scope='module')
def shift_zoo(tmp_path_factory):
    register_kind(SHIFT_KIND)
    yield generate_zoo(zoo_config('tiny', 'shift'), tmp_path_factory.mktemp('shift') / 'zoo', device='cpu', progress=False)
    del ZOO_KINDS['shift']


def test_no_library_file_names_the_kind():
    package = Path(__file__).parents[1] / 'rnn_weight_repr'
    assert not [p.name for p in package.glob('*.py') if "'shift'" in p.read_text()]


def test_generated_loaded_and_split(shift_zoo):
    zoo = Zoo.load(shift_zoo.path)
    assert (zoo.kind, zoo.kind_rules, zoo.spec) == ('shift', SHIFT_KIND, LSTMSpec(4, 8, 1, 4))
    assert len(zoo) == 8 * 3 and zoo.verify().ok
    assert [len(np.unique(np.asarray(zoo.tasks)[zoo.rows(s)])) for s in ('train', 'val', 'ood')] == [2, 1, 1]
    assert zoo.inputs([0]).shape == (1, 6, LENGTH - 1, VOCAB)                  # token inputs, one-hot when read
    last = zoo.steps == 40
    assert zoo.performance[last].mean() > zoo.performance[zoo.steps == 0].mean() + 0.2   # the runs learnt their shift
    with pytest.raises(ValueError, match="the 'shift' kind has no released format"): export_released(zoo, shift_zoo.path.parent / 'released')


def test_a_kind_not_registered_is_named(shift_zoo, monkeypatch):
    monkeypatch.delitem(ZOO_KINDS, 'shift')
    with pytest.raises(ValueError, match="expected one of \\['formal', 'mnist'\\], got 'shift'"): Zoo.load(shift_zoo.path)
    with pytest.raises(ValueError, match="got 'shift'"): ZooConfig(kind='shift')


def test_emulation_and_downstream(shift_zoo, tmp_path):
    zoo = shift_zoo
    run = train_emulation(zoo, train_config('tiny', encoder='interactive', objective='own', steps=20), tmp_path / 'run',
                          device='cpu', progress=False)
    model = load_run(run)
    codes = embed_zoo(model.encoder, zoo)
    assert codes.shape == (len(zoo), model.config.code_size) and np.isfinite(codes).all()
    assert [p.name for p in properties(zoo)] == ['performance', 'step', 'exact_task']
    scores = evaluate_codes(codes, zoo, Protocol(seeds=1, partitions=2, min_performance=0), predictors=('linear',))
    assert {key.split('/')[0] for key in scores} == {'performance', 'step', 'exact_task'}
    exact = scores['exact_task/val/linear']
    val = zoo.rows('val')
    assert sorted(exact['rows']) == sorted(val[zoo.steps[val] >= 1])          # the held-out task's runs past step 0 (min_step 1)


def test_evaluated_like_any_zoo(shift_zoo, tmp_path):
    "rwr_eval on a run of the toy kind: its properties, the task label, the untrained encoder and the clones (which answer their stored inputs)."
    from rnn_weight_repr.report import eval_script
    zoo = shift_zoo
    run = train_emulation(zoo, train_config('tiny', encoder='layerwise_statistics', steps=10), tmp_path / 'run', device='cpu', progress=False)
    status = eval_script(['--zoo', str(zoo.path), '--runs', str(run), '--out', str(tmp_path / 'eval'), '--seeds', '1', '--partitions', '2',
                          '--inits', '1', '--resamples', '50', '--min_performance', '0', '--device', 'cpu', '--quiet'])
    assert status == 0
    with open(tmp_path / 'eval' / 'results.csv') as f: rows = {r['model']: r for r in __import__('csv').DictReader(f)}
    assert [rows[m]['type'] for m in rows] == ['trained', 'random', 'task label', 'chance']   # no behavioural baseline for this kind
    assert float(rows['task label']['exact_task/val/mlp']) == 1.0                            # the label names every held-out run's task
    assert 0 <= float(rows['layerwise_statistics']['clone/val']) <= 1                           # agreement with the RNN on its stored inputs
    report = (tmp_path / 'eval' / 'results.md').read_text()
    assert 'Exact task' in report and 'Unseen task' not in report and 'none for this kind of zoo' in report
