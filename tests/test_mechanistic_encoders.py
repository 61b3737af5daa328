"""The mechanistic encoders (the paper's four and our neuron_graph): interface, bad input, symmetry, gradients, presets (fast: tiny sizes)."""
import pytest
import torch

from rnn_weight_repr.encoders import ALL_ENCODERS, MECHANISTIC, SIZE_PRESETS as PRESETS
from rnn_weight_repr.lstm import LSTMSpec
from rnn_weight_repr.mechanistic import ParameterTransformer, permutation_augment

SPEC = LSTMSpec(6, 32, 2, 6)
ENCODERS = {name: ALL_ENCODERS[name] for name in MECHANISTIC}
INVARIANT = {'layerwise_statistics', 'nfn', 'neuron_graph'}


def make(name, spec=SPEC, preset='tiny', **kwargs):
    return ENCODERS[name](spec, **{**PRESETS[name][preset], **kwargs})


@pytest.fixture
def theta():
    return SPEC.init_params(4, generator=torch.Generator().manual_seed(0))


@pytest.mark.parametrize('name', ENCODERS)
def test_interface(name, theta):
    encoder = make(name, code_size=7)
    assert encoder.spec == SPEC and encoder.code_size == 7
    assert encoder(theta).shape == (4, 7)
    assert encoder.needs_permutation_augmentation == (name not in INVARIANT)
    assert set(PRESETS[name]) == {'tiny', 'small', 'paper'} and PRESETS[name]['paper'] == {}


@pytest.mark.parametrize('name', ENCODERS)
@pytest.mark.parametrize('shape,message', [((4, 100), 'got shape (4, 100)'), ((13766,), 'got shape (13766,)'),
                                           ((2, 4, 13766), 'got shape (2, 4, 13766)'), ((4, 13767), '[B, 13766]')])
def test_wrong_shape(name, shape, message):
    with pytest.raises(ValueError) as info:
        make(name)(torch.zeros(shape))
    assert message in str(info.value)


@pytest.mark.parametrize('name', ENCODERS)
@pytest.mark.parametrize('value', [float('nan'), float('inf'), float('-inf')])
def test_nonfinite_weights(name, value, theta):
    theta[2, 1234] = value
    with pytest.raises(ValueError, match=r'NaN or infinite values \(rows \[2\]\)'):
        make(name)(theta)


@pytest.mark.parametrize('name', ENCODERS)
def test_integer_weights_are_refused(name, theta):
    with pytest.raises(ValueError, match='floating-point'):
        make(name)(theta.long())


@pytest.mark.parametrize('name', ENCODERS)
@pytest.mark.parametrize('spec', [SPEC, LSTMSpec(3, 5, 3, 4), LSTMSpec(16, 8, 1, 10)])
def test_symmetry(name, spec):
    g = torch.Generator().manual_seed(1)
    theta = spec.init_params(5, generator=g)
    encoder = make(name, spec)
    with torch.no_grad():
        z, z_perm = encoder(theta), encoder(spec.random_permute(theta, g))
    if name in INVARIANT:
        torch.testing.assert_close(z_perm, z, atol=1e-4, rtol=0)
        assert not torch.allclose(encoder(theta.flip(0)), z, atol=1e-4)
    else:
        assert not torch.allclose(z_perm, z, atol=1e-4)


@pytest.mark.parametrize('name', ENCODERS)
def test_gradients_reach_theta_and_every_parameter(name, theta):
    encoder = make(name)
    theta.requires_grad_()
    encoder(theta).square().sum().backward()
    assert theta.grad.abs().sum() > 0
    assert all(p.grad is not None and torch.isfinite(p.grad).all() for p in encoder.parameters())


def test_permutation_augment_branches(theta):
    g = torch.Generator().manual_seed(2)
    for name in ENCODERS:
        augmented = permutation_augment(make(name), theta, g)
        if name in INVARIANT:
            assert augmented is theta
        else:
            assert not torch.equal(augmented, theta)
            x = torch.randn(2, 7, SPEC.input_size, generator=g)  # a permuted copy computes the same function
            torch.testing.assert_close(SPEC.forward(augmented, x)[0], SPEC.forward(theta, x)[0], atol=1e-5, rtol=0)


def test_augmentation_is_reproducible_with_a_generator(theta):
    encoder = make('flat')
    a = permutation_augment(encoder, theta, torch.Generator().manual_seed(3))
    b = permutation_augment(encoder, theta, torch.Generator().manual_seed(3))
    assert torch.equal(a, b)


def test_paper_sizes_have_comparable_parameter_counts():
    counts = {name: sum(p.numel() for p in make(name, preset='paper').parameters()) for name in ENCODERS}
    for name in ('flat', 'parameter_transformer', 'nfn', 'neuron_graph'):
        assert 1.1e6 <= counts[name] <= 1.3e6, counts
    assert counts['layerwise_statistics'] < 2e5, counts


@pytest.mark.parametrize('name', ENCODERS)
def test_state_dict_round_trip(name, theta, tmp_path):
    encoder = make(name)
    torch.save(encoder.state_dict(), tmp_path / 'encoder.pt')
    fresh = make(name)
    fresh.load_state_dict(torch.load(tmp_path / 'encoder.pt'))
    with torch.no_grad():
        torch.testing.assert_close(fresh(theta), encoder(theta))


@pytest.mark.parametrize('name', ENCODERS)
def test_float64_and_eval_mode(name, theta):
    encoder = make(name).double().eval()
    with torch.no_grad():
        z = encoder(theta.double())
    assert z.dtype == torch.float64 and torch.isfinite(z).all()


@pytest.mark.gpu
@pytest.mark.skipif(not torch.cuda.is_available(), reason='needs CUDA')
@pytest.mark.parametrize('name', ENCODERS)
def test_cuda(name, theta):
    encoder = make(name)
    with torch.no_grad():
        expected = encoder(theta)
        torch.testing.assert_close(encoder.cuda()(theta.cuda()).cpu(), expected, atol=1e-4, rtol=1e-4)


def test_transformer_neuron_tokens(theta):
    encoder = ParameterTransformer(SPEC, **PRESETS['parameter_transformer']['tiny'], tokens='neuron')
    assert encoder.position.shape[1] == 1 + 2 * 32 + 6 and encoder(theta).shape == (4, 16)
    assert not torch.allclose(encoder(SPEC.random_permute(theta)), encoder(theta), atol=1e-4)
    with pytest.raises(ValueError, match="tokens: expected one of"):
        ParameterTransformer(SPEC, tokens='gate')
