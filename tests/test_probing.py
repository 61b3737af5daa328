"""The probing encoders: interface, bad input, invariance, gradients through the probed RNN, presets (tiny sizes)."""
import pytest
import torch

from rnn_weight_repr.lstm import LSTMSpec
from rnn_weight_repr.probing import InteractiveProber, NonInteractiveProber, SIZE_PRESETS, read_answers

FORMAL = LSTMSpec(6, 32, 2, 6)
MNIST = LSTMSpec(16, 32, 2, 10)
PROBERS = {'noninteractive': NonInteractiveProber, 'interactive': InteractiveProber}


def make(name, spec=FORMAL, preset='tiny', **kwargs):
    return PROBERS[name](spec, **{**SIZE_PRESETS[name][preset], **kwargs})


def weights(spec=FORMAL, num=4, seed=0):
    return spec.init_params(num, generator=torch.Generator().manual_seed(seed))


@pytest.mark.parametrize('name', PROBERS)
def test_interface(name):
    encoder = make(name, code_size=7)
    assert encoder.spec == FORMAL and encoder.code_size == 7
    assert encoder(weights()).shape == (4, 7)
    assert PROBERS[name].needs_permutation_augmentation is False
    assert set(SIZE_PRESETS[name]) == {'tiny', 'small', 'paper'} and SIZE_PRESETS[name]['paper'] == {}


@pytest.mark.parametrize('name', PROBERS)
def test_paper_size(name):
    count = sum(p.numel() for p in PROBERS[name](FORMAL).parameters())
    assert 1.05e6 <= count <= 1.3e6, count   # 1.09 M without a writer, 1.16 M with one


@pytest.mark.parametrize('name', PROBERS)
@pytest.mark.parametrize('spec,probe_inputs', [(FORMAL, 'softmax'), (MNIST, 'real')])
@pytest.mark.parametrize('k,length', [(1, 1), (2, 7), (8, 12)])
def test_diagnostics_shapes(name, spec, probe_inputs, k, length):
    encoder = make(name, spec, num_parallel=k, probe_length=length, probe_inputs=probe_inputs)
    theta = weights(spec, 3)
    z, seen = encoder(theta, diagnostics=True)
    assert z.shape == (3, 16)
    assert seen['probes'].shape == (3, k, length, spec.input_size)
    assert seen['answers'].shape == (3, k, length, spec.output_size)
    # the answers are exactly the RNNs' outputs on the probes, run in one go
    torch.testing.assert_close(seen['answers'], spec.forward(theta, seen['probes'])[0], atol=1e-5, rtol=1e-5)
    if probe_inputs == 'softmax':
        torch.testing.assert_close(seen['probes'].sum(-1), torch.ones(3, k, length))
        assert (seen['probes'] >= 0).all()


@pytest.mark.parametrize('name', PROBERS)
def test_questions(name):
    _, seen = make(name, num_parallel=2)(weights(), diagnostics=True)
    probes = seen['probes']
    torch.testing.assert_close(probes[0, :, 0], probes[3, :, 0])  # the first question knows no answer yet
    if name == 'noninteractive':
        assert torch.equal(probes[0], probes[3])
    else:
        assert (probes[0, :, 1:] - probes[3, :, 1:]).abs().max() > 1e-6


@pytest.mark.parametrize('name', PROBERS)
@pytest.mark.parametrize('spec,probe_inputs,k', [(FORMAL, 'softmax', 1), (FORMAL, 'softmax', 4), (MNIST, 'real', 2)])
def test_permutation_invariance(name, spec, probe_inputs, k):
    encoder = make(name, spec, num_parallel=k, probe_inputs=probe_inputs)
    theta = weights(spec, 6)
    permuted = spec.random_permute(theta, torch.Generator().manual_seed(1))
    assert (permuted - theta).abs().max() > 0.1
    with torch.no_grad():
        torch.testing.assert_close(encoder(permuted), encoder(theta), atol=1e-5, rtol=1e-5)


@pytest.mark.parametrize('name', PROBERS)
def test_codes_differ(name):
    with torch.no_grad(): z = make(name)(weights())
    assert (z[0] - z[1]).abs().max() > 1e-4


@pytest.mark.parametrize('name', PROBERS)
def test_gradients_reach_every_parameter(name):
    encoder = make(name, num_parallel=2)
    encoder(weights()).square().sum().backward()
    for pname, p in encoder.named_parameters():
        assert p.grad is not None and p.grad.abs().sum() > 0, pname


def test_probe_writer_learns_through_the_rnn():
    "The writer's gradient exists only because it flows through the probed RNN: zero the RNN's input weights and it vanishes."
    encoder = make('interactive')
    theta = weights()
    encoder(theta).square().sum().backward()
    assert all(p.grad.abs().sum() > 0 for p in encoder.writer.parameters())
    deaf = FORMAL.unflatten(theta.clone())
    deaf['weight_ih_l0'].zero_()                      # an RNN that ignores its inputs
    deaf = FORMAL.flatten(deaf)
    encoder.zero_grad()
    encoder(deaf).square().sum().backward()
    assert all(p.grad.abs().max() == 0 for p in encoder.writer.parameters())


def test_float64_input_and_dtype():
    encoder = make('interactive')
    assert encoder(weights().double()).dtype == torch.float32
    encoder = make('noninteractive').double()
    assert encoder(weights()).dtype == torch.float64


@pytest.mark.parametrize('name', PROBERS)
@pytest.mark.parametrize('theta,message', [
    (torch.zeros(4, 100), 'got shape (4, 100)'),
    (torch.zeros(13766), 'got shape (13766,)'),
    (torch.zeros(2, 4, 13766), 'got shape (2, 4, 13766)'),
    (torch.zeros(4, 13767), '[B, 13766]'),
    (torch.zeros(4, 13766, dtype=torch.long), 'floating-point'),
    (torch.zeros(3, 13766).index_fill_(0, torch.tensor([1]), float('nan')), 'rows [1]'),
    (torch.zeros(3, 13766).index_fill_(0, torch.tensor([2]), float('inf')), 'NaN or infinite'),
])
def test_bad_theta(name, theta, message):
    with pytest.raises(ValueError) as info:
        make(name)(theta)
    assert message in str(info.value)


@pytest.mark.parametrize('name', PROBERS)
@pytest.mark.parametrize('kwargs,message', [
    (dict(probe_inputs='onehot'), "got 'onehot'"), (dict(reading='logits'), "got 'logits'"),
    (dict(num_parallel=0), 'num_parallel'), (dict(probe_length=0), 'probe_length'),
    (dict(probe_length=2.5), 'probe_length'), (dict(num_parallel=True), 'num_parallel'),
    (dict(code_size=0), 'code_size'), (dict(core_hidden_size=-1), 'core_hidden_size'),
])
def test_bad_constructor_arguments(name, kwargs, message):
    with pytest.raises(ValueError) as info:
        make(name, **kwargs)
    assert message in str(info.value)


def test_bad_spec():
    with pytest.raises(ValueError, match='LSTMSpec'):
        NonInteractiveProber((6, 32, 2, 6))


def test_read_answers():
    y = torch.tensor([[1.0, -40.0, 3.0]])
    torch.testing.assert_close(read_answers(y), read_answers(y - 7.0))
    assert read_answers(y).min() == -10.0
    with pytest.raises(ValueError, match='log_softmax'):
        read_answers(y, 'probabilities')


@pytest.mark.parametrize('name', PROBERS)
def test_state_dict_roundtrip(name):
    a, b = make(name), make(name)
    b.load_state_dict(a.state_dict())
    theta = weights()
    with torch.no_grad():
        torch.testing.assert_close(a(theta), b(theta))


def test_huge_but_finite_weights_pass():
    "The fast finiteness check (one sum) must not refuse weights whose sum overflows."
    theta = torch.zeros(2, FORMAL.num_params)
    theta[0, :4] = 3e38                               # finite, but the sum is inf
    with torch.no_grad():
        z = make('noninteractive')(theta)
    assert z.shape == (2, 16)
